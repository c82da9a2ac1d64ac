"""The public (no login) side shared by the rating page and its API twin: finding the
campaign from a token under row-level security, the refusal messages, the open-link limit.

With nobody logged in the request transaction starts with no tenant, so no tenant-owned row
is visible. The token's signed payload names the tenant; only after the signature checks
out is that tenant set for the rest of the transaction (set_db_tenant is SET LOCAL), and
the campaign is then read with that tenant in the filter as well.
"""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class Entry:
    campaign: Campaign
    card: CardToken | None


def resolve(kind: str, token: str) -> Entry:
    """The campaign a card or poster token leads to; TokenError when it leads nowhere."""
    card: CardToken | None = None
    if kind == "card":
        card = read_card_token(token)
        tenant_id, campaign_id = card.tenant_id, card.campaign_id
    else:
        poster = read_poster_token(token)
        tenant_id, campaign_id = poster.tenant_id, poster.campaign_id
    set_db_tenant(tenant_id)
    campaign = _campaign(tenant_id, campaign_id)
    if campaign is None:
        raise TokenError("tampered")
    if not campaign.is_open():
        raise TokenError("closed")
    return Entry(campaign, card)


_FIELDS = ("id", "tenant_id", "cycle_id", "community_id", "street_id", "questions",
           "min_responses", "closes_on", "created_at")  # fmt: skip


def _campaign(tenant_id: int, campaign_id: int) -> Campaign | None:
    """The campaign by a fixed query: on every submission, building the ORM query cost more
    CPU than the rest of the request's own work. RLS applies to it like to any other."""
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
    campaign: Campaign = Campaign.from_db(connection.alias, list(_FIELDS), list(values.values()))
    return campaign


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
