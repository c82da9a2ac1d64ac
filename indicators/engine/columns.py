"""A context plan laid out column by column, for the bulk loop in compute._evaluate.

A slot is one applicable indicator and one of its rater groups, in scheme order. Keeping
each property of the slots in its own tuple lets the loop run map() over C builtins (dict
lookup, len, min, max, sum, multiplication) instead of Python bytecode per slot, which is
what makes scoring a whole tenant fit in its time budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .arith import ZERO

if TYPE_CHECKING:
    from .compile import CategoryPlan, GroupPlan, IndicatorPlan

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Columns:
    # one row per slot
    keys: tuple[Key, ...]
    group_codes: tuple[str, ...]
    weights: tuple[Decimal, ...]  # renormalised
    kmax: tuple[Decimal, ...]  # the group's points at a share of 1
    full: tuple[Decimal, ...]  # kmax quantised: the points at stake when missing
    lo: tuple[Decimal, ...]
    hi: tuple[Decimal, ...]
    coefs: tuple[tuple[Decimal, ...], ...]  # coefs[n] = kmax / (span x n)
    substitutes: tuple[Decimal, ...]  # stands in for a missing group's values: share 0
    # (slot, base, negate) for the slots whose share is measured from a floor
    shifted: tuple[tuple[int, Decimal, bool], ...]
    slot_indicator: tuple[int, ...]
    # one row per applicable indicator
    indicator_codes: tuple[str, ...]
    category_codes: tuple[str, ...]
    max_points: tuple[Decimal, ...]
    factors: tuple[Decimal, ...]  # category weight / category max points
    indicator_slices: tuple[slice, ...]  # its slots
    indicator_index: dict[str, int]
    zeros: tuple[Decimal, ...]  # no deduction on any indicator
    # one slice of indicators per category
    category_slices: tuple[slice, ...]


def build_columns(categories: tuple[CategoryPlan, ...]) -> Columns:
    slots: list[GroupPlan] = []
    slot_indicator: list[int] = []
    indicators: list[tuple[IndicatorPlan, CategoryPlan]] = []
    indicator_slices: list[slice] = []
    category_slices: list[slice] = []
    for category in categories:
        first_indicator = len(indicators)
        for indicator in category.indicators:
            first_slot = len(slots)
            for group in indicator.groups:
                slots.append(group)
                slot_indicator.append(len(indicators))
            indicator_slices.append(slice(first_slot, len(slots)))
            indicators.append((indicator, category))
        category_slices.append(slice(first_indicator, len(indicators)))
    return Columns(
        keys=tuple(g.key for g in slots),
        group_codes=tuple(g.group.code for g in slots),
        weights=tuple(g.weight for g in slots),
        kmax=tuple(g.kmax for g in slots),
        full=tuple(g.full for g in slots),
        lo=tuple(g.lo for g in slots),
        hi=tuple(g.hi for g in slots),
        coefs=tuple(g.coefs for g in slots),
        substitutes=tuple(g.base for g in slots),
        shifted=tuple((n, g.base, g.negate) for n, g in enumerate(slots) if g.base or g.negate),
        slot_indicator=tuple(slot_indicator),
        indicator_codes=tuple(i.spec.code for i, _ in indicators),
        category_codes=tuple(c.spec.code for _, c in indicators),
        max_points=tuple(i.spec.max_points for i, _ in indicators),
        factors=tuple(c.factor for _, c in indicators),
        indicator_slices=tuple(indicator_slices),
        indicator_index={i.spec.code: n for n, (i, _) in enumerate(indicators)},
        zeros=(ZERO,) * len(indicators),
        category_slices=tuple(category_slices),
    )
