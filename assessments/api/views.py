"""The assessment workflow over the API. Viewsets are thin: they fetch through the scoped
base, validate with a serializer and call a service; the services decide who may do what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import services
from assessments.api import serializers as s
from assessments.models import (
    AdjustmentRecord,
    Appeal,
    Assessment,
    Cycle,
    Rectification,
    ScoreEntry,
    VetoRecord,
)
from assessments.selectors import assessment_list_for_actor, rank_among_stored, scores_hidden_from

# What-if scoring needs these until the results service offers it (see _what_if).
from indicators.api.serializers import DecisionSerializer
from indicators.models import Indicator
from indicators.presentation import grade_label, result_to_dict
from organizations.api.base import ScopedViewSet
from organizations.tenancy import Actor, Role

ALL_ROLES = frozenset(Role)
ADMIN = frozenset({Role.TENANT_ADMIN})
ASSESSORS = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR})
# Roles that may see individual raters' entries (a secretary never does).
RATER_VIEWERS = frozenset(
    {Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR, Role.EXPERT}
)
RESULT_RESPONSE = OpenApiResponse(description="Result with explanation")


class _WorkflowViewSet(ScopedViewSet):
    def validated(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        """The request body through ``serializer_class``, scoped to the acting user."""
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def render(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        """The instance as the list shows it, read again through the scope."""
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data, code)


# Cycles and assessments -------------------------------------------------------------------


class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Assessment cycles (考核周期): every member of the tenant reads them; tenant admins open
    one, which creates an assessment per serving secretary."""

    read_roles = ALL_ROLES
    write_roles = ADMIN
    queryset = Cycle.objects.none()
    serializer_class = s.CycleSerializer
    filterset_fields = ["kind", "year", "quarter"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Cycle]:
        return Cycle.objects.for_actor(actor)

    @extend_schema(request=s.CycleSerializer, responses={201: s.CycleSerializer})
    def create(self, request: Request) -> Response:
        cycle = services.cycle_open(actor=self.actor, **self.validated(s.CycleSerializer))
        return self.render(cycle, status.HTTP_201_CREATED)


# Filters take plain ids, not model choices: a model choice is checked against every tenant's
# rows, so another tenant's id would answer differently from a missing one.


class AssessmentFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle__id")
    street = django_filters.NumberFilter(field_name="street__id")
    state = django_filters.ChoiceFilter(choices=Assessment.State.choices)

    class Meta:
        model = Assessment
        fields = ["cycle", "street", "state"]


def _without_entries(node: dict[str, Any]) -> dict[str, Any]:
    children = [_without_entries(c) for c in node["children"] if c["kind"] != "entry"]
    return {**node, "children": children}


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Assessments (考核): a secretary sees their own, an assessor their streets', an expert
    the ones assigned to them, admins and leaders all. Each step of the workflow is an action."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS | {Role.SECRETARY}
    read_actions = frozenset({"what_if"})
    queryset = Assessment.objects.none()
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["community__name", "state", "created_at"]
    ordering = ["-cycle_id", "community__name", "pk"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Assessment]:
        return assessment_list_for_actor(actor=actor)

    @extend_schema(request=s.TransitionSerializer, responses=s.AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        to_state = self.validated(s.TransitionSerializer)["to_state"]
        services.assessment_transition(actor=self.actor, assessment=assessment, to_state=to_state)
        return self.render(assessment)

    @extend_schema(request=s.SelfEvaluationSerializer, responses={201: s.SelfEvaluationSerializer})
    @action(detail=True, methods=["post"], url_path="self-evaluation")
    def self_evaluation(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        data = self.validated(s.SelfEvaluationSerializer)
        evaluation = services.self_evaluation_submit(
            actor=self.actor, assessment=assessment, **data
        )
        return Response(s.SelfEvaluationSerializer(evaluation).data, status.HTTP_201_CREATED)

    @extend_schema(request=s.ExpertAssignSerializer, responses=s.ExpertAssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="assign-expert")
    def assign_expert(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        expert = self.validated(s.ExpertAssignSerializer)["expert"]
        assignment = services.expert_assign(actor=self.actor, assessment=assessment, expert=expert)
        return Response(s.ExpertAssignmentSerializer(assignment).data)

    def _numbers(self) -> Any:
        assessment = self.get_object()
        if scores_hidden_from(self.actor, assessment):
            raise Http404
        return assessment

    @extend_schema(responses=RESULT_RESPONSE)
    @action(detail=True, methods=["get"])
    def result(self, request: Request, pk: str) -> Response:
        """The live result with its explanation. A secretary sees groups' results but no
        individual rater's score: entry nodes are left out for them, and nothing at all
        (404) before the street has published the assessment."""
        assessment = self._numbers()
        data = result_to_dict(services.compute_result(assessment))
        actor = self.actor
        if data["explanation"] and (
            assessment.secretary_id in actor.secretary_ids or not actor.has_role(*RATER_VIEWERS)
        ):
            data["explanation"] = _without_entries(data["explanation"])
        return Response(data)

    @extend_schema(request=s.WhatIfSerializer, responses=s.WhatIfResultSerializer)
    @action(detail=True, methods=["post"], url_path="what-if")
    def what_if(self, request: Request, pk: str) -> Response:
        """Score the assessment as if these indicators had these values; nothing is saved.
        For its secretary only once published (404 before)."""
        assessment = self._numbers()
        values: dict[str, Decimal] = self.validated(s.WhatIfSerializer)["values"]
        known = set(
            Indicator.objects.filter(scheme_id=assessment.scheme_id, code__in=values).values_list(
                "code", flat=True
            )
        )
        if unknown := sorted(set(values) - known):
            message = _("Unknown indicator: %(code)s.") % {"code": ", ".join(unknown)}
            raise serializers.ValidationError({"values": [message]})
        result = services.what_if_result(assessment, values)
        rank, ranked = rank_among_stored(assessment, result)
        grade = result.grade
        report = {
            "total": result.total, "grade": str(grade) if grade else None,
            "grade_label": grade_label(grade) or None,
            "complete": result.complete, "vetoed": result.vetoed, "rank": rank, "ranked": ranked,
        }  # fmt: skip
        return Response(s.WhatIfResultSerializer(report).data)


# Scores -----------------------------------------------------------------------------------


class ScoreEntryFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment__id")
    indicator = django_filters.NumberFilter(field_name="indicator__id")
    rater_group = django_filters.NumberFilter(field_name="rater_group__id")

    class Meta:
        model = ScoreEntry
        fields = ["assessment", "indicator", "rater_group"]


class ScoreEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Raters' entries. Assessors, admins and experts read those of the assessments they see;
    a secretary never sees an individual rater's score (403) but enters the self-evaluation
    group's. A save naming an older ``expected_version`` answers 409 and changes nothing."""

    read_roles = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR, Role.EXPERT})
    write_roles = ASSESSORS | {Role.EXPERT, Role.SECRETARY}
    queryset = ScoreEntry.objects.none()
    serializer_class = s.ScoreEntrySerializer
    filterset_class = ScoreEntryFilter
    ordering = ["assessment_id", "indicator_id", "rater_group_id", "pk"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[ScoreEntry]:
        visible = assessment_list_for_actor(actor=actor).values("pk")
        return ScoreEntry.objects.filter(tenant_id=actor.tenant_id, assessment__in=visible)

    @extend_schema(
        request=s.ScoreEntrySerializer,
        responses={
            200: s.ScoreEntrySerializer,
            201: s.ScoreEntrySerializer,
            409: OpenApiResponse(description="Someone saved this entry since you loaded it."),
        },
    )
    def create(self, request: Request) -> Response:
        data = self.validated(s.ScoreEntrySerializer)
        try:
            entry = services.entry_save(actor=self.actor, **data)
        except services.EntryConflict as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        code = status.HTTP_201_CREATED if entry.version == 1 else status.HTTP_200_OK
        return Response(self.get_serializer(entry).data, code)


class AdjustmentFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment__id")

    class Meta:
        model = AdjustmentRecord
        fields = ["assessment"]


class AdjustmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Bonuses and deductions (加减分) applied to assessments, each with its evidence."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS
    queryset = AdjustmentRecord.objects.none()
    serializer_class = s.AdjustmentSerializer
    filterset_class = AdjustmentFilter

    def scoped_queryset(self, actor: Actor) -> QuerySet[AdjustmentRecord]:
        return AdjustmentRecord.objects.for_actor(actor)

    @extend_schema(request=s.AdjustmentSerializer, responses={201: s.AdjustmentSerializer})
    def create(self, request: Request) -> Response:
        record = services.adjustment_add(actor=self.actor, **self.validated(s.AdjustmentSerializer))
        return self.render(record, status.HTTP_201_CREATED)


class VetoFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment__id")
    status = django_filters.ChoiceFilter(choices=VetoRecord.Status.choices)

    class Meta:
        model = VetoRecord
        fields = ["assessment", "status"]


class VetoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Vetoes (一票否决): proposed with evidence, counted once a second person approves."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS
    queryset = VetoRecord.objects.none()
    serializer_class = s.VetoSerializer
    filterset_class = VetoFilter

    def scoped_queryset(self, actor: Actor) -> QuerySet[VetoRecord]:
        return VetoRecord.objects.for_actor(actor)

    @extend_schema(request=s.VetoSerializer, responses={201: s.VetoSerializer})
    def create(self, request: Request) -> Response:
        veto = services.veto_propose(actor=self.actor, **self.validated(s.VetoSerializer))
        return self.render(veto, status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=s.VetoSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        veto = self.get_object()
        approve = self.validated(DecisionSerializer)["approve"]
        return self.render(services.veto_decide(actor=self.actor, veto=veto, approve=approve))


# Appeals ----------------------------------------------------------------------------------


class AppealFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment__id")
    status = django_filters.ChoiceFilter(choices=Appeal.Status.choices)

    class Meta:
        model = Appeal
        fields = ["assessment", "status", "level"]


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Appeals (申诉): the secretary files one per indicator within the window; the street's
    assessors, then the tenant's admins, then the district leaders review it."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS | {Role.DISTRICT_LEADER, Role.SECRETARY}
    queryset = Appeal.objects.none()
    serializer_class = s.AppealSerializer
    filterset_class = AppealFilter

    def scoped_queryset(self, actor: Actor) -> QuerySet[Appeal]:
        return Appeal.objects.for_actor(actor).prefetch_related("reviews")

    @extend_schema(request=s.AppealSerializer, responses={201: s.AppealSerializer})
    def create(self, request: Request) -> Response:
        appeal = services.appeal_file(actor=self.actor, **self.validated(s.AppealSerializer))
        return self.render(appeal, status.HTTP_201_CREATED)

    @extend_schema(request=s.AppealDecisionSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        appeal = self.get_object()
        data = self.validated(s.AppealDecisionSerializer)
        return self.render(services.appeal_review(actor=self.actor, appeal=appeal, **data))


# Rectifications ---------------------------------------------------------------------------


class RectificationFilter(django_filters.FilterSet):
    community = django_filters.NumberFilter(field_name="community__id")
    status = django_filters.ChoiceFilter(choices=Rectification.Status.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=gettext_lazy("Past the deadline and not accepted")
    )

    class Meta:
        model = Rectification
        fields = ["community", "status", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[Rectification], name: str, value: bool
    ) -> QuerySet[Rectification]:
        late = Q(deadline__lt=timezone.localdate()) & ~Q(status=Rectification.Status.ACCEPTED)
        return queryset.filter(late) if value else queryset.exclude(late)


class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _WorkflowViewSet):
    """Rectifications (整改): raised by the street's assessors, marked done with evidence by
    their owner, accepted or returned by the assessors."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS | {Role.SECRETARY}
    queryset = Rectification.objects.none()
    serializer_class = s.RectificationSerializer
    filterset_class = RectificationFilter
    ordering_fields = ["deadline", "created_at", "status"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Rectification]:
        return Rectification.objects.for_actor(actor).select_related("community")

    @extend_schema(request=s.RectificationSerializer, responses={201: s.RectificationSerializer})
    def create(self, request: Request) -> Response:
        data = self.validated(s.RectificationSerializer)
        item = services.rectification_raise(actor=self.actor, **data)
        return self.render(item, status.HTTP_201_CREATED)

    @extend_schema(request=s.RectificationDoneSerializer, responses=s.RectificationSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        data = self.validated(s.RectificationDoneSerializer)
        return self.render(services.rectification_mark_done(actor=self.actor, item=item, **data))

    @extend_schema(request=s.RectificationReviewSerializer, responses=s.RectificationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        data = self.validated(s.RectificationReviewSerializer)
        return self.render(services.rectification_review(actor=self.actor, item=item, **data))
