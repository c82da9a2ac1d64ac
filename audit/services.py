"""Appending to and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from audit.models import AuditRecord
from organizations.models import Tenant, User

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    # Round-trip through the encoder so what is stored is exactly what was hashed
    # (Decimals and dates become strings once, here).
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def record_hash(record: AuditRecord) -> str:
    payload = {
        "tenant": record.tenant_id,
        "seq": record.seq,
        "created_at": record.created_at.isoformat(),
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "before": record.before,
        "after": record.after,
        "prev_hash": record.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _locked_chain_end(tenant_id: int) -> tuple[int, str]:
    """The sequence number and hash the tenant's chain ends with ((0, GENESIS) when empty),
    with the tenant row locked: appends to one chain are serialised on it, so two writers
    can never both link to the same predecessor. Call inside a transaction."""
    Tenant.objects.select_for_update().filter(pk=tenant_id).values_list("pk").get()
    last = (
        AuditRecord.objects.filter(tenant_id=tenant_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return (last[0], last[1]) if last else (0, GENESIS)


def audit_record(
    *,
    tenant_id: int,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the tenant's chain. Call inside the transaction that made the change."""
    with transaction.atomic():
        last_seq, prev_hash = _locked_chain_end(tenant_id)
        seq = last_seq + 1
        record = AuditRecord(
            tenant_id=tenant_id,
            seq=seq,
            actor_id=actor.pk if actor is not None else None,
            actor_name=actor.get_username() if actor is not None else "system",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=prev_hash,
        )
        record.hash = record_hash(record)
        record.save()
        return record


@dataclass(frozen=True)
class Change:
    """One change to append with ``audit_record_many``."""

    action: str
    obj: models.Model | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def audit_record_many(
    *,
    tenant_id: int,
    actor: User | None,
    changes: Iterable[Change],
    created_at: datetime | None = None,
    batch_size: int = 2000,
) -> int:
    """Append many records to the tenant's chain in bulk inserts: the very chain
    ``audit_record`` would build one call at a time (for imports and seeding, where a call
    per change would be most of the work). ``created_at`` is the time every record carries
    (now by default). Call inside the transaction that made the changes; returns the count."""
    when = created_at or timezone.now()
    written = 0
    with transaction.atomic():
        seq, prev_hash = _locked_chain_end(tenant_id)
        batch: list[AuditRecord] = []
        for change in changes:
            seq += 1
            obj = change.obj
            record = AuditRecord(
                tenant_id=tenant_id,
                seq=seq,
                created_at=when,
                actor_id=actor.pk if actor is not None else None,
                actor_name=actor.get_username() if actor is not None else "system",
                action=change.action,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:200] if obj is not None else "",
                before=_jsonable(change.before),
                after=_jsonable(change.after),
                prev_hash=prev_hash,
            )
            record.hash = prev_hash = record_hash(record)
            batch.append(record)
            if len(batch) >= batch_size:
                AuditRecord.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        AuditRecord.objects.bulk_create(batch)
        written += len(batch)
    return written


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    seq: int
    reason: str


def verify_chain(records: Iterable[AuditRecord]) -> ChainBreak | None:
    """Walk one tenant's records in sequence order; return the first break, if any."""
    expected_prev = GENESIS
    expected_seq = 1
    for record in records:
        if record.seq != expected_seq:
            return ChainBreak(
                record.pk,
                record.seq,
                f"sequence jumps from {expected_seq - 1} to {record.seq} (a record was removed)",
            )
        if record.prev_hash != expected_prev:
            return ChainBreak(record.pk, record.seq, "does not link to its predecessor")
        if record_hash(record) != record.hash:
            return ChainBreak(record.pk, record.seq, "content does not match its hash (edited)")
        expected_prev = record.hash
        expected_seq += 1
    return None
