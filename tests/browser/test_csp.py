"""Every kind of page under the production Content-Security-Policy, in Chromium: nothing is
refused (no inline script or style is left), charts draw and show their tooltips, htmx
polls and swaps, Swagger UI starts. ``open_page`` fails a test on any refusal Chromium logs;
the first test proves that such a refusal is seen at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from assessments.models import JobProgress
from interviews.models import Talk
from residents.printing import campaign_poster_token
from tests.browser.conftest import DESKTOP, PHONE
from tests.populate import populate_tenant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "?start=2026-01-01&end=2026-12-31"


def test_a_refused_inline_style_is_seen(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    page.goto("/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b style=\"color: red\">x</b>')")
    page.wait_for_timeout(100)
    context.close()
    assert any("Content Security Policy" in text for text in seen), seen


def _world(cast: Any, as_tenant: Any) -> dict[str, Any]:
    rows = populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)
    with as_tenant(cast.tenant_a):
        # An answered talk, so that the feedback-time chart has something to draw.
        Talk.objects.filter(pk=rows["talk"].pk).update(
            feedback="已反馈", feedback_on=dt.date(2026, 7, 15)
        )
        rows["poster"] = campaign_poster_token(rows["campaign"])
        JobProgress.objects.filter(pk=rows["job"].pk).update(total=4, done=1)
    return rows


def _hover_charts(page: Any) -> None:
    """Move over every chart: ECharts draws its tooltip then (as rich text, in the canvas)."""
    for chart in page.locator("canvas").all():
        box = chart.bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(150)


def test_the_admins_pages_run_under_the_policy(cast, as_tenant, open_page) -> None:
    w = _world(cast, as_tenant)
    a, cycle = w["assessment"], w["cycle"]
    page = open_page(cast.admin, viewport=DESKTOP)
    pages = [
        "/", "/org/", "/org/users/", f"/org/users/{cast.assessor.pk}/",
        "/schemes/", f"/schemes/{w['scheme'].pk}/", "/assessments/",
        f"/assessments/{a.pk}/", f"/assessments/{a.pk}/grid/", "/assessments/rectifications/",
        f"/assessments/rectifications/{w['rectification'].pk}/", "/assessments/cycles/",
        "/talks/", f"/talks/{w['talk'].pk}/", f"/talks/latency/{YEAR}", f"/talks/themes/{YEAR}",
        "/warnings/", f"/warnings/{w['alert'].pk}/", "/warnings/dashboard/",
        "/warnings/heat-map/", "/notifications/", "/residents/",
        f"/residents/{w['campaign'].pk}/", f"/residents/{w['campaign'].pk}/suggestions/", "/residents/paradox/", "/reports/",
        f"/reports/batches/{w['report_batch'].pk}/", "/api/docs/", "/admin/",
        "/admin/organizations/orgunit/", f"/admin/organizations/orgunit/{cast.community_a11.pk}/change/",
    ]  # fmt: skip
    # Not /api/ itself: DRF's browsable API has inline styles, and production serves the API
    # as JSON only (config/settings/production.py).
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.status < 400, (path, response and response.status)
        # Until htmx has nothing in flight (the scheme preview loads itself, the bell counts).
        page.wait_for_function("() => !document.querySelector('.htmx-request')", polling=50)
        if any(chart in path for chart in ("latency", "themes", "dashboard")):
            assert page.locator("canvas").count(), f"no chart was drawn on {path}"
        _hover_charts(page)
    # Swagger UI started (its start-up script is a file, not inline).
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    # The cycle's opening progress polls every second with htmx; the bar gets its width.
    page.goto(reverse("assessments:cycle_opening", args=[cycle.pk]))
    bar = page.locator("#job-status .progress-bar")
    bar.wait_for()
    page.wait_for_timeout(1500)  # at least one htmx swap
    assert bar.evaluate("el => el.style.width") == "25%"
    # The confirmation before deactivating a user comes from a data attribute, not onclick.
    page.goto(f"/org/users/{cast.assessor.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("[data-kp-confirm]").click()
    assert page.url.endswith(f"/org/users/{cast.assessor.pk}/")


def test_the_secretary_and_a_resident_run_under_the_policy(cast, as_tenant, open_page) -> None:
    w = _world(cast, as_tenant)
    page = open_page(cast.secretary, viewport=PHONE)
    for path in ["/", f"/assessments/{w['assessment'].pk}/", "/talks/mine/", "/assessments/rectifications/"]:  # fmt: skip
        assert page.goto(path).status < 400, path
    resident = open_page(None, viewport=PHONE)
    resident.goto(reverse("rate_open", args=[w["poster"]]))
    # The rating page's own stylesheet applies: large touch targets.
    label = resident.locator(".opts label").first
    assert label.evaluate("el => getComputedStyle(el).minHeight") == "48px"
