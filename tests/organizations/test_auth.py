from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations import auth

PASSWORD = "pw-Kaoping-2026"


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_lockout_counters_have_short_plain_keys_whatever_the_name_sent() -> None:
    key = auth._key(" " + "名" * 5000 + "\x00 \n")
    assert len(key) < 100 and key.isascii() and key.isprintable() and " " not in key
    assert auth._key(" A-Admin") == auth._key("a-admin") != auth._key("a-leader")


def test_login_with_the_right_password_lands_on_home(cast):
    client = Client()
    response = _login(client, "a-admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_failures_lock_the_username_even_for_the_right_password(cast):
    client = Client()
    for _ in range(settings.KAOPING_LOGIN_MAX_FAILURES):
        response = _login(client, "a-admin", "wrong")
        assert response.status_code == 200
    response = _login(client, "a-admin", PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多，请15分钟后再试。" in response.content.decode()
    english = _login(Client(HTTP_ACCEPT_LANGUAGE="en"), "a-admin", PASSWORD).content.decode()
    assert "Too many failed logins. Try again in 15 minutes." in english
    # Another username is not affected.
    assert _login(Client(), "a-leader", PASSWORD).status_code == 302


def test_the_lock_expires(cast, monkeypatch):
    client = Client()
    for _ in range(settings.KAOPING_LOGIN_MAX_FAILURES):
        _login(client, "a-admin", "wrong")
    later = timezone.now() + dt.timedelta(seconds=settings.KAOPING_LOGIN_LOCKOUT_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _login(client, "a-admin", PASSWORD).status_code == 302


def test_the_token_endpoint_shares_the_lockout(cast):
    client = Client()
    url = reverse("api-token")
    for _ in range(settings.KAOPING_LOGIN_MAX_FAILURES):
        assert client.post(url, {"username": "a-admin", "password": "wrong"}).status_code == 400
    response = client.post(url, {"username": "a-admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "15" in str(response.json())
    assert client.post(url, {"username": "a-leader", "password": PASSWORD}).status_code == 200


def test_session_ends_after_inactivity(cast):
    client = Client()
    _login(client, "a-admin", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = client.session
    session.set_expiry(timezone.now() - dt.timedelta(seconds=1))
    session.save()
    response = client.get(reverse("organizations:users"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_extends_the_session(cast):
    client = Client()
    _login(client, "a-admin", PASSWORD)
    first = client.session.get_expiry_date()
    client.get(reverse("home"))
    assert client.session.get_expiry_date() >= first


def test_deactivated_user_cannot_log_in(cast):
    cast.expert.is_active = False
    cast.expert.save()
    assert _login(Client(), "a-expert", PASSWORD).status_code == 200


@pytest.mark.redis
def test_lockout_counters_live_in_the_shared_redis_cache(cast):
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(cache, RedisCache) or type(cache).__name__ == "ConnectionProxy"
    from django.core.cache import caches

    assert isinstance(caches["default"], RedisCache)
    _login(Client(), "a-admin", "wrong")
    # A second process would read the same counter: read it through a fresh client.
    import redis

    raw = redis.Redis.from_url(settings.REDIS_URL)
    keys = [k.decode() for k in raw.keys(f"*{auth._key('a-admin')}")]
    assert keys, "the failure counter should be stored in Redis"
