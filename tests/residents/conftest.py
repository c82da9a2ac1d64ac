from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, Cycle
from indicators import services as scheme_services
from organizations.selectors import actor_for_user
from residents import services
from residents.models import Campaign, CardBatch
from residents.printing import campaign_poster_token, card_tokens

SCORES = {"attitude": 5, "efficiency": 4, "environment": 3, "safety": 4, "overall": 5}


def rating_document() -> dict[str, Any]:
    return {
        "scheme": {"code": "r", "name": "评议方案", "year": 2026},
        "categories": [{"code": "jichu", "name": "基础指标", "weight": D(100)}],
        "rater_groups": [
            {"code": "zuzhi", "name": "组织评价", "kind": "organisation", "weight": D(70)},
            {"code": "qunzhong", "name": "群众评议", "kind": "residents", "weight": D(30)},
        ],
        "indicators": [
            {"category": "jichu", "code": "taizhang", "name": "台账完整", "max_points": D(10), "method": "yes_no", "rater_groups": ["zuzhi"]},
            {"category": "jichu", "code": "taidu", "name": "服务态度满意度", "description": "居民扫码评议中“服务态度”一项的满意度指数。", "max_points": D(10), "method": "resident_rating", "rater_groups": ["qunzhong"]},
            {"category": "jichu", "code": "zonghe", "name": "居民综合满意度", "max_points": D(10), "method": "resident_rating", "rater_groups": ["qunzhong"]},
        ],
    }  # fmt: skip


@dataclass
class Rating:
    cycle: Cycle
    campaign: Campaign
    batch: CardBatch
    tokens: list[str]
    poster: str
    assessment: Assessment


@pytest.fixture
def rating(cast: Any, as_tenant: Any) -> Rating:
    """Tenant A's quarter over a scheme with two resident-rating indicators, a campaign in
    community a11 (minimum 3 responses) and a batch of 20 household cards."""
    admin = actor_for_user(cast.admin)
    assessor = actor_for_user(cast.assessor)
    with as_tenant(cast.tenant_a):
        draft = scheme_services.scheme_create_from_document(actor=admin, document=rating_document())
        scheme = scheme_services.scheme_publish(actor=admin, scheme=draft)
        cycle = assessment_services.cycle_open(
            actor=admin, kind="quarterly", year=2026, quarter=3, scheme=scheme,
            starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        campaign = services.campaign_create(
            actor=assessor, cycle=cycle, community=cast.community_a11,
            closes_on=timezone.localdate() + dt.timedelta(days=30),
        )  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(min_responses=3)
        campaign.refresh_from_db()
        batch = services.card_batch_create(
            actor=assessor, campaign=campaign, count=20,
            expires_on=timezone.localdate() + dt.timedelta(days=30),
        )  # fmt: skip
        assessment = Assessment.objects.get(cycle=cycle, community=cast.community_a11)
    return Rating(
        cycle=cycle, campaign=campaign, batch=batch,
        tokens=[token for _n, token in card_tokens(batch)],
        poster=campaign_poster_token(campaign), assessment=assessment,
    )  # fmt: skip
