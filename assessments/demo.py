"""Demo assessments for 东湖区, made through the services as the demo's people.

The three quarters before today's are scored and published (a few strong communities, a
few weak, one falling, one vetoed; bonuses and deductions with their evidence; 云岭 still
waits for one expert score), the older two closed (final). Today's quarter is being scored:
some assessments complete, some half done, some still waiting for the self-evaluation. The
annual evaluation is opened and folds the quarters in at 30 %. 幸福里's secretary appeals a
score, which is escalated and upheld; rectifications with deadlines follow the last quarter.

Two steps, because the resident rating campaigns (residents/demo.py) feed the quarters in
between: ``seed_demo_scoring`` opens and scores, ``seed_demo_results`` publishes. Both are
safe to run again. Values come from a fixed random seed per community and quarter.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import Appeal, Assessment, Cycle, Rectification, Result, VetoRecord
from assessments.selectors import indicators_for_assessment
from indicators.demo import demo_scheme
from indicators.models import AdjustmentItem, Indicator, RaterGroup, TargetOverride, VetoItem
from organizations.demo import DEMO, NEIGHBOUR, demo_actor, one_job_each
from organizations.models import OrgUnit, Tenant, User
from organizations.rls import tenant_context
from organizations.tenancy import Actor, Role

State = Assessment.State
D = Decimal

# How well each community works, 0-1, in the three published quarters (oldest first):
# 朝阳, 渔港 and 石桥 strong; 桃源 below the pass mark throughout; 锦绣 falling in the last
# quarter; 幸福里's new secretary finding their feet.
QUALITY: dict[str, tuple[float, float, float]] = {
    "chaoyang": (0.93, 0.95, 0.96),
    "yugang": (0.90, 0.92, 0.91),
    "shiqiao": (0.89, 0.90, 0.90),
    "cuiyuan": (0.84, 0.85, 0.86),
    "nanhu": (0.82, 0.84, 0.83),
    "xishan": (0.80, 0.81, 0.82),
    "xingfuli": (0.70, 0.76, 0.82),
    "jinxiu": (0.83, 0.81, 0.62),
    "yunling": (0.74, 0.75, 0.77),
    "xinhe": (0.70, 0.72, 0.74),
    "chayuan": (0.64, 0.63, 0.66),
    "taoyuan": (0.52, 0.50, 0.47),
}
ANNUAL_QUARTERS_SHARE = 30

# (published quarter: 0 oldest .. 2 latest, community, item, occurrences, what happened)
ADJUSTMENTS = (
    (2, "chaoyang", "sheng-biaozhang", 1, "社区“邻里守望”志愿服务项目获省民政厅“优秀社区志愿服务项目”表彰。"),
    (1, "yugang", "shi-biaozhang", 1, "“渔嫂调解队”化解渔船作业纠纷的经验被市委政法委发文推广。"),
    (2, "shiqiao", "shi-biaozhang", 1, "石桥社区获评市级“民主法治示范社区”。"),
    (2, "taoyuan", "yueji-shangfang", 1, "3 名村民因土地流转补偿问题到区信访局越级上访，区信访局已登记。"),
    (2, "jinxiu", "yueji-shangfang", 2, "加装电梯协商未果，一楼住户两次到区信访局越级上访。"),
    (1, "chayuan", "wugu-queqin", 1, "街道安全生产专题会议无故缺席，会后未补学。"),
)  # fmt: skip
VETO = (
    2, "xinhe", "zhongda-anquan-shigu",
    "辖区老旧小区自建房发生燃气爆燃事故，造成 2 人受伤。区应急管理局调查报告认定社区燃气隐患"
    "排查流于形式，整改台账与现场不符。",
)  # fmt: skip
# Values the story needs: 幸福里's on-time rate that its secretary appeals.
FIXED = {(2, "xingfuli", "jc-suqiu-banjie"): D("88.0")}
APPEAL_INDICATOR = "jc-suqiu-banjie"
APPEAL_REASON = (
    "本季度 186 件 12345 工单中有 15 件为跨区转办件，按区政务服务办规定应剔除后计算，剔除后"
    "按期办结率为 95%，请予复核。"
)
APPEAL_ESCALATED = "涉及工单剔除口径，街道无权认定，提交区级复核。"
APPEAL_UPHELD = "经核对区 12345 平台，15 件跨区转办工单应剔除，按期办结率更正为 95%。"
APPEAL_CORRECTED = D("95.0")
# (community, problem, details, days to the deadline, what the owner reports done)
RECTIFICATIONS = (
    ("xingfuli", "楼道堆物和电动车飞线充电整治",
     "考核发现 5 号楼、7 号楼楼道堆物严重，存在电动车飞线充电，消防通道不畅。限期清理，"
     "并建立楼栋长巡查制度。", 5, ""),
    ("taoyuan", "土地流转补偿信访积案化解",
     "3 户村民土地流转补偿诉求未化解，已越级上访。逐户走访，会同街道农办核实补偿标准，"
     "形成化解方案。", 30, ""),
    ("jinxiu", "加装电梯协商议事",
     "加装电梯协商久拖未决，引发越级上访。召开楼栋议事会，回应一楼住户关切，形成书面协议。", 14,
     "已召开 3 次楼栋议事会，一楼住户签署同意书，施工方案已公示。"),
    ("xinhe", "燃气安全隐患全面排查",
     "燃气爆燃事故后，对辖区自建房和老旧小区燃气管线逐户排查，建立整改台账。", 10,
     "完成 1260 户燃气安全排查，更换老化软管 83 处，整改台账已报街道。"),
)  # fmt: skip


# Communities whose secretaries wrote the self-evaluation in the last published quarter; the
# others were moved on by the street's assessor.
SELF_EVALUATED = ("xingfuli", "cuiyuan", "nanhu")
SELF_EVALUATIONS = {
    "xingfuli": (
        "本季度开展“三会一课”12 次，老年助餐点建成试运营，办结居民诉求 186 件。不足：加装电梯"
        "协商进展慢，楼道堆物整治反复。",
        "任职一年来，我坚持“走百家门、知百家情”，走访居民 620 户，建立独居老人“一人一档”58 份。"
        "推动老年助餐点建成运营，日均供餐 80 余份；组织楼栋议事会 9 场，化解停车、物业纠纷 14 起。"
        "存在的问题：对加装电梯中一楼住户的顾虑回应不够，协商久拖未决；楼道堆物、飞线充电整治"
        "存在反复。下一步将推选党员楼栋长，建立楼栋巡查制度，年底前完成 2 个单元加装电梯签约。",
    ),
    "cuiyuan": (
        "“四点半课堂”常态运行，垃圾分类参与率提升到 78%，12345 工单按期办结率 96%。",
        "本季度围绕“一老一小”开展服务：四点半课堂服务学生 1300 余人次，组织“银龄数字导师”培训"
        "6 期。推进垃圾分类“绿色积分”，居民参与率由 65% 提升到 78%。不足是议事协商的决议跟踪不够，"
        "部分决议落实情况未向居民公开，下季度建立决议落实公示栏。",
    ),
    "nanhu": (
        "完成民生实事 3 项，三级议事会按期召开，无越级上访。",
        "本季度完成小区雨污分流、健身步道和充电桩 3 项居民票决的民生实事；楼栋、社区两级议事会"
        "召开 11 场，形成决议 17 项，落实 15 项。“时间银行”新增志愿者 46 人，互助服务 420 小时。"
        "不足：数字平台使用不够常态，部分网格事件仍靠纸质台账。",
    ),
}
CURRENT_SELF_EVALUATION = (
    "本季度推选党员楼栋长 12 名，楼道堆物清理 5 个楼栋，加装电梯 2 个单元完成签约。",
    "围绕上季度考核和整改清单，本季度重点抓楼道安全和加装电梯：推选党员楼栋长 12 名，建立"
    "每周巡查制度，清理楼道堆物 5 个楼栋、劝导飞线充电 31 户；召开加装电梯协商会 4 场，2 个单元"
    "完成签约。老年助餐点转为常态运营，新增送餐上门服务。",
)
# Today's quarter: the share of the street's scores entered so far, and whether the expert
# has scored too. Communities not listed still wait for their secretary's self-evaluation.
CURRENT = {
    "xingfuli": (0.6, False),
    "cuiyuan": (1.0, False),
    "chaoyang": (1.0, True),
    "nanhu": (0.5, False),
    "yugang": (0.5, False),
    "shiqiao": (1.0, True),
}
# 云岭's expert has not scored one indicator of the last published quarter.
UNSCORED = ("yunling", "fz-tebie-qunti")

# Short notes the street writes beside a good and a weak score.
NOTES = {
    "jc-zuzhi-shenghuo": ("“三会一课”记录完整，主题党日形式多样。", "有两个月未按时召开支委会，会议记录不全。"),
    "jc-suqiu-banjie": ("12345 工单均按期办结，回访满意。", "多件诉求超期未办结，回访不及时。"),
    "jc-xinfang-weiwen": ("矛盾纠纷排查台账每月更新，问题在网格内化解。", "排查流于形式，出现重复访。"),
    "jc-anquan-paicha": ("按月完成消防、燃气隐患排查，整改台账完整。", "自建房隐患排查未全覆盖，整改台账缺失。"),
    "jc-youxiao-tousu": ("有效投诉少，均已妥善处理。", "有效投诉偏多，物业纠纷集中。"),
    "fz-minsheng-shishi": ("居民票决的民生实事按期完成。", "民生实事项目进度滞后。"),
    "fz-yishi-xieshang": ("三级议事会按期召开，决议公开并跟踪落实。", "议事会召开不规律，决议缺少跟踪。"),
    "fz-tebie-qunti": ("独居老人“一人一档”全覆盖，探访有记录。", "特殊群体建档不全，探访不定期。"),
    "ts-laonian-zhucan": ("老年助餐点运行良好，新增送餐上门。", "助餐服务覆盖面小。"),
    "ts-laji-fenlei": ("“绿色积分”带动居民参与分类。", "垃圾分类参与率低，混投现象多。"),
    "ts-dangjian-pinpai": ("党建品牌与治理难题结合，经验可推广。", "党建品牌只有展板，缺少实际活动。"),
}  # fmt: skip


@dataclass(frozen=True)
class DemoCycles:
    published: list[Cycle]  # oldest first
    current: Cycle
    annual: Cycle


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    return quarter_start(year + quarter // 4, quarter % 4 + 1) - dt.timedelta(days=1)


def demo_quarters(today: dt.date) -> list[tuple[int, int]]:
    """The three quarters before today's and today's, oldest first. In a first quarter the
    published ones are last year's, so the demo always has three to show."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = [(year, quarter)]
    for _n in range(3):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        quarters.insert(0, (year, quarter))
    return quarters


def demo_cycles(tenant: Tenant) -> DemoCycles | None:
    """The demo's cycles, once they have been opened."""
    today = timezone.localdate()
    rows = list(Cycle.objects.filter(tenant=tenant))
    quarterly = {(c.year, c.quarter): c for c in rows if c.kind == Cycle.Kind.QUARTERLY}
    found = [quarterly[q] for q in demo_quarters(today) if q in quarterly]
    annual = [c for c in rows if c.kind == Cycle.Kind.ANNUAL and c.year == today.year]
    if len(found) < 4 or not annual:
        return None
    return DemoCycles(published=found[:3], current=found[3], annual=annual[0])


def _quarter_name(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度预评"


class _People:
    """The demo's actors, looked up once."""

    def __init__(self, tenant: Tenant) -> None:
        self.admin = demo_actor(DEMO.staff[0][0])
        self.expert_user = User.objects.get(username="demo-expert")
        self.expert = demo_actor("demo-expert")
        self._assessors = {
            unit: demo_actor(username)
            for username, _name, role, unit in DEMO.staff
            if role == Role.STREET_ASSESSOR and unit
        }
        self._streets = dict(
            OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.STREET).values_list(
                "pk", "code"
            )
        )
        self._secretaries: dict[str, Actor] = {}

    def assessor(self, assessment: Assessment) -> Actor:
        return self._assessors[self._streets[assessment.street_id]]

    def secretary(self, community: str) -> Actor:
        if community not in self._secretaries:
            self._secretaries[community] = demo_actor(f"sec-{community}")
        return self._secretaries[community]


# A one-page blank PDF: uploads take documents and photos only (organizations/uploads.py).
_BLANK_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _evidence(name: str) -> SimpleUploadedFile:
    """Demo evidence named for what it stands for (the record's note says what it shows)."""
    return SimpleUploadedFile(f"{name}.pdf", _BLANK_PDF, "application/pdf")


# Step 1: open and score --------------------------------------------------------------------


def seed_demo_scoring(tenant: Tenant) -> int:
    """Open the cycles and enter the scores; returns the assessments scored (0 when the
    cycles exist already)."""
    with tenant_context(tenant.pk), one_job_each():
        if Cycle.objects.filter(tenant=tenant).exists():
            return 0
        scheme = demo_scheme(tenant)
        assert scheme is not None, "seed the schemes first"
        people = _People(tenant)
        quarters = demo_quarters(timezone.localdate())
        # The year's annual evaluation first, as a district opens it in January (lists show
        # the latest opened cycle first: today's quarter).
        year = quarters[-1][0]
        services.cycle_open(
            actor=people.admin, kind=Cycle.Kind.ANNUAL, year=year, quarter=None, scheme=scheme,
            starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31), name=f"{year}年度总评",
            quarters_share=ANNUAL_QUARTERS_SHARE,
        )  # fmt: skip
        cycles = [
            services.cycle_open(
                actor=people.admin, kind=Cycle.Kind.QUARTERLY, year=year, quarter=quarter,
                scheme=scheme, starts_on=quarter_start(year, quarter),
                ends_on=quarter_end(year, quarter), name=_quarter_name(year, quarter),
            )
            for year, quarter in quarters
        ]  # fmt: skip
        scorer = _Scorer(scheme.pk)
        scored = 0
        for n, cycle in enumerate(cycles[:3]):
            for assessment in _assessments(cycle):
                code = assessment.community.code
                writes = n == 2 and code in SELF_EVALUATED
                assessment = _start(people, assessment, self_evaluate=writes)
                services.expert_assign(
                    actor=people.assessor(assessment), assessment=assessment,
                    expert=people.expert_user,
                )  # fmt: skip
                scorer.score(people, assessment, n, share=1.0, expert=True)
                scored += 1
            _adjust(people, cycle, n)
        for assessment in _assessments(cycles[3]):
            scored += _score_current(people, scorer, assessment)
        return scored


def _assessments(cycle: Cycle) -> list[Assessment]:
    return list(
        Assessment.objects.filter(cycle=cycle)
        .select_related("community", "cycle", "scheme")
        .order_by("community__code")
    )


def _start(people: _People, assessment: Assessment, *, self_evaluate: bool) -> Assessment:
    """draft → self-evaluation → scoring: by the secretary's self-evaluation, or moved on by
    the street's assessor."""
    assessor = people.assessor(assessment)
    assessment = services.assessment_transition(
        actor=assessor, assessment=assessment, to_state=State.SELF_EVALUATION
    )
    code = assessment.community.code
    if self_evaluate:
        summary, report = SELF_EVALUATIONS[code]
        services.self_evaluation_submit(
            actor=people.secretary(code), assessment=assessment, summary=summary,
            duty_report=report,
        )  # fmt: skip
        assessment.refresh_from_db()
        return assessment
    return services.assessment_transition(
        actor=assessor, assessment=assessment, to_state=State.SCORING
    )


def _score_current(people: _People, scorer: _Scorer, assessment: Assessment) -> int:
    code = assessment.community.code
    assessor = people.assessor(assessment)
    assessment = services.assessment_transition(
        actor=assessor, assessment=assessment, to_state=State.SELF_EVALUATION
    )
    if code not in CURRENT:
        return 0
    if code == "xingfuli":
        summary, report = CURRENT_SELF_EVALUATION
        services.self_evaluation_submit(
            actor=people.secretary(code), assessment=assessment, summary=summary,
            duty_report=report,
        )  # fmt: skip
        assessment.refresh_from_db()
    else:
        assessment = services.assessment_transition(
            actor=assessor, assessment=assessment, to_state=State.SCORING
        )
    share, expert = CURRENT[code]
    services.expert_assign(actor=assessor, assessment=assessment, expert=people.expert_user)
    scorer.score(people, assessment, 2, share=share, expert=expert)
    return 1


class _Scorer:
    """Plausible values for a community's quality: around the target for a quantitative
    indicator, in the level bands for a qualitative one, mostly done for a yes/no one."""

    def __init__(self, scheme_id: int) -> None:
        self.overrides: dict[int, list[TargetOverride]] = {}
        for override in TargetOverride.objects.filter(scheme_id=scheme_id):
            self.overrides.setdefault(override.indicator_id, []).append(override)

    def score(
        self, people: _People, assessment: Assessment, n: int, *, share: float, expert: bool
    ) -> None:
        code = assessment.community.code
        quality = QUALITY[code][n]
        # A fixed seed per community and quarter: the same demo every time.
        rng = random.Random(f"{code}:{assessment.cycle.year}:{assessment.cycle.quarter}")  # noqa: S311 - demo data
        indicators = indicators_for_assessment(assessment)
        street = [i for i in indicators if _groups(i, RaterGroup.Kind.ORGANISATION)]
        street = street[: round(len(street) * share)]
        for indicator in indicators:
            groups = _groups(indicator, RaterGroup.Kind.ORGANISATION) if indicator in street else []
            if expert:
                groups += _groups(indicator, RaterGroup.Kind.EXPERT)
            for group in groups:
                by_expert = group.kind == RaterGroup.Kind.EXPERT
                if by_expert and n == 2 and (code, indicator.code) == UNSCORED:
                    continue
                fit = min(1.1, max(0.15, rng.gauss(quality, 0.07)))
                value = FIXED.get((n, code, indicator.code)) or self._value(
                    indicator, assessment, fit, rng
                )
                services.entry_save(
                    actor=people.expert if by_expert else people.assessor(assessment),
                    assessment=assessment, indicator=indicator, rater_group=group, value=value,
                    comment="" if by_expert else _note(indicator, fit),
                )  # fmt: skip

    def _value(
        self, indicator: Indicator, assessment: Assessment, fit: float, rng: random.Random
    ) -> Decimal:
        if indicator.method == Indicator.Method.YES_NO:
            return D(1) if rng.random() < fit + 0.08 else D(0)
        if indicator.method == Indicator.Method.QUALITATIVE:
            return D(round(min(100.0, max(25.0, 100 * fit))))
        target, floor = self._target(indicator, assessment)
        if indicator.direction == Indicator.Direction.HIGHER:
            low = floor if floor is not None else 0.0
            raw = low + (target - low) * fit
        else:
            high = floor if floor is not None else 2 * target
            raw = target + (high - target) * (1 - fit)
        if indicator.unit == "%":
            return D(str(round(min(100.0, max(0.0, raw)), 1)))
        return D(max(0, round(raw)))

    def _target(self, indicator: Indicator, assessment: Assessment) -> tuple[float, float | None]:
        """The target and zero point for the community's type and the secretary's stage: the
        most specific override wins, type before stage, as in the engine."""
        best, rank = None, -1
        for override in self.overrides.get(indicator.pk, []):
            fits_type = override.community_type in ("", assessment.community_type)
            fits_stage = override.career_stage in ("", assessment.career_stage)
            specific = 2 * bool(override.community_type) + bool(override.career_stage)
            if fits_type and fits_stage and specific > rank:
                best, rank = override, specific
        source = best or indicator
        assert source.target is not None
        return float(source.target), float(source.floor) if source.floor is not None else None


def _groups(indicator: Indicator, kind: str) -> list[RaterGroup]:
    return [g for g in indicator.rater_groups.all() if g.kind == kind]


def _note(indicator: Indicator, fit: float) -> str:
    good, weak = NOTES.get(indicator.code, ("", ""))
    return good if fit >= 0.88 else weak if fit < 0.68 else ""


def _adjust(people: _People, cycle: Cycle, n: int) -> None:
    """The quarter's bonuses, deductions and veto proposal, each with its evidence."""
    by_code = {a.community.code: a for a in _assessments(cycle)}
    items = {i.code: i for i in AdjustmentItem.objects.filter(scheme_id=cycle.scheme_id)}
    for quarter, code, item, occurrences, note in ADJUSTMENTS:
        if quarter != n:
            continue
        assessment = by_code[code]
        services.adjustment_add(
            actor=people.assessor(assessment), assessment=assessment, item=items[item],
            occurrences=occurrences, note=note,
            evidence=_evidence(items[item].name),
        )  # fmt: skip
    quarter, code, item, reason = VETO
    if quarter == n:
        assessment = by_code[code]
        veto = services.veto_propose(
            actor=people.assessor(assessment), assessment=assessment,
            item=VetoItem.objects.get(scheme_id=cycle.scheme_id, code=item), reason=reason,
            evidence=_evidence("事故调查报告"),
        )  # fmt: skip
        # A second person approves: vetoes are easy to overuse.
        services.veto_decide(actor=people.admin, veto=veto, approve=True)


# Step 2: publish ------------------------------------------------------------------------


def seed_demo_results(tenant: Tenant) -> int:
    """Compute and publish the scored quarters (the older ones closed), then the appeal and
    the rectifications; returns the results published (0 when they are already)."""
    with tenant_context(tenant.pk), one_job_each():
        cycles = demo_cycles(tenant)
        if cycles is None:
            return 0
        done = (State.PUBLISHED, State.APPEAL, State.FINAL)
        if Assessment.objects.filter(cycle__in=cycles.published, state__in=done).exists():
            return 0
        people = _People(tenant)
        published = 0
        for n, cycle in enumerate(cycles.published):
            services.recompute_cycle(cycle_id=cycle.pk)
            for assessment in _assessments(cycle):
                published += _publish(people, assessment, final=n < 2)
        latest = {a.community.code: a for a in _assessments(cycles.published[-1])}
        _appeal(people, latest["xingfuli"])
        # The upheld appeal re-ranks its quarter; today's quarter shows what is missing.
        for cycle in (cycles.published[-1], cycles.current):
            services.recompute_cycle(cycle_id=cycle.pk)
        _rectify(people, latest)
        return published


def _publish(people: _People, assessment: Assessment, *, final: bool) -> int:
    assessor = people.assessor(assessment)
    assessment = services.assessment_transition(
        actor=assessor, assessment=assessment, to_state=State.REVIEW
    )
    if not Result.objects.get(assessment=assessment).complete:
        return 0  # it waits in review for the missing score
    assessment = services.assessment_transition(
        actor=assessor, assessment=assessment, to_state=State.PUBLISHED
    )
    if final:
        services.assessment_transition(actor=assessor, assessment=assessment, to_state=State.FINAL)
    return 1


def _appeal(people: _People, assessment: Assessment) -> None:
    """The secretary contests an indicator; the street sends it up, the district upholds it."""
    indicator = Indicator.objects.get(scheme_id=assessment.scheme_id, code=APPEAL_INDICATOR)
    appeal = services.appeal_file(
        actor=people.secretary(assessment.community.code), assessment=assessment,
        indicator=indicator, reason=APPEAL_REASON,
        evidence=_evidence("跨区转办工单清单"),
    )  # fmt: skip
    appeal = services.appeal_review(
        actor=people.assessor(assessment), appeal=appeal, decision="escalate",
        note=APPEAL_ESCALATED,
    )  # fmt: skip
    services.appeal_review(
        actor=people.admin, appeal=appeal, decision="uphold", note=APPEAL_UPHELD,
        corrected_value=APPEAL_CORRECTED,
    )  # fmt: skip


def _rectify(people: _People, latest: dict[str, Assessment]) -> None:
    today = timezone.localdate()
    for code, title, details, days, progress in RECTIFICATIONS:
        assessment = latest[code]
        assessor = people.assessor(assessment)
        item = services.rectification_raise(
            actor=assessor, community=assessment.community, title=title, description=details,
            deadline=today + dt.timedelta(days=days), owner=User.objects.get(username=f"sec-{code}"),
            assessment=assessment,
        )  # fmt: skip
        if progress:
            item = services.rectification_mark_done(
                actor=people.secretary(code), item=item, note=progress,
                evidence=_evidence("整改照片说明"),
            )  # fmt: skip
        if code == "xinhe":
            services.rectification_review(actor=assessor, item=item, accept=True)


def seed_demo_neighbour(tenant: Tenant) -> int:
    """西陵区 opens today's quarter on its own scheme (its assessments wait in draft);
    returns the cycles opened."""
    with tenant_context(tenant.pk):
        if Cycle.objects.filter(tenant=tenant).exists():
            return 0
        scheme = demo_scheme(tenant)
        assert scheme is not None, "seed the schemes first"
        year, quarter = demo_quarters(timezone.localdate())[-1]
        services.cycle_open(
            actor=demo_actor(NEIGHBOUR.staff[0][0]), kind=Cycle.Kind.QUARTERLY, year=year,
            quarter=quarter, scheme=scheme, starts_on=quarter_start(year, quarter),
            ends_on=quarter_end(year, quarter), name=_quarter_name(year, quarter),
        )  # fmt: skip
        return 1


def demo_counts(tenant: Tenant) -> dict[str, int]:
    """What the demo made, for the command's report."""
    return {
        "cycles": Cycle.objects.filter(tenant=tenant).count(),
        "assessments": Assessment.objects.filter(tenant=tenant).count(),
        "published": Assessment.objects.filter(
            tenant=tenant, state__in=(State.PUBLISHED, State.APPEAL, State.FINAL)
        ).count(),
        "appeals": Appeal.objects.filter(tenant=tenant).count(),
        "vetoes": VetoRecord.objects.filter(tenant=tenant).count(),
        "rectifications": Rectification.objects.filter(tenant=tenant).count(),
    }
