"""Background jobs of the talks app: thin, idempotent wrappers around services."""

from interviews import services
from interviews.models import Talk
from organizations.tasks_base import tenant_task


@tenant_task(name="interviews.extract_talk_themes")
def extract_talk_themes(tenant_id: int, talk_id: int) -> int:
    """Idempotent: a run replaces what an earlier run of the same talk found."""
    return services.talk_extract_themes(talk_id=talk_id)


@tenant_task(name="interviews.extract_tenant_themes")
def extract_tenant_themes(tenant_id: int) -> int:
    """Read every held talk of the tenant again, after its themes changed."""
    talk_ids = Talk.objects.filter(tenant_id=tenant_id, status=Talk.Status.HELD).values_list(
        "pk", flat=True
    )
    return sum(services.talk_extract_themes(talk_id=pk) for pk in talk_ids.iterator())
