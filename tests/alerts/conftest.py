from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from assessments.models import Assessment, Cycle, Result
from organizations.models import OrgUnit, Secretary
from organizations.rls import tenant_context
from tests.assessments.workflow import published_scheme, secretary_for

TODAY = dt.date(2026, 10, 15)


class Quarters:
    """Published quarterly results for tenant A's communities, built straight as rows."""

    def __init__(self, cast: Any) -> None:
        self.cast = cast
        with tenant_context(cast.tenant_a.pk):
            self.scheme = published_scheme(cast)
            for community in (cast.community_a12, cast.community_a22):
                secretary_for(cast, community)
            self.secretaries = {
                s.community_id: s for s in Secretary.objects.filter(tenant=cast.tenant_a)
            }

    def publish(
        self,
        year: int,
        quarter: int,
        totals: dict[OrgUnit, str],
        *,
        vetoed: tuple[OrgUnit, ...] = (),
        state: str = Assessment.State.PUBLISHED,
    ) -> dict[int, Result]:
        tenant = self.cast.tenant_a
        with tenant_context(tenant.pk):
            start = dt.date(year, 3 * quarter - 2, 1)
            cycle, _ = Cycle.objects.get_or_create(
                tenant=tenant, kind=Cycle.Kind.QUARTERLY, year=year, quarter=quarter,
                defaults={"name": f"{year}Q{quarter}", "scheme": self.scheme, "starts_on": start,
                          "ends_on": start + dt.timedelta(days=89)},
            )  # fmt: skip
            results = {}
            for community, total in totals.items():
                secretary = self.secretaries[community.pk]
                assessment, _ = Assessment.objects.update_or_create(
                    cycle=cycle, secretary=secretary,
                    defaults={"tenant": tenant, "scheme": self.scheme, "community": community,
                              "street": community.parent, "community_type": community.community_type,
                              "career_stage": secretary.career_stage, "state": state},
                )  # fmt: skip
                results[community.pk], _ = Result.objects.update_or_create(
                    assessment=assessment,
                    defaults={"tenant": tenant, "street": community.parent, "total": Decimal(total),
                              "base_total": Decimal(total), "complete": True,
                              "vetoed": community in vetoed, "categories": {"jichu": total}},
                )  # fmt: skip
        return results


@pytest.fixture
def quarters(cast: Any) -> Quarters:
    return Quarters(cast)
