"""Properties of the scoring engine over generated schemes and subjects (Hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise
from random import Random
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from indicators.engine import (
    AdjustmentInput,
    AdjustmentItemSpec,
    AdjustmentKind,
    CareerStage,
    CategorySpec,
    CommunityType,
    CompiledScheme,
    Direction,
    EntryInput,
    EntryLayout,
    Grade,
    IndicatorSpec,
    Method,
    PackedEntries,
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

D = Decimal
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def weights(draw: st.DrawFn, n: int) -> list[int]:
    """n positive integers that sum to 100."""
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in pairwise(bounds)]


@st.composite
def indicators(
    draw: st.DrawFn, code: str, group_codes: list[str], restricted: bool
) -> IndicatorSpec:
    method = draw(st.sampled_from(Method))
    groups = draw(st.lists(st.sampled_from(group_codes), min_size=1, unique=True))
    extra: dict[str, Any] = {}
    if method is Method.QUANTITATIVE:
        direction = draw(st.sampled_from(Direction))
        target = D(draw(st.integers(1, 50)))
        if direction is Direction.HIGHER:
            floor = draw(st.none() | st.integers(0, int(target) - 1).map(D))
        else:
            floor = draw(st.none() | st.integers(int(target) + 1, 120).map(D))
        overrides = {}
        if draw(st.booleans()):
            key = draw(
                st.sampled_from(
                    [
                        (CommunityType.MOUNTAIN, None),
                        (None, CareerStage.ADAPTATION),
                        (CommunityType.RURAL, CareerStage.GROWTH),
                    ]
                )
            )
            overrides[key] = TargetSpec(D(draw(st.integers(1, 50))))
        extra = {
            "direction": direction,
            "target": target,
            "floor": floor,
            "target_overrides": overrides,
        }
    if restricted:
        extra["community_types"] = draw(
            st.none() | st.frozensets(st.sampled_from(CommunityType), min_size=1)
        )
        extra["career_stages"] = draw(
            st.none() | st.frozensets(st.sampled_from(CareerStage), min_size=1)
        )
    max_points = draw(st.decimals(D("0.5"), D(20), places=1))
    return IndicatorSpec(code, code, max_points, method, tuple(groups), **extra)


caps = st.none() | st.integers(0, 12).map(D)


@st.composite
def schemes(draw: st.DrawFn) -> SchemeSpec:
    n_groups = draw(st.integers(1, 3))
    group_codes = [f"g{n}" for n in range(n_groups)]
    group_weights = draw(weights(n_groups))
    rater_groups = tuple(
        RaterGroupSpec(code, code, D(w)) for code, w in zip(group_codes, group_weights, strict=True)
    )
    n_categories = draw(st.integers(1, 3))
    category_weights = draw(weights(n_categories))
    categories = []
    for c, weight in enumerate(category_weights):
        count = draw(st.integers(1, 3))
        # The first indicator of a category applies everywhere, so no category is ever
        # empty for a subject.
        specs = tuple(
            draw(indicators(f"c{c}i{i}", group_codes, restricted=i > 0)) for i in range(count)
        )
        categories.append(CategorySpec(f"c{c}", f"c{c}", D(weight), specs))
    codes = [i.code for c in categories for i in c.indicators]
    bonus = tuple(
        AdjustmentItemSpec(f"b{n}", "b", AdjustmentKind.BONUS, D(draw(st.integers(1, 5))), cap)
        for n, cap in enumerate(draw(st.lists(caps, max_size=2)))
    )
    deductions = tuple(
        AdjustmentItemSpec(
            f"d{n}",
            "d",
            AdjustmentKind.DEDUCTION,
            D(draw(st.integers(1, 8))),
            draw(caps),
            draw(st.none() | st.sampled_from(codes)),
        )
        for n in range(draw(st.integers(0, 3)))
    )
    return SchemeSpec(
        categories=tuple(categories),
        rater_groups=rater_groups,
        bonus_items=bonus,
        deduction_items=deductions,
        veto_items=(VetoItemSpec("v", "一票否决"),),
        bonus_cap=draw(caps),
        deduction_cap=draw(caps),
    )


def values_for(spec: IndicatorSpec) -> st.SearchStrategy[Decimal]:
    if spec.method is Method.YES_NO:
        return st.sampled_from([D(0), D(1)])
    if spec.method is Method.QUANTITATIVE:
        return st.decimals(D(-10), D(150), places=2)
    # A little beyond 0-100, which the engine clamps.
    return st.decimals(D(-5), D(105), places=2)


@dataclass(frozen=True)
class Case:
    scheme: SchemeSpec
    compiled: CompiledScheme
    subject: SubjectInput


@st.composite
def cases(draw: st.DrawFn) -> Case:
    scheme = draw(schemes())
    entries: list[EntryInput] = []
    for category in scheme.categories:
        for spec in category.indicators:
            for group in spec.group_codes:
                # 0 raters: the group is missing; up to 6 exercises the trimmed mean.
                raters = draw(st.sampled_from([0, 1, 1, 2, 3, 3, 4, 5, 6]))
                for n in range(raters):
                    value = draw(values_for(spec))
                    entries.append(EntryInput(len(entries) + 1, spec.code, group, f"r{n}", value))
    items = [*scheme.bonus_items, *scheme.deduction_items]
    adjustments = tuple(
        AdjustmentInput(n + 100, draw(st.sampled_from(items)).code, draw(st.integers(0, 4)))
        for n in range(draw(st.integers(0, 3)) if items else 0)
    )
    vetoes = tuple(VetoInput(n + 200, "v") for n in range(draw(st.sampled_from([0, 0, 0, 1]))))
    subject = SubjectInput(
        subject_id=1,
        community_type=draw(st.sampled_from(CommunityType)),
        career_stage=draw(st.sampled_from(CareerStage)),
        entries=tuple(entries),
        adjustments=adjustments,
        vetoes=vetoes,
    )
    return Case(scheme, compile_scheme(scheme), subject)


def numbers(result: Result) -> tuple[object, ...]:
    return (
        result.total,
        result.exact_total,
        result.base_total,
        result.categories,
        result.indicators,
        result.adjustments,
        result.bonus_total,
        result.deduction_total,
        result.grade,
        result.complete,
        result.missing,
        result.total_range,
        result.vetoed,
        result.veto_ids,
        result.ignored_entry_ids,
    )


@PROPERTY_SETTINGS
@given(cases())
def test_the_total_stays_within_its_bounds(case: Case) -> None:
    result = score(case.compiled, case.subject, explain=False)
    scheme = case.scheme
    if scheme.bonus_cap is not None:
        bonus_bound = scheme.bonus_cap
    else:
        # An uncapped item is bounded by what it was given here.
        occurrences = {item.code: 0 for item in scheme.bonus_items}
        for adjustment in case.subject.adjustments:
            if adjustment.item_code in occurrences:
                occurrences[adjustment.item_code] += adjustment.occurrences
        bonus_bound = sum(
            (
                item.cap
                if item.cap is not None
                else item.points_per_occurrence * occurrences[item.code]
                for item in scheme.bonus_items
            ),
            D(0),
        )
    low, high = result.total_range
    assert D(0) <= result.total <= D(100) + bonus_bound
    assert low == result.total <= high <= D(100) + bonus_bound
    assert D(0) <= result.base_total
    if result.complete:
        assert low == high


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_raising_a_value_never_lowers_the_total(case: Case, data: st.DataObject) -> None:
    specs = {i.code: i for c in case.scheme.categories for i in c.indicators}
    raisable = [
        n
        for n, entry in enumerate(case.subject.entries)
        if specs[entry.indicator_code].direction is Direction.HIGHER
        or specs[entry.indicator_code].method is not Method.QUANTITATIVE
    ]
    assume(raisable)
    n = data.draw(st.sampled_from(raisable))
    entry = case.subject.entries[n]
    if specs[entry.indicator_code].method is Method.YES_NO:
        raised = D(1)
    else:
        raised = entry.value + data.draw(st.decimals(D("0.01"), D(50), places=2))
    entries = list(case.subject.entries)
    entries[n] = replace(entry, value=raised)
    before = score(case.compiled, case.subject, explain=False)
    after = score(case.compiled, replace(case.subject, entries=tuple(entries)), explain=False)
    assert after.exact_total >= before.exact_total
    assert after.total >= before.total


@PROPERTY_SETTINGS
@given(cases())
def test_any_veto_fails(case: Case) -> None:
    vetoed = replace(case.subject, vetoes=(VetoInput(999, "v"),))
    result = score(case.compiled, vetoed, explain=False)
    assert result.vetoed
    assert result.grade is Grade.FAIL


@PROPERTY_SETTINGS
@given(cases())
def test_the_leaves_add_up_to_the_total(case: Case) -> None:
    result = score(case.compiled, case.subject)
    assert result.explanation is not None
    leaves = result.explanation.leaves()
    assert sum((leaf.points for leaf in leaves), D(0)) == result.exact_total
    assert result.explanation.points == result.exact_total
    assert sum((leaf.display_points for leaf in leaves), D(0)) == result.total
    assert result.explanation.display_points == result.total
    # no "-0.00" anywhere
    shown = [result.total, *(leaf.display_points for leaf in leaves)]
    assert not any(d.is_zero() and d.is_signed() for d in shown)
    if result.complete or result.vetoed:
        assert result.grade is not None
    else:
        assert result.grade is None


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(case: Case, rng: Random) -> None:
    entries = list(case.subject.entries)
    adjustments = list(case.subject.adjustments)
    rng.shuffle(entries)
    rng.shuffle(adjustments)
    shuffled = replace(case.subject, entries=tuple(entries), adjustments=tuple(adjustments))
    first = score(case.compiled, case.subject)
    second = score(case.compiled, shuffled)
    assert numbers(first) == numbers(second)
    assert first.explanation == second.explanation


@PROPERTY_SETTINGS
@given(cases())
def test_explain_false_gives_the_same_numbers(case: Case) -> None:
    fast = score(case.compiled, case.subject, explain=False)
    full = score(case.compiled, case.subject, explain=True)
    assert fast.explanation is None
    assert numbers(fast) == numbers(full)


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_the_packed_form_gives_the_same_numbers(case: Case, rng: Random) -> None:
    # The bulk selector's form: one flat tuple of values and a layout of (indicator, group)
    # runs, in whatever order the database returned them.
    runs: dict[tuple[str, str], list[Decimal]] = {}
    for entry in case.subject.entries:
        runs.setdefault((entry.indicator_code, entry.group_code), []).append(entry.value)
    keys = list(runs)
    rng.shuffle(keys)
    layout = EntryLayout(tuple((i, g, len(runs[(i, g)])) for i, g in keys))
    values = tuple(v for key in keys for v in runs[key])
    packed = replace(case.subject, entries=(), packed=PackedEntries(layout, values))
    fast = score(case.compiled, packed, explain=False)
    full = score(case.compiled, case.subject, explain=True)
    # Positions stand in for the ids of entries the plan leaves out; their number is kept.
    assert numbers(fast)[:-1] == numbers(full)[:-1]
    assert len(fast.ignored_entry_ids) == len(full.ignored_entry_ids)
    # A layout serves every subject that shares it, once per context plan.
    again = score(case.compiled, packed, explain=False)
    assert numbers(again) == numbers(fast)
