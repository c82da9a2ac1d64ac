"""Turn the engine's result into what people read: numbers to two places and sentences in
their language for every node of the explanation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import engine

# The grades' official names (优秀/良好/合格/不合格): pages show them in the reader's
# language; the PDF reports and Excel workbooks are Chinese documents and render them
# under zh-Hans.
GRADE_LABELS: dict[engine.Grade, Promise] = {
    engine.Grade.EXCELLENT: gettext_lazy("Excellent"),
    engine.Grade.GOOD: gettext_lazy("Good"),
    engine.Grade.PASS: gettext_lazy("Pass"),
    engine.Grade.FAIL: gettext_lazy("Fail"),
}


def grade_label(grade: str | None) -> str:
    """A grade's name in the active language; empty for no grade."""
    return str(GRADE_LABELS[engine.Grade(grade)]) if grade else ""


def _n(value: Any) -> str:
    """Numbers as people read them: at most two decimals, no trailing zeros."""
    if isinstance(value, Decimal):
        text = f"{engine.to_cents(value):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _percent(value: Any) -> str:
    return _n(Decimal(value) * 100) if isinstance(value, Decimal) else str(value)


def rule_sentence(node: engine.ExplanationNode) -> str:
    """One sentence, in the user's language, for a node's rule and the numbers it used."""
    p: dict[str, Any] = {key: _n(value) for key, value in node.params.items()}
    if "share" in node.params and node.params["share"] is not None:
        p["share_percent"] = _percent(node.params["share"])
    if "renormalised_weight" in node.params:
        p["renormalised_percent"] = _percent(node.params["renormalised_weight"])
    p["level"] = node.params.get("level_label") or node.params.get("level") or ""
    templates = {
        "total": _(
            "Categories %(base_total)s + bonuses %(bonus_total)s − deductions %(deduction_total)s = %(total)s."
        ),
        "category_weight": _(
            "%(earned)s of %(max_points)s points, weighted %(weight)s%%: %(subtotal)s."
        ),
        "group_weight": _(
            "Rater group weight %(weight)s%% (%(renormalised_percent)s%% among the groups of this indicator); %(counted)s of %(raters)s raters counted."
        ),
        "quantitative_higher": _(
            "Actual %(actual)s against a target of %(target)s (higher is better, nothing at %(floor)s): %(share_percent)s%% of the points."
        ),
        "quantitative_lower": _(
            "Actual %(actual)s against a target of %(target)s (lower is better, nothing at %(floor)s): %(share_percent)s%% of the points."
        ),
        "qualitative": _("Level %(level)s, %(percent)s%% of the points."),
        "yes_no": _("Done: full points; not done: none. Here %(share_percent)s%% of the points."),
        "resident_rating": _(
            "Resident satisfaction index %(index)s: %(share_percent)s%% of the points."
        ),
        "trimmed_high": _("The highest of five or more raters is dropped (trimmed mean)."),
        "trimmed_low": _("The lowest of five or more raters is dropped (trimmed mean)."),
        "missing_entry": _(
            "No entry from this rater group yet: %(points_at_stake)s points are not counted until it is made."
        ),
        "bonus": _("%(occurrences)s × %(points_per_occurrence)s points."),
        "bonus_item_cap": _(
            "%(occurrences)s × %(points_per_occurrence)s points, limited to the item's cap of %(item_cap)s."
        ),
        "bonus_cap": _("Bonuses add up to %(before)s; the scheme allows at most %(cap)s."),
        "deduction": _("%(occurrences)s × %(points_per_occurrence)s points deducted."),
        "deduction_item_cap": _(
            "%(occurrences)s × %(points_per_occurrence)s points, limited to the item's cap of %(item_cap)s."
        ),
        "deduction_floor": _(
            "%(raw_points)s points deducted from the indicator, which stops at zero (扣完为止): %(applied)s."
        ),
        "deduction_cap": _("Deductions add up to %(before)s; the scheme allows at most %(cap)s."),
        "deduction_not_applicable": _(
            "The indicator this deduction comes from does not apply to this community."
        ),
        "floor_at_zero": _("The total cannot fall below zero."),
        "veto": _("Veto (一票否决): the grade is 不合格 whatever the total."),
    }
    if node.kind == engine.NodeKind.INDICATOR:
        # An indicator node carries its method's rule but the indicator's own figures.
        templates = {
            node.rule: _(
                "%(points)s of %(max_points)s points, worth %(total_points)s in the total."
            ),
        }
        if node.params.get("target") is not None:
            templates[node.rule] = _(
                "Target %(target)s. %(points)s of %(max_points)s points, worth %(total_points)s in the total."
            )
    template = templates.get(node.rule)
    if template is None:
        return ""
    try:
        return str(template) % p
    except (KeyError, TypeError, ValueError):
        return ""


def node_to_dict(node: engine.ExplanationNode) -> dict[str, Any]:
    return {
        "kind": str(node.kind),
        "code": node.code,
        "label": node.label,
        "points": f"{node.display_points:f}",
        "rule": node.rule,
        "sentence": rule_sentence(node),
        "params": {
            key: (f"{v:f}" if isinstance(v, Decimal) else v) for key, v in node.params.items()
        },
        "refs": [str(ref) for ref in node.refs],
        "children": [node_to_dict(child) for child in node.children],
    }


def result_to_dict(result: engine.Result) -> dict[str, Any]:
    return {
        "total": f"{result.total:f}",
        "grade": str(result.grade) if result.grade else None,
        "grade_label": grade_label(result.grade) or None,
        "complete": result.complete,
        "total_range": [f"{value:f}" for value in result.total_range],
        "vetoed": result.vetoed,
        "bonus_total": f"{engine.to_cents(result.bonus_total):f}",
        "deduction_total": f"{engine.to_cents(result.deduction_total):f}",
        "categories": [
            {
                "code": c.code,
                "weight": f"{c.weight:f}",
                "subtotal": f"{engine.to_cents(c.subtotal):f}",
            }
            for c in result.categories
        ],
        "missing": [
            {
                "indicator": m.indicator_code,
                "group": m.group_code,
                "points_at_stake": f"{engine.to_cents(m.points_at_stake):f}",
            }
            for m in result.missing
        ],
        "explanation": node_to_dict(result.explanation) if result.explanation else None,
        "fold": _fold_to_dict(result.fold) if result.fold else None,
    }


def _fold_to_dict(fold: engine.QuarterFold) -> dict[str, Any]:
    mean = fold.quarters_mean
    return {
        "own_total": f"{fold.own_total:f}",
        "quarter_totals": [f"{t:f}" for t in fold.quarter_totals],
        "quarters_mean": f"{engine.to_cents(mean):f}" if mean is not None else None,
        "share": f"{fold.share:f}",
        "own_share": f"{100 - fold.share:f}",
    }
