"""One row of every tenant-owned kind for a tenant, so probes across the tenant boundary
(row-level security, the access matrix) have something to find. Extend it when a new
tenant-owned model arrives: the RLS probe fails for a table that has no rows here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from assessments.models import Assessment, Cycle, ScoreEntry
from audit.services import audit_record
from indicators import services as scheme_services
from indicators.models import Indicator, Scheme, SpecialIndicatorChoice
from organizations.models import OrgUnit, Secretary, User
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from tests.indicators.documents import small_document


def populate_tenant(*, admin: User, secretary: User, rater: User) -> dict[str, Any]:
    tenant_id = admin.tenant_id
    actor = actor_for_user(admin)
    assert actor is not None
    with tenant_context(tenant_id):
        scheme = scheme_services.scheme_create_from_document(
            actor=actor, document=small_document("probe")
        )
        scheme = scheme_services.scheme_publish(actor=actor, scheme=scheme)
        record = Secretary.objects.get(user=secretary)
        community: OrgUnit = record.community
        cycle = Cycle.objects.create(
            tenant_id=tenant_id, kind=Cycle.Kind.QUARTERLY, year=2026, quarter=3, name="2026年第三季度",
            scheme=scheme, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        assessment = Assessment.objects.create(
            tenant_id=tenant_id, cycle=cycle, scheme=scheme, secretary=record, community=community,
            street=community.parent, community_type=community.community_type, career_stage=record.career_stage,
        )  # fmt: skip
        indicator = Indicator.objects.get(scheme=scheme, code="xinfang")
        entry = ScoreEntry.objects.create(
            tenant_id=tenant_id, assessment=assessment, indicator=indicator,
            rater_group=indicator.rater_groups.get(), rater=rater, value=Decimal(1),
        )  # fmt: skip
        choice = SpecialIndicatorChoice.objects.create(
            tenant_id=tenant_id, scheme=Scheme.objects.get(pk=scheme.pk), community=community,
            street=community.parent, proposed_name="老旧小区加装电梯", proposed_max_points=Decimal(5),
            status=SpecialIndicatorChoice.Status.PROPOSED,
        )  # fmt: skip
        audit_record(tenant_id=tenant_id, actor=admin, action="probe")
    return {
        "scheme": scheme,
        "cycle": cycle,
        "assessment": assessment,
        "entry": entry,
        "choice": choice,
    }
