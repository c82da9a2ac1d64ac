"""The one DRF base every API class builds on: authentication, roles and tenant scoping.

Subclasses declare ``read_roles`` / ``write_roles`` and implement ``scoped_queryset(actor)``.
They may not override ``get_queryset`` (refused at class creation), so no endpoint can
forget the scope. Objects outside the scope answer 404 exactly as missing ones.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from organizations.rls import set_db_tenant
from organizations.selectors import actor_for_user
from organizations.tenancy import Actor, Role

SAFE_ACTIONS = frozenset({"list", "retrieve", "metadata"})


class RolePermission(permissions.BasePermission):
    """Reads need one of the view's read roles, writes one of its write roles."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        actor: Actor | None = getattr(request, "actor", None)
        if actor is None:
            return False
        roles: frozenset[Role]
        reads = request.method in permissions.SAFE_METHODS
        if reads or getattr(view, "action", None) in getattr(view, "read_actions", ()):
            roles = getattr(view, "read_roles", frozenset())
        else:
            roles = getattr(view, "write_roles", frozenset())
        return actor.has_role(*roles)


class ScopedViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    read_roles: ClassVar[frozenset[Role]] = frozenset()
    write_roles: ClassVar[frozenset[Role]] = frozenset()
    # Actions that use a non-safe method but change nothing (a preview, a validation).
    read_actions: ClassVar[frozenset[str]] = frozenset()
    permission_classes = [permissions.IsAuthenticated, RolePermission]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; implement scoped_queryset(actor) instead."
            )

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        user = request.user
        resolved: Actor | None = getattr(request._request, "actor", None)
        if resolved is not None and user is not None and resolved.user_id == user.pk:
            # Session authentication: the middleware has set the tenant and the actor.
            request.actor = resolved  # type: ignore[attr-defined]
            return
        # Token-authenticated requests were anonymous to the middleware: set the tenant and
        # the actor now, inside the request transaction the middleware opened.
        tenant_id = getattr(user, "tenant_id", None) if user and user.is_authenticated else None
        set_db_tenant(tenant_id)
        actor = actor_for_user(user, tenant_is_set=True) if tenant_id else None
        request.actor = request._request.actor = actor  # type: ignore[attr-defined]

    @property
    def actor(self) -> Actor:
        actor: Actor | None = getattr(self.request, "actor", None)
        if actor is None:  # RolePermission has already refused such requests.
            raise RuntimeError("No actor on an authorised request.")
        return actor

    def scoped_queryset(self, actor: Actor) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return super().get_queryset()
        return self.scoped_queryset(self.actor)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["actor"] = getattr(self.request, "actor", None)
        return context


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A foreign key in a request body, limited to what the acting user may see.

    ``ScopedRelatedField(selector=unit_list_for_actor)``: an id outside the actor's scope is
    refused as "does not exist", exactly like a missing one.
    """

    def __init__(self, *, selector: Any, **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model]:
        actor = self.context.get("actor")
        return self.selector(actor=actor)  # type: ignore[no-any-return]
