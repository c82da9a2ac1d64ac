"""A context plan laid out column by column, for the bulk loop in compute._evaluate.

A slot is one applicable indicator and one of its rater groups, in scheme order. Keeping
each property of the slots in its own tuple lets the loop run map() over C builtins (dict
lookup, len, min, max, sum, multiplication) instead of Python bytecode per slot, which is
what makes scoring a whole tenant fit in its time budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, chain, repeat
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


# Values outside every column (entries the plan does not use) are left as they are.
_BELOW_ALL = Decimal("-Infinity")
_ABOVE_ALL = Decimal("Infinity")


@dataclass(frozen=True, slots=True)
class RunMap:
    """Where each column's values sit in a subject's flat tuple of values, and the bounds
    every value is clamped to.

    Bulk subjects that share an EntryLayout share one RunMap per context plan, so the
    per-subject work is a few map() calls over the flat values.
    """

    slices: tuple[slice, ...]  # per column
    raters: tuple[int, ...]  # per column
    lo: tuple[Decimal, ...]  # per value
    hi: tuple[Decimal, ...]  # per value
    # k when every column has exactly k values and they lie end to end in column order (the
    # usual case: every rater rated everything), else 0. Column sums are then k-1 additions
    # of strided slices instead of one sum() per column.
    stride: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        # Derived here so that both constructors agree on it.
        k = self.raters[0] if self.raters else 0
        uniform = k > 0 and len(self.lo) == k * len(self.slices) and all(
            s.start == n * k and s.stop == s.start + k for n, s in enumerate(self.slices)
        )  # fmt: skip
        object.__setattr__(self, "stride", k if uniform else 0)

    @classmethod
    def contiguous(cls, columns: Columns, raters: list[int]) -> RunMap:
        """The columns' values laid end to end in column order."""
        ends = list(accumulate(raters))
        return cls(
            slices=tuple(map(slice, [0, *ends[:-1]], ends)),
            raters=tuple(raters),
            lo=tuple(chain.from_iterable(map(repeat, columns.lo, raters))),
            hi=tuple(chain.from_iterable(map(repeat, columns.hi, raters))),
        )

    @classmethod
    def for_layout(
        cls, columns: Columns, keys: tuple[Key, ...], bounds: tuple[tuple[int, int], ...]
    ) -> RunMap:
        """The columns' values wherever a packed layout put them."""
        size = bounds[-1][1] if bounds else 0
        lo, hi = [_BELOW_ALL] * size, [_ABOVE_ALL] * size
        where = dict(zip(keys, bounds, strict=True))
        slices: list[slice] = []
        for key, low, high in zip(columns.keys, columns.lo, columns.hi, strict=True):
            start, end = where.get(key, (0, 0))
            slices.append(slice(start, end))
            lo[start:end] = [low] * (end - start)
            hi[start:end] = [high] * (end - start)
        return cls(
            slices=tuple(slices),
            raters=tuple(s.stop - s.start for s in slices),
            lo=tuple(lo),
            hi=tuple(hi),
        )
