"""The explanation tree: every point of the total in exactly one leaf.

Leaves are entries (or a "missing" marker, or a dropped entry at 0), adjustments, the caps
that bit, the floor at zero, and vetoes (at 0). A leaf's points are its own formula,
quantised; within an indicator the remainder of a few 1e-20 left by quotients such as 1/3
is given to its last counted entry, or to its last applied tied deduction, so that the
indicator's leaves add up exactly to the points the fast path computed.

Negative amounts are made by subtraction, never by multiplying by -1, which turns a zero
deduction into -0 (shown as "-0.00").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .arith import NOISE, ONE, ZERO, apportion, q
from .results import (
    AdjustmentResult,
    ExplanationNode,
    IndicatorResult,
    NodeKind,
    ParamValue,
)
from .specs import AdjustmentKind, EntryInput, Method, Ref, SubjectInput, ref_key

if TYPE_CHECKING:
    from .compile import CategoryPlan, CompiledScheme, ContextPlan, GroupPlan, IndicatorPlan
    from .results import Result


@dataclass(slots=True)
class _Draft:
    kind: NodeKind
    code: str
    label: str
    rule: str
    params: dict[str, ParamValue]
    children: list[_Draft] = field(default_factory=list)
    refs: tuple[Ref, ...] = ()
    points: Decimal = ZERO  # leaves only: an inner node sums its children


def build_explanation(
    compiled: CompiledScheme,
    plan: ContextPlan,
    subject: SubjectInput,
    result: Result,
    by_key: Mapping[tuple[str, str], list[EntryInput]],
) -> ExplanationNode:
    tied: dict[str, list[AdjustmentResult]] = {}
    for adjustment in result.adjustments:
        if adjustment.indicator_code is not None and adjustment.applicable:
            tied.setdefault(adjustment.indicator_code, []).append(adjustment)
    indicator_results = iter(result.indicators)
    children: list[_Draft] = []
    for category, category_result in zip(plan.categories, result.categories, strict=True):
        figures = [next(indicator_results) for _ in category.indicators]
        indicators = [
            _indicator(compiled, category, indicator, figure, by_key, tied)
            for indicator, figure in zip(category.indicators, figures, strict=True)
        ]
        params: dict[str, ParamValue] = {
            "weight": category.spec.weight,
            "max_points": category.max_points,
            "earned": sum((figure.points for figure in figures), ZERO),
            "subtotal": category_result.subtotal,
        }
        children.append(
            _Draft(
                NodeKind.CATEGORY,
                category.spec.code,
                category.spec.name,
                "category_weight",
                params,
                list(indicators),
            )
        )
    children.extend(_adjustments(compiled, result))
    children.extend(_vetoes(compiled, subject))
    root = _Draft(
        NodeKind.TOTAL,
        "",
        "",
        "total",
        {
            "base_total": result.base_total,
            "bonus_total": result.bonus_total,
            "deduction_total": result.deduction_total,
            "exact_total": result.exact_total,
            "total": result.total,
            "total_min": result.total_range[0],
            "total_max": result.total_range[1],
            "complete": result.complete,
            "vetoed": result.vetoed,
        },
        children,
    )
    leaves: list[_Draft] = []
    _collect_leaves(root, leaves)
    display = apportion([leaf.points for leaf in leaves], result.total)
    return _freeze(root, {id(leaf): shown for leaf, shown in zip(leaves, display, strict=True)})


def _indicator(
    compiled: CompiledScheme,
    category: CategoryPlan,
    indicator: IndicatorPlan,
    figures: IndicatorResult,
    by_key: Mapping[tuple[str, str], list[EntryInput]],
    tied: dict[str, list[AdjustmentResult]],
) -> _Draft:
    code = figures.code
    factor = category.factor
    groups: list[_Draft] = []
    counted_leaves: list[_Draft] = []
    for plan, (group_code, weight, share, points, raters, counted) in zip(
        indicator.groups, figures.groups, strict=True
    ):
        params: dict[str, ParamValue] = {
            "weight": plan.group.weight,
            "renormalised_weight": weight,
            "share": share,
            "raters": raters,
            "counted": counted,
            "dropped": raters - counted,
            "points": points,
            "max_points": plan.full,
        }
        if share is None:
            missing = _Draft(
                NodeKind.MISSING,
                group_code,
                plan.group.name,
                "missing_entry",
                {"points_at_stake": q(plan.full * factor), "indicator_points_at_stake": plan.full},
            )
            leaves = [missing]
        else:
            leaves = _entries(indicator, plan, by_key[plan.key], counted, factor)
            counted_leaves.extend(leaf for leaf in leaves if not leaf.rule.startswith("trimmed"))
        groups.append(
            _Draft(NodeKind.GROUP, group_code, plan.group.name, "group_weight", params, leaves)
        )
    deductions = [_tied_deduction(compiled, a, factor) for a in tied.get(code, [])]
    residual = figures.total_points - sum(
        (leaf.points for leaf in counted_leaves + deductions), ZERO
    )
    if residual:
        absorbers = [d for d, a in zip(deductions, tied.get(code, []), strict=True) if a.applied]
        absorbers = absorbers or counted_leaves
        # Anything above rounding noise means the tree disagrees with the figures.
        if not absorbers or abs(residual) > NOISE:
            raise ArithmeticError(f"indicator {code!r}: leaves miss {residual} points")
        absorbers[-1].points += residual
    spec = indicator.spec
    params = {
        "method": str(spec.method),
        "max_points": figures.max_points,
        "category_max_points": category.max_points,
        "category_weight": category.spec.weight,
        "factor": factor,
        "earned": figures.earned,
        "deduction": figures.deduction,
        "points": figures.points,
        "total_points": figures.total_points,
    }
    if spec.method is Method.QUANTITATIVE:
        params |= {
            "direction": str(spec.direction),
            "target": indicator.target,
            "floor": indicator.floor,
            "override": indicator.override,
        }
    return _Draft(NodeKind.INDICATOR, code, spec.name, indicator.rule, params, groups + deductions)


def _entries(
    indicator: IndicatorPlan,
    plan: GroupPlan,
    entries: list[EntryInput],
    counted: int,
    factor: Decimal,
) -> list[_Draft]:
    entries = sorted(entries, key=lambda e: ref_key(e.entry_id))
    clamped = [_clamp(plan, e.value) for e in entries]
    dropped: dict[int, str] = {}
    if len(entries) >= 5:
        # The same highest and lowest share the fast path drops; among equal shares the
        # entry with the smaller id is dropped as lowest and the larger as highest.
        signed = [-c if plan.negate else c for c in clamped]
        order = sorted(range(len(entries)), key=lambda i: (signed[i], ref_key(entries[i].entry_id)))
        dropped = {order[0]: "trimmed_low", order[-1]: "trimmed_high"}
    span = plan.hi - plan.lo
    drafts = []
    for i, entry in enumerate(entries):
        share = ((plan.base - clamped[i]) if plan.negate else (clamped[i] - plan.base)) / span
        rule = dropped.get(i, indicator.rule)
        points = ZERO if i in dropped else q(share * plan.kmax * factor / counted)
        params = _entry_params(indicator, entry, share) | {"clamped": clamped[i] != entry.value}
        drafts.append(
            _Draft(
                NodeKind.ENTRY,
                "",
                str(entry.rater_id),
                rule,
                params,
                refs=(entry.entry_id,),
                points=points,
            )
        )
    return drafts


def _clamp(plan: GroupPlan, value: Decimal) -> Decimal:
    return min(max(value, plan.lo), plan.hi)


def _entry_params(
    indicator: IndicatorPlan, entry: EntryInput, share: Decimal
) -> dict[str, ParamValue]:
    method = indicator.spec.method
    value = entry.value
    params: dict[str, ParamValue] = {"rater_id": entry.rater_id, "share": share}
    if method is Method.QUANTITATIVE:
        params |= {"actual": value, "target": indicator.target, "floor": indicator.floor}
    elif method is Method.QUALITATIVE:
        # Adjacent levels may share a bound (良 75-90, 优 90-100): the higher level wins.
        holding = [lv for lv in indicator.spec.levels if lv.min_percent <= value <= lv.max_percent]
        level = max(holding, key=lambda lv: lv.min_percent) if holding else None
        params |= {
            "percent": value,
            "level": level.code if level else None,
            "level_label": level.label if level else None,
        }
    elif method is Method.YES_NO:
        params["done"] = value >= ONE
    else:
        params["index"] = value
    return params


def _tied_deduction(
    compiled: CompiledScheme, adjustment: AdjustmentResult, factor: Decimal
) -> _Draft:
    rule = "deduction"
    if adjustment.floor_bit:
        rule = "deduction_floor"
    elif adjustment.item_cap_bit:
        rule = "deduction_item_cap"
    params = _adjustment_params(compiled, adjustment) | {"factor": factor}
    return _Draft(
        NodeKind.ADJUSTMENT,
        adjustment.item_code,
        compiled.items[adjustment.item_code].name,
        rule,
        params,
        refs=adjustment.refs,
        points=ZERO - q(adjustment.applied * factor),
    )


def _adjustment_params(
    compiled: CompiledScheme, adjustment: AdjustmentResult
) -> dict[str, ParamValue]:
    item = compiled.items[adjustment.item_code]
    return {
        "kind": str(adjustment.kind),
        "indicator": adjustment.indicator_code,
        "points_per_occurrence": item.points_per_occurrence,
        "occurrences": adjustment.occurrences,
        "raw_points": adjustment.raw_points,
        "item_cap": item.cap,
        "points": adjustment.points,
        "applied": adjustment.applied,
    }


def _adjustments(compiled: CompiledScheme, result: Result) -> list[_Draft]:
    scheme = compiled.scheme
    drafts: list[_Draft] = []
    for kind, cap, total, bit in (
        (AdjustmentKind.BONUS, scheme.bonus_cap, result.bonus_total, result.bonus_cap_bit),
        (
            AdjustmentKind.DEDUCTION,
            scheme.deduction_cap,
            result.deduction_total,
            result.deduction_cap_bit,
        ),
    ):
        bonus = kind is AdjustmentKind.BONUS
        items = [a for a in result.adjustments if a.kind is kind and a.indicator_code is None]
        for adjustment in items:
            rule = f"{kind}_item_cap" if adjustment.item_cap_bit else str(kind)
            drafts.append(
                _Draft(
                    NodeKind.ADJUSTMENT,
                    adjustment.item_code,
                    compiled.items[adjustment.item_code].name,
                    rule,
                    _adjustment_params(compiled, adjustment),
                    refs=adjustment.refs,
                    points=adjustment.points if bonus else ZERO - adjustment.points,
                )
            )
        if bit:
            before = sum((a.points for a in items), ZERO)
            drafts.append(
                _Draft(
                    NodeKind.ADJUSTMENT,
                    "",
                    "",
                    f"{kind}_cap",
                    {"cap": cap, "before": before, "after": total},
                    points=total - before if bonus else before - total,
                )
            )
    for adjustment in result.adjustments:
        if not adjustment.applicable:
            drafts.append(
                _Draft(
                    NodeKind.ADJUSTMENT,
                    adjustment.item_code,
                    compiled.items[adjustment.item_code].name,
                    "deduction_not_applicable",
                    _adjustment_params(compiled, adjustment),
                    refs=adjustment.refs,
                )
            )
    if result.floored_at_zero:
        below = result.base_total + result.bonus_total - result.deduction_total
        drafts.append(
            _Draft(
                NodeKind.ADJUSTMENT, "", "", "floor_at_zero", {"before": below}, points=ZERO - below
            )
        )
    return drafts


def _vetoes(compiled: CompiledScheme, subject: SubjectInput) -> list[_Draft]:
    refs: dict[str, list[Ref]] = {}
    for veto in subject.vetoes:
        refs.setdefault(veto.item_code, []).append(veto.veto_id)
    return [
        _Draft(
            NodeKind.VETO,
            code,
            item.name,
            "veto",
            {"description": item.description},
            refs=tuple(sorted(refs[code], key=ref_key)),
        )
        for code, item in compiled.vetoes.items()
        if code in refs
    ]


def _collect_leaves(draft: _Draft, leaves: list[_Draft]) -> None:
    if not draft.children:
        leaves.append(draft)
    for child in draft.children:
        _collect_leaves(child, leaves)


def _freeze(draft: _Draft, display: dict[int, Decimal]) -> ExplanationNode:
    children: tuple[ExplanationNode, ...] = ()
    if not draft.children:
        points, shown = draft.points, display[id(draft)]
    else:
        children = tuple(_freeze(child, display) for child in draft.children)
        points = sum((c.points for c in children), ZERO)
        shown = sum((c.display_points for c in children), ZERO)
    return ExplanationNode(
        kind=draft.kind,
        code=draft.code,
        label=draft.label,
        points=points,
        display_points=shown,
        rule=draft.rule,
        params=draft.params,
        children=children,
        refs=draft.refs,
    )
