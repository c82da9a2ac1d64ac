"""notify(): idempotent per recipient, verb, link and day; email at once or in the daily
digest; reminders before deadlines; the bell; a user sees only their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Rectification
from notifications import services
from notifications.models import Notification, Preference
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user

pytestmark = pytest.mark.django_db


def _notify(cast, recipients, **kwargs):
    with tenant_context(cast.tenant_a.pk):
        return services.notify(
            tenant_id=cast.tenant_a.pk, recipients=recipients, verb=kwargs.pop("verb", "test"),
            title=kwargs.pop("title", "三色预警"), **kwargs,
        )  # fmt: skip


def test_notify_is_idempotent_per_recipient_verb_url_and_day(cast) -> None:
    assert _notify(cast, [cast.admin, cast.leader, cast.admin], url="/warnings/1/") == 2
    assert _notify(cast, [cast.admin, cast.leader], url="/warnings/1/") == 0
    assert _notify(cast, [cast.admin], url="/warnings/2/") == 1
    with tenant_context(cast.tenant_a.pk):
        assert Notification.objects.count() == 3


def test_notify_skips_users_of_another_tenant(cast) -> None:
    assert _notify(cast, [cast.admin_b]) == 0


def test_email_at_once_in_the_digest_or_not_at_all(
    cast, django_capture_on_commit_callbacks
) -> None:
    for user, email in (
        (cast.admin, "immediate"),
        (cast.leader, "digest"),
        (cast.assessor, "none"),
    ):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
        with tenant_context(cast.tenant_a.pk):
            services.preference_set(actor=actor_for_user(user), email=email)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(cast, [cast.admin, cast.leader, cast.assessor], email=True, body="请处理")
    assert [m.to for m in mail.outbox] == [["a-admin@example.gov.cn"]]
    with django_capture_on_commit_callbacks(execute=True), tenant_context(cast.tenant_a.pk):
        assert (
            services.send_daily_digests(tenant_id=cast.tenant_a.pk, day=timezone.localdate()) == 1
        )
    assert mail.outbox[-1].to == ["a-leader@example.gov.cn"] and "三色预警" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True), tenant_context(cast.tenant_a.pk):
        assert (
            services.send_daily_digests(tenant_id=cast.tenant_a.pk, day=timezone.localdate()) == 0
        )
    assert len(mail.outbox) == 2


def test_a_bad_preference_is_refused(cast) -> None:
    from django.core.exceptions import ValidationError

    with tenant_context(cast.tenant_a.pk), pytest.raises(ValidationError):
        services.preference_set(actor=actor_for_user(cast.admin), email="pigeon")
    response = cast.client_for("admin").post(
        reverse("notifications:preferences"), {"email": "pigeon"}
    )
    assert response.status_code == 400
    with tenant_context(cast.tenant_a.pk):
        assert not Preference.objects.exists()


def test_reminders_before_rectification_deadlines(cast) -> None:
    today = timezone.localdate()
    with tenant_context(cast.tenant_a.pk):
        common = {
            "tenant": cast.tenant_a,
            "street": cast.street_a1,
            "community": cast.community_a11,
            "owner": cast.secretary,
        }
        Rectification.objects.create(
            **common, title="一周内", deadline=today + dt.timedelta(days=7)
        )
        Rectification.objects.create(
            **common, title="八天后", deadline=today + dt.timedelta(days=8)
        )
        assert services.send_deadline_reminders(tenant_id=cast.tenant_a.pk, today=today) == 1
        assert services.send_deadline_reminders(tenant_id=cast.tenant_a.pk, today=today) == 0
        (reminder,) = Notification.objects.all()
    assert reminder.recipient == cast.secretary and "一周内" in reminder.title


def test_the_bell_shows_the_unread_count_and_reading_clears_it(
    cast, django_assert_max_num_queries
) -> None:
    _notify(cast, [cast.assessor], url=reverse("alerts:list"))
    client = cast.client_for("assessor")
    assert reverse("notifications:badge") in client.get(reverse("home")).content.decode()
    client.get(reverse("notifications:badge"))
    with django_assert_max_num_queries(10):  # session, user, roles, tenant, the count; savepoints
        badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-testid="unread-count">1<' in badge
    assert (
        "unread-count"
        not in cast.client_for("admin").get(reverse("notifications:badge")).content.decode()
    )
    with tenant_context(cast.tenant_a.pk):
        pk = Notification.objects.get().pk
    assert client.post(reverse("notifications:read", args=[pk]))["Location"] == reverse(
        "alerts:list"
    )
    assert "unread-count" not in client.get(reverse("notifications:badge")).content.decode()


def test_api_lists_only_the_users_own(cast) -> None:
    _notify(cast, [cast.admin, cast.leader], verb="mine")
    response = cast.client_for("leader").get(reverse("notification-list"), {"unread": "true"})
    assert [row["verb"] for row in response.json()["results"]] == ["mine"]
    with tenant_context(cast.tenant_a.pk):
        admins = Notification.objects.get(recipient=cast.admin).pk
    assert (
        cast.client_for("leader").get(reverse("notification-detail", args=[admins])).status_code
        == 404
    )
    assert cast.client_for("leader").post(reverse("notification-read-all")).json() == {"marked": 1}


def test_list_is_paginated_with_a_pinned_query_count(cast, django_assert_max_num_queries) -> None:
    for n in range(35):
        _notify(cast, [cast.admin], verb=f"v{n}")
    client = cast.client_for("admin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200 and response.content.decode().count("list-group-item ") == 30


def test_the_daily_job_reminds_each_tenant_once(cast) -> None:
    from notifications.tasks import daily_all_tenants

    today = timezone.localdate()
    with tenant_context(cast.tenant_a.pk):
        Rectification.objects.create(
            tenant=cast.tenant_a, street=cast.street_a1, community=cast.community_a11,
            owner=cast.secretary, title="明日到期", deadline=today + dt.timedelta(days=1),
        )  # fmt: skip
    assert daily_all_tenants.apply().get() == 2
    assert daily_all_tenants.apply().get() == 2
    with tenant_context(cast.tenant_a.pk):
        assert Notification.objects.filter(recipient=cast.secretary).count() == 1
