from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantOwned, TenantQuerySet


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit record."""


class AuditQuerySet(TenantQuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records are append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Audit records are append-only.")


class AuditRecord(TenantOwned):
    """One entry of a tenant's tamper-evident audit chain.

    Each record stores the hash of its predecessor in the same tenant's chain and a hash of
    its own content, so editing or deleting any past record breaks the chain at that point
    (``manage.py verify_audit``). On PostgreSQL a trigger also refuses UPDATE and DELETE.
    The actor is kept as id and name, not a foreign key, so nothing ever has to rewrite it.
    """

    seq = models.PositiveBigIntegerField(_("sequence"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["tenant_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "seq"], name="audit_seq_unique_in_tenant"),
        ]
        indexes = [models.Index(fields=["tenant", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records are append-only.")
