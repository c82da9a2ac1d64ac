from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Cycle
from organizations.models import OrgUnit
from organizations.uploads import TABLES, UploadField
from residents.models import Campaign, question_label

SCORE_CHOICES = [
    (5, _("5 · Very satisfied")),
    (4, _("4 · Satisfied")),
    (3, _("3 · Neutral")),
    (2, _("2 · Dissatisfied")),
    (1, _("1 · Very dissatisfied")),
]


class RatingForm(forms.Form):
    """One radio group per question of the campaign, and the free-text suggestion."""

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in campaign.questions:
            self.fields[f"q_{question['key']}"] = forms.TypedChoiceField(
                label=question_label(question), choices=SCORE_CHOICES, coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose a score for this question.")},
            )  # fmt: skip
        self.fields["suggestion"] = forms.CharField(
            label=_("Your suggestion (optional)"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Please do not write names, phone numbers or addresses."),
        )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("q_")]

    def scores(self) -> dict[str, int]:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")
        }


class CampaignForm(forms.Form):
    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), label=_("Cycle"))
    community = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Community"))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, cycles: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class BatchForm(forms.Form):
    count = forms.IntegerField(label=_("Number of cards"), min_value=1, max_value=1000)
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ScreenForm(forms.Form):
    release = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason for hiding"), required=False, max_length=200)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintsForm(forms.Form):
    file = UploadField(
        extensions=TABLES,
        label=_("12345 hotline complaints (CSV or Excel)"),
        help_text=_("Columns: community code or name, year, quarter, number of complaints."),
    )


def default_expiry() -> dt.date:
    return dt.date.today() + dt.timedelta(days=30)  # noqa: DTZ011 - a form's initial date
