"""The resident's page and its API twin: no login, the tenant taken from the token (under
row-level security on PostgreSQL), one count per card, clear refusals, the open-link limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from residents import tokens
from residents.models import Answer, Response, UsedCard
from tests.residents.conftest import SCORES

pytestmark = pytest.mark.django_db


def _form(scores=SCORES, suggestion=""):
    return {**{f"q_{k}": v for k, v in scores.items()}, "suggestion": suggestion}


def _count(as_tenant, cast, model=Response):
    with as_tenant(cast.tenant_a):
        return model.objects.count()


def test_the_page_shows_the_questions_in_chinese_and_thanks(cast, rating, as_tenant):
    client = Client()
    url = reverse("rate_card", args=[rating.tokens[0]])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "服务态度" in text and cast.community_a11.name in text
    assert "bootstrap" not in text and "<script" not in text  # light on a weak connection
    assert 'name="viewport"' in text and "<label" in text
    thanks = client.post(url, _form(suggestion="楼道灯坏了三个月，请尽快维修"))
    assert thanks.status_code == 200
    assert "感谢" in thanks.content.decode() or "谢谢" in thanks.content.decode()
    assert _count(as_tenant, cast) == 1
    assert _count(as_tenant, cast, Answer) == 5
    with as_tenant(cast.tenant_a):
        response = Response.objects.get()
    assert response.channel == "card" and response.substantive
    assert response.screening == Response.Screening.PENDING


def test_replay_expired_and_altered_tokens_are_refused_with_their_message(cast, rating, as_tenant):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("rate_card", args=[rating.tokens[1]])
    assert client.post(url, _form()).status_code == 200
    replay = client.post(url, _form())
    assert replay.status_code == 409
    assert "already been used" in replay.content.decode()
    assert client.get(url).status_code == 409  # said at once on opening the page too

    expired = tokens.card_token(
        tokens.CardToken(cast.tenant_a.pk, rating.campaign.pk, rating.batch.pk, 2,
                         timezone.localdate() - dt.timedelta(days=1))
    )  # fmt: skip
    refused = client.post(reverse("rate_card", args=[expired]), _form())
    assert refused.status_code == 410 and "expired" in refused.content.decode()

    # Altering the payload (another card number, another tenant) breaks the signature.
    payload, signature = rating.tokens[3].split(":")
    parts = payload.split(".")
    for altered in (
        ".".join([*parts[:3], "999", parts[4]]) + ":" + signature,
        ".".join([str(cast.tenant_b.pk), *parts[1:]]) + ":" + signature,
        rating.tokens[3][:-2],
    ):
        refused = client.post(reverse("rate_card", args=[altered]), _form())
        assert refused.status_code == 400
        assert "altered" in refused.content.decode()
    assert _count(as_tenant, cast) == 1
    assert _count(as_tenant, cast, UsedCard) == 1


def test_messages_are_chinese_first(rating):
    refused = Client().get(reverse("rate_card", args=["1.2.3.4.20990101:forged"]))
    assert refused.status_code == 400
    assert "重新扫描" in refused.content.decode()


def test_bad_answers_get_a_clear_message_and_nothing_is_saved(cast, rating, as_tenant):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("rate_card", args=[rating.tokens[0]])
    page = client.post(url, {"q_attitude": "9", "suggestion": "x" * 1001})
    assert page.status_code == 400
    assert "Please choose a score" in page.content.decode()
    assert _count(as_tenant, cast) == 0
    assert _count(as_tenant, cast, UsedCard) == 0  # the card is still good
    assert client.post(url, _form()).status_code == 200


def test_a_card_of_another_tenants_campaign_does_not_reach_it(cast, rating, as_tenant):
    # A well-signed card whose campaign does not exist in the tenant it names.
    forged = tokens.card_token(
        tokens.CardToken(cast.tenant_b.pk, rating.campaign.pk, rating.batch.pk, 1,
                         timezone.localdate() + dt.timedelta(days=1))
    )  # fmt: skip
    assert Client().post(reverse("rate_card", args=[forged]), _form()).status_code == 400
    assert _count(as_tenant, cast) == 0


def test_the_open_link_is_limited_and_marked_lower_trust(cast, rating, as_tenant, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("rate_open", args=[rating.poster])
    for _ in range(3):  # the default: three per device and hour
        assert client.post(url, _form()).status_code == 200
    limited = client.post(url, _form())
    assert limited.status_code == 429
    assert "Too many" in limited.content.decode()
    # Another device is not affected.
    assert client.post(url, _form(), REMOTE_ADDR="10.0.0.9").status_code == 200
    with as_tenant(cast.tenant_a):
        assert set(Response.objects.values_list("channel", flat=True)) == {"open"}
        assert Response.objects.count() == 4


@pytest.mark.redis
def test_the_limit_is_counted_in_the_shared_redis_cache(cast, rating, as_tenant):
    from django.core.cache import caches

    assert "redis" in type(caches["default"]).__module__.lower()
    api = Client()
    body = {"kind": "open", "token": rating.poster, "scores": SCORES}
    statuses = [
        api.post(reverse("public-rating"), body, content_type="application/json").status_code
        for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]


def test_the_api_twin_submits_and_refuses_alike(cast, rating, as_tenant):
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("public-rating")
    body = {"kind": "card", "token": rating.tokens[5], "scores": SCORES, "suggestion": "很好"}
    assert api.post(url, body, content_type="application/json").status_code == 201
    again = api.post(url, body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "used"
    bad = api.post(
        url,
        {**body, "token": rating.tokens[6], "scores": {"attitude": 6}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "Service attitude" in bad.json()["attitude"][0]  # the question in the reader's language
    missing = api.post(
        url,
        {**body, "token": rating.tokens[6], "scores": {"attitude": 5}},
        content_type="application/json",
    )
    assert missing.status_code == 400
    altered = api.post(
        url, {**body, "token": rating.tokens[6] + "x"}, content_type="application/json"
    )
    assert altered.status_code == 400 and altered.json()["code"] == "tampered"
    assert _count(as_tenant, cast) == 1
    with as_tenant(cast.tenant_a):
        assert not Response.objects.get().substantive  # "很好" is empty praise


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "detail"),
        ("[1, 2]", "detail"),
        ('{"kind": "poster", "token": "x", "scores": {}}', "kind"),
        ('{"kind": "card", "token": "", "scores": {}}', "token"),
        ('{"kind": "card", "token": "%s", "scores": {}}' % ("x" * 201), "token"),
        ('{"kind": "card", "token": "x", "scores": [5, 4]}', "scores"),
        ('{"kind": "card", "token": "x", "scores": {}, "suggestion": 7}', "suggestion"),
    ],
)
def test_the_api_twin_names_what_is_wrong_with_a_bad_body(cast, rating, as_tenant, body, field):
    answer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        reverse("public-rating"), body, content_type="application/json"
    )
    assert answer.status_code == 400
    assert field in answer.json() and answer.json()[field][0]
    assert _count(as_tenant, cast) == 0


def test_the_api_twin_wants_a_json_post(cast, rating, as_tenant):
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("public-rating")
    assert api.get(url).status_code == 405
    form = api.post(url, {"kind": "card", "token": rating.tokens[0]})
    assert form.status_code == 415 and "JSON" in form.json()["detail"]
    assert _count(as_tenant, cast) == 0


def test_the_api_twin_stores_with_the_campaign_cached_and_not(cast, rating, as_tenant):
    """The first submission reads the campaign; the next ones find it in the process's cache
    and let the write set the tenant. Both are stored under the campaign's tenant."""
    api = Client()
    url = reverse("public-rating")
    for token in rating.tokens[10:13]:
        body = {"kind": "card", "token": token, "scores": SCORES}
        assert api.post(url, body, content_type="application/json").status_code == 201
    with as_tenant(cast.tenant_a):
        assert Response.objects.filter(tenant=cast.tenant_a).count() == 3
        assert Answer.objects.filter(tenant=cast.tenant_a).count() == 3 * len(SCORES)
        assert not Response.objects.exclude(tenant=cast.tenant_a).exists()


def test_the_submit_endpoint_is_in_the_openapi_schema(cast):
    schema = cast.client_for("admin").get(reverse("schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/public/ratings/" in text and "/api/rating-campaigns/" in text
