"""Cycle pages: the list, opening a cycle, and the progress bar of a big opening (the page,
the htmx status it polls, the job API and the job's failure hook)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Cycle, JobProgress
from assessments.tasks import open_cycle_assessments
from tests.assessments.workflow import open_quarter, published_scheme

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Session, user, tenant setting, memberships, count, rows, jobs, session save and the
# savepoints around the request; SQLite has no tenant setting.
LIST_QUERIES = 12


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _url(name: str, *args: int) -> str:
    return reverse(f"assessments:{name}", args=args)


def _body(scheme_pk: int, **changes: str) -> dict[str, str | int]:
    body: dict[str, str | int] = {
        "kind": "quarterly", "year": 2026, "quarter": 4, "scheme": scheme_pk,
        "starts_on": "2026-10-01", "ends_on": "2026-12-31", "name": "",
    }  # fmt: skip
    return body | changes


@pytest.fixture
def scheme(cast, as_tenant):
    with as_tenant(cast.tenant_a):
        return published_scheme(cast)


# Opening a cycle --------------------------------------------------------------------------


def test_a_small_cycle_opens_at_once_and_lands_on_its_assessments(cast, as_tenant, scheme):
    response = cast.client_for("admin").post(_url("cycle_open"), _body(scheme.pk))
    with as_tenant(cast.tenant_a):
        cycle = Cycle.objects.get()
        assert Assessment.objects.filter(cycle=cycle).count() == 2
    assert response.url == f"{_url('list')}?cycle={cycle.pk}"


def test_opening_with_bad_input_names_the_field_and_saves_nothing(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    backwards = client.post(_url("cycle_open"), _body(scheme.pk, ends_on="2026-09-01"), **EN)
    assert backwards.status_code == 200
    assert backwards.context["form"].errors == {"ends_on": ["A cycle cannot end before it starts."]}
    annual_with_quarter = client.post(_url("cycle_open"), _body(scheme.pk, kind="annual"), **EN)
    assert "quarter" in annual_with_quarter.context["form"].errors
    quarterly_share = client.post(_url("cycle_open"), _body(scheme.pk, quarters_share="20"), **EN)
    assert quarterly_share.context["form"].errors == {
        "quarters_share": ["Only an annual cycle folds in the quarters; leave the share at 0."]
    }
    # Another tenant's scheme is not a choice.
    other = cast.client_for("admin_b").post(_url("cycle_open"), _body(scheme.pk))
    assert "scheme" in other.context["form"].errors
    with as_tenant(cast.tenant_a):
        assert not Cycle.objects.exists()


def test_only_admins_open_cycles(cast, scheme) -> None:
    for user in ("assessor", "leader", "secretary"):
        assert cast.client_for(user).post(_url("cycle_open"), _body(scheme.pk)).status_code == 403


# The progress bar -------------------------------------------------------------------------


@pytest.fixture
def big_opening(cast, as_tenant, scheme, monkeypatch, django_capture_on_commit_callbacks):
    """A cycle opened through the form as a job (the limit lowered to one secretary); the
    job has not run yet."""
    monkeypatch.setattr("assessments.services.cycles.INLINE_OPEN_LIMIT", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = cast.client_for("admin").post(_url("cycle_open"), _body(scheme.pk))
    with as_tenant(cast.tenant_a):
        cycle = Cycle.objects.get()
    return cycle, response, callbacks


def _job(cast, as_tenant, cycle: Cycle, **changes) -> None:
    with as_tenant(cast.tenant_a):
        JobProgress.objects.filter(key=f"cycle-open-{cycle.pk}").update(**changes)


def test_a_big_cycle_goes_to_its_progress_bar_which_polls_until_done(
    cast, as_tenant, big_opening
) -> None:
    cycle, response, callbacks = big_opening
    assert response.url == _url("cycle_opening", cycle.pk)
    client = cast.client_for("admin")
    page = client.get(response.url, **EN).content.decode()
    status_url = _url("cycle_opening_status", cycle.pk)
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "0 of 2 assessments created" in page and 'aria-valuemax="2"' in page

    _job(cast, as_tenant, cycle, done=1)
    halfway = client.get(status_url, **EN)
    assert halfway.context["state"].percent == 50
    assert "1 of 2 assessments created" in halfway.content.decode()
    assert "<html" not in halfway.content.decode()  # the fragment alone

    for callback in callbacks:  # the job runs
        callback()
    done = client.get(status_url, **EN).content.decode()
    assert "Done: all 2 assessments were created." in done
    assert "hx-get" not in done  # polling stops
    assert client.get(_url("cycle_list"), **EN).context["rows"][0][1].status == "finished"


def test_a_failed_or_stalled_job_says_so(cast, as_tenant, big_opening) -> None:
    cycle, _response, _callbacks = big_opening
    client = cast.client_for("assessor")
    with as_tenant(cast.tenant_a):
        open_cycle_assessments.on_failure(
            RuntimeError("database went away"), "task-id", (cast.tenant_a.pk, cycle.pk), {}, None
        )
    failed = client.get(_url("cycle_opening_status", cycle.pk), **EN).content.decode()
    assert "Opening failed after 0 of 2 assessments." in failed
    assert "RuntimeError: database went away" in failed and "hx-get" not in failed
    _job(cast, as_tenant, cycle, message="", updated_at=timezone.now() - dt.timedelta(hours=1))
    stalled = client.get(_url("cycle_opening_status", cycle.pk), **EN).content.decode()
    assert "reported nothing for several minutes" in stalled
    assert "hx-get" in stalled  # it may still move on


def test_the_job_api_reports_progress(cast, as_tenant, big_opening) -> None:
    cycle, _response, _callbacks = big_opening
    _job(cast, as_tenant, cycle, done=1)
    url = reverse("job-detail", args=[f"cycle-open-{cycle.pk}"])
    data = cast.client_for("leader").get(url).json()
    assert {k: data[k] for k in ("done", "total", "percent", "status")} == {
        "done": 1, "total": 2, "percent": 50, "status": "running",
    }  # fmt: skip
    assert cast.client_for("admin_b").get(url).status_code == 404
    assert cast.client_for("secretary").get(url).status_code == 403
    missing = reverse("job-detail", args=["cycle-open-999999"])
    assert cast.client_for("admin").get(missing).status_code == 404


@pytest.mark.parametrize("user", ["admin_b", "assessor_b"])
def test_another_tenants_opening_is_404(cast, big_opening, user) -> None:
    cycle, _response, _callbacks = big_opening
    client = cast.client_for(user)
    assert client.get(_url("cycle_opening", cycle.pk)).status_code == 404
    assert client.get(_url("cycle_opening_status", cycle.pk)).status_code == 404


def test_a_cycle_opened_at_once_has_no_progress_page(cast, as_tenant, scheme) -> None:
    with as_tenant(cast.tenant_a):
        cycle, _assessments = open_quarter(cast, scheme)
    assert cast.client_for("admin").get(_url("cycle_opening", cycle.pk)).status_code == 404


# The list ---------------------------------------------------------------------------------


def test_the_cycle_list_is_paginated_with_a_pinned_query_count(
    cast, as_tenant, scheme, django_assert_max_num_queries
) -> None:
    def cycles(years: range) -> None:
        with as_tenant(cast.tenant_a):
            for year in years:
                cycle = Cycle.objects.create(
                    tenant=cast.tenant_a, kind="annual", year=year, name=f"{year}年度",
                    scheme=scheme, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31),
                )  # fmt: skip
                JobProgress.objects.create(tenant=cast.tenant_a, key=f"cycle-open-{cycle.pk}")

    cycles(range(2000, 2002))
    client = cast.client_for("assessor")
    client.get(_url("cycle_list"))  # warm up the session
    with django_assert_max_num_queries(LIST_QUERIES) as few:
        client.get(_url("cycle_list"))
    cycles(range(2002, 2030))
    with django_assert_max_num_queries(LIST_QUERIES) as many:
        page = client.get(_url("cycle_list"), **EN)
    assert len(few) == len(many)
    assert page.context["page"].paginator.count == 30
    assert len(page.context["rows"]) == 25
    html = page.content.decode()
    assert _url("cycle_leniency", page.context["rows"][0][0].pk) in html
    assert _url("cycle_open") not in html  # only admins open cycles
    assert cast.client_for("admin_b").get(_url("cycle_list")).context["page"].paginator.count == 0


def test_staff_only(cast) -> None:
    for user in ("secretary", "expert"):
        assert cast.client_for(user).get(_url("cycle_list")).status_code == 403
    admin_page = cast.client_for("admin").get(_url("cycle_list"), **EN)
    assert "No cycle has been opened yet." in admin_page.content.decode()


def test_an_annual_cycle_opens_with_a_share_of_the_quarters(cast, as_tenant, scheme):
    body = _body(scheme.pk, kind="annual", quarter="", starts_on="2026-01-01", quarters_share="30")
    response = cast.client_for("admin").post(_url("cycle_open"), body)
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        assert Cycle.objects.get().quarters_share == 30
