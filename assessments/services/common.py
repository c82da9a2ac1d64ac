from __future__ import annotations

from typing import Any

from django.db import models

from audit.services import audit_record
from organizations.models import User
from organizations.tenancy import Actor


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
