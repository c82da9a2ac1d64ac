"""Charts for the PDFs as inline SVG strings, drawn here so the PDF needs no script."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape

INK = "#1f3b57"
FILL = "rgba(31, 59, 87, 0.25)"
GRID = "#c9d1d9"


def _f(value: float) -> str:
    return f"{value:.1f}"


def radar(labels: Sequence[str], shares: Sequence[Decimal | float], *, size: int = 260) -> str:
    """Each category's share of its weight (0..1) on a spoke; fewer than three spokes are
    drawn as a bar list, since a radar of one or two axes says nothing."""
    if len(labels) < 3:
        return bars(labels, [float(s) * 100 for s in shares], maximum=100, width=size)
    centre, radius = size / 2, size / 2 - 48
    n = len(labels)
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def point(angle: float, r: float) -> str:
        return f"{_f(centre + r * math.cos(angle))},{_f(centre + r * math.sin(angle))}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" class="chart">'
    ]
    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(point(a, radius * ring) for a in angles)
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}"/>')
    for angle, label in zip(angles, labels, strict=True):
        x, y = centre + (radius + 22) * math.cos(angle), centre + (radius + 22) * math.sin(angle)
        parts.append(
            f'<line x1="{_f(centre)}" y1="{_f(centre)}" x2="{_f(centre + radius * math.cos(angle))}" '
            f'y2="{_f(centre + radius * math.sin(angle))}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{_f(x)}" y="{_f(y)}" font-size="9" text-anchor="middle">{escape(label)}</text>'
        )
    values = " ".join(
        point(a, radius * max(0.0, min(float(s), 1.0))) for a, s in zip(angles, shares, strict=True)
    )
    parts.append(f'<polygon points="{values}" fill="{FILL}" stroke="{INK}" stroke-width="1.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def trend(
    labels: Sequence[str], totals: Sequence[Decimal], *, width: int = 320, height: int = 140
) -> str:
    """Totals across cycles on a 0-100 axis (a bonus above 100 is drawn at the top)."""
    if not totals:
        return ""
    left, bottom, top = 30, height - 24, 10
    span = bottom - top
    step = (width - left - 50) / max(len(totals) - 1, 1)
    xs = [left + 20 + i * step for i in range(len(totals))]
    ys = [bottom - min(float(t), 100.0) / 100 * span for t in totals]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="chart">'
    ]
    for mark in (0, 60, 80, 100):
        y = bottom - mark / 100 * span
        parts.append(
            f'<line x1="{left}" y1="{_f(y)}" x2="{width - 5}" y2="{_f(y)}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{_f(y + 3)}" font-size="8" text-anchor="end">{mark}</text>'
        )
    line = " ".join(f"{_f(x)},{_f(y)}" for x, y in zip(xs, ys, strict=True))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for x, y, label, total in zip(xs, ys, labels, totals, strict=True):
        parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="{INK}"/>')
        parts.append(
            f'<text x="{_f(x)}" y="{_f(y - 6)}" font-size="8" text-anchor="middle">{total}</text>'
        )
        parts.append(
            f'<text x="{_f(x)}" y="{height - 8}" font-size="8" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bars(
    labels: Sequence[str],
    values: Sequence[float | int | Decimal],
    *,
    maximum: float | None = None,
    width: int = 320,
) -> str:
    """Horizontal bars, one per label, with the value at the end."""
    if not values:
        return ""
    row, label_width = 18, 90
    top = max([float(v) for v in values] + [maximum or 0.0, 1.0])
    height = row * len(values) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="chart">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 3 + i * row
        length = (width - label_width - 40) * float(value) / top
        parts.append(
            f'<text x="{label_width - 4}" y="{y + 12}" font-size="9" text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{_f(length)}" height="{row - 6}" fill="{INK}"/>'
        )
        parts.append(
            f'<text x="{_f(label_width + length + 4)}" y="{y + 12}" font-size="9">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
