"""Warnings read the talks where they are kept: routine talks and overdue feedback feed the
rules, an escalation plans its special talk, and feedback deadlines are reminded."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alerts import services
from alerts.models import Escalation
from alerts.selectors import gather_talk_signals
from interviews.models import Talk
from interviews.selectors import talk_signals
from notifications.selectors import feedback_deadlines
from tests.interviews.talks import record


def test_the_talk_rules_read_the_talks(cast, as_tenant) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    with as_tenant(cast.tenant_a):
        record(cast, cast.community_a11, today - dt.timedelta(days=3))  # routine, feedback due
        record(cast, cast.community_a11, today - dt.timedelta(days=20))  # feedback overdue
        record(cast, cast.community_a21, today - dt.timedelta(days=10), feedback_on=today)
        signals = gather_talk_signals(
            tenant_id=cast.tenant_a.pk, start=start, end=today, today=today
        )
        source = talk_signals(tenant_id=cast.tenant_a.pk, start=start, end=today, today=today)
    assert signals[cast.community_a11.pk] == (2, 1)
    assert signals[cast.community_a21.pk] == (1, 0)
    assert {c: tuple(s) for c, s in source.items()} == {c: tuple(s) for c, s in signals.items()}


def test_an_escalation_plans_its_special_talk_once(cast, as_tenant) -> None:
    today = timezone.localdate()
    with as_tenant(cast.tenant_a):
        escalation = Escalation.objects.create(
            tenant=cast.tenant_a, street=cast.street_a1, community=cast.community_a11,
            period="2026Q3", quarters=3,
        )  # fmt: skip
        assert services.escalations_schedule_talks(tenant_id=cast.tenant_a.pk, today=today) == 1
        escalation.refresh_from_db()
        talk = Talk.objects.get(pk=escalation.talk_id)
        assert (talk.kind, talk.status, talk.community_id) == (
            "special",
            "planned",
            cast.community_a11.pk,
        )
        assert talk.planned_for == today + dt.timedelta(days=7)
        assert "2026Q3" in talk.reason
        assert escalation.status == Escalation.Status.SCHEDULED
        # Run again: nothing more is planned.
        assert services.escalations_schedule_talks(tenant_id=cast.tenant_a.pk, today=today) == 0
        assert Talk.objects.filter(kind="special").count() == 1


def test_feedback_falling_due_is_reminded_to_who_recorded_the_talk(cast, as_tenant) -> None:
    today = timezone.localdate()
    with as_tenant(cast.tenant_a):
        waiting = record(cast, cast.community_a11, today - dt.timedelta(days=5))
        record(cast, cast.community_a12, today - dt.timedelta(days=5), feedback_on=today)
        due = feedback_deadlines(
            tenant_id=cast.tenant_a.pk, start=today, end=today + dt.timedelta(days=7)
        )
    assert [(d.key, d.recipient, d.due_on) for d in due] == [
        (str(waiting.pk), cast.assessor, waiting.feedback_due)
    ]
    assert due[0].url == f"/talks/{waiting.pk}/"
