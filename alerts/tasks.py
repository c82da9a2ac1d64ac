"""Warning jobs: thin, idempotent wrappers around the evaluation service."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alerts import services
from config.celery import app
from organizations.models import Tenant
from organizations.tasks_base import tenant_task


@tenant_task(name="alerts.evaluate_tenant")
def evaluate_tenant_alerts(tenant_id: int) -> dict[str, int]:
    summary = services.evaluate_tenant(tenant_id=tenant_id)
    return {
        "created": summary.created,
        "updated": summary.updated,
        "resolved": summary.resolved,
        "escalated": summary.escalated,
    }


@app.task(name="alerts.evaluate_all_tenants")
def evaluate_all_tenants() -> int:
    """Nightly: one evaluation job per active tenant (tenants are not tenant-owned rows)."""
    return for_each_active_tenant(evaluate_tenant_alerts)


def for_each_active_tenant(task: Any) -> int:
    """Enqueue ``task(tenant_id)`` once per active tenant; how many were enqueued."""
    tenant_ids = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        task.delay(tenant_id)
    return len(tenant_ids)


@tenant_task(name="alerts.schedule_special_talks")
def schedule_special_talks(tenant_id: int) -> int:
    """Plan the special talks of new circuit-breaker escalations."""
    return services.escalations_schedule_talks(tenant_id=tenant_id, today=timezone.localdate())
