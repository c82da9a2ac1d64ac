"""API twins of the cycle pages: rater leniency per cycle, the progress of a background job,
and carrying a cycle's open rectifications into the next cycle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import leniency
from assessments.models import Cycle, JobProgress
from assessments.selectors import cycle_list_for_actor, job_state, rectifications_to_carry
from assessments.services import rectifications as services
from organizations.api.base import ScopedRelatedField, ScopedViewSet
from organizations.tenancy import Actor, Role

STAFF = frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR})
ASSESSORS = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR})


# Rater leniency ---------------------------------------------------------------------------


class ThresholdSerializer(serializers.Serializer[Any]):
    threshold = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100),
        required=False, default=leniency.DEFAULT_THRESHOLD,
    )  # fmt: skip


class RaterSerializer(serializers.Serializer[Any]):
    rater = serializers.IntegerField()
    name = serializers.CharField()
    group = serializers.CharField()
    group_name = serializers.CharField()
    entries = serializers.IntegerField()
    deviation = serializers.DecimalField(max_digits=7, decimal_places=2)
    flagged = serializers.BooleanField()


class TotalsSerializer(serializers.Serializer[Any]):
    assessment = serializers.IntegerField(source="assessment.pk")
    community_name = serializers.CharField(source="assessment.community.name")
    with_all = serializers.DecimalField(max_digits=7, decimal_places=2)
    without = serializers.DecimalField(max_digits=7, decimal_places=2)
    change = serializers.DecimalField(max_digits=7, decimal_places=2)


class LeniencySerializer(serializers.Serializer[Any]):
    cycle = serializers.IntegerField()
    threshold = serializers.DecimalField(max_digits=5, decimal_places=2)
    raters = RaterSerializer(many=True)
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    totals = TotalsSerializer(many=True)


class LeniencyViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """Rater leniency (人情分) of a cycle: every compared rater with their mean deviation from
    their group (flagged beyond ``threshold``), and a page of assessments with their totals
    with and without the flagged raters. Raw scores are never changed. Not for secretaries:
    it names individual raters."""

    read_roles = STAFF
    queryset = Cycle.objects.none()

    def scoped_queryset(self, actor: Actor) -> QuerySet[Cycle]:
        return cycle_list_for_actor(actor=actor)

    @extend_schema(
        parameters=[OpenApiParameter("threshold", float), OpenApiParameter("page", int)],
        responses=LeniencySerializer,
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self.get_object()
        params = ThresholdSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        threshold = params.validated_data["threshold"]
        within = leniency.assessments_for_leniency(actor=self.actor, cycle=cycle)
        raters = leniency.rater_leniency(cycle=cycle, threshold=threshold, within=within)
        flagged = {r.rater_id for r in raters if r.flagged}
        assert self.paginator is not None
        page = self.paginator.paginate_queryset(within, request, view=self) or []
        report = {
            "cycle": cycle.pk, "threshold": threshold,
            "raters": leniency.described(cycle=cycle, raters=raters),
            "count": self.paginator.page.paginator.count,  # type: ignore[attr-defined]
            "next": self.paginator.get_next_link(),  # type: ignore[attr-defined]
            "previous": self.paginator.get_previous_link(),  # type: ignore[attr-defined]
            "totals": leniency.totals_rows(list(page), flagged),
        }  # fmt: skip
        return Response(LeniencySerializer(report).data)


# Background jobs --------------------------------------------------------------------------


class JobSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["running", "finished", "failed", "stalled"])
    message = serializers.CharField()
    updated_at = serializers.DateTimeField()


class JobViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """A background job's progress by its key, e.g. ``cycle-open-12`` while a big cycle's
    assessments are created: done of total, and running / finished / failed / stalled."""

    read_roles = STAFF
    queryset = JobProgress.objects.none()
    lookup_field = "key"
    lookup_value_regex = r"[\w-]+"

    def scoped_queryset(self, actor: Actor) -> QuerySet[JobProgress]:
        return JobProgress.objects.for_actor(actor)

    @extend_schema(responses=JobSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(JobSerializer(job_state(self.get_object())).data)


# Carrying rectifications ------------------------------------------------------------------


class CarrySerializer(serializers.Serializer[Any]):
    from_cycle = ScopedRelatedField(selector=cycle_list_for_actor)
    to_cycle = ScopedRelatedField(selector=cycle_list_for_actor)
    dry_run = serializers.BooleanField(default=False)


class CarriedSerializer(serializers.Serializer[Any]):
    carried = serializers.ListField(child=serializers.IntegerField())
    staying = serializers.ListField(child=serializers.IntegerField())
    dry_run = serializers.BooleanField()


class RectificationCarryViewSet(ScopedViewSet):
    """Carry the open rectifications of ``from_cycle`` (in the actor's streets) onto their
    community's assessment in ``to_cycle``. ``dry_run`` lists what would move, changing
    nothing; ``staying`` are those whose community has no assessment in ``to_cycle``."""

    read_roles = ASSESSORS
    write_roles = ASSESSORS
    queryset = Cycle.objects.none()

    def scoped_queryset(self, actor: Actor) -> QuerySet[Cycle]:
        return cycle_list_for_actor(actor=actor)

    @extend_schema(request=CarrySerializer, responses={200: CarriedSerializer})
    def create(self, request: Request) -> Response:
        data = CarrySerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        cycles = {"from_cycle": data.validated_data["from_cycle"]}
        cycles["to_cycle"] = data.validated_data["to_cycle"]
        services.rectifications_carry_check(actor=self.actor, **cycles)
        pairs = rectifications_to_carry(actor=self.actor, **cycles)
        staying = [item.pk for item, target in pairs if target is None]
        if data.validated_data["dry_run"]:
            carried = [item.pk for item, target in pairs if target is not None]
        else:
            carried = [i.pk for i in services.rectifications_carry_into(actor=self.actor, **cycles)]
        report = {"carried": carried, "staying": staying, "dry_run": data.validated_data["dry_run"]}
        return Response(CarriedSerializer(report).data, status=status.HTTP_200_OK)
