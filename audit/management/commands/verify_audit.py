from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditRecord
from audit.selectors import verify_all_chains
from organizations.rls import tenant_context


class Command(BaseCommand):
    help = "Verify every tenant's audit chain and name the first broken record."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = []
        for tenant, chain_break in verify_all_chains().items():
            with tenant_context(tenant.pk):
                count = AuditRecord.objects.filter(tenant_id=tenant.pk).count()
            if chain_break is None:
                self.stdout.write(f"ok      {tenant.code}: {count} records")
            else:
                broken.append(tenant.code)
                self.stdout.write(
                    f"BROKEN  {tenant.code}: first broken record id={chain_break.record_id} "
                    f"seq={chain_break.seq}: {chain_break.reason}"
                )
        if broken:
            raise CommandError(f"Audit chain broken in: {', '.join(broken)}")
