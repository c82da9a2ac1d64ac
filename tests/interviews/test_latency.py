"""The talk-to-feedback distribution against figures computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from interviews.selectors import distribution, latency_report
from organizations.selectors import actor_for_user
from tests.interviews.talks import D, record

pytestmark = pytest.mark.django_db

# Days from talk to feedback. Street a1: 1, 3, 5, 7, 9, 20, 47; street a2: 2, 40.
A1_DAYS = [1, 3, 5, 7, 9, 20, 47]
A2_DAYS = [2, 40]
HELD = D(2026, 1, 5)


@pytest.fixture
def talks(cast, as_tenant) -> None:
    today = timezone.localdate()
    with as_tenant(cast.tenant_a):
        for n, days in enumerate(A1_DAYS):
            community = cast.community_a11 if n % 2 else cast.community_a12
            record(cast, community, HELD, feedback_on=HELD + dt.timedelta(days=days))
        for days in A2_DAYS:
            record(cast, cast.community_a21, HELD, feedback_on=HELD + dt.timedelta(days=days))
        # Waiting for feedback: one past its due date, one held today (not yet due).
        record(cast, cast.community_a11, D(2026, 2, 1))
        record(cast, cast.community_a22, today)
        # Outside the period: not counted.
        record(cast, cast.community_a11, D(2025, 12, 31), feedback_on=D(2026, 1, 2))
    with as_tenant(cast.tenant_b):
        record(cast, cast.community_b11, HELD, user=cast.assessor_b, feedback_on=D(2026, 5, 1))


def _report(cast, user):
    today = timezone.localdate()
    return latency_report(actor=actor_for_user(user), start=D(2026, 1, 1), end=today, today=today)


def test_the_tenant_distribution_matches_the_hand_computed_figures(cast, as_tenant, talks) -> None:
    with as_tenant(cast.tenant_a):
        overall = _report(cast, cast.admin).overall
    # All nine: 1 2 3 5 7 9 20 40 47.
    assert overall.answered == 9
    assert overall.buckets == [("≤3", 3), ("4-7", 2), ("8-14", 1), ("15-30", 1), (">30", 2)]
    assert overall.median == Decimal("7.0")  # the fifth of nine
    assert overall.p90 == 47  # nearest rank: ceil(0.9 × 9) = 9th
    assert overall.mean == Decimal("14.9")  # 134 / 9 = 14.89
    assert overall.on_time == 5  # within the default 7 days: 1 2 3 5 7
    assert (overall.waiting, overall.overdue) == (2, 1)


def test_each_street_has_its_own_distribution(cast, as_tenant, talks) -> None:
    with as_tenant(cast.tenant_a):
        streets = {street.code: d for street, d in _report(cast, cast.admin).streets}
    a1, a2 = streets["a1"], streets["a2"]
    assert a1.buckets == [("≤3", 2), ("4-7", 2), ("8-14", 1), ("15-30", 1), (">30", 1)]
    assert (a1.median, a1.p90, a1.mean) == (Decimal("7.0"), 47, Decimal("13.1"))  # 92 / 7
    assert (a1.waiting, a1.overdue) == (1, 1)
    # An even count: the median is the mean of the two middle values.
    assert (a2.median, a2.p90, a2.mean) == (Decimal("21.0"), 40, Decimal("21.0"))
    assert a2.buckets == [("≤3", 1), ("4-7", 0), ("8-14", 0), ("15-30", 0), (">30", 1)]
    assert (a2.waiting, a2.overdue) == (1, 0)


def test_an_assessor_sees_only_their_street(cast, as_tenant, talks) -> None:
    with as_tenant(cast.tenant_a):
        report = _report(cast, cast.assessor)
    assert [street.code for street, _d in report.streets] == ["a1"]
    assert report.overall.answered == 7


def test_no_feedback_yet_gives_no_figures() -> None:
    empty = distribution([(None, True, False)])
    assert (empty.answered, empty.median, empty.p90, empty.mean) == (0, None, None, None)
    assert (empty.waiting, empty.overdue) == (1, 1)


def test_a_ten_talk_percentile_by_nearest_rank() -> None:
    rows = [(d, False, d <= 7) for d in [10, 1, 2, 3, 4, 5, 6, 7, 8, 9]]
    result = distribution(rows)
    assert result.p90 == 9  # ceil(0.9 × 10) = 9th of 1..10
    assert result.median == Decimal("5.5")
    assert result.mean == Decimal("5.5")
    assert result.on_time == 7
