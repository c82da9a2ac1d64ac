"""Browser journeys: Playwright driving Debian's Chromium against Django's live server.

Chromium is taken from KAOPING_CHROMIUM or /usr/bin/chromium (the `chromium` package); no
browser is downloaded. Without it the journeys skip with the reason, except in CI
(KAOPING_REQUIRE_SERVICES=1), where they fail.
"""

from __future__ import annotations

import io
import os
import re
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


class _SerialWSGIServer:
    """Built on first use (Django must be set up): a live server that answers one request
    at a time."""

    def __new__(cls, *args: Any, connections_override: Any = None, **kwargs: Any) -> Any:
        from django.core.servers.basehttp import WSGIServer

        return WSGIServer(*args, **kwargs)


@pytest.fixture(scope="session")
def _one_request_at_a_time() -> Iterator[None]:
    """On SQLite the live server shares the test's in-memory database connection, and two
    requests at once (the scoring grid saves cells while the previous save is under way)
    would use it from two threads: there the server answers one request at a time. On
    PostgreSQL each request has its own connection and the server stays threaded."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return
    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = _SerialWSGIServer  # type: ignore[assignment]
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(scope="session")
def live_server(_one_request_at_a_time: None, live_server: Any) -> Any:
    return live_server


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
        # Intercept file choosers from the start: Playwright turns interception on without
        # waiting for the browser, so turning it on at the first upload would race the
        # key press that opens the chooser.
        page.on("filechooser", lambda chooser: None)
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


def shot(page: Any, name: str, part: Any = None, *, whole: bool = True) -> None:
    """Keep a screenshot of a key screen under var/screenshots/: the whole page, only
    ``part`` of it (a locator), or (``whole=False``) what the window shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENSHOTS / f"{name}.png")
    if part is not None:
        part.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=whole)


# The page, or a box inside it (a table wrapper, a pre), that scrolls sideways: at 375 px a
# table that has to be swiped is as bad as a page that does.
_SIDEWAYS = """() => {
  const out = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) out.push(`the page (${root.scrollWidth}px)`);
  for (const el of document.body.querySelectorAll("*")) {
    const x = getComputedStyle(el).overflowX;
    if ((x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      const what = el.id ? `#${el.id}` : el.className ? `.${String(el.className).split(" ").join(".")}` : "";
      out.push(`${el.tagName.toLowerCase()}${what} in ${el.closest("section[id]")?.id || "page"} (${el.scrollWidth}px)`);
    }
  }
  return out;
}"""


def scrolling_sideways(page: Any) -> list[str]:
    """What scrolls horizontally on the page: empty when nothing does."""
    return list(page.evaluate(_SIDEWAYS))


def no_horizontal_scroll(page: Any) -> bool:
    return not scrolling_sideways(page)


# Visible form controls and buttons with no accessible name: no <label>, aria-label,
# aria-labelledby or (for buttons) text. Radio buttons count when their label wraps them.
_UNLABELLED = """() => {
  const named = (el) => {
    if (el.labels && [...el.labels].some((l) => l.innerText.trim())) return true;
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    const by = el.getAttribute("aria-labelledby");
    if (by && by.split(/\\s+/).some((id) => (document.getElementById(id)?.innerText || "").trim())) return true;
    if (el.tagName === "BUTTON" || el.type === "submit" || el.type === "button") {
      return Boolean((el.innerText || el.value || el.title || "").trim());
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll("input, select, textarea, button")) {
    if (el.type === "hidden" || el.closest("[hidden]")) continue;
    if (el.hasAttribute("hidden") && el.type === "file") continue;
    if (!named(el)) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""


def unlabelled_controls(page: Any) -> list[str]:
    """Form controls and buttons on the page that a screen reader could not name."""
    return list(page.evaluate(_UNLABELLED))


# Visible controls taken out of the Tab order, and elements that act on a click (htmx,
# Bootstrap toggles, onclick) but cannot take the focus.
_KEYBOARD = """() => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const native = "a[href], button, input, select, textarea, summary";
  const out = [];
  for (const el of document.querySelectorAll(native)) {
    if (el.type === "hidden" || el.disabled || !shown(el)) continue;
    if (el.tabIndex < 0) out.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll("[onclick], [data-bs-toggle], [hx-get], [hx-post]")) {
    if (el.matches(native) || el.matches("form") || !shown(el)) continue;
    const trigger = el.getAttribute("hx-trigger") || "";
    if ((el.hasAttribute("hx-get") || el.hasAttribute("hx-post")) && trigger && !/click/.test(trigger)) continue;
    if (el.tabIndex < 0) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""


def keyboard_unreachable(page: Any) -> list[str]:
    """What a mouse can use on the page and the keyboard cannot reach."""
    return list(page.evaluate(_KEYBOARD))


def check_page(page: Any, lang: str, data: tuple[str, ...], *, phone: bool = False) -> None:
    """What every page of a journey holds to: labelled controls, all of them within keyboard
    reach, no text in the other language, and on a phone nothing that scrolls sideways."""
    problems = {
        "controls without a label": unlabelled_controls(page),
        "out of keyboard reach": keyboard_unreachable(page),
        f"text not in {lang}": untranslated(page, lang, data),
    }
    if phone:
        problems["scrolling sideways at 375 px"] = scrolling_sideways(page)
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, f"{page.url}: {problems}"


# Deliberate Chinese in the English interface: the field's term after its English name,
# as in "Vetoed (一票否决)", the warnings' and heat map's Chinese titles and the switch to
# Chinese.
_GLOSS = re.compile(r"(?<=[A-Za-z0-9)]) ?[(（][^()（）]*[\u3400-\u9fff][^()（）]*[)）]")
GLOSSES = ("社区治理热力图", "三色预警", "中文")
_URL = re.compile(r"https?://\S+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']{3,}")


def untranslated(page: Any, lang: str, data: tuple[str, ...] = ()) -> list[str]:
    """Text in the other language on the page (visible text, titles, placeholders, aria
    labels): Chinese in the English interface, English words in the Chinese one. ``data``
    names what users typed or configured (communities, people, indicators, notes), which
    stays as it was entered."""
    text = page.evaluate(
        """() => [document.title, document.body.innerText,
          ...[...document.querySelectorAll("[title], [placeholder], [aria-label]")].map(
            (el) => [el.title, el.placeholder, el.getAttribute("aria-label")].join(" "))].join("\\n")"""
    )
    text = _URL.sub("…", text)  # links, such as a campaign's open rating link
    for known in sorted((*data, *GLOSSES), key=len, reverse=True):
        text = text.replace(known, "…")
    if lang.startswith("zh"):
        found = [m for m in _LATIN_WORD.finditer(text) if m.group() not in LATIN_IN_CHINESE]
    else:
        text = _GLOSS.sub("", text)
        found = list(_HAN.finditer(text))
    # Each with a little of what surrounds it, to find it on the page.
    return sorted({text[max(m.start() - 12, 0) : m.end() + 12].strip() for m in found})


# Latin words the Chinese interface uses as they are.
LATIN_IN_CHINESE = ("Excel", "Kaoping", "English", "PDF")


def quiet(page: Any) -> None:
    """Wait until the page has no request in flight (htmx, the scoring grid's saves). On
    SQLite the live server shares the test's database connection: the test reads the
    database only while the page is quiet."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, [data-busy]')", polling=50
    )


def tab_to(page: Any, target: Any, *, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would; fails when it
    cannot be reached that way."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"not reachable with Tab: {target}")


def type_into(page: Any, field: Any, text: str) -> None:
    """Reach ``field`` with Tab and type ``text`` over what it holds."""
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_with_keys(page: Any, select: Any, value: str) -> None:
    """Reach a <select> with Tab and move to the option ``value`` with the arrow keys."""
    tab_to(page, select)
    count = select.locator("option").count()
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(count):
            if select.input_value() == value:
                return
            page.keyboard.press(key)
    assert select.input_value() == value, f"option {value} cannot be chosen with the keys"


def photo() -> bytes:
    """A small real PNG: the "photo" the journeys attach."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (46, 125, 50)).save(buffer, format="PNG")
    return buffer.getvalue()


def attach_with_keys(page: Any, picker: Any, name: str, data: bytes | None = None) -> None:
    """Reach a file input with Tab, open its chooser with the space bar, pick a file."""
    tab_to(page, picker)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    mime = "image/png" if name.endswith(".png") else "application/pdf"
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data or photo()}])


def names_of(tenant: Any, *extra: str) -> tuple[str, ...]:
    """What the tenant's users typed or configured, which the pages show as entered: the
    names of its units, people, schemes and their parts, cycles, and ``extra`` texts."""
    from assessments.models import Cycle
    from indicators.models import (
        AdjustmentItem,
        Category,
        Indicator,
        Level,
        RaterGroup,
        Scheme,
        VetoItem,
    )
    from organizations.models import OrgUnit, User
    from organizations.rls import tenant_context

    with tenant_context(tenant.pk):
        names = [str(tenant.name), *extra]
        for model, fields in [
            (OrgUnit, ["name"]), (User, ["full_name", "username"]), (Cycle, ["name"]),
            (Scheme, ["name", "code", "description"]), (Category, ["name", "code"]),
            (RaterGroup, ["name", "code"]), (Indicator, ["name", "code", "description", "unit"]),
            (Level, ["label", "description"]), (AdjustmentItem, ["name", "code", "description"]),
            (VetoItem, ["name", "code", "description"]),
        ]:  # fmt: skip
            for row in model.objects.values_list(*fields):
                names += [v for v in row if v]
    return tuple(names)


def pick_radio_with_keys(page: Any, radio: Any, *, limit: int = 80) -> None:
    """Reach ``radio``'s group with Tab and move to it with the arrow keys."""
    name = radio.get_attribute("name")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(n) => document.activeElement.name === n", name):
            break
    else:
        raise AssertionError(f"the radio group {name} is not reachable with Tab")
    page.keyboard.press("Space")  # the group's first radio, when none was checked
    for _ in range(page.locator(f"input[type=radio][name='{name}']").count()):
        if radio.is_checked():
            return
        page.keyboard.press("ArrowDown")
    assert radio.is_checked(), f"{radio} cannot be chosen with the arrow keys"
