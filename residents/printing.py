"""QR codes (segno, SVG) and printable sheets (WeasyPrint PDF): household cards in a grid
with the community's name, and the open-link poster."""

from __future__ import annotations

from collections.abc import Callable

import segno
from django.template.loader import render_to_string

from residents.models import Campaign, CardBatch
from residents.tokens import CardToken, PosterToken, card_token, poster_token


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline SVG QR code (medium error correction: survives a crease in a printed card)."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2))


def card_tokens(batch: CardBatch) -> list[tuple[int, str]]:
    return [
        (
            number,
            card_token(
                CardToken(batch.tenant_id, batch.campaign_id, batch.pk, number, batch.expires_on)
            ),
        )
        for number in range(1, batch.count + 1)
    ]


def campaign_poster_token(campaign: Campaign) -> str:
    return poster_token(PosterToken(campaign.tenant_id, campaign.pk))


def _pdf(template: str, context: dict[str, object]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string(template, context)).write_pdf())


def cards_pdf(campaign: Campaign, batch: CardBatch, url_for: Callable[[str], str]) -> bytes:
    cards = [
        {"number": number, "qr": qr_svg(url_for(token), scale=3)}
        for number, token in card_tokens(batch)
    ]
    return _pdf(
        "residents/print_cards.html", {"campaign": campaign, "batch": batch, "cards": cards}
    )


def poster_pdf(campaign: Campaign, url: str) -> bytes:
    return _pdf("residents/print_poster.html", {"campaign": campaign, "qr": qr_svg(url, scale=10)})
