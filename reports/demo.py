"""Demo reports: 幸福里's scorecard for the last published quarter and the district's summary
of that quarter, built at once (what the download buttons would queue), so the first
download is immediate. Safe to run again: a report is built again only when its inputs
changed."""

from __future__ import annotations

from assessments.demo import demo_cycles
from assessments.models import Assessment
from organizations.models import Tenant
from organizations.rls import tenant_context
from reports import services
from reports.models import ReportArtifact


def seed_demo_reports(tenant: Tenant) -> int:
    """Build (or keep) the two PDFs; returns the reports the tenant has."""
    with tenant_context(tenant.pk):
        cycles = demo_cycles(tenant)
        if cycles is None:
            return 0
        latest = cycles.published[-1]
        services.scorecard_build(
            assessment=Assessment.objects.get(cycle=latest, community__code="xingfuli")
        )
        services.summary_build(cycle=latest, street=None)
        return ReportArtifact.objects.filter(tenant=tenant).count()
