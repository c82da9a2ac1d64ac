"""Ranks, the 优秀 quota and forced distribution over a set of results.

Every function returns new RankedResult objects in rank order and mutates nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal, localcontext

from .arith import ENGINE_CONTEXT, HUNDRED, ZERO, to_cents
from .results import Result
from .specs import Grade, ref_key


@dataclass(frozen=True, slots=True)
class RankedResult:
    result: Result
    rank: int
    grade: Grade | None  # the result's grade, unless the quota took 优秀 away
    quota_downgraded: bool = False
    needs_review: bool = False  # a tied group straddled the quota boundary
    tier: int | None = None  # 1-based, from forced_distribution


def _key(result: Result) -> tuple[bool, Decimal, Decimal]:
    # The base total is compared as shown (rounded to cents), like the total, so that two
    # results that look equal on every key share a rank.
    return (result.vetoed, -result.total, -to_cents(result.base_total))


def rank(results: Iterable[Result]) -> list[RankedResult]:
    """Vetoed after all others, then total and base total, high to low; ties share a rank.

    Tied results are listed by subject id, which decides nothing but keeps the order stable.
    """
    ordered = sorted(results, key=lambda r: (*_key(r), ref_key(r.subject_id)))
    ranked: list[RankedResult] = []
    previous: tuple[bool, Decimal, Decimal] | None = None
    current = 0
    for position, result in enumerate(ordered, start=1):
        key = _key(result)
        if key != previous:
            current, previous = position, key
        ranked.append(RankedResult(result=result, rank=current, grade=result.grade))
    return ranked


def tie_groups(ranked: Sequence[RankedResult]) -> list[list[RankedResult]]:
    groups: list[list[RankedResult]] = []
    for item in ranked:
        if groups and groups[-1][0].rank == item.rank:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def apply_excellent_quota(
    ranked: Sequence[RankedResult], quota_percent: Decimal
) -> list[RankedResult]:
    """At most floor(n x quota) results keep 优秀; the rest of 优秀 become 良好.

    A tied group keeps 优秀 only if all of it fits. A tied group that would have fitted in
    part is flagged for review; results that lose 优秀 below it are not flagged, since the
    quota was already used up by results ranked above them.
    """
    if not ZERO <= quota_percent <= HUNDRED:
        raise ValueError(f"quota {quota_percent} is not a percent")
    with localcontext(ENGINE_CONTEXT):
        limit = int((len(ranked) * quota_percent / HUNDRED).to_integral_value(ROUND_FLOOR))
    kept = 0
    closed = False
    out: list[RankedResult] = []
    for group in tie_groups(ranked):
        excellent = sum(1 for item in group if item.grade is Grade.EXCELLENT)
        if not excellent or (not closed and kept + excellent <= limit):
            kept += excellent
            out.extend(group)
            continue
        straddles = not closed and kept < limit
        closed = True
        out.extend(
            replace(item, grade=Grade.GOOD, quota_downgraded=True, needs_review=straddles)
            if item.grade is Grade.EXCELLENT
            else item
            for item in group
        )
    return out


def tier_sizes(n: int, shares: Sequence[int | Decimal]) -> tuple[int, ...]:
    """Largest remainder of n x share / sum of shares; remainder ties go to the earlier tier."""
    if not shares or any(share < 0 for share in shares) or not sum(shares) > 0:
        raise ValueError(f"tier shares {tuple(shares)} must be non-negative and not all zero")
    with localcontext(ENGINE_CONTEXT):
        total = sum((Decimal(share) for share in shares), ZERO)
        seats = [n * Decimal(share) for share in shares]
        sizes = [int(s // total) for s in seats]
        remainders = [s - size * total for s, size in zip(seats, sizes, strict=True)]
    left = n - sum(sizes)
    for i in sorted(range(len(shares)), key=lambda i: (-remainders[i], i))[:left]:
        sizes[i] += 1
    return tuple(sizes)


def forced_distribution(
    ranked: Sequence[RankedResult], shares: Sequence[int | Decimal]
) -> list[RankedResult]:
    """Place results in tiers (1 = top) in rank order, e.g. shares (2, 6, 2).

    A tied group is never split: it goes to the tier where its first member falls, so a
    tier may end up larger or smaller than its size.
    """
    ends: list[int] = []
    for size in tier_sizes(len(ranked), shares):
        ends.append((ends[-1] if ends else 0) + size)
    out: list[RankedResult] = []
    position = 0
    for group in tie_groups(ranked):
        tier = next(t for t, end in enumerate(ends, start=1) if position < end)
        out.extend(replace(item, tier=tier) for item in group)
        position += len(group)
    return out
