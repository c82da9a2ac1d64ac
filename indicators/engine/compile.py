"""compile_scheme: turn a scheme into per-context plans so that scoring is cheap.

A plan fixes, for each (community type, career stage), which indicators apply, the
category maximum over them, the target and floor in force, and the coefficients that turn
the raters' values into points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import NamedTuple, TypeVar

from .arith import ENGINE_CONTEXT, HUNDRED, ONE, ZERO, q
from .columns import Columns, build_columns
from .specs import (
    AdjustmentItemSpec,
    AdjustmentKind,
    CareerStage,
    CategorySpec,
    CommunityType,
    Direction,
    IndicatorSpec,
    Method,
    RaterGroupSpec,
    SchemeSpec,
    TargetSpec,
    VetoItemSpec,
)

Context = tuple[CommunityType, CareerStage]
CONTEXTS: tuple[Context, ...] = tuple((t, s) for t in CommunityType for s in CareerStage)
# Coefficients are precomputed for groups of up to this many counted raters.
PRECOMPUTED_RATERS = 16
_T = TypeVar("_T")


class GroupPlan(NamedTuple):
    key: tuple[str, str]  # (indicator code, group code), as entries are bucketed
    group: RaterGroupSpec
    weight: Decimal  # renormalised over the indicator's groups, 0-1
    kmax: Decimal  # indicator max points x renormalised weight
    full: Decimal  # kmax quantised: the points at stake when the group is missing
    lo: Decimal  # values are clamped to [lo, hi] ...
    hi: Decimal
    base: Decimal  # ... and the share is (value - base) / span, or (base - value) / span
    negate: bool
    coefs: tuple[Decimal, ...]  # coefs[n] = kmax / (span x n): n values' sum to points


class IndicatorPlan(NamedTuple):
    spec: IndicatorSpec
    rule: str
    target: Decimal | None
    floor: Decimal | None
    override: str  # which target applies: type_stage, type, stage or default
    groups: tuple[GroupPlan, ...]


class CategoryPlan(NamedTuple):
    spec: CategorySpec
    max_points: Decimal
    factor: Decimal  # category weight / category max points: indicator to total points
    indicators: tuple[IndicatorPlan, ...]


@dataclass(frozen=True, slots=True)
class ContextPlan:
    categories: tuple[CategoryPlan, ...]
    not_applicable: tuple[str, ...]
    keys: frozenset[tuple[str, str]]
    columns: Columns
    # Set when a category has no indicator that applies in this context; scoring a
    # subject in it raises ValueError with this message.
    error: str | None


@dataclass(frozen=True, slots=True)
class CompiledScheme:
    scheme: SchemeSpec
    contexts: dict[Context, ContextPlan]
    indicators: dict[str, IndicatorSpec]
    groups: dict[str, RaterGroupSpec]
    items: dict[str, AdjustmentItemSpec]
    item_order: dict[str, int]
    vetoes: dict[str, VetoItemSpec]
    all_keys: frozenset[tuple[str, str]]


def compile_scheme(scheme: SchemeSpec) -> CompiledScheme:
    """Precompute everything that does not depend on one subject's data.

    Raises ValueError on structurally impossible input (weights that do not sum to 100,
    unknown codes, a target equal to its floor...). Checking that a scheme is sensible is
    the job of the layer that stores it.
    """
    with localcontext(ENGINE_CONTEXT):
        groups = _index("rater group", scheme.rater_groups, lambda g: g.code)
        _check_weights("rater group", [(g.code, g.weight) for g in scheme.rater_groups])
        _index("category", scheme.categories, lambda c: c.code)
        _check_weights("category", [(c.code, c.weight) for c in scheme.categories])
        all_indicators = [i for c in scheme.categories for i in c.indicators]
        indicators = _index("indicator", all_indicators, lambda i: i.code)
        for category in scheme.categories:
            if not category.indicators:
                raise ValueError(f"category {category.code!r} has no indicator")
        for indicator in all_indicators:
            _check_indicator(indicator, groups)
        items = _compile_items(scheme, indicators)
        vetoes = _index("veto item", scheme.veto_items, lambda v: v.code)
        _check_bands(scheme)
        contexts = {ctx: _plan_context(scheme, groups, ctx) for ctx in CONTEXTS}
    return CompiledScheme(
        scheme=scheme,
        contexts=contexts,
        indicators=indicators,
        groups=groups,
        items=items,
        item_order={code: n for n, code in enumerate(items)},
        vetoes=vetoes,
        all_keys=frozenset((i.code, g) for i in all_indicators for g in i.group_codes),
    )


def _index(what: str, things: Iterable[_T], code_of: Callable[[_T], str]) -> dict[str, _T]:
    indexed: dict[str, _T] = {}
    for thing in things:
        code = code_of(thing)
        if code in indexed:
            raise ValueError(f"duplicate {what} code {code!r}")
        indexed[code] = thing
    return indexed


def _check_weights(what: str, weights: list[tuple[str, Decimal]]) -> None:
    if not weights:
        raise ValueError(f"a scheme needs at least one {what}")
    for code, weight in weights:
        if not weight > 0:
            raise ValueError(f"{what} {code!r} has weight {weight}; weights must be positive")
    total = sum((weight for _, weight in weights), ZERO)
    if total != HUNDRED:
        raise ValueError(f"{what} weights sum to {total}, not 100")


def _check_indicator(indicator: IndicatorSpec, groups: dict[str, RaterGroupSpec]) -> None:
    code = indicator.code
    if not indicator.max_points > 0:
        raise ValueError(f"indicator {code!r}: max points must be positive")
    if not indicator.group_codes:
        raise ValueError(f"indicator {code!r} is scored by no rater group")
    if len(set(indicator.group_codes)) != len(indicator.group_codes):
        raise ValueError(f"indicator {code!r} names a rater group twice")
    for group_code in indicator.group_codes:
        if group_code not in groups:
            raise ValueError(f"indicator {code!r}: unknown rater group {group_code!r}")
    if indicator.method is not Method.QUANTITATIVE:
        return
    if indicator.target is None:
        raise ValueError(f"quantitative indicator {code!r} has no target")
    _target_and_floor(indicator, TargetSpec(indicator.target, indicator.floor))
    for key, override in indicator.target_overrides.items():
        if key == (None, None):
            raise ValueError(f"indicator {code!r}: an override must name a type or a stage")
        _target_and_floor(indicator, override)


def _target_and_floor(indicator: IndicatorSpec, spec: TargetSpec) -> tuple[Decimal, Decimal]:
    target = spec.target
    if indicator.direction is Direction.HIGHER:
        floor = ZERO if spec.floor is None else spec.floor
        if not target > floor:
            raise ValueError(
                f"indicator {indicator.code!r}: higher is better needs target {target} "
                f"above floor {floor}"
            )
    else:
        floor = 2 * target if spec.floor is None else spec.floor
        if not floor > target:
            raise ValueError(
                f"indicator {indicator.code!r}: lower is better needs floor {floor} "
                f"above target {target}"
            )
    return target, floor


def _compile_items(
    scheme: SchemeSpec, indicators: dict[str, IndicatorSpec]
) -> dict[str, AdjustmentItemSpec]:
    listed = [(AdjustmentKind.BONUS, i) for i in scheme.bonus_items] + [
        (AdjustmentKind.DEDUCTION, i) for i in scheme.deduction_items
    ]
    items = _index("adjustment item", (item for _, item in listed), lambda i: i.code)
    for kind, item in listed:
        if item.kind is not kind:
            raise ValueError(f"item {item.code!r} is a {item.kind} listed as a {kind}")
        if item.points_per_occurrence < 0:
            raise ValueError(f"item {item.code!r}: points per occurrence must not be negative")
        if item.cap is not None and item.cap < 0:
            raise ValueError(f"item {item.code!r}: the cap must not be negative")
        if item.indicator_code is not None:
            if kind is AdjustmentKind.BONUS:
                raise ValueError(f"bonus item {item.code!r} cannot be tied to an indicator")
            if item.indicator_code not in indicators:
                raise ValueError(
                    f"deduction {item.code!r}: unknown indicator {item.indicator_code!r}"
                )
    for name, cap in (("bonus", scheme.bonus_cap), ("deduction", scheme.deduction_cap)):
        if cap is not None and cap < 0:
            raise ValueError(f"the {name} cap must not be negative")
    return items


def _check_bands(scheme: SchemeSpec) -> None:
    bands = scheme.grade_bands
    if not bands.excellent > bands.good > bands.passing >= 0:
        raise ValueError(
            f"grade bands must descend: {bands.excellent} > {bands.good} > {bands.passing} >= 0"
        )


def _plan_context(
    scheme: SchemeSpec, groups: dict[str, RaterGroupSpec], ctx: Context
) -> ContextPlan:
    categories: list[CategoryPlan] = []
    not_applicable: list[str] = []
    error: str | None = None
    for category in scheme.categories:
        applicable = [i for i in category.indicators if i.applies_to(*ctx)]
        not_applicable.extend(i.code for i in category.indicators if not i.applies_to(*ctx))
        if not applicable:
            error = error or (
                f"category {category.code!r} has no indicator that applies to "
                f"{ctx[0]} communities in the {ctx[1]} stage"
            )
            continue
        max_points = sum((i.max_points for i in applicable), ZERO)
        plans = tuple(_plan_indicator(i, groups, ctx) for i in applicable)
        categories.append(CategoryPlan(category, max_points, category.weight / max_points, plans))
    if error is not None:
        categories = []
    return ContextPlan(
        categories=tuple(categories),
        not_applicable=tuple(not_applicable),
        keys=frozenset(g.key for c in categories for i in c.indicators for g in i.groups),
        columns=build_columns(tuple(categories)),
        error=error,
    )


def _plan_indicator(
    indicator: IndicatorSpec, groups: dict[str, RaterGroupSpec], ctx: Context
) -> IndicatorPlan:
    target: Decimal | None = None
    floor: Decimal | None = None
    override = ""
    negate = False
    if indicator.method is Method.QUANTITATIVE:
        spec, override = _override(indicator, ctx)
        target, floor = _target_and_floor(indicator, spec)
        rule = f"quantitative_{indicator.direction}"
        negate = indicator.direction is Direction.LOWER
        lo, hi = (target, floor) if negate else (floor, target)
        base = floor
    elif indicator.method is Method.YES_NO:
        rule, lo, hi, base = "yes_no", ZERO, ONE, ZERO
    else:
        rule, lo, hi, base = str(indicator.method), ZERO, HUNDRED, ZERO
    span = hi - lo
    weight_sum = sum((groups[g].weight for g in indicator.group_codes), ZERO)
    plans = []
    for group_code in indicator.group_codes:
        weight = groups[group_code].weight / weight_sum
        kmax = indicator.max_points * groups[group_code].weight / weight_sum
        coefs = (ZERO, *(kmax / (span * n) for n in range(1, PRECOMPUTED_RATERS + 1)))
        plans.append(
            GroupPlan(
                key=(indicator.code, group_code),
                group=groups[group_code],
                weight=weight,
                kmax=kmax,
                full=q(kmax),
                lo=lo,
                hi=hi,
                base=base,
                negate=negate,
                coefs=coefs,
            )
        )
    return IndicatorPlan(indicator, rule, target, floor, override, tuple(plans))


def _override(indicator: IndicatorSpec, ctx: Context) -> tuple[TargetSpec, str]:
    """The most specific override wins: (type and stage) > (type) > (stage) > default."""
    community_type, career_stage = ctx
    overrides = indicator.target_overrides
    for key, source in (
        ((community_type, career_stage), "type_stage"),
        ((community_type, None), "type"),
        ((None, career_stage), "stage"),
    ):
        if key in overrides:
            return overrides[key], source
    assert indicator.target is not None  # checked by _check_indicator
    return TargetSpec(indicator.target, indicator.floor), "default"
