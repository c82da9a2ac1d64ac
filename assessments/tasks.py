"""Background jobs of the assessment workflow: thin, idempotent wrappers around services."""

from assessments import services
from organizations.tasks_base import tenant_task


@tenant_task(name="assessments.open_cycle_assessments")
def open_cycle_assessments(tenant_id: int, cycle_id: int) -> int:
    return services.create_assessments(cycle_id=cycle_id)


@tenant_task(name="assessments.recompute_cycle_results")
def recompute_cycle_results(tenant_id: int, cycle_id: int) -> int:
    return services.recompute_cycle(cycle_id=cycle_id)
