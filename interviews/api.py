"""Talks over the API: the twins of the pages. Viewsets fetch through the scoped base,
validate with a serializer and call a service; the services decide who may do what."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.serializers import RectificationSerializer
from assessments.models import Cycle
from assessments.selectors import assessment_list_for_actor
from interviews import selectors, services
from interviews.models import STEP_FIELDS, DemandTheme, Talk
from organizations.api.base import ScopedRelatedField, ScopedViewSet
from organizations.models import OrgUnit
from organizations.selectors import people_for_actor, scoped, unit_list_for_actor
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadSerializerField

ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR})
ASSESSORS = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR})
ADMIN = frozenset({Role.TENANT_ADMIN})


@extend_schema_field(OpenApiTypes.INT)
class IdField(ScopedRelatedField):
    """A scoped id in a plain (non-model) serializer body."""


def _cycles(*, actor: Actor | None) -> QuerySet[Cycle]:
    return scoped(Cycle, actor)


# Serializers ------------------------------------------------------------------------------


class TalkSerializer(serializers.ModelSerializer[Talk]):
    community_name = serializers.CharField(source="community.name", read_only=True)
    participants = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    rectifications = serializers.SerializerMethodField()
    feedback_overdue = serializers.SerializerMethodField()
    attachment = UploadSerializerField(
        url=lambda talk: reverse("interviews:attachment", args=[talk.pk]), read_only=True
    )

    class Meta:
        model = Talk
        fields = [
            "id", "kind", "status", "street", "community", "community_name", "secretary",
            "assessment", "cycle", "reason", "planned_for", "held_on", "place", "participants",
            *STEP_FIELDS, "notes", "outcomes", "attachment", "feedback_due", "feedback",
            "feedback_on", "feedback_overdue", "keywords", "themes", "rectifications",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_participants(self, talk: Talk) -> list[int]:
        return [row.user_id for row in talk.participant_rows.all()]

    def get_themes(self, talk: Talk) -> list[str]:
        return [row.theme.name for row in talk.themes.all()]

    def get_rectifications(self, talk: Talk) -> list[int]:
        return [link.rectification_id for link in talk.rectification_links.all()]

    def get_feedback_overdue(self, talk: Talk) -> bool:
        return talk.feedback_overdue(timezone.localdate())


class TalkRecordSerializer(serializers.Serializer[Any]):
    community = IdField(selector=partial(unit_list_for_actor, kind=OrgUnit.Kind.COMMUNITY))
    kind = serializers.ChoiceField(choices=Talk.Kind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    participants = IdField(selector=people_for_actor, many=True, required=False)
    steps = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    outcomes = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    assessment = IdField(
        selector=assessment_list_for_actor, required=False, allow_null=True, default=None
    )
    cycle = IdField(selector=_cycles, required=False, allow_null=True, default=None)


class TalkPlanSerializer(serializers.Serializer[Any]):
    community = IdField(selector=partial(unit_list_for_actor, kind=OrgUnit.Kind.COMMUNITY))
    kind = serializers.ChoiceField(choices=Talk.Kind.choices)
    planned_for = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer[Any]):
    feedback = serializers.CharField()
    feedback_on = serializers.DateField()


class TalkRectificationSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField()
    owner = IdField(selector=people_for_actor)


class DemandThemeSerializer(serializers.ModelSerializer[DemandTheme]):
    keywords = serializers.ListField(child=serializers.CharField(), allow_empty=False)

    class Meta:
        model = DemandTheme
        fields = ["id", "name", "keywords", "order", "is_active"]
        extra_kwargs = {"order": {"required": False}, "is_active": {"required": False}}
        # The tenant-wide unique name is checked by the service, which names the field.
        validators: list[Any] = []


@extend_schema_serializer(many=False)  # the list action answers one object, not a page
class PolicySerializer(serializers.Serializer[Any]):
    # The upper bounds are the service's, with its own sentences.
    feedback_due_days = serializers.IntegerField(min_value=1)
    routine_per_quarter = serializers.IntegerField(min_value=0)


class PeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    street = serializers.IntegerField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        attrs.setdefault("start", dt.date(today.year, 1, 1))
        attrs.setdefault("end", today)
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError(
                {"start": [_("The start of the period comes after its end.")]}
            )
        return attrs


PERIOD_PARAMETERS = [
    OpenApiParameter("start", dt.date, description="First day (default: 1 January)"),
    OpenApiParameter("end", dt.date, description="Last day (default: today)"),
]


class DistributionSerializer(serializers.Serializer[Any]):
    answered = serializers.IntegerField()
    buckets = serializers.DictField(child=serializers.IntegerField())
    median = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    p90 = serializers.IntegerField(allow_null=True)
    mean = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    waiting = serializers.IntegerField()
    overdue = serializers.IntegerField()
    on_time = serializers.IntegerField()


class StreetDistributionSerializer(DistributionSerializer):
    street = serializers.IntegerField()
    street_name = serializers.CharField()


class LatencySerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    overall = DistributionSerializer()
    streets = StreetDistributionSerializer(many=True)


class ThemeCountSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField()
    talks = serializers.IntegerField()
    communities = serializers.IntegerField()


class ThemeChartSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    totals = ThemeCountSerializer(many=True)
    quarters = serializers.ListField(child=serializers.CharField())
    series = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


def _distribution(d: selectors.Distribution) -> dict[str, Any]:
    return {**d._asdict(), "buckets": dict(d.buckets)}


# Viewsets ---------------------------------------------------------------------------------


class TalkFilter(django_filters.FilterSet):
    street = django_filters.NumberFilter(field_name="street__id")
    community = django_filters.NumberFilter(field_name="community__id")
    kind = django_filters.ChoiceFilter(choices=Talk.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Talk.Status.choices)

    class Meta:
        model = Talk
        fields = ["street", "community", "kind", "status"]


class TalkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Talks (三谈): assessors see their streets', a secretary the talks about them, admins
    and leaders all. Recording a talk returns at once; its demand themes are extracted by a
    background job."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS
    queryset = Talk.objects.none()
    serializer_class = TalkSerializer
    filterset_class = TalkFilter
    search_fields = ["community__name", "notes", "place"]
    ordering = ["-held_on", "-planned_for", "-pk"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Talk]:
        return selectors.talk_list_for_actor(actor=actor).prefetch_related(
            "participant_rows", "themes__theme", "rectification_links"
        )

    def _validated(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _render(self, talk: Talk, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=talk.pk)).data, code)

    def _record(self, talk: Talk | None) -> Talk:
        data = self._validated(TalkRecordSerializer)
        data["steps"] = data.get("steps") or {}
        data["participants"] = data.get("participants") or []
        return services.talk_record(actor=self.actor, talk=talk, **data)

    @extend_schema(request=TalkRecordSerializer, responses={201: TalkSerializer})
    def create(self, request: Request) -> Response:
        return self._render(self._record(None), status.HTTP_201_CREATED)

    @extend_schema(request=TalkRecordSerializer, responses=TalkSerializer)
    def update(self, request: Request, pk: str) -> Response:
        return self._render(self._record(self.get_object()))

    @extend_schema(request=TalkPlanSerializer, responses={201: TalkSerializer})
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        talk = services.talk_plan(actor=self.actor, **self._validated(TalkPlanSerializer))
        return self._render(talk, status.HTTP_201_CREATED)

    @extend_schema(request=FeedbackSerializer, responses=TalkSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str) -> Response:
        talk = self.get_object()
        data = self._validated(FeedbackSerializer)
        services.talk_record_feedback(
            actor=self.actor, talk=talk, feedback=data["feedback"], given_on=data["feedback_on"]
        )
        return self._render(talk)

    @extend_schema(request=TalkRectificationSerializer, responses={201: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def rectifications(self, request: Request, pk: str) -> Response:
        talk = self.get_object()
        item = services.talk_raise_rectification(
            actor=self.actor, talk=talk, **self._validated(TalkRectificationSerializer)
        )
        return Response(RectificationSerializer(item).data, status.HTTP_201_CREATED)

    def _period(self) -> dict[str, Any]:
        """The period of a figures request, for staff roles only (a secretary's own talks
        are not a distribution)."""
        self.actor.require(*STAFF)
        period = PeriodSerializer(data=self.request.query_params)
        period.is_valid(raise_exception=True)
        return dict(period.validated_data)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=LatencySerializer)
    @action(detail=False, methods=["get"])
    def latency(self, request: Request) -> Response:
        """Days from talk to feedback as a distribution, over the actor's scope and per street."""
        data = self._period()
        start, end = data["start"], data["end"]
        report = selectors.latency_report(
            actor=self.actor, start=start, end=end, today=timezone.localdate()
        )
        streets = [
            {**_distribution(d), "street": street.pk, "street_name": street.name}
            for street, d in report.streets
        ]
        body = {"start": start, "end": end, "overall": _distribution(report.overall), "streets": streets}  # fmt: skip
        return Response(LatencySerializer(body).data)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=ThemeChartSerializer)
    @action(detail=False, methods=["get"])
    def themes(self, request: Request) -> Response:
        """How often each demand theme came up, in total and per quarter."""
        data = self._period()
        chart = selectors.theme_chart(
            actor=self.actor, start=data["start"], end=data["end"], street_id=data.get("street")
        )
        totals = [{"theme": n, "talks": t, "communities": c} for n, t, c in chart.totals]
        body = {"start": data["start"], "end": data["end"], "totals": totals, "quarters": chart.quarters, "series": chart.series}  # fmt: skip
        return Response(ThemeChartSerializer(body).data)


class DemandThemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The tenant's residents' demand themes and their keywords; tenant admins edit them."""

    read_roles = STAFF
    write_roles = ADMIN
    queryset = DemandTheme.objects.none()
    serializer_class = DemandThemeSerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[DemandTheme]:
        return selectors.themes_for_actor(actor=actor)

    def _save(self, theme: DemandTheme | None) -> DemandTheme:
        data = DemandThemeSerializer(data=self.request.data, partial=theme is not None)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return services.theme_save(
            actor=self.actor, theme=theme,
            name=values.get("name", theme.name if theme else ""),
            keywords=values.get("keywords", theme.keywords if theme else []),
            order=values.get("order", theme.order if theme else 0),
            is_active=values.get("is_active", theme.is_active if theme else True),
        )  # fmt: skip

    @extend_schema(request=DemandThemeSerializer, responses={201: DemandThemeSerializer})
    def create(self, request: Request) -> Response:
        return Response(DemandThemeSerializer(self._save(None)).data, status.HTTP_201_CREATED)

    @extend_schema(request=DemandThemeSerializer, responses=DemandThemeSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return Response(DemandThemeSerializer(self._save(self.get_object())).data)


class TalkPolicyViewSet(ScopedViewSet):
    """The tenant's talk rules: feedback due within N days, routine talks per quarter."""

    read_roles = STAFF
    write_roles = ADMIN
    queryset = DemandTheme.objects.none()
    serializer_class = PolicySerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[Any]:
        return DemandTheme.objects.none()

    @extend_schema(responses=PolicySerializer)
    def list(self, request: Request) -> Response:
        return Response(PolicySerializer(selectors.policy_for_tenant(self.actor.tenant_id)).data)

    @extend_schema(request=PolicySerializer, responses={200: PolicySerializer})
    def create(self, request: Request) -> Response:
        data = PolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_update(actor=self.actor, **data.validated_data)
        return Response(PolicySerializer(policy).data)
