"""Score a made-up community against a scheme version, for the editor's live preview."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from indicators import engine
from indicators.models import Scheme
from indicators.presentation import result_to_dict
from indicators.selectors import scheme_spec


def preview_score(
    *,
    scheme: Scheme,
    community_type: str,
    career_stage: str,
    values: dict[str, Decimal],
    adjustments: dict[str, int] | None = None,
    vetoes: list[str] | None = None,
) -> dict[str, Any]:
    """Each value counts as one entry from every rater group that scores the indicator.
    Indicators without a value are reported as missing. Nothing is saved."""
    spec = scheme_spec(scheme=scheme)
    try:
        compiled = engine.compile_scheme(spec)
    except ValueError as exc:
        # A draft may be unfinished; say why it cannot be scored yet.
        return {"error": str(exc)}
    entries = []
    for category in spec.categories:
        for indicator in category.indicators:
            if indicator.code not in values:
                continue
            for group in indicator.group_codes:
                entries.append(
                    engine.EntryInput(
                        entry_id=f"{indicator.code}/{group}",
                        indicator_code=indicator.code,
                        group_code=group,
                        rater_id="preview",
                        value=Decimal(values[indicator.code]),
                    )
                )
    known_items = {item.code for item in spec.bonus_items + spec.deduction_items}
    known_vetoes = {item.code for item in spec.veto_items}
    subject = engine.SubjectInput(
        subject_id="preview",
        community_type=engine.CommunityType(community_type),
        career_stage=engine.CareerStage(career_stage),
        entries=tuple(entries),
        adjustments=tuple(
            engine.AdjustmentInput(adjustment_id=code, item_code=code, occurrences=n)
            for code, n in (adjustments or {}).items()
            if code in known_items and n > 0
        ),
        vetoes=tuple(
            engine.VetoInput(veto_id=code, item_code=code)
            for code in vetoes or []
            if code in known_vetoes
        ),
    )
    return result_to_dict(engine.score(compiled, subject))
