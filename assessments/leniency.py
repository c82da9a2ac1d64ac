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

from assessments.models import Assessment, Cycle, ScoreEntry
from assessments.selectors import subject_inputs
from indicators import engine
from indicators.models import Indicator
from indicators.selectors import scheme_spec

DEFAULT_THRESHOLD = Decimal(10)
PERCENT_METHODS = {Indicator.Method.QUALITATIVE: Decimal(1), Indicator.Method.YES_NO: Decimal(100)}


@dataclass(frozen=True)
class RaterLeniency:
    rater_id: int
    group_code: str
    entries: int
    deviation: Decimal  # mean points above (+) or below (−) the other raters
    flagged: bool


def rater_leniency(*, cycle: Cycle, threshold: Decimal = DEFAULT_THRESHOLD) -> list[RaterLeniency]:
    rows = ScoreEntry.objects.filter(
        assessment__cycle=cycle, rater__isnull=False, indicator__method__in=list(PERCENT_METHODS)
    ).values_list(
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
