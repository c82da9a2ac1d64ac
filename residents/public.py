"""The public (no login) side shared by the rating page and its API twin: finding the
campaign from a token under row-level security, the refusal messages, the open-link limit.

With nobody logged in the request transaction starts with no tenant, so no tenant-owned row
is visible. The token's signed payload names the tenant; only after the signature checks
out is that tenant set for the rest of the transaction (set_db_tenant is SET LOCAL), and
the campaign is then read with that tenant in the filter as well.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organizations.rls import set_db_tenant
from residents import ratelimit, selectors, services
from residents.models import Campaign, Response, UsedCard
from residents.tokens import CardToken, TokenError, read_card_token, read_poster_token

# Why a token or submission was refused: HTTP status and the message shown to the resident.
REFUSALS: dict[str, tuple[int, Promise]] = {
    "tampered": (
        400,
        _("This code is not valid: it may have been copied incompletely or altered. "
          "Please scan the QR code on the card again."),
    ),
    "expired": (410, _("This card has expired. Please ask your community for a new card.")),
    "used": (
        409,
        _("This card has already been used: each household card counts once. "
          "Thank you for taking part."),
    ),
    "closed": (410, _("This rating has closed. Thank you for your interest.")),
    "limited": (
        429,
        _("Too many ratings have been sent from this device. Please try again in an hour."),
    ),
}  # fmt: skip


MAX_TOKEN = 200  # a signed card token is about 70 characters


@dataclass(frozen=True)
class Submission:
    kind: str
    token: str
    scores: dict[str, Any]
    suggestion: str


class BadSubmission(Exception):
    """A body that is not the submission's shape; ``errors`` maps each field to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def read_submission(body: bytes) -> Submission:
    """The API's JSON body, ``{"kind", "token", "scores", "suggestion"}``, checked for shape
    only: the answers themselves are checked against the campaign's questions on submit."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BadSubmission({"detail": [str(_("The body must be a JSON object."))]})
    errors: dict[str, list[str]] = {}
    kind, token = data.get("kind"), data.get("token")
    scores, suggestion = data.get("scores"), data.get("suggestion", "")
    if kind not in ("card", "open"):
        errors["kind"] = [str(_("Say whether this is a card or the open link."))]
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        errors["token"] = [str(_("The code of the QR link is missing or too long."))]
    if not isinstance(scores, dict):
        errors["scores"] = [str(_("Give the scores as question → score from 1 to 5."))]
    if not isinstance(suggestion, str) or len(suggestion) > services.MAX_SUGGESTION:
        errors["suggestion"] = [
            str(_("Keep the suggestion under %(n)s characters.") % {"n": services.MAX_SUGGESTION})
        ]
    if errors:
        raise BadSubmission(errors)
    return Submission(kind, token, scores, suggestion)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Entry:
    campaign: Campaign
    card: CardToken | None


def resolve(kind: str, token: str, *, set_tenant: bool = True) -> Entry:
    """The campaign a card or poster token leads to; TokenError when it leads nowhere.

    The token's tenant is set for the rest of the transaction. The API's card submission
    passes ``set_tenant=False``: it reads nothing more, and its one write sets the tenant
    itself (services.rating_submit), a round trip fewer on the busiest endpoint. A campaign
    that is not in this process's cache is read with the tenant set either way.
    """
    card: CardToken | None = None
    if kind == "card":
        card = read_card_token(token)
        tenant_id, campaign_id = card.tenant_id, card.campaign_id
    else:
        poster = read_poster_token(token)
        tenant_id, campaign_id = poster.tenant_id, poster.campaign_id
    if set_tenant:
        set_db_tenant(tenant_id)
    campaign = _campaign(tenant_id, campaign_id, tenant_is_set=set_tenant)
    if campaign is None:
        raise TokenError("tampered")
    if not campaign.is_open():
        raise TokenError("closed")
    return Entry(campaign, card)


_FIELDS = ("id", "tenant_id", "cycle_id", "community_id", "street_id", "questions",
           "min_responses", "closes_on", "created_at")  # fmt: skip

# Campaign rows as read, per process, for a minute: a campaign is never edited once created
# (no service changes its questions or closing date), and every submission reads it. The key
# holds the tenant the signed token names, so a row is only ever found under its own tenant.
CAMPAIGN_SECONDS = 60.0
_CACHE_SIZE = 4096
_campaigns: dict[tuple[int, int], tuple[float, list[Any]]] = {}


def _campaign(tenant_id: int, campaign_id: int, *, tenant_is_set: bool) -> Campaign | None:
    """The campaign by a fixed query (building the ORM query cost more CPU than the rest of
    the request's own work), kept per process for CAMPAIGN_SECONDS. RLS applies to the
    query like to any other."""
    key = (tenant_id, campaign_id)
    cached = _campaigns.get(key)
    if cached is not None and time.monotonic() - cached[0] < CAMPAIGN_SECONDS:
        values = cached[1]
    else:
        if not tenant_is_set:
            set_db_tenant(tenant_id)
        row = _campaign_row(tenant_id, campaign_id)
        if row is None:
            return None
        values = row
        if len(_campaigns) >= _CACHE_SIZE:
            _campaigns.clear()
        _campaigns[key] = (time.monotonic(), values)
    campaign: Campaign = Campaign.from_db(connection.alias, list(_FIELDS), list(values))
    # Each request gets its own copy of the mutable questions.
    campaign.questions = [dict(question) for question in campaign.questions]
    return campaign


def _campaign_row(tenant_id: int, campaign_id: int) -> list[Any] | None:
    table = Campaign._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_FIELDS)} FROM {table} WHERE tenant_id = %s AND id = %s",  # noqa: S608 - fixed names
            [tenant_id, campaign_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_FIELDS, row, strict=True))
    if isinstance(values["questions"], str):  # Django reads jsonb as text and decodes it itself
        values["questions"] = json.loads(values["questions"])
    # SQLite returns text for dates.
    values["closes_on"] = Campaign._meta.get_field("closes_on").to_python(values["closes_on"])  # type: ignore[union-attr]
    values["created_at"] = Campaign._meta.get_field("created_at").to_python(values["created_at"])  # type: ignore[union-attr]
    return list(values.values())


def check_unused(entry: Entry) -> None:
    """On showing the form: say at once that a card is used (the submit checks again)."""
    card = entry.card
    if (
        card is not None
        and UsedCard.objects.filter(
            tenant_id=card.tenant_id, batch_id=card.batch_id, number=card.number
        ).exists()
    ):
        raise TokenError("used")


def submit(request: HttpRequest, entry: Entry, scores: dict[str, Any], suggestion: str) -> Response:
    """Validate and store; the open link is counted against its limit first."""
    if entry.card is None:
        limit = selectors.settings_for(entry.campaign.tenant_id).open_limit
        if not ratelimit.allow(
            campaign_id=entry.campaign.pk, device=ratelimit.device_key(request), limit=limit
        ):
            raise TokenError("limited")
    return services.rating_submit(
        campaign=entry.campaign, card=entry.card, scores=scores, suggestion=suggestion
    )
