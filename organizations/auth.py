"""Login lockout: repeated failures for one username lock it for a while.

Counters live in the cache, which is Redis in production so every web process shares them.
The same check guards the login page and the API token endpoint.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


def _key(username: str) -> str:
    # Hashed: the name is whatever the form or API was sent (any length, any character),
    # and a cache key should be short and plain.
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def lockout_remaining_seconds(username: str) -> int:
    """Seconds until the username may try again; 0 when it is not locked."""
    state = cache.get(_key(username))
    if not state or state["count"] < settings.KAOPING_LOGIN_MAX_FAILURES:
        return 0
    remaining: float = state["until"] - timezone.now().timestamp()
    return max(0, math.ceil(float(remaining)))


def lockout_remaining_minutes(username: str) -> int:
    return math.ceil(lockout_remaining_seconds(username) / 60)


def record_login_failure(username: str) -> None:
    window = settings.KAOPING_LOGIN_LOCKOUT_SECONDS
    key = _key(username)
    state = cache.get(key) or {"count": 0, "until": 0.0}
    state["count"] += 1
    state["until"] = timezone.now().timestamp() + window
    cache.set(key, state, timeout=window)


def clear_login_failures(username: str) -> None:
    cache.delete(_key(username))


class LockoutModelBackend(ModelBackend):
    """The model backend, refusing a locked username even with the right password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username and lockout_remaining_seconds(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
