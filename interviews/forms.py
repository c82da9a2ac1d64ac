"""Forms of the talk pages. Choices are limited to what the acting user may see, so another
tenant's community, person or assessment is refused as an invalid choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Cycle
from assessments.selectors import assessment_list_for_actor
from interviews.models import STEPS, Talk
from interviews.selectors import STATUS_FILTERS
from organizations.models import OrgUnit, User
from organizations.selectors import people_for_actor
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _communities(actor: Actor) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.COMMUNITY, is_active=True)
    if not actor.whole_tenant:
        units = units.filter(parent_id__in=actor.street_ids)
    return units.select_related("parent").order_by("parent__name", "name")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the fields it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class _CommunityChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class _ScopedForm(forms.Form):
    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if "community" in self.fields:
            self.fields["community"].queryset = _communities(actor)  # type: ignore[attr-defined]


class TalkPlanForm(_ScopedForm):
    community = _CommunityChoice(label=_("Community"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Talk.Kind.choices)
    planned_for = forms.DateField(label=_("Planned for"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason or matter"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TalkRecordForm(_ScopedForm):
    community = _CommunityChoice(label=_("Community"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Talk.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason or matter"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    outcomes = forms.CharField(
        label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = UploadField(label=_("Attachment"), required=False)
    assessment = forms.ModelChoiceField(
        label=_("Assessment"), queryset=Assessment.objects.none(), required=False
    )
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.none(), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["participants"].queryset = people_for_actor(actor=actor)  # type: ignore[attr-defined]
        self.fields["assessment"].queryset = assessment_list_for_actor(actor=actor).order_by(  # type: ignore[attr-defined]
            "-cycle_id", "community__name"
        )
        self.fields["cycle"].queryset = Cycle.objects.for_actor(actor)  # type: ignore[attr-defined]
        for name, label in STEPS:
            self.fields[name] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def step_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label in STEPS]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "community": data["community"], "kind": data["kind"], "held_on": data["held_on"],
            "place": data["place"], "participants": list(data["participants"]),
            "steps": {name: data[name] for name, _label in STEPS}, "notes": data["notes"],
            "outcomes": data["outcomes"], "reason": data["reason"],
            "attachment": data["attachment"] or None, "assessment": data["assessment"],
            "cycle": data["cycle"],
        }  # fmt: skip

    @staticmethod
    def initial_for(talk: Talk) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "community": talk.community_id, "kind": talk.kind,
            "held_on": talk.held_on or talk.planned_for, "place": talk.place,
            "participants": [row.user_id for row in talk.participant_rows.all()],
            "reason": talk.reason, "notes": talk.notes, "outcomes": talk.outcomes,
            "assessment": talk.assessment_id, "cycle": talk.cycle_id,
        }  # fmt: skip
        initial.update({name: getattr(talk, name) for name, _label in STEPS})
        return initial


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Written feedback to the secretary"), widget=forms.Textarea(attrs={"rows": 5})
    )
    feedback_on = forms.DateField(label=_("Given on"), widget=DATE)


class RectificationForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_for_actor(actor=actor)  # type: ignore[attr-defined]


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    street = forms.IntegerField(label=_("Street"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Talk.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *STATUS_FILTERS]
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    street = forms.IntegerField(label=_("Street"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("The start of the period comes after its end."))
        return data


class PolicyForm(forms.Form):
    # The upper bounds are the service's, with its own sentences.
    feedback_due_days = forms.IntegerField(label=_("Feedback due within (days)"), min_value=1)
    routine_per_quarter = forms.IntegerField(
        label=_("Routine talks per community per quarter (minimum)"), min_value=0
    )


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Theme"), max_length=50)
    keywords = forms.CharField(
        label=_("Keywords"),
        help_text=_("Separate keywords with commas or spaces, e.g. 加装电梯, 电梯, 爬楼."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # A small integer column: past 32767 the database would refuse it with a server error.
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def keyword_list(self) -> list[str]:
        raw = self.cleaned_data["keywords"].replace("，", ",").replace("、", ",")
        return [w for part in raw.split(",") for w in part.split()]


ASSESSOR_ROLES = (Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
STAFF_ROLES = (Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR)
