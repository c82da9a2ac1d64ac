"""The warning rules (三色预警) as pure functions over plain data.

Selectors gather a tenant's signals set-wise; ``evaluate`` turns them into findings, one per
rule × subject × period; services store them. Nothing here touches the database, so every
rule is tested with data that just meets and just misses its threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple


class Level(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"


# Worst first: the heat map colours a community by the first level it has.
LEVEL_ORDER = (Level.RED, Level.YELLOW, Level.BLUE)


class Rule(StrEnum):
    VETO = "veto"
    LOW_TOTAL = "low_total"
    SERIOUS_INCIDENT = "serious_incident"
    CATEGORY_BELOW = "category_below"
    QUARTER_DROP = "quarter_drop"
    RECTIFICATION_OVERDUE = "rectification_overdue"
    LOW_SATISFACTION = "low_satisfaction"
    FEEDBACK_OVERDUE = "feedback_overdue"
    MISSING_SCORES = "missing_scores"
    RECTIFICATION_DUE = "rectification_due"
    NO_ROUTINE_TALK = "no_routine_talk"


RULE_LEVEL: dict[Rule, Level] = {
    Rule.VETO: Level.RED,
    Rule.LOW_TOTAL: Level.RED,
    Rule.SERIOUS_INCIDENT: Level.RED,
    Rule.CATEGORY_BELOW: Level.YELLOW,
    Rule.QUARTER_DROP: Level.YELLOW,
    Rule.RECTIFICATION_OVERDUE: Level.YELLOW,
    Rule.LOW_SATISFACTION: Level.YELLOW,
    Rule.FEEDBACK_OVERDUE: Level.YELLOW,
    Rule.MISSING_SCORES: Level.BLUE,
    Rule.RECTIFICATION_DUE: Level.BLUE,
    Rule.NO_ROUTINE_TALK: Level.BLUE,
}


# Periods are quarters written "2026Q3" (they sort as strings within a century).


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def period_for(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def previous_period(period: str) -> str:
    year, quarter = int(period[:4]), int(period[5:])
    return period_for(year - 1, 4) if quarter == 1 else period_for(year, quarter - 1)


def quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    year, quarter = int(period[:4]), int(period[5:])
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


@dataclass(frozen=True)
class Thresholds:
    """A tenant's thresholds; the defaults follow the field articles (pass mark 60, a week
    for feedback, three consecutive quarters before the circuit breaker trips)."""

    pass_mark: Decimal = Decimal(60)
    category_min_percent: Decimal = Decimal(60)
    quarter_drop_points: Decimal = Decimal(10)
    satisfaction_min: Decimal = Decimal(80)
    feedback_overdue_min: int = 1
    routine_talks_min: int = 1
    missing_scores_days: int = 7
    rectification_due_days: int = 7
    breaker_quarters: int = 3


class ResultFacts(NamedTuple):
    """A published result of the evaluated quarter, with the previous quarter's total."""

    community_id: int
    street_id: int
    assessment_id: int
    total: Decimal
    vetoed: bool
    categories: Mapping[str, Decimal]
    previous_total: Decimal | None = None


class RectificationFacts(NamedTuple):
    pk: int
    community_id: int
    street_id: int
    deadline: dt.date
    open: bool  # not yet accepted


class IncidentFacts(NamedTuple):
    pk: int
    community_id: int
    street_id: int
    occurred_on: dt.date
    serious: bool


class PendingAssessment(NamedTuple):
    """An assessment still being scored: entries missing before its cycle ends."""

    community_id: int
    street_id: int
    assessment_id: int
    missing: int
    deadline: dt.date


class TalkSignals(NamedTuple):
    routine_talks: int
    overdue_feedback: int


@dataclass(frozen=True)
class Signals:
    """Everything the rules read for one tenant, gathered set-wise by the selectors."""

    today: dt.date
    period: str | None  # the quarter of the latest published results, if any
    results: list[ResultFacts] = field(default_factory=list)
    category_weights: Mapping[str, Decimal] = field(default_factory=dict)
    rectifications: list[RectificationFacts] = field(default_factory=list)
    incidents: list[IncidentFacts] = field(default_factory=list)
    pending: list[PendingAssessment] = field(default_factory=list)
    # community id -> street id, for the rules that look at every community.
    communities: Mapping[int, int] = field(default_factory=dict)
    talks: Mapping[int, TalkSignals] = field(default_factory=dict)
    satisfaction: Mapping[int, Decimal | None] = field(default_factory=dict)


class Finding(NamedTuple):
    rule: Rule
    community_id: int
    street_id: int
    subject: str  # what the warning is about inside the community ("" for the community)
    period: str
    facts: dict[str, Any]
    assessment_id: int | None = None
    rectification_id: int | None = None
    incident_id: int | None = None

    @property
    def level(self) -> Level:
        return RULE_LEVEL[self.rule]

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.rule, self.community_id, self.subject, self.period)


@dataclass
class Evaluation:
    findings: list[Finding]
    # (rule, period) pairs the run looked at; "*" for rules whose subjects carry their own
    # period. Open warnings of these scopes that were not found again are resolved.
    scopes: set[tuple[str, str]]


def _s(value: Decimal) -> str:
    return str(value)


# Red ------------------------------------------------------------------------------------


def rule_veto(results: Iterable[ResultFacts], period: str) -> list[Finding]:
    return [
        Finding(
            Rule.VETO, r.community_id, r.street_id, "", period, {}, assessment_id=r.assessment_id
        )
        for r in results
        if r.vetoed
    ]


def rule_low_total(results: Iterable[ResultFacts], period: str, t: Thresholds) -> list[Finding]:
    return [
        Finding(
            Rule.LOW_TOTAL,
            r.community_id,
            r.street_id,
            "",
            period,
            {"total": _s(r.total), "pass_mark": _s(t.pass_mark)},
            assessment_id=r.assessment_id,
        )
        for r in results
        if r.total < t.pass_mark
    ]


def rule_serious_incident(incidents: Iterable[IncidentFacts]) -> list[Finding]:
    return [
        Finding(
            Rule.SERIOUS_INCIDENT,
            i.community_id,
            i.street_id,
            f"incident:{i.pk}",
            quarter_of(i.occurred_on),
            {"occurred_on": i.occurred_on.isoformat()},
            incident_id=i.pk,
        )
        for i in incidents
        if i.serious
    ]


# Yellow ---------------------------------------------------------------------------------


def rule_category_below(
    results: Iterable[ResultFacts], weights: Mapping[str, Decimal], period: str, t: Thresholds
) -> list[Finding]:
    """A category's subtotal below ``category_min_percent`` of its weight (its maximum)."""
    found = []
    for r in results:
        low = {
            code: _s(subtotal)
            for code, subtotal in sorted(r.categories.items())
            if weights.get(code) and subtotal * 100 < t.category_min_percent * weights[code]
        }
        if low:
            found.append(
                Finding(
                    Rule.CATEGORY_BELOW,
                    r.community_id,
                    r.street_id,
                    "",
                    period,
                    {"categories": low, "min_percent": _s(t.category_min_percent)},
                    assessment_id=r.assessment_id,
                )
            )
    return found


def rule_quarter_drop(results: Iterable[ResultFacts], period: str, t: Thresholds) -> list[Finding]:
    """A total at least ``quarter_drop_points`` below the previous quarter's."""
    return [
        Finding(
            Rule.QUARTER_DROP,
            r.community_id,
            r.street_id,
            "",
            period,
            {
                "total": _s(r.total),
                "previous": _s(r.previous_total),
                "drop": _s(r.previous_total - r.total),
            },
            assessment_id=r.assessment_id,
        )
        for r in results
        if r.previous_total is not None and r.previous_total - r.total >= t.quarter_drop_points
    ]


def rule_rectification_overdue(
    items: Iterable[RectificationFacts], today: dt.date
) -> list[Finding]:
    return [
        Finding(
            Rule.RECTIFICATION_OVERDUE,
            i.community_id,
            i.street_id,
            f"rectification:{i.pk}",
            quarter_of(i.deadline),
            {"deadline": i.deadline.isoformat(), "days": (today - i.deadline).days},
            rectification_id=i.pk,
        )
        for i in items
        if i.open and i.deadline < today
    ]


def rule_low_satisfaction(
    satisfaction: Mapping[int, Decimal | None],
    communities: Mapping[int, int],
    period: str,
    t: Thresholds,
) -> list[Finding]:
    return [
        Finding(
            Rule.LOW_SATISFACTION,
            pk,
            communities[pk],
            "",
            period,
            {"satisfaction": _s(value), "min": _s(t.satisfaction_min)},
        )
        for pk, value in sorted(satisfaction.items())
        if value is not None and pk in communities and value < t.satisfaction_min
    ]


def rule_feedback_overdue(
    talks: Mapping[int, TalkSignals], communities: Mapping[int, int], period: str, t: Thresholds
) -> list[Finding]:
    return [
        Finding(
            Rule.FEEDBACK_OVERDUE,
            pk,
            communities[pk],
            "",
            period,
            {"overdue_feedback": s.overdue_feedback},
        )
        for pk, s in sorted(talks.items())
        if pk in communities and s.overdue_feedback >= t.feedback_overdue_min
    ]


# Blue -----------------------------------------------------------------------------------


def rule_missing_scores(
    pending: Iterable[PendingAssessment], today: dt.date, t: Thresholds
) -> list[Finding]:
    """Entries still missing when the cycle ends within ``missing_scores_days``."""
    return [
        Finding(
            Rule.MISSING_SCORES,
            p.community_id,
            p.street_id,
            f"assessment:{p.assessment_id}",
            quarter_of(p.deadline),
            {"missing": p.missing, "deadline": p.deadline.isoformat()},
            assessment_id=p.assessment_id,
        )
        for p in pending
        if p.missing > 0 and 0 <= (p.deadline - today).days <= t.missing_scores_days
    ]


def rule_rectification_due(
    items: Iterable[RectificationFacts], today: dt.date, t: Thresholds
) -> list[Finding]:
    return [
        Finding(
            Rule.RECTIFICATION_DUE,
            i.community_id,
            i.street_id,
            f"rectification:{i.pk}",
            quarter_of(i.deadline),
            {"deadline": i.deadline.isoformat()},
            rectification_id=i.pk,
        )
        for i in items
        if i.open and 0 <= (i.deadline - today).days <= t.rectification_due_days
    ]


def rule_no_routine_talk(
    talks: Mapping[int, TalkSignals], communities: Mapping[int, int], period: str, t: Thresholds
) -> list[Finding]:
    """Fewer routine talks (日常谈心) this quarter than ``routine_talks_min``. A community
    the talk signals do not name has had none."""
    none = TalkSignals(0, 0)
    return [
        Finding(
            Rule.NO_ROUTINE_TALK,
            pk,
            street,
            "",
            period,
            {"routine_talks": talks.get(pk, none).routine_talks},
        )
        for pk, street in sorted(communities.items())
        if talks.get(pk, none).routine_talks < t.routine_talks_min
    ]


# The whole evaluation -------------------------------------------------------------------


def evaluate(signals: Signals, t: Thresholds) -> Evaluation:
    """Every rule over one tenant's signals.

    Result rules judge the quarter of the latest published results; talk rules judge the
    current quarter, and only when talk signals exist at all (an empty mapping means the
    tenant keeps no talks here, not that every community had none); rectification,
    incident and missing-score rules judge each subject in its own quarter.
    """
    findings: list[Finding] = []
    scopes: set[tuple[str, str]] = {
        (rule, "*")
        for rule in (
            Rule.SERIOUS_INCIDENT,
            Rule.RECTIFICATION_OVERDUE,
            Rule.RECTIFICATION_DUE,
            Rule.MISSING_SCORES,
        )
    }
    findings += rule_serious_incident(signals.incidents)
    findings += rule_rectification_overdue(signals.rectifications, signals.today)
    findings += rule_rectification_due(signals.rectifications, signals.today, t)
    findings += rule_missing_scores(signals.pending, signals.today, t)
    if signals.period is not None:
        p = signals.period
        findings += rule_veto(signals.results, p)
        findings += rule_low_total(signals.results, p, t)
        findings += rule_category_below(signals.results, signals.category_weights, p, t)
        findings += rule_quarter_drop(signals.results, p, t)
        scopes |= {
            (r, p) for r in (Rule.VETO, Rule.LOW_TOTAL, Rule.CATEGORY_BELOW, Rule.QUARTER_DROP)
        }
        if signals.satisfaction:
            findings += rule_low_satisfaction(signals.satisfaction, signals.communities, p, t)
            scopes.add((Rule.LOW_SATISFACTION, p))
    current = quarter_of(signals.today)
    if signals.talks:
        findings += rule_feedback_overdue(signals.talks, signals.communities, current, t)
        findings += rule_no_routine_talk(signals.talks, signals.communities, current, t)
        scopes |= {(Rule.FEEDBACK_OVERDUE, current), (Rule.NO_ROUTINE_TALK, current)}
    return Evaluation(findings=findings, scopes=scopes)


def circuit_breaker(
    periods_by_community: Mapping[int, Iterable[str]], quarters: int
) -> dict[int, str]:
    """Communities with red or yellow warnings in ``quarters`` consecutive quarters, each
    with the last quarter of its run (the circuit breaker, 熔断)."""
    tripped: dict[int, str] = {}
    for community, periods in periods_by_community.items():
        present = set(periods)
        for last in sorted(present, reverse=True):
            run, cursor = 1, last
            while run < quarters and previous_period(cursor) in present:
                run, cursor = run + 1, previous_period(cursor)
            if run >= quarters:
                tripped[community] = last
                break
    return tripped


def worst_level(levels: Iterable[str]) -> Level | None:
    present = set(levels)
    return next((level for level in LEVEL_ORDER if level in present), None)
