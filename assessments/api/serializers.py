"""Serializers of the assessment workflow API.

Every foreign key in a request body is a ``ScopedRelatedField``: an id of another tenant, or
outside the caller's streets, is refused as "does not exist" like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessments.models import (
    AdjustmentRecord,
    Appeal,
    AppealReview,
    Assessment,
    Cycle,
    ExpertAssignment,
    Rectification,
    ScoreEntry,
    SelfEvaluation,
    VetoRecord,
)
from assessments.selectors import assessment_list_for_actor
from assessments.services.scoring import MAX_OCCURRENCES, MAX_VERSION
from indicators.models import VALUE, AdjustmentItem, Indicator, RaterGroup, VetoItem
from indicators.selectors import scheme_list_for_actor
from organizations.api.base import ScopedRelatedField
from organizations.models import OrgUnit, User
from organizations.selectors import people_for_actor, scoped, unit_list_for_actor
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadSerializerField

# Users are not tenant-owned rows with a scope of their own; these two are the people a
# request body may name. (They belong in organizations.selectors.)


def experts_for_actor(*, actor: Actor | None) -> QuerySet[User]:
    """The active experts of the actor's tenant: whom an assessment may be assigned to."""
    if actor is None:
        return User.objects.none()
    return User.objects.filter(
        tenant_id=actor.tenant_id, is_active=True, memberships__role=Role.EXPERT
    ).distinct()


def _file_url(kind: str) -> Callable[[Any], str]:
    """Where a row's file is served: the scoped evidence view of its assessment."""
    return lambda row: reverse("assessments:evidence", args=[row.assessment_id, kind, row.pk])


def _entry_file_url(entry: ScoreEntry) -> str:
    return reverse("assessments:entry_evidence", args=[entry.assessment_id, entry.pk])


def _rectification_file_url(item: Rectification) -> str:
    return reverse("assessments:rectification_evidence", args=[item.pk])


def _evidence(
    message: Any, *, url: Callable[[Any], str], required: bool = True
) -> UploadSerializerField:
    """An evidence upload; a missing one is refused with the service's own sentence."""
    return UploadSerializerField(
        url=url,
        required=required,
        allow_null=not required,
        error_messages={"required": message, "invalid": message, "empty": message},
    )


# Cycles and assessments -------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer[Cycle]):
    scheme = ScopedRelatedField(selector=scheme_list_for_actor)
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, required=False, allow_null=True, default=None
    )
    quarters_share = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)

    class Meta:
        model = Cycle
        fields = ["id", "kind", "year", "quarter", "name", "scheme", "starts_on", "ends_on", "quarters_share", "created_at"]  # fmt: skip
        read_only_fields = ["id", "created_at"]
        # The service checks the one-cycle-per-quarter constraints, with the tenant.
        validators: list[Any] = []


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    cycle_name = serializers.CharField(source="cycle.name", read_only=True)
    secretary_name = serializers.CharField(source="secretary.user.full_name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)
    # A plain string here: as an enum it would share its name with the scheme's target
    # overrides and need an ENUM_NAME_OVERRIDES entry for the schema to stay warning-free.
    career_stage = serializers.CharField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "cycle", "cycle_name", "scheme", "secretary", "secretary_name", "community",
            "community_name", "street", "street_name", "community_type", "career_stage", "state",
            "published_at", "appeal_deadline", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer[Any]):
    # No edge leads back to a draft.
    to_state = serializers.ChoiceField(
        choices=[(v, label) for v, label in Assessment.State.choices if v != Assessment.State.DRAFT]
    )


class SelfEvaluationSerializer(serializers.ModelSerializer[SelfEvaluation]):
    attachment = UploadSerializerField(url=_file_url("self"), required=False, allow_null=True)

    class Meta:
        model = SelfEvaluation
        fields = ["id", "assessment", "summary", "duty_report", "attachment", "submitted_at"]
        read_only_fields = ["id", "assessment", "submitted_at"]


class ExpertAssignSerializer(serializers.ModelSerializer[ExpertAssignment]):
    expert = ScopedRelatedField(selector=experts_for_actor)

    class Meta:
        model = ExpertAssignment
        fields = ["expert"]


class ExpertAssignmentSerializer(serializers.ModelSerializer[ExpertAssignment]):
    class Meta:
        model = ExpertAssignment
        fields = ["id", "assessment", "expert"]
        read_only_fields = fields


class WhatIfSerializer(serializers.Serializer[Any]):
    values = serializers.DictField(
        child=serializers.DecimalField(**VALUE),
        help_text=_("Indicator code → value, replacing every entry of that indicator."),
    )


class WhatIfResultSerializer(serializers.Serializer[Any]):
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    grade = serializers.CharField(allow_null=True)
    grade_label = serializers.CharField(allow_null=True)
    complete = serializers.BooleanField()
    vetoed = serializers.BooleanField()
    rank = serializers.IntegerField(help_text=_("Rank among the stored results of the cycle."))
    ranked = serializers.IntegerField(help_text=_("Number of results ranked, this one included."))


# Scores -----------------------------------------------------------------------------------


class ScoreEntrySerializer(serializers.ModelSerializer[ScoreEntry]):
    assessment = ScopedRelatedField(selector=assessment_list_for_actor)
    indicator = ScopedRelatedField(selector=partial(scoped, Indicator))
    rater_group = ScopedRelatedField(selector=partial(scoped, RaterGroup))
    evidence = UploadSerializerField(url=_entry_file_url, required=False, allow_null=True)
    expected_version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("The version you loaded; leave out for a new entry."),
    )

    class Meta:
        model = ScoreEntry
        fields = [
            "id", "assessment", "indicator", "rater_group", "rater", "value", "comment", "evidence",
            "version", "expected_version", "changed_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "rater", "version", "changed_by", "created_at", "updated_at"]
        # The one-entry-per-rater constraints are the service's to check (as a conflict).
        validators: list[Any] = []


class AdjustmentSerializer(serializers.ModelSerializer[AdjustmentRecord]):
    assessment = ScopedRelatedField(selector=assessment_list_for_actor)
    item = ScopedRelatedField(selector=partial(scoped, AdjustmentItem))
    occurrences = serializers.IntegerField(min_value=1, max_value=MAX_OCCURRENCES, default=1)
    evidence = _evidence(
        _("Attach the evidence for this bonus or deduction."), url=_file_url("adjustment")
    )

    class Meta:
        model = AdjustmentRecord
        fields = [
            "id", "assessment", "item", "occurrences", "note", "evidence", "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_by", "created_at"]


class VetoSerializer(serializers.ModelSerializer[VetoRecord]):
    assessment = ScopedRelatedField(selector=assessment_list_for_actor)
    item = ScopedRelatedField(selector=partial(scoped, VetoItem))
    evidence = _evidence(_("A veto needs evidence."), url=_file_url("veto"))
    # proposed / approved / rejected, the special indicators' choice set: a plain string for
    # the same reason as an assessment's career stage.
    status = serializers.CharField(read_only=True)

    class Meta:
        model = VetoRecord
        fields = [
            "id", "assessment", "item", "reason", "evidence", "status", "proposed_by", "decided_by",
            "created_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "proposed_by", "decided_by", "created_at", "decided_at"]


# Appeals ----------------------------------------------------------------------------------


class AppealReviewSerializer(serializers.ModelSerializer[AppealReview]):
    class Meta:
        model = AppealReview
        fields = ["level", "decision", "note", "corrected_value", "reviewer", "reviewed_at"]
        read_only_fields = fields


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    assessment = ScopedRelatedField(selector=assessment_list_for_actor)
    indicator = ScopedRelatedField(selector=partial(scoped, Indicator))
    evidence = UploadSerializerField(url=_file_url("appeal"), required=False, allow_null=True)
    reviews = AppealReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id", "assessment", "indicator", "reason", "evidence", "status", "level", "filed_by",
            "filed_at", "reviews",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "level", "filed_by", "filed_at", "reviews"]


class AppealDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=AppealReview.Decision.choices)
    # Blank is refused by the service, with its own sentence.
    note = serializers.CharField(allow_blank=True)
    corrected_value = serializers.DecimalField(**VALUE, required=False, allow_null=True)


# Rectifications ---------------------------------------------------------------------------


class RectificationSerializer(serializers.ModelSerializer[Rectification]):
    community = ScopedRelatedField(
        selector=partial(unit_list_for_actor, kind=OrgUnit.Kind.COMMUNITY)
    )
    community_name = serializers.CharField(source="community.name", read_only=True)
    owner = ScopedRelatedField(selector=people_for_actor)
    assessment = ScopedRelatedField(
        selector=assessment_list_for_actor, required=False, allow_null=True
    )
    overdue = serializers.SerializerMethodField()
    evidence = UploadSerializerField(url=_rectification_file_url, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id", "street", "community", "community_name", "assessment", "source", "title",
            "description", "owner", "deadline", "status", "overdue", "evidence", "done_note",
            "carried_from", "created_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "street", "source", "status", "evidence", "done_note", "carried_from",
            "created_at", "closed_at",
        ]  # fmt: skip

    def get_overdue(self, item: Rectification) -> bool:
        today: dt.date = timezone.localdate()
        return item.status != Rectification.Status.ACCEPTED and item.deadline < today


class RectificationDoneSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True, default="")
    evidence = _evidence(
        _("Attach evidence of what was done, e.g. a photo."), url=_rectification_file_url
    )


class RectificationReviewSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, default="")
