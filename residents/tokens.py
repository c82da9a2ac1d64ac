"""Signed tokens in the QR codes: household cards (one-time, with expiry) and posters.

A card token is ``<tenant>.<campaign>.<batch>.<number>.<expiry yyyymmdd>`` signed with the
secret key (HMAC-SHA256, salted per kind). Nothing about a card is stored until it is used:
the signature proves it was issued, the payload says where it belongs. The tenant in the
payload is what lets the public page set the row-level-security tenant before it reads
anything, with no user logged in; a forged tenant fails the signature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

_CARD = signing.Signer(salt="residents.card", algorithm="sha256")
_POSTER = signing.Signer(salt="residents.poster", algorithm="sha256")


class TokenError(Exception):
    """Why a token was refused: ``code`` is "tampered", "expired" or "used"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CardToken:
    tenant_id: int
    campaign_id: int
    batch_id: int
    number: int
    expires_on: dt.date


@dataclass(frozen=True)
class PosterToken:
    tenant_id: int
    campaign_id: int


def card_token(card: CardToken) -> str:
    payload = (
        f"{card.tenant_id}.{card.campaign_id}.{card.batch_id}.{card.number}."
        f"{card.expires_on:%Y%m%d}"
    )
    return _CARD.sign(payload)


def read_card_token(token: str, *, today: dt.date | None = None) -> CardToken:
    """The card a token names; TokenError("tampered") or TokenError("expired") otherwise."""
    try:
        payload = _CARD.unsign(token)
        tenant, campaign, batch, number, expiry = payload.split(".")
        card = CardToken(
            int(tenant), int(campaign), int(batch), int(number),
            dt.datetime.strptime(expiry, "%Y%m%d").date(),  # noqa: DTZ007 - a date, no time
        )  # fmt: skip
    except (signing.BadSignature, ValueError) as exc:
        raise TokenError("tampered") from exc
    if card.expires_on < (today or timezone.localdate()):
        raise TokenError("expired")
    return card


def poster_token(poster: PosterToken) -> str:
    return _POSTER.sign(f"{poster.tenant_id}.{poster.campaign_id}")


def read_poster_token(token: str) -> PosterToken:
    try:
        tenant, campaign = _POSTER.unsign(token).split(".")
        return PosterToken(int(tenant), int(campaign))
    except (signing.BadSignature, ValueError) as exc:
        raise TokenError("tampered") from exc
