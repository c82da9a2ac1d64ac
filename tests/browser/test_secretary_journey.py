"""Journey 3, the secretary on a phone (375 px): reads the scorecard, opens where a number
comes from, tries the what-if panel, files an appeal and marks a rectification done with a
photo, in zh-Hans and in English. Every page fits the phone's width, every form is filled
with the keyboard alone, and no page shows text in the other language."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Appeal, Assessment, Rectification, ScoreEntry
from indicators.models import Indicator
from organizations.selectors import actor_for_user
from tests.assessments.workflow import scored_quarter
from tests.browser.conftest import (
    PHONE,
    attach_with_keys,
    check_page,
    choose_with_keys,
    names_of,
    quiet,
    shot,
    tab_to,
    type_into,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "zh-CN": {
        "explain": "得分来源",
        "calculate": "测算",
        "appeal": "对评分提出申诉",
        "file": "提交申诉",
        "rectifications": "问题清单",
        "done": "标记完成",
        "done_status": "已标记完成",
    },
    "en": {
        "explain": "Where the numbers come from",
        "calculate": "Calculate",
        "appeal": "Appeal a score",
        "file": "File the appeal",
        "rectifications": "Rectifications",
        "done": "Mark done",
        "done_status": "Marked done",
    },
}
REASON = "专家评分与台账记录不符"
PROBLEM = "楼道杂物堆放"
DONE_NOTE = "已清理三栋楼道杂物，并张贴提示"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_secretary_reads_explores_appeals_and_rectifies_on_a_phone(
    cast, as_tenant, open_page, lang
) -> None:
    text = TEXT[lang]
    with as_tenant(cast.tenant_a):
        a11 = scored_quarter(cast)["a11"]
        Assessment.objects.filter(pk=a11.pk).update(
            state="published", appeal_deadline=timezone.localdate() + dt.timedelta(days=5)
        )
        stored = a11.result.total
        i1 = Indicator.objects.get(scheme=a11.scheme, code="i1")
        entries_before = sorted(
            ScoreEntry.objects.filter(assessment=a11).values_list("pk", "value")
        )
        item = services.rectification_raise(
            actor=actor_for_user(cast.assessor), community=cast.community_a11, assessment=a11,
            title=PROBLEM, description="三栋楼道堆放杂物，存在消防隐患",
            owner=cast.secretary, deadline=timezone.localdate() + dt.timedelta(days=10),
        )  # fmt: skip
    data = names_of(cast.tenant_a, REASON, PROBLEM, DONE_NOTE, "三栋楼道堆放杂物，存在消防隐患")

    page = open_page(cast.secretary, lang=lang, viewport=PHONE)
    check_page(page, lang, data, phone=True)
    page.goto(f"/assessments/{a11.pk}/")
    assert page.locator("[data-total]").inner_text().strip() == f"{stored}"
    check_page(page, lang, data, phone=True)
    shot(page, f"secretary-scorecard-{lang}")

    # Where a number comes from: the total opens to its categories, a category to its
    # indicators, down to the rater groups; no individual rater is shown.
    explanation = page.locator("#explanation")
    assert text["explain"] in explanation.inner_text()
    first_category = explanation.locator("details details").first
    first_category.locator("summary").first.click()
    assert first_category.get_attribute("open") is not None
    assert "second-expert" not in page.content()

    # What if i1 were 0 everywhere: the total drops at once; nothing is saved.
    type_into(page, page.locator(f"#what-if input[name='v_{i1.pk}']"), "0")
    tab_to(page, page.get_by_role("button", name=text["calculate"]))
    page.keyboard.press("Enter")
    result = page.locator("[data-what-if-total]")
    result.wait_for()
    assert D(result.inner_text().strip()) < stored
    check_page(page, lang, data, phone=True)
    shot(page, f"secretary-what-if-{lang}", page.locator("#what-if"))

    # The appeal, with the keyboard: pick the indicator, say why, file it; it shows on the
    # scorecard.
    page.get_by_role("link", name=re.compile(text["appeal"])).click()
    page.wait_for_url(re.compile(r"/appeal/$"))
    check_page(page, lang, data, phone=True)
    choose_with_keys(page, page.locator("select[name=indicator]"), str(i1.pk))
    type_into(page, page.locator("textarea[name=reason]"), REASON)
    tab_to(page, page.get_by_role("button", name=text["file"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(rf"/assessments/{a11.pk}/$", page.url), page.url
    assert REASON in page.locator("#appeals").inner_text()
    check_page(page, lang, data, phone=True)

    # The rectification: from the menu to the list, to the item; marked done with a note
    # and a photo, typed and attached with the keyboard.
    page.get_by_role("button", name=re.compile("导航|navigation")).click()
    page.get_by_role("link", name=text["rectifications"]).click()
    page.wait_for_url(re.compile(r"/assessments/rectifications/$"))
    check_page(page, lang, data, phone=True)
    page.get_by_role("link", name=PROBLEM).click()
    page.wait_for_url(re.compile(rf"/rectifications/{item.pk}/$"))
    check_page(page, lang, data, phone=True)
    type_into(page, page.locator("textarea[name=note]"), DONE_NOTE)
    attach_with_keys(page, page.locator("input[name=evidence]"), "zhenggai.png")
    tab_to(page, page.locator("#done-title ~ form button[type=submit]"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1 ~ .badge").first.inner_text() == text["done_status"]
    assert DONE_NOTE in page.content()
    evidence = page.locator(f"a[href='/assessments/rectifications/{item.pk}/evidence/']")
    assert evidence.count() == 1
    check_page(page, lang, data, phone=True)
    shot(page, f"secretary-rectification-done-{lang}")

    quiet(page)
    with as_tenant(cast.tenant_a):
        assert Appeal.objects.filter(assessment=a11, indicator=i1).count() == 1
        after = sorted(ScoreEntry.objects.filter(assessment=a11).values_list("pk", "value"))
        assert after == entries_before
        item = Rectification.objects.get(pk=item.pk)
        assert item.status == Rectification.Status.DONE and item.done_note == DONE_NOTE
        assert item.evidence.read() == page.request.get(evidence.get_attribute("href")).body()
