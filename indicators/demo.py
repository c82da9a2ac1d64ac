"""Demo indicator schemes: 东湖区 assesses on the built-in 基础40/发展30/特色30 template, every
community with its special indicators (特色指标) chosen and one proposed and approved;
西陵区 on the 三张考卷 template. Both published, so cycles can use them. Safe to run again."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from indicators import services
from indicators.models import Indicator, Scheme, SpecialIndicatorChoice
from indicators.templates import template_document
from organizations.demo import DEMO, NEIGHBOUR, demo_actor
from organizations.models import OrgUnit, Tenant
from organizations.rls import tenant_context

DEMO_SCHEME = "donghu-shuji"
NEIGHBOUR_SCHEME = "xiling-shuji"

# Each community's special indicators from the pool, five as the scheme allows; 幸福里 takes
# four and proposes its own fifth.
PICKS = {
    "xingfuli": ("ts-laonian-zhucan", "ts-laji-fenlei", "ts-sidianban-ketang", "ts-shuzi-zhili"),
    "cuiyuan": ("ts-laonian-zhucan", "ts-sidianban-ketang", "ts-laji-fenlei", "ts-dangjian-pinpai", "ts-shuzi-zhili"),
    "chaoyang": ("ts-dangjian-pinpai", "ts-shijian-yinhang", "ts-gonggong-kongjian", "ts-sanzhi-ronghe", "ts-laonian-zhucan"),
    "jinxiu": ("ts-sidianban-ketang", "ts-laji-fenlei", "ts-gonggong-kongjian", "ts-laonian-zhucan", "ts-shuzi-zhili"),
    "nanhu": ("ts-laonian-zhucan", "ts-shijian-yinhang", "ts-dangjian-pinpai", "ts-sidianban-ketang", "ts-shuzi-zhili"),
    "yugang": ("ts-laji-fenlei", "ts-sanzhi-ronghe", "ts-dangjian-pinpai", "ts-shijian-yinhang", "ts-laonian-zhucan"),
    "taoyuan": ("ts-laji-fenlei", "ts-laonian-zhucan", "ts-sanzhi-ronghe", "ts-sidianban-ketang", "ts-dangjian-pinpai"),
    "xinhe": ("ts-sidianban-ketang", "ts-laonian-zhucan", "ts-shuzi-zhili", "ts-laji-fenlei", "ts-gonggong-kongjian"),
    "xishan": ("ts-laonian-zhucan", "ts-dangjian-pinpai", "ts-sanzhi-ronghe", "ts-laji-fenlei", "ts-shijian-yinhang"),
    "yunling": ("ts-laonian-zhucan", "ts-laji-fenlei", "ts-dangjian-pinpai", "ts-sanzhi-ronghe", "ts-sidianban-ketang"),
    "shiqiao": ("ts-dangjian-pinpai", "ts-sanzhi-ronghe", "ts-shijian-yinhang", "ts-laji-fenlei", "ts-laonian-zhucan"),
    "chayuan": ("ts-laonian-zhucan", "ts-laji-fenlei", "ts-dangjian-pinpai", "ts-sidianban-ketang", "ts-sanzhi-ronghe"),
}  # fmt: skip
# 幸福里's own fifth, approved by the street and scored as a pool indicator.
PROPOSED_BY = "xingfuli"
PROPOSED_NAME = "“红色楼栋长”楼道自治"
PROPOSED_DESCRIPTION = (
    "在 12 个楼栋推选党员楼栋长，牵头楼道堆物清理、飞线充电劝导和邻里互助，每月召开一次"
    "楼栋议事会，问题在楼栋内发现、在楼栋内解决。"
)
PROPOSED_SCORED_AS = "ts-sanzhi-ronghe"


def demo_scheme(tenant: Tenant) -> Scheme | None:
    """The demo's published scheme of a demo tenant, if it has been made."""
    code = DEMO_SCHEME if tenant.code == DEMO.code else NEIGHBOUR_SCHEME
    return Scheme.objects.filter(tenant=tenant, code=code, state=Scheme.State.PUBLISHED).first()


def seed_demo_schemes(demo: Tenant, neighbour: Tenant) -> int:
    """Publish both tenants' schemes and the 东湖区 communities' special indicators; returns
    how many schemes were made (0 when they exist already)."""
    made = 0
    with tenant_context(demo.pk):
        if demo_scheme(demo) is None:
            _publish(demo, "jichu-fazhan-tese", DEMO_SCHEME)
            made += 1
        _choose_special_indicators(demo)
    with tenant_context(neighbour.pk):
        if demo_scheme(neighbour) is None:
            _publish(neighbour, "chengxiao-dangjian-manyi", NEIGHBOUR_SCHEME)
            made += 1
    return made


def _publish(tenant: Tenant, template: str, code: str) -> Scheme:
    """The tenant's administrator starts the year's scheme from a built-in template and
    publishes it unchanged."""
    year = timezone.localdate().year
    seed = DEMO if tenant.code == DEMO.code else NEIGHBOUR
    actor = demo_actor(seed.staff[0][0])
    name = f"{seed.name}社区书记考核方案（{year}年）"
    document = template_document(template, scheme_code=code, year=year, name=name)
    draft = services.scheme_create_from_document(actor=actor, document=document)
    return services.scheme_publish(actor=actor, scheme=draft)


def _choose_special_indicators(tenant: Tenant) -> None:
    """Each secretary picks their community's special indicators; 幸福里's proposal is
    approved by the street's assessor, scored as a pool indicator."""
    scheme = demo_scheme(tenant)
    assert scheme is not None
    if SpecialIndicatorChoice.objects.filter(scheme=scheme).exists():
        return
    pool = {i.code: i for i in Indicator.objects.filter(scheme=scheme, in_special_pool=True)}
    communities = {
        c.code: c for c in OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.COMMUNITY)
    }
    for code, picks in PICKS.items():
        secretary = demo_actor(f"sec-{code}")
        for pick in picks:
            services.special_choice_pick(
                actor=secretary, scheme=scheme, community=communities[code], indicator=pool[pick]
            )
    community = communities[PROPOSED_BY]
    proposal = services.special_choice_propose(
        actor=demo_actor(f"sec-{community.code}"), scheme=scheme, community=community,
        name=PROPOSED_NAME, description=PROPOSED_DESCRIPTION, max_points=Decimal(6),
    )  # fmt: skip
    services.special_choice_decide(
        actor=demo_actor("demo-assessor"), choice=proposal, approve=True,
        scored_as=pool[PROPOSED_SCORED_AS],
    )  # fmt: skip
