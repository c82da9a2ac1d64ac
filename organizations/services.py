"""Writes to tenants, the org tree, users and roles. Each validates, saves and audits atomically."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from audit.services import audit_record
from organizations.models import Membership, OrgUnit, Secretary, Tenant, User
from organizations.security import end_user_sessions
from organizations.tenancy import Actor, Role


def _acting_user(actor: Actor) -> User:
    return User.objects.get(pk=actor.user_id)


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return model_to_dict(obj, fields=fields)


# Tenants (platform level) ------------------------------------------------------------------


@transaction.atomic
def tenant_create(*, name: str, code: str) -> Tenant:
    tenant = Tenant(name=name, code=code)
    tenant.full_clean()
    tenant.save()
    return tenant


# Org tree --------------------------------------------------------------------------------

UNIT_FIELDS = ["kind", "name", "code", "parent", "community_type", "is_active"]


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    code: str,
    parent: OrgUnit | None = None,
    community_type: str = "",
) -> OrgUnit:
    actor.require(Role.TENANT_ADMIN)
    unit = OrgUnit(
        tenant_id=actor.tenant_id,
        kind=kind,
        name=name,
        code=code,
        parent=parent,
        community_type=community_type,
    )
    unit.full_clean()
    unit.save()
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="org_unit.create",
        obj=unit,
        after=_snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str,
    code: str,
    community_type: str = "",
    is_active: bool = True,
) -> OrgUnit:
    """Rename or re-code a unit; its kind and place in the tree do not change here."""
    actor.require(Role.TENANT_ADMIN)
    before = _snapshot(unit, UNIT_FIELDS)
    unit.name, unit.code, unit.community_type, unit.is_active = (
        name,
        code,
        community_type,
        is_active,
    )
    unit.full_clean()
    unit.save()
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="org_unit.update",
        obj=unit,
        before=before,
        after=_snapshot(unit, UNIT_FIELDS),
    )
    return unit


# Users and roles -------------------------------------------------------------------------

USER_FIELDS = ["username", "full_name", "phone", "email", "is_active"]


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    actor.require(Role.TENANT_ADMIN)
    user = User(
        tenant_id=actor.tenant_id, username=username, full_name=full_name, phone=phone, email=email
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="user.create",
        obj=user,
        after=_snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, is_active: bool) -> User:
    actor.require(Role.TENANT_ADMIN)
    if user.pk == actor.user_id and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    before = _snapshot(user, USER_FIELDS)
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    if not is_active:
        # Logged out everywhere at once: no browser session or API token outlives the account.
        end_user_sessions(user.pk)
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="user.activate" if is_active else "user.deactivate",
        obj=user,
        before=before,
        after=_snapshot(user, USER_FIELDS),
    )
    return user


MEMBERSHIP_FIELDS = ["user", "role", "unit"]


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: User, role: str, unit: OrgUnit | None = None
) -> Membership:
    actor.require(Role.TENANT_ADMIN)
    membership = Membership(tenant_id=actor.tenant_id, user=user, role=role, unit=unit)
    membership.full_clean()
    membership.save()
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="membership.grant",
        obj=membership,
        after=_snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    actor.require(Role.TENANT_ADMIN)
    if membership.user_id == actor.user_id and membership.role == Role.TENANT_ADMIN:
        raise ValidationError(_("You cannot remove your own administrator role."))
    before = _snapshot(membership, MEMBERSHIP_FIELDS)
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="membership.revoke",
        obj=membership,
        before=before,
    )
    membership.delete()


@transaction.atomic
def secretary_appoint(
    *, actor: Actor, user: User, community: OrgUnit, took_office: dt.date
) -> Secretary:
    """Make a user the serving secretary of a community, with the secretary role over it."""
    actor.require(Role.TENANT_ADMIN)
    secretary = Secretary(
        tenant_id=actor.tenant_id, user=user, community=community, took_office=took_office
    )
    secretary.full_clean()
    secretary.save()
    membership = Membership(
        tenant_id=actor.tenant_id, user=user, role=Role.SECRETARY, unit=community
    )
    membership.full_clean()
    membership.save()
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_acting_user(actor),
        action="secretary.appoint",
        obj=secretary,
        after={"user": user.pk, "community": community.pk, "took_office": took_office},
    )
    return secretary
