"""A small scheme scored by three rater groups, and a cycle opened over the cast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

from assessments import services
from assessments.models import Assessment, Cycle
from indicators import services as scheme_services
from indicators.models import Indicator, RaterGroup, Scheme
from organizations.selectors import actor_for_user
from organizations.tenancy import Role
from tests import factories as f

LEVELS = [
    {"code": "A", "label": "优", "min_percent": D(90), "max_percent": D(100), "description": "优"},
    {"code": "B", "label": "良", "min_percent": D(75), "max_percent": D(90), "description": "良"},
    {"code": "C", "label": "中", "min_percent": D(60), "max_percent": D(75), "description": "中"},
    {"code": "D", "label": "差", "min_percent": D(0), "max_percent": D(60), "description": "差"},
]
GROUPS = ["zuzhi", "zhuanjia", "ziping"]


def three_group_document() -> dict[str, Any]:
    return {
        "scheme": {"code": "q", "name": "季度方案", "year": 2026},
        "categories": [{"code": "jichu", "name": "基础指标", "weight": D(100)}],
        "rater_groups": [
            {"code": "zuzhi", "name": "组织评价", "kind": "organisation", "weight": D(50)},
            {"code": "zhuanjia", "name": "专家考评", "kind": "expert", "weight": D(30)},
            {"code": "ziping", "name": "自我检评", "kind": "self", "weight": D(20)},
        ],
        "indicators": [
            {"category": "jichu", "code": "i1", "name": "党建引领", "max_points": D(10), "method": "qualitative", "rater_groups": GROUPS, "levels": LEVELS},
            {"category": "jichu", "code": "i2", "name": "台账完整", "max_points": D(10), "method": "yes_no", "rater_groups": GROUPS},
            {"category": "jichu", "code": "i3", "name": "为民服务", "max_points": D(10), "method": "qualitative", "rater_groups": GROUPS, "levels": LEVELS},
        ],
        "adjustments": [{"kind": "deduction", "code": "queqin", "name": "无故缺席", "points_per_occurrence": D(5), "cap": D(10)}],
        "vetoes": [{"code": "shigu", "name": "重大安全责任事故", "description": "发生重大安全责任事故"}],
    }  # fmt: skip


def published_scheme(cast: Any) -> Scheme:
    actor = actor_for_user(cast.admin)
    draft = scheme_services.scheme_create_from_document(
        actor=actor, document=three_group_document()
    )
    return scheme_services.scheme_publish(actor=actor, scheme=draft)


def secretary_for(cast: Any, community: Any) -> Any:
    user = f.UserFactory(tenant=cast.tenant_a, username=f"sec-{community.code}")
    f.MembershipFactory(tenant=cast.tenant_a, user=user, role=Role.SECRETARY, unit=community)
    f.SecretaryFactory(tenant=cast.tenant_a, user=user, community=community)
    return user


def open_quarter(cast: Any, scheme: Scheme) -> tuple[Cycle, dict[str, Assessment]]:
    cycle = services.cycle_open(
        actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=3, scheme=scheme,
        starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
    )  # fmt: skip
    assessments = {
        a.community.code: a
        for a in Assessment.objects.filter(cycle=cycle).select_related("community")
    }
    return cycle, assessments


def pair(scheme: Scheme, indicator: str, group: str) -> tuple[Indicator, RaterGroup]:
    return Indicator.objects.get(scheme=scheme, code=indicator), RaterGroup.objects.get(
        scheme=scheme, code=group
    )


def scored_quarter(cast: Any) -> dict[str, Any]:
    """The three-group scheme, a quarter over the cast, a11 (the cast's secretary) scored:
    two experts give i1 71.5 and 92.5, everything else full marks; a stored result. Call
    under tenant A's scope."""
    from assessments.models import ScoreEntry

    scheme = published_scheme(cast)
    cycle, assessments = open_quarter(cast, scheme)
    expert2 = f.UserFactory(tenant=cast.tenant_a, username="second-expert")
    f.MembershipFactory(tenant=cast.tenant_a, user=expert2, role=Role.EXPERT)
    a11 = assessments["a11"]
    for code in ("i1", "i2", "i3"):
        full = D(1) if code == "i2" else D(100)
        for group in GROUPS:
            indicator, rater_group = pair(scheme, code, group)
            raters = [cast.expert, expert2] if group == "zhuanjia" else [None]
            values = [D("71.5"), D("92.5")] if (code, group) == ("i1", "zhuanjia") else None
            for i, rater in enumerate(raters):
                ScoreEntry.objects.create(
                    tenant=cast.tenant_a, assessment=a11, indicator=indicator,
                    rater_group=rater_group, rater=rater,
                    value=values[i] if values else full,
                )  # fmt: skip
    services.recompute_cycle(cycle_id=cycle.pk)
    return {"scheme": scheme, "cycle": cycle, "assessments": assessments, "a11": a11}
