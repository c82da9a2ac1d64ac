"""Rectification pages: raising from an assessment, the scoped list with overdue ones first,
marking done with evidence, accepting or returning with a reason, the evidence download,
and carrying a cycle's open ones into the next cycle (page and API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Cycle, Rectification
from audit.models import AuditRecord
from organizations.selectors import actor_for_user
from tests.assessments.workflow import open_quarter, published_scheme

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST_QUERIES = 12
FUTURE = dt.date(2099, 1, 1)


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff evidence", content_type="image/jpeg")


@pytest.fixture
def quarter(cast, as_tenant) -> tuple[Cycle, dict[str, Assessment]]:
    with as_tenant(cast.tenant_a):
        return open_quarter(cast, published_scheme(cast))


def _raise(cast, as_tenant, assessment: Assessment, title: str, **extra: Any) -> Rectification:
    actor = actor_for_user(cast.admin)
    with as_tenant(cast.tenant_a):
        return services.rectification_raise(
            actor=actor, community=assessment.community, assessment=assessment, title=title,
            owner=assessment.secretary.user, deadline=extra.pop("deadline", FUTURE), **extra,
        )  # fmt: skip


def _url(name: str, *args: int) -> str:
    return reverse(f"assessments:{name}", args=args)


# Raising ----------------------------------------------------------------------------------


def test_an_assessor_raises_one_from_an_assessment(cast, as_tenant, quarter) -> None:
    _cycle, assessments = quarter
    a11 = assessments["a11"]
    client = cast.client_for("assessor")
    form = client.get(_url("rectification_raise", a11.pk))
    assert form.context["form"].initial["owner"] == cast.secretary.pk
    # The grid links to it.
    assert _url("rectification_raise", a11.pk) in client.get(_url("grid", a11.pk)).content.decode()
    body = {"title": "台账不全", "description": "缺少会议记录", "owner": cast.secretary.pk,
            "deadline": "2099-03-31"}  # fmt: skip
    response = client.post(_url("rectification_raise", a11.pk), body)
    with as_tenant(cast.tenant_a):
        item = Rectification.objects.get()
        raised = AuditRecord.objects.filter(action="rectification.raise", object_id=str(item.pk))
        assert raised.exists()
    assert response.url == _url("rectification_detail", item.pk)
    assert (item.assessment_id, item.community_id, item.street_id) == (
        a11.pk, cast.community_a11.pk, cast.street_a1.pk,
    )  # fmt: skip


def test_raising_with_bad_input_names_the_field_and_saves_nothing(cast, as_tenant, quarter):
    _cycle, assessments = quarter
    url = _url("rectification_raise", assessments["a11"].pk)
    client = cast.client_for("assessor")
    past = {"title": "台账不全", "owner": cast.secretary.pk, "deadline": "2020-01-01"}
    response = client.post(url, past, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors == {"deadline": ["The deadline cannot be in the past."]}
    assert "The deadline cannot be in the past." in response.content.decode()
    # An owner from another street is not among the choices.
    stranger = {**past, "deadline": "2099-01-01", "owner": cast.secretary_a21.pk}
    assert "owner" in client.post(url, stranger).context["form"].errors
    assert "title" in client.post(url, {**past, "title": ""}).context["form"].errors
    with as_tenant(cast.tenant_a):
        assert not Rectification.objects.exists()


@pytest.mark.parametrize("user", ["assessor_a2", "admin_b", "assessor_b"])
def test_raising_on_another_streets_assessment_is_404(cast, quarter, user) -> None:
    _cycle, assessments = quarter
    url = _url("rectification_raise", assessments["a11"].pk)
    assert cast.client_for(user).get(url).status_code == 404
    body = {"title": "x", "owner": cast.secretary.pk, "deadline": "2099-01-01"}
    assert cast.client_for(user).post(url, body).status_code == 404


# The list ---------------------------------------------------------------------------------


def test_the_list_is_scoped_and_puts_overdue_ones_first(cast, as_tenant, quarter) -> None:
    _cycle, assessments = quarter
    on_time = _raise(cast, as_tenant, assessments["a11"], "按时", deadline=dt.date(2098, 1, 1))
    late = _raise(cast, as_tenant, assessments["a11"], "逾期", deadline=FUTURE)
    elsewhere = _raise(cast, as_tenant, assessments["a21"], "别处")
    with as_tenant(cast.tenant_a):
        Rectification.objects.filter(pk=late.pk).update(deadline=dt.date(2020, 1, 1))

    def listed(user: str, **params: str) -> list[int]:
        page = cast.client_for(user).get(_url("rectification_list"), params).context["page"]
        return [item.pk for item in page.object_list]

    assert listed("assessor") == [late.pk, on_time.pk]
    assert listed("secretary") == [late.pk, on_time.pk]
    assert listed("assessor_a2") == [elsewhere.pk]
    assert listed("secretary_a21") == [elsewhere.pk]
    assert listed("admin") == [late.pk, on_time.pk, elsewhere.pk]
    assert listed("admin_b") == listed("expert") == []
    assert listed("admin", overdue="1") == [late.pk]
    assert listed("admin", overdue="0") == [on_time.pk, elsewhere.pk]
    assert listed("admin", q="别") == [elsewhere.pk]
    assert listed("admin", q="甲二一") == [elsewhere.pk]  # by community name
    assert listed("admin", status="accepted") == []
    html = cast.client_for("assessor").get(_url("rectification_list")).content.decode()
    assert html.count("data-overdue") == 1 and 'class="table-danger"' in html


def test_the_list_with_bad_filters_says_so_and_lists_everything(cast, as_tenant, quarter):
    _cycle, assessments = quarter
    _raise(cast, as_tenant, assessments["a11"], "台账")
    response = cast.client_for("admin").get(
        _url("rectification_list"), {"status": "nonsense", "cycle": "x"}, **EN
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_the_list_is_paginated_and_its_query_count_pinned(
    cast, as_tenant, quarter, django_assert_max_num_queries
) -> None:
    cycle, assessments = quarter
    _raise(cast, as_tenant, assessments["a11"], "问题")
    client = cast.client_for("assessor")
    client.get(_url("rectification_list"))  # warm up the session
    with django_assert_max_num_queries(LIST_QUERIES) as few:
        client.get(_url("rectification_list"))
    for n in range(30):
        _raise(cast, as_tenant, assessments["a11"], f"问题{n}")
    with django_assert_max_num_queries(LIST_QUERIES) as many:
        first = client.get(_url("rectification_list"))
    assert len(few) == len(many)
    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"].object_list) == 25
    second = client.get(_url("rectification_list"), {"page": 2, "cycle": cycle.pk})
    assert len(second.context["page"].object_list) == 6
    assert "cycle=" in second.content.decode()  # the pages keep the filters


# One rectification ------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["assessor_a2", "secretary_a21", "admin_b", "expert"])
def test_another_streets_or_secretarys_rectification_is_404(cast, as_tenant, quarter, user):
    _cycle, assessments = quarter
    item = _raise(cast, as_tenant, assessments["a11"], "台账")
    client = cast.client_for(user)
    assert client.get(_url("rectification_detail", item.pk)).status_code == 404
    assert client.get(_url("rectification_evidence", item.pk)).status_code == 404
    if user != "expert":  # an expert is refused by role first
        done = client.post(_url("rectification_done", item.pk), {"note": "x"})
        assert done.status_code == 404


def test_the_secretary_marks_done_and_the_assessor_returns_then_accepts(
    cast, as_tenant, quarter
) -> None:
    _cycle, assessments = quarter
    item = _raise(cast, as_tenant, assessments["a11"], "台账不全")
    secretary, assessor = cast.client_for("secretary"), cast.client_for("assessor")
    detail = _url("rectification_detail", item.pk)
    assert "Mark done" in secretary.get(detail, **EN).content.decode()

    # No evidence: refused next to the field, nothing changes.
    refused = secretary.post(_url("rectification_done", item.pk), {"note": "已补齐"}, **EN)
    assert refused.status_code == 400
    assert refused.context["done_form"].errors == {"evidence": ["This field is required."]}
    with as_tenant(cast.tenant_a):
        item.refresh_from_db()
    assert item.status == "open"

    secretary.post(_url("rectification_done", item.pk), {"note": "已补齐", "evidence": _evidence()})
    with as_tenant(cast.tenant_a):
        item.refresh_from_db()
    assert (item.status, item.done_note) == ("done", "已补齐")
    # The evidence is served only through the scoped rectification.
    for client in (secretary, assessor):
        download = client.get(_url("rectification_evidence", item.pk))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"\xff\xd8\xff evidence"

    # A secretary may not judge their own work.
    assert (
        secretary.post(_url("rectification_review", item.pk), {"decision": "accept"}).status_code
        == 403
    )
    # Returning needs a reason.
    blank = assessor.post(_url("rectification_review", item.pk), {"decision": "return"}, **EN)
    assert blank.status_code == 400
    assert blank.context["review_form"].errors == {"note": ["Say why the work is returned."]}
    with as_tenant(cast.tenant_a):
        item.refresh_from_db()
    assert item.status == "done"
    assessor.post(
        _url("rectification_review", item.pk), {"decision": "return", "note": "照片不清楚"}
    )
    with as_tenant(cast.tenant_a):
        item.refresh_from_db()
    assert item.status == "open"
    page = secretary.get(detail, **EN).content.decode()
    assert "Returned" in page and "照片不清楚" in page  # the reason is in the history

    secretary.post(_url("rectification_done", item.pk), {"note": "已重拍", "evidence": _evidence()})
    assessor.post(_url("rectification_review", item.pk), {"decision": "accept", "note": "通过"})
    with as_tenant(cast.tenant_a):
        item.refresh_from_db()
    assert (item.status, item.closed_at is not None) == ("accepted", True)
    closed = secretary.get(detail, **EN).content.decode()
    assert "Mark done" not in closed and "Accept or return" not in closed


def test_a_review_before_the_work_is_done_is_refused(cast, as_tenant, quarter) -> None:
    _cycle, assessments = quarter
    item = _raise(cast, as_tenant, assessments["a11"], "台账")
    response = cast.client_for("assessor").post(
        _url("rectification_review", item.pk), {"decision": "accept"}, **EN
    )
    assert response.status_code == 400
    assert "Only a rectification marked done" in response.content.decode()
    bad = cast.client_for("assessor").post(
        _url("rectification_review", item.pk), {"decision": "maybe"}
    )
    assert "decision" in bad.context["review_form"].errors


# Carrying into the next cycle -------------------------------------------------------------


@pytest.fixture
def two_quarters(cast, as_tenant, quarter) -> tuple[Cycle, Cycle, dict[str, Assessment]]:
    cycle, assessments = quarter
    with as_tenant(cast.tenant_a):
        q4 = services.cycle_open(
            actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=4,
            scheme=cycle.scheme, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
        )  # fmt: skip
    return cycle, q4, assessments


def test_carrying_lists_what_moves_then_moves_it_on_confirmation(
    cast, as_tenant, two_quarters
) -> None:
    q3, q4, assessments = two_quarters
    open_item = _raise(cast, as_tenant, assessments["a11"], "未完成")
    accepted = _raise(cast, as_tenant, assessments["a11"], "已验收")
    other_street = _raise(cast, as_tenant, assessments["a21"], "别的街道")
    with as_tenant(cast.tenant_a):
        Rectification.objects.filter(pk=accepted.pk).update(status="accepted")
    client = cast.client_for("assessor")
    url = _url("rectification_carry", q3.pk)
    assert list(client.get(url).context["form"].fields["to_cycle"].queryset) == [q4]
    preview = client.get(url, {"to_cycle": q4.pk}, **EN)
    assert [item.pk for item, _target in preview.context["pairs"]] == [open_item.pk]
    assert "1 rectification will be carried" in preview.content.decode()
    with as_tenant(cast.tenant_a):
        assert Rectification.objects.get(pk=open_item.pk).assessment_id == assessments["a11"].pk
    done = client.post(url, {"to_cycle": q4.pk, "confirm": "1"})
    assert done.status_code == 302
    with as_tenant(cast.tenant_a):
        target = Assessment.objects.get(cycle=q4, community=cast.community_a11)
        moved = {r.pk: r.assessment_id for r in Rectification.objects.all()}
        assert AuditRecord.objects.filter(action="rectification.carry").count() == 1
    assert moved == {
        open_item.pk: target.pk,
        accepted.pk: assessments["a11"].pk,
        other_street.pk: assessments["a21"].pk,  # not this assessor's street
    }
    # Again: nothing more to carry.
    again = client.get(url, {"to_cycle": q4.pk})
    assert again.context["pairs"] == []


def test_carrying_into_an_earlier_cycle_or_out_of_scope_is_refused(
    cast, as_tenant, two_quarters
) -> None:
    q3, q4, assessments = two_quarters
    item = _raise(cast, as_tenant, assessments["a11"], "未完成")
    client = cast.client_for("assessor")
    backwards = client.post(_url("rectification_carry", q4.pk), {"to_cycle": q3.pk, "confirm": "1"})
    assert backwards.status_code == 200
    assert "to_cycle" in backwards.context["form"].errors
    assert cast.client_for("admin_b").get(_url("rectification_carry", q3.pk)).status_code == 404
    assert cast.client_for("secretary").get(_url("rectification_carry", q3.pk)).status_code == 403
    with as_tenant(cast.tenant_a):
        assert Rectification.objects.get(pk=item.pk).assessment_id == assessments["a11"].pk


def test_carrying_through_the_api(cast, as_tenant, two_quarters) -> None:
    q3, q4, assessments = two_quarters
    item = _raise(cast, as_tenant, assessments["a11"], "未完成")
    client = cast.client_for("assessor")
    url = reverse("rectification-carry-list")
    body = {"from_cycle": q3.pk, "to_cycle": q4.pk, "dry_run": True}
    dry = client.post(url, body, content_type="application/json")
    assert dry.json() == {"carried": [item.pk], "staying": [], "dry_run": True}
    with as_tenant(cast.tenant_a):
        assert Rectification.objects.get(pk=item.pk).assessment.cycle_id == q3.pk
    backwards = client.post(
        url, {"from_cycle": q4.pk, "to_cycle": q3.pk}, content_type="application/json", **EN
    )
    assert backwards.status_code == 400
    assert backwards.json() == {"to_cycle": ["Choose a cycle that starts after this one."]}
    real = client.post(url, {**body, "dry_run": False}, content_type="application/json")
    assert real.json()["carried"] == [item.pk]
    with as_tenant(cast.tenant_a):
        assert Rectification.objects.get(pk=item.pk).assessment.cycle_id == q4.pk
    other_tenant = cast.client_for("admin_b").post(url, body, content_type="application/json")
    assert other_tenant.status_code == 400 and "from_cycle" in other_tenant.json()


def test_the_pages_speak_chinese_by_default_and_are_in_the_navigation(cast, quarter) -> None:
    from django.utils import translation

    with translation.override(None):
        secretary = cast.client_for("secretary").get(_url("rectification_list"))
        assessor = cast.client_for("assessor").get(_url("rectification_list"))
    page = secretary.content.decode()
    assert "问题清单" in page and "暂无您的整改事项。" in page
    assert _url("cycle_list") not in page  # cycles are for staff
    assert _url("cycle_list") in assessor.content.decode()
