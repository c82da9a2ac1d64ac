"""Journey 1, the tenant admin: starts a scheme from the 基础/发展/特色 template, enters
weights that do not sum to 100 and sees the error in place, fixes them and publishes."""

from __future__ import annotations

import re

import pytest

from indicators.models import Category, Scheme
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUM_ERROR = {
    "zh-CN": re.compile(r"类别权重.*100"),
    "en": re.compile(r"Category weights must add up to 100%; they add up to 110%"),
}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_admin_builds_a_scheme_from_a_template_and_publishes_it(
    cast, as_tenant, open_page, lang
) -> None:
    page = open_page(cast.admin, lang=lang)
    page.goto("/schemes/new/")
    page.locator("input[name=template][value='jichu-fazhan-tese']").check()
    page.locator("input[name=code]").fill("jfte-2027")
    page.locator("input[name=name]").fill("2027年社区书记考核方案")
    page.locator("input[name=year]").fill("2027")
    with page.expect_navigation():
        page.locator("form button[type=submit].btn-primary").click()
    assert re.search(r"/schemes/\d+/$", page.url), page.url
    with as_tenant(cast.tenant_a):
        scheme = Scheme.objects.get(code="jfte-2027")
        first = Category.objects.filter(scheme=scheme).order_by("order", "pk").first()
        assert first is not None and first.weight == 40

    # 基础 40 → 50: the sum shows 110 % as it is typed, and saving shows the error next to
    # the table; nothing is saved.
    weight = page.locator("#category-weights tbody input").first
    weight.fill("50")
    weight.press("Tab")
    assert page.locator("output[data-weight-sum=categories]").inner_text().strip() == "110%"
    page.locator("form[data-weights-form] button[type=submit]").click()
    error = page.locator("#category-sum-error")
    error.wait_for()
    assert SUM_ERROR[lang].search(error.inner_text())
    shot(page, f"admin-weights-error-{lang}")
    with as_tenant(cast.tenant_a):
        first.refresh_from_db()
        assert first.weight == 40

    # Back to 40: saved; then published after the confirmation page.
    page.locator("#category-weights tbody input").first.fill("40")
    with page.expect_navigation():
        page.locator("form[data-weights-form] button[type=submit]").click()
    assert page.locator("#category-sum-error").count() == 0
    page.locator(f"a[href='/schemes/{scheme.pk}/publish/']").click()
    page.wait_for_url(re.compile(rf"/schemes/{scheme.pk}/publish/$"))
    with page.expect_navigation():
        page.locator("form button.btn-success[type=submit]").click()
    shot(page, f"admin-published-{lang}")
    with as_tenant(cast.tenant_a):
        scheme.refresh_from_db()
        assert scheme.state == "published"
