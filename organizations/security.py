"""Response headers and session rules that Django does not provide by itself.

- ``ContentSecurityPolicyMiddleware`` sets ``Content-Security-Policy`` (production, and the
  tests) from ``KAOPING_CSP``: no inline script or style anywhere, with per-path additions
  in ``KAOPING_CSP_EXCEPTIONS`` for pages that cannot do without (none so far).
- ``SessionAbsoluteTimeoutMiddleware`` ends a session ``KAOPING_SESSION_ABSOLUTE_SECONDS``
  after its login, however active it has been (the idle timeout is SESSION_COOKIE_AGE).
- ``end_user_sessions`` deletes every session and API token of a user: deactivating an
  account takes effect at once, in every browser and every API client.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.core import checks
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LOGIN_AT_KEY = "kaoping_login_at"


# Content-Security-Policy -------------------------------------------------------------------


def csp_for_path(path: str) -> str:
    """The policy for a request path: the base policy plus any exception for the path."""
    directives: dict[str, list[str]] = {k: list(v) for k, v in settings.KAOPING_CSP.items()}
    for prefix, extra in settings.KAOPING_CSP_EXCEPTIONS.items():
        if path.startswith(prefix):
            for name, sources in extra.items():
                directives.setdefault(name, []).extend(
                    s for s in sources if s not in directives[name]
                )
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that has none yet (file downloads set their own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read per request, so that tests can switch it with override_settings.
        if settings.KAOPING_CSP_ENABLED and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp_for_path(request.path)
        return response


# Sessions ----------------------------------------------------------------------------------


@receiver(user_logged_in)
def _remember_login_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # Django has just given the session a new key (login() cycles it); note when.
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = int(timezone.now().timestamp())


class SessionAbsoluteTimeoutMiddleware:
    """Logs out a session older than KAOPING_SESSION_ABSOLUTE_SECONDS since its login (or
    with no login time at all). Placed after AuthenticationMiddleware and before the tenant
    middleware, so the rest of the request runs as anonymous."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            started = session.get(LOGIN_AT_KEY)
            limit = settings.KAOPING_SESSION_ABSOLUTE_SECONDS
            now = timezone.now().timestamp()
            if not isinstance(started, int) or now - started >= limit:
                logout(request)
        return self.get_response(request)


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_user_sessions(user_id: int) -> int:
    """Delete every live session of the user and their API tokens; the number of sessions.

    Sessions are found by decoding the stored ones (the database-backed engines, which a
    system check requires); with ``cached_db`` deleting through the store clears the cache
    copy too. Only sessions that have not expired are read."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user_id=user_id).delete()
    store = _session_store()
    keys = [
        key
        for key, data in store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator()
        if str(store().decode(data).get(SESSION_KEY)) == str(user_id)
    ]
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


@checks.register(checks.Tags.security)
def check_session_engine(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Deactivating a user must be able to find their sessions: a database-backed engine."""
    if hasattr(_session_store(), "get_model_class"):
        return []
    return [
        checks.Error(
            f"SESSION_ENGINE {settings.SESSION_ENGINE!r} does not store sessions in the "
            "database, so deactivating a user could not end their sessions.",
            hint="Use django.contrib.sessions.backends.db or .cached_db.",
            id="kaoping.E001",
        )
    ]
