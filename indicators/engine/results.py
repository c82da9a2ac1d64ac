"""What score() returns: the numbers, and the explanation tree behind them.

Units: "indicator points" are on an indicator's own scale (0 to its max points); "total
points" are on the 0-100 scale of the total, after the category weighting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from .arith import ENGINE_CONTEXT, ZERO
from .specs import AdjustmentKind, Grade, Ref

if TYPE_CHECKING:
    from .columns import Columns

ParamValue = Decimal | int | str | bool | None


class NodeKind(StrEnum):
    TOTAL = "total"
    CATEGORY = "category"
    INDICATOR = "indicator"
    GROUP = "group"
    ENTRY = "entry"
    ADJUSTMENT = "adjustment"
    VETO = "veto"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class ExplanationNode:
    """One step of "why is my score 82.40".

    points: exact total points; a leaf holds its own, an inner node the sum of its
    children. display_points: the leaves' points rounded by largest remainder so that they
    add up to the rounded total; an inner node shows the sum of its children's.
    rule: a machine code (e.g. "quantitative_higher", "trimmed_high", "bonus_cap") that the
    Django layer turns into a sentence with `params`. refs: ids of entries, adjustments or
    vetoes. params holds a dict, so nodes are not hashable.
    """

    kind: NodeKind
    code: str
    label: str
    points: Decimal
    display_points: Decimal
    rule: str
    params: Mapping[str, ParamValue]
    children: tuple[ExplanationNode, ...] = ()
    refs: tuple[Ref, ...] = ()

    def leaves(self) -> list[ExplanationNode]:
        if not self.children:
            return [self]
        found: list[ExplanationNode] = []
        for child in self.children:
            found.extend(child.leaves())
        return found


class GroupResult(NamedTuple):
    group_code: str
    weight: Decimal  # renormalised over the indicator's groups, 0-1
    share: Decimal | None  # None: no entry from this group (missing)
    points: Decimal  # indicator points
    raters: int
    counted: int  # raters minus the two dropped by the trimmed mean

    @property
    def dropped(self) -> int:
        return self.raters - self.counted


class IndicatorResult(NamedTuple):
    code: str
    category_code: str
    max_points: Decimal
    earned: Decimal  # indicator points, before a tied deduction
    deduction: Decimal  # indicator points taken by tied deductions (at most `earned`)
    points: Decimal  # indicator points, earned - deduction
    total_points: Decimal  # points x category weight / category max points
    groups: tuple[GroupResult, ...]

    @property
    def complete(self) -> bool:
        return all(group.share is not None for group in self.groups)


class CategoryResult(NamedTuple):
    code: str
    weight: Decimal
    max_points: Decimal  # over the indicators that apply to the subject
    subtotal: Decimal  # total points


class AdjustmentResult(NamedTuple):
    """One bonus or deduction item, all its occurrences together.

    Amounts are in total points, except for a deduction tied to an indicator, whose
    amounts are in that indicator's points.
    """

    item_code: str
    kind: AdjustmentKind
    indicator_code: str | None
    occurrences: int
    refs: tuple[Ref, ...]
    raw_points: Decimal  # points per occurrence x occurrences
    points: Decimal  # after the item cap
    item_cap_bit: bool
    applied: Decimal  # tied: after the indicator's floor at zero; otherwise = points
    floor_bit: bool  # tied deduction stopped at the indicator's zero (扣完为止)
    applicable: bool  # False: tied to an indicator that does not apply to the subject


class MissingEntry(NamedTuple):
    indicator_code: str
    group_code: str
    points_at_stake: Decimal  # total points


@dataclass(frozen=True, slots=True)
class Figures:
    """One subject's numbers, column by column as the fast path computes them.

    IndicatorResult and GroupResult objects are built from these on first access, so bulk
    scoring allocates a handful of tuples per subject instead of hundreds.
    """

    columns: Columns
    # one per slot (indicator and group)
    points: tuple[Decimal, ...]
    raters: tuple[int, ...]
    counted: tuple[int, ...]
    # one per applicable indicator
    earned: tuple[Decimal, ...]
    deductions: tuple[Decimal, ...]
    net: tuple[Decimal, ...]
    total_points: tuple[Decimal, ...]

    def indicators(self) -> tuple[IndicatorResult, ...]:
        cols = self.columns
        with localcontext(ENGINE_CONTEXT):
            groups = [
                GroupResult(code, weight, points / kmax, points, raters, counted)
                if raters
                else GroupResult(code, weight, None, ZERO, 0, 0)
                for code, weight, points, raters, counted, kmax in zip(
                    cols.group_codes,
                    cols.weights,
                    self.points,
                    self.raters,
                    self.counted,
                    cols.kmax,
                    strict=True,
                )
            ]
        return tuple(
            IndicatorResult(
                code,
                category,
                max_points,
                earned,
                deduction,
                net,
                total,
                tuple(groups[slots]),
            )
            for code, category, max_points, earned, deduction, net, total, slots in zip(
                cols.indicator_codes,
                cols.category_codes,
                cols.max_points,
                self.earned,
                self.deductions,
                self.net,
                self.total_points,
                cols.indicator_slices,
                strict=True,
            )
        )


@dataclass(frozen=True)
class QuarterFold:
    """total = own_total x (100 - share)% + mean of the quarters x share%, rounded once."""

    own_total: Decimal  # the annual evaluation's own total, rounded
    own_exact_total: Decimal
    quarter_totals: tuple[Decimal, ...]  # the year's published quarterly totals
    quarters_mean: Decimal | None  # exact; None when there were no quarters to fold
    share: Decimal  # percent of the total that the quarters make up


@dataclass(frozen=True)
class Result:
    subject_id: Ref
    total: Decimal  # exact_total rounded once: 2 places, half up
    exact_total: Decimal  # the exact sum of the explanation's leaves
    base_total: Decimal  # sum of the category subtotals (tied deductions included)
    categories: tuple[CategoryResult, ...]
    adjustments: tuple[AdjustmentResult, ...]
    bonus_total: Decimal  # after item caps and the whole-assessment bonus cap
    bonus_cap_bit: bool
    deduction_total: Decimal  # untied deductions, after item caps and the deduction cap
    deduction_cap_bit: bool
    floored_at_zero: bool
    vetoed: bool
    veto_ids: tuple[Ref, ...]
    grade: Grade | None  # None when incomplete (unless vetoed: always FAIL)
    complete: bool
    missing: tuple[MissingEntry, ...]
    total_range: tuple[Decimal, Decimal]  # rounded; (total, total) when complete
    not_applicable: tuple[str, ...]  # indicator codes left out for this subject
    ignored_entry_ids: tuple[Ref, ...]  # entries for indicators that do not apply
    explanation: ExplanationNode | None
    figures: Figures
    # An annual result that folds in the year's quarters (see fold.fold_quarters); the
    # explanation then explains `fold.own_total`, and the fold line the rest.
    fold: QuarterFold | None = None

    @cached_property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return self.figures.indicators()

    def indicator(self, code: str) -> IndicatorResult:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)
