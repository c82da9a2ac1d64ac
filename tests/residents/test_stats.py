"""Satisfaction index, response rate and substantive share against hand-computed figures;
the per-community index for warnings (set-wise, None below the minimum)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from residents import rules, selectors, services
from residents.models import Campaign
from residents.tokens import read_card_token

pytestmark = pytest.mark.django_db

# Four household cards and one open-link answer. Hand-computed (index = (mean - 1) / 4 x 100):
#   attitude    5 4 4 3 -> mean 4.00 -> 75.00
#   efficiency  3 3 2 2 -> mean 2.50 -> 37.50
#   environment 5 5 5 5 -> 100.00
#   safety      4 4 4 4 -> 75.00
#   overall     4 5 3 4 -> mean 4.00 -> 75.00
#   campaign index (mean of the five) = 362.5 / 5 = 72.50
# Response rate: 4 of 20 cards = 20.00 %. Suggestions: 3 non-blank, of which 1 substantive
# ("很好，辛苦了！" and "非常满意" are empty praise) -> 33.33 %.
CARDS = [
    ({"attitude": 5, "efficiency": 3, "environment": 5, "safety": 4, "overall": 4}, "楼道灯坏了三个月，请尽快维修"),
    ({"attitude": 4, "efficiency": 3, "environment": 5, "safety": 4, "overall": 5}, "很好，辛苦了！"),
    ({"attitude": 4, "efficiency": 2, "environment": 5, "safety": 4, "overall": 3}, "非常满意"),
    ({"attitude": 3, "efficiency": 2, "environment": 5, "safety": 4, "overall": 4}, ""),
]  # fmt: skip
OPEN = {"attitude": 1, "efficiency": 1, "environment": 1, "safety": 1, "overall": 1}


def _submit_all(rating, cards=CARDS):
    for token, (scores, suggestion) in zip(rating.tokens, cards, strict=False):
        services.rating_submit(
            campaign=rating.campaign,
            card=read_card_token(token),
            scores=scores,
            suggestion=suggestion,
        )
    services.rating_submit(campaign=rating.campaign, card=None, scores=OPEN)


def test_statistics_match_the_hand_computed_figures(
    cast, rating, as_tenant, django_assert_max_num_queries
):
    with as_tenant(cast.tenant_a):
        _submit_all(rating)
        with django_assert_max_num_queries(5):
            stats = selectors.campaign_stats(campaign=rating.campaign)
    assert stats.card.responses == 4 and stats.open.responses == 1
    assert stats.card.questions == {
        "attitude": D("75.00"), "efficiency": D("37.50"), "environment": D("100.00"),
        "safety": D("75.00"), "overall": D("75.00"),
    }  # fmt: skip
    assert stats.card.index == D("72.50")
    assert stats.open.index == D("0.00")  # reported apart, never mixed in
    assert stats.cards_issued == 20 and stats.response_rate == D("20.00")
    assert (stats.suggestions, stats.substantive, stats.substantive_share) == (3, 1, D("33.33"))
    assert stats.shown  # 4 household responses >= the minimum of 3


def test_results_are_withheld_below_the_minimum(cast, rating, as_tenant):
    with as_tenant(cast.tenant_a):
        _submit_all(rating, CARDS[:2])
        assert not selectors.campaign_stats(campaign=rating.campaign).shown
        assert selectors.satisfaction_by_community(
            tenant_id=cast.tenant_a.pk, cycle_id=rating.cycle.pk
        ) == {cast.community_a11.pk: None}


def test_satisfaction_by_community_is_set_wise(cast, rating, as_tenant, django_assert_num_queries):
    assessor = __import__("organizations.selectors", fromlist=["x"]).actor_for_user(cast.assessor)
    with as_tenant(cast.tenant_a):
        _submit_all(rating)
        # A second community with no answers at all.
        other = services.campaign_create(
            actor=assessor, cycle=rating.cycle, community=cast.community_a12,
            closes_on=rating.campaign.closes_on,
        )  # fmt: skip
        Campaign.objects.filter(pk=other.pk).update(min_responses=0)
        with django_assert_num_queries(3):
            result = selectors.satisfaction_by_community(
                tenant_id=cast.tenant_a.pk, cycle_id=rating.cycle.pk
            )
    assert result == {cast.community_a11.pk: D("72.50"), cast.community_a12.pk: None}
    assert all(isinstance(v, D) or v is None for v in result.values())


@pytest.mark.parametrize(
    ("text", "substantive"),
    [
        ("", False),
        ("很好", False),
        ("非常满意！！辛苦了，谢谢", False),
        ("没有意见。", False),
        ("Good, thanks!", False),
        ("楼道灯坏了", False),  # five characters: too short to act on
        ("楼道灯坏了三个月", True),
        ("很好，但垃圾清运不及时", True),
        ("Fix the lift in building 3", True),
    ],
)
def test_the_substantive_rule(text, substantive):
    assert rules.is_substantive(text) is substantive


def test_index_arithmetic():
    assert rules.question_index(5 * 7, 7) == D("100.00")
    assert rules.question_index(7, 7) == D("0.00")
    assert rules.question_index(10, 3) == D("58.33")  # mean 3.33 -> 58.33
    assert rules.question_index(0, 0) is None
    assert rules.campaign_index([D(50), None, D(100)]) == D("75.00")


def test_the_questionnaire_is_configurable_per_tenant_and_checked(cast, as_tenant, rating):
    from django.core.exceptions import ValidationError

    from organizations.selectors import actor_for_user
    from residents.models import RatingSettings

    bad = RatingSettings(tenant=cast.tenant_a, questions=[{"key": "a", "label": ""}])
    with pytest.raises(ValidationError):
        bad.clean()
    with as_tenant(cast.tenant_a):
        RatingSettings.objects.create(
            tenant=cast.tenant_a, questions=[{"key": "lift", "label": "加装电梯"}], min_responses=1
        )
        campaign = services.campaign_create(
            actor=actor_for_user(cast.assessor), cycle=rating.cycle, community=cast.community_a12,
            closes_on=rating.campaign.closes_on,
        )  # fmt: skip
        assert campaign.question_keys == ["lift"] and campaign.min_responses == 1
        # The campaign already open keeps the questions it started with.
        rating.campaign.refresh_from_db()
        assert len(rating.campaign.question_keys) == 5
        with pytest.raises(ValidationError):
            services.rating_submit(campaign=campaign, card=None, scores={"lift": 4, "extra": 1})


def test_the_warnings_read_the_campaigns_satisfaction(cast, rating, as_tenant) -> None:
    from alerts import engine as alert_engine
    from alerts.selectors import gather_satisfaction

    with as_tenant(cast.tenant_a):
        _submit_all(rating)
        found = gather_satisfaction(tenant_id=cast.tenant_a.pk, cycle_id=rating.cycle.pk)
    assert found == {cast.community_a11.pk: D("72.50")}
    # 72.50 is below the default 80: the yellow low-satisfaction rule fires for a11.
    findings = alert_engine.rule_low_satisfaction(
        found, {cast.community_a11.pk: cast.street_a1.pk}, "2026Q3", alert_engine.Thresholds()
    )
    assert [(f.rule, f.community_id) for f in findings] == [
        (alert_engine.Rule.LOW_SATISFACTION, cast.community_a11.pk)
    ]
