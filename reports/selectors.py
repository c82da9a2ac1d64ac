"""Reads for reports: what a scorecard or a summary shows, the fingerprint of those inputs,
and the scoped lists behind the download pages.

Talks, resident ratings and warnings come from their own apps; ``report_talks``,
``report_resident_ratings`` and ``report_warnings`` are the one place each is read, and the
PDFs say "none recorded" where there is nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext, ngettext

from assessments.models import (
    AdjustmentRecord,
    Assessment,
    Cycle,
    Rectification,
    Result,
    ScoreEntry,
    VetoRecord,
)
from assessments.selectors import (
    assessments_with_numbers_for_actor,
    result_trend_for_actor,
)
from assessments.services import compute_result
from indicators import engine
from indicators.models import Category, Indicator, RaterGroup
from indicators.presentation import GRADE_LABELS, grade_label
from organizations.models import OrgUnit
from organizations.selectors import get_scoped_or_404, unit_list_for_actor
from organizations.tenancy import Actor
from reports import charts
from reports.models import ReportArtifact, ReportBatch

# Bumped whenever a template or what a report shows changes: every cached file is rebuilt.
REPORT_VERSION = 1


# Scoped fetching ----------------------------------------------------------------------------


def report_assessment_for_actor(*, actor: Actor | None, pk: int) -> Assessment:
    """The assessment a scorecard is about; 404 outside the actor's scope, as for a missing
    one, and for its secretary before it is published."""
    rows = assessments_with_numbers_for_actor(actor=actor).select_related("scheme")
    return get_scoped_or_404(rows, pk=pk)


def report_cycle_for_actor(*, actor: Actor | None, pk: int) -> Cycle:
    cycle: Cycle = get_scoped_or_404(Cycle.objects.for_actor(actor).select_related("scheme"), pk=pk)
    return cycle


def report_street_for_actor(*, actor: Actor | None, pk: int) -> OrgUnit:
    return get_scoped_or_404(unit_list_for_actor(actor=actor, kind=OrgUnit.Kind.STREET), pk=pk)


def report_streets_for_actor(*, actor: Actor | None) -> QuerySet[OrgUnit]:
    return unit_list_for_actor(actor=actor, kind=OrgUnit.Kind.STREET).order_by("code", "pk")


def report_batch_list_for_actor(*, actor: Actor | None) -> QuerySet[ReportBatch]:
    return ReportBatch.objects.for_actor(actor).select_related("cycle", "street", "requested_by")


def report_batch_for_actor(*, actor: Actor | None, pk: int) -> ReportBatch:
    return get_scoped_or_404(report_batch_list_for_actor(actor=actor), pk=pk)


def report_artifact_list_for_actor(*, actor: Actor | None) -> QuerySet[ReportArtifact]:
    return ReportArtifact.objects.for_actor(actor).select_related("cycle", "street")


def cycle_results(cycle: Cycle, street: OrgUnit | None = None) -> QuerySet[Result]:
    """The cycle's stored results in rank order (the caller has checked the scope)."""
    rows = Result.objects.filter(tenant_id=cycle.tenant_id, assessment__cycle=cycle)
    if street is not None:
        rows = rows.filter(street=street)
    return rows.select_related(
        "street", "assessment__community", "assessment__secretary__user"
    ).order_by("rank_in_tenant", "assessment__community__code", "pk")


# Parts that other apps will provide -----------------------------------------------------------


def report_talks(assessment: Assessment) -> list[dict[str, Any]]:
    """Talks held with the community in the assessment's cycle, and their feedback:
    [{"date", "kind", "summary"}], oldest first."""
    from interviews.models import Talk

    cycle = assessment.cycle
    talks = Talk.objects.filter(
        tenant_id=assessment.tenant_id,
        community_id=assessment.community_id,
        status=Talk.Status.HELD,
        held_on__gte=cycle.starts_on,
        held_on__lte=cycle.ends_on,
    ).order_by("held_on", "pk")
    rows = []
    for talk in talks:
        summary = (talk.outcomes or talk.notes).strip()
        if len(summary) > 120:
            summary = summary[:119] + "…"
        if talk.feedback_on is not None:
            feedback = gettext("feedback given on %(day)s") % {"day": talk.feedback_on.isoformat()}
        elif talk.feedback_due is not None:
            feedback = gettext("feedback due on %(day)s") % {"day": talk.feedback_due.isoformat()}
        else:
            feedback = ""
        rows.append(
            {
                "date": talk.held_on.isoformat() if talk.held_on else "",
                "kind": talk.get_kind_display(),
                "summary": f"{summary}（{feedback}）" if feedback else summary,
            }
        )
    return rows


def report_resident_ratings(assessment: Assessment) -> dict[str, Any] | None:
    """The community's resident rating campaign (群众评议) in the assessment's cycle:
    {"index", "responses", "summary"}; None without a campaign or below its minimum number
    of responses (results are not shown below it)."""
    from residents.models import Campaign
    from residents.selectors import campaign_stats

    campaign = Campaign.objects.filter(
        tenant_id=assessment.tenant_id,
        cycle_id=assessment.cycle_id,
        community_id=assessment.community_id,
    ).first()
    if campaign is None:
        return None
    stats = campaign_stats(campaign=campaign)
    if not stats.shown or stats.card.index is None:
        return None
    parts = [f"{label} {value}" for label, value, _open in stats.question_rows if value is not None]
    if stats.response_rate is not None:
        parts.append(gettext("response rate %(rate)s%%") % {"rate": stats.response_rate})
    return {
        "index": stats.card.index,
        "responses": stats.card.responses,
        "summary": "；".join(parts),
    }


def report_warnings(cycle: Cycle, street: OrgUnit | None) -> list[dict[str, Any]]:
    """Open and handled warnings (三色预警) of the cycle's quarters by colour, red first:
    [{"colour", "label", "count"}] (colours without a warning left out)."""
    from alerts.models import Alert, Level

    periods = (
        [f"{cycle.year}Q{cycle.quarter}"]
        if cycle.quarter
        else [f"{cycle.year}Q{q}" for q in range(1, 5)]
    )
    alerts = Alert.objects.filter(tenant_id=cycle.tenant_id, period__in=periods)
    if street is not None:
        alerts = alerts.filter(street=street)
    counts = dict(alerts.values_list("level").annotate(n=Count("id")).order_by())
    return [
        {"colour": level.value, "label": level.label, "count": counts[level.value]}
        for level in (Level.RED, Level.YELLOW, Level.BLUE)
        if counts.get(level.value)
    ]


# The scorecard ------------------------------------------------------------------------------


def _whole_tenant(tenant_id: int) -> Actor:
    """Reads for a report show what the report is about, not what its requester may browse;
    the requester's access to the assessment itself was checked before."""
    return Actor(user_id=0, tenant_id=tenant_id, roles=frozenset(), whole_tenant=True)


def _open_rectifications(assessment: Assessment) -> QuerySet[Rectification]:
    return Rectification.objects.filter(
        tenant_id=assessment.tenant_id,
        community_id=assessment.community_id,
        status=Rectification.Status.OPEN,
    ).select_related("owner")


def scorecard_fingerprint(assessment: Assessment) -> str:
    """A hash of every input the scorecard shows; a changed score, result, adjustment, veto
    or rectification (or a new report version) gives another fingerprint."""
    entries = ScoreEntry.objects.filter(assessment=assessment).aggregate(
        n=Count("pk"), changed=Max("updated_at"), version=Max("version")
    )
    trend = result_trend_for_actor(actor=_whole_tenant(assessment.tenant_id), assessment=assessment)
    inputs = {
        "version": REPORT_VERSION,
        "assessment": [assessment.pk, assessment.state, assessment.scheme_id],
        "entries": [entries["n"], str(entries["changed"]), entries["version"]],
        "results": [
            [r.pk, str(r.computed_at), str(r.total), r.grade, r.rank_in_street, r.pay_tier]
            for r in trend
        ],
        "adjustments": list(
            AdjustmentRecord.objects.filter(assessment=assessment).values_list(
                "pk", "occurrences", "note"
            )
        ),
        "vetoes": list(
            VetoRecord.objects.filter(assessment=assessment).values_list("pk", "status")
        ),
        "rectifications": [
            [r.pk, r.title, str(r.deadline), r.status] for r in _open_rectifications(assessment)
        ],
        "talks": report_talks(assessment),
        "ratings": report_resident_ratings(assessment),
    }
    return _hash(inputs)


def _hash(inputs: dict[str, Any]) -> str:
    text = json.dumps(inputs, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _category_rows(
    computed: engine.Result, names: dict[str, str]
) -> tuple[list[dict[str, Any]], str]:
    rows: list[dict[str, Any]] = [
        {
            "name": names.get(c.code, c.code),
            "weight": c.weight,
            "subtotal": engine.to_cents(c.subtotal),
            "share": (c.subtotal / c.weight) if c.weight else Decimal(0),
        }
        for c in computed.categories
    ]
    return rows, charts.radar([r["name"] for r in rows], [r["share"] for r in rows])


def _cycle_label(cycle: Cycle) -> str:
    return f"{cycle.year}Q{cycle.quarter}" if cycle.quarter else str(cycle.year)


def _group_text(groups: tuple[engine.GroupResult, ...], names: dict[str, str]) -> str:
    """One line per indicator for its rater groups: built here, not in the template, since a
    60-indicator table would otherwise translate 180 plural phrases one tag at a time."""
    parts = []
    for g in groups:
        label = f"{names.get(g.group_code, g.group_code)} {g.weight * 100:.0f}%"
        if g.share is None:
            parts.append(f"{label}：{gettext('missing')}")
        else:
            raters = ngettext("%(n)s rater", "%(n)s raters", g.raters) % {"n": g.raters}
            parts.append(f"{label}：{engine.to_cents(g.points)}（{raters}）")
    return "；".join(parts)


def scorecard_result(assessment: Assessment) -> engine.Result:
    """The assessment's result as the scorecard page computes it (the annual fold
    included), without the explanation tree: the PDF prints figures. A published scheme is
    compiled once per process."""
    return compute_result(assessment, explain=False, cached_scheme=True)


def scorecard_context(assessment: Assessment) -> dict[str, Any]:
    """Everything the PDF scorecard shows; the same for every reader of the assessment."""
    computed = scorecard_result(assessment)
    scheme_id = assessment.scheme_id
    indicators = {i.code: i for i in Indicator.objects.filter(scheme_id=scheme_id)}
    group_names = dict(RaterGroup.objects.filter(scheme_id=scheme_id).values_list("code", "name"))
    category_names = dict(Category.objects.filter(scheme_id=scheme_id).values_list("code", "name"))
    categories, radar = _category_rows(computed, category_names)
    trend = result_trend_for_actor(actor=_whole_tenant(assessment.tenant_id), assessment=assessment)
    stored = next((r for r in trend if r.assessment_id == assessment.pk), None)
    rows = [
        {
            "name": indicators[row.code].name if row.code in indicators else row.code,
            "max_points": row.max_points,
            "points": engine.to_cents(row.points),
            "total_points": engine.to_cents(row.total_points),
            "group_text": _group_text(row.groups, group_names),
        }
        for row in computed.indicators
    ]
    return {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "community": assessment.community,
        "street": assessment.street,
        "secretary": assessment.secretary,
        "computed": computed,
        "stored": stored,
        "grade_label": grade_label(computed.grade),
        "categories": categories,
        "radar_svg": radar,
        "trend_svg": charts.trend(
            [_cycle_label(r.assessment.cycle) for r in trend], [r.total for r in trend]
        ),
        "indicator_rows": rows,
        "bonus_total": engine.to_cents(computed.bonus_total),
        "deduction_total": engine.to_cents(computed.deduction_total),
        "adjustments": list(
            AdjustmentRecord.objects.filter(assessment=assessment).select_related("item")
        ),
        "vetoes": list(VetoRecord.objects.filter(assessment=assessment).select_related("item")),
        "talks": report_talks(assessment),
        "resident_ratings": report_resident_ratings(assessment),
        "rectifications": list(_open_rectifications(assessment)),
    }


# Summaries ------------------------------------------------------------------------------------


def summary_fingerprint(cycle: Cycle, street: OrgUnit | None) -> str:
    rows = cycle_results(cycle, street).values_list(
        "pk", "computed_at", "total", "grade", "rank_in_tenant", "rank_in_street", "pay_tier"
    )
    return _hash(
        {
            "version": REPORT_VERSION,
            "cycle": [cycle.pk, cycle.name],
            "street": street.pk if street else None,
            "results": [list(row) for row in rows],
            "warnings": report_warnings(cycle, street),
        }
    )


def summary_context(cycle: Cycle, street: OrgUnit | None) -> dict[str, Any]:
    """A street's (or, with no street, the whole tenant's) ranking, grade distribution, pay
    tiers, warnings by colour and charts for one cycle."""
    results = list(cycle_results(cycle, street))
    grades = Counter(r.grade for r in results)
    grade_rows: list[dict[str, Any]] = [
        {"label": str(label), "count": grades.get(str(grade), 0)}
        for grade, label in GRADE_LABELS.items()
    ]
    ungraded = grades.get("", 0)
    tiers = Counter(r.pay_tier for r in results if r.pay_tier is not None)
    tier_rows = [{"tier": tier, "count": tiers[tier]} for tier in sorted(tiers)]
    by_street: dict[str, list[Decimal]] = {}
    for r in results:
        by_street.setdefault(r.street.name, []).append(r.total)
    street_rows: list[dict[str, Any]] = [
        {
            "name": name,
            "count": len(totals),
            "average": engine.to_cents(sum(totals, Decimal(0)) / len(totals)),
        }
        for name, totals in by_street.items()
    ]
    top = results[:30]
    return {
        "cycle": cycle,
        "street": street,
        "results": results,
        "grade_rows": grade_rows,
        "ungraded": ungraded,
        "tier_rows": tier_rows,
        "street_rows": street_rows if street is None else [],
        "warnings": report_warnings(cycle, street),
        "grade_svg": charts.bars(
            [g["label"] for g in grade_rows], [g["count"] for g in grade_rows]
        ),
        "totals_svg": charts.bars(
            [r.assessment.community.name for r in top], [r.total for r in top], maximum=100
        ),
        "streets_svg": charts.bars(
            [s["name"] for s in street_rows], [s["average"] for s in street_rows], maximum=100
        )
        if street is None
        else "",
    }


def report_assessments(*, actor: Actor | None, cycle: Cycle | None) -> QuerySet[Assessment]:
    """The cycle's assessments whose numbers the actor may read, with their stored results."""
    if cycle is None:
        return Assessment.objects.none()
    return (
        assessments_with_numbers_for_actor(actor=actor)
        .filter(cycle=cycle)
        .select_related("result")
        .order_by("street__code", "community__code", "pk")
    )
