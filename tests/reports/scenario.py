"""A cycle over the cast scored on an n-indicator scheme, for report tests and the bench."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal as D
from typing import Any

from assessments import services
from assessments.models import Assessment, Cycle, Rectification, ScoreEntry
from indicators import services as scheme_services
from indicators.models import Indicator, RaterGroup
from organizations.selectors import actor_for_user
from tests.assessments.workflow import three_group_document


def document(code: str, n: int) -> dict[str, Any]:
    """The three-group scheme with ``n`` indicators in two categories."""
    doc = copy.deepcopy(three_group_document())
    doc["scheme"]["code"] = code
    doc["categories"] = [
        {"code": "jichu", "name": "基础工作", "weight": D(40)},
        {"code": "fuwu", "name": "为民服务", "weight": D(35)},
        {"code": "zhili", "name": "基层治理", "weight": D(25)},
    ]
    template = doc["indicators"][0]
    cats = ["jichu", "fuwu", "zhili"]
    doc["indicators"] = [
        {**template, "category": cats[i % 3], "code": f"g{i}", "name": f"指标{i + 1}号工作落实情况",
         "max_points": D(10)}
        for i in range(n)
    ]  # fmt: skip
    return doc


def scored_cycle(
    cast: Any, n: int, *, quarter: int = 3, admin: Any = None
) -> tuple[Cycle, dict[str, Assessment]]:
    """A published n-indicator scheme, a quarter opened over tenant A's communities, every
    assessment scored by all three groups (values differ per community), results stored."""
    admin = admin or cast.admin
    actor = actor_for_user(admin)
    draft = scheme_services.scheme_create_from_document(
        actor=actor, document=document(f"r{n}q{quarter}", n)
    )
    scheme = scheme_services.scheme_publish(actor=actor, scheme=draft)
    cycle = services.cycle_open(
        actor=actor, kind="quarterly", year=2026, quarter=quarter, scheme=scheme,
        starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
    )  # fmt: skip
    assessments = {
        a.community.code: a
        for a in Assessment.objects.filter(cycle=cycle).select_related(
            "community", "street", "cycle", "scheme", "secretary__user"
        )
    }
    groups = list(RaterGroup.objects.filter(scheme=scheme))
    indicators = list(Indicator.objects.filter(scheme=scheme))
    entries = []
    for offset, assessment in enumerate(assessments.values()):
        for k, indicator in enumerate(indicators):
            for group in groups:
                rater = cast.expert if group.code == "zhuanjia" and admin == cast.admin else None
                value = D(95 - 7 * offset - (k % 4) * 3)
                entries.append(
                    ScoreEntry(tenant_id=admin.tenant_id, assessment=assessment, indicator=indicator,
                               rater_group=group, rater=rater, value=value)
                )  # fmt: skip
    ScoreEntry.objects.bulk_create(entries)
    services.recompute_cycle(cycle_id=cycle.pk)
    return cycle, assessments


def open_rectification(
    cast: Any, assessment: Assessment, title: str = "党建台账不完整"
) -> Rectification:
    return Rectification.objects.create(
        tenant=cast.tenant_a, street=assessment.street, community=assessment.community,
        assessment=assessment, title=title, owner=cast.secretary, deadline=dt.date(2026, 12, 31),
    )  # fmt: skip
