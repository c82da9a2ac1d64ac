"""Browser journeys: Playwright driving Debian's Chromium against Django's live server.

Chromium is taken from KAOPING_CHROMIUM or /usr/bin/chromium (the `chromium` package); no
browser is downloaded. Without it the journeys skip with the reason, except in CI
(KAOPING_REQUIRE_SERVICES=1), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make
# between steps are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KAOPING_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "pw-Kaoping-2026"  # tests.factories.UserFactory


def chromium_missing() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    return f"needs Chromium: install the Debian package chromium ({CHROMIUM} is missing)"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """``open_page(user, lang="zh-CN", viewport=DESKTOP)``: a page logged in through the
    login form (or anonymous with user None), reading the app in that language."""
    contexts: list[Any] = []
    refused: list[str] = []

    def make(user: Any = None, *, lang: str = "zh-CN", viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(
            base_url=live_server.url, locale=lang, viewport=viewport,
            extra_http_headers={"Accept-Language": lang},
        )  # fmt: skip
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        # The tests run under the production Content-Security-Policy: an inline script or
        # style the policy refuses is logged by Chromium and fails the test below.
        page.on("console", lambda message: _note_refusal(refused, page, message))
        if user is not None:
            page.goto("/login/")
            page.locator("input[name=username]").fill(user.username)
            page.locator("input[name=password]").fill(PASSWORD)
            with page.expect_navigation():
                page.locator("input[name=password]").press("Enter")
            assert "/login/" not in page.url, f"{user.username} could not log in"
        return page

    yield make
    for context in contexts:
        context.close()
    assert not refused, "Content-Security-Policy refusals:\n" + "\n".join(refused)


def _note_refusal(refused: list[str], page: Any, message: Any) -> None:
    if "Content Security Policy" in message.text:
        refused.append(f"{page.url}: {message.text}")


def shot(page: Any, name: str) -> None:
    """Keep a screenshot of a key screen under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )
