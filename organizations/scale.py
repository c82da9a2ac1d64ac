"""A city-sized data set for performance work (``manage.py seed_scale --communities N``).

One tenant of N communities, 30 to a street (``--per-street``), scored for a year on the field's default scheme
(基础40/发展30/特色30 with 组织评价/群众评议/专家考评, five special indicators picked per
community): four quarterly cycles with every score entry, results with ranks and pay tiers,
a resident rating campaign per community and quarter with its household-card answers, a
routine talk per community and quarter (and a talk on one matter with a rectification for
every eighth), rectifications, a few serious incidents, and the warnings the nightly job
raises at each quarter's end.

Built for speed, but through the same walls as the application: every row is written under
the tenant's row-level-security setting (``tenant_context``; COPY is refused on tables under
RLS, so big tables are filled by multi-row INSERTs or ``INSERT … SELECT`` in the database),
the scheme goes through the scheme services, assessments through ``create_assessments``,
results through ``recompute_cycle``, warnings through the nightly ``evaluate_tenant``, and the
audit records through ``audit_record_many``, so ``verify_audit`` passes. Deterministic for
a given seed, apart from the answers and dates the database draws with ``random()``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.rls import tenant_context
from organizations.tenancy import Role

PER_STREET = 30
EXPERTS = 12
EXPERTS_PER_ASSESSMENT = 3
SPECIAL_PICKS = 5
TEMPLATE = "jichu-fazhan-tese"
# Street and community names: every pair of these is a plausible place name.
_FIRST = "和平幸福朝阳东风建设光明新华解放人民胜利友谊团结红星长江黄河青山绿水金桥银河丰收春晖阳光安康福寿锦绣翠苑桃源梅园兰亭松柏"
FIRST = [_FIRST[i : i + 2] for i in range(0, len(_FIRST), 2)]
SECOND = list("东西南北中新老上下前后里湾桥岭湖港坪园苑")
TYPES = (("urban", 12), ("rural", 5), ("mountain", 3))
TALK_NOTES = (
    ("空巢老人多，居民希望开办老年食堂和助餐点。", ("养老服务",)),
    ("老旧小区爬楼难，居民反映加装电梯意愿强烈，物业费分摊有分歧。", ("老旧小区加装电梯", "物业纠纷")),
    ("垃圾分类投放点不足，厨余垃圾清运不及时。", ("垃圾分类",)),
    ("小区停车位紧张，乱停车堵塞消防通道。", ("停车难", "安全隐患")),
    ("广场舞噪音扰民，需协调活动时间。", ("噪音扰民",)),
    ("双职工家庭希望开设四点半课堂解决儿童托管。", ("儿童托管",)),
    ("失业人员希望得到就业帮扶和技能培训。", ("就业帮扶",)),
)  # fmt: skip
SUGGESTIONS = ("希望增加老年活动场所", "楼道灯坏了很久没人修", "建议多组织亲子活动", "很好", "满意")
Log = Callable[[str], None]


@dataclass
class Seeded:
    tenant_id: int
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def quality(n: int) -> float:
    """How well community n does (0.5-1.0), the same in Python and in the database."""
    return 0.5 + ((n * 7919) % 1000) / 2000


def _names(count: int, offset: int = 0) -> Iterator[str]:
    for n in range(offset, offset + count):
        yield FIRST[n % len(FIRST)] + SECOND[(n // len(FIRST)) % len(SECOND)]


def seed_scale(
    *,
    communities: int,
    code: str = "scale",
    year: int = 2025,
    password: str = "",
    responses: int = 36,
    per_street: int = PER_STREET,
    seed: int = 1,
    log: Log = lambda message: None,
) -> Seeded:
    """Build the data set unless a tenant with this code exists (then return it as is;
    a different size is an error). One transaction: a failed build leaves nothing."""
    existing = Tenant.objects.filter(code=code).first()
    if existing is not None:
        with tenant_context(existing.pk):
            found = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY).count()
        if found != communities:
            raise ValueError(
                f"Tenant {code} exists with {found} communities; choose another --code."
            )
        return Seeded(existing.pk, created=False)
    started = time.perf_counter()
    with transaction.atomic():
        tenant = Tenant.objects.create(name=f"规模测试市（{communities}个社区）", code=code)
        with tenant_context(tenant.pk):
            rng = random.Random(seed)  # noqa: S311 - test data, not secrets
            builder = _Builder(tenant, year, password, responses, per_street, rng, log)
            builder.build(communities)
    seeded = Seeded(tenant.pk, created=True, counts=builder.counts)
    seeded.seconds = time.perf_counter() - started
    return seeded


class _Builder:
    def __init__(
        self,
        tenant: Tenant,
        year: int,
        password: str,
        responses: int,
        per_street: int,
        rng: random.Random,
        log: Log,
    ) -> None:
        self.tenant, self.year, self.responses, self.per_street = (
            tenant,
            year,
            responses,
            per_street,
        )
        self.rng, self.log = rng, log
        # One hash for every seeded login: hashing thousands of passwords would take minutes.
        self.password = make_password(password) if password else "!"
        self.counts: Counter[str] = Counter()
        self.clock = time.perf_counter()

    def step(self, message: str) -> None:
        now = time.perf_counter()
        self.log(f"{message} ({now - self.clock:.1f} s)")
        self.clock = now

    def build(self, communities: int) -> None:
        from assessments.services.results import recompute_cycle

        self.org(communities)
        self.scheme()
        self.cycles()
        for cycle in self.cycle_list:
            self.ratings(cycle)
            self.entries(cycle)
            recompute_cycle(cycle_id=cycle.pk)
            self.step(f"{cycle.name}: entries, ratings and results")
        self.talks_and_rectifications()
        self.warnings()
        self.audit()
        self.count()

    # Organisation and people ---------------------------------------------------------------

    def users(self, usernames: list[tuple[str, str]]) -> list[User]:
        return User.objects.bulk_create(
            User(username=u, full_name=name, tenant=self.tenant, password=self.password)
            for u, name in usernames
        )

    def org(self, communities: int) -> None:
        tenant, code = self.tenant, self.tenant.code
        self.admin, self.leader = self.users(
            [(f"{code}-admin", "系统管理员"), (f"{code}-leader", "区领导")]
        )
        self.district = OrgUnit.objects.create(
            tenant=tenant, kind=OrgUnit.Kind.DISTRICT, name="规模测试区", code=f"{code}-d"
        )
        street_count = (communities + self.per_street - 1) // self.per_street
        self.streets = OrgUnit.objects.bulk_create(
            OrgUnit(tenant=tenant, kind=OrgUnit.Kind.STREET, name=f"{name}街道",
                    code=f"{code}-s{n:04d}", parent=self.district)
            for n, name in enumerate(_names(street_count))
        )  # fmt: skip
        weights = [w for _t, w in TYPES]
        kinds = [t for t, _w in TYPES]
        self.communities = OrgUnit.objects.bulk_create(
            OrgUnit(tenant=tenant, kind=OrgUnit.Kind.COMMUNITY, name=f"{name}社区",
                    code=f"{code}-c{n:05d}", parent=self.streets[n // self.per_street],
                    community_type=self.rng.choices(kinds, weights)[0])
            for n, name in enumerate(_names(communities, offset=7))
        )  # fmt: skip
        self.assessors = self.users(
            [(f"{code}-assessor-{n}", f"考核员{n}") for n in range(street_count)]
        )
        self.experts = self.users([(f"{code}-expert-{n}", f"专家{n}") for n in range(EXPERTS)])
        secretary_users = self.users([(f"{code}-sec-{n}", f"书记{n}") for n in range(communities)])
        self.secretaries = Secretary.objects.bulk_create(
            Secretary(tenant=tenant, user=user, community=unit,
                      took_office=dt.date(self.year - 1 - self.rng.randrange(15), 1 + n % 12, 1))
            for n, (user, unit) in enumerate(zip(secretary_users, self.communities, strict=True))
        )  # fmt: skip
        memberships = [
            Membership(tenant=tenant, user=self.admin, role=Role.TENANT_ADMIN),
            Membership(tenant=tenant, user=self.leader, role=Role.DISTRICT_LEADER),
            *(Membership(tenant=tenant, user=u, role=Role.EXPERT) for u in self.experts),
            *(
                Membership(tenant=tenant, user=u, role=Role.STREET_ASSESSOR, unit=s)
                for u, s in zip(self.assessors, self.streets, strict=True)
            ),
            *(
                Membership(tenant=tenant, user=s.user, role=Role.SECRETARY, unit=s.community)
                for s in self.secretaries
            ),
        ]
        Membership.objects.bulk_create(memberships)
        self.index = {unit.pk: n for n, unit in enumerate(self.communities)}
        self.assessor_of = {s.pk: a for s, a in zip(self.streets, self.assessors, strict=True)}
        self.step(f"{len(self.streets)} streets, {communities} communities, their people")

    def scheme(self) -> None:
        from indicators import services as scheme_services
        from indicators.models import Indicator, RaterGroup, SpecialIndicatorChoice
        from indicators.templates import template_document
        from organizations.selectors import actor_for_user

        actor = actor_for_user(self.admin)
        assert actor is not None
        self.actor = actor
        document = template_document(
            TEMPLATE, scheme_code=f"{self.tenant.code}-{self.year}", year=self.year
        )
        draft = scheme_services.scheme_create_from_document(actor=actor, document=document)
        self.scheme_row = scheme_services.scheme_publish(actor=actor, scheme=draft)
        self.indicators = list(
            Indicator.objects.filter(scheme=self.scheme_row)
            .prefetch_related("rater_groups")
            .order_by("order", "pk")
        )
        self.groups = {g.pk: g for g in RaterGroup.objects.filter(scheme=self.scheme_row)}
        pool = [i for i in self.indicators if i.in_special_pool]
        now = timezone.now()
        self.picks: dict[int, frozenset[str]] = {}
        choices = []
        for n, unit in enumerate(self.communities):
            picked = [pool[(n + k) % len(pool)] for k in range(min(SPECIAL_PICKS, len(pool)))]
            self.picks[unit.pk] = frozenset(i.code for i in picked)
            choices += [
                SpecialIndicatorChoice(
                    tenant=self.tenant,
                    scheme=self.scheme_row,
                    community=unit,
                    street_id=unit.parent_id,
                    indicator=i,
                    status=SpecialIndicatorChoice.Status.APPROVED,
                    decided_by=self.assessor_of[unit.parent_id],
                    decided_at=now,
                )
                for i in picked
            ]
        SpecialIndicatorChoice.objects.bulk_create(choices, batch_size=5000)
        self.step(f"scheme {TEMPLATE} published, {len(choices)} special indicators picked")

    def cycles(self) -> None:
        from assessments.models import Assessment, Cycle, ExpertAssignment
        from assessments.services.cycles import create_assessments

        self.cycle_list = []
        for quarter in (1, 2, 3, 4):
            starts = dt.date(self.year, 3 * quarter - 2, 1)
            ends = (starts + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
            cycle = Cycle.objects.create(
                tenant=self.tenant, kind=Cycle.Kind.QUARTERLY, year=self.year, quarter=quarter,
                name=f"{self.year}年第{quarter}季度预评", scheme=self.scheme_row, starts_on=starts, ends_on=ends,
            )  # fmt: skip
            create_assessments(cycle_id=cycle.pk)
            published = timezone.make_aware(
                dt.datetime.combine(ends + dt.timedelta(days=10), dt.time(10))
            )
            Assessment.objects.filter(cycle=cycle).update(
                state=Assessment.State.FINAL if quarter < 4 else Assessment.State.PUBLISHED,
                published_at=published,
                appeal_deadline=ends + dt.timedelta(days=17),
            )
            self.cycle_list.append(cycle)
        assessments = list(
            Assessment.objects.filter(tenant=self.tenant).select_related("community", "cycle")
        )
        self.assessments = {
            c.pk: [a for a in assessments if a.cycle_id == c.pk] for c in self.cycle_list
        }
        ExpertAssignment.objects.bulk_create(
            (
                ExpertAssignment(tenant=self.tenant, assessment=a, expert=self.experts[e])
                for a in assessments
                for e in self.panel(a.community_id)
            ),
            batch_size=5000,
        )
        self.step(f"4 cycles, {len(assessments)} assessments, their experts")

    def panel(self, community_id: int) -> list[int]:
        """The experts (indices) who score a community: three of the pool, by street."""
        street = self.index[community_id] // self.per_street
        return [
            (street * EXPERTS_PER_ASSESSMENT + k) % EXPERTS for k in range(EXPERTS_PER_ASSESSMENT)
        ]

    # Resident ratings ----------------------------------------------------------------------

    def ratings(self, cycle: Any) -> None:
        """A campaign per community with ``responses`` answers each (eleven in twelve by household
        card), drawn in the database around the community's quality."""
        from residents.models import Campaign, CardBatch, Response
        from residents.selectors import question_indices_by_campaign

        campaigns = Campaign.objects.bulk_create(
            Campaign(tenant=self.tenant, cycle=cycle, community=u, street_id=u.parent_id,
                     closes_on=cycle.ends_on)
            for u in self.communities
        )  # fmt: skip
        batches = CardBatch.objects.bulk_create(
            CardBatch(tenant=self.tenant, campaign=c, count=self.responses, expires_on=cycle.ends_on,
                      created_by=self.assessor_of[c.street_id])
            for c in campaigns
        )  # fmt: skip
        days = (cycle.ends_on - cycle.starts_on).days
        params = {
            "tenant": self.tenant.pk, "n": self.responses, "starts": cycle.starts_on, "days": days,
            "campaigns": [c.pk for c in campaigns], "batches": [b.pk for b in batches],
            "qualities": [quality(self.index[c.community_id]) for c in campaigns],
            "suggestions": list(SUGGESTIONS),
        }  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(_RATINGS_SQL, params)
        indices = question_indices_by_campaign(
            tenant_id=self.tenant.pk, campaign_ids=[c.pk for c in campaigns]
        )
        from residents.rules import campaign_index

        self.satisfaction = {
            c.community_id: campaign_index(indices[c.pk][1].values()) for c in campaigns
        }
        self.counts["responses"] += Response.objects.filter(campaign__cycle=cycle).count()

    # Score entries --------------------------------------------------------------------------

    def entries(self, cycle: Any) -> None:
        """Every entry of every assessment: the street's collective 组织评价, the three experts
        of the panel, the residents' value from the campaign."""
        from assessments.selectors import indicator_applies
        from indicators.models import RaterGroup

        rows: list[tuple[Any, ...]] = []
        now = timezone.now()
        drift = (cycle.quarter - 2.5) / 50
        for a in self.assessments[cycle.pk]:
            n = self.index[a.community_id]
            q = min(1.0, quality(n) + drift)
            assessor = self.assessor_of[a.street_id].pk
            chosen = self.picks[a.community_id]
            for indicator in self.indicators:
                if not indicator_applies(
                    indicator,
                    community_type=a.community_type,
                    career_stage=a.career_stage,
                    chosen=chosen,
                ):
                    continue
                for group in indicator.rater_groups.all():
                    if group.kind == RaterGroup.Kind.EXPERT:
                        raters = [self.experts[e].pk for e in self.panel(a.community_id)]
                    else:
                        raters = [None]
                    for rater in raters:
                        if group.kind == RaterGroup.Kind.RESIDENTS:
                            value = self.satisfaction.get(a.community_id) or Decimal(80)
                        else:
                            value = self.value(indicator, q)
                        rows.append(
                            (self.tenant.pk, a.pk, indicator.pk, group.pk, rater,
                             rater or (assessor if group.kind != RaterGroup.Kind.RESIDENTS else None),
                             value, "", "", now, now, 1)
                        )  # fmt: skip
        from psycopg2.extras import execute_values

        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor,
                "INSERT INTO assessments_scoreentry (tenant_id, assessment_id, indicator_id, "
                "rater_group_id, rater_id, changed_by_id, value, comment, evidence, created_at, "
                "updated_at, version) VALUES %s",
                rows,
                page_size=5000,
            )
        self.counts["score entries"] += len(rows)

    def value(self, indicator: Any, q: float) -> Decimal:
        method = indicator.method
        noise = self.rng.uniform(-0.08, 0.08)
        share = min(1.0, max(0.0, q + noise))
        if method == "yes_no":
            return Decimal(int(self.rng.random() < q + 0.1))
        if method == "quantitative":
            target = float(indicator.target or 100)
            if indicator.direction == "lower":
                floor = float(indicator.floor or target * 3)
                actual = target + (1 - share) * (floor - target)
            else:
                actual = target * (0.4 + 0.7 * share)
            return Decimal(f"{actual:.2f}")
        return Decimal(f"{100 * share:.2f}")

    # Talks, rectifications, incidents ---------------------------------------------------------

    def talks_and_rectifications(self) -> None:
        from alerts.models import Incident
        from assessments.models import Rectification
        from interviews.models import (
            DemandTheme,
            Talk,
            TalkParticipant,
            TalkRectification,
            TalkTheme,
        )
        from interviews.services import themes_ensure_defaults

        themes_ensure_defaults(tenant_id=self.tenant.pk)
        theme_ids = dict(DemandTheme.objects.values_list("name", "pk"))
        secretaries = {s.community_id: s for s in self.secretaries}
        talks, rectifications, special = [], [], []
        for cycle in self.cycle_list:
            by_community = {a.community_id: a for a in self.assessments[cycle.pk]}
            for n, unit in enumerate(self.communities):
                secretary = secretaries[unit.pk]
                held = cycle.starts_on + dt.timedelta(days=30 + n % 40)
                late = n % 13 == 0
                feedback_on = (
                    None
                    if late and cycle.quarter == 4
                    else held + dt.timedelta(days=2 + n % (25 if late else 6))
                )
                notes, _themes = TALK_NOTES[(n + cycle.quarter) % len(TALK_NOTES)]
                common = {
                    "tenant": self.tenant, "street_id": unit.parent_id, "community": unit,
                    "secretary": secretary, "cycle": cycle, "assessment": by_community[unit.pk],
                    "status": Talk.Status.HELD, "held_on": held, "feedback_due": held + dt.timedelta(days=7),
                    "created_by": self.assessor_of[unit.parent_id],
                }  # fmt: skip
                talks.append(
                    Talk(kind=Talk.Kind.ROUTINE, notes=notes, step_background="走访居民、查阅台账。",
                         step_needs=notes, outcomes="形成问题清单，明确责任人和时限。", feedback_on=feedback_on,
                         feedback="已反馈书记本人。" if feedback_on else "", **common)
                )  # fmt: skip
                if n % 10 == 0:
                    overdue = cycle.quarter == 4 and n % 20 == 0
                    rectifications.append(
                        Rectification(
                            tenant=self.tenant, street_id=unit.parent_id, community=unit,
                            assessment=by_community[unit.pk], title="台账资料不全，需补齐",
                            owner=secretary.user, deadline=cycle.ends_on + dt.timedelta(days=-20 if overdue else 30),
                            status=Rectification.Status.OPEN if cycle.quarter == 4 else Rectification.Status.ACCEPTED,
                        )
                    )  # fmt: skip
                if n % 8 == 0:
                    special.append(
                        Talk(
                            kind=Talk.Kind.SPECIAL,
                            reason="群众反映集中的问题",
                            notes=notes,
                            **common,
                        )
                    )
        talks = Talk.objects.bulk_create(talks + special, batch_size=5000)
        TalkParticipant.objects.bulk_create(
            (TalkParticipant(tenant=self.tenant, talk=t, user_id=uid) for t in talks
             for uid in (t.created_by_id, t.secretary.user_id)),
            batch_size=5000,
        )  # fmt: skip
        TalkTheme.objects.bulk_create(
            (
                TalkTheme(tenant=self.tenant, talk=t, theme_id=theme_ids[name], street_id=t.street_id,
                          community=t.community, held_on=t.held_on, matched=[name])
                for t in talks
                for name in dict(TALK_NOTES)[t.notes]
                if name in theme_ids
            ),
            batch_size=5000,
        )  # fmt: skip
        rectifications = Rectification.objects.bulk_create(rectifications, batch_size=5000)
        # A talk on one matter raises a rectification of its own.
        raised = Rectification.objects.bulk_create(
            Rectification(tenant=self.tenant, street_id=t.street_id, community=t.community,
                          assessment=t.assessment, source="talk", title="专项整改：" + t.notes[:20],
                          owner=t.secretary.user, deadline=t.held_on + dt.timedelta(days=45))
            for t in talks
            if t.kind == Talk.Kind.SPECIAL
        )  # fmt: skip
        special_talks = [t for t in talks if t.kind == Talk.Kind.SPECIAL]
        TalkRectification.objects.bulk_create(
            TalkRectification(tenant=self.tenant, talk=t, rectification=r)
            for t, r in zip(special_talks, raised, strict=True)
        )
        Incident.objects.bulk_create(
            Incident(tenant=self.tenant, street_id=u.parent_id, community=u, kind=Incident.Kind.FOOD_SAFETY,
                     title="食品安全事件", occurred_on=dt.date(self.year, 1 + n % 12, 10), reported_by=self.leader)
            for n, u in enumerate(self.communities)
            if n % 300 == 150
        )  # fmt: skip
        self.rectifications = rectifications + raised
        self.step(f"{len(talks)} talks, {len(self.rectifications)} rectifications")

    def warnings(self) -> None:
        from alerts.services import evaluate_tenant

        for cycle in self.cycle_list:
            evaluate_tenant(tenant_id=self.tenant.pk, today=cycle.ends_on + dt.timedelta(days=12))
        self.step("warnings at each quarter's end")

    def audit(self) -> None:
        """What the application would have written on the way: each cycle opened and each
        assessment published, and each rectification raised."""
        from audit.services import Change, audit_record_many

        admin = self.admin
        changes: list[Change] = []
        for cycle in self.cycle_list:
            changes.append(
                Change("cycle.open", cycle, after={"scheme": cycle.scheme_id, "kind": cycle.kind})
            )
            for state in ("review", "published"):
                changes += [
                    Change("assessment.transition", a, before={"state": "scoring" if state == "review" else "review"},
                           after={"state": state})
                    for a in self.assessments[cycle.pk]
                ]  # fmt: skip
        changes += [
            Change("rectification.raise", r, after={"title": r.title, "deadline": r.deadline})
            for r in self.rectifications
        ]
        audit_record_many(tenant_id=self.tenant.pk, actor=admin, changes=changes)
        self.step(f"{len(changes)} audit records")

    def count(self) -> None:
        from alerts.models import Alert
        from assessments.models import Assessment, Result
        from audit.models import AuditRecord
        from interviews.models import Talk
        from residents.models import Answer, Campaign

        for label, model in (
            ("communities", OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY)),
            ("assessments", Assessment.objects.all()), ("results", Result.objects.all()),
            ("campaigns", Campaign.objects.all()), ("answers", Answer.objects.all()),
            ("talks", Talk.objects.all()), ("warnings", Alert.objects.all()),
            ("audit records", AuditRecord.objects.all()),
        ):  # fmt: skip
            self.counts[label] = model.filter(tenant=self.tenant).count()


# Responses, the cards they used and their answers, for every campaign of a cycle in three
# statements. A card response claims card number k of its campaign's batch; an open-link
# response claims none. Scores centre on 1 + 4 × the community's quality.
_RATINGS_SQL = """
WITH campaign AS (
    SELECT * FROM unnest(%(campaigns)s::bigint[], %(batches)s::bigint[], %(qualities)s::float8[])
        AS c(id, batch_id, q)
), drawn AS (
    SELECT gen_random_uuid() AS id, c.id AS campaign_id, c.batch_id, c.q, k,
           CASE WHEN k %% 12 = 0 THEN 'open' ELSE 'card' END AS channel,
           CASE WHEN random() < 0.15 THEN (%(suggestions)s::text[])[1 + floor(random() * 5)::int] ELSE '' END
               AS suggestion
    FROM campaign c CROSS JOIN generate_series(1, %(n)s) AS k
), cards AS (
    INSERT INTO residents_usedcard (tenant_id, campaign_id, batch_id, number)
    SELECT %(tenant)s, campaign_id, batch_id, k FROM drawn WHERE channel = 'card'
), responses AS (
    INSERT INTO residents_response (id, tenant_id, campaign_id, channel, submitted_on, suggestion,
                                    substantive, screening, hidden_reason, reply)
    SELECT id, %(tenant)s, campaign_id, channel, %(starts)s::date + floor(random() * %(days)s)::int,
           suggestion, length(suggestion) > 4,
           CASE WHEN suggestion = '' THEN 'none' WHEN random() < 0.7 THEN 'released' ELSE 'pending' END,
           '', ''
    FROM drawn
)
INSERT INTO residents_answer (id, tenant_id, campaign_id, response_id, question, score, channel)
SELECT gen_random_uuid(), %(tenant)s, d.campaign_id, d.id, question,
       least(5, greatest(1, round(1 + 4 * d.q + (random() - 0.5) * 2)))::smallint, d.channel
FROM drawn d CROSS JOIN unnest(ARRAY['attitude', 'efficiency', 'environment', 'safety', 'overall'])
    AS question
"""
