"""Background jobs of the assessment workflow: thin, idempotent wrappers around services."""

from typing import Any

from assessments import services
from assessments.models import JobProgress
from assessments.selectors import cycle_open_job_key
from organizations.rls import tenant_context
from organizations.tasks_base import tenant_task


def _opening_failed(
    task: Any, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
) -> None:
    """Celery's failure hook (retries spent): the progress bar shows the job failed."""
    tenant_id, cycle_id = args[0], args[1]
    with tenant_context(tenant_id):
        JobProgress.objects.filter(
            tenant_id=tenant_id, key=cycle_open_job_key(cycle_id), finished=False
        ).update(message=f"{type(exc).__name__}: {exc}"[:1000])


OPEN_STEP = 200


@tenant_task(
    name="assessments.open_cycle_assessments", on_failure=_opening_failed, one_transaction=False
)
def open_cycle_assessments(tenant_id: int, cycle_id: int) -> int:
    """One transaction per step of OPEN_STEP assessments: the progress bar, read by another
    connection, moves as they are created. Each step creates only what is missing."""
    created = 0
    while True:
        with tenant_context(tenant_id):
            step = services.create_assessments(cycle_id=cycle_id, limit=OPEN_STEP)
        created += step
        if step < OPEN_STEP:
            return created


@tenant_task(name="assessments.recompute_cycle_results")
def recompute_cycle_results(tenant_id: int, cycle_id: int) -> int:
    return services.recompute_cycle(cycle_id=cycle_id)
