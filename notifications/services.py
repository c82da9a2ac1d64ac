"""Writes for notifications: ``notify`` (called by every app), marking read, preferences,
the daily digest and deadline reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification, Preference
from organizations.models import User
from organizations.tenancy import Actor

Email = Preference.Email


def _email_choices(tenant_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        Preference.objects.filter(tenant_id=tenant_id, user_id__in=list(user_ids)).values_list(
            "user_id", "email"
        )
    )


@transaction.atomic
def notify(
    *,
    tenant_id: int,
    recipients: Iterable[User],
    verb: str,
    title: str,
    url: str = "",
    body: str = "",
    email: bool = False,
) -> int:
    """Notify users in the app (and by email when ``email``); returns how many were created.

    Idempotent per (recipient, verb, url, day): a second call the same day with the same
    verb and link creates nothing, so jobs may call it on every run. Recipients of another
    tenant or inactive are skipped. With ``email``, users who chose immediate email get one
    message each once the transaction commits; users who chose the daily digest get it in
    the digest; the rest get none. Three queries whatever the number of recipients.
    """
    users = {u.pk: u for u in recipients if u.tenant_id == tenant_id and u.is_active}
    if not users:
        return 0
    today = timezone.localdate()
    existing = set(
        Notification.objects.filter(
            tenant_id=tenant_id, recipient_id__in=list(users), verb=verb, url=url, day=today
        ).values_list("recipient_id", flat=True)
    )
    fresh = [user for pk, user in users.items() if pk not in existing]
    if not fresh:
        return 0
    choices = _email_choices(tenant_id, (u.pk for u in fresh)) if email else {}
    now = timezone.now()
    mail_to = [
        u
        for u in fresh
        if email and u.email and choices.get(u.pk, Email.IMMEDIATE) == Email.IMMEDIATE
    ]
    mailed = {u.pk for u in mail_to}
    Notification.objects.bulk_create(
        [
            Notification(
                tenant_id=tenant_id,
                recipient=u,
                verb=verb,
                title=title[:200],
                body=body,
                url=url,
                day=today,
                created_at=now,
                emailed_at=now if u.pk in mailed else None,
            )
            for u in fresh
        ],
        ignore_conflicts=True,
    )
    if mail_to:
        messages = [
            (title, _email_text(body, url), settings.DEFAULT_FROM_EMAIL, [u.email]) for u in mail_to
        ]
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(fresh)


def _email_text(body: str, url: str) -> str:
    # SITE_URL (optional setting) makes the link absolute in emails.
    link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{url}" if url else ""
    return "\n\n".join(part for part in (body, link) if part)


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    return Notification.objects.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, actor: Actor, email: str) -> Preference:
    from django.core.exceptions import ValidationError

    if email not in Email.values:
        raise ValidationError({"email": _("Choose how you want to receive email.")})
    preference, _created = Preference.objects.update_or_create(
        tenant_id=actor.tenant_id, user_id=actor.user_id, defaults={"email": email}
    )
    return preference


@transaction.atomic
def send_daily_digests(*, tenant_id: int, day: dt.date) -> int:
    """One email per digest user with their notifications not yet emailed, up to ``day``.
    Idempotent: what was sent is marked and not sent again. Returns the emails sent."""
    digest_users = Preference.objects.filter(tenant_id=tenant_id, email=Email.DIGEST).values(
        "user_id"
    )
    pending = list(
        Notification.objects.filter(
            tenant_id=tenant_id,
            recipient_id__in=digest_users,
            emailed_at__isnull=True,
            day__lte=day,
        )
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for item in pending:
        by_user[item.recipient_id].append(item)
    messages = []
    for items in by_user.values():
        user = items[0].recipient
        if not user.email or not user.is_active:
            continue
        lines = [f"- {n.title}" + (f" ({_email_text('', n.url)})" if n.url else "") for n in items]
        subject = _("Kaoping daily digest: %(n)s notifications") % {"n": len(items)}
        messages.append((subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email]))
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(messages)


def send_deadline_reminders(*, tenant_id: int, today: dt.date) -> int:
    """Remind owners of open rectifications due within the tenant's reminder days, and
    secretaries of talk feedback falling due (where talks are kept). Idempotent per day
    through ``notify``. Returns the notifications created."""
    from alerts.selectors import thresholds_for_tenant
    from assessments.models import Rectification
    from notifications.selectors import feedback_deadlines

    days = thresholds_for_tenant(tenant_id=tenant_id).rectification_due_days
    until = today + dt.timedelta(days=days)
    created = 0
    due = (
        Rectification.objects.filter(
            tenant_id=tenant_id,
            status=Rectification.Status.OPEN,
            deadline__gte=today,
            deadline__lte=until,
        )
        .select_related("owner")
        .order_by("deadline", "pk")
    )
    for item in due:
        url = (
            reverse("assessments:scorecard", args=[item.assessment_id])
            if item.assessment_id
            else ""
        )
        created += notify(
            tenant_id=tenant_id, recipients=[item.owner], verb=f"rectification.due:{item.pk}",
            title=_("Rectification due on %(day)s: %(title)s") % {"day": item.deadline, "title": item.title},
            url=url, email=True,
        )  # fmt: skip
    for feedback in feedback_deadlines(tenant_id=tenant_id, start=today, end=until):
        created += notify(
            tenant_id=tenant_id, recipients=[feedback.recipient], verb=f"talk.feedback_due:{feedback.key}",
            title=_("Talk feedback due on %(day)s: %(title)s") % {"day": feedback.due_on, "title": feedback.title},
            url=feedback.url, email=True,
        )  # fmt: skip
    return created
