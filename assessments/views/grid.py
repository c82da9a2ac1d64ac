"""The street assessor's pages: the assessment list, the scoring grid (indicators × the rater
groups the actor may rate), saving one cell, state transitions, bonuses/deductions and vetoes.

Every assessment is fetched through ``assessment_list_for_actor``: outside the actor's scope
it answers 404 exactly as a missing one. The services decide who may write what."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, OuterRef, QuerySet, Subquery, When
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from assessments import services
from assessments.models import Assessment, Cycle, Result, ScoreEntry, VetoRecord
from assessments.selectors import (
    assessment_list_for_actor,
    indicators_for_assessment,
    numbers_shown,
    scorecard_inputs,
)
from assessments.services.common import is_street_assessor
from assessments.services.scoring import MAX_OCCURRENCES, MAX_VERSION, rateable_kinds
from assessments.views.scorecard import RATERS, form_errors, may_see_entries
from indicators.models import AdjustmentItem, Indicator, RaterGroup, VetoItem
from indicators.selectors import SchemeParts, scheme_parts
from organizations.decorators import role_required
from organizations.fragments import cached_fragment, row_values
from organizations.prepared import PreparedCountPaginator, values_prepared
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadField, download_response

PAGE_SIZE = 25
ASSESSORS = (Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
State = Assessment.State
Kind = RaterGroup.Kind


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_scoped_or_404(assessment_list_for_actor(actor=_actor(request)), pk=pk)


def _to_grid(assessment: Assessment, anchor: str = "") -> HttpResponse:
    url = reverse("assessments:grid", args=[assessment.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _message(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or _("Your role does not allow this action.")


# Forms ------------------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Community"), required=False, max_length=100)
    cycle = forms.IntegerField(label=gettext_lazy("Cycle"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states")), *State.choices],
    )


def _id() -> forms.IntegerField:
    """A row id from the page (fetched through the scope afterwards)."""
    return forms.IntegerField(min_value=1, max_value=2**63 - 1)


class CellForm(forms.Form):
    indicator = _id()
    rater_group = _id()
    value = forms.DecimalField(max_digits=14, decimal_places=4)
    expected_version = forms.IntegerField(required=False, min_value=1, max_value=MAX_VERSION)
    evidence = UploadField(required=False)


class AdjustmentForm(forms.Form):
    item = _id()
    occurrences = forms.IntegerField(min_value=1, max_value=MAX_OCCURRENCES, initial=1)
    note = forms.CharField(required=False)
    # Required by the service, which names what is missing; the input carries ``required``.
    evidence = UploadField(required=False)


class VetoForm(forms.Form):
    item = _id()
    reason = forms.CharField(required=False)
    evidence = UploadField(required=False)


def _first_error(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label or name}: {error}" if name != "__all__" else str(error)
        for name, errors in form.errors.items()
        for error in errors
    )


# The list ---------------------------------------------------------------------------------


def _assessment_rows(actor: Actor, filters: ListFilterForm) -> QuerySet[Assessment]:
    # A subquery, not a join: the paginator's count then reads the assessments alone.
    totals = Subquery(Result.objects.filter(assessment=OuterRef("pk")).values("total")[:1])
    # A secretary's own total shows once published, like the rest of their numbers.
    shown = numbers_shown(actor)
    total = Case(When(shown, then=totals), default=None) if shown else totals
    rows = assessment_list_for_actor(actor=actor).annotate(total=total)
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("q"):
        rows = rows.filter(community__name__icontains=data["q"])
    if data.get("cycle"):
        rows = rows.filter(cycle_id=data["cycle"])
    if data.get("state"):
        rows = rows.filter(state=data["state"])
    # Street by street in each cycle, the order of the index "assessment_list_order": a page
    # of a city's 15,000 assessments is read from the index, not sorted from all of them.
    return rows.order_by("-cycle_id", "street_id", "community_id", "pk")


class ListRow(NamedTuple):
    pk: int
    community: str
    street: str
    secretary: str
    cycle: str
    state: str
    total: Decimal | None


LIST_FILTERS = ("q", "cycle", "state")
LIST_COLUMNS = (
    "pk", "community__name", "street__name", "secretary__user__full_name",
    "secretary__user__username", "cycle__name", "state", "total",
)  # fmt: skip


@role_required(*Role)
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters = ListFilterForm(request.GET)
    rows_in_scope = _assessment_rows(actor, filters)
    page = PreparedCountPaginator(rows_in_scope, PAGE_SIZE).get_page(request.GET.get("page"))
    cycles = values_prepared(
        Cycle.objects.for_actor(actor).order_by("-year", "-quarter", "pk").values_list("pk", "name")
    )
    # Plain values, not instances: composing and reading five tables' worth of columns for
    # 25 rows took longer than the rest of the page.
    rows = [
        ListRow(pk, community, street, full_name or username, cycle, str(State(state).label), total)
        for pk, community, street, full_name, username, cycle, state, total in values_prepared(
            page.object_list.values_list(*LIST_COLUMNS)  # the count above reads no join
        )
    ]
    query = QueryDict(mutable=True)
    query.update({k: v for k in LIST_FILTERS if (v := request.GET.get(k))})

    def context() -> dict[str, Any]:
        return {
            "page": page, "rows": rows, "filters": filters, "cycles": cycles, "query": query,
            "can_score": actor.has_role(*RATERS),
            "filtered": bool(query),
        }  # fmt: skip

    # The fragment is rendered from exactly these values (the rows as fetched, the count, the
    # page number, the cycles); the user, roles and query are in every fragment's key.
    inputs = (page.paginator.count, page.number, rows, cycles)
    body = cached_fragment(
        request, "assessments/_list_body.html", inputs=inputs, context=context,
        params=(*LIST_FILTERS, "page"),
    )  # fmt: skip
    return render(request, "assessments/list.html", {"body": body})


# The grid ---------------------------------------------------------------------------------


def _rateable_groups(actor: Actor, assessment: Assessment, parts: SchemeParts) -> list[RaterGroup]:
    """The scheme's rater groups this actor may score for this assessment, by the rule
    ``entry_save`` applies."""
    kinds = rateable_kinds(actor, assessment)
    return [g for g in parts.rater_groups if g.kind in kinds]


def _plain(value: Decimal) -> str:
    """100.0000 → "100", 87.5000 → "87.5": what the rater typed, without the padding."""
    return f"{Decimal(value).normalize():f}"


def _hint(indicator: Indicator) -> str:
    if indicator.method == Indicator.Method.YES_NO:
        return _("1 = done, 0 = not done")
    if indicator.method == Indicator.Method.QUANTITATIVE:
        unit = f" ({indicator.unit})" if indicator.unit else ""
        if indicator.target is not None:
            return _("Actual value%(unit)s; target %(target)s") % {
                "unit": unit,
                "target": f"{indicator.target.normalize():f}",
            }
        return _("Actual value%(unit)s") % {"unit": unit}
    return _("Percent of the points, 0-100")


def _grid_rows(
    actor: Actor, assessment: Assessment, groups: list[RaterGroup], parts: SchemeParts
) -> tuple[list[dict[str, Any]], int]:
    """One row per indicator with one cell per group; two queries (the special picks and
    the entries) besides the scheme's parts."""
    group_ids = {g.pk for g in groups}
    indicators = indicators_for_assessment(assessment, parts=parts)
    collective = {g.pk for g in groups if g.kind in (Kind.ORGANISATION, Kind.OTHER)}
    entries = {
        (e.indicator_id, e.rater_group_id): e
        for e in ScoreEntry.objects.filter(assessment=assessment, rater_group_id__in=group_ids)
        if (e.rater_id is None) == (e.rater_group_id in collective)
        and (e.rater_id is None or e.rater_id == actor.user_id)
    }
    rows, missing = [], 0
    for indicator in indicators:
        rated_by = {g.pk for g in indicator.rater_groups.all()} & group_ids
        cells = []
        for group in groups:
            entry = entries.get((indicator.pk, group.pk))
            if group.pk in rated_by and entry is None:
                missing += 1
            cells.append(
                {
                    "group": group,
                    "rated": group.pk in rated_by,
                    "entry": entry,
                    "value": _plain(entry.value) if entry is not None else "",
                    # Its name and the scoped view's address (never the storage's own URL).
                    "download": _evidence(entry) if entry is not None else None,
                }
            )
        rows.append({"indicator": indicator, "hint": _hint(indicator), "cells": cells})
    return rows, missing


def _next_states(actor: Actor, assessment: Assessment) -> list[tuple[str, str]]:
    from assessments.services.cycles import TRANSITIONS

    allowed = TRANSITIONS.get(assessment.state, {})
    return [(s, State(s).label) for s, roles in allowed.items() if actor.has_role(*roles)]


@role_required(*RATERS)
@require_GET
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    # Everything the grid shows is the assessment as fetched, the actor (in every fragment's
    # key) and what scorecard_inputs sums up: the entries, vetoes, scheme and state.
    # The rater groups the actor may score are their roles' (in every key) and, for an
    # expert, their assignment to this assessment.
    kinds = sorted(rateable_kinds(_actor(request), assessment))
    body = cached_fragment(
        request, "assessments/_grid_page.html",
        inputs=(row_values(assessment), scorecard_inputs(assessment), kinds),
        context=lambda: _grid_context(request, assessment),
    )  # fmt: skip
    return render(request, "assessments/grid.html", {"assessment": assessment, "body": body})


def _grid_context(
    request: HttpRequest, assessment: Assessment, **refused: forms.Form
) -> dict[str, Any]:
    """The grid page; ``refused`` holds a bonus/deduction or veto form that was refused, so
    that its errors show next to its fields with what was typed."""
    actor = _actor(request)
    parts = scheme_parts(scheme_id=assessment.scheme_id)
    groups = _rateable_groups(actor, assessment, parts)
    rows, missing = _grid_rows(actor, assessment, groups, parts)
    is_assessor = is_street_assessor(actor, assessment.street_id)
    context = {
        "assessment": assessment,
        "groups": groups,
        "rows": rows,
        "missing": missing,
        "next_states": _next_states(actor, assessment),
        "is_assessor": is_assessor,
        "locked": assessment.state in (State.PUBLISHED, State.APPEAL, State.FINAL),
        "adjustment_form": refused.get("adjustment_form") or AdjustmentForm(),
        "veto_form": refused.get("veto_form") or VetoForm(),
    }
    if is_assessor:
        context["adjustment_items"] = parts.adjustment_items
        context["veto_items"] = parts.veto_items
        context["vetoes"] = list(
            VetoRecord.objects.for_actor(actor)
            .filter(assessment=assessment)
            .select_related("item", "proposed_by")
        )
    return context


def _refused_form(
    request: HttpRequest,
    assessment: Assessment,
    name: str,
    form: forms.Form,
    exc: ValidationError | PermissionDenied | None = None,
) -> HttpResponse:
    """The grid again (400) with the refusal (the form's own errors, or the service's)
    next to the form's fields."""
    if isinstance(exc, ValidationError):
        form_errors(form, exc)
    elif exc is not None:
        form.add_error(None, _message(exc))
    context = _grid_context(request, assessment, **{name: form})
    body = render_to_string("assessments/_grid_page.html", context, request=request)
    return render(
        request, "assessments/grid.html", {"assessment": assessment, "body": body}, status=400
    )


@role_required(*RATERS)
@require_POST
def grid_save(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = CellForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": _first_error(form)}, status=400)
    data = form.cleaned_data
    scheme = assessment.scheme_id
    indicator = Indicator.objects.filter(scheme_id=scheme, pk=data["indicator"]).first()
    group = RaterGroup.objects.filter(scheme_id=scheme, pk=data["rater_group"]).first()
    if indicator is None or group is None:
        return JsonResponse({"error": _("Unknown indicator or rater group.")}, status=400)
    try:
        entry = services.entry_save(
            actor=_actor(request), assessment=assessment, indicator=indicator, rater_group=group,
            value=data["value"], evidence=data["evidence"], expected_version=data["expected_version"],
        )  # fmt: skip
    except services.EntryConflict as exc:
        return JsonResponse({"error": _message(exc)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": _message(exc)}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"error": _message(exc)}, status=403)
    return JsonResponse(
        {"version": entry.version, "value": _plain(entry.value), "evidence": _evidence(entry)}
    )


def _evidence(entry: ScoreEntry) -> dict[str, str] | None:
    """The entry's evidence file as the grid links to it, or None."""
    if not entry.evidence:
        return None
    url = reverse("assessments:entry_evidence", args=[entry.assessment_id, entry.pk])
    return {"name": os.path.basename(entry.evidence.name), "url": url}


@role_required(*RATERS)
@require_GET
def entry_evidence(request: HttpRequest, pk: int, entry_pk: int) -> FileResponse:
    """A score entry's evidence, through the scoped assessment: for the entry's own rater and
    for those who may see individual raters' entries (never the assessed secretary)."""
    actor = _actor(request)
    assessment = _assessment(request, pk)
    entry = get_scoped_or_404(ScoreEntry.objects.filter(assessment=assessment), pk=entry_pk)
    if entry.rater_id != actor.user_id and not may_see_entries(actor, assessment):
        raise Http404
    return download_response(entry.evidence)


# Workflow steps ---------------------------------------------------------------------------


@role_required(*ASSESSORS, Role.SECRETARY)
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    to_state = request.POST.get("to_state", "")
    if to_state not in State.values:
        messages.error(request, _("Choose the step to take."))
        return _to_grid(assessment)
    if to_state == State.PUBLISHED and request.POST.get("confirm") != "1":
        return render(request, "assessments/grid_publish_confirm.html", {"assessment": assessment})
    try:
        services.assessment_transition(
            actor=_actor(request), assessment=assessment, to_state=to_state
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request, _("The assessment is now “%(state)s”.") % {"state": State(to_state).label}
        )
    return _to_grid(assessment)


@role_required(*ASSESSORS)
@require_POST
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = AdjustmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused_form(request, assessment, "adjustment_form", form)
    data = form.cleaned_data
    item = AdjustmentItem.objects.filter(scheme_id=assessment.scheme_id, pk=data["item"]).first()
    try:
        if item is None:
            raise ValidationError({"item": _("Choose a bonus or deduction item.")})
        services.adjustment_add(
            actor=_actor(request), assessment=assessment, item=item,
            occurrences=data["occurrences"], note=data["note"], evidence=data["evidence"],
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        return _refused_form(request, assessment, "adjustment_form", form, exc)
    else:
        messages.success(request, _("%(item)s was recorded.") % {"item": item.name})
    return _to_grid(assessment, "adjustments")


@role_required(*ASSESSORS)
@require_POST
def veto_propose(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = VetoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused_form(request, assessment, "veto_form", form)
    data = form.cleaned_data
    item = VetoItem.objects.filter(scheme_id=assessment.scheme_id, pk=data["item"]).first()
    try:
        if item is None:
            raise ValidationError({"item": _("Choose a veto item.")})
        services.veto_propose(
            actor=_actor(request), assessment=assessment, item=item,
            reason=data["reason"], evidence=data["evidence"],
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        return _refused_form(request, assessment, "veto_form", form, exc)
    else:
        messages.success(request, _("The veto was proposed; a second person must approve it."))
    return _to_grid(assessment, "vetoes")


@role_required(*ASSESSORS)
@require_POST
def veto_decide(request: HttpRequest, pk: int, veto_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    vetoes = VetoRecord.objects.for_actor(_actor(request)).filter(assessment=assessment)
    veto = get_scoped_or_404(vetoes.select_related("assessment"), pk=veto_pk)
    approve = request.POST.get("approve") == "1"
    try:
        services.veto_decide(actor=_actor(request), veto=veto, approve=approve)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request, _("The veto was approved.") if approve else _("The veto was rejected.")
        )
    return _to_grid(assessment, "vetoes")


urlpatterns: list[URLPattern] = [
    path("", assessment_list, name="list"),
    path("<int:pk>/grid/", grid, name="grid"),
    path("<int:pk>/grid/save/", grid_save, name="grid_save"),
    path("<int:pk>/grid/entries/<int:entry_pk>/evidence/", entry_evidence, name="entry_evidence"),
    path("<int:pk>/transition/", transition, name="transition"),
    path("<int:pk>/adjustments/add/", adjustment_add, name="adjustment_add"),
    path("<int:pk>/vetoes/propose/", veto_propose, name="veto_propose"),
    path("<int:pk>/vetoes/<int:veto_pk>/decide/", veto_decide, name="veto_decide"),
]
