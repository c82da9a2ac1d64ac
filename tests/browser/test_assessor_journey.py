"""Journey 2, the street assessor: opens the quarter, scores a community in the grid with the
keyboard alone, records a deduction with evidence, proposes a veto that a second assessor
approves, publishes, downloads the PDF scorecard and looks at the heat map; in zh-Hans and
in English."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from alerts.models import Alert
from assessments.models import AdjustmentRecord, Assessment, ScoreEntry, VetoRecord
from organizations.tenancy import Role
from tests import factories as f
from tests.assessments.workflow import open_quarter, pair, published_scheme
from tests.browser.conftest import (
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
        "assessments": "考核",
        "filter": "筛选",
        "score": "评分",
        "saved": "已保存",
        "not_saved": "未保存:",
        "record": "记录",
        "propose": "提出一票否决",
        "awaiting": "等待第二审批人批准",
        "approve": "批准一票否决",
        "review": "转入“审核”",
        "publish_step": "转入“已发布”…",
        "publish": "发布",
        "pdf": "评分表PDF",
        "grade": "不合格",
        "warnings": "三色预警",
        "red": "红色：重大风险",
    },
    "en": {
        "assessments": "Assessments",
        "filter": "Filter",
        "score": "Score",
        "saved": "Saved",
        "not_saved": "Not saved:",
        "record": "Record",
        "propose": "Propose a veto",
        "awaiting": "Awaiting a second approver.",
        "approve": "Approve the veto",
        "review": "Move to “Review”",
        "publish_step": "Move to “Published”…",
        "publish": "Publish",
        "pdf": "Scorecard PDF",
        "grade": "Fail",
        "warnings": "Warnings",
        "red": "Red: major risk",
    },
}
NOTE = "第二季度无故缺席街道例会一次"
REASON = "辖区发生重大安全责任事故"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def press_button(page, name: str) -> None:
    """Reach a button with Tab and press Enter; the page it leads to has loaded."""
    tab_to(page, page.get_by_role("button", name=name, exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_assessor_scores_vetoes_publishes_and_reports(cast, as_tenant, open_page, lang) -> None:
    text = TEXT[lang]
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        cycle, assessments = open_quarter(cast, scheme)
        a11 = assessments["a11"]
        # The experts and the secretary have scored; the street's own score is missing.
        for code in ("i1", "i2", "i3"):
            for group, rater in (("zhuanjia", cast.expert), ("ziping", cast.secretary)):
                indicator, rater_group = pair(scheme, code, group)
                ScoreEntry.objects.create(
                    tenant=cast.tenant_a, assessment=a11, indicator=indicator,
                    rater_group=rater_group, rater=rater, value=D(1) if code == "i2" else D(90),
                )  # fmt: skip
        Assessment.objects.filter(pk=a11.pk).update(state=Assessment.State.SCORING)
        second = f.UserFactory(tenant=cast.tenant_a, username="a-assessor-second")
        f.MembershipFactory(
            tenant=cast.tenant_a, user=second, role=Role.STREET_ASSESSOR, unit=cast.street_a1
        )
        zuzhi = [pair(scheme, code, "zuzhi") for code in ("i1", "i2", "i3")]
    data = names_of(cast.tenant_a, NOTE, REASON, "qianqin.pdf", "shigu.pdf")

    # The quarter: the assessments list filtered to it, with the keyboard.
    page = open_page(cast.assessor, lang=lang)
    page.locator("nav").first.get_by_role("link", name=text["assessments"], exact=True).click()
    page.wait_for_url(re.compile(r"/assessments/$"))
    check_page(page, lang, data)
    choose_with_keys(page, page.locator("#filter-cycle"), str(cycle.pk))
    tab_to(page, page.get_by_role("button", name=text["filter"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and cast.community_a11.name in rows.first.inner_text()
    rows.first.get_by_role("link", name=text["score"], exact=True).click()
    page.wait_for_url(re.compile(rf"/assessments/{a11.pk}/grid/$"))
    check_page(page, lang, data)

    # The grid with the keyboard only: type a score, Enter saves it and moves down. The
    # first save meets a server error: the cell says it was not saved (not that the server
    # is out of reach), and Enter on it again saves it.
    i1, zuzhi_group = zuzhi[0]
    page.route(
        "**/grid/save/", lambda route: route.fulfill(status=500, body="<h1>500</h1>"), times=1
    )
    tab_to(page, page.locator(f"#cell-{i1.pk}-{zuzhi_group.pk}"))
    page.keyboard.type("95")
    page.keyboard.press("Tab")
    page.locator(f"#status-{i1.pk}-{zuzhi_group.pk}").get_by_text(text["not_saved"]).wait_for()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    for value in ("1", "88"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    for i, g in zuzhi:
        page.locator(f"#status-{i.pk}-{g.pk}").get_by_text(text["saved"]).wait_for()
    assert re.findall(r"\d+", page.locator("[data-missing-count]").inner_text()) == ["0"]
    shot(page, f"assessor-grid-{lang}")

    # A deduction with its evidence, with the keyboard.
    type_into(page, page.locator("#adj-note"), NOTE)
    attach_with_keys(page, page.locator("#adj-evidence"), "qianqin.pdf", PDF)
    press_button(page, text["record"])
    assert NOTE not in page.locator("#adj-note").input_value()
    assert page.locator(".alert-success").count() == 1

    # A veto, proposed here ...
    type_into(page, page.locator("#veto-reason"), REASON)
    attach_with_keys(page, page.locator("#veto-evidence"), "shigu.pdf", PDF)
    press_button(page, text["propose"])
    assert text["awaiting"] in page.locator("#vetoes").inner_text()
    check_page(page, lang, data)

    # ... and approved by a second assessor of the street.
    other = open_page(second, lang=lang)
    other.goto(f"/assessments/{a11.pk}/grid/")
    press_button(other, text["approve"])
    assert other.locator("#vetoes .badge").first.inner_text() != ""
    check_page(other, lang, data)
    shot(other, f"assessor-veto-approved-{lang}")

    # Publishing: to review, then published after the confirmation.
    page.reload()
    press_button(page, text["review"])
    press_button(page, text["publish_step"])
    check_page(page, lang, data)
    press_button(page, text["publish"])
    assert page.locator("[data-cell]").first.is_disabled()

    # The scorecard: vetoed, so 不合格 whatever the total; its PDF is downloaded.
    page.locator(".breadcrumb").get_by_role("link", name=cast.community_a11.name).click()
    page.wait_for_url(re.compile(rf"/assessments/{a11.pk}/$"))
    assert page.locator("#summary").get_by_text(text["grade"], exact=True).count() == 1
    check_page(page, lang, data)
    shot(page, f"assessor-scorecard-{lang}")
    with page.expect_download(timeout=20_000) as download:
        page.get_by_role("link", name=text["pdf"]).click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The heat map: the vetoed community is red.
    page.locator("nav").first.get_by_role("link", name=text["warnings"], exact=True).click()
    page.wait_for_url(re.compile(r"/warnings/heat-map/$"))
    cell = page.locator(f"[data-community='{cast.community_a11.pk}']")
    assert cell.get_attribute("data-level") == "red"
    assert text["red"] in cell.text_content()  # said in words, not by colour alone
    check_page(page, lang, data)
    shot(page, f"assessor-heat-map-{lang}")

    quiet(page)
    with as_tenant(cast.tenant_a):
        a11.refresh_from_db()
        assert a11.state == Assessment.State.PUBLISHED
        assert a11.result.grade == "fail" and a11.result.vetoed
        organisation = ScoreEntry.objects.filter(assessment=a11, rater__isnull=True)
        assert sorted(organisation.values_list("value", flat=True)) == [D(1), D(88), D(95)]
        deduction = AdjustmentRecord.objects.get(assessment=a11)
        assert deduction.note == NOTE and deduction.evidence
        veto = VetoRecord.objects.get(assessment=a11)
        assert veto.status == "approved" and veto.decided_by_id == second.pk
        assert Alert.objects.filter(community=cast.community_a11, level="red").exists()
