"""Demo resident ratings (群众评议) for 东湖区.

Every community had a campaign in each published quarter: household cards printed, answers
around the community's standing, suggestions screened by the street and answered by the
community, the result fed into the assessment before it was published. In today's quarter
four communities' campaigns are running: 幸福里's already fed, with suggestions waiting for
the street's screening; 南湖's still below the minimum number of responses.

Residents answer through ``rating_submit``, as the QR page does. The services stamp today's
date on what they make; the past quarters' campaigns are dated back to their quarter
afterwards (closing day, cards, submissions, screening and answers), so the lists read as
history. Safe to run again; a fixed random seed per campaign.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from assessments.demo import QUALITY, demo_cycles
from assessments.models import Cycle
from organizations.demo import DEMO, demo_actor, one_job_each
from organizations.models import OrgUnit, Tenant
from organizations.rls import tenant_context
from organizations.tenancy import Actor, Role
from residents import services
from residents.models import Campaign, CardBatch, Response
from residents.tokens import CardToken

# Today's campaigns: household-card answers so far, and open-link answers beside them.
CURRENT = {"xingfuli": (46, 6), "cuiyuan": (36, 0), "chaoyang": (33, 2), "nanhu": (12, 0)}
# How a community's questions sit against its overall standing (points on the 1-5 scale).
LEANING = {"attitude": 0.15, "efficiency": -0.2, "environment": -0.1, "safety": 0.1, "overall": 0}
SUGGESTIONS = (
    "小区路灯坏了好几盏，晚上老人出门不安全，希望尽快维修。",
    "希望老年食堂增加送餐上门服务，腿脚不便的老人去不了。",
    "晚上停车太难，消防通道经常被堵，建议利用闲置空地划停车位。",
    "楼道里堆满杂物，还有人飞线给电动车充电，存在安全隐患。",
    "厨余垃圾桶离单元门太近，夏天味道大，建议挪远一点。",
    "物业费涨了但服务没变好，希望社区牵头召开业主大会。",
    "双职工家庭孩子放学没人管，希望开办四点半课堂。",
    "六楼老人爬楼困难，加装电梯的事希望社区多协调。",
    "广场舞音响太大声，晚上九点后还在跳，影响休息。",
    "希望多组织老年人智能手机培训，挂号、缴费都不会用。",
)
PRAISE = ("非常满意，辛苦了！", "很好", "都很好，点赞！", "没有意见", "谢谢")
PERSONAL = (
    "3 栋 502 的住户天天在楼道堆垃圾，他电话 138 0000 0000，你们管管！",
    "含住户门牌和电话号码，按规定不向社区公开个人信息，已转网格员处理。",
)
REPLIES = (
    "已收到，网格员已到现场查看，本月内处理完毕，结果在公示栏公布。",
    "已列入下季度民生实事候选项目，将提交居民议事会票决。",
    "已与物业公司约谈，下周召开楼栋议事会，欢迎您参加。",
)


def seed_demo_ratings(tenant: Tenant) -> int:
    """Run the campaigns; returns the responses made (0 when campaigns exist already)."""
    with tenant_context(tenant.pk), one_job_each():
        if Campaign.objects.filter(tenant=tenant).exists():
            return 0
        cycles = demo_cycles(tenant)
        if cycles is None:
            return 0
        assessors = {
            unit: demo_actor(username)
            for username, _name, role, unit in DEMO.staff
            if role == Role.STREET_ASSESSOR and unit
        }
        communities = list(
            OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.COMMUNITY)
            .select_related("parent")
            .order_by("code")
        )
        made = 0
        for n, cycle in enumerate(cycles.published):
            for community in communities:
                rng = random.Random(f"{community.code}:{cycle.year}:{cycle.quarter}")  # noqa: S311 - demo data
                assessor = assessors[community.parent.code]  # type: ignore[union-attr]
                campaign = _campaign(assessor, cycle, community, cards=rng.randint(48, 60))
                count = rng.randint(30, 38)
                personal = (community.code, n) == ("cuiyuan", 2)
                made += _answer(campaign, QUALITY[community.code][n], count, 0, rng, 0.15, personal)
                _screen_and_reply(assessor, campaign, rng, release_all=True)
                services.campaign_feed_assessment(actor=assessor, campaign=campaign)
                _date_back(campaign, cycle, rng)
        today = timezone.localdate()
        for community in communities:
            if community.code not in CURRENT:
                continue
            rng = random.Random(f"{community.code}:{today.year}:now")  # noqa: S311 - demo data
            assessor = assessors[community.parent.code]  # type: ignore[union-attr]
            cards, open_link = CURRENT[community.code]
            campaign = _campaign(assessor, cycles.current, community, cards=80)
            made += _answer(campaign, QUALITY[community.code][2], cards, open_link, rng, 0.35, True)
            if community.code == "xingfuli":
                _screen_and_reply(assessor, campaign, rng, release_all=False)
                services.campaign_feed_assessment(actor=assessor, campaign=campaign)
            elif community.code == "chaoyang":
                _screen_and_reply(assessor, campaign, rng, release_all=True)
        return made


def _campaign(assessor: Actor, cycle: Cycle, community: OrgUnit, *, cards: int) -> Campaign:
    closes_on = max(cycle.ends_on, timezone.localdate())
    campaign = services.campaign_create(
        actor=assessor, cycle=cycle, community=community, closes_on=closes_on
    )
    services.card_batch_create(actor=assessor, campaign=campaign, count=cards, expires_on=closes_on)
    return campaign


def _answer(
    campaign: Campaign, quality: float, households: int, open_link: int, rng: random.Random,
    suggesting: float, personal: bool,
) -> int:  # fmt: skip
    """Household-card and open-link answers around the community's standing: a satisfaction
    index of about 40 + 55 x quality (residents rate kindly; the weakest land near 65). A
    share of them leave a suggestion; with ``personal`` one names a neighbour and a phone
    number (to be hidden at screening)."""
    batch = CardBatch.objects.filter(campaign=campaign).get()
    mean = 1 + 4 * (40 + 55 * quality) / 100
    for number in range(1, households + open_link + 1):
        scores = {
            key: min(5, max(1, round(rng.gauss(mean + LEANING.get(key, 0), 0.7))))
            for key in campaign.question_keys
        }
        suggestion = ""
        if rng.random() < suggesting:
            suggestion = rng.choice(SUGGESTIONS) if rng.random() < 0.6 else rng.choice(PRAISE)
        if number == 7 and personal:
            suggestion = PERSONAL[0]
        card = None
        if number <= households:
            card = CardToken(campaign.tenant_id, campaign.pk, batch.pk, number, batch.expires_on)
        services.rating_submit(campaign=campaign, card=card, scores=scores, suggestion=suggestion)
    return households + open_link


def _screen_and_reply(
    assessor: Actor, campaign: Campaign, rng: random.Random, *, release_all: bool
) -> None:
    """The street screens the suggestions (all of them, or the first few, leaving the rest
    waiting); the community answers some of the substantive ones it was shown."""
    waiting = list(
        Response.objects.filter(campaign=campaign, screening=Response.Screening.PENDING).order_by(
            "suggestion", "pk"
        )
    )
    secretary = demo_actor(f"sec-{campaign.community.code}")
    for n, response in enumerate(waiting if release_all else waiting[:4]):
        if response.suggestion == PERSONAL[0]:
            services.suggestion_screen(
                actor=assessor, response=response, release=False, reason=PERSONAL[1]
            )
            continue
        response = services.suggestion_screen(actor=assessor, response=response, release=True)
        if response.substantive and n % 2 == 0:
            services.suggestion_reply(actor=secretary, response=response, text=rng.choice(REPLIES))


def _date_back(campaign: Campaign, cycle: Cycle, rng: random.Random) -> None:
    """Move a past quarter's campaign to its quarter: the services date everything today."""
    opened = cycle.ends_on - dt.timedelta(days=30)
    at = timezone.make_aware(dt.datetime.combine(opened, dt.time(9)))
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=cycle.ends_on, created_at=at)
    CardBatch.objects.filter(campaign=campaign).update(expires_on=cycle.ends_on, created_at=at)
    responses = list(Response.objects.filter(campaign=campaign).values_list("pk", flat=True))
    # Cards were handed out door to door in three rounds over the last month.
    for n in range(3):
        Response.objects.filter(pk__in=responses[n::3]).update(
            submitted_on=opened + dt.timedelta(days=3 + 9 * n)
        )
    released = timezone.make_aware(dt.datetime.combine(cycle.ends_on, dt.time(10)))
    Response.objects.filter(campaign=campaign, released_at__isnull=False).update(
        released_at=released
    )
    Response.objects.filter(campaign=campaign, replied_at__isnull=False).update(
        replied_at=released + dt.timedelta(hours=rng.randint(6, 40))
    )


def demo_counts(tenant: Tenant) -> dict[str, int]:
    return {
        "campaigns": Campaign.objects.filter(tenant=tenant).count(),
        "responses": Response.objects.filter(tenant=tenant).count(),
        "waiting": Response.objects.filter(
            tenant=tenant, screening=Response.Screening.PENDING
        ).count(),
    }
