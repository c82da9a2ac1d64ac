from __future__ import annotations

from typing import Any

from django.db import models

from audit.services import audit_record
from organizations.models import User
from organizations.tenancy import Actor, Role


def acting_user(actor: Actor) -> User:
    return User.objects.get(pk=actor.user_id)


def audit(
    actor: Actor | None, tenant_id: int, action: str, obj: models.Model, **changes: Any
) -> None:
    audit_record(
        tenant_id=tenant_id,
        actor=acting_user(actor) if actor is not None else None,
        action=action,
        obj=obj,
        before=changes.get("before"),
        after=changes.get("after"),
    )


def is_street_assessor(actor: Actor, street_id: int | None) -> bool:
    """A tenant admin, or an assessor of this street."""
    return actor.has_role(Role.TENANT_ADMIN) or (
        actor.has_role(Role.STREET_ASSESSOR) and street_id in actor.street_ids
    )
