"""Sessions: a new key at login, the idle timeout, the absolute lifetime, and deactivation
ending every session and API token of the user at once. (The login lockout is in
test_auth.py.)"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from organizations.security import LOGIN_AT_KEY, check_session_engine, end_user_sessions

PASSWORD = "pw-Kaoping-2026"
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def _login(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _logged_in(client: Client) -> bool:
    response = client.get(reverse("organizations:users"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def _user_sessions(user_id: int) -> list[str]:
    return [
        s.session_key
        for s in Session.objects.all()
        if str(SessionStore().decode(s.session_data).get("_auth_user_id")) == str(user_id)
    ]


def test_logging_in_gives_a_new_session_key(cast) -> None:
    client = Client()
    before = client.session  # an anonymous session, as a visitor (or an attacker) may hold
    before["visited"] = True
    before.save()
    old_key = before.session_key
    assert _key(client) == old_key
    assert _login(client, "a-admin").status_code == 302
    assert _key(client) != old_key
    assert not SessionStore().exists(old_key)  # the old key is gone, not merely unused
    assert _logged_in(client)


def test_the_session_ends_after_30_minutes_without_a_request(cast, monkeypatch) -> None:
    start = timezone.now()
    client = Client()
    _login(client, "a-admin")
    # Every request extends the session: 29 minutes apart, three times, still logged in.
    for step in (1, 2, 3):
        _at(monkeypatch, start + dt.timedelta(minutes=29 * step))
        assert _logged_in(client)
    _at(monkeypatch, start + dt.timedelta(minutes=29 * 3 + 31))
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not _logged_in(client)


def test_the_session_ends_12_hours_after_login_however_busy(cast, monkeypatch) -> None:
    assert settings.KAOPING_SESSION_ABSOLUTE_SECONDS == 12 * 3600
    start = timezone.now()
    client = Client()
    _login(client, "a-admin")
    minutes = 0
    while minutes + 25 < 12 * 60:
        minutes += 25
        _at(monkeypatch, start + dt.timedelta(minutes=minutes))
        assert _logged_in(client), f"logged out after {minutes} minutes"
    _at(monkeypatch, start + dt.timedelta(hours=12, seconds=1))
    assert not _logged_in(client)
    # Logging in again starts a new 12 hours.
    _login(client, "a-admin")
    assert _logged_in(client)


def test_a_session_without_a_login_time_is_ended(cast) -> None:
    client = Client()
    _login(client, "a-admin")
    session = client.session
    del session[LOGIN_AT_KEY]
    session.save()
    assert not _logged_in(client)


def test_deactivating_a_user_ends_their_sessions_and_tokens(cast) -> None:
    phone, desk = Client(), Client()
    _login(phone, "a-assessor")
    _login(desk, "a-assessor")
    _login(Client(), "a-leader")
    token = Token.objects.create(user=cast.assessor)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    assert api.get(reverse("me-list")).status_code == 200
    assert len(_user_sessions(cast.assessor.pk)) == 2

    admin = cast.client_for("admin")
    response = admin.post(
        reverse("organizations:user_set_active", args=[cast.assessor.pk]), {"is_active": "0"}
    )
    assert response.status_code == 302
    assert _user_sessions(cast.assessor.pk) == []
    assert len(_user_sessions(cast.leader.pk)) == 1  # nobody else is logged out
    assert phone.get(reverse("home")).status_code == 302
    assert desk.get(reverse("home")).status_code == 302
    refused = api.get(reverse("me-list"))
    # 403 rather than 401: session authentication comes first and sends no challenge.
    assert (refused.status_code, refused.json()) == (403, {"detail": "Invalid token."})
    assert not Token.objects.filter(user=cast.assessor).exists()
    # Reactivated, the old token and sessions stay dead: the user logs in afresh.
    admin.post(
        reverse("organizations:user_set_active", args=[cast.assessor.pk]), {"is_active": "1"}
    )
    assert api.get(reverse("me-list")).status_code == 403
    assert phone.get(reverse("home")).status_code == 302


def test_deactivating_over_the_api_ends_sessions_too(cast) -> None:
    client = Client()
    _login(client, "a-expert")
    admin = cast.client_for("admin")
    response = admin.patch(
        reverse("user-detail", args=[cast.expert.pk]),
        {"is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert _user_sessions(cast.expert.pk) == []
    assert client.get(reverse("home")).status_code == 302


def test_end_user_sessions_reads_only_live_sessions(cast) -> None:
    client = Client()
    _login(client, "a-admin")
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert end_user_sessions(cast.admin.pk) == 0


def test_a_session_engine_that_cannot_be_searched_is_refused(settings) -> None:
    assert check_session_engine() == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert [e.id for e in check_session_engine()] == ["kaoping.E001"]


def test_deactivating_in_the_platform_admin_ends_sessions_too(cast, rf) -> None:
    from django.contrib.admin.sites import site

    from organizations.models import User

    client = Client()
    _login(client, "a-leader")
    user_admin = site._registry[User]
    user = User.objects.get(pk=cast.leader.pk)
    user.is_active = False
    changed = type("Form", (), {"changed_data": ["is_active"]})()
    user_admin.save_model(rf.post("/admin/"), user, changed, change=True)
    assert _user_sessions(cast.leader.pk) == []
    assert client.get(reverse("home")).status_code == 302
