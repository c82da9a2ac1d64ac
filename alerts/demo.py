"""Demo warnings: a serious incident in the first community and one evaluation, so the heat
map and the bell have something to show on a first run. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alerts import services
from alerts.models import Incident
from organizations.models import Membership, OrgUnit, Tenant
from organizations.rls import tenant_context
from organizations.tenancy import Role


def seed_demo_alerts(tenant: Tenant) -> None:
    with tenant_context(tenant.pk):
        if Incident.objects.filter(tenant=tenant).exists():
            return
        community = (
            OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.COMMUNITY)
            .order_by("code")
            .first()
        )
        admin = (
            Membership.objects.filter(tenant=tenant, role=Role.TENANT_ADMIN).order_by("pk").first()
        )
        if community is None or admin is None:
            return
        Incident.objects.create(
            tenant=tenant, street_id=community.parent_id, community=community, kind=Incident.Kind.FOOD_SAFETY,
            title="社区老年食堂食物中毒事件", occurred_on=timezone.localdate() - dt.timedelta(days=10),
            reported_by_id=admin.user_id,
        )  # fmt: skip
        services.evaluate_tenant(tenant_id=tenant.pk)
