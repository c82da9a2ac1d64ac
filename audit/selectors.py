from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditRecord
from audit.services import ChainBreak, verify_chain
from organizations.models import Tenant
from organizations.rls import tenant_context


def records_for_object(
    *, tenant_id: int, object_type: str, object_id: str
) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(
        tenant_id=tenant_id, object_type=object_type, object_id=object_id
    ).order_by("seq")


def verify_all_chains() -> dict[Tenant, ChainBreak | None]:
    """Verify every tenant's chain, each under its own tenant setting (RLS)."""
    results: dict[Tenant, ChainBreak | None] = {}
    for tenant in Tenant.objects.order_by("pk"):
        with tenant_context(tenant.pk):
            records = (
                AuditRecord.objects.filter(tenant_id=tenant.pk)
                .order_by("seq")
                .iterator(chunk_size=2000)
            )
            results[tenant] = verify_chain(records)
    return results
