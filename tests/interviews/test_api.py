"""The talks API: recording, feedback, rectifications, planning, latency and theme figures;
scopes across streets, secretaries and tenants; bad input; list query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews.models import Talk, TalkParticipant
from tests.interviews.talks import D, record
from tests.interviews.test_text import TRADITIONAL

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def test_recording_a_talk_returns_it_and_themes_follow(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    body = {
        "community": cast.community_a11.pk, "kind": "duty", "held_on": "2026-03-02",
        "participants": [cast.secretary.pk], "steps": {"step_plan": "分三步推进"},
        "notes": TRADITIONAL,
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(cast.client_for("assessor"), reverse("talk-list"), body)
    assert response.status_code == 201, response.json()
    data = response.json()
    # The response comes before the extraction: no themes yet, one job waiting for the commit.
    assert data["themes"] == [] and len(callbacks) == 1
    assert (data["step_plan"], data["feedback_due"], data["participants"]) == ("分三步推进", "2026-03-09", [cast.secretary.pk])  # fmt: skip
    callbacks[0]()
    detail = cast.client_for("assessor").get(reverse("talk-detail", args=[data["id"]])).json()
    assert set(detail["themes"]) == {"养老服务", "老旧小区加装电梯", "停车难", "物业纠纷"}


def test_bad_input_over_the_api_changes_nothing(cast, as_tenant) -> None:
    client = cast.client_for("assessor")
    body = {"community": cast.community_a11.pk, "kind": "routine", "held_on": "2026-03-02"}
    response = _post(client, reverse("talk-list"), {**body, "participants": [cast.assessor_b.pk]}, **EN)  # fmt: skip
    assert response.status_code == 400
    assert "participants" in response.json()
    response = _post(client, reverse("talk-list"), {**body, "steps": {"step_x": "?"}}, **EN)
    assert response.status_code == 400
    assert response.json()["steps"] == ["Unknown step: step_x."]
    with as_tenant(cast.tenant_a):
        assert not Talk.objects.exists() and not TalkParticipant.objects.exists()
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
    response = _post(
        client, reverse("talk-feedback", args=[talk.pk]),
        {"feedback": "反馈", "feedback_on": "2026-03-01"}, **EN,
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["feedback_on"] == ["Feedback cannot be given before the talk (held on 2026-03-02)."]  # fmt: skip
    with as_tenant(cast.tenant_a):
        talk.refresh_from_db()
        assert talk.feedback_on is None


def test_feedback_and_a_rectification_over_the_api(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        talk = record(cast, cast.community_a11, D(2026, 3, 2))
    client = cast.client_for("assessor")
    response = _post(
        client, reverse("talk-feedback", args=[talk.pk]), {"feedback": "已反馈", "feedback_on": "2026-03-05"}
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["feedback_on"] == "2026-03-05"
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = _post(
        client, reverse("talk-rectifications", args=[talk.pk]),
        {"title": "消防通道清理", "deadline": deadline, "owner": cast.secretary.pk},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["source"] == "talk"
    rectification = response.json()["id"]
    assert client.get(reverse("talk-detail", args=[talk.pk])).json()["rectifications"] == [rectification]  # fmt: skip
    # It is in the assessments' list of rectifications too.
    listed = client.get(reverse("rectification-list")).json()["results"]
    assert rectification in [row["id"] for row in listed]


def test_scopes_over_the_api(cast, as_tenant) -> None:
    with as_tenant(cast.tenant_a):
        mine = record(cast, cast.community_a11, D(2026, 3, 2))
        other_street = record(cast, cast.community_a21, D(2026, 3, 2))
    url = reverse("talk-detail", args=[other_street.pk])
    assert cast.client_for("assessor").get(url).status_code == 404
    assert cast.client_for("secretary").get(url).status_code == 404
    assert cast.client_for("admin_b").get(url).status_code == 404
    assert (
        cast.client_for("secretary").get(reverse("talk-detail", args=[mine.pk])).status_code == 200
    )
    ids = [
        row["id"]
        for row in cast.client_for("secretary").get(reverse("talk-list")).json()["results"]
    ]
    assert ids == [mine.pk]
    # A body naming another street's community is refused like a missing one.
    response = _post(
        cast.client_for("assessor"), reverse("talk-plan"),
        {"community": cast.community_a21.pk, "kind": "special", "planned_for": "2026-12-01"},
    )  # fmt: skip
    assert response.status_code == 400 and "community" in response.json()


def test_the_list_query_count_does_not_grow(cast, as_tenant, django_assert_max_num_queries) -> None:
    with as_tenant(cast.tenant_a):
        for n in range(12):
            record(
                cast,
                cast.community_a11,
                D(2026, 1, 1) + dt.timedelta(days=n),
                participants=[cast.secretary],
            )
    client = cast.client_for("admin")
    # Session, user, memberships, count, talks, participants, themes (and their names when
    # there are some), links: at most 9 whatever the number of talks; plus the request's
    # savepoints (4) and, on PostgreSQL, the RLS setting.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("talk-list"))
    assert response.json()["count"] == 12


def test_latency_and_themes_figures_over_the_api(
    cast, as_tenant, django_capture_on_commit_callbacks
) -> None:
    with as_tenant(cast.tenant_a), django_capture_on_commit_callbacks(execute=True):
        record(cast, cast.community_a11, D(2026, 1, 5), feedback_on=D(2026, 1, 8), notes="空巢老人")
        record(
            cast, cast.community_a21, D(2026, 1, 5), feedback_on=D(2026, 2, 14), notes="加装电梯"
        )
    client = cast.client_for("admin")
    data = client.get(reverse("talk-latency"), {"start": "2026-01-01"}).json()
    assert data["overall"]["buckets"] == {"≤3": 1, "4-7": 0, "8-14": 0, "15-30": 0, ">30": 1}
    assert (data["overall"]["median"], data["overall"]["p90"], data["overall"]["mean"]) == ("21.5", 40, "21.5")  # fmt: skip
    assert [s["street_name"] for s in data["streets"]] == ["甲一街道", "甲二街道"]
    themes = client.get(reverse("talk-themes"), {"start": "2026-01-01"}).json()
    assert {row["theme"] for row in themes["totals"]} == {"养老服务", "老旧小区加装电梯"}
    assert themes["quarters"] == ["2026Q1"]
    bad = client.get(reverse("talk-latency"), {"start": "2026-05-01", "end": "2026-01-01"}, **EN)
    assert bad.status_code == 400
    assert cast.client_for("secretary").get(reverse("talk-latency")).status_code == 403


def test_themes_and_policy_over_the_api(cast, as_tenant) -> None:
    client = cast.client_for("admin")
    response = _post(
        client, reverse("demand-theme-list"), {"name": "社区食堂", "keywords": ["食堂"]}
    )
    assert response.status_code == 201
    theme = response.json()["id"]
    response = client.patch(
        reverse("demand-theme-detail", args=[theme]),
        {"keywords": []},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.patch(
        reverse("demand-theme-detail", args=[theme]),
        {"keywords": ["饭堂"]},
        content_type="application/json",
    )
    assert response.json()["keywords"] == ["饭堂"]
    assert (
        cast.client_for("admin_b").get(reverse("demand-theme-detail", args=[theme])).status_code
        == 404
    )
    assert _post(cast.client_for("assessor"), reverse("demand-theme-list"), {"name": "x", "keywords": ["x"]}).status_code == 403  # fmt: skip
    assert client.get(reverse("talk-policy-list")).json() == {"feedback_due_days": 7, "routine_per_quarter": 1}  # fmt: skip
    response = _post(client, reverse("talk-policy-list"), {"feedback_due_days": 95, "routine_per_quarter": 1}, **EN)  # fmt: skip
    assert response.status_code == 400
    assert response.json()["feedback_due_days"] == ["Feedback is due within 1 to 90 days."]
    assert _post(client, reverse("talk-policy-list"), {"feedback_due_days": 5, "routine_per_quarter": 2}).status_code == 200  # fmt: skip
    assert (
        cast.client_for("admin_b").get(reverse("talk-policy-list")).json()["feedback_due_days"] == 7
    )


def test_the_schema_still_generates(cast) -> None:
    response = cast.client_for("admin").get(reverse("schema"))
    assert response.status_code == 200
    assert b"/api/talks/{id}/feedback/" in response.content
