"""The annual evaluation folded together with the year's quarterly pre-evaluations.

total = own x (100 - share)% + mean(quarters) x share%, computed exactly and rounded once
to cents like every total. The grade follows the folded total; a veto still fails and an
incomplete annual result stays ungraded. With no quarter to fold (a secretary who took
office in the fourth quarter, say) the annual total stands alone: the share is not charged
as zero points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, localcontext

from .arith import ENGINE_CONTEXT, HUNDRED, ZERO, to_cents
from .compute import grade_for
from .results import QuarterFold, Result
from .specs import Grade, GradeBands


def fold_quarters(
    result: Result, quarter_totals: Sequence[Decimal], share: Decimal, bands: GradeBands
) -> Result:
    if not ZERO <= share <= HUNDRED:
        raise ValueError(f"the quarters' share must be 0-100 %, not {share}")
    if result.fold is not None:
        raise ValueError("this result already folds in its quarters")
    quarters = tuple(quarter_totals)
    mean: Decimal | None = None
    with localcontext(ENGINE_CONTEXT):
        if quarters:
            mean = sum(quarters, ZERO) / len(quarters)
        fold = QuarterFold(result.total, result.exact_total, quarters, mean, share)
        if mean is None or not share:
            return replace(result, fold=fold)

        def folded(value: Decimal) -> Decimal:
            return (value * (HUNDRED - share) + mean * share) / HUNDRED

        exact = folded(result.exact_total)
        low, high = result.total_range
        total = to_cents(exact)
        grade: Grade | None
        if result.vetoed:
            grade = Grade.FAIL
        elif not result.complete:
            grade = None
        else:
            grade = grade_for(total, bands)
        return replace(
            result,
            total=total,
            exact_total=exact,
            total_range=(to_cents(folded(low)), to_cents(folded(high))),
            grade=grade,
            fold=fold,
        )
