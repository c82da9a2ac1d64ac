"""Helpers shared by the scheme editor's views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from indicators import forms, selectors
from indicators.models import Indicator, Scheme
from indicators.validation import Problem
from organizations.models import CareerStage, OrgUnit
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role

ALL_ROLES = tuple(Role)

ADMIN = Role.TENANT_ADMIN
PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    return selectors.scheme_get_for_actor(actor=_actor(request), pk=pk)


def _part(request: HttpRequest, model: type[Model], scheme: Scheme, pk: int) -> Any:
    """A row inside ``scheme``: 404 for another scheme's row exactly as for a missing one."""
    rows = model.objects.for_actor(_actor(request)).filter(scheme=scheme)  # type: ignore[attr-defined]
    if model is Indicator:
        rows = rows.prefetch_related("levels", "target_overrides", "rater_groups")
    return get_scoped_or_404(rows, pk=pk)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _to_detail(scheme: Scheme, anchor: str = "") -> HttpResponse:
    url = reverse("indicators:detail", args=[scheme.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# Lazy: these labels are read per request, in the user's language.
SECTIONS = {
    "scheme": (gettext_lazy("Scheme settings"), "scheme"),
    "categories": (gettext_lazy("Categories"), "weights"),
    "rater_groups": (gettext_lazy("Rater groups"), "weights"),
    "indicators": (gettext_lazy("Indicator"), "indicators"),
    "adjustments": (gettext_lazy("Bonus or deduction item"), "adjustments"),
    "vetoes": (gettext_lazy("Veto item"), "vetoes"),
}


def _problem_rows(
    problems: list[Problem], scheme: Scheme, detail: dict[str, Any], editable: bool
) -> list[dict[str, Any]]:
    """Each problem with the place it names: a section, the row by name, the field, a link."""
    indicators = {i.code: i for c in detail["categories"] for i in c.indicators.all()}
    names = {
        "categories": {c.code: c.name for c in detail["categories"]},
        "rater_groups": {g.code: g.name for g in detail["rater_groups"]},
        "indicators": {code: i.name for code, i in indicators.items()},
        "adjustments": {a.code: a.name for a in detail["adjustments"]},
        "vetoes": {v.code: v.name for v in detail["vetoes"]},
    }
    rows = []
    for problem in problems:
        section, _dot, rest = problem.field.partition(".")
        label, anchor = SECTIONS.get(section, (section, ""))
        code = rest.split(".", 1)[0]
        row_name = names.get(section, {}).get(code)
        url = reverse("indicators:detail", args=[scheme.pk]) + f"#{anchor}"
        if section == "indicators" and editable and code in indicators:
            url = reverse("indicators:indicator_edit", args=[scheme.pk, indicators[code].pk])
        place = f"{label} · {row_name}" if row_name else str(label)
        rows.append(
            {"place": place, "field": problem.field, "message": problem.message, "url": url}
        )
    return rows


def _detail_context(
    request: HttpRequest, scheme: Scheme, detail: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    detail = detail or selectors.scheme_detail(scheme=scheme)
    is_admin = _actor(request).has_role(ADMIN)
    can_edit = is_admin and not scheme.is_locked
    versions = list(selectors.scheme_versions(scheme=scheme))
    context = {
        "scheme": scheme,
        "versions": versions,
        "family_draft": next((v for v in versions if v.state == Scheme.State.DRAFT), None),
        "community_type_choices": OrgUnit.CommunityType.choices,
        "career_stage_choices": CareerStage.choices,
        "is_admin": is_admin,
        "can_edit": can_edit,
        "preview_form": forms.PreviewForm(detail=detail),
        **detail,
    }
    if can_edit:
        context["weights_form"] = forms.WeightsForm(
            categories=detail["categories"], groups=detail["rater_groups"]
        )
    return {**context, **extra}
