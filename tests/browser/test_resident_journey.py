"""Journey 4, a resident on a phone (375 px): scans a household card, rates with the
keyboard alone, is thanked; the same card opened again says it has been used; the
community's open poster link shows the same questions. In zh-Hans and in English; no page
scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from organizations.selectors import actor_for_user
from residents import services
from residents.models import Answer, Response, UsedCard
from residents.printing import campaign_poster_token, card_tokens
from tests.assessments.workflow import open_quarter, published_scheme
from tests.browser.conftest import (
    PHONE,
    check_page,
    names_of,
    shot,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "zh-CN": {
        "title": "甲一一社区",
        "first_question": "服务态度",
        "submit": "提交",
        "thanks": "感谢您的参与",
        "used": "已使用过",
        "open_link": "开放链接",
    },
    "en": {
        "title": "Rate the service of 甲一一社区",
        "first_question": "Service attitude",
        "submit": "Submit",
        "thanks": "Thank you!",
        "used": "already been used",
        "open_link": "Open link",
    },
}
SUGGESTION = "楼道灯坏了三个月，请尽快维修"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_resident_rates_once_with_a_household_card(cast, as_tenant, open_page, lang) -> None:
    text = TEXT[lang]
    assessor = actor_for_user(cast.assessor)
    with as_tenant(cast.tenant_a):
        cycle, _assessments = open_quarter(cast, published_scheme(cast))
        soon = timezone.localdate() + dt.timedelta(days=30)
        campaign = services.campaign_create(
            actor=assessor, cycle=cycle, community=cast.community_a11, closes_on=soon
        )
        batch = services.card_batch_create(
            actor=assessor, campaign=campaign, count=2, expires_on=soon
        )
        token = card_tokens(batch)[0][1]
        poster = campaign_poster_token(campaign)
    data = names_of(cast.tenant_a, SUGGESTION)

    page = open_page(None, lang=lang, viewport=PHONE)
    page.goto(f"/r/c/{token}/")
    assert text["title"] in page.locator("h1").inner_text()
    assert page.locator("legend").first.inner_text() == text["first_question"]
    check_page(page, lang, data, phone=True)
    shot(page, f"resident-rate-{lang}")

    # With the keyboard: each question's group is one Tab stop; the space bar takes its
    # first answer (5, very satisfied) and the down arrow the next one (4).
    groups = page.locator("fieldset .opts")
    for n in range(groups.count()):
        tab_to(page, groups.nth(n).locator("input").first)
        page.keyboard.press("Space")
        if n % 2:
            page.keyboard.press("ArrowDown")
    tab_to(page, page.locator("textarea[name=suggestion]"))
    page.keyboard.type(SUGGESTION)
    tab_to(page, page.get_by_role("button", name=text["submit"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert text["thanks"] in page.locator("[role=status]").inner_text()
    check_page(page, lang, data, phone=True)
    shot(page, f"resident-thanks-{lang}")

    # The same card again: it has been used, and says so.
    response = page.goto(f"/r/c/{token}/")
    assert response is not None and response.status == 409
    assert text["used"] in page.locator("[role=alert]").inner_text()
    assert page.locator("form").count() == 0
    check_page(page, lang, data, phone=True)
    shot(page, f"resident-used-{lang}")

    # The community's poster link opens the same questions, marked as the open link.
    page.goto(f"/r/o/{poster}/")
    assert text["open_link"] in page.locator(".note").first.inner_text()
    assert page.locator("fieldset .opts").count() == 5
    check_page(page, lang, data, phone=True)

    with as_tenant(cast.tenant_a):
        assert Response.objects.count() == 1 and UsedCard.objects.count() == 1
        assert sorted(Answer.objects.values_list("score", flat=True)) == [4, 4, 5, 5, 5]
        assert Response.objects.get().suggestion == SUGGESTION
