"""The Celery app. The beat schedule lives here and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("kaoping", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "verify-audit-chains-nightly": {
        "task": "audit.tasks.verify_audit_chains",
        "schedule": crontab(hour=2, minute=30),
    },
    "clear-expired-sessions-nightly": {
        "task": "organizations.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=0),
    },
    "evaluate-warnings-nightly": {
        "task": "alerts.evaluate_all_tenants",
        "schedule": crontab(hour=1, minute=30),
    },
    "notification-reminders-and-digests-daily": {
        "task": "notifications.daily_all_tenants",
        "schedule": crontab(hour=7, minute=0),
    },
}
