"""The tenant's talk settings: when feedback is due, the routine minimum, the demand themes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from interviews import selectors, services
from interviews.forms import PolicyForm, ThemeForm, apply_errors
from interviews.views import actor_of
from organizations.decorators import role_required
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Role


@role_required(Role.TENANT_ADMIN)
def talk_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    policy = selectors.policy_for_tenant(actor.tenant_id)
    initial = {"feedback_due_days": policy.feedback_due_days, "routine_per_quarter": policy.routine_per_quarter}  # fmt: skip
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The talk settings are saved."))
            return redirect("interviews:settings")
    themes = list(selectors.themes_for_actor(actor=actor))
    return render(request, "interviews/settings.html", {"form": form, "themes": themes})


@role_required(Role.TENANT_ADMIN)
def theme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    theme = get_scoped_or_404(selectors.themes_for_actor(actor=actor), pk=pk) if pk else None
    initial = (
        {"name": theme.name, "keywords": ", ".join(theme.keywords), "order": theme.order, "is_active": theme.is_active}
        if theme else {}
    )  # fmt: skip
    form = ThemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_save(
                actor=actor, theme=theme, name=form.cleaned_data["name"],
                keywords=form.keyword_list(), order=form.cleaned_data["order"],
                is_active=form.cleaned_data["is_active"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The theme is saved; talks are read again in the background."))  # fmt: skip
            return redirect("interviews:settings")
    return render(request, "interviews/theme_form.html", {"form": form, "theme": theme})


urlpatterns: list[URLPattern] = [
    path("settings/", talk_settings, name="settings"),
    path("settings/themes/new/", theme_edit, name="theme_create"),
    path("settings/themes/<int:pk>/", theme_edit, name="theme_edit"),
]
