"""A scheme version as a plain document (dicts, lists, Decimals and strings).

One format serves every way a scheme is copied: a new version is the old one's document
read back in, a built-in template is a document, and the Excel import/export is a
document in sheets. ``scheme_to_document`` and ``scheme_from_document`` round-trip
without loss.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    IndicatorRaterGroup,
    Level,
    RaterGroup,
    Scheme,
    TargetOverride,
    VetoItem,
)

Document = dict[str, Any]

SCHEME_FIELDS = [
    "code", "name", "year", "description", "bonus_cap", "deduction_cap",
    "grade_excellent_min", "grade_good_min", "grade_pass_min", "excellent_quota_percent",
    "pay_tier_shares", "special_indicator_limit", "template_code",
]  # fmt: skip
CATEGORY_FIELDS = ["code", "name", "weight", "is_special"]
GROUP_FIELDS = ["code", "name", "kind", "weight"]
INDICATOR_FIELDS = [
    "code", "name", "description", "max_points", "method", "direction", "target", "floor",
    "unit", "community_types", "career_stages", "in_special_pool",
]  # fmt: skip
LEVEL_FIELDS = ["code", "label", "min_percent", "max_percent", "description"]
OVERRIDE_FIELDS = ["community_type", "career_stage", "target", "floor"]
ADJUSTMENT_FIELDS = ["kind", "code", "name", "description", "points_per_occurrence", "cap"]
VETO_FIELDS = ["code", "name", "description"]


def _pick(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def scheme_to_document(scheme: Scheme) -> Document:
    categories = list(Category.objects.filter(scheme=scheme).order_by("order", "pk"))
    groups = list(RaterGroup.objects.filter(scheme=scheme).order_by("order", "pk"))
    indicators = list(
        Indicator.objects.filter(scheme=scheme)
        .select_related("category")
        .prefetch_related("levels", "target_overrides", "rater_groups")
        .order_by("category__order", "category_id", "order", "pk")
    )
    return {
        "scheme": _pick(scheme, SCHEME_FIELDS),
        "categories": [_pick(c, CATEGORY_FIELDS) for c in categories],
        "rater_groups": [_pick(g, GROUP_FIELDS) for g in groups],
        "indicators": [
            {
                "category": i.category.code,
                **_pick(i, INDICATOR_FIELDS),
                "rater_groups": [
                    g.code for g in sorted(i.rater_groups.all(), key=lambda g: (g.order, g.pk))
                ],
                "levels": [_pick(level, LEVEL_FIELDS) for level in i.levels.all()],
                "overrides": [
                    _pick(o, OVERRIDE_FIELDS)
                    for o in sorted(
                        i.target_overrides.all(), key=lambda o: (o.community_type, o.career_stage)
                    )
                ],
            }
            for i in indicators
        ],
        "adjustments": [
            {
                **_pick(a, ADJUSTMENT_FIELDS),
                "indicator": a.indicator.code if a.indicator_id else None,
            }
            for a in AdjustmentItem.objects.filter(scheme=scheme)
            .select_related("indicator")
            .order_by("pk")
        ],
        "vetoes": [
            _pick(v, VETO_FIELDS) for v in VetoItem.objects.filter(scheme=scheme).order_by("pk")
        ],
    }


def _check_references(document: Document) -> None:
    """Duplicate codes and references to codes that do not exist, as one ValidationError."""
    errors: dict[str, list[str]] = {}

    def codes(part: str) -> set[str]:
        seen: set[str] = set()
        for item in document.get(part, []):
            if item["code"] in seen:
                message = _("The code %(code)s is used twice.") % {"code": item["code"]}
                errors.setdefault(part, []).append(message)
            seen.add(item["code"])
        return seen

    categories, groups, indicators = codes("categories"), codes("rater_groups"), codes("indicators")
    codes("adjustments")
    codes("vetoes")

    def unknown(part: str, code: str) -> None:
        errors.setdefault(part, []).append(_("Unknown code: %(code)s") % {"code": code})

    for indicator in document.get("indicators", []):
        if indicator["category"] not in categories:
            unknown("indicators", indicator["category"])
        for code in indicator.get("rater_groups", []):
            if code not in groups:
                unknown("indicators", code)
    for item in document.get("adjustments", []):
        if item.get("indicator") and item["indicator"] not in indicators:
            unknown("adjustments", item["indicator"])
    if errors:
        raise ValidationError(errors)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def build_scheme_from_document(*, tenant_id: int, document: Document, version: int = 1) -> Scheme:
    """Create a draft scheme version and everything in it. No validation of the whole here:
    callers run ``validate_scheme`` (a draft may be incomplete; publishing may not)."""
    _check_references(document)
    head = document["scheme"]
    scheme = Scheme(tenant_id=tenant_id, version=version, state=Scheme.State.DRAFT)
    for field in SCHEME_FIELDS:
        if field in head:
            setattr(scheme, field, head[field])
    scheme.full_clean()
    scheme.save()

    def part(model: type[Any], fields: dict[str, Any]) -> Any:
        obj = model(tenant_id=tenant_id, scheme=scheme, **fields)
        obj.full_clean(exclude=["scheme", "tenant"])
        obj.save()
        return obj

    categories = {
        c["code"]: part(Category, {**{f: c[f] for f in CATEGORY_FIELDS if f in c}, "order": n})
        for n, c in enumerate(document.get("categories", []))
    }
    groups = {
        g["code"]: part(RaterGroup, {**{f: g[f] for f in GROUP_FIELDS if f in g}, "order": n})
        for n, g in enumerate(document.get("rater_groups", []))
    }
    indicators: dict[str, Indicator] = {}
    for n, data in enumerate(document.get("indicators", [])):
        fields = {f: data[f] for f in INDICATOR_FIELDS if f in data}
        indicator = part(
            Indicator, {**fields, "category": categories[data["category"]], "order": n}
        )
        indicators[indicator.code] = indicator
        for code in data.get("rater_groups", []):
            part(IndicatorRaterGroup, {"indicator": indicator, "rater_group": groups[code]})
        for level in data.get("levels", []):
            part(
                Level, {"indicator": indicator, **{f: level[f] for f in LEVEL_FIELDS if f in level}}
            )
        for override in data.get("overrides", []):
            part(
                TargetOverride,
                {"indicator": indicator, **{f: override.get(f) or "" for f in ("community_type", "career_stage")},
                 "target": override["target"], "floor": _decimal(override.get("floor"))},
            )  # fmt: skip
    for data in document.get("adjustments", []):
        fields = {f: data[f] for f in ADJUSTMENT_FIELDS if f in data}
        indicator_code = data.get("indicator")
        part(
            AdjustmentItem,
            {**fields, "indicator": indicators[indicator_code] if indicator_code else None},
        )
    for data in document.get("vetoes", []):
        part(VetoItem, {f: data[f] for f in VETO_FIELDS if f in data})
    return scheme
