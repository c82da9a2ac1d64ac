"""Whether a scheme version is complete and consistent enough to publish.

Each problem names the place it is about (``field``: a dotted path such as
``categories.weight`` or ``indicators.civility.levels``) and says what is wrong in the
user's language. A draft may have problems while it is being edited; it cannot be
published with any.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import AdjustmentItem, Category, Indicator, RaterGroup, Scheme, VetoItem
from organizations.models import CareerStage, OrgUnit

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def validate_scheme(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = []

    def add(field: str, message: object) -> None:
        problems.append(Problem(field, str(message)))

    categories = list(Category.objects.filter(scheme=scheme))
    groups = list(RaterGroup.objects.filter(scheme=scheme))
    indicators = list(
        Indicator.objects.filter(scheme=scheme)
        .select_related("category")
        .prefetch_related("levels", "rater_groups", "target_overrides")
    )

    if not categories:
        add("categories", _("Add at least one category."))
    total = sum((c.weight for c in categories), Decimal(0))
    if categories and total != HUNDRED:
        add(
            "categories.weight",
            _("Category weights must add up to 100%%; they add up to %(total)s%%.")
            % {"total": _fmt(total)},
        )
    if not groups:
        add("rater_groups", _("Add at least one rater group."))
    group_total = sum((g.weight for g in groups), Decimal(0))
    if groups and group_total != HUNDRED:
        add(
            "rater_groups.weight",
            _("Rater group weights must add up to 100%%; they add up to %(total)s%%.")
            % {"total": _fmt(group_total)},
        )
    for group in groups:
        if group.weight <= 0:
            add(
                f"rater_groups.{group.code}.weight",
                _("The weight of %(name)s must be above 0.") % {"name": group.name},
            )
    for category in categories:
        if category.weight <= 0:
            add(
                f"categories.{category.code}.weight",
                _("The weight of %(name)s must be above 0.") % {"name": category.name},
            )
        if not any(i.category_id == category.pk for i in indicators):
            add(
                f"categories.{category.code}",
                _("The category %(name)s has no indicators.") % {"name": category.name},
            )

    for indicator in indicators:
        problems += _indicator_problems(indicator)
    problems += _coverage_problems(categories, indicators)

    for item in AdjustmentItem.objects.filter(scheme=scheme):
        where = f"adjustments.{item.code}"
        if item.cap is not None and item.cap < 0:
            add(f"{where}.cap", _("The cap of %(name)s cannot be negative.") % {"name": item.name})
        if item.points_per_occurrence <= 0:
            add(
                f"{where}.points_per_occurrence",
                _("Points per occurrence of %(name)s must be above 0.") % {"name": item.name},
            )
        if item.kind == AdjustmentItem.Kind.BONUS and item.indicator_id:
            add(f"{where}.indicator", _("Only deductions are taken from an indicator."))
    for cap_field, cap in (
        ("bonus_cap", scheme.bonus_cap),
        ("deduction_cap", scheme.deduction_cap),
    ):
        if cap is not None and cap < 0:
            add(f"scheme.{cap_field}", _("A cap cannot be negative."))
    for veto in VetoItem.objects.filter(scheme=scheme):
        if not veto.description.strip():
            add(
                f"vetoes.{veto.code}.description",
                _("The veto item %(name)s needs a description of when it applies.")
                % {"name": veto.name},
            )

    if not (
        HUNDRED >= scheme.grade_excellent_min > scheme.grade_good_min > scheme.grade_pass_min > 0
    ):
        add(
            "scheme.grade_bands",
            _("Grade bands must fall from 优秀 to 良好 to 合格, each above 0 and at most 100."),
        )
    if scheme.excellent_quota_percent is not None and not (
        0 < scheme.excellent_quota_percent <= HUNDRED
    ):
        add("scheme.excellent_quota_percent", _("The 优秀 quota must be between 0 and 100%."))
    shares = scheme.pay_tier_shares or []
    if shares and (
        not all(isinstance(s, int | float) and s > 0 for s in shares) or len(shares) < 2
    ):
        add("scheme.pay_tier_shares", _("Pay tiers need at least two positive shares, e.g. 2:6:2."))
    return problems


def _indicator_problems(indicator: Indicator) -> list[Problem]:
    problems: list[Problem] = []
    where = f"indicators.{indicator.code}"
    name = {"name": indicator.name}

    def add(field: str, message: str) -> None:
        problems.append(Problem(f"{where}.{field}" if field else where, str(message)))

    if indicator.max_points <= 0:
        add("max_points", _("%(name)s: max points must be above 0.") % name)
    if not indicator.rater_groups.all():
        add("rater_groups", _("%(name)s: choose at least one rater group that scores it.") % name)
    if indicator.method == Indicator.Method.QUANTITATIVE:
        for override in indicator.target_overrides.all():
            if not (override.community_type or override.career_stage):
                add(
                    "overrides",
                    _(
                        "%(name)s: a differentiated target names a community type, a career stage or both."
                    )
                    % name,
                )
            floor = override.floor if override.floor is not None else indicator.floor
            if floor is not None and not _floor_on_far_side(
                indicator.direction, override.target, floor
            ):
                add(
                    "overrides",
                    _(
                        "%(name)s: a differentiated target's zero-point value must lie on the far side of it."
                    )
                    % name,
                )
        if indicator.target is None:
            add("target", _("%(name)s: a quantitative indicator needs a target.") % name)
        elif indicator.floor is not None:
            if not _floor_on_far_side(indicator.direction, indicator.target, indicator.floor):
                add(
                    "floor",
                    _("%(name)s: the zero-point value must lie on the far side of the target.")
                    % name,
                )
        elif indicator.direction == Indicator.Direction.LOWER and indicator.target == 0:
            add(
                "floor",
                _("%(name)s: with a target of 0 and lower is better, set the zero-point value.")
                % name,
            )
        if not indicator.direction:
            add("direction", _("%(name)s: say whether higher or lower is better.") % name)
    if indicator.method == Indicator.Method.QUALITATIVE:
        message = _levels_problem(list(indicator.levels.all()))
        if message:
            add("levels", f"{indicator.name}: {message}")
    elif indicator.levels.all():
        add("levels", _("%(name)s: only qualitative indicators have levels.") % name)
    if indicator.in_special_pool and not indicator.category.is_special:
        add(
            "in_special_pool",
            _("%(name)s: only indicators of the special category can be in the pool.") % name,
        )
    return problems


def _floor_on_far_side(direction: str, target: Decimal, floor: Decimal) -> bool:
    return floor < target if direction == Indicator.Direction.HIGHER else floor > target


def _coverage_problems(categories: list[Category], indicators: list[Indicator]) -> list[Problem]:
    """Every category must keep at least one indicator for every community type and career
    stage, or communities of that kind could not be scored at all."""
    for category in categories:
        own = [i for i in indicators if i.category_id == category.pk and not i.in_special_pool]
        if not own:
            continue  # reported as "no indicators", or a special category of pool indicators
        for community_type in OrgUnit.CommunityType:
            for stage in CareerStage:
                if not any(_applies(i, community_type, stage) for i in own):
                    message = _(
                        "The category %(name)s has no indicator for %(type)s communities "
                        "with a secretary in the %(stage)s stage."
                    ) % {"name": category.name, "type": community_type.label, "stage": stage.label}
                    return [Problem(f"categories.{category.code}", str(message))]
    return []


def _applies(indicator: Indicator, community_type: str, stage: str) -> bool:
    return (not indicator.community_types or community_type in indicator.community_types) and (
        not indicator.career_stages or stage in indicator.career_stages
    )


def _levels_problem(levels: list[object]) -> str | None:
    """Levels must cover 0-100 % of the points with no gap and no overlap."""
    if not levels:
        # xgettext:no-python-format
        return str(_("add levels (e.g. 优/良/中/差) covering 0-100% of the points."))
    spans = sorted((level.min_percent, level.max_percent) for level in levels)  # type: ignore[attr-defined]
    for low, high in spans:
        if low >= high:
            return str(_("each level must start below where it ends."))
    if spans[0][0] != 0:
        return str(
            _("the levels must start at 0%% (the lowest starts at %(low)s%%).")
            % {"low": _fmt(spans[0][0])}
        )
    if spans[-1][1] != HUNDRED:
        return str(
            _("the levels must reach 100%% (the highest ends at %(high)s%%).")
            % {"high": _fmt(spans[-1][1])}
        )
    for (_low, high), (next_low, _next_high) in itertools.pairwise(spans):
        if next_low > high:
            return str(
                _("there is a gap between %(a)s%% and %(b)s%%.")
                % {"a": _fmt(high), "b": _fmt(next_low)}
            )
        if next_low < high:
            return str(
                _("levels overlap between %(a)s%% and %(b)s%%.")
                % {"a": _fmt(next_low), "b": _fmt(high)}
            )
    return None
