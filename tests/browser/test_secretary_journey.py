"""Journey 3, the secretary on a phone (375 px): reads the scorecard, opens where a number
comes from, tries the what-if panel and files an appeal, in zh-Hans and in English."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.utils import timezone

from assessments.models import Appeal, Assessment, ScoreEntry
from indicators.models import Indicator
from tests.assessments.workflow import scored_quarter
from tests.browser.conftest import PHONE, no_horizontal_scroll, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "zh-CN": {
        "explain": "得分来源",
        "calculate": "测算",
        "appeal": "对评分提出申诉",
        "file": "提交申诉",
    },
    "en": {
        "explain": "Where the numbers come from",
        "calculate": "Calculate",
        "appeal": "Appeal a score",
        "file": "File the appeal",
    },
}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_secretary_reads_explores_and_appeals_on_a_phone(
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

    page = open_page(cast.secretary, lang=lang, viewport=PHONE)
    page.goto(f"/assessments/{a11.pk}/")
    assert page.locator("[data-total]").inner_text().strip() == f"{stored}"
    assert no_horizontal_scroll(page), "the scorecard scrolls sideways at 375 px"
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
    field = page.locator(f"#what-if input[name='v_{i1.pk}']")
    field.fill("0")
    page.get_by_role("button", name=text["calculate"]).click()
    result = page.locator("[data-what-if-total]")
    result.wait_for()
    assert D(result.inner_text().strip()) < stored
    shot(page, f"secretary-what-if-{lang}")

    # The appeal: pick the indicator, say why, file it; it shows on the scorecard.
    page.get_by_role("link", name=re.compile(text["appeal"])).click()
    page.locator("select[name=indicator]").select_option(str(i1.pk))
    page.locator("textarea[name=reason]").fill("专家评分与台账记录不符")
    page.get_by_role("button", name=text["file"]).click()
    page.wait_for_url(re.compile(rf"/assessments/{a11.pk}/$"))
    assert "专家评分与台账记录不符" in page.content()
    assert no_horizontal_scroll(page)

    with as_tenant(cast.tenant_a):
        assert Appeal.objects.filter(assessment=a11, indicator=i1).count() == 1
        after = sorted(ScoreEntry.objects.filter(assessment=a11).values_list("pk", "value"))
        assert after == entries_before
