"""Rater leniency (人情分): raters whose scores sit far from their group's.

For every entry by a person (an expert, say) on a percent-scale indicator (behaviourally
anchored levels, done / not done as 0 or 100), the deviation is the entry minus the mean of
the other raters of the same group on the same assessment and indicator. A rater's leniency
is the mean of their deviations over the cycle, in percentage points; raters beyond the
threshold are flagged. Quantitative indicators are left out: their values are measurements,
not judgements. Nothing here changes a score: ``totals_without`` recomputes totals with the
flagged raters' entries left out, beside the stored ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from assessments.models import Assessment, Cycle, ScoreEntry
from assessments.selectors import assessment_list_for_actor, subject_inputs
from indicators import engine
from indicators.models import Indicator
from indicators.selectors import scheme_spec
from organizations.tenancy import Actor

DEFAULT_THRESHOLD = Decimal(10)
PERCENT_METHODS = {Indicator.Method.QUALITATIVE: Decimal(1), Indicator.Method.YES_NO: Decimal(100)}


@dataclass(frozen=True)
class RaterLeniency:
    rater_id: int
    group_code: str
    entries: int
    deviation: Decimal  # mean points above (+) or below (−) the other raters
    flagged: bool


def rater_leniency(
    *,
    cycle: Cycle,
    threshold: Decimal = DEFAULT_THRESHOLD,
    within: QuerySet[Assessment] | None = None,
) -> list[RaterLeniency]:
    """``within``: only these assessments of the cycle (e.g. the ones an assessor's streets
    hold), so that nobody learns about raters from entries they may not see."""
    scoped = ScoreEntry.objects.filter(
        assessment__cycle=cycle, rater__isnull=False, indicator__method__in=list(PERCENT_METHODS)
    )
    if within is not None:
        scoped = scoped.filter(assessment__in=within.values("pk"))
    rows = scoped.values_list(
        "assessment_id",
        "indicator_id",
        "indicator__method",
        "rater_group__code",
        "rater_id",
        "value",
    )
    cells: dict[tuple[int, int, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for assessment_id, indicator_id, method, group, rater, value in rows:
        cells[(assessment_id, indicator_id, group)].append((rater, value * PERCENT_METHODS[method]))
    deviations: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for (_assessment, _indicator, group), entries in cells.items():
        if len(entries) < 2:
            continue  # nobody to compare with
        for rater, value in entries:
            others = [v for r, v in entries if r != rater]
            deviations[(rater, group)].append(value - sum(others, Decimal(0)) / len(others))
    report = []
    for (rater, group), values in deviations.items():
        mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
        report.append(RaterLeniency(rater, group, len(values), mean, abs(mean) > threshold))
    return sorted(report, key=lambda r: (-abs(r.deviation), r.rater_id))


def totals_without(
    *, assessments: list[Assessment], rater_ids: set[int]
) -> dict[int, tuple[Decimal, Decimal]]:
    """Each assessment's total as stored in the entries, and without the given raters."""
    if not assessments:
        return {}
    compiled = engine.compile_scheme(scheme_spec(scheme=assessments[0].scheme))
    totals = {}
    for subject in subject_inputs(assessments):
        entries = subject.all_entries()
        kept = tuple(e for e in entries if e.rater_id not in rater_ids)
        with_all = engine.score(compiled, _with_entries(subject, entries), explain=False).total
        without = engine.score(compiled, _with_entries(subject, kept), explain=False).total
        totals[int(subject.subject_id)] = (with_all, without)
    return totals


def _with_entries(
    subject: engine.SubjectInput, entries: tuple[engine.EntryInput, ...]
) -> engine.SubjectInput:
    return engine.SubjectInput(
        subject_id=subject.subject_id, community_type=subject.community_type,
        career_stage=subject.career_stage, entries=entries,
    )  # fmt: skip


# Reading it: what the leniency page and its API twin show ---------------------------------


@dataclass(frozen=True)
class AssessmentTotals:
    """An assessment's total from all stored entries and without the flagged raters'."""

    assessment: Assessment
    with_all: Decimal
    without: Decimal

    @property
    def change(self) -> Decimal:
        return self.without - self.with_all


def assessments_for_leniency(*, actor: Actor, cycle: Cycle) -> QuerySet[Assessment]:
    """The cycle's assessments the actor may see, leaving out the actor's own (an assessor
    who is also a secretary does not learn who rated them)."""
    return (
        assessment_list_for_actor(actor=actor)
        .filter(cycle=cycle)
        .exclude(secretary_id__in=actor.secretary_ids)
        .select_related("result")
        .order_by("street__name", "community__name", "pk")
    )


def totals_rows(assessments: list[Assessment], flagged: set[int]) -> list[AssessmentTotals]:
    totals = totals_without(assessments=assessments, rater_ids=flagged)
    return [AssessmentTotals(a, *totals[a.pk]) for a in assessments if a.pk in totals]


def described(*, cycle: Cycle, raters: list[RaterLeniency]) -> list[dict[str, Any]]:
    """The raters with their names and their groups' names, for display."""
    from indicators.models import RaterGroup
    from organizations.models import User

    users = User.objects.filter(tenant_id=cycle.tenant_id, pk__in={r.rater_id for r in raters})
    names = {u.pk: str(u) for u in users}
    groups = dict(RaterGroup.objects.filter(scheme_id=cycle.scheme_id).values_list("code", "name"))
    return [
        {
            "rater": r.rater_id,
            "name": names.get(r.rater_id, ""),
            "group": r.group_code,
            "group_name": groups.get(r.group_code, r.group_code),
            "entries": r.entries,
            "deviation": r.deviation,
            "flagged": r.flagged,
        }
        for r in raters
    ]
