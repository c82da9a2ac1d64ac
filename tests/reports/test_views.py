"""Report pages and API: scope (a secretary gets 404 for another secretary's scorecard), the
build-in-a-job flow, batches (a tenant's ZIP holds only its communities; one failure does
not sink the rest; a time-out is recorded), Excel with Chinese headers, bad input."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.urls import reverse

from notifications.models import Notification
from reports import services, tasks
from reports.models import ReportArtifact, ReportBatch
from tests.reports.scenario import scored_cycle


@pytest.fixture
def quarter(cast, as_tenant):
    """Five indicators: tenant A's a11 (the cast's secretary) and a21 (secretary_a21) scored
    and published; tenant B's b11 likewise."""
    from assessments.models import Assessment

    with as_tenant(cast.tenant_a):
        cycle, assessments = scored_cycle(cast, 5)
        Assessment.objects.filter(cycle=cycle).update(state="published")
    with as_tenant(cast.tenant_b):
        cycle_b, assessments_b = scored_cycle(cast, 5, admin=cast.admin_b)
        Assessment.objects.filter(cycle=cycle_b).update(state="published")
    return {"cycle": cycle, "a": assessments, "cycle_b": cycle_b, "b": assessments_b}


def _client(cast, name):
    client = cast.client_for(name)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _pdf_download(client, url, capture):
    """The first request queues the job (run when the request commits); the next one gets
    the file."""
    with capture(execute=True):
        waiting = client.get(url)
    assert waiting.status_code == 200 and b"being prepared" in waiting.content
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_scorecard_download_builds_in_a_job_then_serves_the_cache(
    cast, quarter, django_capture_on_commit_callbacks
) -> None:
    url = reverse("reports:scorecard", args=[quarter["a"]["a11"].pk])
    client = _client(cast, "secretary")
    content = _pdf_download(client, url, django_capture_on_commit_callbacks)
    assert content.startswith(b"%PDF")
    # htmx polling a ready report is told to load the file.
    polled = client.get(url, HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == url
    assert ReportArtifact.objects.filter(assessment=quarter["a"]["a11"]).count() == 1


def test_secretary_gets_no_scorecard_before_publication(cast, as_tenant, quarter) -> None:
    from assessments.models import Assessment

    a11 = quarter["a"]["a11"]
    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=a11.pk).update(state="review")
    own = _client(cast, "secretary")
    assert own.get(reverse("reports:scorecard", args=[a11.pk])).status_code == 404
    assert own.get(reverse("report-scorecard-pdf", args=[a11.pk])).status_code == 404
    listed = own.get(reverse("report-scorecard-list")).json()["results"]
    assert a11.pk not in [row["id"] for row in listed]
    # The street's assessor builds it as before.
    assert (
        _client(cast, "assessor").get(reverse("reports:scorecard", args=[a11.pk])).status_code
        == 200
    )


def test_secretary_gets_404_for_another_secretarys_report(cast, quarter) -> None:
    a11, a21 = quarter["a"]["a11"], quarter["a"]["a21"]
    other = _client(cast, "secretary_a21")
    assert other.get(reverse("reports:scorecard", args=[a11.pk])).status_code == 404
    assert other.get(reverse("report-scorecard-pdf", args=[a11.pk])).status_code == 404
    assert other.get(reverse("reports:scorecard", args=[a21.pk])).status_code == 200
    for name in ("assessor_a2", "admin_b"):
        client = _client(cast, name)
        assert client.get(reverse("reports:scorecard", args=[a11.pk])).status_code == 404, name
    missing = _client(cast, "admin").get(reverse("reports:scorecard", args=[999_999]))
    assert missing.status_code == 404


def test_api_answers_202_then_the_pdf(cast, quarter, django_capture_on_commit_callbacks) -> None:
    url = reverse("report-scorecard-pdf", args=[quarter["a"]["a11"].pk])
    client = _client(cast, "assessor")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    listed = client.get(reverse("report-scorecard-list")).json()
    assert [row["community"] for row in listed["results"]] == ["甲一一社区"]


# Batches ----------------------------------------------------------------------------------------


def _start_batch(client, cycle, street, capture):
    with capture(execute=True):
        response = client.post(
            reverse("reports:batch_create"),
            {"cycle": cycle.pk, "street": street.pk if street else ""},
        )
    assert response.status_code == 302, response.content
    return ReportBatch.objects.order_by("-pk").first()


def _zip_names(client, batch) -> list[str]:
    response = client.get(reverse("reports:batch_download", args=[batch.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return sorted(archive.namelist())


def test_tenant_batch_zip_holds_only_that_tenants_communities(
    cast, as_tenant, quarter, django_capture_on_commit_callbacks
) -> None:
    admin = _client(cast, "admin")
    batch = _start_batch(admin, quarter["cycle"], None, django_capture_on_commit_callbacks)
    with as_tenant(cast.tenant_a):
        batch.refresh_from_db()
    assert batch.status == ReportBatch.Status.DONE and batch.failures == []
    assert (batch.done, batch.total) == (2, 2)
    # The requester is told it is ready (the bell links to the batch page).
    with as_tenant(cast.tenant_a):
        told = Notification.objects.get(recipient=cast.admin, verb=f"reports.batch:{batch.pk}")
    assert told.url == reverse("reports:batch_detail", args=[batch.pk])
    names = _zip_names(admin, batch)
    assert len(names) == 2
    assert any("甲一一社区" in n for n in names) and any("甲二一社区" in n for n in names)
    assert not any("乙" in n for n in names)
    page = admin.get(reverse("reports:batch_detail", args=[batch.pk]))
    assert b"Download the ZIP" in page.content and b"2 / 2" in page.content
    # Tenant B's admin: the same batch is a 404; their own holds only their community.
    admin_b = _client(cast, "admin_b")
    assert admin_b.get(reverse("reports:batch_detail", args=[batch.pk])).status_code == 404
    assert admin_b.get(reverse("reports:batch_download", args=[batch.pk])).status_code == 404
    batch_b = _start_batch(admin_b, quarter["cycle_b"], None, django_capture_on_commit_callbacks)
    assert [n for n in _zip_names(admin_b, batch_b) if "社区" in n] == _zip_names(admin_b, batch_b)
    assert all("乙一一社区" in n for n in _zip_names(admin_b, batch_b))


def test_street_batch_holds_only_that_street(
    cast, quarter, django_capture_on_commit_callbacks
) -> None:
    assessor = _client(cast, "assessor")
    batch = _start_batch(
        assessor, quarter["cycle"], cast.street_a1, django_capture_on_commit_callbacks
    )
    names = _zip_names(assessor, batch)
    assert len(names) == 1 and "甲一一社区" in names[0]
    # The street's assessor may not ask for another street or the whole tenant.
    for street in (cast.street_a2.pk, ""):
        response = assessor.post(
            reverse("reports:batch_create"), {"cycle": quarter["cycle"].pk, "street": street}
        )
        assert response.status_code == 400
    assert ReportBatch.objects.count() == 1


def test_a_failing_report_is_recorded_and_the_others_zipped(
    cast, as_tenant, quarter, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    real = services.render_pdf

    def flaky(html: str):
        if "甲二一社区" in html:
            raise RuntimeError("font exploded")
        return real(html)

    monkeypatch.setattr(services, "render_pdf", flaky)
    admin = _client(cast, "admin")
    batch = _start_batch(admin, quarter["cycle"], None, django_capture_on_commit_callbacks)
    with as_tenant(cast.tenant_a):
        batch.refresh_from_db()
    assert batch.status == ReportBatch.Status.DONE and batch.done == 2
    assert [(f["community"], f["error"]) for f in batch.failures] == [
        ("甲二一社区", "RuntimeError: font exploded")
    ]
    names = _zip_names(admin, batch)
    assert len(names) == 1 and "甲一一社区" in names[0]
    page = admin.get(reverse("reports:batch_detail", args=[batch.pk]))
    assert "font exploded" in page.content.decode()


def test_batch_out_of_time_is_marked_failed(cast, as_tenant, quarter, monkeypatch) -> None:
    assert (tasks.build_batch.soft_time_limit, tasks.build_batch.time_limit) == (1800, 1920)
    assert (tasks.build_scorecard.soft_time_limit, tasks.build_scorecard.time_limit) == (60, 90)

    def slow(**kwargs):
        raise SoftTimeLimitExceeded

    with as_tenant(cast.tenant_a):
        batch = ReportBatch.objects.create(
            tenant=cast.tenant_a, cycle=quarter["cycle"], requested_by=cast.admin, total=2
        )
    monkeypatch.setattr(services, "batch_run", slow)
    tasks.build_batch.delay(cast.tenant_a.pk, batch.pk)
    with as_tenant(cast.tenant_a):
        batch.refresh_from_db()
    assert batch.status == ReportBatch.Status.FAILED and batch.message == "批量生成超时。"


def test_batch_progress_page_polls_until_done(cast, as_tenant, quarter) -> None:
    with as_tenant(cast.tenant_a):
        batch = ReportBatch.objects.create(
            tenant=cast.tenant_a, cycle=quarter["cycle"], street=cast.street_a1,
            requested_by=cast.assessor, total=4, status=ReportBatch.Status.RUNNING,
        )  # fmt: skip
    from django.core.cache import cache

    cache.set(services._progress_key(batch.pk), 3)
    client = _client(cast, "assessor")
    partial = client.get(reverse("reports:batch_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'hx-trigger="every 2s"' in body and "3 / 4" in body and "<html" not in body
    api = client.get(reverse("report-batch-detail", args=[batch.pk])).json()
    assert (api["progress"], api["total"], api["status"]) == (3, 4, "running")


def test_batch_bad_input_is_refused_and_nothing_saved(cast, quarter) -> None:
    admin = _client(cast, "admin")
    response = admin.post(reverse("reports:batch_create"), {"cycle": "999999", "street": ""})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    # Another tenant's cycle is no valid choice either.
    response = admin.post(reverse("reports:batch_create"), {"cycle": quarter["cycle_b"].pk})
    assert response.status_code == 400
    api = _client(cast, "admin").post(
        reverse("report-batch-list"),
        {"cycle": quarter["cycle_b"].pk},
        content_type="application/json",
    )
    assert api.status_code == 400 and "cycle" in api.json()
    assert ReportBatch.objects.count() == 0


def test_batch_list_is_paginated_with_pinned_queries(
    cast, as_tenant, quarter, django_assert_max_num_queries
) -> None:
    with as_tenant(cast.tenant_a):
        ReportBatch.objects.bulk_create(
            ReportBatch(
                tenant=cast.tenant_a, cycle=quarter["cycle"], requested_by=cast.admin, total=1
            )
            for _ in range(30)
        )
    client = _client(cast, "admin")
    client.get(reverse("reports:batch_list"))
    # 9 on SQLite; PostgreSQL adds the row-level-security tenant setting.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("reports:batch_list"))
    assert page.status_code == 200 and "Page 1 of 2" in page.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reports:index")).status_code == 200


# Summaries and Excel ----------------------------------------------------------------------------


def test_summaries_are_scoped(cast, quarter, django_capture_on_commit_callbacks) -> None:
    cycle = quarter["cycle"]
    street_url = reverse("reports:street_summary", args=[cycle.pk, cast.street_a1.pk])
    assert _pdf_download(_client(cast, "assessor"), street_url, django_capture_on_commit_callbacks)
    other_street = reverse("reports:street_summary", args=[cycle.pk, cast.street_a2.pk])
    assert _client(cast, "assessor").get(other_street).status_code == 404
    tenant_url = reverse("reports:tenant_summary", args=[cycle.pk])
    assert _client(cast, "assessor").get(tenant_url).status_code == 403
    assert _client(cast, "admin_b").get(tenant_url).status_code == 404
    assert _pdf_download(_client(cast, "leader"), tenant_url, django_capture_on_commit_callbacks)


def _workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_excel_ranking_and_scores_have_chinese_headers(cast, quarter) -> None:
    cycle = quarter["cycle"]
    admin = _client(cast, "admin")
    ranking = _workbook(admin.get(reverse("reports:excel", args=[cycle.pk, "ranking"])))
    rows = list(ranking.iter_rows(values_only=True))
    assert rows[0][:6] == ("排名", "街道排名", "街道", "社区", "书记", "总分")
    assert [r[3] for r in rows[1:]] == ["甲一一社区", "甲二一社区"]
    scores = _workbook(admin.get(reverse("reports:excel", args=[cycle.pk, "scores"])))
    header = [c.value for c in scores[1]]
    assert header[:4] == ["街道", "社区", "书记", "指标1号工作落实情况（10分）"]
    assert header[-4:] == ["加分", "扣分", "总分", "等次"] and scores.max_row == 3
    # A street's assessor: their street only, and nothing tenant-wide or elsewhere.
    assessor = _client(cast, "assessor")
    url = reverse("reports:excel", args=[cycle.pk, "ranking"])
    own = _workbook(assessor.get(f"{url}?street={cast.street_a1.pk}"))
    assert [r[3] for r in own.iter_rows(min_row=2, values_only=True)] == ["甲一一社区"]
    assert assessor.get(url).status_code == 404
    assert assessor.get(f"{url}?street={cast.street_a2.pk}").status_code == 404
    assert assessor.get(f"{url}?street=abc").status_code == 404
    assert admin.get(reverse("reports:excel", args=[cycle.pk, "nonsense"])).status_code == 404


def test_waiting_page_queues_one_build_however_often_it_asks(
    cast, quarter, django_capture_on_commit_callbacks
) -> None:
    url = reverse("reports:scorecard", args=[quarter["a"]["a11"].pk])
    client = _client(cast, "secretary")
    with django_capture_on_commit_callbacks() as queued:
        first = client.get(url)
        polled = client.get(url, HTTP_HX_REQUEST="true")
        client.get(url, HTTP_HX_REQUEST="true")
    assert len(queued) == 1
    assert first.status_code == 200 and b"<html" in first.content
    assert polled.status_code == 202 and b'hx-trigger="every 2s"' in polled.content
    assert b"<html" not in polled.content


def test_a_batch_is_one_job_per_scorecard_and_the_job_that_completes_it_zips(
    cast, as_tenant, quarter, monkeypatch
) -> None:
    """So that two workers share a batch. Jobs delivered twice, or a batch started again,
    record each report once and zip once."""
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.build_batch_item, "delay_on_commit", lambda *a: queued.append(a))
    finishes: list[tuple] = []
    monkeypatch.setattr(tasks.finish_batch, "delay_on_commit", lambda *a: finishes.append(a))
    with as_tenant(cast.tenant_a):
        batch = ReportBatch.objects.create(
            tenant=cast.tenant_a, cycle=quarter["cycle"], requested_by=cast.admin, total=2
        )
        services.batch_run(batch_id=batch.pk)
        assert sorted(a for _t, _b, a in queued) == sorted(a.pk for a in quarter["a"].values())
        first, second = (a for _t, _b, a in queued)
        services.batch_item_build(batch_id=batch.pk, assessment_id=first)
        services.batch_item_build(batch_id=batch.pk, assessment_id=first)  # delivered twice
        assert batch.items.count() == 1 and finishes == []
        assert cache.get(services._progress_key(batch.pk)) == 1
        queued.clear()
        services.batch_run(batch_id=batch.pk)  # started again: only the missing one
        assert [a for _t, _b, a in queued] == [second]
        services.batch_item_build(batch_id=batch.pk, assessment_id=second)
        assert finishes == [(cast.tenant_a.pk, batch.pk)]
        services.batch_finish(batch_id=batch.pk)
        services.batch_finish(batch_id=batch.pk)
        batch.refresh_from_db()
        assert (batch.status, batch.done, batch.failures) == (ReportBatch.Status.DONE, 2, [])
        assert Notification.objects.filter(verb=f"reports.batch:{batch.pk}").count() == 1
        # A finished batch is left alone.
        assert services.batch_item_build(batch_id=batch.pk, assessment_id=first) is None
    assert len(_zip_names(_client(cast, "admin"), batch)) == 2


def test_the_reports_page_opens_on_the_newest_cycle_with_published_results(
    cast, as_tenant, quarter
) -> None:
    from assessments.models import Cycle

    with as_tenant(cast.tenant_a):
        published = quarter["cycle"]
        newer = Cycle.objects.create(
            tenant=cast.tenant_a, kind="quarterly", year=published.year + 1, quarter=1,
            name="下一年第一季度", scheme=published.scheme,
            starts_on=published.starts_on.replace(year=published.year + 1),
            ends_on=published.ends_on.replace(year=published.year + 1),
        )  # fmt: skip
    page = _client(cast, "admin").get(reverse("reports:index"))
    assert page.context["cycle"] == published
    chosen = _client(cast, "admin").get(reverse("reports:index"), {"cycle": newer.pk})
    assert chosen.context["cycle"] == newer
