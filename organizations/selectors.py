"""Reads of organisations, users and roles, always through the acting user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from organizations.models import Membership, OrgUnit, Secretary, User
from organizations.rls import tenant_context
from organizations.tenancy import Actor, Role, TenantOwned

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

M = TypeVar("M", bound=Model)

_ACTOR_CACHE = "_kaoping_actor"


def actor_for_user(
    user: User | AnonymousUser | None, *, tenant_is_set: bool = False
) -> Actor | None:
    """Resolve a user's tenant, roles and scope; cached on the user object for the request.

    Returns None for anonymous users, platform superusers (no tenant) and users with no role.
    ``tenant_is_set``: the caller has already set the user's tenant for this transaction.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, _ACTOR_CACHE):
        cached: Actor | None = getattr(user, _ACTOR_CACHE)
        return cached
    actor = None
    if user.tenant_id and tenant_is_set:
        actor = _resolve_actor(user)
    elif user.tenant_id:
        # Roles are read under the user's own tenant, whatever the caller had set.
        with tenant_context(user.tenant_id):
            actor = _resolve_actor(user)
    setattr(user, _ACTOR_CACHE, actor)
    return actor


def _resolve_actor(user: User) -> Actor | None:
    assert user.tenant_id is not None
    memberships = list(
        Membership.objects.filter(tenant_id=user.tenant_id, user=user).values_list(
            "role", "unit_id", "unit__kind"
        )
    )
    if not memberships:
        return None
    roles = frozenset(Role(role) for role, _unit, _kind in memberships)
    whole_tenant = Role.TENANT_ADMIN in roles or any(
        role == Role.DISTRICT_LEADER and unit is None for role, unit, _kind in memberships
    )
    street_ids = {unit for role, unit, _kind in memberships if role == Role.STREET_ASSESSOR}
    leader_districts = [
        unit
        for role, unit, _kind in memberships
        if role == Role.DISTRICT_LEADER and unit is not None
    ]
    if leader_districts and not whole_tenant:
        street_ids |= set(
            OrgUnit.objects.filter(
                tenant_id=user.tenant_id, kind=OrgUnit.Kind.STREET, parent_id__in=leader_districts
            ).values_list("pk", flat=True)
        )
    community_ids = frozenset(
        unit for role, unit, _kind in memberships if role == Role.SECRETARY and unit is not None
    )
    secretary_ids: frozenset[int] = frozenset()
    if Role.SECRETARY in roles:
        secretary_ids = frozenset(
            Secretary.objects.filter(tenant_id=user.tenant_id, user=user).values_list(
                "pk", flat=True
            )
        )
    return Actor(
        user_id=user.pk,
        tenant_id=user.tenant_id,
        roles=roles,
        whole_tenant=whole_tenant,
        street_ids=frozenset(street_ids),
        community_ids=community_ids,
        secretary_ids=secretary_ids,
    )


def get_scoped_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row from an already scoped queryset; 404 for missing and out-of-scope alike."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def scoped(model: type[TenantOwned], actor: Actor | None) -> QuerySet[Any]:
    return model.objects.for_actor(actor)


# Org units ------------------------------------------------------------------------------


def unit_list_for_actor(*, actor: Actor | None, kind: str | None = None) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.for_actor(actor).select_related("parent")
    return units.filter(kind=kind) if kind else units


def unit_get_for_actor(*, actor: Actor | None, pk: int) -> OrgUnit:
    return get_scoped_or_404(unit_list_for_actor(actor=actor), pk=pk)


ORG_TREE_STREETS_PER_PAGE = 10


def unit_tree_page_for_actor(
    *, actor: Actor | None, page: str | int | None = None
) -> tuple[Page[OrgUnit], list[dict[str, Any]]]:
    """One page of the org tree: the actor's streets ten at a time (a city has more than a
    hundred, and 3,655 communities), each with its communities, under their districts; units
    in scope whose parent is not (a community the actor serves as secretary elsewhere) open
    the first page. Four queries whatever the size of the tree, five with such units."""
    units = unit_list_for_actor(actor=actor)
    # District by district (a leader of several sees each one's streets together).
    streets = units.filter(kind=OrgUnit.Kind.STREET).order_by(
        "parent__name", "parent_id", "name", "pk"
    )
    shown = Paginator(streets, ORG_TREE_STREETS_PER_PAGE).get_page(page)
    street_ids = [street.pk for street in shown.object_list]
    children: dict[int | None, list[OrgUnit]] = {}
    for community in units.filter(kind=OrgUnit.Kind.COMMUNITY, parent_id__in=street_ids).order_by(
        "name", "pk"
    ):
        children.setdefault(community.parent_id, []).append(community)
    branches = {
        street.pk: {"unit": street, "children": [
            {"unit": c, "children": []} for c in children.get(street.pk, [])
        ]}
        for street in shown.object_list
    }  # fmt: skip
    tree: list[dict[str, Any]] = []
    districts = list(units.filter(kind=OrgUnit.Kind.DISTRICT).order_by("name", "pk"))
    for district in districts:
        below = [branches.pop(s.pk) for s in shown.object_list if s.parent_id == district.pk]
        if below or shown.number == 1:  # a district with no street on this page: the first
            tree.append({"unit": district, "children": below})
    tree += [branches[s.pk] for s in shown.object_list if s.pk in branches]  # district not seen
    if shown.number == 1 and actor is not None and not actor.whole_tenant:
        elsewhere = units.filter(pk__in=actor.community_ids).exclude(parent_id__in=actor.street_ids)
        tree += [{"unit": unit, "children": []} for unit in elsewhere.order_by("name", "pk")]
    return shown, tree


def unit_search_for_actor(*, actor: Actor | None, search: str) -> QuerySet[OrgUnit]:
    """Units in the actor's scope whose name or code contains ``search``, each with the name
    of the unit above it when that one is in the scope too (``parent_name``; an assessor
    does not see their street's district)."""
    units = unit_list_for_actor(actor=actor)
    above = units.filter(pk=OuterRef("parent_id")).values("name")[:1]
    found: QuerySet[OrgUnit] = (
        units.select_related(None)
        .filter(Q(name__icontains=search) | Q(code__icontains=search))
        .annotate(parent_name=Subquery(above))
        .order_by("kind", "name", "pk")
    )
    return found


def unit_parent_choices(*, actor: Actor | None) -> QuerySet[OrgUnit]:
    return unit_list_for_actor(actor=actor).exclude(kind=OrgUnit.Kind.COMMUNITY)


# Users and roles -------------------------------------------------------------------------


def people_for_actor(*, actor: Actor | None) -> QuerySet[User]:
    """The active users an actor may name as a talk's participant or a rectification's
    owner: those with a role over a unit in the actor's scope, and those with a role over
    the whole tenant (admins, leaders, experts). A street's assessor is never offered
    another street's people."""
    if actor is None:
        return User.objects.none()
    units = unit_list_for_actor(actor=actor).values("pk")
    return (
        User.objects.filter(tenant_id=actor.tenant_id, is_active=True)
        .filter(Q(memberships__unit__in=units) | Q(memberships__unit__isnull=True))
        .distinct()
        .order_by("username")
    )


def user_list_for_actor(*, actor: Actor | None, search: str = "") -> QuerySet[User]:
    """Users of the actor's tenant, for tenant admins; with their roles prefetched."""
    if actor is None or not actor.has_role(Role.TENANT_ADMIN):
        return User.objects.none()
    users = User.objects.filter(tenant_id=actor.tenant_id).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.for_actor(actor).select_related("unit").order_by("role"),
        )
    )
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(phone__icontains=search)
        )
    return users.order_by("username")


def user_get_for_actor(*, actor: Actor | None, pk: int) -> User:
    return get_scoped_or_404(user_list_for_actor(actor=actor), pk=pk)


def membership_list_for_actor(*, actor: Actor | None) -> QuerySet[Membership]:
    if actor is None or not actor.has_role(Role.TENANT_ADMIN):
        return Membership.objects.none()
    return (
        Membership.objects.for_actor(actor)
        .select_related("user", "unit")
        .order_by("user__username", "role")
    )


def membership_get_for_actor(*, actor: Actor | None, pk: int) -> Membership:
    return get_scoped_or_404(membership_list_for_actor(actor=actor), pk=pk)


def secretary_list_for_actor(*, actor: Actor | None) -> QuerySet[Secretary]:
    return Secretary.objects.for_actor(actor).select_related(
        "user", "community", "community__parent"
    )
