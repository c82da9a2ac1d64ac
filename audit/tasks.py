import logging

from celery import shared_task

from audit.selectors import verify_all_chains

logger = logging.getLogger(__name__)


@shared_task(name="audit.tasks.verify_audit_chains")
def verify_audit_chains() -> list[str]:
    """Nightly: verify every chain; log loudly and return the codes of broken tenants."""
    broken = []
    for tenant, chain_break in verify_all_chains().items():
        if chain_break is not None:
            broken.append(tenant.code)
            logger.error(
                "Audit chain of tenant %s broken at record %s (seq %s): %s",
                tenant.code,
                chain_break.record_id,
                chain_break.seq,
                chain_break.reason,
            )
    return broken
