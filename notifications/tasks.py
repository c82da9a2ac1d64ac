"""Notification jobs: deadline reminders and the daily digest, per tenant."""

from __future__ import annotations

from django.utils import timezone

from alerts.tasks import for_each_active_tenant
from config.celery import app
from notifications import services
from organizations.tasks_base import tenant_task


@tenant_task(name="notifications.daily")
def daily_notifications(tenant_id: int) -> dict[str, int]:
    today = timezone.localdate()
    reminders = services.send_deadline_reminders(tenant_id=tenant_id, today=today)
    digests = services.send_daily_digests(tenant_id=tenant_id, day=today)
    return {"reminders": reminders, "digests": digests}


@app.task(name="notifications.daily_all_tenants")
def daily_all_tenants() -> int:
    return for_each_active_tenant(daily_notifications)
