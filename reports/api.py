"""The reports API: scorecard PDFs per assessment and batch ZIPs, scoped like the pages.

A report not cached yet answers 202 (its job has been queued); ask again for the file.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.models import Assessment, Cycle
from assessments.selectors import assessments_with_numbers_for_actor
from organizations.api.base import ScopedRelatedField, ScopedViewSet
from organizations.tenancy import Actor, Role
from organizations.uploads import download_response
from reports import selectors, services
from reports.models import ReportBatch


def _cycles(*, actor: Actor | None) -> QuerySet[Cycle]:
    return Cycle.objects.for_actor(actor)


def _streets(*, actor: Actor | None) -> QuerySet[Any]:
    return selectors.report_streets_for_actor(actor=actor)


class ScorecardReportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    community = serializers.CharField(source="community.name", read_only=True)
    cycle = serializers.CharField(source="cycle.name", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "community", "cycle", "state"]


class ReportBatchSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    cycle = ScopedRelatedField(selector=_cycles)
    street = ScopedRelatedField(selector=_streets, required=False, allow_null=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ReportBatch
        fields = ["id", "cycle", "street", "status", "total", "progress", "failures",
                  "message", "created_at", "finished_at"]  # fmt: skip
        read_only_fields = ["status", "total", "failures", "message", "created_at", "finished_at"]

    def get_progress(self, batch: ReportBatch) -> int:
        return services.batch_progress(batch)


def _pdf(artifact: Any) -> FileResponse:
    return download_response(artifact.file)


class ScorecardReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Assessments whose scorecard the user may download; ``pdf`` gives the file."""

    read_roles = frozenset(Role)
    queryset = Assessment.objects.none()
    serializer_class = ScorecardReportSerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[Assessment]:
        return (
            assessments_with_numbers_for_actor(actor=actor).select_related("scheme").order_by("pk")
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The scorecard PDF."),
            202: OpenApiResponse(description="Being built; ask again."),
        }
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> Any:
        artifact = services.scorecard_request(assessment=self.get_object())
        if artifact is None:
            return Response({"status": "building"}, status=status.HTTP_202_ACCEPTED)
        return _pdf(artifact)


class ReportBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """ZIPs of every scorecard of a street (or, with no street, of the whole tenant)."""

    read_roles = frozenset(services.BATCH_ROLES)
    write_roles = frozenset(services.BATCH_ROLES)
    queryset = ReportBatch.objects.none()
    serializer_class = ReportBatchSerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[ReportBatch]:
        return selectors.report_batch_list_for_actor(actor=actor)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = services.batch_start(
            actor=self.actor,
            cycle=body.validated_data["cycle"],
            street=body.validated_data.get("street"),
        )
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(description="The ZIP."),
            404: OpenApiResponse(description="Not finished yet."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> Any:
        batch = self.get_object()
        if not batch.file:
            return Response({"detail": "not finished"}, status=status.HTTP_404_NOT_FOUND)
        return download_response(batch.file)
