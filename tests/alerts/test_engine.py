"""Each rule with data that just meets and just misses its threshold (plain data, no DB)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from alerts import engine
from alerts.engine import (
    IncidentFacts,
    PendingAssessment,
    RectificationFacts,
    ResultFacts,
    Rule,
    Signals,
    TalkSignals,
    Thresholds,
)

T = Thresholds()
TODAY = dt.date(2026, 10, 15)
P = "2026Q3"
COMMUNITIES = {1: 10}


def result(
    total: str = "80", *, vetoed: bool = False, previous: str | None = None, **categories: str
) -> ResultFacts:
    return ResultFacts(
        community_id=1, street_id=10, assessment_id=100, total=D(total), vetoed=vetoed,
        categories={k: D(v) for k, v in categories.items()}, previous_total=D(previous) if previous else None,
    )  # fmt: skip


def test_defaults_follow_the_field() -> None:
    assert (T.pass_mark, T.satisfaction_min, T.breaker_quarters) == (D(60), D(80), 3)


@pytest.mark.parametrize(("vetoed", "found"), [(True, 1), (False, 0)])
def test_veto(vetoed: bool, found: int) -> None:
    assert len(engine.rule_veto([result(vetoed=vetoed)], P)) == found


@pytest.mark.parametrize(("total", "found"), [("59.99", 1), ("60.00", 0)])
def test_low_total_just_below_and_at_the_pass_mark(total: str, found: int) -> None:
    findings = engine.rule_low_total([result(total)], P, T)
    assert len(findings) == found
    if found:
        assert findings[0].level == "red" and findings[0].facts["total"] == "59.99"


@pytest.mark.parametrize(("serious", "found"), [(True, 1), (False, 0)])
def test_serious_incident_in_its_own_quarter(serious: bool, found: int) -> None:
    findings = engine.rule_serious_incident([IncidentFacts(7, 1, 10, dt.date(2026, 5, 2), serious)])
    assert len(findings) == found
    if found:
        assert findings[0].period == "2026Q2" and findings[0].subject == "incident:7"


@pytest.mark.parametrize(("subtotal", "found"), [("23.99", 1), ("24.00", 0)])
def test_category_below_sixty_percent_of_its_weight(subtotal: str, found: int) -> None:
    # 基础指标 weighs 40: 60 % of it is 24 points.
    weights = {"jichu": D(40), "fazhan": D(30)}
    findings = engine.rule_category_below([result(jichu=subtotal, fazhan="30")], weights, P, T)
    assert len(findings) == found
    if found:
        assert findings[0].facts["categories"] == {"jichu": "23.99"}


@pytest.mark.parametrize(("previous", "found"), [("80.00", 1), ("79.99", 0), (None, 0)])
def test_quarter_drop_of_ten_points(previous: str | None, found: int) -> None:
    assert len(engine.rule_quarter_drop([result("70.00", previous=previous)], P, T)) == found


@pytest.mark.parametrize(("deadline", "found"), [(dt.date(2026, 10, 14), 1), (TODAY, 0)])
def test_rectification_overdue_the_day_after_its_deadline(deadline: dt.date, found: int) -> None:
    item = RectificationFacts(5, 1, 10, deadline, True)
    assert len(engine.rule_rectification_overdue([item], TODAY)) == found
    accepted = item._replace(open=False)
    assert engine.rule_rectification_overdue([accepted], TODAY) == []


@pytest.mark.parametrize(("value", "found"), [(D("79.99"), 1), (D(80), 0), (None, 0)])
def test_low_satisfaction(value: D | None, found: int) -> None:
    assert len(engine.rule_low_satisfaction({1: value}, COMMUNITIES, P, T)) == found


@pytest.mark.parametrize(("overdue", "found"), [(1, 1), (0, 0)])
def test_feedback_overdue(overdue: int, found: int) -> None:
    talks = {1: TalkSignals(routine_talks=2, overdue_feedback=overdue)}
    assert len(engine.rule_feedback_overdue(talks, COMMUNITIES, P, T)) == found


@pytest.mark.parametrize(("days_left", "found"), [(7, 1), (8, 0), (0, 1), (-1, 0)])
def test_missing_scores_within_a_week_of_the_deadline(days_left: int, found: int) -> None:
    pending = PendingAssessment(1, 10, 100, 3, TODAY + dt.timedelta(days=days_left))
    assert len(engine.rule_missing_scores([pending], TODAY, T)) == found
    assert engine.rule_missing_scores([pending._replace(missing=0)], TODAY, T) == []


@pytest.mark.parametrize(("days_left", "found"), [(7, 1), (8, 0), (0, 1)])
def test_rectification_due_soon(days_left: int, found: int) -> None:
    item = RectificationFacts(5, 1, 10, TODAY + dt.timedelta(days=days_left), True)
    assert len(engine.rule_rectification_due([item], TODAY, T)) == found


@pytest.mark.parametrize(("talks", "found"), [(0, 1), (1, 0)])
def test_no_routine_talk(talks: int, found: int) -> None:
    signals = {1: TalkSignals(routine_talks=talks, overdue_feedback=0)}
    assert len(engine.rule_no_routine_talk(signals, COMMUNITIES, P, T)) == found


def test_a_community_missing_from_the_talk_signals_had_no_talk() -> None:
    signals = {2: TalkSignals(3, 0)}
    assert [f.community_id for f in engine.rule_no_routine_talk(signals, {1: 10, 2: 10}, P, T)] == [
        1
    ]


def test_thresholds_are_per_tenant() -> None:
    strict = Thresholds(pass_mark=D(70))
    assert engine.rule_low_total([result("65")], P, T) == []
    assert len(engine.rule_low_total([result("65")], P, strict)) == 1


def test_evaluate_skips_talk_and_satisfaction_rules_without_their_signals() -> None:
    signals = Signals(today=TODAY, period=P, results=[result("50")], communities=COMMUNITIES)
    evaluation = engine.evaluate(signals, T)
    assert {f.rule for f in evaluation.findings} == {Rule.LOW_TOTAL}
    assert (Rule.NO_ROUTINE_TALK, "2026Q4") not in evaluation.scopes
    with_talks = engine.evaluate(
        Signals(today=TODAY, period=P, communities=COMMUNITIES, talks={1: TalkSignals(0, 1)}), T
    )
    assert {(f.rule, f.period) for f in with_talks.findings} == {
        (Rule.NO_ROUTINE_TALK, "2026Q4"),
        (Rule.FEEDBACK_OVERDUE, "2026Q4"),
    }


def test_periods() -> None:
    assert engine.quarter_of(dt.date(2026, 12, 31)) == "2026Q4"
    assert engine.previous_period("2026Q1") == "2025Q4"
    assert engine.quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize(
    ("periods", "tripped"),
    [
        (["2026Q1", "2026Q2", "2026Q3"], "2026Q3"),
        (["2025Q4", "2026Q1", "2026Q2"], "2026Q2"),
        (["2026Q1", "2026Q3", "2026Q4"], None),
        (["2026Q2", "2026Q3"], None),
    ],
)
def test_circuit_breaker_after_three_consecutive_quarters(
    periods: list[str], tripped: str | None
) -> None:
    assert engine.circuit_breaker({1: periods}, 3).get(1) == tripped


def test_worst_level() -> None:
    assert engine.worst_level(["blue", "yellow"]) == "yellow"
    assert engine.worst_level([]) is None
