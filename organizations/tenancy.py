"""Tenant scoping in one place: who is acting, and which rows they may see.

Every tenant-owned model inherits ``TenantOwned`` and is read through
``Model.objects.for_actor(actor)``; selectors build on that and raise ``Http404`` for rows
outside the actor's scope exactly as for rows that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from organizations.models import Tenant


class Role(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", _("Tenant administrator")
    DISTRICT_LEADER = "district_leader", _("District leader")
    STREET_ASSESSOR = "street_assessor", _("Street assessor")
    EXPERT = "expert", _("Expert")
    SECRETARY = "secretary", _("Community secretary")


STAFF_ROLES = frozenset({Role.TENANT_ADMIN, Role.DISTRICT_LEADER, Role.STREET_ASSESSOR})


@dataclass(frozen=True)
class Actor:
    """The acting user as the rest of the code sees them: tenant, roles and scope."""

    user_id: int
    tenant_id: int
    roles: frozenset[Role]
    # Admins, and leaders with no district named, see the whole tenant.
    whole_tenant: bool = False
    street_ids: frozenset[int] = field(default_factory=frozenset)
    community_ids: frozenset[int] = field(default_factory=frozenset)
    secretary_ids: frozenset[int] = field(default_factory=frozenset)

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def require(self, *roles: Role) -> None:
        """Refuse an action the actor's roles do not allow (403, not 404: the page exists)."""
        if not self.has_role(*roles):
            raise PermissionDenied(_("Your role does not allow this action."))


@dataclass(frozen=True)
class ScopePaths:
    """Where a model keeps the street, community and secretary that decide who sees a row.

    A model with no paths is visible to every member of its tenant (e.g. an indicator
    scheme); roles then decide what they may do with it.
    """

    street: str | None = None
    community: str | None = None
    secretary: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.street or self.community or self.secretary)


class TenantQuerySet(models.QuerySet[Any]):
    def for_tenant(self, tenant: Tenant | int) -> Self:
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        return self.filter(tenant_id=tenant_id)

    def for_actor(self, actor: Actor | None) -> Self:
        if actor is None:
            return self.none()
        return self.filter(tenant_id=actor.tenant_id).filter(self.model.scope_filter(actor))


def tenant_field(*, db_index: bool = True) -> Any:
    """The tenant column of a tenant-owned model. A busy table whose every index starts with
    the tenant may do without the column's own index (``db_index=False``)."""
    return models.ForeignKey(
        "organizations.Tenant", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tenant"), db_index=db_index,
    )  # fmt: skip


class TenantOwned(models.Model):
    """Base of every tenant-owned model: a tenant column, scoped reads and RLS in migrations."""

    tenant = tenant_field()

    objects = TenantQuerySet.as_manager()
    scope_paths: ClassVar[ScopePaths] = ScopePaths()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, actor: Actor) -> Q:
        """The rows of the actor's tenant that the actor's roles and scope let them see."""
        paths = cls.scope_paths
        if actor.whole_tenant or paths.empty:
            return Q()
        condition = Q(pk__in=[])
        if paths.street and actor.street_ids:
            condition |= Q(**{f"{paths.street}__in": actor.street_ids})
        # A secretary sees their own rows; where a model names no secretary, their community's.
        # (A new secretary must not read their predecessor's assessments.)
        if paths.secretary and actor.secretary_ids:
            condition |= Q(**{f"{paths.secretary}__in": actor.secretary_ids})
        elif paths.community and actor.community_ids:
            condition |= Q(**{f"{paths.community}__in": actor.community_ids})
        return condition
