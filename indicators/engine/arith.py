"""Decimal arithmetic shared by scoring and ranking.

Every amount that ends up in a sum is quantised to QUANTUM (1e-20). With 38 significant
digits, adding amounts below 1e18 at that exponent is then exact, so the total does not
depend on the order of the leaves and the fast path and the explained path agree to the
last digit.

Quotients such as 1/3 leave a remainder below 1e-17 after those quantisations, which could
push a total that is mathematically 89.995 to 89.99499...; to_cents therefore snaps to 12
places (SNAP) before the single half-up rounding to cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import (
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

ENGINE_CONTEXT = Context(
    prec=38, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
QUANTUM = Decimal("1e-20")
SNAP = Decimal("1e-12")
# The most the quantisations can leave between an indicator's leaves and its points.
NOISE = Decimal("1e-15")
CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def q(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM, context=ENGINE_CONTEXT)


def to_cents(value: Decimal) -> Decimal:
    """The one rounding at the edge: 2 places, half up (after the noise snap above)."""
    snapped = value.quantize(SNAP, context=ENGINE_CONTEXT)
    return snapped.quantize(CENT, rounding=ROUND_HALF_UP, context=ENGINE_CONTEXT)


def apportion(points: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Round each amount to cents so that the rounded amounts add up to `total` exactly.

    Every amount is first rounded down (towards minus infinity, so -1.234 becomes -1.24
    with a remainder of 0.006); the cents still missing go to the largest remainders, ties
    to the earlier amount. A negative amount thus competes for cents like any other.
    """
    floors = [p.quantize(CENT, rounding=ROUND_FLOOR, context=ENGINE_CONTEXT) for p in points]
    remainders = [p - f for p, f in zip(points, floors, strict=True)]
    missing = (total - sum(floors, ZERO)) / CENT
    cents = int(missing)
    if cents != missing or not 0 <= cents <= len(points):
        raise ArithmeticError(f"cannot apportion {sum(points, ZERO)} to {total}")
    by_remainder = sorted(range(len(points)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:cents]:
        floors[i] += CENT
    return floors
