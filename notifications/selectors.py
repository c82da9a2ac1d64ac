"""Reads for notifications: a user's own, and the deadlines reminders are sent for."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import QuerySet

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
    """Talk feedback due between ``start`` and ``end``. Talks (interviews) provide these;
    where no talks are kept there are none."""
    return []


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
