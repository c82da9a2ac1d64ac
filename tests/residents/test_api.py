"""API twins of campaign management."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import CardBatch
from tests.residents.test_stats import _submit_all

pytestmark = pytest.mark.django_db


def test_campaigns_through_the_api(cast, rating, as_tenant):
    api = cast.client_for("assessor")
    listed = api.get(reverse("rating-campaign-list")).json()
    assert [row["id"] for row in listed["results"]] == [rating.campaign.pk]
    closes = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    made = api.post(
        reverse("rating-campaign-list"),
        {"cycle": rating.cycle.pk, "community": cast.community_a12.pk, "closes_on": closes},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    # Another street's community is refused as if it did not exist.
    other = api.post(
        reverse("rating-campaign-list"),
        {"cycle": rating.cycle.pk, "community": cast.community_a21.pk, "closes_on": closes},
        content_type="application/json",
    )
    assert other.status_code == 400
    cards = api.post(
        reverse("rating-campaign-cards", args=[rating.campaign.pk]),
        {"count": 5000, "expires_on": closes}, content_type="application/json",
    )  # fmt: skip
    assert cards.status_code == 400
    with as_tenant(cast.tenant_a):
        assert CardBatch.objects.count() == 1
        _submit_all(rating)
    stats = api.get(reverse("rating-campaign-stats", args=[rating.campaign.pk])).json()
    assert stats["card"]["index"] == "72.50" and stats["response_rate"] == "20.00"
    assert stats["shown"] is True
    fed = api.post(reverse("rating-campaign-feed", args=[rating.campaign.pk]))
    assert fed.status_code == 200 and fed.json() == {"written": 2}
    assert (
        cast.client_for("admin_b")
        .get(reverse("rating-campaign-detail", args=[rating.campaign.pk]))
        .status_code
        == 404
    )


def test_stats_withhold_indices_below_the_minimum(cast, rating, as_tenant):
    from tests.residents.test_stats import CARDS

    with as_tenant(cast.tenant_a):
        _submit_all(rating, CARDS[:1])
    stats = (
        cast.client_for("secretary")
        .get(reverse("rating-campaign-stats", args=[rating.campaign.pk]))
        .json()
    )
    assert stats["shown"] is False
    assert stats["card"] == {"responses": 1, "questions": {}, "index": None}
