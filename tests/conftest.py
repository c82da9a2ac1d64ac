from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from organizations.models import OrgUnit, Secretary, Tenant, User
from organizations.rls import tenant_context
from organizations.tenancy import Role
from tests import factories as f

REQUIRE_SERVICES = os.environ.get("KAOPING_REQUIRE_SERVICES") == "1"


def _redis_available() -> str | None:
    """None when Redis answers; otherwise the reason it cannot be used."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return "needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis: {url} does not answer ({exc})"
    return None


def _service_unavailable(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL to a PostgreSQL database"
    if item.get_closest_marker("redis"):
        return _redis_available()
    if item.get_closest_marker("browser"):
        from tests.browser.conftest import chromium_missing

        return chromium_missing()
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _service_unavailable(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        # In CI a skipped service test would hide a broken wall: it must fail instead.
        pytest.fail(f"{reason} (KAOPING_REQUIRE_SERVICES=1: this test may not skip)", pytrace=False)
    pytest.skip(reason=reason)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from organizations.fragments import forget_local_fragments
    from residents import public

    # Rolled-back tests reuse primary keys, so no process-local copy may outlive a test.
    public._campaigns.clear()
    forget_local_fragments()
    cache.clear()
    yield
    cache.clear()
    forget_local_fragments()
    public._campaigns.clear()


@pytest.fixture
def as_tenant() -> Any:
    """``with as_tenant(tenant): ...`` reads and writes under that tenant's RLS setting."""

    def use(tenant: Tenant | None) -> Any:
        return tenant_context(tenant.pk if tenant is not None else None)

    return use


@dataclass
class Cast:
    """Two tenants. In A: one district, two streets with two communities each, one user per
    role (the assessor and secretary in street 1), plus an assessor and a secretary in
    street 2 to probe the street boundary. In B: a district, a street, a community, an
    admin, an assessor and a secretary."""

    tenant_a: Tenant
    tenant_b: Tenant
    district_a: OrgUnit
    street_a1: OrgUnit
    street_a2: OrgUnit
    community_a11: OrgUnit
    community_a12: OrgUnit
    community_a21: OrgUnit
    community_a22: OrgUnit
    district_b: OrgUnit
    street_b1: OrgUnit
    community_b11: OrgUnit
    admin: User
    leader: User
    assessor: User
    expert: User
    secretary: User
    assessor_a2: User
    secretary_a21: User
    admin_b: User
    assessor_b: User
    secretary_b: User
    secretary_record: Secretary

    def users(self) -> dict[str, User]:
        names = [
            "admin",
            "leader",
            "assessor",
            "expert",
            "secretary",
            "assessor_a2",
            "secretary_a21",
            "admin_b",
            "assessor_b",
            "secretary_b",
        ]
        return {name: getattr(self, name) for name in names}

    def client_for(self, name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(getattr(self, name))
        return client


def _member(tenant: Tenant, username: str, role: Role, unit: OrgUnit | None = None) -> User:
    user = f.UserFactory(tenant=tenant, username=username)
    f.MembershipFactory(tenant=tenant, user=user, role=role, unit=unit)
    return user


def _secretary(tenant: Tenant, username: str, community: OrgUnit) -> tuple[User, Secretary]:
    user = _member(tenant, username, Role.SECRETARY, community)
    record = f.SecretaryFactory(tenant=tenant, user=user, community=community)
    return user, record


@pytest.fixture
def cast(db: Any) -> Cast:
    ta = f.TenantFactory(name="甲区", code="tenant-a")
    tb = f.TenantFactory(name="乙区", code="tenant-b")
    da = f.DistrictFactory(tenant=ta, name="甲区", code="a")
    s1 = f.StreetFactory(tenant=ta, parent=da, name="甲一街道", code="a1")
    s2 = f.StreetFactory(tenant=ta, parent=da, name="甲二街道", code="a2")
    c11 = f.CommunityFactory(tenant=ta, parent=s1, name="甲一一社区", code="a11")
    c12 = f.CommunityFactory(
        tenant=ta, parent=s1, name="甲一二社区", code="a12", community_type="rural"
    )
    c21 = f.CommunityFactory(
        tenant=ta, parent=s2, name="甲二一社区", code="a21", community_type="mountain"
    )
    c22 = f.CommunityFactory(tenant=ta, parent=s2, name="甲二二社区", code="a22")
    db_ = f.DistrictFactory(tenant=tb, name="乙区", code="b")
    sb = f.StreetFactory(tenant=tb, parent=db_, name="乙一街道", code="b1")
    cb = f.CommunityFactory(tenant=tb, parent=sb, name="乙一一社区", code="b11")
    secretary, record = _secretary(ta, "a-secretary", c11)
    secretary_a21, _ = _secretary(ta, "a-secretary-21", c21)
    secretary_b, _ = _secretary(tb, "b-secretary", cb)
    return Cast(
        tenant_a=ta,
        tenant_b=tb,
        district_a=da,
        street_a1=s1,
        street_a2=s2,
        community_a11=c11,
        community_a12=c12,
        community_a21=c21,
        community_a22=c22,
        district_b=db_,
        street_b1=sb,
        community_b11=cb,
        admin=_member(ta, "a-admin", Role.TENANT_ADMIN),
        leader=_member(ta, "a-leader", Role.DISTRICT_LEADER),
        assessor=_member(ta, "a-assessor", Role.STREET_ASSESSOR, s1),
        expert=_member(ta, "a-expert", Role.EXPERT),
        secretary=secretary,
        assessor_a2=_member(ta, "a-assessor-2", Role.STREET_ASSESSOR, s2),
        secretary_a21=secretary_a21,
        admin_b=_member(tb, "b-admin", Role.TENANT_ADMIN),
        assessor_b=_member(tb, "b-assessor", Role.STREET_ASSESSOR, sb),
        secretary_b=secretary_b,
        secretary_record=record,
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The probe matrix's report (docs/security.md): routes, probes, leaks."""
    import sys

    module = sys.modules.get("tests.organizations.test_access_matrix")
    figures: dict[str, dict[str, int]] = getattr(module, "FIGURES", {})
    if not figures:
        return
    total = {key: sum(f[key] for f in figures.values()) for key in next(iter(figures.values()))}
    routes = max(f["routes"] for f in figures.values())
    terminalreporter.write_line(
        f"probe matrix ({connection.vendor}): {routes} routes × {len(figures)} users, "
        f"{total['probes']} probes, {total['leaks']} leaks, "
        f"{total['refused_writes']} refused writes checked, {total['changed']} changed data"
    )
