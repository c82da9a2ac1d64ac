"""Worked examples: one community per built-in template, scored through the real path
(template document → database → scheme_spec → compile_scheme → score).

Every expected number is computed by hand in the comments, category by category; none is
asked of the engine. A share is what a rater group's entries earn of the indicator's
points; an indicator's share is the weighted mean of its groups' shares, the group weights
renormalised over the groups that score it. A category's subtotal is its earned points over
its max points times its weight; each category below is built so that its max points equal
its weight, so its subtotal is simply the sum of its indicators' points.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from indicators import engine
from indicators.engine import (
    AdjustmentInput,
    CareerStage,
    CommunityType,
    EntryInput,
    Grade,
    MissingEntry,
    SubjectInput,
    VetoInput,
)
from indicators.selectors import scheme_spec
from indicators.services import scheme_create_from_document, scheme_publish
from indicators.templates import template_document
from organizations.selectors import actor_for_user

D = Decimal
Values = dict[tuple[str, str], list[str]]


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def load(cast, as_tenant):
    """Create the template as the tenant admin, publish it and compile what it stored."""
    actor = actor_for_user(cast.admin)

    def load(code: str, special_codes: list[str] | None = None) -> engine.CompiledScheme:
        document = template_document(code, scheme_code=f"worked-{code}", year=2026)
        with as_tenant(cast.tenant_a):
            scheme = scheme_create_from_document(actor=actor, document=document)
            scheme_publish(actor=actor, scheme=scheme)
            spec = scheme_spec(scheme=scheme, special_codes=special_codes)
        return engine.compile_scheme(spec)

    return load


def entries(values: Values) -> tuple[EntryInput, ...]:
    return tuple(
        EntryInput(f"{indicator}/{group}/{n}", indicator, group, f"{group}-{n}", D(value))
        for (indicator, group), raw in values.items()
        for n, value in enumerate(raw, start=1)
    )


def adjustments(**occurrences: int) -> tuple[AdjustmentInput, ...]:
    return tuple(
        AdjustmentInput(f"adj-{code}", code.replace("_", "-"), n) for code, n in occurrences.items()
    )


def fine(value: Decimal) -> Decimal:
    """To a billionth: enough to show a half cent before the total is rounded, and blind to
    the engine's sub-1e-20 quantisation of thirds and sevenths."""
    return value.quantize(D("1e-9"), rounding=ROUND_HALF_UP)


def percent(share: Decimal | None) -> Decimal:
    """A share as a percent to two places: a mean over three raters is a third of a sum, so
    the share itself carries a remainder far below a cent."""
    assert share is not None
    return cents(share * 100)


def subtotals(result: engine.Result) -> dict[str, Decimal]:
    return {c.code: cents(c.subtotal) for c in result.categories}


def group(result: engine.Result, indicator: str, code: str) -> engine.GroupResult:
    return next(g for g in result.indicator(indicator).groups if g.group_code == code)


def item(result: engine.Result, code: str) -> engine.AdjustmentResult:
    return next(a for a in result.adjustments if a.item_code == code)


def assert_explained(result: engine.Result) -> None:
    assert result.explanation is not None
    assert sum(leaf.display_points for leaf in result.explanation.leaves()) == result.total


# 基础指标 40 / 发展指标 30 / 特色指标 30 ----------------------------------------------------

ORG, RES, EXP = "zuzhi-pingjia", "qunzhong-pingyi", "zhuanjia-kaoping"
# Group weights 组织评价 50 / 群众评议 30 / 专家考评 20; renormalised:
#   ORG+RES: 5/8, 3/8   RES+EXP: 3/5, 2/5   ORG+EXP: 5/7, 2/7   all three: 1/2, 3/10, 1/5.
# The urban community chose five of the eight pool indicators (6 points each: 特色 is out
# of 30, its weight).
JFT_CHOSEN = [
    "ts-sidianban-ketang",
    "ts-laji-fenlei",
    "ts-dangjian-pinpai",
    "ts-gonggong-kongjian",
    "ts-sanzhi-ronghe",
]
JFT_VALUES: Values = {
    # 基础指标 (urban: 红色物业 applies, 人居环境 does not; 8+6+6+5+5+5+5 = 40 points)
    ("jc-zuzhi-shenghuo", ORG): ["9"],  # 9 / 12 次 = 0.75 × 8 = 6.00
    ("jc-suqiu-banjie", ORG): ["88"],  # (88 − 60) / (95 − 60) = 0.8 × 6 = 4.80
    ("jc-xinfang-weiwen", ORG): ["75"],  # 良 75 % × 6 = 4.50, then 越级上访 takes it all
    ("jc-anquan-paicha", ORG): ["1"],  # done: 5.00
    # lower is better, urban override target 6 floor 18: (18 − 9) / (18 − 6) = 0.75 × 5 = 3.75
    ("jc-youxiao-tousu", ORG): ["9"],
    ("jc-hongse-wuye", ORG): ["90"],  # 90 % against 80 %: clamped to 1 × 5 = 5.00
    ("jc-fuwu-taidu", RES): ["90"],  # satisfaction index 90 × 5 = 4.50
    # 发展指标 (8+8+7+7 = 30 points)
    ("fz-minsheng-shishi", ORG): ["3"],  # breakthrough override target 4: 3/4 × 8 = 6.00
    # 组织评价 has five raters: 100 and 20 are dropped, (90 + 80 + 70) / 3 = 80 %;
    # 群众评议 100 %: 5/8 × 0.8 + 3/8 × 1 = 0.5 + 0.375 = 0.875 × 8 = 7.00
    ("fz-yishi-xieshang", ORG): ["100", "90", "80", "70", "20"],
    ("fz-yishi-xieshang", RES): ["100"],
    # 1/2 × 1 + 3/10 × 1 + 1/5 × 0.5 = 0.9 × 7 = 6.30
    ("fz-tebie-qunti", ORG): ["100"],
    ("fz-tebie-qunti", RES): ["100"],
    ("fz-tebie-qunti", EXP): ["50"],
    ("fz-zonghe-manyi", RES): ["80"],  # 0.8 × 7 = 5.60
    # 特色指标 (five chosen × 6 = 30 points)
    ("ts-sidianban-ketang", ORG): ["1"],  # 6.00
    ("ts-laji-fenlei", ORG): ["70"],  # urban default 80, floor 40: 30 / 40 = 0.75 × 6 = 4.50
    ("ts-dangjian-pinpai", ORG): ["100"],  # both full: 6.00
    ("ts-dangjian-pinpai", EXP): ["100"],
    ("ts-gonggong-kongjian", RES): ["60"],  # 3/5 × 0.6 + 2/5 × 0.8 = 0.36 + 0.32 = 0.68
    ("ts-gonggong-kongjian", EXP): ["80"],  # 0.68 × 6 = 4.08
    ("ts-sanzhi-ronghe", ORG): ["100"],  # all full: 6.00
    ("ts-sanzhi-ronghe", RES): ["100"],
    ("ts-sanzhi-ronghe", EXP): ["100"],
}
# Bonus: 省级以上表彰 3 × 2 = 6, item cap 4 → 4; 市级表彰 2 × 1 = 2 (cap 3);
#        4 + 2 = 6 → scheme bonus cap 5.
# Untied deduction: 吃拿卡要 1 × 3 = 3 (cap 6; scheme cap 10 does not bite).
# Tied deduction: 越级上访 2 × 3 = 6 (cap 6) from 信访维稳, which earned 4.50: stops at 0.
JFT_ADJUSTMENTS = adjustments(sheng_biaozhang=3, shi_biaozhang=2, chinakayao=1, yueji_shangfang=2)


def jft_subject(cast, values: Values, **extra) -> SubjectInput:
    community = cast.community_a11
    assert community.community_type == "urban"
    return SubjectInput(
        subject_id=community.pk,
        community_type=CommunityType(community.community_type),
        career_stage=CareerStage.BREAKTHROUGH,
        entries=entries(values),
        adjustments=JFT_ADJUSTMENTS,
        **extra,
    )


def test_jichu_fazhan_tese_complete(load, cast):
    compiled = load("jichu-fazhan-tese", JFT_CHOSEN)
    plan = compiled.contexts[(CommunityType.URBAN, CareerStage.BREAKTHROUGH)]
    assert set(JFT_VALUES) == plan.keys  # an entry for every (indicator, group) pair

    result = engine.score(compiled, jft_subject(cast, JFT_VALUES))

    # 基础 6.00 + 4.80 + 0 + 5.00 + 3.75 + 5.00 + 4.50 = 29.05 (× 40 / 40)
    # 发展 6.00 + 7.00 + 6.30 + 5.60 = 24.90 (× 30 / 30)
    # 特色 6.00 + 4.50 + 6.00 + 4.08 + 6.00 = 26.58 (× 30 / 30)
    assert subtotals(result) == {"jichu": D("29.05"), "fazhan": D("24.90"), "tese": D("26.58")}
    assert [c.max_points for c in result.categories] == [D(40), D(30), D(30)]
    assert "jc-renju-huanjing" in result.not_applicable
    # base 29.05 + 24.90 + 26.58 = 80.53
    assert cents(result.base_total) == D("80.53")

    trimmed = group(result, "fz-yishi-xieshang", ORG)
    assert (trimmed.raters, trimmed.counted, percent(trimmed.share)) == (5, 3, D(80))
    assert cents(result.indicator("fz-yishi-xieshang").points) == D("7.00")

    xinfang = result.indicator("jc-xinfang-weiwen")
    assert (cents(xinfang.earned), cents(xinfang.deduction), xinfang.points) == (
        D("4.50"),
        D("4.50"),
        D(0),
    )
    yueji = item(result, "yueji-shangfang")
    assert (yueji.raw_points, yueji.points, cents(yueji.applied), yueji.floor_bit) == (
        D(6),
        D(6),
        D("4.50"),
        True,
    )
    sheng = item(result, "sheng-biaozhang")
    assert (sheng.raw_points, sheng.points, sheng.item_cap_bit) == (D(6), D(4), True)
    assert (result.bonus_total, result.bonus_cap_bit) == (D(5), True)
    assert (result.deduction_total, result.deduction_cap_bit) == (D(3), False)

    # total 80.53 + 5 − 3 = 82.53: 良好 (80 ≤ 82.53 < 90)
    assert result.total == D("82.53")
    assert result.complete and result.missing == ()
    assert result.total_range == (D("82.53"), D("82.53"))
    assert result.grade is Grade.GOOD
    assert_explained(result)


def test_jichu_fazhan_tese_missing_entry(load, cast):
    compiled = load("jichu-fazhan-tese", JFT_CHOSEN)
    values = {k: v for k, v in JFT_VALUES.items() if k != ("ts-gonggong-kongjian", EXP)}

    result = engine.score(compiled, jft_subject(cast, values))

    # 专家考评 has not scored 公共空间活化利用: its 2/5 of 6 points = 2.40 are at stake.
    # Without it the indicator earns only 群众评议's 3/5 × 0.6 × 6 = 2.16 (not 4.08):
    # 特色 26.58 − 4.08 + 2.16 = 24.66; total 82.53 − 1.92 = 80.61 at the low end,
    # 80.61 + 2.40 = 83.01 if the expert gives full marks.
    assert result.missing == (MissingEntry("ts-gonggong-kongjian", EXP, D("2.4")),)
    assert subtotals(result)["tese"] == D("24.66")
    assert result.total == D("80.61")
    assert result.total_range == (D("80.61"), D("83.01"))
    assert not result.complete
    assert result.grade is None
    assert_explained(result)


def test_jichu_fazhan_tese_veto(load, cast):
    compiled = load("jichu-fazhan-tese", JFT_CHOSEN)
    veto = VetoInput("veto-1", "weifan-lianjie-jilv")

    result = engine.score(compiled, jft_subject(cast, JFT_VALUES, vetoes=(veto,)))

    # The total stays 82.53 (良好 by the bands), but the veto makes it 不合格.
    assert result.total == D("82.53")
    assert result.vetoed and result.veto_ids == ("veto-1",)
    assert result.grade is Grade.FAIL


def test_jichu_fazhan_tese_mountain_newcomer_targets(load, cast):
    """Differentiation: a mountain community whose secretary is in the first years.

    Every entry is exactly at the target in force for (mountain, adaptation), so every
    indicator earns full points and the total is 100.00; each value would fall short of
    the default target:
      诉求办结率 85 %  (mountain 85; default 95 → (85 − 60) / 35 = 0.71)
      民生实事 2 项     (adaptation 2; default 3)
      时间银行 500 小时 (mountain + adaptation 500 beats adaptation 800 and default 1500)
      垃圾分类 50 %     (mountain 50 floor 20; default 80 floor 40 → 0.25)
    红色物业 does not apply to a mountain community: 人居环境 (5 points) takes its place, so
    基础 is still out of 40, and an entry made for 红色物业 is ignored, not counted.
    """
    chosen = [
        "ts-laonian-zhucan",
        "ts-sidianban-ketang",
        "ts-laji-fenlei",
        "ts-shijian-yinhang",
        "ts-shuzi-zhili",
    ]
    compiled = load("jichu-fazhan-tese", chosen)
    community = cast.community_a21
    assert community.community_type == "mountain"
    values: Values = {
        ("jc-zuzhi-shenghuo", ORG): ["12"],
        ("jc-suqiu-banjie", ORG): ["85"],
        ("jc-xinfang-weiwen", ORG): ["100"],
        ("jc-anquan-paicha", ORG): ["1"],
        ("jc-youxiao-tousu", ORG): ["4"],  # default target 4 (the override is urban only)
        ("jc-renju-huanjing", ORG): ["1"],
        ("jc-fuwu-taidu", RES): ["100"],
        ("fz-minsheng-shishi", ORG): ["2"],
        ("fz-yishi-xieshang", ORG): ["100"],
        ("fz-yishi-xieshang", RES): ["100"],
        ("fz-tebie-qunti", ORG): ["100"],
        ("fz-tebie-qunti", RES): ["100"],
        ("fz-tebie-qunti", EXP): ["100"],
        ("fz-zonghe-manyi", RES): ["100"],
        ("ts-laonian-zhucan", ORG): ["60"],
        ("ts-sidianban-ketang", ORG): ["1"],
        ("ts-laji-fenlei", ORG): ["50"],
        ("ts-shijian-yinhang", ORG): ["500"],
        ("ts-shuzi-zhili", EXP): ["100"],
    }
    subject = SubjectInput(
        subject_id=community.pk,
        community_type=CommunityType(community.community_type),
        career_stage=CareerStage.ADAPTATION,
        entries=entries({**values, ("jc-hongse-wuye", ORG): ["80"]}),
    )

    result = engine.score(compiled, subject)

    # 基础 8 + 6 + 6 + 5 + 5 + 5 + 5 = 40; 发展 8 + 8 + 7 + 7 = 30; 特色 5 × 6 = 30
    assert subtotals(result) == {"jichu": D(40), "fazhan": D(30), "tese": D(30)}
    assert result.total == D("100.00")
    assert result.grade is Grade.EXCELLENT
    assert result.not_applicable == ("jc-hongse-wuye",)
    assert result.ignored_entry_ids == ("jc-hongse-wuye/zuzhi-pingjia/1",)
    assert_explained(result)


# 工作成效 45 / 党建成效 40 / 满意度 15 --------------------------------------------------------

ZZ, BM, QZ = "zuzhi-kaoping", "tiji-kaoping", "qunzhong-pingyi"
# Group weights 街道组织考评 50 / 县直部门提级考评 30 / 群众评议 20; renormalised:
#   ZZ+BM: 5/8, 3/8   BM+QZ: 3/5, 2/5.
CDM_VALUES: Values = {
    # 工作成效 (10+8+7+8+7+5 = 45 points)
    # 街道 100 % → 1; 县直部门 80 % → (80 − 60) / (100 − 60) = 0.5;
    # 5/8 × 1 + 3/8 × 0.5 = 0.625 + 0.1875 = 0.8125 × 10 = 8.125
    ("gz-zhongdian-renwu", ZZ): ["100"],
    ("gz-zhongdian-renwu", BM): ["80"],
    # 差 50 % from both: 0.5 × 8 = 4.00, then 越级上访 takes it all
    ("gz-xinfang-weiwen", ZZ): ["50"],
    ("gz-xinfang-weiwen", BM): ["50"],
    ("gz-anquan-huanjing", ZZ): ["1"],  # 7.00
    ("gz-suqiu-banjie", BM): ["81"],  # rural override 90, floor 60: 21 / 30 = 0.7 × 8 = 5.60
    # 县直部门 100 %; five resident representatives 90, 85, 80, 75, 30: 90 and 30 are
    # dropped, (85 + 80 + 75) / 3 = 80 %; 3/5 × 1 + 2/5 × 0.8 = 0.92 × 7 = 6.44
    ("gz-huimin-bangfu", BM): ["100"],
    ("gz-huimin-bangfu", QZ): ["90", "85", "80", "75", "30"],
    ("gz-yingji-xiangying", ZZ): ["1"],  # 5.00
    # 党建成效 (rural: 党员中心户 applies, 红色物业 does not; 5 × 8 = 40 points)
    ("dj-sanhui-yike", ZZ): ["12"],  # 8.00
    ("dj-dangyuan-guanli", ZZ): ["80"],  # 0.8 × 8 = 6.40
    ("dj-dangyuan-guanli", BM): ["80"],
    ("dj-dangjian-pinpai", BM): ["70"],  # 0.7 × 8 = 5.60
    ("dj-dangyuan-zhongxinhu", ZZ): ["60"],  # 60 / 80 = 0.75 × 8 = 6.00
    ("dj-shegong-chizheng", ZZ): ["40"],  # growth: default target 50: 0.8 × 8 = 6.40
    # 满意度 (4+4+4+3 = 15 points), satisfaction indices from the campaign
    ("my-fuwu-taidu", QZ): ["90"],  # 0.9 × 4 = 3.60
    ("my-banshi-xiaolv", QZ): ["85"],  # 0.85 × 4 = 3.40
    ("my-huanjing-anquan", QZ): ["80"],  # 0.8 × 4 = 3.20
    ("my-zongti-pingjia", QZ): ["90"],  # 0.9 × 3 = 2.70
}
# Bonus: 省级以上表彰 3 × 2 = 6 → item cap 4; 市级表彰 2 × 1 = 2; 6 → scheme cap 5.
# Untied: 无故缺席 3 × 5 = 15 → item cap 10; 吃拿卡要 1 × 3 = 3; 13 → scheme cap 10.
# Tied: 越级上访 2 × 3 = 6 from 信访维稳, which earned 4.00: stops at 0.
CDM_ADJUSTMENTS = adjustments(
    sheng_biaozhang=3, shi_biaozhang=2, wugu_queqin=3, chinakayao=1, yueji_shangfang=2
)


def cdm_subject(cast, values: Values, **extra) -> SubjectInput:
    community = cast.community_a12
    assert community.community_type == "rural"
    return SubjectInput(
        subject_id=community.pk,
        community_type=CommunityType(community.community_type),
        career_stage=CareerStage.GROWTH,
        entries=entries(values),
        adjustments=CDM_ADJUSTMENTS,
        **extra,
    )


def test_chengxiao_dangjian_manyi_complete(load, cast):
    compiled = load("chengxiao-dangjian-manyi")
    assert set(CDM_VALUES) == compiled.contexts[(CommunityType.RURAL, CareerStage.GROWTH)].keys

    result = engine.score(compiled, cdm_subject(cast, CDM_VALUES))

    # 工作成效 8.125 + 0 + 7.00 + 5.60 + 6.44 + 5.00 = 32.165 (× 45 / 45)
    # 党建成效 8.00 + 6.40 + 5.60 + 6.00 + 6.40 = 32.40 (× 40 / 40)
    # 满意度 3.60 + 3.40 + 3.20 + 2.70 = 12.90 (× 15 / 15)
    assert [fine(c.subtotal) for c in result.categories] == [
        D("32.165"),
        D("32.40"),
        D("12.90"),
    ]
    # base 32.165 + 32.40 + 12.90 = 77.465
    assert fine(result.base_total) == D("77.465")

    trimmed = group(result, "gz-huimin-bangfu", QZ)
    assert (trimmed.raters, trimmed.counted, percent(trimmed.share)) == (5, 3, D(80))
    xinfang = result.indicator("gz-xinfang-weiwen")
    assert (cents(xinfang.earned), cents(xinfang.deduction), xinfang.points) == (
        D("4.00"),
        D("4.00"),
        D(0),
    )
    assert item(result, "yueji-shangfang").floor_bit

    assert (item(result, "sheng-biaozhang").points, item(result, "wugu-queqin").points) == (
        D(4),
        D(10),
    )
    assert item(result, "wugu-queqin").item_cap_bit
    assert (result.bonus_total, result.bonus_cap_bit) == (D(5), True)
    assert (result.deduction_total, result.deduction_cap_bit) == (D(10), True)

    # total 77.465 + 5 − 10 = 72.465, rounded once, half up: 72.47 → 合格
    assert fine(result.exact_total) == D("72.465")
    assert result.total == D("72.47")
    assert result.grade is Grade.PASS
    assert_explained(result)


def test_chengxiao_dangjian_manyi_missing_entry(load, cast):
    compiled = load("chengxiao-dangjian-manyi")
    values = {k: v for k, v in CDM_VALUES.items() if k != ("dj-dangjian-pinpai", BM)}

    result = engine.score(compiled, cdm_subject(cast, values))

    # 党建品牌 is scored by 县直部门 alone: all its 8 points are at stake.
    # 党建成效 32.40 − 5.60 = 26.80; total 72.465 − 5.60 = 66.865 → 66.87 at the low end;
    # 66.865 + 8 = 74.865 → 74.87 at the high end.
    assert result.missing == (MissingEntry("dj-dangjian-pinpai", BM, D(8)),)
    assert subtotals(result)["dangjian"] == D("26.80")
    assert result.total_range == (D("66.87"), D("74.87"))
    assert not result.complete
    assert result.grade is None


def test_chengxiao_dangjian_manyi_veto(load, cast):
    compiled = load("chengxiao-dangjian-manyi")
    veto = VetoInput("veto-1", "nongxu-zuojia")

    result = engine.score(compiled, cdm_subject(cast, CDM_VALUES, vetoes=(veto,)))

    assert result.total == D("72.47")  # 合格 by the bands
    assert result.grade is Grade.FAIL


# 党建与组织建设 25 / 社区治理与民生服务 35 / 重点工作与创新 25 / 廉政与履职 15 ----------------

SELF, MB, ZK = "ziwo-jianping", "mubiao-liangping", "zuzhi-kaoping"
# Group weights 自我检评 10 / 目标量评 50 / 组织考评 40; renormalised:
#   SELF+ZK: 1/5, 4/5   all three: 1/10, 1/2, 2/5.
SW_VALUES: Values = {
    # 党建与组织建设 (urban: 红色物业 applies; 6+5+5+5+4 = 25 points)
    ("dj-sanhui-yike", MB): ["12"],  # 6.00
    # 自我检评 100 %; 组织考评 five raters 95, 90, 80, 70, 50: 95 and 50 are dropped,
    # (90 + 80 + 70) / 3 = 80 %; 1/5 × 1 + 4/5 × 0.8 = 0.2 + 0.64 = 0.84 × 5 = 4.20
    ("dj-dangyuan-guanli", SELF): ["100"],
    ("dj-dangyuan-guanli", ZK): ["95", "90", "80", "70", "50"],
    ("dj-dangjian-pinpai", SELF): ["100"],  # 0.2 + 4/5 × 0.6 = 0.68 × 5 = 3.40
    ("dj-dangjian-pinpai", ZK): ["60"],
    ("dj-wangge-huajie", MB): ["80"],  # (80 − 50) / (90 − 50) = 0.75 × 5 = 3.75
    ("dj-hongse-wuye", MB): ["60"],  # 60 / 80 = 0.75 × 4 = 3.00
    # 社区治理与民生服务 (5+6+6+6+12 = 35 points)
    ("zl-anquan-weijian", MB): ["1"],  # 5.00
    # 1/5 × 0.9 + 4/5 × 0.7 = 0.18 + 0.56 = 0.74 × 6 = 4.44, then 越级上访 takes it all
    ("zl-xinfang-weiwen", SELF): ["90"],
    ("zl-xinfang-weiwen", ZK): ["70"],
    ("zl-laji-fenlei", MB): ["72"],  # urban default 80, floor 40: 32 / 40 = 0.8 × 6 = 4.80
    # 1/10 × 1 + 1/2 × 1 + 2/5 × 0.5 = 0.1 + 0.5 + 0.2 = 0.8 × 6 = 4.80
    ("zl-huimin-bangfu", SELF): ["100"],
    ("zl-huimin-bangfu", MB): ["100"],
    ("zl-huimin-bangfu", ZK): ["50"],
    ("zl-qunzhong-manyi", MB): ["85"],  # 0.85 × 12 = 10.20
    # 重点工作与创新 (8+6+6+5 = 25 points)
    ("zd-zhongdian-renwu", MB): ["90"],  # (90 − 60) / (100 − 60) = 0.75 × 8 = 6.00
    ("zd-yingji-chuzhi", SELF): ["100"],  # 6.00
    ("zd-yingji-chuzhi", ZK): ["100"],
    ("zd-chuangxin-xiangmu", MB): ["1"],  # adaptation override target 1: 6.00
    ("zd-minqing-zhibao", MB): ["0"],  # not done: 0.00
    # 廉政与履职 (5+4+6 = 15 points)
    ("lz-zaigang-hege", MB): ["95"],  # (95 − 80) / (100 − 80) = 0.75 × 5 = 3.75
    ("lz-sangongkai", MB): ["1"],  # 4.00
    ("lz-gongzuo-zuofeng", SELF): ["100"],  # 6.00
    ("lz-gongzuo-zuofeng", ZK): ["100"],
}
# Bonus: 省级以上表彰 3 × 2 = 6 → item cap 4; 市级表彰 1; 超额完成重点任务 1;
#        4 + 1 + 1 = 6 → scheme cap 5.
# Untied: 无故缺席 1 × 5 = 5; 吃拿卡要 1 × 3 = 3; 8 (scheme cap 10 does not bite).
# Tied: 越级上访 2 × 3 = 6 from 信访维稳, which earned 4.44: stops at 0.
SW_ADJUSTMENTS = adjustments(
    sheng_biaozhang=3,
    shi_biaozhang=1,
    chaoe_renwu=1,
    wugu_queqin=1,
    chinakayao=1,
    yueji_shangfang=2,
)


def sw_subject(cast, values: Values, **extra) -> SubjectInput:
    community = cast.community_a11
    assert community.community_type == "urban"
    return SubjectInput(
        subject_id=community.pk,
        community_type=CommunityType(community.community_type),
        career_stage=CareerStage.ADAPTATION,
        entries=entries(values),
        **{"adjustments": SW_ADJUSTMENTS, **extra},
    )


def test_sige_weidu_complete(load, cast):
    compiled = load("sige-weidu")
    assert set(SW_VALUES) == compiled.contexts[(CommunityType.URBAN, CareerStage.ADAPTATION)].keys

    result = engine.score(compiled, sw_subject(cast, SW_VALUES))

    # 党建 6.00 + 4.20 + 3.40 + 3.75 + 3.00 = 20.35 (× 25 / 25)
    # 治理 5.00 + 0 + 4.80 + 4.80 + 10.20 = 24.80 (× 35 / 35)
    # 重点 6.00 + 6.00 + 6.00 + 0 = 18.00 (× 25 / 25)
    # 廉政 3.75 + 4.00 + 6.00 = 13.75 (× 15 / 15)
    assert [cents(c.subtotal) for c in result.categories] == [
        D("20.35"),
        D("24.80"),
        D("18.00"),
        D("13.75"),
    ]
    # base 20.35 + 24.80 + 18.00 + 13.75 = 76.90
    assert cents(result.base_total) == D("76.90")

    trimmed = group(result, "dj-dangyuan-guanli", ZK)
    assert (trimmed.raters, trimmed.counted, percent(trimmed.share)) == (5, 3, D(80))
    xinfang = result.indicator("zl-xinfang-weiwen")
    assert (cents(xinfang.earned), cents(xinfang.deduction), xinfang.points) == (
        D("4.44"),
        D("4.44"),
        D(0),
    )
    assert item(result, "sheng-biaozhang").item_cap_bit
    assert (result.bonus_total, result.bonus_cap_bit) == (D(5), True)
    assert (result.deduction_total, result.deduction_cap_bit) == (D(8), False)

    # total 76.90 + 5 − 8 = 73.90 → 合格
    assert result.total == D("73.90")
    assert result.grade is Grade.PASS
    assert_explained(result)


def test_sige_weidu_missing_entry(load, cast):
    compiled = load("sige-weidu")
    values = {k: v for k, v in SW_VALUES.items() if k != ("zd-yingji-chuzhi", SELF)}

    result = engine.score(compiled, sw_subject(cast, values))

    # The secretary has not self-evaluated 应急响应: 1/5 of 6 points = 1.20 at stake.
    # 重点 18.00 − 1.20 = 16.80; total 73.90 − 1.20 = 72.70, at most 73.90.
    assert result.missing == (MissingEntry("zd-yingji-chuzhi", SELF, D("1.2")),)
    assert [cents(c.subtotal) for c in result.categories][2] == D("16.80")
    assert result.total_range == (D("72.70"), D("73.90"))
    assert result.grade is None and not result.complete


def test_sige_weidu_veto_fails_even_a_perfect_score(load, cast):
    compiled = load("sige-weidu")
    full = {key: ["1" if key[0] in YES_NO else TARGETS.get(key[0], "100")] for key in SW_VALUES}
    subject = sw_subject(
        cast,
        full,
        adjustments=adjustments(sheng_biaozhang=2, chaoe_renwu=1),
        vetoes=(VetoInput("veto-1", "zhongda-anquan-shigu"),),
    )

    result = engine.score(compiled, subject)

    # Every indicator at full points: 25 + 35 + 25 + 15 = 100; bonus 2 × 2 = 4 plus 1 = 5
    # (at the scheme cap, which does not bite). 105.00, and still 不合格.
    assert cents(result.base_total) == D("100.00")
    assert (result.bonus_total, result.bonus_cap_bit) == (D(5), False)
    assert result.total == D("105.00")
    assert result.vetoed
    assert result.grade is Grade.FAIL


YES_NO = {"zl-anquan-weijian", "zd-minqing-zhibao", "lz-sangongkai"}
# Each quantitative indicator's target for an urban community in the adaptation stage.
TARGETS = {
    "dj-sanhui-yike": "12",
    "dj-wangge-huajie": "90",
    "dj-hongse-wuye": "80",
    "zl-laji-fenlei": "80",
    "zd-zhongdian-renwu": "100",
    "zd-chuangxin-xiangmu": "1",
    "lz-zaigang-hege": "100",
}
