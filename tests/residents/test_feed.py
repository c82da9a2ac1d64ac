"""The campaign's result feeds the scheme's resident-rating indicators."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from assessments import services as assessment_services
from assessments.models import Result, ScoreEntry
from audit.models import AuditRecord
from organizations.selectors import actor_for_user
from residents import services
from tests.residents.test_stats import _submit_all

pytestmark = pytest.mark.django_db


def test_the_resident_rating_indicators_take_the_campaign_result(
    cast, rating, as_tenant, django_capture_on_commit_callbacks
):
    assessor = actor_for_user(cast.assessor)
    with as_tenant(cast.tenant_a):
        _submit_all(rating)
        with django_capture_on_commit_callbacks(execute=True):
            written = services.campaign_feed_assessment(actor=assessor, campaign=rating.campaign)
        assert written == 2
        values = dict(
            ScoreEntry.objects.filter(assessment=rating.assessment, rater__isnull=True).values_list(
                "indicator__code", "value"
            )
        )
        # "服务态度" named in the description: that question's index; otherwise the overall.
        assert values == {"taidu": D("75.00"), "zonghe": D("72.50")}
        assert AuditRecord.objects.filter(action="score.residents").count() == 2
        result = assessment_services.compute_result(rating.assessment)
        points = {row.code: row.points for row in result.indicators}
        # 10 points each: 75 % of them, and 72.5 %.
        assert points["taidu"] == D("7.5") and points["zonghe"] == D("7.25")
        # Feeding again with nothing new writes nothing.
        assert services.campaign_feed_assessment(actor=assessor, campaign=rating.campaign) == 0
        stored = Result.objects.filter(assessment=rating.assessment).first()
    assert stored is not None


def test_feeding_below_the_minimum_is_refused(cast, rating, as_tenant):
    from tests.residents.test_stats import CARDS

    with as_tenant(cast.tenant_a):
        _submit_all(rating, CARDS[:1])
        with pytest.raises(ValidationError, match="3"):
            services.campaign_feed_assessment(
                actor=actor_for_user(cast.assessor), campaign=rating.campaign
            )
        assert not ScoreEntry.objects.filter(rater__isnull=True).exists()


def test_hand_entry_of_a_resident_rating_stays_refused(cast, rating, as_tenant):
    """The engine's only source for these indicators is the campaign (rateable_kinds)."""
    from assessments.services.scoring import rateable_kinds
    from indicators.models import RaterGroup

    with as_tenant(cast.tenant_a):
        kinds = rateable_kinds(actor_for_user(cast.assessor), rating.assessment)
    assert RaterGroup.Kind.RESIDENTS not in kinds


def test_the_residents_group_of_a_qualitative_indicator_takes_the_campaign_result(cast, as_tenant):
    """基础·发展·特色 has residents rate 居民议事协商 beside the street: the campaign writes the
    residents' group (the overall index: the indicator names no question), never the
    street's, and leaves out indicators the community is not scored on."""
    import datetime as dt

    from django.utils import timezone

    from assessments.models import Assessment
    from indicators import services as scheme_services
    from residents.printing import card_tokens
    from residents.tokens import read_card_token
    from tests.residents.conftest import rating_document
    from tests.residents.test_stats import CARDS

    levels = [
        {"code": code, "label": label, "min_percent": D(low), "max_percent": D(high), "description": label}
        for code, label, low, high in (("A", "优", 90, 100), ("B", "良", 75, 90), ("C", "中", 60, 75), ("D", "差", 0, 60))
    ]  # fmt: skip
    document = rating_document()
    document["indicators"] += [
        {"category": "jichu", "code": "yishi", "name": "居民议事协商", "max_points": D(10), "method": "qualitative", "rater_groups": ["zuzhi", "qunzhong"], "levels": levels},
        {"category": "jichu", "code": "nongcun", "name": "村民议事", "max_points": D(10), "method": "qualitative", "rater_groups": ["zuzhi", "qunzhong"], "levels": levels, "community_types": ["mountain"]},
    ]  # fmt: skip
    admin, assessor = actor_for_user(cast.admin), actor_for_user(cast.assessor)
    later = timezone.localdate() + dt.timedelta(days=30)
    with as_tenant(cast.tenant_a):
        draft = scheme_services.scheme_create_from_document(actor=admin, document=document)
        scheme = scheme_services.scheme_publish(actor=admin, scheme=draft)
        cycle = assessment_services.cycle_open(
            actor=admin, kind="quarterly", year=2026, quarter=3, scheme=scheme,
            starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        campaign = services.campaign_create(
            actor=assessor, cycle=cycle, community=cast.community_a11, closes_on=later
        )
        campaign.min_responses = 3
        campaign.save(update_fields=["min_responses"])
        batch = services.card_batch_create(
            actor=assessor, campaign=campaign, count=10, expires_on=later
        )
        for (_n, token), (scores, suggestion) in zip(card_tokens(batch), CARDS, strict=False):
            services.rating_submit(
                campaign=campaign, card=read_card_token(token), scores=scores, suggestion=suggestion
            )
        assert services.campaign_feed_assessment(actor=assessor, campaign=campaign) == 3
        assessment = Assessment.objects.get(cycle=cycle, community=cast.community_a11)
        fed = set(
            ScoreEntry.objects.filter(assessment=assessment).values_list(
                "indicator__code", "rater_group__code", "value"
            )
        )
    assert fed == {
        ("taidu", "qunzhong", D("75.00")),
        ("zonghe", "qunzhong", D("72.50")),
        ("yishi", "qunzhong", D("72.50")),
    }
