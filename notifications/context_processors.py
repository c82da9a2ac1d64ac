from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The bell's unread count in the navbar (one count query per page)."""
    actor = getattr(request, "actor", None)
    return {"unread_notifications": unread_count(actor=actor) if actor is not None else 0}
