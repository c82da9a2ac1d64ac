"""Demo talks for the demo tenant: a few months of talks in every community, with notes
that mention residents' needs and feedback given after a spread of delays."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from interviews import services
from interviews.models import Talk
from organizations.models import Membership, OrgUnit, Tenant, User
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from organizations.tenancy import Role

NOTES = (
    "走访发现小区空巢老人较多，独居老人吃饭难，居民希望社区开设老年食堂或助餐点。",
    "老旧小区六层无电梯，老人爬楼困难，多户居民联名提出加装电梯，一楼住户有顾虑，需要协商。",
    "垃圾分类推进中，厨余垃圾桶点位设置引发意见，垃圾清运时间需与物业公司协调。",
    "晚间停车位不足，车辆乱停乱放堵塞消防通道，居民建议利用闲置空地建停车场。",
    "物业费上涨引发不满，业委会与物业公司矛盾激化，已有12345热线投诉。",
    "双职工家庭放学后无人照看孩子，希望社区开办四点半课堂。",
    "交流了近期党史学习体会，书记谈到班子团结和个人成长。",
    "楼道堆物和飞线充电问题突出，存在安全隐患，需开展专项整治。",
)
# Days from talk to feedback, None for a talk still waiting.
DELAYS = (2, 5, 9, 6, None, 18, 3, 45, 7, None, 12, 4)


def seed_demo_interviews(tenant: Tenant) -> int:
    """Record the demo talks once; returns how many were made (0 when they exist already)."""
    with tenant_context(tenant.pk):
        if Talk.objects.filter(tenant=tenant).exists():
            return 0
        today = timezone.localdate()
        made = 0
        communities = OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.COMMUNITY).order_by(
            "pk"
        )
        for n, community in enumerate(communities):
            membership = Membership.objects.filter(
                tenant=tenant, role=Role.STREET_ASSESSOR, unit_id=community.parent_id
            ).first()
            if membership is None:
                continue
            actor = actor_for_user(User.objects.get(pk=membership.user_id))
            assert actor is not None
            for k in range(2):
                held_on = today - dt.timedelta(days=20 + 37 * k + 3 * n)
                talk = services.talk_record(
                    actor=actor, community=community, kind=Talk.Kind.ROUTINE, held_on=held_on,
                    place="社区党群服务中心", notes=NOTES[(n + 3 * k) % len(NOTES)],
                    steps={"step_background": "入户走访，听取居民意见。"},
                )  # fmt: skip
                delay = DELAYS[(n + k) % len(DELAYS)]
                if delay is not None and held_on + dt.timedelta(days=delay) <= today:
                    services.talk_record_feedback(
                        actor=actor, talk=talk, feedback="已研究，分解任务，限期推进。",
                        given_on=held_on + dt.timedelta(days=delay),
                    )  # fmt: skip
                made += 1
        return made
