"""Demo warnings: a serious incident in the first community, and an evaluation of the rules
over everything the demo made (scores, ratings, rectifications, talks), so the heat map and
the bell have something to show on a first run. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alerts import services
from alerts.models import Alert, Incident
from organizations.demo import DEMO, demo_actor
from organizations.models import OrgUnit, Tenant
from organizations.rls import tenant_context


def seed_demo_alerts(tenant: Tenant, *, evaluate: bool = False) -> int:
    """Report the incident once and evaluate the warnings when anything was made (or
    ``evaluate``); returns the open warnings."""
    with tenant_context(tenant.pk):
        if not Incident.objects.filter(tenant=tenant).exists():
            evaluate |= _report_incident(tenant)
        if evaluate:
            services.evaluate_tenant(tenant_id=tenant.pk)
        return Alert.objects.filter(tenant=tenant).exclude(status=Alert.Status.RESOLVED).count()


def _report_incident(tenant: Tenant) -> bool:
    community = (
        OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.COMMUNITY).order_by("code").first()
    )
    if community is None:
        return False
    services.incident_report(
        actor=demo_actor(DEMO.staff[0][0]), community=community, kind=Incident.Kind.FOOD_SAFETY,
        title="社区老年食堂食物中毒事件", occurred_on=timezone.localdate() - dt.timedelta(days=10),
        description="老年食堂午餐后 6 名老人出现腹泻、呕吐，送医后无大碍；市场监管所已对留样取样送检。",
    )  # fmt: skip
    return True
