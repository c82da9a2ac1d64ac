"""The talk pages: overdue feedback first, paginated and searchable with a pinned query
count; scopes (another street, another secretary, another tenant: 404); bad input shown
clearly with nothing saved; the secretary's view; latency and theme pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from interviews.models import DemandTheme, Talk, TalkParticipant
from tests.interviews.talks import D, record
from tests.interviews.test_text import ELDERLY_AND_LIFT

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST_QUERIES = 14


@pytest.fixture
def talks(cast, as_tenant) -> dict[str, Talk]:
    today = timezone.localdate()
    with as_tenant(cast.tenant_a):
        return {
            "answered": record(cast, cast.community_a11, D(2026, 3, 2), feedback_on=D(2026, 3, 4)),
            "overdue_old": record(cast, cast.community_a11, D(2026, 2, 1)),
            "overdue_recent": record(cast, cast.community_a12, D(2026, 4, 1)),
            "waiting": record(cast, cast.community_a12, today),
            "other_street": record(cast, cast.community_a21, D(2026, 3, 3), notes=ELDERLY_AND_LIFT),
        }


def test_the_list_puts_overdue_feedback_first(cast, talks) -> None:
    response = cast.client_for("assessor").get(reverse("interviews:list"), **EN)
    assert response.status_code == 200
    rows = [t.pk for t in response.context["page"].object_list]
    assert rows == [
        talks["overdue_old"].pk, talks["overdue_recent"].pk, talks["waiting"].pk,
        talks["answered"].pk,
    ]  # fmt: skip
    assert talks["other_street"].pk not in rows  # another street's talk
    assert "Feedback overdue since" in response.content.decode()


def test_the_list_is_searchable_and_filtered(cast, talks) -> None:
    client = cast.client_for("admin")
    response = client.get(reverse("interviews:list"), {"q": "甲二一"})
    assert [t.pk for t in response.context["page"].object_list] == [talks["other_street"].pk]
    response = client.get(reverse("interviews:list"), {"status": "overdue"})
    assert len(response.context["page"].object_list) == 3  # both streets: the admin sees all
    response = client.get(reverse("interviews:list"), {"q": "无此社区"}, **EN)
    assert "No talk matches these filters." in response.content.decode()


def test_the_list_is_paginated_with_a_pinned_query_count(
    cast, as_tenant, django_assert_max_num_queries
) -> None:
    with as_tenant(cast.tenant_a):
        for n in range(30):
            record(cast, cast.community_a11, D(2026, 1, 1) + dt.timedelta(days=n))
    client = cast.client_for("assessor")
    # Session, user, memberships, count, policy, streets, shortfall, rows: 8, whatever the
    # number of talks; plus the request's savepoints (4) and, on PostgreSQL, the RLS setting.
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("interviews:list"))
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("interviews:list"), {"page": 2})
    assert len(response.context["page"].object_list) == 5


def test_communities_below_the_routine_minimum_are_named(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        record(cast, cast.community_a11, timezone.localdate())
    response = cast.client_for("assessor").get(reverse("interviews:list"))
    shortfall = [c.code for c, _n in response.context["shortfall"]]
    assert shortfall == ["a12"]  # a11 held one this quarter; the minimum is one


def test_scoping_a_street_assessor_gets_404_for_another_streets_talk(cast, talks) -> None:
    url = reverse("interviews:detail", args=[talks["other_street"].pk])
    assert cast.client_for("assessor").get(url).status_code == 404
    assert cast.client_for("assessor_a2").get(url).status_code == 200
    feedback = reverse("interviews:feedback", args=[talks["other_street"].pk])
    assert cast.client_for("assessor").post(feedback, {"feedback": "x", "feedback_on": "2026-03-05"}).status_code == 404  # fmt: skip


def test_scoping_a_secretary_gets_404_for_talks_about_others(cast, talks) -> None:
    client = cast.client_for("secretary")
    assert client.get(reverse("interviews:detail", args=[talks["answered"].pk])).status_code == 200
    # a12 has no serving secretary in the cast; a21's talk is about another secretary.
    for name in ("overdue_recent", "other_street"):
        assert client.get(reverse("interviews:detail", args=[talks[name].pk])).status_code == 404
    assert (
        cast.client_for("secretary_a21")
        .get(reverse("interviews:detail", args=[talks["answered"].pk]))
        .status_code
        == 404
    )


def test_another_tenant_gets_404(cast, talks) -> None:
    for name in ("admin_b", "assessor_b", "secretary_b"):
        url = reverse("interviews:detail", args=[talks["answered"].pk])
        assert cast.client_for(name).get(url).status_code in (403, 404)
    assert (
        cast.client_for("admin_b")
        .get(reverse("interviews:edit", args=[talks["answered"].pk]))
        .status_code
        == 404
    )


def test_the_secretary_sees_their_talks_feedback_and_rectifications(cast, as_tenant, talks) -> None:
    from interviews import services
    from organizations.selectors import actor_for_user

    with as_tenant(cast.tenant_a):
        services.talk_raise_rectification(
            actor=actor_for_user(cast.assessor), talk=talks["answered"], title="台账补齐",
            deadline=timezone.localdate() + dt.timedelta(days=10), owner=cast.secretary,
        )  # fmt: skip
    response = cast.client_for("secretary").get(reverse("interviews:mine"), **EN)
    body = response.content.decode()
    assert [t.pk for t in response.context["page"].object_list] == [
        talks["answered"].pk, talks["overdue_old"].pk,
    ]  # fmt: skip
    assert "书面反馈：已研究，按计划推进。" in body
    assert "台账补齐" in body


def test_recording_a_talk_on_the_page_with_its_eight_steps(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    data = {
        "community": cast.community_a11.pk, "kind": "routine", "held_on": "2026-03-02",
        "place": "党群服务中心", "participants": [cast.assessor.pk, cast.secretary.pk],
        "step_background": "走访居民", "step_needs": "养老需求", "notes": ELDERLY_AND_LIFT,
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for("assessor").post(reverse("interviews:create"), data)
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        talk = Talk.objects.get()
        assert (talk.step_background, talk.step_needs) == ("走访居民", "养老需求")
        assert TalkParticipant.objects.filter(talk=talk).count() == 2
    detail = cast.client_for("assessor").get(response["Location"], **EN).content.decode()
    assert "养老服务" in detail and "Background research" in detail


def test_bad_input_a_participant_from_another_tenant_on_the_page(cast, as_tenant) -> None:
    data = {
        "community": cast.community_a11.pk, "kind": "routine", "held_on": "2026-03-02",
        "participants": [cast.assessor_b.pk],
    }  # fmt: skip
    response = cast.client_for("assessor").post(reverse("interviews:create"), data, **EN)
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    with as_tenant(cast.tenant_a):
        assert not Talk.objects.exists()


def test_bad_input_feedback_before_the_talk_on_the_page(cast, as_tenant, talks) -> None:
    talk = talks["overdue_old"]
    url = reverse("interviews:feedback", args=[talk.pk])
    response = cast.client_for("assessor").post(
        url, {"feedback": "已研究", "feedback_on": "2026-01-31"}, **EN
    )
    assert response.status_code == 200
    assert "Feedback cannot be given before the talk (held on 2026-02-01)." in response.content.decode()  # fmt: skip
    with as_tenant(cast.tenant_a):
        talk.refresh_from_db()
        assert talk.feedback_on is None
    response = cast.client_for("assessor").post(
        url, {"feedback": "已研究", "feedback_on": "2026-02-03"}
    )
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        talk.refresh_from_db()
        assert talk.feedback_on == D(2026, 2, 3)


def test_bad_input_a_rectification_with_a_past_deadline(cast, as_tenant, talks) -> None:
    url = reverse("interviews:rectify", args=[talks["answered"].pk])
    response = cast.client_for("assessor").post(
        url, {"title": "整改", "deadline": "2020-01-01", "owner": cast.secretary.pk}, **EN
    )
    assert "The deadline cannot be in the past." in response.content.decode()
    with as_tenant(cast.tenant_a):
        assert not talks["answered"].rectification_links.exists()


def test_planning_a_talk_and_recording_it_later(cast, as_tenant) -> None:
    client = cast.client_for("assessor")
    response = client.post(
        reverse("interviews:plan"),
        {"community": cast.community_a12.pk, "kind": "special", "planned_for": "2026-12-01", "reason": "加装电梯协调"},
    )  # fmt: skip
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        talk = Talk.objects.get()
    assert talk.status == "planned"
    # Another street's community is not a choice for this assessor.
    response = client.post(
        reverse("interviews:plan"),
        {"community": cast.community_a21.pk, "kind": "routine", "planned_for": "2026-12-01"},
    )
    assert response.status_code == 200
    with as_tenant(cast.tenant_a):
        assert Talk.objects.count() == 1


def test_the_latency_page_shows_the_distribution(cast, talks) -> None:
    response = cast.client_for("admin").get(
        reverse("interviews:latency"), {"start": "2026-01-01"}, **EN
    )
    report = response.context["report"]
    assert (report.overall.answered, report.overall.overdue) == (1, 3)
    body = response.content.decode()
    assert "90th percentile" in body and "latency-data" in body


def test_the_themes_page_charts_the_needs(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    with as_tenant(cast.tenant_a), django_capture_on_commit_callbacks(execute=True):
        record(cast, cast.community_a11, D(2026, 3, 2), notes=ELDERLY_AND_LIFT)
        record(cast, cast.community_a12, D(2026, 5, 2), notes="独居老人助餐需求大")
    response = cast.client_for("leader").get(reverse("interviews:themes"), {"start": "2026-01-01"})
    chart = response.context["chart"]
    assert chart.totals[0] == ("养老服务", 2, 2)
    assert chart.quarters == ["2026Q1", "2026Q2"]
    assert chart.series["养老服务"] == [1, 1]
    assert chart.series["老旧小区加装电梯"] == [1, 0]
    # An assessor of the other street sees none of it.
    response = cast.client_for("assessor_a2").get(reverse("interviews:themes"), {"start": "2026-01-01"})  # fmt: skip
    assert response.context["chart"].totals == []


def test_a_bad_period_is_refused_clearly(cast) -> None:
    response = cast.client_for("admin").get(
        reverse("interviews:themes"), {"start": "2026-05-01", "end": "2026-01-01"}, **EN
    )
    assert "The start of the period comes after its end." in response.content.decode()


def test_the_admin_edits_themes_and_the_due_days(cast, as_tenant) -> None:
    client = cast.client_for("admin")
    response = client.post(
        reverse("interviews:theme_create"), {"name": "社区食堂", "keywords": "社区食堂，饭堂 食堂", "order": 1, "is_active": "on"}
    )  # fmt: skip
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        assert DemandTheme.objects.get(name="社区食堂").keywords == ["社区食堂", "饭堂", "食堂"]
    response = client.post(
        reverse("interviews:theme_create"), {"name": "社区食堂", "keywords": "x", "order": 0}, **EN
    )
    assert "A theme with this name already exists." in response.content.decode()
    response = client.post(
        reverse("interviews:settings"), {"feedback_due_days": 500, "routine_per_quarter": 1}, **EN
    )
    assert "Feedback is due within 1 to 90 days." in response.content.decode()
    client.post(reverse("interviews:settings"), {"feedback_due_days": 10, "routine_per_quarter": 2})
    with as_tenant(cast.tenant_a):
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
    assert talk.feedback_due == D(2026, 3, 12)


def test_the_secretarys_list_has_a_pinned_query_count(
    cast, as_tenant, django_assert_max_num_queries
) -> None:
    from interviews import services
    from organizations.selectors import actor_for_user

    with as_tenant(cast.tenant_a):
        for n in range(30):
            talk = record(cast, cast.community_a11, D(2026, 1, 1) + dt.timedelta(days=n))
            services.talk_raise_rectification(
                actor=actor_for_user(cast.assessor), talk=talk, title=f"整改{n}",
                deadline=timezone.localdate() + dt.timedelta(days=5), owner=cast.secretary,
            )  # fmt: skip
    client = cast.client_for("secretary")
    # Session, user, memberships, secretary record, count, talks, links, rectifications: 8
    # whatever the number of talks; plus the request's savepoints (4) and, on PostgreSQL,
    # the RLS setting.
    with django_assert_max_num_queries(13 if connection.vendor == "sqlite" else 14):
        response = client.get(reverse("interviews:mine"))
    assert len(response.context["page"].object_list) == 25
    assert "整改29" in response.content.decode()
