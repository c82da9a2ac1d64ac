"""Helpers shared by the scheme editor's forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from indicators.models import (
    Scheme,
)
from indicators.templates import TEMPLATES

HUNDRED = Decimal(100)
STATE_CHOICES = [("", _("All states")), *Scheme.State.choices]
PERCENT_FIELD: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 2,
    "min_value": 0,
    "max_value": 100,
}
VALUE_FIELD: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _plain(value: Any) -> Any:
    """Stored decimals without their trailing zeros (95, not 95.0000), for form initials."""
    return _percent(value) if isinstance(value, Decimal) else value


def _template_choices() -> list[tuple[str, str]]:
    """Each built-in template by its Chinese name, with its categories and their weights."""

    def label(document: dict[str, Any]) -> str:
        parts = " / ".join(
            f"{c['name']} {_percent(Decimal(c['weight']))}%" for c in document["categories"]
        )
        return f"{document['scheme']['name']} — {parts}"

    return [(code, label(document)) for code, document in TEMPLATES.items()]
