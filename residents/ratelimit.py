"""Rate limit of the open poster link, counted in the shared cache (Redis in production, so
every web worker counts together). The device is its client address, kept only as a salted
hash inside a counter that expires with its window: nothing about it reaches the database."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

WINDOW_SECONDS = 3600


def device_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]


def allow(*, campaign_id: int, device: str, limit: int) -> bool:
    """Count one submission; False once the device is past ``limit`` in this window."""
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    key = f"residents:open:{campaign_id}:{device}:{window}"
    if cache.add(key, 1, WINDOW_SECONDS):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
