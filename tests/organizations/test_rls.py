"""The second wall: PostgreSQL row-level security, probed with raw SQL that no scoped
queryset protects. The tables are enumerated from the models, so a new tenant-owned model
that forgets its ``EnableRowLevelSecurity`` migration fails here."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from organizations.rls import set_db_tenant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Tenant-owned tables that are deliberately outside RLS, with the reason.
NOT_UNDER_RLS = {
    # Logging in must find the user before any tenant is known; reads go through selectors.
    "organizations_user": "login looks users up before a tenant is known",
}


def tenant_owned_tables() -> list[str]:
    tables = []
    for model in apps.get_models():
        try:
            field = model._meta.get_field("tenant")
        except Exception:  # noqa: S112 - models without a tenant column are not tenant-owned
            continue
        if isinstance(field, models.ForeignKey) and not model._meta.proxy and model._meta.managed:
            tables.append(model._meta.db_table)
    return sorted(tables)


def test_the_enumeration_finds_the_foundation_tables() -> None:
    tables = tenant_owned_tables()
    for table in [
        "organizations_orgunit",
        "organizations_membership",
        "organizations_secretary",
        "audit_auditrecord",
    ]:
        assert table in tables


def test_app_role_is_neither_superuser_nor_bypassrls() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        rolsuper, rolbypassrls = cursor.fetchone()
    assert rolsuper is False
    assert rolbypassrls is False


@pytest.mark.parametrize("table", [t for t in tenant_owned_tables() if t not in NOT_UNDER_RLS])
def test_every_tenant_owned_table_forces_rls(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
            [table],
        )
        enabled, forced = cursor.fetchone()
    assert enabled and forced, f"{table} is tenant-owned but not under FORCE ROW LEVEL SECURITY"


def _tenant_ids(cursor, table: str) -> set[int]:
    cursor.execute(f"SELECT DISTINCT tenant_id FROM {connection.ops.quote_name(table)}")
    return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("table", [t for t in tenant_owned_tables() if t not in NOT_UNDER_RLS])
def test_raw_sql_sees_only_the_tenant_that_is_set(cast, table: str) -> None:
    from tests.populate import populate_tenant

    populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)
    populate_tenant(admin=cast.admin_b, secretary=cast.secretary_b, rater=cast.assessor_b)
    with connection.cursor() as cursor:
        set_db_tenant(cast.tenant_a.pk)
        seen_by_a = _tenant_ids(cursor, table)
        set_db_tenant(cast.tenant_b.pk)
        seen_by_b = _tenant_ids(cursor, table)
        set_db_tenant(None)
        seen_by_nobody = _tenant_ids(cursor, table)
    assert seen_by_a == {cast.tenant_a.pk}, (
        f"{table}: add rows of both tenants in tests/populate.py"
    )
    assert seen_by_b == {cast.tenant_b.pk}
    assert seen_by_nobody == set()


def test_rls_refuses_writing_a_row_of_another_tenant(cast) -> None:
    from django.db import DatabaseError, transaction

    set_db_tenant(cast.tenant_a.pk)
    with (
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE organizations_orgunit SET tenant_id = %s WHERE id = %s",
            [cast.tenant_b.pk, cast.community_a11.pk],
        )


def test_token_requests_get_their_tenant_set(cast) -> None:
    """A token-authenticated request is anonymous to the middleware; the API base sets the
    tenant after DRF authenticates, or RLS would hide every row."""
    from django.test import Client
    from django.urls import reverse
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.assessor)
    response = Client().get(reverse("org-unit-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {u["code"] for u in response.json()["results"]} == {"a1", "a11", "a12"}
