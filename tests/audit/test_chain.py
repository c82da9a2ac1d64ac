from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AppendOnlyError, AuditRecord
from audit.services import audit_record


def _chain(cast, as_tenant, n: int = 5) -> list[AuditRecord]:
    with as_tenant(cast.tenant_a):
        return [
            audit_record(
                tenant_id=cast.tenant_a.pk,
                actor=cast.admin,
                action="weight.change",
                obj=cast.community_a11,
                before={"weight": "40.00"},
                after={"weight": f"{40 + i}.50"},
            )
            for i in range(n)
        ]


def test_records_link_to_their_predecessor_per_tenant(cast, as_tenant):
    records = _chain(cast, as_tenant)
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == "0" * 64
    for earlier, later in itertools.pairwise(records):
        assert later.prev_hash == earlier.hash
    with as_tenant(cast.tenant_b):
        other = audit_record(tenant_id=cast.tenant_b.pk, actor=cast.admin_b, action="x")
    assert other.seq == 1  # tenant B has its own chain


def test_verify_audit_passes_on_an_intact_chain(cast, as_tenant, capsys):
    _chain(cast, as_tenant)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"ok      {cast.tenant_a.code}: 5 records" in out


def _raw_edit(sql: str, params: list) -> None:
    """Tamper as someone with direct database access would (on PostgreSQL the append-only
    trigger must be switched off first, which only the table owner can do)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's deferred foreign-key checks must fire before the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_append_only")


def test_editing_a_past_record_by_raw_sql_is_named_by_verify_audit(cast, as_tenant, capsys):
    records = _chain(cast, as_tenant)
    victim = records[2]
    with as_tenant(cast.tenant_a):
        _raw_edit(
            "UPDATE audit_auditrecord SET after = %s WHERE id = %s",
            ['{"weight": "99.00"}', victim.pk],
        )
    with pytest.raises(CommandError, match=cast.tenant_a.code):
        call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"first broken record id={victim.pk} seq=3: content does not match its hash" in out


def test_deleting_a_past_record_is_detected(cast, as_tenant, capsys):
    records = _chain(cast, as_tenant)
    with as_tenant(cast.tenant_a):
        _raw_edit("DELETE FROM audit_auditrecord WHERE id = %s", [records[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"id={records[2].pk} seq=3: sequence jumps from 1 to 3" in capsys.readouterr().out


def test_the_orm_refuses_to_change_records(cast, as_tenant):
    record = _chain(cast, as_tenant, 1)[0]
    with as_tenant(cast.tenant_a):
        record.action = "forged"
        with pytest.raises(AppendOnlyError):
            record.save()
        with pytest.raises(AppendOnlyError):
            record.delete()
        with pytest.raises(AppendOnlyError):
            AuditRecord.objects.filter(pk=record.pk).update(action="forged")
        with pytest.raises(AppendOnlyError):
            AuditRecord.objects.all().delete()


@pytest.mark.postgres
def test_the_database_refuses_updates_while_the_trigger_is_on(cast, as_tenant):
    from django.db import DatabaseError, transaction

    record = _chain(cast, as_tenant, 1)[0]
    with (
        as_tenant(cast.tenant_a),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditrecord SET action = 'forged' WHERE id = %s", [record.pk])


def test_role_changes_are_audited_with_before_and_after(cast, as_tenant):
    from organizations import services
    from organizations.selectors import actor_for_user
    from organizations.tenancy import Role

    actor = actor_for_user(cast.admin)
    with as_tenant(cast.tenant_a):
        membership = services.membership_grant(
            actor=actor, user=cast.expert, role=Role.STREET_ASSESSOR, unit=cast.street_a2
        )
        services.membership_revoke(actor=actor, membership=membership)
        actions = list(
            AuditRecord.objects.filter(tenant=cast.tenant_a).values_list("action", "actor_name")
        )
    assert actions[-2:] == [("membership.grant", "a-admin"), ("membership.revoke", "a-admin")]


def test_bulk_appends_continue_the_chain_as_single_ones_would(cast, as_tenant, capsys):
    from audit.services import Change, audit_record_many

    first = _chain(cast, as_tenant, 2)
    with as_tenant(cast.tenant_a):
        written = audit_record_many(
            tenant_id=cast.tenant_a.pk, actor=cast.admin, batch_size=2,
            changes=[Change("weight.change", cast.community_a12, after={"weight": n}) for n in range(5)],
        )  # fmt: skip
        last = audit_record(tenant_id=cast.tenant_a.pk, actor=None, action="after.bulk")
        records = list(AuditRecord.objects.filter(tenant=cast.tenant_a).order_by("seq"))
    assert written == 5
    assert [r.seq for r in records] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert records[2].prev_hash == first[-1].hash and last.prev_hash == records[6].hash
    assert records[3].object_repr == str(cast.community_a12) and records[3].after == {"weight": 1}
    call_command("verify_audit")
    assert f"ok      {cast.tenant_a.code}: 8 records" in capsys.readouterr().out
