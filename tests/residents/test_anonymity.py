"""No stored answer can be joined back to the card or the device that submitted it."""

from __future__ import annotations

import uuid

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from residents.models import Answer, CardBatch, Response, UsedCard
from tests.residents.conftest import SCORES

pytestmark = pytest.mark.django_db

# Set by staff later (screening, the community's answer), never at submission.
STAFF_FIELDS = {"screened_by", "released_at", "replied_by", "replied_at"}


@pytest.mark.parametrize("model", [Response, Answer])
def test_answers_have_no_column_that_could_name_a_card_device_or_moment(model):
    for field in model._meta.concrete_fields:
        if field.name in STAFF_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            assert field.related_model not in (UsedCard, CardBatch), field.name
            assert field.name in {"tenant", "campaign", "response"}, field.name
        # No time of day: a date cannot be lined up with anything finer.
        assert not isinstance(field, models.DateTimeField), field.name
        assert "ip" not in field.name.split("_") and "agent" not in field.name, field.name
    # A sequence key would give away the order of submission; a random one does not.
    assert isinstance(model._meta.pk, models.UUIDField)
    for field in UsedCard._meta.concrete_fields:
        assert not isinstance(field, (models.DateField, models.DateTimeField)), field.name


def test_the_stored_rows_cannot_be_lined_up_with_the_used_cards(cast, rating, as_tenant):
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Mozilla/5.0 (Phone)")
    for n, token in enumerate(rating.tokens[:12]):
        scores = {**SCORES, "overall": 1 + n % 5}
        url = reverse("rate_card", args=[token])
        assert client.post(url, {**{f"q_{k}": v for k, v in scores.items()}}).status_code == 200
    with as_tenant(cast.tenant_a):
        used = list(UsedCard.objects.order_by("pk").values_list("number", flat=True))
        responses = list(Response.objects.values())
        answers = list(Answer.objects.values())
    assert used == list(range(1, 13))
    # Nothing stored about the submission names the card, the device or a time of day.
    forbidden = {"203.0.113.7", "Mozilla/5.0 (Phone)", *rating.tokens[:12]}
    for row in responses + answers:
        for value in row.values():
            assert str(value) not in forbidden
        assert isinstance(row["id"], uuid.UUID)
    assert {row["submitted_on"] for row in responses} <= {timezone.localdate()}
    # Ordered by their keys, the answers do not come out in the order the cards were used
    # (by chance they would, about once in 1.6 million runs).
    overall_by_key = [
        a["score"]
        for a in sorted(answers, key=lambda a: a["response_id"])
        if a["question"] == "overall"
    ]
    assert overall_by_key != [1 + n % 5 for n in range(12)]
