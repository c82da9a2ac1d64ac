"""Forms for scheme versions: filter, create, import, and the weights of categories and rater groups."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.forms.common import (
    HUNDRED,
    STATE_CHOICES,
    _percent,
    _template_choices,
)
from indicators.models import (
    Category,
    RaterGroup,
)
from indicators.templates import TEMPLATES
from organizations.uploads import XLSX_ONLY, UploadField

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
    file = UploadField(
        extensions=XLSX_ONLY,
        label=_("Excel workbook (.xlsx)"),
        help_text=_(
            "A workbook exported from Kaoping, edited. Nothing is imported if it has errors."
        ),
    )


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
