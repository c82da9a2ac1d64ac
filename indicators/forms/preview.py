"""The live preview's form: a made-up community to score."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.forms.common import (
    HUNDRED,
    PERCENT_FIELD,
    VALUE_FIELD,
    _percent,
)
from indicators.models import (
    Indicator,
)
from organizations.models import CareerStage, OrgUnit

# Live preview -----------------------------------------------------------------------------


class PreviewForm(forms.Form):
    """A made-up community: one value per indicator (full marks by default), occurrences of
    bonus and deduction items, and vetoes. An empty value counts as a missing entry."""

    community_type = forms.ChoiceField(
        label=_("Community type"),
        choices=OrgUnit.CommunityType.choices,
        initial=OrgUnit.CommunityType.URBAN,
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage"), choices=CareerStage.choices, initial=CareerStage.GROWTH
    )

    def __init__(self, *args: Any, detail: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator_names: list[str] = []
        self.adjustment_names: list[str] = []
        self.veto_names: list[str] = []
        for category in detail["categories"]:
            for indicator in category.indicators.all():
                name = f"value_{indicator.code}"
                self.fields[name] = self._value_field(indicator)
                self.indicator_names.append(name)
        for item in detail["adjustments"]:
            name = f"count_{item.code}"
            self.fields[name] = forms.IntegerField(
                label=item.name,
                min_value=0,
                max_value=1000,
                initial=0,
                required=False,
                help_text=_("%(kind)s, %(points)s points each")
                % {"kind": item.get_kind_display(), "points": _percent(item.points_per_occurrence)},
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.adjustment_names.append(name)
        for veto in detail["vetoes"]:
            name = f"veto_{veto.code}"
            self.fields[name] = forms.BooleanField(label=veto.name, required=False)
            self.veto_names.append(name)

    @staticmethod
    def _value_field(indicator: Indicator) -> forms.Field:
        small = {"class": "form-control form-control-sm"}
        if indicator.method == Indicator.Method.YES_NO:
            return forms.TypedChoiceField(
                label=indicator.name,
                choices=[("1", _("Done")), ("0", _("Not done")), ("", _("No entry yet"))],
                coerce=Decimal,
                empty_value=None,
                required=False,
                initial="1",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        if indicator.method == Indicator.Method.QUANTITATIVE:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            return forms.DecimalField(
                label=f"{indicator.name}{unit}",
                required=False,
                initial=_percent(indicator.target) if indicator.target is not None else None,
                widget=forms.NumberInput(attrs={**small, "step": "any"}),
                **VALUE_FIELD,
            )
        return forms.DecimalField(
            label=f"{indicator.name} (0-100)",
            required=False,
            initial=HUNDRED,
            widget=forms.NumberInput(attrs={**small, "step": "any", "min": "0", "max": "100"}),
            **PERCENT_FIELD,
        )

    def bound(self, names: list[str]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def indicator_fields(self) -> list[forms.BoundField]:
        return self.bound(self.indicator_names)

    def adjustment_fields(self) -> list[forms.BoundField]:
        return self.bound(self.adjustment_names)

    def veto_fields(self) -> list[forms.BoundField]:
        return self.bound(self.veto_names)

    def preview_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "community_type": data["community_type"],
            "career_stage": data["career_stage"],
            "values": {
                name.removeprefix("value_"): data[name]
                for name in self.indicator_names
                if data.get(name) is not None
            },
            "adjustments": {
                name.removeprefix("count_"): data[name]
                for name in self.adjustment_names
                if data.get(name)
            },
            "vetoes": [name.removeprefix("veto_") for name in self.veto_names if data.get(name)],
        }
