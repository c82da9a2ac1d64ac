"""API twins: campaign management (authenticated, scoped) and the public submit endpoint."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Cycle
from organizations.api.base import ScopedRelatedField, ScopedViewSet
from organizations.api.schema import VALIDATION_ERROR
from organizations.models import OrgUnit
from organizations.selectors import unit_list_for_actor
from organizations.tenancy import Actor, Role
from residents import models as m
from residents import public, selectors, services
from residents.tokens import TokenError

READERS = frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR, Role.SECRETARY})
MANAGERS = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR})


def _cycles(*, actor: Actor | None) -> QuerySet[Cycle]:
    return Cycle.objects.for_actor(actor)


def _communities(*, actor: Actor | None) -> QuerySet[OrgUnit]:
    return unit_list_for_actor(actor=actor, kind=OrgUnit.Kind.COMMUNITY)


class CampaignSerializer(serializers.ModelSerializer[m.Campaign]):
    cycle = ScopedRelatedField(selector=_cycles)
    community = ScopedRelatedField(selector=_communities)

    class Meta:
        model = m.Campaign
        fields = ["id", "cycle", "community", "street", "closes_on", "questions", "min_responses"]
        read_only_fields = ["street", "questions", "min_responses"]


class BatchSerializer(serializers.ModelSerializer[m.CardBatch]):
    class Meta:
        model = m.CardBatch
        fields = ["id", "count", "expires_on", "created_at"]
        read_only_fields = ["created_at"]


def _percent(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, **kwargs)


class ChannelStatsSerializer(serializers.Serializer[Any]):
    responses = serializers.IntegerField()
    questions = serializers.DictField(child=_percent(), help_text="question key -> index 0-100")
    index = _percent(help_text="satisfaction index 0-100")


class StatsSerializer(serializers.Serializer[Any]):
    """Indices are withheld (empty, null) while household responses are below the minimum."""

    min_responses = serializers.IntegerField()
    cards_issued = serializers.IntegerField()
    shown = serializers.BooleanField()
    card = ChannelStatsSerializer()
    open = ChannelStatsSerializer(help_text="the open link, lower trust, never in a result")
    response_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    suggestions = serializers.IntegerField()
    substantive = serializers.IntegerField()
    substantive_share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    awaiting_screening = serializers.IntegerField()
    answered = serializers.IntegerField()
    mean_answer_hours = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class FeedSerializer(serializers.Serializer[Any]):
    written = serializers.IntegerField()


class CampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Rating campaigns (群众评议): one per community per cycle. Assessors of the street and
    tenant admins manage them; leaders and the community's secretary read them."""

    read_roles = READERS
    write_roles = MANAGERS
    queryset = m.Campaign.objects.none()
    serializer_class = CampaignSerializer
    filterset_fields = ["cycle", "community"]
    ordering = ["-created_at", "-pk"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[m.Campaign]:
        return selectors.campaign_list_for_actor(actor=actor)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.campaign_create(
            actor=self.actor, **serializer.validated_data
        )

    @extend_schema(responses=StatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: str) -> Response:
        stats = selectors.campaign_stats(campaign=self.get_object())
        data = {**dataclasses.asdict(stats), "shown": stats.shown}
        if not stats.shown:  # below the minimum: counts only, no indices
            for channel in ("card", "open"):
                data[channel] = {**data[channel], "questions": {}, "index": None}
        return Response(StatsSerializer(data).data)

    @extend_schema(request=BatchSerializer, responses={201: BatchSerializer})
    @action(detail=True, methods=["post"])
    def cards(self, request: Request, pk: str) -> Response:
        campaign = self.get_object()
        body = BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = services.card_batch_create(
            actor=self.actor, campaign=campaign, **body.validated_data
        )
        return Response(BatchSerializer(batch).data, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=FeedSerializer)
    @action(detail=True, methods=["post"])
    def feed(self, request: Request, pk: str) -> Response:
        written = services.campaign_feed_assessment(actor=self.actor, campaign=self.get_object())
        return Response({"written": written})


class SuggestionSerializer(serializers.ModelSerializer[m.Response]):
    class Meta:
        model = m.Response
        fields = [
            "id", "campaign", "submitted_on", "suggestion", "substantive", "screening",
            "hidden_reason", "released_at", "reply", "replied_at",
        ]  # fmt: skip
        read_only_fields = fields


class ScreenSerializer(serializers.Serializer[Any]):
    release = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReplySerializer(serializers.Serializer[Any]):
    text = serializers.CharField()


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Residents' suggestions: assessors see and screen all of their streets'; the
    community's secretary and leaders see the released ones, and the community answers."""

    read_roles = READERS
    write_roles = READERS
    queryset = m.Response.objects.none()
    serializer_class = SuggestionSerializer
    filterset_fields = ["campaign", "screening"]
    ordering = ["-submitted_on", "id"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[m.Response]:
        rows = m.Response.objects.for_actor(actor).exclude(screening=m.Response.Screening.NONE)
        if not actor.has_role(*MANAGERS):
            rows = rows.filter(screening=m.Response.Screening.RELEASED)
        return rows

    @extend_schema(request=ScreenSerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request: Request, pk: str) -> Response:
        suggestion = self.get_object()  # the scope first: 404 before any word on the body
        body = ScreenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.suggestion_screen(
            actor=self.actor, response=suggestion, **body.validated_data
        )
        return Response(SuggestionSerializer(row).data)

    @extend_schema(request=ReplySerializer, responses=SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        suggestion = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.suggestion_reply(
            actor=self.actor, response=suggestion, **body.validated_data
        )
        return Response(SuggestionSerializer(row).data)


class PublicRatingSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=["card", "open"], help_text="card: a household card; open: the poster link"
    )
    token = serializers.CharField(
        max_length=public.MAX_TOKEN, help_text="The token of the QR code's link"
    )
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5), help_text="question key -> 1..5"
    )
    suggestion = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class DetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class PublicRatingView(APIView):
    """The resident's submission, without login: the token names the campaign (and its
    tenant). 201 thanks; 400 altered token or bad answers; 409 card already used; 410 card
    expired or campaign closed; 415 not JSON; 429 open link past its limit.

    The busiest endpoint of the application runs without DRF's request machinery: there is
    nobody to authenticate, nothing to negotiate or throttle, and the body is one small JSON
    shape that ``public.read_submission`` checks by hand (the serializer below documents it).
    The class stays an APIView so that the OpenAPI schema describes the endpoint; ``dispatch``
    hands the plain Django request to ``post``.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return _json({"detail": str(_("Use POST."))}, 405, Allow="POST")
        return self.post(request)

    @extend_schema(
        request=PublicRatingSerializer,
        responses={
            201: DetailSerializer,
            400: OpenApiResponse(
                VALIDATION_ERROR,
                description="tampered token (detail and code) or invalid answers (each field "
                "with its messages)",
            ),
            **{
                code: OpenApiResponse(DetailSerializer, description=description)
                for code, description in (
                    (409, "card already used"),
                    (410, "card expired or campaign closed"),
                    (415, "the body is not JSON"),
                    (429, "open link: too many submissions from this device"),
                )
            },
        },
        auth=[],
    )
    def post(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        if request.content_type != "application/json":
            return _json({"detail": str(_("Send the rating as JSON."))}, 415)
        try:
            submission = public.read_submission(request.body)
            # A card submission reads nothing after the campaign: its write sets the tenant.
            kind = submission.kind
            entry = public.resolve(kind, submission.token, set_tenant=kind != "card")
            public.submit(request, entry, submission.scores, submission.suggestion)
        except public.BadSubmission as exc:
            return _json(exc.errors, 400)
        except TokenError as exc:
            code, message = public.REFUSALS[exc.code]
            return _json({"detail": str(message), "code": exc.code}, code)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            return _json(errors, 400)
        return _json({"detail": str(_("Thank you! Your rating has been recorded."))}, 201)


def _json(body: dict[str, Any], status_code: int, **headers: str) -> HttpResponse:
    return JsonResponse(
        body, status=status_code, headers=headers, json_dumps_params={"ensure_ascii": False}
    )
