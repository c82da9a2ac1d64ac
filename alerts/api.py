"""The warnings over the API: warnings with their lifecycle, thresholds, the incident
register and the circuit breaker's escalations. Thin: scoped fetch, serializer, service."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from alerts import selectors, services
from alerts.models import Alert, Escalation, Incident, ThresholdSet
from assessments.api.views import _WorkflowViewSet
from organizations.api.base import ScopedRelatedField, ScopedViewSet
from organizations.models import OrgUnit
from organizations.selectors import people_for_actor, unit_list_for_actor
from organizations.tenancy import Actor, Role
from organizations.uploads import UploadSerializerField

ALL_ROLES = frozenset(Role)
ASSESSORS = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR})
ADMIN = frozenset({Role.TENANT_ADMIN})


def _evidence_url(alert: Alert) -> str:
    return reverse("alerts:evidence", args=[alert.pk])


class AlertSerializer(serializers.ModelSerializer[Alert]):
    evidence = UploadSerializerField(url=_evidence_url, read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)
    rule_label = serializers.CharField(source="get_rule_display", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "street", "street_name", "community", "community_name", "rule", "rule_label",
            "level", "subject", "period", "status", "facts", "assessment", "rectification",
            "incident", "raised_rectification", "first_seen_on", "last_seen_on",
            "acknowledged_at", "handled_at", "handling_note", "evidence", "resolved_on",
        ]  # fmt: skip
        read_only_fields = fields


class HandleSerializer(serializers.Serializer[Any]):
    note = serializers.CharField()
    evidence = UploadSerializerField(required=False, allow_null=True)


class RaiseRectificationSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField()
    owner = ScopedRelatedField(selector=people_for_actor)


# The assessments API's base: ``validated`` (a body through a scoped serializer) and
# ``render`` (the instance read again through the scope).
_ServiceViewSet = _WorkflowViewSet


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _ServiceViewSet):
    """Warnings (三色预警) in the actor's scope; the street's assessors move them through
    open → acknowledged → handled → resolved and raise rectifications for them."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS
    queryset = Alert.objects.none()
    serializer_class = AlertSerializer
    filterset_fields = ["level", "rule", "status", "period", "community", "street"]
    ordering = ["-period", "level", "pk"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Alert]:
        return selectors.alert_list_for_actor(actor=actor)

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self.render(services.alert_acknowledge(actor=self.actor, alert=self.get_object()))

    @extend_schema(request=HandleSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request: Request, pk: str) -> Response:
        alert = self.get_object()
        data = self.validated(HandleSerializer)
        return self.render(services.alert_handle(actor=self.actor, alert=alert, **data))

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        return self.render(services.alert_resolve(actor=self.actor, alert=self.get_object()))

    @extend_schema(request=RaiseRectificationSerializer, responses={201: AlertSerializer})
    @action(detail=True, methods=["post"], url_path="raise-rectification")
    def raise_rectification(self, request: Request, pk: str) -> Response:
        alert = self.get_object()
        data = self.validated(RaiseRectificationSerializer)
        services.alert_raise_rectification(actor=self.actor, alert=alert, **data)
        return self.render(alert, status.HTTP_201_CREATED)


@extend_schema_serializer(many=False)  # the list action answers one object, not a page
class ThresholdSerializer(serializers.ModelSerializer[ThresholdSet]):
    class Meta:
        model = ThresholdSet
        fields = list(services.THRESHOLD_FIELDS)


class ThresholdViewSet(_ServiceViewSet):
    """The tenant's warning thresholds: GET reads them (defaults until an admin saves
    them), POST sets them (tenant admins)."""

    read_roles = ALL_ROLES
    write_roles = ADMIN
    queryset = ThresholdSet.objects.none()
    serializer_class = ThresholdSerializer
    pagination_class = None

    def scoped_queryset(self, actor: Actor) -> QuerySet[ThresholdSet]:
        return ThresholdSet.objects.for_actor(actor)

    @extend_schema(responses=ThresholdSerializer)
    def list(self, request: Request) -> Response:
        row = selectors.threshold_set_for_tenant(tenant_id=self.actor.tenant_id)
        return Response(ThresholdSerializer(row).data)

    @extend_schema(request=ThresholdSerializer, responses={200: ThresholdSerializer})
    def create(self, request: Request) -> Response:
        current = selectors.threshold_set_for_tenant(tenant_id=self.actor.tenant_id)
        data = ThresholdSerializer(current, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = services.thresholds_update(actor=self.actor, **data.validated_data)
        return Response(ThresholdSerializer(row).data)


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    community = ScopedRelatedField(
        selector=partial(unit_list_for_actor, kind=OrgUnit.Kind.COMMUNITY)
    )
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id", "street", "community", "community_name", "kind", "title", "description",
            "occurred_on", "serious", "closed_on", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "street", "closed_on", "created_at"]


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _ServiceViewSet):
    """The incident register (food safety, mass petitions, epidemic handling …): a serious
    open incident raises a red warning."""

    read_roles = ALL_ROLES
    write_roles = ASSESSORS
    queryset = Incident.objects.none()
    serializer_class = IncidentSerializer
    filterset_fields = ["kind", "serious", "community"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Incident]:
        return selectors.incident_list_for_actor(actor=actor)

    @extend_schema(request=IncidentSerializer, responses={201: IncidentSerializer})
    def create(self, request: Request) -> Response:
        incident = services.incident_report(actor=self.actor, **self.validated(IncidentSerializer))
        return self.render(incident, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self.render(services.incident_close(actor=self.actor, incident=self.get_object()))


class EscalationSerializer(serializers.ModelSerializer[Escalation]):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "street", "community", "community_name", "period", "quarters", "status", "talk_id", "created_at"]  # fmt: skip
        read_only_fields = fields


class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The circuit breaker's escalations (熔断): special talks to schedule."""

    read_roles = frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR})
    queryset = Escalation.objects.none()
    serializer_class = EscalationSerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[Escalation]:
        return selectors.escalation_list_for_actor(actor=actor)
