"""Who may reach the resident-rating pages and endpoints. The probed campaign is tenant A's
in a11 (street a1), with one household response whose suggestion awaits screening."""

from __future__ import annotations

from django.urls import reverse

from residents.printing import campaign_poster_token
from residents.tokens import CardToken, card_token
from tests.organizations.test_access_matrix import Probe

READ_PAGE = {"anon": 302, "expert": 403, "admin_b": 404, "*": 200}
MANAGE_PAGE = {"anon": 302, "admin": 200, "assessor": 200, "admin_b": 404, "*": 403}
# Writes that end in a redirect with a message (the probe's body is refused by the service).
MANAGE_POST = {"anon": 302, "admin": 302, "assessor": 302, "admin_b": 404, "*": 403}
API_READ = {"anon": 403, "expert": 403, "admin_b": 404, "*": 200}
# A pending suggestion: only who screens sees it; leaders and the secretary see released ones.
API_PENDING = {
    "anon": 403,
    "expert": 403,
    "leader": 404,
    "secretary": 404,
    "admin_b": 404,
    "*": 200,
}


def _c(w):
    return w.a["campaign"].pk


def _card(w):
    batch = w.a["batch"]
    return card_token(CardToken(batch.tenant_id, batch.campaign_id, batch.pk, 2, batch.expires_on))


ROWS: dict[str, Probe] = {
    "residents:list": Probe(
        "get", lambda w: reverse("residents:list"), {"anon": 302, "expert": 403, "*": 200}
    ),
    "residents:create": Probe(
        "get",
        lambda w: reverse("residents:create"),
        {"anon": 302, "admin": 200, "assessor": 200, "admin_b": 200, "*": 403},
    ),
    "residents:detail": Probe(
        "get", lambda w: reverse("residents:detail", args=[_c(w)]), READ_PAGE
    ),
    "residents:stats": Probe("get", lambda w: reverse("residents:stats", args=[_c(w)]), READ_PAGE),
    "residents:batch_create": Probe(
        "post", lambda w: reverse("residents:batch_create", args=[_c(w)]), MANAGE_POST, {}
    ),
    "residents:cards_pdf": Probe(
        "get",
        lambda w: reverse("residents:cards_pdf", args=[_c(w), w.a["batch"].pk]),
        MANAGE_PAGE,
    ),
    "residents:poster_pdf": Probe(
        "get", lambda w: reverse("residents:poster_pdf", args=[_c(w)]), MANAGE_PAGE
    ),
    "residents:feed": Probe("post", lambda w: reverse("residents:feed", args=[_c(w)]), MANAGE_POST),
    "residents:suggestions": Probe(
        "get", lambda w: reverse("residents:suggestions", args=[_c(w)]), READ_PAGE
    ),
    "residents:screen": Probe(
        "post",
        lambda w: reverse("residents:screen", args=[_c(w), w.a["response"].pk]),
        MANAGE_POST,
        {},
    ),
    "residents:answer": Probe(
        "post",
        lambda w: reverse("residents:answer", args=[_c(w), w.a["response"].pk]),
        {"anon": 302, "expert": 403, "leader": 404, "secretary": 404, "admin_b": 404, "*": 302},
        {},
    ),
    "residents:paradox": Probe(
        "get", lambda w: reverse("residents:paradox"), {"anon": 302, "expert": 403, "*": 200}
    ),
    # The public page: no login, the same for everyone.
    "rate_card": Probe("get", lambda w: reverse("rate_card", args=[_card(w)]), {"*": 200}),
    "rate_open": Probe(
        "get",
        lambda w: reverse("rate_open", args=[campaign_poster_token(w.a["campaign"])]),
        {"*": 200},
    ),
    "public-rating": Probe("post", lambda w: reverse("public-rating"), {"*": 400}, {}, "json"),
    "rating-campaign-list": Probe(
        "get", lambda w: reverse("rating-campaign-list"), {"anon": 403, "expert": 403, "*": 200}
    ),
    "rating-campaign-detail": Probe(
        "get", lambda w: reverse("rating-campaign-detail", args=[_c(w)]), API_READ
    ),
    "rating-campaign-stats": Probe(
        "get", lambda w: reverse("rating-campaign-stats", args=[_c(w)]), API_READ
    ),
    "rating-campaign-cards": Probe(
        "post",
        lambda w: reverse("rating-campaign-cards", args=[_c(w)]),
        {"anon": 403, "admin": 400, "assessor": 400, "admin_b": 404, "*": 403},
        {},
        "json",
    ),
    # The probed scheme has no resident-rating indicator: nothing to write, 200.
    "rating-campaign-feed": Probe(
        "post",
        lambda w: reverse("rating-campaign-feed", args=[_c(w)]),
        {"anon": 403, "admin": 200, "assessor": 200, "admin_b": 404, "*": 403},
        {},
        "json",
    ),
    "rating-suggestion-list": Probe(
        "get", lambda w: reverse("rating-suggestion-list"), {"anon": 403, "expert": 403, "*": 200}
    ),
    "rating-suggestion-detail": Probe(
        "get", lambda w: reverse("rating-suggestion-detail", args=[w.a["response"].pk]), API_PENDING
    ),
    "rating-suggestion-screen": Probe(
        "post",
        lambda w: reverse("rating-suggestion-screen", args=[w.a["response"].pk]),
        {**API_PENDING, "admin": 400, "assessor": 400},
        {"release": False},
        "json",
    ),
    "rating-suggestion-answer": Probe(
        "post",
        lambda w: reverse("rating-suggestion-answer", args=[w.a["response"].pk]),
        {**API_PENDING, "admin": 400, "assessor": 400},
        {"text": ""},
        "json",
    ),
}
