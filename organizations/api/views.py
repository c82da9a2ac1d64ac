from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from organizations import services
from organizations.api import serializers as s
from organizations.api.base import ScopedViewSet
from organizations.models import Membership, OrgUnit, User
from organizations.selectors import (
    membership_list_for_actor,
    unit_list_for_actor,
    user_list_for_actor,
)
from organizations.tenancy import Actor, Role

ALL_ROLES = frozenset(Role)
ADMIN = frozenset({Role.TENANT_ADMIN})


class MeViewSet(ScopedViewSet):
    """The acting user: tenant, roles and scope."""

    read_roles = ALL_ROLES
    serializer_class = s.MeSerializer
    queryset = User.objects.none()

    def scoped_queryset(self, actor: Actor) -> QuerySet[Any]:
        return User.objects.filter(pk=actor.user_id)

    def list(self, request: Request) -> Response:
        actor = self.actor
        user = self.get_queryset().get()
        data = {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            "tenant": actor.tenant_id,
            "roles": sorted(actor.roles),
            "whole_tenant": actor.whole_tenant,
            "street_ids": sorted(actor.street_ids),
            "community_ids": sorted(actor.community_ids),
        }
        return Response(self.get_serializer(data).data)


class OrgUnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The org tree: district → street → community, limited to the caller's scope."""

    read_roles = ALL_ROLES
    write_roles = ADMIN
    queryset = OrgUnit.objects.none()
    filterset_fields = ["kind", "parent", "community_type", "is_active"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "kind"]
    ordering = ["kind", "name"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[OrgUnit]:
        return unit_list_for_actor(actor=actor)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action in ("update", "partial_update"):
            return s.OrgUnitUpdateSerializer
        return s.OrgUnitSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.unit_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        unit: OrgUnit = serializer.instance
        data = {
            "name": unit.name,
            "code": unit.code,
            "community_type": unit.community_type,
            "is_active": unit.is_active,
        } | serializer.validated_data
        serializer.instance = services.unit_update(actor=self.actor, unit=unit, **data)


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Users of the caller's tenant (tenant admins only). PATCH changes only `is_active`."""

    read_roles = ADMIN
    write_roles = ADMIN
    queryset = User.objects.none()
    search_fields = ["username", "full_name", "phone"]
    ordering = ["username"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[User]:
        return user_list_for_actor(actor=actor)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return s.UserActiveSerializer
        return s.UserSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.user_create(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        user: User = serializer.instance
        is_active = serializer.validated_data.get("is_active", user.is_active)
        serializer.instance = services.user_set_active(
            actor=self.actor, user=user, is_active=is_active
        )


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Roles held by users of the caller's tenant (tenant admins only)."""

    read_roles = ADMIN
    write_roles = ADMIN
    queryset = Membership.objects.none()
    serializer_class = s.MembershipSerializer
    filterset_fields = ["role", "user", "unit"]

    def scoped_queryset(self, actor: Actor) -> QuerySet[Membership]:
        return membership_list_for_actor(actor=actor)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.membership_grant(
            actor=self.actor, **serializer.validated_data
        )

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_revoke(actor=self.actor, membership=instance)


@extend_schema(tags=["auth"])
class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (locked after repeated failures)."""

    serializer_class = s.LockoutAuthTokenSerializer
