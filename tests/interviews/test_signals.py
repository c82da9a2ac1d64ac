"""``talk_signals``: what the warning jobs read, per community, in one query."""

from __future__ import annotations

import pytest

from interviews import services
from interviews.models import Talk
from interviews.selectors import TalkSignals, talk_signals
from tests.interviews.talks import D, record

pytestmark = pytest.mark.django_db
TODAY = D(2026, 6, 30)


def test_routine_talks_in_the_period_and_overdue_feedback(
    cast, as_tenant, django_assert_num_queries
) -> None:
    with as_tenant(cast.tenant_a):
        record(cast, cast.community_a11, D(2026, 4, 2), feedback_on=D(2026, 4, 5))
        record(cast, cast.community_a11, D(2026, 5, 10))  # routine, overdue since 5-17
        record(cast, cast.community_a11, D(2026, 3, 31), feedback_on=D(2026, 4, 1))  # before
        record(cast, cast.community_a12, D(2026, 6, 25))  # due 7-2: not overdue yet
        record(cast, cast.community_a21, D(2026, 1, 10), kind=Talk.Kind.SPECIAL)  # overdue
        services.talk_plan_special(
            tenant_id=cast.tenant_a.pk, community_id=cast.community_a22.pk, reason="",
            planned_for=D(2026, 5, 1),
        )  # fmt: skip
    with as_tenant(cast.tenant_b):
        record(cast, cast.community_b11, D(2026, 5, 1), user=cast.assessor_b)
    with as_tenant(cast.tenant_a), django_assert_num_queries(1):
        signals = talk_signals(
            tenant_id=cast.tenant_a.pk, start=D(2026, 4, 1), end=D(2026, 6, 30), today=TODAY
        )
    assert signals == {
        cast.community_a11.pk: TalkSignals(routine_talks=2, overdue_feedback=1),
        cast.community_a12.pk: TalkSignals(routine_talks=1, overdue_feedback=0),
        cast.community_a21.pk: TalkSignals(routine_talks=0, overdue_feedback=1),
    }
    # Planned talks count for neither; other tenants' talks never appear.
    assert cast.community_a22.pk not in signals
    assert cast.community_b11.pk not in signals


def test_the_query_count_does_not_grow_with_communities(
    cast, as_tenant, django_assert_num_queries
) -> None:
    from tests import factories as f

    with as_tenant(cast.tenant_a):
        for n in range(6):
            community = f.CommunityFactory(
                tenant=cast.tenant_a, parent=cast.street_a1, code=f"x{n}", name=f"新社区{n}"
            )
            record(cast, community, D(2026, 4, 10))
    with as_tenant(cast.tenant_a), django_assert_num_queries(1):
        signals = talk_signals(
            tenant_id=cast.tenant_a.pk, start=D(2026, 4, 1), end=D(2026, 6, 30), today=TODAY
        )
    assert len(signals) == 6
    assert all(s == TalkSignals(1, 1) for s in signals.values())
