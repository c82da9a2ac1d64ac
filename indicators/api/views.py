from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from indicators import selectors, services
from indicators.api import serializers as s
from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    RaterGroup,
    Scheme,
    SpecialIndicatorChoice,
    VetoItem,
)
from indicators.preview import preview_score
from indicators.validation import validate_scheme
from organizations.api.base import ScopedViewSet
from organizations.tenancy import Actor, Role
from organizations.uploads import XLSX_ONLY, validate_upload

ALL_ROLES = frozenset(Role)
ADMIN = frozenset({Role.TENANT_ADMIN})


class SchemeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Indicator schemes (考核方案). Every member of the tenant may read them; tenant admins
    edit drafts, publish, retire and make new versions. A published version cannot change:
    writes to it answer 409 with the reason."""

    read_roles = ALL_ROLES
    write_roles = ADMIN
    # Validating and previewing are POSTs that write nothing: every reader may use them.
    read_actions = frozenset({"validate_scheme", "preview"})
    locked_writes = True  # a published version: 409 (organizations.api.schema)
    queryset = Scheme.objects.none()
    serializer_class = s.SchemeSerializer
    filterset_fields = ["state", "year", "code"]
    search_fields = ["name", "code"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Scheme]:
        return selectors.scheme_list_for_actor(actor=actor)

    @extend_schema(request=s.SchemeCreateSerializer, responses={201: s.SchemeSerializer})
    def create(self, request: Request) -> Response:
        data = s.SchemeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from indicators.templates import template_document

        document = template_document(
            data.validated_data["template"],
            scheme_code=data.validated_data["code"],
            year=data.validated_data["year"],
            name=data.validated_data["name"],
        )
        scheme = services.scheme_create_from_document(actor=self.actor, document=document)
        scheme = self.get_queryset().get(pk=scheme.pk)
        return Response(self.get_serializer(scheme).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.scheme_update(
            actor=self.actor, scheme=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Scheme) -> None:
        services.scheme_delete_draft(actor=self.actor, scheme=instance)

    @extend_schema(request=None, responses=s.ValidationReportSerializer)
    @action(detail=True, methods=["post"], url_path="validate")
    def validate_scheme(self, request: Request, pk: str) -> Response:
        problems = validate_scheme(self.get_object())
        report = {
            "valid": not problems,
            "problems": [{"field": p.field, "message": p.message} for p in problems],
        }
        return Response(s.ValidationReportSerializer(report).data)

    @extend_schema(request=None, responses=s.SchemeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        scheme = services.scheme_publish(actor=self.actor, scheme=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=scheme.pk)).data)

    @extend_schema(request=None, responses=s.SchemeSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        scheme = services.scheme_retire(actor=self.actor, scheme=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=scheme.pk)).data)

    @extend_schema(request=None, responses={201: s.SchemeSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str) -> Response:
        draft = services.scheme_new_version(actor=self.actor, scheme=self.get_object())
        data = self.get_serializer(self.get_queryset().get(pk=draft.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.PreviewSerializer,
        responses=OpenApiResponse(description="Result with explanation"),
    )
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str) -> Response:
        """Score a made-up community against this version; nothing is saved."""
        data = s.PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(preview_score(scheme=self.get_object(), **data.validated_data))


class SchemePartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Parts of a scheme version; writable only while the version is a draft."""

    read_roles = ALL_ROLES
    write_roles = ADMIN
    locked_writes = True
    filterset_fields = ["scheme"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    model: ClassVar[type[Model]]
    save_service: ClassVar[Callable[..., Any]]
    delete_service: ClassVar[Callable[..., Any]]
    instance_kwarg: ClassVar[str]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Any]:
        return self.model.objects.for_actor(actor).select_related("scheme")  # type: ignore[attr-defined,no-any-return]

    def _save(self, serializer: serializers.BaseSerializer[Any], instance: Any) -> None:
        data = dict(serializer.validated_data)
        scheme = data.pop("scheme", None) or instance.scheme
        serializer.instance = type(self).save_service(
            actor=self.actor, scheme=scheme, **{self.instance_kwarg: instance}, **data
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: Any) -> None:
        type(self).delete_service(actor=self.actor, **{self.instance_kwarg: instance})


class CategoryViewSet(SchemePartViewSet):
    model = Category
    queryset = Category.objects.none()
    serializer_class = s.CategorySerializer
    save_service = services.category_save
    delete_service = services.category_delete
    instance_kwarg = "category"


class RaterGroupViewSet(SchemePartViewSet):
    model = RaterGroup
    queryset = RaterGroup.objects.none()
    serializer_class = s.RaterGroupSerializer
    save_service = services.rater_group_save
    delete_service = services.rater_group_delete
    instance_kwarg = "group"


class IndicatorViewSet(SchemePartViewSet):
    model = Indicator
    queryset = Indicator.objects.none()
    serializer_class = s.IndicatorSerializer
    save_service = services.indicator_save
    delete_service = services.indicator_delete
    instance_kwarg = "indicator"

    def scoped_queryset(self, actor: Actor) -> QuerySet[Any]:
        return (
            super()
            .scoped_queryset(actor)
            .prefetch_related("levels", "target_overrides", "rater_groups")
        )

    def _save(self, serializer: serializers.BaseSerializer[Any], instance: Any) -> None:
        data = dict(serializer.validated_data)
        if "target_overrides" in data:
            data["overrides"] = data.pop("target_overrides")
        scheme = data.pop("scheme", None) or instance.scheme
        serializer.instance = services.indicator_save(
            actor=self.actor, scheme=scheme, indicator=instance, **data
        )


class AdjustmentItemViewSet(SchemePartViewSet):
    model = AdjustmentItem
    queryset = AdjustmentItem.objects.none()
    serializer_class = s.AdjustmentItemSerializer
    save_service = services.adjustment_item_save
    delete_service = services.adjustment_item_delete
    instance_kwarg = "item"


class VetoItemViewSet(SchemePartViewSet):
    model = VetoItem
    queryset = VetoItem.objects.none()
    serializer_class = s.VetoItemSerializer
    save_service = services.veto_item_save
    delete_service = services.veto_item_delete
    instance_kwarg = "item"


class SchemeExcelViewSet(ScopedViewSet):
    """Excel export and import of a scheme version."""

    read_roles = ALL_ROLES
    write_roles = ADMIN
    queryset = Scheme.objects.none()
    parser_classes = [MultiPartParser]
    serializer_class = s.SchemeSerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[Scheme]:
        return selectors.scheme_list_for_actor(actor=actor)

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        }
    )
    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        from indicators.excel import export_scheme

        scheme = self.get_object()
        response = HttpResponse(
            export_scheme(scheme),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{scheme.code}-v{scheme.version}.xlsx"'
        )
        return response

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: s.SchemeSerializer},
    )
    def create(self, request: Request) -> Response:
        from indicators.excel import SheetErrors, import_scheme

        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("Choose an .xlsx file to import.")]})
        try:
            validate_upload(upload, extensions=XLSX_ONLY)
        except ValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from exc
        try:
            scheme = import_scheme(actor=self.actor, data=upload.read())
        except SheetErrors as exc:
            errors = [
                {"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message}
                for e in exc.errors
            ]
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            s.SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class SpecialChoiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Communities' special indicators (特色指标): picks from the pool and proposals. A
    secretary sees and changes their own community's; assessors their street's, and they
    approve or reject proposals."""

    read_roles = ALL_ROLES
    write_roles = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR, Role.SECRETARY})
    queryset = SpecialIndicatorChoice.objects.none()
    serializer_class = s.SpecialChoiceSerializer
    filterset_fields = ["scheme", "community", "status"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[SpecialIndicatorChoice]:
        return (
            SpecialIndicatorChoice.objects.for_actor(actor)
            .select_related("community", "indicator")
            .order_by("community__name", "pk")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        common = {"actor": self.actor, "scheme": data["scheme"], "community": data["community"]}
        if data.get("indicator") is not None:
            serializer.instance = services.special_choice_pick(
                **common, indicator=data["indicator"]
            )
        else:
            serializer.instance = services.special_choice_propose(
                **common,
                name=data.get("proposed_name", ""),
                description=data.get("proposed_description", ""),
                max_points=data.get("proposed_max_points") or Decimal(0),
            )

    def perform_destroy(self, instance: SpecialIndicatorChoice) -> None:
        services.special_choice_withdraw(actor=self.actor, choice=instance)

    @extend_schema(request=s.DecisionSerializer, responses=s.SpecialChoiceSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = s.DecisionSerializer(data=request.data, context={"actor": self.actor})
        data.is_valid(raise_exception=True)
        choice = services.special_choice_decide(
            actor=self.actor,
            choice=self.get_object(),
            approve=data.validated_data["approve"],
            scored_as=data.validated_data.get("scored_as"),
        )
        return Response(self.get_serializer(choice).data)
