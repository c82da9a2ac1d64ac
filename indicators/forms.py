"""Forms of the browser scheme editor. They check input; the services decide and write."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    RaterGroup,
    Scheme,
)
from indicators.templates import TEMPLATES
from organizations.models import CareerStage, OrgUnit
from organizations.tenancy import Actor

HUNDRED = Decimal(100)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
STATE_CHOICES = [("", _("All states")), *Scheme.State.choices]


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _plain(value: Any) -> Any:
    """Stored decimals without their trailing zeros (95, not 95.0000), for form initials."""
    return _percent(value) if isinstance(value, Decimal) else value


def _template_choices() -> list[tuple[str, str]]:
    """Each built-in template by its Chinese name, with its categories and their weights."""

    def label(document: dict[str, Any]) -> str:
        parts = " / ".join(
            f"{c['name']} {_percent(Decimal(c['weight']))}%" for c in document["categories"]
        )
        return f"{document['scheme']['name']} — {parts}"

    return [(code, label(document)) for code, document in TEMPLATES.items()]


# Schemes ----------------------------------------------------------------------------------


class SchemeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search schemes"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)


class SchemeCreateForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Start from template"),
        choices=_template_choices,
        widget=forms.RadioSelect,
        help_text=_("Categories, rater groups and indicators are copied; edit them afterwards."),
    )
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, digits, hyphens; shared by all versions of the scheme."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["template"].initial = next(iter(TEMPLATES), None)


class SchemeImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=_(
            "A workbook exported from Kaoping, edited. Nothing is imported if it has errors."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx file."), code="extension")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="size")
        return upload


# Weights ----------------------------------------------------------------------------------


def _weight_field(label: str, initial: Decimal, table: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        initial=initial,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(
            attrs={
                "step": "0.01",
                "min": "0",
                "max": "100",
                "class": "form-control form-control-sm text-end",
                "data-weight": table,
                "inputmode": "decimal",
            }
        ),
    )


class WeightsForm(forms.Form):
    """Every category weight and every rater-group weight at once; each table must add up
    to 100 before anything is saved."""

    SUM_CODES = {"categories": "category_sum", "rater_groups": "group_sum"}

    def __init__(
        self,
        *args: Any,
        categories: Iterable[Category],
        groups: Iterable[RaterGroup],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.groups = list(groups)
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = _weight_field(
                category.name, category.weight, "categories"
            )
        for group in self.groups:
            self.fields[f"group_{group.pk}"] = _weight_field(
                group.name, group.weight, "rater_groups"
            )

    def category_rows(self) -> list[tuple[Category, forms.BoundField]]:
        return [(c, self[f"category_{c.pk}"]) for c in self.categories]

    def group_rows(self) -> list[tuple[RaterGroup, forms.BoundField]]:
        return [(g, self[f"group_{g.pk}"]) for g in self.groups]

    def _total(self, prefix: str, rows: list[Any]) -> Decimal | None:
        """The sum of what the table shows now (submitted values once bound); None if a
        value is not a number."""
        total = Decimal(0)
        for row in rows:
            try:
                total += Decimal(str(self[f"{prefix}_{row.pk}"].value()))
            except ArithmeticError:
                return None
        return total

    def category_total(self) -> Decimal | None:
        return self._total("category", self.categories)

    def group_total(self) -> Decimal | None:
        return self._total("group", self.groups)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
        checks: list[tuple[str, list[Any], str, Any]] = [
            (
                "category",
                self.categories,
                "category_sum",
                _("Category weights must add up to 100%%; they add up to %(total)s%%."),
            ),
            (
                "group",
                self.groups,
                "group_sum",
                _("Rater group weights must add up to 100%%; they add up to %(total)s%%."),
            ),
        ]
        for prefix, rows, code, message in checks:
            values: list[Decimal | None] = [data.get(f"{prefix}_{row.pk}") for row in rows]
            if not rows or any(value is None for value in values):
                continue  # a field error already says what is wrong
            total = sum((value for value in values if value is not None), Decimal(0))
            if total != HUNDRED:
                self.add_error(
                    None, forms.ValidationError(message % {"total": _percent(total)}, code=code)
                )
        return data

    def _sum_errors(self, code: str) -> list[str]:
        return [
            message
            for error in self.errors.get(NON_FIELD_ERRORS, forms.utils.ErrorList()).as_data()
            if error.code == code
            for message in error.messages
        ]

    def category_sum_errors(self) -> list[str]:
        return self._sum_errors("category_sum")

    def group_sum_errors(self) -> list[str]:
        return self._sum_errors("group_sum")

    def other_errors(self) -> list[str]:
        """Errors that belong to neither table (e.g. from the services)."""
        return [
            message
            for error in self.errors.get(NON_FIELD_ERRORS, forms.utils.ErrorList()).as_data()
            if error.code not in self.SUM_CODES.values()
            for message in error.messages
        ]

    def changes(self) -> tuple[list[tuple[Category, Decimal]], list[tuple[RaterGroup, Decimal]]]:
        """The weights that differ from the stored ones (unchanged rows are not rewritten)."""
        data = self.cleaned_data
        categories = [
            (c, data[f"category_{c.pk}"])
            for c in self.categories
            if data[f"category_{c.pk}"] != c.weight
        ]
        groups = [
            (g, data[f"group_{g.pk}"]) for g in self.groups if data[f"group_{g.pk}"] != g.weight
        ]
        return categories, groups


# Indicators -------------------------------------------------------------------------------

PERCENT_FIELD: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 2,
    "min_value": 0,
    "max_value": 100,
}
VALUE_FIELD: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


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
