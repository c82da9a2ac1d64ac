"""The scoring engine against hand-computed numbers (docs/scoring.md).

Most tests use one category of weight 100 holding one indicator of 10 points, so the
category factor is 100 / 10 = 10 and the total is the indicator's share x 100.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from indicators.engine import (
    AdjustmentInput,
    AdjustmentItemSpec,
    AdjustmentKind,
    CareerStage,
    CategorySpec,
    CommunityType,
    CompiledScheme,
    Direction,
    EntryGroupInput,
    EntryInput,
    ExplanationNode,
    Grade,
    IndicatorSpec,
    LevelSpec,
    Method,
    NodeKind,
    RaterGroupSpec,
    Result,
    SchemeSpec,
    SubjectInput,
    TargetSpec,
    VetoInput,
    VetoItemSpec,
    compile_scheme,
    score,
)
from indicators.engine.arith import apportion

D = Decimal
ORG = RaterGroupSpec("org", "组织考评", D(100))
LEVELS = (
    LevelSpec("A", "优", D(90), D(100)),
    LevelSpec("B", "良", D(75), D(90)),
    LevelSpec("C", "中", D(60), D(75)),
    LevelSpec("D", "差", D(0), D(60)),
)
_ids = count(1)


def indicator(
    code: str = "i1",
    method: Method = Method.QUALITATIVE,
    max_points: str = "10",
    groups: tuple[str, ...] = ("org",),
    **kwargs: Any,
) -> IndicatorSpec:
    return IndicatorSpec(code, f"指标{code}", D(max_points), method, groups, **kwargs)


def compiled(
    *indicators: IndicatorSpec,
    groups: tuple[RaterGroupSpec, ...] = (ORG,),
    **kwargs: Any,
) -> CompiledScheme:
    category = CategorySpec("c", "基础指标", D(100), indicators or (indicator(),))
    return compile_scheme(SchemeSpec((category,), groups, **kwargs))


def entries(indicator_code: str, group_code: str, *values: str) -> tuple[EntryInput, ...]:
    return tuple(
        EntryInput(next(_ids), indicator_code, group_code, f"r{n}", D(value))
        for n, value in enumerate(values)
    )


def subject(
    *entry_sets: tuple[EntryInput, ...],
    adjustments: tuple[AdjustmentInput, ...] = (),
    vetoes: tuple[VetoInput, ...] = (),
    community_type: CommunityType = CommunityType.URBAN,
    career_stage: CareerStage = CareerStage.GROWTH,
) -> SubjectInput:
    return SubjectInput(
        subject_id=1,
        community_type=community_type,
        career_stage=career_stage,
        entries=tuple(e for entry_set in entry_sets for e in entry_set),
        adjustments=adjustments,
        vetoes=vetoes,
    )


def both(scheme: CompiledScheme, data: SubjectInput) -> Result:
    """Score with and without the explanation; the numbers must not differ."""
    fast = score(scheme, data, explain=False)
    full = score(scheme, data)
    assert fast.explanation is None
    assert full.explanation is not None
    for name in ("total", "exact_total", "base_total", "grade", "complete", "missing"):
        assert getattr(fast, name) == getattr(full, name), name
    assert fast.total_range == full.total_range
    assert fast.indicators == full.indicators
    assert fast.adjustments == full.adjustments
    leaves = full.explanation.leaves()
    assert sum((leaf.points for leaf in leaves), D(0)) == full.exact_total
    assert sum((leaf.display_points for leaf in leaves), D(0)) == full.total
    assert not any(
        leaf.display_points.is_zero() and leaf.display_points.is_signed() for leaf in leaves
    )
    assert not (full.total.is_zero() and full.total.is_signed())
    return full


def find(node: ExplanationNode, kind: NodeKind, code: str = "") -> list[ExplanationNode]:
    found = [node] if node.kind is kind and (not code or node.code == code) else []
    for child in node.children:
        found.extend(find(child, kind, code))
    return found


def tree(result: Result) -> ExplanationNode:
    assert result.explanation is not None
    return result.explanation


# --- each method's arithmetic -------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "total"),
    [
        ("15", "75.00"),  # (15 - 0) / (20 - 0) = 0.75 -> 75
        ("25", "100.00"),  # beyond the target: clamped to 1
        ("0", "0.00"),
        ("-3", "0.00"),  # below the floor: clamped to 0
    ],
)
def test_quantitative_higher_is_better(actual: str, total: str) -> None:
    scheme = compiled(indicator(method=Method.QUANTITATIVE, target=D(20)))
    result = both(scheme, subject(entries("i1", "org", actual)))
    assert result.total == D(total)


def test_quantitative_higher_with_a_floor() -> None:
    scheme = compiled(indicator(method=Method.QUANTITATIVE, target=D(20), floor=D(10)))
    # (12 - 10) / (20 - 10) = 0.2 -> 20
    assert both(scheme, subject(entries("i1", "org", "12"))).total == D("20.00")


@pytest.mark.parametrize(
    ("actual", "total"),
    [
        ("14", "60.00"),  # floor defaults to 2 x 10 = 20: (20 - 14) / (20 - 10) = 0.6
        ("5", "100.00"),  # better than the target: clamped to 1
        ("25", "0.00"),  # worse than the floor: 0
    ],
)
def test_quantitative_lower_is_better(actual: str, total: str) -> None:
    scheme = compiled(
        indicator(method=Method.QUANTITATIVE, direction=Direction.LOWER, target=D(10))
    )
    result = both(scheme, subject(entries("i1", "org", actual)))
    assert result.total == D(total)
    leaf = find(tree(result), NodeKind.ENTRY)[0]
    assert leaf.rule == "quantitative_lower"
    assert leaf.params["floor"] == D(20)


def test_qualitative_percent_and_level() -> None:
    scheme = compiled(indicator(levels=LEVELS))
    result = both(scheme, subject(entries("i1", "org", "85", "90")))
    # (0.85 + 0.90) / 2 = 0.875 -> 87.5
    assert result.total == D("87.50")
    leaves = find(tree(result), NodeKind.ENTRY)
    assert [leaf.params["level"] for leaf in leaves] == ["B", "A"]  # 90 is 优, not 良
    # each rater earns half the group: 0.85 x 10 / 2 x 10 = 42.5 and 45
    assert [leaf.points for leaf in leaves] == [D("42.5"), D("45")]


@pytest.mark.parametrize(("done", "total"), [("1", "100.00"), ("0", "0.00")])
def test_yes_no(done: str, total: str) -> None:
    scheme = compiled(indicator(method=Method.YES_NO))
    assert both(scheme, subject(entries("i1", "org", done))).total == D(total)


def test_resident_rating() -> None:
    scheme = compiled(indicator(method=Method.RESIDENT_RATING))
    # index 87.5 -> share 0.875 -> 87.5
    assert both(scheme, subject(entries("i1", "org", "87.5"))).total == D("87.50")


def test_group_weights_renormalise_over_the_indicators_groups() -> None:
    groups = (
        RaterGroupSpec("org", "组织评价", D(50)),
        RaterGroupSpec("res", "群众评议", D(30)),
        RaterGroupSpec("exp", "专家考评", D(20)),
    )
    scheme = compiled(indicator(groups=("org", "res")), groups=groups)
    result = both(scheme, subject(entries("i1", "org", "80"), entries("i1", "res", "60")))
    # weights 50/80 = 0.625 and 30/80 = 0.375; 0.625 x 0.8 + 0.375 x 0.6 = 0.725 -> 72.5
    assert result.total == D("72.50")
    org = result.indicators[0].groups[0]
    assert (org.weight, org.share, org.points) == (D("0.625"), D("0.8"), D("5"))


def test_categories_weight_earned_over_max_points() -> None:
    base = CategorySpec(
        "base",
        "基础指标",
        D(60),
        (indicator("a", max_points="10"), indicator("b", max_points="30")),
    )
    extra = CategorySpec("extra", "特色指标", D(40), (indicator("c", max_points="5"),))
    scheme = compile_scheme(SchemeSpec((base, extra), (ORG,)))
    data = subject(entries("a", "org", "100"), entries("b", "org", "50"), entries("c", "org", "80"))
    result = both(scheme, data)
    # base: (10 + 15) / 40 x 60 = 37.5; extra: 4 / 5 x 40 = 32; total 69.5
    assert [c.subtotal for c in result.categories] == [D("37.5"), D("32")]
    assert result.total == D("69.50")
    assert result.grade is Grade.PASS


# --- differentiation by community type and career stage -----------------------------


@pytest.mark.parametrize(
    ("community_type", "career_stage", "total", "source"),
    [
        (CommunityType.MOUNTAIN, CareerStage.ADAPTATION, "100.00", "type_stage"),  # 12 / 12
        (CommunityType.MOUNTAIN, CareerStage.GROWTH, "80.00", "type"),  # 12 / 15
        (CommunityType.URBAN, CareerStage.ADAPTATION, "75.00", "stage"),  # 12 / 16
        (CommunityType.URBAN, CareerStage.GROWTH, "60.00", "default"),  # 12 / 20
    ],
)
def test_the_most_specific_target_override_wins(
    community_type: CommunityType, career_stage: CareerStage, total: str, source: str
) -> None:
    overrides = {
        (CommunityType.MOUNTAIN, CareerStage.ADAPTATION): TargetSpec(D(12)),
        (CommunityType.MOUNTAIN, None): TargetSpec(D(15)),
        (None, CareerStage.ADAPTATION): TargetSpec(D(16)),
    }
    spec = indicator(method=Method.QUANTITATIVE, target=D(20), target_overrides=overrides)
    data = subject(
        entries("i1", "org", "12"), community_type=community_type, career_stage=career_stage
    )
    result = both(compiled(spec), data)
    assert result.total == D(total)
    assert find(tree(result), NodeKind.INDICATOR)[0].params["override"] == source


def test_an_override_may_move_the_floor() -> None:
    overrides = {(CommunityType.RURAL, None): TargetSpec(D(10), floor=D(5))}
    spec = indicator(method=Method.QUANTITATIVE, target=D(20), target_overrides=overrides)
    data = subject(entries("i1", "org", "8"), community_type=CommunityType.RURAL)
    # (8 - 5) / (10 - 5) = 0.6 -> 60
    assert both(compiled(spec), data).total == D("60.00")


def test_an_indicator_that_does_not_apply_is_left_out_of_its_category() -> None:
    mountain_only = indicator("m", community_types=frozenset({CommunityType.MOUNTAIN}))
    scheme = compiled(indicator("a"), mountain_only)
    data = subject(entries("a", "org", "90"), entries("m", "org", "10"))
    urban = both(scheme, data)
    # urban: only "a" counts, max 10 -> 90 / 100 x 10 / 10 x 100 = 90
    assert urban.total == D("90.00")
    assert urban.categories[0].max_points == D(10)
    assert urban.not_applicable == ("m",)
    assert urban.ignored_entry_ids == (data.entries[1].entry_id,)
    # mountain: both count, max 20 -> (9 + 1) / 20 x 100 = 50
    mountain = both(scheme, subject(data.entries, community_type=CommunityType.MOUNTAIN))
    assert mountain.total == D("50.00")


def test_applicability_by_career_stage() -> None:
    growth_only = indicator("g", career_stages=frozenset({CareerStage.GROWTH}))
    scheme = compiled(indicator("a"), growth_only)
    data = subject(entries("a", "org", "60"), career_stage=CareerStage.BREAKTHROUGH)
    result = both(scheme, data)
    assert result.total == D("60.00")  # "g" does not apply, so it is not missing either
    assert result.complete


# --- trimmed mean ---------------------------------------------------------------------


def test_five_raters_drop_the_highest_and_the_lowest() -> None:
    result = both(compiled(), subject(entries("i1", "org", "60", "70", "80", "90", "100")))
    # 60 and 100 dropped: (70 + 80 + 90) / 3 = 80
    assert result.total == D("80.00")
    group = result.indicators[0].groups[0]
    assert (group.raters, group.counted, group.dropped) == (5, 3, 2)
    rules = [leaf.rule for leaf in find(tree(result), NodeKind.ENTRY)]
    assert rules == ["trimmed_low", "qualitative", "qualitative", "qualitative", "trimmed_high"]
    dropped = [leaf for leaf in find(tree(result), NodeKind.ENTRY) if leaf.rule != "qualitative"]
    assert [leaf.points for leaf in dropped] == [D(0), D(0)]


def test_four_raters_are_not_trimmed() -> None:
    result = both(compiled(), subject(entries("i1", "org", "60", "70", "80", "100")))
    # (60 + 70 + 80 + 100) / 4 = 77.5
    assert result.total == D("77.50")
    assert result.indicators[0].groups[0].dropped == 0


def test_a_large_group_is_trimmed_once() -> None:
    values = [str(v) for v in range(1, 21)]
    result = both(compiled(), subject(entries("i1", "org", *values)))
    # 1 and 20 dropped: (2 + 3 + ... + 19) / 18 = 189 / 18 = 10.5
    assert result.total == D("10.50")
    assert result.indicators[0].groups[0].counted == 18


def test_trimmed_mean_on_lower_is_better_drops_the_best_and_worst_shares() -> None:
    spec = indicator(method=Method.QUANTITATIVE, direction=Direction.LOWER, target=D(10))
    result = both(compiled(spec), subject(entries("i1", "org", "10", "12", "14", "16", "30")))
    # shares 1, 0.8, 0.6, 0.4, 0 (30 is past the floor 20); drop 1 and 0: 1.8 / 3 = 0.6
    assert result.total == D("60.00")
    leaves = find(tree(result), NodeKind.ENTRY)
    assert leaves[0].rule == "trimmed_high"  # actual 10 is the best share
    assert leaves[-1].rule == "trimmed_low"


# --- adjustments ----------------------------------------------------------------------


def _tied_scheme(**kwargs: Any) -> CompiledScheme:
    petition = AdjustmentItemSpec(
        "petition", "越级上访", AdjustmentKind.DEDUCTION, D(3), None, indicator_code="i1"
    )
    return compiled(indicator(), deduction_items=(petition,), **kwargs)


def test_a_tied_deduction_is_taken_from_its_indicator() -> None:
    data = subject(entries("i1", "org", "80"), adjustments=(AdjustmentInput(7, "petition", 1),))
    result = both(_tied_scheme(), data)
    # 8 - 3 = 5 indicator points -> 50
    assert result.total == D("50.00")
    assert result.base_total == D(50)
    assert result.indicators[0].deduction == D(3)
    leaf = find(tree(result), NodeKind.ADJUSTMENT, "petition")[0]
    assert (leaf.rule, leaf.points, leaf.refs) == ("deduction", D(-30), (7,))


def test_a_tied_deduction_stops_at_the_indicators_zero() -> None:
    data = subject(entries("i1", "org", "40"), adjustments=(AdjustmentInput(7, "petition", 2),))
    result = both(_tied_scheme(), data)
    # 3 x 2 = 6 deducted from 4 points: stops at 0 (扣完为止)
    assert result.total == D("0.00")
    adjustment = result.adjustments[0]
    assert (adjustment.points, adjustment.applied, adjustment.floor_bit) == (D(6), D(4), True)
    leaf = find(tree(result), NodeKind.ADJUSTMENT, "petition")[0]
    assert (leaf.rule, leaf.points) == ("deduction_floor", D(-40))


def test_item_caps_and_the_whole_assessment_bonus_cap() -> None:
    award = AdjustmentItemSpec("award", "省级表彰", AdjustmentKind.BONUS, D(2), D(4))
    pilot = AdjustmentItemSpec("pilot", "试点", AdjustmentKind.BONUS, D(3))
    scheme = compiled(indicator(), bonus_items=(award, pilot), bonus_cap=D(5))
    data = subject(
        entries("i1", "org", "80"),
        adjustments=(AdjustmentInput(1, "award", 3), AdjustmentInput(2, "pilot", 1)),
    )
    result = both(scheme, data)
    # award 2 x 3 = 6 capped at 4; + pilot 3 = 7, capped at 5 for the assessment; 80 + 5
    assert [a.points for a in result.adjustments] == [D(4), D(3)]
    assert result.adjustments[0].item_cap_bit
    assert (result.bonus_total, result.bonus_cap_bit) == (D(5), True)
    assert result.total == D("85.00")
    cap = [n for n in find(tree(result), NodeKind.ADJUSTMENT) if n.rule == "bonus_cap"]
    assert cap[0].points == D(-2)


def test_untied_deductions_and_the_deduction_cap() -> None:
    absence = AdjustmentItemSpec("absence", "无故缺席", AdjustmentKind.DEDUCTION, D(5), D(10))
    favour = AdjustmentItemSpec("favour", "吃拿卡要", AdjustmentKind.DEDUCTION, D(3))
    scheme = compiled(indicator(), deduction_items=(absence, favour), deduction_cap=D(12))
    data = subject(
        entries("i1", "org", "90"),
        adjustments=(AdjustmentInput(1, "absence", 3), AdjustmentInput(2, "favour", 1)),
    )
    result = both(scheme, data)
    # absence 5 x 3 = 15 capped at 10; + 3 = 13, capped at 12; 90 - 12 = 78
    assert (result.deduction_total, result.deduction_cap_bit) == (D(12), True)
    assert result.total == D("78.00")
    assert result.grade is Grade.PASS


def test_the_total_never_goes_below_zero() -> None:
    absence = AdjustmentItemSpec("absence", "无故缺席", AdjustmentKind.DEDUCTION, D(5))
    scheme = compiled(indicator(), deduction_items=(absence,))
    data = subject(entries("i1", "org", "20"), adjustments=(AdjustmentInput(1, "absence", 6),))
    result = both(scheme, data)
    # 20 - 30 = -10 -> 0, and a leaf gives the 10 back
    assert (result.total, result.exact_total, result.floored_at_zero) == (D(0), D(0), True)
    floor = [n for n in find(tree(result), NodeKind.ADJUSTMENT) if n.rule == "floor_at_zero"]
    assert floor[0].points == D(10)
    assert result.grade is Grade.FAIL


# --- missing entries ------------------------------------------------------------------


def test_missing_entries_give_no_grade_and_the_range_still_reachable() -> None:
    groups = (RaterGroupSpec("org", "组织", D(60)), RaterGroupSpec("res", "群众", D(40)))
    scheme = compiled(indicator(groups=("org", "res")), groups=groups)
    result = both(scheme, subject(entries("i1", "org", "90")))
    # org: 0.6 x 0.9 x 10 = 5.4 points -> 54; res missing: 0.4 x 10 = 4 points -> 40 at stake
    assert result.total == D("54.00")
    assert not result.complete
    assert result.grade is None
    assert result.missing == (("i1", "res", D(40)),)
    assert result.total_range == (D("54.00"), D("94.00"))
    missing = find(tree(result), NodeKind.MISSING)
    assert [(m.code, m.points) for m in missing] == [("res", D(0))]
    assert result.indicators[0].groups[1].share is None


def test_the_range_keeps_a_tied_deduction() -> None:
    groups = (RaterGroupSpec("org", "组织", D(50)), RaterGroupSpec("res", "群众", D(50)))
    petition = AdjustmentItemSpec(
        "petition", "越级上访", AdjustmentKind.DEDUCTION, D(3), indicator_code="i1"
    )
    scheme = compiled(indicator(groups=("org", "res")), groups=groups, deduction_items=(petition,))
    data = subject(entries("i1", "org", "40"), adjustments=(AdjustmentInput(1, "petition", 1),))
    result = both(scheme, data)
    # now: org 0.5 x 0.4 x 10 = 2 points, less 3 -> 0; best: 2 + 5 - 3 = 4 points -> 40
    assert result.total_range == (D("0.00"), D("40.00"))


def test_a_complete_result_has_a_closed_range() -> None:
    result = both(compiled(), subject(entries("i1", "org", "70")))
    assert result.complete
    assert result.total_range == (D("70.00"), D("70.00"))


# --- veto -----------------------------------------------------------------------------


def test_a_veto_forces_fail_whatever_the_total() -> None:
    scheme = compiled(indicator(), veto_items=(VetoItemSpec("safety", "重大安全事故"),))
    data = subject(entries("i1", "org", "98"), vetoes=(VetoInput(5, "safety"),))
    result = both(scheme, data)
    assert result.total == D("98.00")  # still shown
    assert (result.vetoed, result.veto_ids, result.grade) == (True, (5,), Grade.FAIL)
    veto = find(tree(result), NodeKind.VETO)[0]
    assert (veto.code, veto.points, veto.refs) == ("safety", D(0), (5,))


def test_a_veto_fails_even_an_incomplete_result() -> None:
    groups = (RaterGroupSpec("org", "组织", D(60)), RaterGroupSpec("res", "群众", D(40)))
    scheme = compiled(
        indicator(groups=("org", "res")),
        groups=groups,
        veto_items=(VetoItemSpec("safety", "重大安全事故"),),
    )
    data = subject(entries("i1", "org", "98"), vetoes=(VetoInput(5, "safety"),))
    assert both(scheme, data).grade is Grade.FAIL


# --- rounding -------------------------------------------------------------------------


def test_rounding_is_half_up_at_the_edge() -> None:
    result = both(compiled(), subject(entries("i1", "org", "89.995")))
    # 0.89995 x 100 = 89.995 exactly -> 90.00 -> 优秀
    assert result.exact_total == D("89.995")
    assert (result.total, result.grade) == (D("90.00"), Grade.EXCELLENT)


def test_rounding_happens_once_not_per_category() -> None:
    a = CategorySpec("a", "甲", D(50), (indicator("a"),))
    b = CategorySpec("b", "乙", D(50), (indicator("b"),))
    scheme = compile_scheme(SchemeSpec((a, b), (ORG,)))
    result = both(scheme, subject(entries("a", "org", "90.008"), entries("b", "org", "89.988")))
    # subtotals 45.004 and 44.994: rounded one by one they would give 45.00 + 44.99 = 89.99
    # (良好); the exact total 89.998 rounds to 90.00 (优秀)
    assert (result.total, result.grade) == (D("90.00"), Grade.EXCELLENT)
    # the displayed subtotals still add up to the total
    categories = find(tree(result), NodeKind.CATEGORY)
    assert sum((c.display_points for c in categories), D(0)) == D("90.00")


def test_a_half_cent_reached_through_thirds_still_rounds_up() -> None:
    # (89.985 + 90.005 + 89.995) / 3 = 269.985 / 3 = 89.995 exactly, though every rater's
    # leaf is a third (29.995, 30.00166..., 29.99833...)
    result = both(compiled(), subject(entries("i1", "org", "89.985", "90.005", "89.995")))
    assert (result.total, result.grade) == (D("90.00"), Grade.EXCELLENT)


def test_grade_bands() -> None:
    scheme = compiled()
    grades = [
        both(scheme, subject(entries("i1", "org", value))).grade
        for value in ("90", "89.99", "80", "79.99", "60", "59.99")
    ]
    assert grades == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.PASS,
        Grade.PASS,
        Grade.FAIL,
    ]


def test_display_points_apportion_by_largest_remainder() -> None:
    # 1/3 + 1/3 + 1/3: floors 0.33 each, the missing cent goes to the first
    third = D(1) / D(3)
    assert apportion([third, third, third], D("1.00")) == [D("0.34"), D("0.33"), D("0.33")]
    # a deduction rounds down too (-1.234 -> -1.24, remainder 0.006): 5.678 - 1.234 = 4.444
    # -> 4.44; floors 5.67 and -1.24 give 4.43, and the cent goes to 0.008 over 0.006
    assert apportion([D("5.678"), D("-1.234")], D("4.44")) == [D("5.68"), D("-1.24")]


def test_explanation_leaves_add_up_with_thirds() -> None:
    groups = (RaterGroupSpec("org", "组织", D(70)), RaterGroupSpec("res", "群众", D(30)))
    scheme = compiled(indicator(groups=("org", "res")), groups=groups)
    data = subject(entries("i1", "org", "91", "77", "83"), entries("i1", "res", "66", "71"))
    result = both(scheme, data)
    # org: 0.7 x (91 + 77 + 83) / 3 = 0.7 x 83.666... = 58.5666...
    # res: 0.3 x (66 + 71) / 2 = 0.3 x 68.5 = 20.55; total 79.1166... -> 79.12
    assert result.total == D("79.12")
    assert result.grade is Grade.PASS


# --- inputs and structure -------------------------------------------------------------


def test_grouped_entries_score_like_single_entries() -> None:
    scheme = compiled()
    single = subject(entries("i1", "org", "70", "80", "95"))
    grouped = SubjectInput(
        subject_id=1,
        community_type=CommunityType.URBAN,
        career_stage=CareerStage.GROWTH,
        entry_groups=(
            EntryGroupInput("i1", "org", (1, 2, 3), ("a", "b", "c"), (D(70), D(80), D(95))),
        ),
    )
    # (70 + 80 + 95) / 3 = 81.666... -> 81.67
    assert both(scheme, single).total == both(scheme, grouped).total == D("81.67")


def test_an_entry_the_scheme_cannot_place_is_an_error() -> None:
    with pytest.raises(ValueError, match="no such pair"):
        score(compiled(), subject(entries("i1", "nobody", "70")))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"groups": (RaterGroupSpec("org", "组织", D(90)),)}, "sum to 90, not 100"),
        (
            {
                "deduction_items": (
                    AdjustmentItemSpec(
                        "x", "x", AdjustmentKind.DEDUCTION, D(1), indicator_code="zz"
                    ),
                )
            },
            "unknown indicator",
        ),
    ],
)
def test_compile_refuses_impossible_schemes(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compiled(indicator(), **kwargs)


def test_compile_refuses_a_target_on_its_floor() -> None:
    with pytest.raises(ValueError, match="target 10 above floor 10"):
        compiled(indicator(method=Method.QUANTITATIVE, target=D(10), floor=D(10)))
    with pytest.raises(ValueError, match="unknown rater group"):
        compiled(indicator(groups=("ghost",)))
    with pytest.raises(ValueError, match="category weights sum to 90"):
        compile_scheme(SchemeSpec((CategorySpec("c", "c", D(90), (indicator(),)),), (ORG,)))


def test_a_category_empty_for_a_subject_is_an_error_only_for_that_subject() -> None:
    rural_only = indicator("r", community_types=frozenset({CommunityType.RURAL}))
    scheme = compile_scheme(
        SchemeSpec(
            (
                CategorySpec("a", "甲", D(50), (indicator("a"),)),
                CategorySpec("b", "乙", D(50), (rural_only,)),
            ),
            (ORG,),
        )
    )
    rural = subject(
        entries("a", "org", "80"), entries("r", "org", "60"), community_type=CommunityType.RURAL
    )
    assert both(scheme, rural).total == D("70.00")  # 40 + 30
    with pytest.raises(ValueError, match="no indicator that applies"):
        score(scheme, subject(entries("a", "org", "80")))


def test_a_packed_layout_refuses_a_pair_named_twice_or_a_negative_run() -> None:
    from indicators.engine import EntryLayout

    with pytest.raises(ValueError, match="twice"):
        EntryLayout((("a", "g", 1), ("a", "g", 2)))
    with pytest.raises(ValueError, match="negative"):
        EntryLayout((("a", "g", -1),))
    layout = EntryLayout((("a", "g", 2), ("b", "g", 0), ("c", "h", 3)))
    assert layout.keys == (("a", "g"), ("b", "g"), ("c", "h"))
    assert layout.bounds == ((0, 2), (2, 2), (2, 5))


def test_column_sums_take_the_strided_path_only_when_every_column_has_k_values() -> None:
    """The bulk path adds strided slices when every column holds the same number of values
    end to end; any other arrangement sums column by column. Both give the same numbers
    (the properties in test_engine_properties check that on random schemes)."""
    from indicators.engine.columns import RunMap

    def run_map(raters: list[int]) -> RunMap:
        ends = [sum(raters[: n + 1]) for n in range(len(raters))]
        starts = [0, *ends[:-1]]
        size = ends[-1] if ends else 0
        return RunMap(
            slices=tuple(map(slice, starts, ends)),
            raters=tuple(raters),
            lo=(Decimal(0),) * size,
            hi=(Decimal(1),) * size,
        )

    assert run_map([3, 3, 3]).stride == 3
    assert run_map([1, 1]).stride == 1
    assert run_map([3, 2, 3]).stride == 0
    assert run_map([0, 0]).stride == 0
    assert run_map([]).stride == 0
