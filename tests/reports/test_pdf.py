"""The PDFs themselves: searchable Chinese text with the figures, the page count of a
60-indicator scorecard, the cache and its rebuild, and the fetcher that keeps WeasyPrint to
the app's own files."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from assessments.models import ScoreEntry
from reports import selectors, services
from reports.rendering import BASE_URL, AppFilesFetcher, RefusedURL, render_pdf
from tests.reports.scenario import open_rectification, scored_cycle

pytestmark = pytest.mark.django_db


def _text(artifact) -> tuple[str, int]:
    artifact.file.open("rb")
    reader = pypdf.PdfReader(io.BytesIO(artifact.file.read()))
    artifact.file.close()
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def sixty(cast, as_tenant):
    with as_tenant(cast.tenant_a):
        cycle, assessments = scored_cycle(cast, 60)
        open_rectification(cast, assessments["a11"])
    return cycle, assessments


def test_scorecard_text_and_page_count_for_sixty_indicators(cast, as_tenant, sixty) -> None:
    cycle, assessments = sixty
    a11 = assessments["a11"]
    with as_tenant(cast.tenant_a):
        artifact = services.scorecard_build(assessment=a11)
        result = a11.result
    text, pages = _text(artifact)
    for expected in (
        "甲一一社区", str(a11.secretary), cycle.name, f"{result.total}", result.grade_label,
        "社区党组织书记考核评分表", "指标类别小计", "指标得分", "加扣分与一票否决",
        "本期谈心谈话", "居民评议", "未整改的问题", "签字",
        "指标60号工作落实情况", "党建台账不完整", "组织评价",
    ):  # fmt: skip
        assert expected in text, expected
    # Not yet connected: each says so instead of leaving the section out.
    assert "本期无谈心谈话记录" in text
    assert "暂无居民评议结果" in text
    # Header and "第 N 页 / 共 M 页" on every page.
    assert f"第 1 页 / 共 {pages} 页" in text and f"第 {pages} 页 / 共 {pages} 页" in text
    # The cover on one page; the 60 indicator rows (each with its three rater groups), about
    # 25 a page, fill three more, and the adjustments, talks, ratings, rectifications and
    # signatures follow the last rows on the fourth.
    assert pages == artifact.pages == 4


def test_a_smaller_scheme_gives_fewer_pages(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        _cycle, assessments = scored_cycle(cast, 10, quarter=1)
        artifact = services.scorecard_build(assessment=assessments["a11"])
    assert 2 <= artifact.pages < 5


def test_scorecard_is_cached_until_an_input_changes(cast, as_tenant, sixty) -> None:
    _cycle, assessments = sixty
    a12 = assessments["a21"]
    with as_tenant(cast.tenant_a):
        first = services.scorecard_build(assessment=a12)
        again = services.scorecard_build(assessment=a12)
        assert (again.pk, again.fingerprint, again.file.name, again.built_at) == (
            first.pk, first.fingerprint, first.file.name, first.built_at,
        )  # fmt: skip
        open_rectification(cast, a12, title="消防通道堵塞未清理")
        rebuilt = services.scorecard_build(assessment=a12)
        assert rebuilt.pk == first.pk and rebuilt.fingerprint != first.fingerprint
        assert "消防通道堵塞未清理" in _text(rebuilt)[0]
        # A changed score changes the fingerprint too.
        entry = ScoreEntry.objects.filter(assessment=a12).first()
        entry.value, entry.version = D(10), entry.version + 1
        entry.save()
        assert selectors.scorecard_fingerprint(a12) != rebuilt.fingerprint


def test_a_rebuild_replaces_what_a_killed_build_left_and_drops_the_old_file_on_commit(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    with as_tenant(cast.tenant_a):
        _cycle, assessments = scored_cycle(cast, 3, quarter=2)
        a11 = assessments["a11"]
        first = services.scorecard_build(assessment=a11)
        old_name = first.file.name
        open_rectification(cast, a11)
        fingerprint = selectors.scorecard_fingerprint(a11)
        # A build of these inputs killed after writing its file, before its commit.
        name = f"{fingerprint[:16]}/{services.scorecard_filename(a11)}"
        leftover = first.file.field.generate_filename(first, name)
        default_storage.save(leftover, ContentFile(b"%PDF-1.7 cut short"))
        with django_capture_on_commit_callbacks(execute=False) as on_commit:
            rebuilt = services.scorecard_build(assessment=a11)
        # The same path, rewritten: no second copy beside it under a suffixed name.
        assert rebuilt.file.name == leftover
        assert default_storage.open(leftover).read() != b"%PDF-1.7 cut short"
        assert default_storage.listdir(leftover.rsplit("/", 1)[0])[1] == [leftover.rsplit("/")[-1]]
        # The old file is still served until the new row is committed.
        assert default_storage.exists(old_name)
        for callback in on_commit:
            callback()
        assert not default_storage.exists(old_name)


def test_summaries_list_ranking_grades_and_warnings(cast, as_tenant, sixty) -> None:
    cycle, _assessments = sixty
    with as_tenant(cast.tenant_a):
        tenant = services.summary_build(cycle=cycle, street=None)
        street = services.summary_build(cycle=cycle, street=cast.street_a2)
    text, _pages = _text(tenant)
    for expected in ("区级考核汇总", "等次分布", "绩效档次", "按颜色统计的预警", "排名",
                     "甲一一社区", "甲二一社区", "甲一街道", "甲二街道", "各街道平均分", "暂无预警记录"):  # fmt: skip
        assert expected in text, expected
    street_text, _pages = _text(street)
    assert "街道考核汇总" in street_text and "甲二一社区" in street_text
    assert "甲一一社区" not in street_text


# The fetcher ------------------------------------------------------------------------------------


def test_fetcher_serves_static_files_and_media() -> None:
    fetcher = AppFilesFetcher()
    css = fetcher.fetch(BASE_URL + "static/css/kaoping.css")
    assert css.read() and css.headers.get_content_type() == "text/css"
    name = default_storage.save("evidence/probe.txt", ContentFile(b"evidence"))
    assert fetcher.fetch(BASE_URL + "media/" + name).read() == b"evidence"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/static/css/kaoping.css",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        BASE_URL + "static/../../../etc/passwd",
        BASE_URL + "media/../../etc/passwd",
        BASE_URL + "etc/passwd",
        BASE_URL + "static/does-not-exist.css",
    ],
)
def test_fetcher_refuses_everything_else(url: str) -> None:
    with pytest.raises(RefusedURL):
        AppFilesFetcher().fetch(url)


def test_a_report_linking_elsewhere_renders_without_it(monkeypatch) -> None:
    asked: list[str] = []
    original = AppFilesFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(AppFilesFetcher, "fetch", spy)
    html = (
        '<link rel="stylesheet" href="http://example.com/x.css">'
        '<img src="file:///etc/hostname"><p>正文</p>'
    )
    pdf = render_pdf(html)
    assert pdf.pages == 1 and pdf.content.startswith(b"%PDF")
    assert set(asked) == {"http://example.com/x.css", "file:///etc/hostname"}


def test_the_scorecard_and_summary_carry_talks_ratings_and_warnings(cast, as_tenant, sixty) -> None:
    import datetime as dt

    from alerts.models import Alert
    from residents.models import Answer, Campaign, Response
    from residents.selectors import campaign_stats
    from tests.interviews.talks import record

    cycle, assessments = sixty
    a11 = assessments["a11"]
    with as_tenant(cast.tenant_a):
        record(
            cast, cast.community_a11, dt.date(2026, 8, 12), notes="居民反映加装电梯意愿强烈",
            outcomes="制定加装电梯摸排方案", feedback_on=dt.date(2026, 8, 15),
        )  # fmt: skip
        campaign = Campaign.objects.create(
            tenant=cast.tenant_a, cycle=cycle, community=cast.community_a11,
            street=cast.street_a1, closes_on=dt.date(2099, 12, 31), min_responses=1,
        )  # fmt: skip
        response = Response.objects.create(
            tenant=cast.tenant_a, campaign=campaign, channel=Response.Channel.CARD
        )
        Answer.objects.create(
            tenant=cast.tenant_a, campaign=campaign, response=response, question="overall",
            score=4, channel=Response.Channel.CARD,
        )  # fmt: skip
        index = campaign_stats(campaign=campaign).card.index
        Alert.objects.create(
            tenant=cast.tenant_a, street=cast.street_a1, community=cast.community_a11,
            rule="low_total", level="red", period="2026Q3", assessment=a11,
            first_seen_on=dt.date(2026, 10, 1), last_seen_on=dt.date(2026, 10, 1),
        )  # fmt: skip
        scorecard = services.scorecard_build(assessment=a11)
        summary = services.summary_build(cycle=cycle, street=None)
    text, _pages = _text(scorecard)
    assert "制定加装电梯摸排方案" in text and "2026-08-12" in text
    assert "本期无谈心谈话记录" not in text
    assert index is not None and f"{index}" in text
    assert "暂无居民评议结果" not in text
    summary_text, _pages = _text(summary)
    assert "暂无预警记录" not in summary_text
    assert "红色" in summary_text
