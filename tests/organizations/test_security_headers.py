"""The production settings' security headers, on a logged-in page, the login page and an API
response; and no template left that the Content-Security-Policy would refuse."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from organizations.security import csp_for_path

HOST = "kaoping.example.gov.cn"
# What production sets that bears on the answers' headers and cookies.
PRODUCTION_SETTINGS = [
    "ALLOWED_HOSTS", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "X_FRAME_OPTIONS", "KAOPING_CSP_ENABLED",
    "KAOPING_CSP", "KAOPING_CSP_EXCEPTIONS", "REST_FRAMEWORK",
]  # fmt: skip
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


@pytest.fixture
def production(settings: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """This test run's settings with config/settings/production.py's security settings."""
    for name, value in {
        "DJANGO_SECRET_KEY": "production-like-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
    }.items():
        monkeypatch.setenv(name, value)
    production = runpy.run_module("config.settings.production")
    for name in PRODUCTION_SETTINGS:
        setattr(settings, name, production[name])
    return production


def _https(client: Client, url: str, **extra: Any) -> Any:
    return client.get(url, secure=True, HTTP_HOST=HOST, **extra)


def _assert_security_headers(response: Any) -> None:
    assert response["Content-Security-Policy"] == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_tests_run_the_production_middleware(production) -> None:
    whitenoise = "whitenoise.middleware.WhiteNoiseMiddleware"
    assert [m for m in production["MIDDLEWARE"] if m != whitenoise] == django_settings.MIDDLEWARE


def test_a_logged_in_page_has_the_security_headers(cast, production) -> None:
    client = cast.client_for("admin")
    response = _https(client, reverse("organizations:users"))
    assert response.status_code == 200
    _assert_security_headers(response)


def test_the_login_page_has_the_security_headers_and_secure_cookies(cast, production) -> None:
    client = Client()
    page = _https(client, reverse("login"))
    assert page.status_code == 200
    _assert_security_headers(page)
    response = client.post(
        reverse("login"),
        {"username": "a-admin", "password": "pw-Kaoping-2026"},
        secure=True,
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_an_api_answer_has_the_security_headers(cast, production) -> None:
    client = cast.client_for("admin")
    response = _https(client, reverse("me-list"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    _assert_security_headers(response)


def test_production_serves_the_api_as_json_only(production) -> None:
    # DRF reads its renderers when the views are defined, so this is checked on the settings
    # rather than on an answer: no browsable HTML pages (they have inline styles).
    renderers = production["REST_FRAMEWORK"]["DEFAULT_RENDERER_CLASSES"]
    assert renderers == ["rest_framework.renderers.JSONRenderer"]


def test_plain_http_is_sent_to_https_except_the_health_check(db, production) -> None:
    client = Client()
    response = client.get(reverse("login"), HTTP_HOST=HOST)
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}{reverse('login')}"
    assert client.get(reverse("healthz"), HTTP_HOST=HOST).status_code == 200


def test_swagger_ui_needs_no_exception(cast, production) -> None:
    client = cast.client_for("admin")
    page = _https(client, reverse("swagger-ui"))
    html = page.content.decode()
    assert page["Content-Security-Policy"] == POLICY
    assert "<style" not in html and "<script>" not in html
    script = _https(client, reverse("swagger-ui") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")


def test_an_exception_adds_to_the_policy_for_its_path_only(settings) -> None:
    settings.KAOPING_CSP_EXCEPTIONS = {"/api/docs/": {"style-src": ["'unsafe-inline'"]}}
    assert "style-src 'self' 'unsafe-inline';" in csp_for_path("/api/docs/")
    assert csp_for_path("/api/users/") == POLICY


# Templates the policy would refuse -------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Rendered to PDF by WeasyPrint, never served as a page.
PDF_TEMPLATES = {"reports/pdf", "residents/print_cards.html", "residents/print_poster.html"}
REFUSED = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "inline style": re.compile(r"<style\b|\bstyle=\""),
    "event handler attribute": re.compile(r"\son[a-z]+=\""),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _served(path: Path) -> bool:
    name = path.relative_to(TEMPLATES).as_posix()
    return not any(name == pdf or name.startswith(pdf + "/") for pdf in PDF_TEMPLATES)


def test_no_served_template_has_inline_script_or_style() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if _served(path)
        for what, pattern in REFUSED.items()
        if pattern.search(re.sub(r"{#.*?#}", "", path.read_text()))
    ]
    assert not found


def test_a_refused_csrf_token_gets_the_apps_own_page(db) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html and "<style" not in html
