"""Report jobs: thin, idempotent, each with a time limit so a report that will not render
cannot hold a worker (the soft limit lets a batch record its failure before the hard one)."""

from __future__ import annotations

from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.models import Assessment, Cycle
from organizations.models import OrgUnit
from organizations.tasks_base import tenant_task
from reports import services

SINGLE_LIMITS: dict[str, Any] = {"soft_time_limit": 60, "time_limit": 90}
BATCH_LIMITS: dict[str, Any] = {
    "soft_time_limit": settings.REPORT_BATCH_TIME_LIMIT - 2 * 60,
    "time_limit": settings.REPORT_BATCH_TIME_LIMIT,
}


@tenant_task(name="reports.build_scorecard", **SINGLE_LIMITS)
def build_scorecard(tenant_id: int, assessment_id: int) -> int:
    assessment = Assessment.objects.select_related(
        "cycle", "scheme", "street", "community", "secretary__user"
    ).get(pk=assessment_id, tenant_id=tenant_id)
    return services.scorecard_build(assessment=assessment).pk


@tenant_task(name="reports.build_summary", **SINGLE_LIMITS)
def build_summary(tenant_id: int, cycle_id: int, street_id: int | None) -> int:
    cycle = Cycle.objects.get(pk=cycle_id, tenant_id=tenant_id)
    street = OrgUnit.objects.get(pk=street_id, tenant_id=tenant_id) if street_id else None
    return services.summary_build(cycle=cycle, street=street).pk


@tenant_task(name="reports.build_batch", **BATCH_LIMITS)
def build_batch(tenant_id: int, batch_id: int) -> None:
    """Queues one ``build_batch_item`` per scorecard (see services.batch_run)."""
    try:
        services.batch_run(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        with translation.override(services.REPORT_LANGUAGE):
            services.batch_fail(batch_id=batch_id, message=_("The batch ran out of time."))


@tenant_task(name="reports.build_batch_item", **SINGLE_LIMITS)
def build_batch_item(tenant_id: int, batch_id: int, assessment_id: int) -> None:
    services.batch_item_build(batch_id=batch_id, assessment_id=assessment_id)


@tenant_task(name="reports.finish_batch", **BATCH_LIMITS)
def finish_batch(tenant_id: int, batch_id: int) -> None:
    try:
        services.batch_finish(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        with translation.override(services.REPORT_LANGUAGE):
            services.batch_fail(batch_id=batch_id, message=_("The batch ran out of time."))
