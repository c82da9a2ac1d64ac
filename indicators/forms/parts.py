"""Forms for an indicator (with its levels and differentiated targets) and for bonus, deduction and veto items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.forms.common import (
    PERCENT_FIELD,
    VALUE_FIELD,
    _plain,
)
from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    RaterGroup,
    Scheme,
)
from organizations.models import CareerStage, OrgUnit
from organizations.tenancy import Actor

# Indicators -------------------------------------------------------------------------------


class RowForm(forms.Form):
    """A formset row whose fields are all optional: a blank row is skipped (clear a row to
    remove it); a row with anything in it must be complete."""

    required_when_filled: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(value not in (None, "") for value in data.values())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.is_blank():
            return data
        for name in self.required_when_filled:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(
                    name, forms.ValidationError(_("This field is required."), "required")
                )
        return data


class LevelForm(RowForm):
    required_when_filled = ("code", "label", "min_percent", "max_percent", "description")

    code = forms.CharField(label=_("Code"), max_length=20, required=False)
    label = forms.CharField(label=_("Label"), max_length=20, required=False)
    min_percent = forms.DecimalField(label=_("From (%)"), required=False, **PERCENT_FIELD)
    max_percent = forms.DecimalField(label=_("To (%)"), required=False, **PERCENT_FIELD)
    description = forms.CharField(
        label=_("Observable behaviour"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("min_percent"), data.get("max_percent")
        if low is not None and high is not None and low >= high:
            self.add_error("max_percent", _("A level must end above where it starts."))
        return data


class OverrideForm(RowForm):
    required_when_filled = ("target",)

    community_type = forms.ChoiceField(
        label=_("Community type"),
        choices=[("", _("Any")), *OrgUnit.CommunityType.choices],
        required=False,
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage"), choices=[("", _("Any")), *CareerStage.choices], required=False
    )
    target = forms.DecimalField(label=_("Target"), required=False, **VALUE_FIELD)
    floor = forms.DecimalField(label=_("Zero-point value"), required=False, **VALUE_FIELD)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.is_blank() and not (data.get("community_type") or data.get("career_stage")):
            self.add_error("community_type", _("Choose a community type, a career stage or both."))
        return data


class RowsFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def rows(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if not form.is_blank()]


class OverrideFormSet(RowsFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for row in self.rows():
            key = (row["community_type"], row["career_stage"])
            if key in seen:
                raise forms.ValidationError(
                    _("Two overrides name the same community type and career stage.")
                )
            seen.add(key)


def _formset(
    form: type[forms.Form],
    base: type[RowsFormSet],
    prefix: str,
    data: Any,
    initial: list[dict[str, Any]],
    rows: int,
) -> RowsFormSet:
    """A formset with at least ``rows`` rows on display (existing rows plus blank ones)."""
    factory = forms.formset_factory(form, formset=base, extra=0, max_num=20, absolute_max=20)
    if data is not None:
        return cast(RowsFormSet, factory(data, prefix=prefix))
    padded = initial + [{}] * max(rows - len(initial), 0)
    return cast(RowsFormSet, factory(initial=padded, prefix=prefix))


def level_formset(data: Any, indicator: Indicator | None) -> RowsFormSet:
    initial = (
        [
            {f: _plain(getattr(level, f)) for f in LevelForm.base_fields}
            for level in sorted(indicator.levels.all(), key=lambda lv: -lv.max_percent)
        ]
        if indicator
        else []
    )
    return _formset(LevelForm, RowsFormSet, "levels", data, initial, 4)


def override_formset(data: Any, indicator: Indicator | None) -> RowsFormSet:
    initial = (
        [
            {f: _plain(getattr(override, f)) for f in OverrideForm.base_fields}
            for override in indicator.target_overrides.all()
        ]
        if indicator
        else []
    )
    return _formset(OverrideForm, OverrideFormSet, "overrides", data, initial, len(initial) + 2)


class IndicatorForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    code = forms.SlugField(
        label=_("Code"), max_length=50, help_text=_("Unique in the scheme; used in Excel sheets.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    max_points = forms.DecimalField(
        label=_("Max points"), max_digits=9, decimal_places=2, min_value=Decimal("0.01")
    )
    method = forms.ChoiceField(label=_("Scoring method"), choices=Indicator.Method.choices)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Indicator.Direction.choices,
        initial=Indicator.Direction.HIGHER,
        help_text=_("Quantitative indicators only."),
    )
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        help_text=_("Quantitative indicators only: the value that earns full points."),
        **VALUE_FIELD,
    )
    floor = forms.DecimalField(
        label=_("Zero-point value"),
        required=False,
        help_text=_(
            "The value at which the indicator earns nothing; empty for the default "
            "(0 if higher is better, twice the target if lower is better)."
        ),
        **VALUE_FIELD,
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    rater_groups = forms.ModelMultipleChoiceField(
        label=_("Rated by"),
        queryset=RaterGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one rater group that scores it.")},
    )
    community_types = forms.MultipleChoiceField(
        label=_("Community types"),
        choices=OrgUnit.CommunityType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: applies to all."),
    )
    career_stages = forms.MultipleChoiceField(
        label=_("Career stages"),
        choices=CareerStage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: applies to all."),
    )
    in_special_pool = forms.BooleanField(
        label=_("In the special-indicator pool"),
        required=False,
        help_text=_("Special category only: communities choose from the pool."),
    )

    def __init__(self, *args: Any, actor: Actor, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this scheme's rows: a request cannot point at another scheme or tenant.
        self.fields["category"].queryset = (  # type: ignore[attr-defined]
            Category.objects.for_actor(actor).filter(scheme=scheme).order_by("order", "pk")
        )
        self.fields["rater_groups"].queryset = (  # type: ignore[attr-defined]
            RaterGroup.objects.for_actor(actor).filter(scheme=scheme).order_by("order", "pk")
        )

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, Any]:
        fields = [f for f in IndicatorForm.base_fields if f not in ("category", "rater_groups")]
        return {
            **{f: _plain(getattr(indicator, f)) for f in fields},
            "category": indicator.category_id,
            "rater_groups": [g.pk for g in indicator.rater_groups.all()],
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("method") == Indicator.Method.QUANTITATIVE and data.get("target") is None:
            self.add_error("target", _("A quantitative indicator needs a target."))
        return data


def check_levels(form: IndicatorForm, levels: RowsFormSet) -> bool:
    """Levels belong to qualitative indicators only; say so in place rather than drop them."""
    method = form.cleaned_data.get("method")
    if method and method != Indicator.Method.QUALITATIVE and levels.rows():
        form.add_error(None, _("Only qualitative indicators have levels: clear the level rows."))
        return False
    return True


# Bonus, deduction and veto items ----------------------------------------------------------


class AdjustmentItemForm(forms.Form):
    anchor = "adjustments"

    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentItem.Kind.choices)
    code = forms.SlugField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    points_per_occurrence = forms.DecimalField(
        label=_("Points per occurrence"), max_digits=9, decimal_places=2, min_value=Decimal("0.01")
    )
    cap = forms.DecimalField(
        label=_("Cap (points)"),
        max_digits=9,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("The most this item can add or take in one assessment; empty for no cap."),
    )
    indicator = forms.ModelChoiceField(
        label=_("Taken from indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Deductions only: the points come off this indicator and stop at its zero."),
    )

    def __init__(self, *args: Any, actor: Actor, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (  # type: ignore[attr-defined]
            Indicator.objects.for_actor(actor).filter(scheme=scheme).order_by("code")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == AdjustmentItem.Kind.BONUS and data.get("indicator"):
            self.add_error("indicator", _("Only deductions are taken from an indicator."))
        return data


class VetoItemForm(forms.Form):
    anchor = "vetoes"

    code = forms.SlugField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("When it applies"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say precisely what must have happened: a veto overrides every score."),
    )

    def __init__(self, *args: Any, actor: Actor, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
