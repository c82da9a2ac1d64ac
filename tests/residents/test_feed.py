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
