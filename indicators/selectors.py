"""Reads of indicator schemes, scoped to the acting user, and the bridge to the engine."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from indicators import engine
from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    RaterGroup,
    Scheme,
    SpecialIndicatorChoice,
    VetoItem,
)
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor


def scheme_list_for_actor(
    *, actor: Actor | None, search: str = "", state: str = ""
) -> QuerySet[Scheme]:
    schemes = Scheme.objects.for_actor(actor).annotate(
        indicator_count=Count("indicator", distinct=True)
    )
    if search:
        schemes = schemes.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if state:
        schemes = schemes.filter(state=state)
    ordered: QuerySet[Scheme] = schemes.order_by("-year", "code", "-version")
    return ordered


def pool_indicator_list_for_actor(*, actor: Actor | None) -> QuerySet[Indicator]:
    """Special-pool indicators (特色指标库) of the schemes the actor may see."""
    return Indicator.objects.for_actor(actor).filter(in_special_pool=True)


def scheme_get_for_actor(*, actor: Actor | None, pk: int) -> Scheme:
    scheme: Scheme = get_scoped_or_404(Scheme.objects.for_actor(actor), pk=pk)
    return scheme


def scheme_versions(*, scheme: Scheme) -> QuerySet[Scheme]:
    return Scheme.objects.filter(tenant_id=scheme.tenant_id, code=scheme.code).order_by("-version")


def scheme_detail(*, scheme: Scheme) -> dict[str, Any]:
    """Everything the editor shows, in a fixed number of queries."""
    indicators = Prefetch(
        "indicators",
        queryset=Indicator.objects.order_by("order", "pk").prefetch_related(
            "levels", "rater_groups", "target_overrides"
        ),
    )
    categories = list(
        Category.objects.filter(scheme=scheme).prefetch_related(indicators).order_by("order", "pk")
    )
    groups = list(RaterGroup.objects.filter(scheme=scheme).order_by("order", "pk"))
    return {
        "categories": categories,
        "category_weight_total": sum((c.weight for c in categories), Decimal(0)),
        "rater_groups": groups,
        "group_weight_total": sum((g.weight for g in groups), Decimal(0)),
        "adjustments": list(
            AdjustmentItem.objects.filter(scheme=scheme)
            .select_related("indicator")
            .order_by("kind", "pk")
        ),
        "vetoes": list(VetoItem.objects.filter(scheme=scheme).order_by("pk")),
    }


# Published versions, read once per process --------------------------------------------------


@dataclass(frozen=True)
class SchemeParts:
    """What the scoring pages read of a scheme version, in scheme order. Treat as read-only:
    for a published version it is shared by every request of the process."""

    rater_groups: tuple[RaterGroup, ...]
    # With their category and rater groups.
    indicators: tuple[Indicator, ...]
    adjustment_items: tuple[AdjustmentItem, ...]
    veto_items: tuple[VetoItem, ...]


def scheme_parts(*, scheme_id: int) -> SchemeParts:
    """A scheme version's rater groups, indicators, bonus/deduction and veto items. A
    published version never changes (the database refuses it), so it is read once per
    process and then costs one query (its state); a draft is read every time."""
    row = Scheme.objects.filter(pk=scheme_id).values_list("state", "published_at").first()
    if row is not None and row[0] != Scheme.State.DRAFT and row[1] is not None:
        # Keyed by the publication time too: a test database may give a pk out again.
        return _published_parts(scheme_id, row[1].isoformat())
    return _read_parts(scheme_id)


@functools.lru_cache(maxsize=64)
def _published_parts(scheme_id: int, published_at: str) -> SchemeParts:
    return _read_parts(scheme_id)


def _read_parts(scheme_id: int) -> SchemeParts:
    return SchemeParts(
        rater_groups=tuple(RaterGroup.objects.filter(scheme_id=scheme_id).order_by("order", "pk")),
        indicators=tuple(
            Indicator.objects.filter(scheme_id=scheme_id)
            .select_related("category")
            .prefetch_related("rater_groups")
        ),
        adjustment_items=tuple(AdjustmentItem.objects.filter(scheme_id=scheme_id)),
        veto_items=tuple(VetoItem.objects.filter(scheme_id=scheme_id)),
    )


# The engine bridge ------------------------------------------------------------------------


def _decimal_or_none(value: Decimal | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def scheme_spec(*, scheme: Scheme, special_codes: Iterable[str] | None = None) -> engine.SchemeSpec:
    """The engine's view of a scheme version.

    ``special_codes``: the pool indicators this community chose; pool indicators not chosen
    are left out (so they do not count in their category's max points). None keeps them all,
    for previews.
    """
    chosen = None if special_codes is None else frozenset(special_codes)
    detail = scheme_detail(scheme=scheme)
    groups = tuple(
        engine.RaterGroupSpec(code=g.code, name=g.name, weight=Decimal(g.weight))
        for g in detail["rater_groups"]
    )
    categories = []
    for category in detail["categories"]:
        specs = []
        for indicator in category.indicators.all():
            if indicator.in_special_pool and chosen is not None and indicator.code not in chosen:
                continue
            specs.append(_indicator_spec(indicator))
        categories.append(
            engine.CategorySpec(
                code=category.code,
                name=category.name,
                weight=Decimal(category.weight),
                indicators=tuple(specs),
            )
        )
    adjustments = [
        engine.AdjustmentItemSpec(
            code=item.code,
            name=item.name,
            kind=engine.AdjustmentKind(item.kind),
            points_per_occurrence=Decimal(item.points_per_occurrence),
            cap=_decimal_or_none(item.cap),
            indicator_code=item.indicator.code if item.indicator_id else None,
        )
        for item in detail["adjustments"]
    ]
    return engine.SchemeSpec(
        categories=tuple(categories),
        rater_groups=groups,
        bonus_items=tuple(a for a in adjustments if a.kind == engine.AdjustmentKind.BONUS),
        deduction_items=tuple(a for a in adjustments if a.kind == engine.AdjustmentKind.DEDUCTION),
        veto_items=tuple(
            engine.VetoItemSpec(code=v.code, name=v.name, description=v.description)
            for v in detail["vetoes"]
        ),
        grade_bands=engine.GradeBands(
            excellent=Decimal(scheme.grade_excellent_min),
            good=Decimal(scheme.grade_good_min),
            passing=Decimal(scheme.grade_pass_min),
        ),
        bonus_cap=_decimal_or_none(scheme.bonus_cap),
        deduction_cap=_decimal_or_none(scheme.deduction_cap),
    )


def _indicator_spec(indicator: Indicator) -> engine.IndicatorSpec:
    overrides = {
        (
            engine.CommunityType(o.community_type) if o.community_type else None,
            engine.CareerStage(o.career_stage) if o.career_stage else None,
            # An override without its own zero-point value keeps the indicator's.
        ): engine.TargetSpec(
            target=Decimal(o.target),
            floor=_decimal_or_none(o.floor if o.floor is not None else indicator.floor),
        )
        for o in indicator.target_overrides.all()
    }
    return engine.IndicatorSpec(
        code=indicator.code,
        name=indicator.name,
        max_points=Decimal(indicator.max_points),
        method=engine.Method(indicator.method),
        group_codes=tuple(
            g.code for g in sorted(indicator.rater_groups.all(), key=lambda g: (g.order, g.pk))
        ),
        direction=engine.Direction(indicator.direction),
        target=_decimal_or_none(indicator.target),
        floor=_decimal_or_none(indicator.floor),
        levels=tuple(
            engine.LevelSpec(
                code=level.code,
                label=level.label,
                min_percent=Decimal(level.min_percent),
                max_percent=Decimal(level.max_percent),
            )
            for level in sorted(indicator.levels.all(), key=lambda level: level.min_percent)
        ),
        target_overrides=overrides,
        community_types=frozenset(engine.CommunityType(t) for t in indicator.community_types)
        or None,
        career_stages=frozenset(engine.CareerStage(s) for s in indicator.career_stages) or None,
    )


def special_choices_for_actor(
    *, actor: Actor | None, scheme: Scheme
) -> QuerySet[SpecialIndicatorChoice]:
    return (
        SpecialIndicatorChoice.objects.for_actor(actor)
        .filter(scheme=scheme)
        .select_related("community", "indicator")
        .order_by("community__name", "pk")
    )
