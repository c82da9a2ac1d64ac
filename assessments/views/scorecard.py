"""The secretary's side of an assessment: the scorecard with its explanation, a what-if
calculator, evidence downloads, appeals and the self-evaluation.

Every page fetches the assessment through ``assessment_list_for_actor``, so anything outside
the actor's scope answers 404 exactly as a missing one. A secretary never sees an individual
rater's value: the explanation loses its entry nodes for them, as in the API.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import services
from assessments.models import Assessment, SelfEvaluation
from assessments.selectors import (
    appeals_with_reviews,
    assessment_list_for_actor,
    entry_means,
    indicators_for_assessment,
    rank_among_stored,
    result_trend_for_actor,
    scorecard_inputs,
    scores_hidden_from,
    stored_result,
    trend_points,
)
from indicators import engine
from indicators.models import Indicator
from indicators.presentation import grade_label, result_to_dict
from organizations.decorators import role_required
from organizations.fragments import cached_fragment, code_version, row_values
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadField, download_response

ALL_ROLES = tuple(Role)
# Who scores in the grid (the grid shows each the rater groups they rate).
RATERS = (Role.TENANT_ADMIN, Role.STREET_ASSESSOR, Role.EXPERT, Role.SECRETARY)
# Roles that may see individual raters' entries; a secretary never does (see may_see_entries).
RATER_VIEWERS = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR, Role.EXPERT)
EVIDENCE_KINDS = ("adjustment", "veto", "appeal", "self")


# Fetching -------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    # Not joined to the scheme: a seventh table made planning this one-row query (under
    # row-level security) cost more than the rest of the page's queries together. The
    # scheme is read when the result is computed, which the cache mostly spares.
    return get_scoped_or_404(assessment_list_for_actor(actor=_actor(request)), pk=pk)


def _own_assessment(request: HttpRequest, pk: int) -> Assessment:
    """The assessment of the acting secretary; 404 for anyone else's, as for a missing one."""
    assessment = _assessment(request, pk)
    if assessment.secretary_id not in _actor(request).secretary_ids:
        raise Http404
    return assessment


def may_see_entries(actor: Actor, assessment: Assessment) -> bool:
    return assessment.secretary_id not in actor.secretary_ids and actor.has_role(*RATER_VIEWERS)


def _without_entries(node: dict[str, Any]) -> dict[str, Any]:
    children = [_without_entries(c) for c in node["children"] if c["kind"] != "entry"]
    return {**node, "children": children}


# Forms ----------------------------------------------------------------------------------


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


def _file() -> forms.ClearableFileInput:
    return forms.ClearableFileInput(attrs={"class": "form-control"})


class WhatIfForm(forms.Form):
    """One optional number per indicator, prefilled with the mean of its current entries.
    Only the values the user changed are put in (hidden initials tell them apart)."""

    def __init__(self, *args: Any, indicators: list[Indicator], current: dict[int, Any], **kw: Any):
        super().__init__(*args, **kw)
        self.codes: dict[str, str] = {}
        for indicator in indicators:
            name = f"v_{indicator.pk}"
            mean = current.get(indicator.pk)
            self.fields[name] = forms.DecimalField(
                label=indicator.name,
                required=False,
                decimal_places=4,
                max_digits=12,
                initial=None if mean is None else round(Decimal(mean), 2),
                show_hidden_initial=True,
                widget=forms.NumberInput(
                    attrs={"class": "form-control form-control-sm", "step": "any"}
                ),
            )
            self.codes[name] = indicator.code

    def values(self) -> dict[str, Decimal]:
        return {
            self.codes[name]: self.cleaned_data[name]
            for name in self.changed_data
            if self.cleaned_data.get(name) is not None
        }


class AppealForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(),
        label=_("Indicator"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(label=_("Why the score is wrong"), widget=_textarea(4))
    evidence = UploadField(label=_("Evidence (optional)"), required=False, widget=_file())

    def __init__(self, *args: Any, assessment: Assessment, **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["indicator"]
        field.queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            pk__in=[i.pk for i in indicators_for_assessment(assessment)]
        )


class SelfEvaluationForm(forms.Form):
    summary = forms.CharField(label=_("Self-evaluation"), widget=_textarea(5))
    duty_report = forms.CharField(label=_("Duty report (述职报告)"), widget=_textarea(8))
    attachment = UploadField(label=_("Attachment (optional)"), required=False, widget=_file())


def form_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# Reading the scorecard ------------------------------------------------------------------


def _shown_points(node: engine.ExplanationNode | None) -> dict[str, Any]:
    """Each indicator's points in the total as the explanation shows them: rounded so that
    they add up to the total shown (a table rounding each on its own could miss by a cent)."""
    found: dict[str, Any] = {}
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.kind == engine.NodeKind.INDICATOR:
            found[current.code] = current.display_points
        else:
            stack.extend(current.children)
    return found


def _indicator_rows(
    result: engine.Result, indicators: dict[str, Indicator], groups: dict[str, str]
) -> list[dict[str, Any]]:
    shown = _shown_points(result.explanation)
    return [
        {
            "code": row.code,
            "name": indicators[row.code].name if row.code in indicators else row.code,
            "max_points": row.max_points,
            "points": engine.to_cents(row.points),
            "total_points": shown.get(row.code, engine.to_cents(row.total_points)),
            "complete": row.complete,
            "groups": [
                {
                    "name": groups.get(g.group_code, g.group_code),
                    "weight": g.weight * 100,
                    "share": None if g.share is None else g.share * 100,
                    "points": engine.to_cents(g.points),
                    "raters": g.raters,
                }
                for g in row.groups
            ],
        }
        for row in result.indicators
    ]


def _labels(node: engine.ExplanationNode | None) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {"group": {}, "category": {}, "indicator": {}}
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if str(current.kind) in found and current.code:
            found[str(current.kind)][current.code] = current.label
        stack.extend(current.children)
    return found


def _what_if_form(
    assessment: Assessment, indicators: list[Indicator], data: Any = None
) -> WhatIfForm:
    return WhatIfForm(data, indicators=indicators, current=entry_means(assessment))


SCORECARD_CACHE_SECONDS = 24 * 3600


def _scorecard_parts(
    assessment: Assessment, show_entries: bool, summary: tuple[Any, ...]
) -> dict[str, Any]:
    """The result, and the indicator table, bonuses, explanation and what-if fields as HTML:
    everything computed from the assessment's inputs alone, cached under a summary of them
    (``scorecard_inputs``), the language and whether individual entries show. Computing it
    takes the engine, a dozen queries and the longest templates of the page. Any new score,
    bonus, veto or result gives another key. (The page around it is cached too; these
    parts are shared by the users who see the same assessment.)"""
    # The code's version: a deployment that changes the templates or the engine recomputes.
    inputs = (code_version(), show_entries, get_language(), summary)
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    key = f"scorecard:{assessment.pk}:{digest}"
    parts: dict[str, Any] | None = cache.get(key)
    if parts is None:
        parts = _computed_parts(assessment, show_entries)
        cache.set(key, parts, SCORECARD_CACHE_SECONDS)
    return {
        **parts,
        "body": mark_safe(parts["body"]),  # noqa: S308 - rendered by our own template
        "what_if_fields": mark_safe(parts["what_if_fields"]),  # noqa: S308 - likewise
    }


def _computed_parts(assessment: Assessment, show_entries: bool) -> dict[str, Any]:
    computed = services.compute_result(assessment, cached_scheme=True)
    data = result_to_dict(computed)
    if data["explanation"] and not show_entries:
        data["explanation"] = _without_entries(data["explanation"])
    # Names come from the explanation (the engine's own labels): reading the scheme again
    # would repeat the queries compute_result has just made.
    names = _labels(computed.explanation)
    indicators = indicators_for_assessment(assessment)
    by_code = {i.code: i for i in indicators}
    group_names, category_names = names["group"], names["category"]
    for category in data["categories"]:
        category["name"] = category_names.get(category["code"], category["code"])
    for missing in data["missing"]:
        indicator = by_code.get(missing["indicator"])
        missing["indicator_name"] = indicator.name if indicator else missing["indicator"]
        missing["group_name"] = group_names.get(missing["group"], missing["group"])
    body = render_to_string(
        "assessments/_scorecard_body.html",
        {
            "assessment": assessment,
            "result": data,
            "indicator_rows": _indicator_rows(computed, by_code, group_names),
            "adjustments": list(assessment.adjustments.select_related("item")),
            "vetoes": list(assessment.vetoes.select_related("item")),
            "self_evaluation": getattr(assessment, "self_evaluation", None),
        },
    )
    fields = render_to_string(
        "assessments/_scorecard_what_if_fields.html",
        {"what_if_form": _what_if_form(assessment, indicators)},
    )
    summary = {k: v for k, v in data.items() if k != "explanation"}
    return {"result": summary, "body": str(body), "what_if_fields": str(fields)}


def _scorecard_context(
    request: HttpRequest, assessment: Assessment, summary: tuple[Any, ...]
) -> dict[str, Any]:
    """Everything the scorecard shows, in a number of queries that does not grow with the
    number of indicators, and (once its parts are cached) a handful of them."""
    actor = _actor(request)
    parts = _scorecard_parts(assessment, may_see_entries(actor, assessment), summary)
    trend = result_trend_for_actor(actor=actor, assessment=assessment)
    return {
        "trend": trend,
        "trend_points": trend_points([r.total for r in trend]),
        "assessment": assessment,
        "result": parts["result"],
        "parts": parts,
        "stored": stored_result(assessment),
        "appeals": appeals_with_reviews(assessment),
        "is_secretary": assessment.secretary_id in actor.secretary_ids,
        "may_score": actor.has_role(*RATERS),
    }


# Views ----------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    actor = _actor(request)
    if scores_hidden_from(actor, assessment):
        context = {
            "assessment": assessment,
            "self_evaluation": getattr(assessment, "self_evaluation", None),
            "trend": result_trend_for_actor(actor=actor, assessment=assessment),
        }
        return render(request, "assessments/scorecard_pending.html", context)
    # Read back, the page costs the assessment and one summary of everything else it shows.
    summary = scorecard_inputs(assessment)
    body = cached_fragment(
        request, "assessments/_scorecard_page.html",
        inputs=(row_values(assessment), summary),
        context=lambda: _scorecard_context(request, assessment, summary),
    )  # fmt: skip
    return render(request, "assessments/scorecard.html", {"assessment": assessment, "body": body})


def _numbers(request: HttpRequest, pk: int) -> Assessment:
    """The assessment, for a view that shows its numbers: 404 for its secretary before the
    street has published them, as for a missing one."""
    assessment = _assessment(request, pk)
    if scores_hidden_from(_actor(request), assessment):
        raise Http404
    return assessment


@role_required(*ALL_ROLES)
@require_POST
def what_if(request: HttpRequest, pk: int) -> HttpResponse:
    """The total, grade and rank with the changed values; nothing is saved."""
    assessment = _numbers(request, pk)
    indicators = indicators_for_assessment(assessment)
    form = _what_if_form(assessment, indicators, request.POST)
    context: dict[str, Any] = {"assessment": assessment, "form": form}
    if form.is_valid():
        result = services.what_if_result(assessment, form.values())
        rank, out_of = rank_among_stored(assessment, result)
        context |= {
            "result": result, "rank": rank, "out_of": out_of, "changed": len(form.values()),
            "grade_label": grade_label(result.grade) or None,
        }  # fmt: skip
    return render(request, "assessments/_scorecard_what_if.html", context)


@role_required(*ALL_ROLES)
def evidence(request: HttpRequest, pk: int, kind: str, item: int) -> FileResponse:
    """A file attached to this assessment, fetched through the scoped assessment."""
    assessment = _assessment(request, pk) if kind == "self" else _numbers(request, pk)
    if kind not in EVIDENCE_KINDS:
        raise Http404
    if kind == "self":
        rows: Any = SelfEvaluation.objects.filter(assessment=assessment)
        field = "attachment"
    else:
        rows = getattr(
            assessment, {"adjustment": "adjustments", "veto": "vetoes", "appeal": "appeals"}[kind]
        )
        field = "evidence"
    return download_response(getattr(get_scoped_or_404(rows, pk=item), field))


@role_required(Role.SECRETARY)
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _own_assessment(request, pk)
    form = AppealForm(request.POST or None, request.FILES or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(actor=_actor(request), assessment=assessment, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(
                form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
            )
        else:
            return redirect("assessments:scorecard", pk=assessment.pk)
    return render(
        request, "assessments/scorecard_appeal.html", {"assessment": assessment, "form": form}
    )


@role_required(Role.SECRETARY)
@require_http_methods(["GET", "POST"])
def self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _own_assessment(request, pk)
    existing = getattr(assessment, "self_evaluation", None)
    initial = (
        {"summary": existing.summary, "duty_report": existing.duty_report} if existing else None
    )
    form = SelfEvaluationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_evaluation_submit(
                actor=_actor(request), assessment=assessment, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            form_errors(
                form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
            )
        else:
            return redirect("assessments:scorecard", pk=assessment.pk)
    context = {"assessment": assessment, "form": form, "existing": existing}
    return render(request, "assessments/scorecard_self_evaluation.html", context)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", scorecard, name="scorecard"),
    path("<int:pk>/what-if/", what_if, name="what_if"),
    path("<int:pk>/evidence/<str:kind>/<int:item>/", evidence, name="evidence"),
    path("<int:pk>/appeal/", appeal, name="appeal"),
    path("<int:pk>/self-evaluation/", self_evaluation, name="self_evaluation"),
]
