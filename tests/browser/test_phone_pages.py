"""Every page a secretary can reach, on a phone (375 px), in zh-Hans and in English:
followed link by link from the home page, each answers, has labelled controls within
keyboard reach, is all in the reader's language, and nothing on it scrolls sideways. (The
resident's pages are all in journey 4.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Assessment
from organizations.selectors import actor_for_user
from residents import services as rating_services
from tests.assessments.workflow import scored_quarter
from tests.browser.conftest import PHONE, check_page, names_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not pages: the API, the Django admin, the language switch, logging out, the residents'
# rating pages (journey 4), and downloads (PDFs, evidence, exports).
SKIP_PREFIXES = ("/api/", "/admin/", "/i18n/", "/logout/", "/r/", "/reports/scorecards/")
SKIP_SUFFIXES = (".pdf", "/evidence/", "/export/")
PROBLEM = "楼道杂物堆放"


def links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map((e) => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        href = href.split("#")[0]
        if not href.startswith("/") or href.startswith(SKIP_PREFIXES) or "page=" in href:
            continue
        if not href.endswith(SKIP_SUFFIXES) and "/evidence/" not in href:
            found.append(href)
    return found


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_a_secretary_reaches_works_on_a_phone(cast, as_tenant, open_page, lang):
    with as_tenant(cast.tenant_a):
        quarter = scored_quarter(cast)
        a11 = quarter["a11"]
        Assessment.objects.filter(pk=a11.pk).update(
            state="published", appeal_deadline=timezone.localdate() + dt.timedelta(days=5)
        )
        assessor = actor_for_user(cast.assessor)
        services.rectification_raise(
            actor=assessor, community=cast.community_a11, assessment=a11, title=PROBLEM,
            owner=cast.secretary, deadline=timezone.localdate() + dt.timedelta(days=10),
        )  # fmt: skip
        rating_services.campaign_create(
            actor=assessor, cycle=quarter["cycle"], community=cast.community_a11,
            closes_on=timezone.localdate() + dt.timedelta(days=30),
        )  # fmt: skip
    data = names_of(cast.tenant_a, PROBLEM)

    page = open_page(cast.secretary, lang=lang, viewport=PHONE)
    seen: list[str] = []
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response}"
        check_page(page, lang, data, phone=True)
        queue += [href for href in links(page) if href not in seen]
    # The crawl reached the secretary's own pages, not just the menu.
    for expected in (
        f"/assessments/{a11.pk}/", f"/assessments/{a11.pk}/appeal/",
        f"/assessments/{a11.pk}/self-evaluation/", "/assessments/rectifications/",
        "/talks/mine/", "/notifications/settings/",
    ):  # fmt: skip
        assert expected in seen, f"{expected} was not reached from the home page"
    assert len(seen) >= 20
