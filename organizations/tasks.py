from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app


@app.task(name="organizations.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Nightly: drop expired sessions (they hold no tenant data, so no tenant scope is needed)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
