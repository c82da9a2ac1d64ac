"""Reads for notifications: a user's own, and the deadlines reminders are sent for."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import QuerySet
from django.urls import reverse

from notifications.models import Notification, Preference
from organizations.models import User
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor


class FeedbackDue(NamedTuple):
    """Talk feedback falling due: who gives it, by when, and where to do it."""

    key: str
    recipient: User
    due_on: dt.date
    title: str
    url: str


def feedback_deadlines(*, tenant_id: int, start: dt.date, end: dt.date) -> list[FeedbackDue]:
    """Talk feedback due between ``start`` and ``end`` and not yet given, to the assessor
    who recorded the talk (talks the system planned have no one to remind)."""
    from interviews.models import Talk

    talks = (
        Talk.objects.filter(
            tenant_id=tenant_id,
            feedback_on__isnull=True,
            feedback_due__gte=start,
            feedback_due__lte=end,
            created_by__isnull=False,
        )
        .select_related("created_by", "community")
        .order_by("feedback_due", "pk")
    )
    return [
        FeedbackDue(
            key=str(talk.pk),
            recipient=talk.created_by,
            due_on=talk.feedback_due,
            title=f"{talk.community.name} · {talk.get_kind_display()}",
            url=reverse("interviews:detail", args=[talk.pk]),
        )
        for talk in talks
        if talk.created_by is not None and talk.feedback_due is not None
    ]


def notification_list_for_actor(*, actor: Actor | None) -> QuerySet[Notification]:
    return Notification.objects.for_actor(actor)


def notification_get_for_actor(*, actor: Actor | None, pk: int) -> Notification:
    return get_scoped_or_404(notification_list_for_actor(actor=actor), pk=pk)


def unread_count(*, actor: Actor | None) -> int:
    if actor is None:
        return 0
    return notification_list_for_actor(actor=actor).filter(read_at__isnull=True).count()


def email_choice(*, actor: Actor) -> str:
    row = Preference.objects.for_actor(actor).first()
    return row.email if row is not None else Preference.Email.IMMEDIATE
