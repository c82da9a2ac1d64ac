from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from organizations.auth import lockout_remaining_minutes
from organizations.models import Membership, OrgUnit
from organizations.selectors import unit_list_for_actor, unit_parent_choices
from organizations.tenancy import Actor


class LoginForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        minutes = lockout_remaining_minutes(username)
        if minutes:
            raise forms.ValidationError(
                _("Too many failed logins. Try again in %(minutes)d minutes.")
                % {"minutes": minutes},
                code="locked",
            )
        return super().clean()


class UnitCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnit.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits, hyphens; unique in the tenant."),
    )
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=OrgUnit.objects.none(), required=False
    )
    community_type = forms.ChoiceField(
        label=_("Community type"),
        choices=[("", "—"), *OrgUnit.CommunityType.choices],
        required=False,
        help_text=_("Communities only."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = unit_parent_choices(actor=actor)  # type: ignore[attr-defined]


class UnitUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(label=_("Code"), max_length=50)
    community_type = forms.ChoiceField(
        label=_("Community type"),
        choices=[("", "—"), *OrgUnit.CommunityType.choices],
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership._meta.get_field("role").choices)
    unit = forms.ModelChoiceField(
        label=_("Scope unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_(
            "A street for assessors, a community for secretaries, empty for tenant-wide roles."
        ),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_list_for_actor(actor=actor).order_by("kind", "name")  # type: ignore[attr-defined]
