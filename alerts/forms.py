from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, Incident, Level, Rule, ThresholdSet
from alerts.services import THRESHOLD_FIELDS
from organizations.models import OrgUnit, User
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadField

SMALL = {"class": "form-select form-select-sm"}


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class _QuarterRuleForm(forms.Form):
    period = forms.RegexField(
        label=_("Quarter"),
        required=False,
        regex=r"^\d{4}Q[1-4]$",
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "2026Q3"}
        ),
    )
    rule = forms.ChoiceField(
        label=_("Rule"),
        required=False,
        choices=_blank(_("All rules"), Rule.choices),
        widget=forms.Select(attrs=SMALL),
    )


class HeatMapFilterForm(_QuarterRuleForm):
    street = forms.ModelChoiceField(
        label=_("Street"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label=_("All streets"),
        widget=forms.Select(attrs=SMALL),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        streets = OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.STREET).order_by("name")
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]


class AlertFilterForm(_QuarterRuleForm):
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=_blank(_("All levels"), Level.choices),
        widget=forms.Select(attrs=SMALL),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_blank(_("Not resolved"), [*Alert.Status.choices, ("all", _("All"))]),
        widget=forms.Select(attrs=SMALL),
    )
    community = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HandleForm(forms.Form):
    note = forms.CharField(
        label=_("How it was handled"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    evidence = UploadField(label=_("Evidence"), required=False)


class RectifyForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())  # fmt: skip

    def __init__(self, *args: Any, actor: Actor, community_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The community's secretaries and the street's assessors own rectifications.
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            tenant_id=actor.tenant_id, is_active=True, memberships__unit_id=community_id,
            memberships__role=Role.SECRETARY,
        ).distinct()  # fmt: skip


class ThresholdForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ThresholdSet
        fields = list(THRESHOLD_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 85, as it was typed, not the stored 85.00.
        for name, value in self.initial.items():
            if isinstance(value, Decimal):
                self.initial[name] = f"{value.normalize():f}"


class IncidentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Incident
        fields = ["community", "kind", "title", "description", "occurred_on", "serious"]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"}), "description": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communities = OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.COMMUNITY)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["occurred_on"].initial = timezone.localdate()
