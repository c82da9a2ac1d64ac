"""Journey 1, the tenant admin: starts a scheme from the 基础/发展/特色 template, enters
weights that do not sum to 100 and sees the error in place, fixes them, publishes, and sets
a warning threshold; every form with the keyboard alone, in zh-Hans and in English."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from alerts.models import ThresholdSet
from indicators.models import Category, Scheme
from indicators.templates import TEMPLATES
from tests.browser.conftest import (
    check_page,
    names_of,
    pick_radio_with_keys,
    quiet,
    shot,
    tab_to,
    type_into,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "zh-CN": {
        "sum_error": re.compile(r"类别权重.*100"),
        "create": "创建草稿",
        "save_weights": "保存权重",
        "publish": "发布",
        "warnings": "三色预警",
        "thresholds": "阈值",
        "satisfaction": "群众满意度下限（百分比）",
        "save": "保存",
        "saved": "阈值已保存，下次评估时生效",
    },
    "en": {
        "sum_error": re.compile(r"Category weights must add up to 100%; they add up to 110%"),
        "create": "Create draft",
        "save_weights": "Save weights",
        "publish": "Publish",
        "warnings": "Warnings",
        "thresholds": "Thresholds",
        "satisfaction": "Minimum resident satisfaction, in per cent",
        "save": "Save",
        "saved": "The thresholds were saved",
    },
}
SCHEME_NAME = "2027年社区书记考核方案"
# The built-in templates are Chinese schemes from the field, offered by their own names.
TEMPLATE_NAMES = tuple(
    str(part) for name, d in TEMPLATES.items()
    for part in (d["scheme"]["name"], *(c["name"] for c in d["categories"]))
)  # fmt: skip


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_admin_builds_a_scheme_publishes_it_and_sets_a_threshold(
    cast, as_tenant, open_page, lang
) -> None:
    text = TEXT[lang]
    page = open_page(cast.admin, lang=lang)
    page.goto("/schemes/new/")
    check_page(page, lang, names_of(cast.tenant_a, *TEMPLATE_NAMES))
    pick_radio_with_keys(page, page.locator("input[name=template][value='jichu-fazhan-tese']"))
    type_into(page, page.locator("input[name=code]"), "jfte-2027")
    type_into(page, page.locator("input[name=name]"), SCHEME_NAME)
    type_into(page, page.locator("input[name=year]"), "2027")
    tab_to(page, page.get_by_role("button", name=text["create"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/schemes/\d+/$", page.url), page.url
    quiet(page)  # the live preview loads with the page
    with as_tenant(cast.tenant_a):
        scheme = Scheme.objects.get(code="jfte-2027")
        first = Category.objects.filter(scheme=scheme).order_by("order", "pk").first()
        assert first is not None and first.weight == 40
    data = names_of(cast.tenant_a)
    check_page(page, lang, data)

    # 基础 40 → 50: the sum shows 110 % as it is typed, and saving shows the error next to
    # the table; nothing is saved.
    weight = page.locator("#category-weights tbody input").first
    type_into(page, weight, "50")
    page.keyboard.press("Tab")
    assert page.locator("output[data-weight-sum=categories]").inner_text().strip() == "110%"
    tab_to(page, page.get_by_role("button", name=text["save_weights"]))
    page.keyboard.press("Enter")
    error = page.locator("#category-sum-error")
    error.wait_for()
    assert text["sum_error"].search(error.inner_text())
    assert page.locator("#category-weights").get_attribute(
        "aria-describedby"
    ) == error.get_attribute("id")
    check_page(page, lang, data)
    shot(page, f"admin-weights-error-{lang}", page.locator("#weights"))
    quiet(page)
    with as_tenant(cast.tenant_a):
        first.refresh_from_db()
        assert first.weight == 40

    # Back to 40: saved; then published after the confirmation page.
    page.locator("#category-weights tbody input").first.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    tab_to(page, page.get_by_role("button", name=text["save_weights"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#category-sum-error").count() == 0
    page.locator(f"a[href='/schemes/{scheme.pk}/publish/']").click()
    page.wait_for_url(re.compile(rf"/schemes/{scheme.pk}/publish/$"))
    check_page(page, lang, data)
    tab_to(page, page.locator("form button.btn-success[type=submit]"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, lang, data)
    shot(page, f"admin-published-{lang}", whole=False)
    quiet(page)
    with as_tenant(cast.tenant_a):
        scheme.refresh_from_db()
        assert scheme.state == "published"

    # The warning thresholds: from the menu to the thresholds tab; residents' satisfaction
    # under 85 % (not 80 %) now raises a yellow warning.
    page.get_by_role("link", name=text["warnings"]).click()
    page.get_by_role("link", name=text["thresholds"], exact=True).click()
    page.wait_for_url(re.compile(r"/warnings/thresholds/$"))
    check_page(page, lang, data)
    type_into(page, page.get_by_label(text["satisfaction"]), "85")
    tab_to(page, page.get_by_role("button", name=text["save"], exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert text["saved"] in page.locator("[role=alert]").first.inner_text()
    assert page.get_by_label(text["satisfaction"]).input_value() == "85"
    check_page(page, lang, data)
    shot(page, f"admin-thresholds-{lang}")
    with as_tenant(cast.tenant_a):
        assert ThresholdSet.objects.get().satisfaction_min == D(85)
