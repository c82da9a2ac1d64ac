"""A user's own notifications over the API: nobody, not even an admin, reads another's."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Notification
from organizations.api.base import ScopedViewSet
from organizations.tenancy import Actor, Role


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "verb", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The acting user's notifications, newest first; ``?unread=true`` for unread ones."""

    read_roles = frozenset(Role)
    write_roles = frozenset(Role)
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer

    def scoped_queryset(self, actor: Actor) -> QuerySet[Notification]:
        rows = selectors.notification_list_for_actor(actor=actor)
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        item = services.notification_mark_read(actor=self.actor, notification=self.get_object())
        return Response(NotificationSerializer(item).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(actor=self.actor)})
