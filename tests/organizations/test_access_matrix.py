"""Who may reach what: every route of the foundation × every user of the cast.

A route with no row in MATRIX fails ``test_every_route_is_in_the_matrix``, so a new page or
endpoint cannot ship without saying who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.models import Membership, OrgUnit, User
from organizations.rls import tenant_context

USERS = ["anon", "admin", "leader", "assessor", "expert", "secretary", "admin_b"]


@dataclass(frozen=True)
class Probe:
    method: str
    url: Callable[[Any], str]
    # Status per user; "*" is the default for users not named.
    expect: dict[str, int]
    data: dict[str, Any] | None = None

    def status_for(self, user: str) -> int:
        return self.expect.get(user, self.expect["*"])


def _membership(cast: Any, user: User) -> Membership:
    with tenant_context(user.tenant_id):
        return Membership.objects.filter(user=user).order_by("pk").first()


STAFF_OK = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
ADMIN_PAGE = {"anon": 302, "admin": 200, "admin_b": 200, "*": 403}
ADMIN_OBJECT_PAGE = {"anon": 302, "admin": 200, "admin_b": 404, "*": 403}
API_ALL = {"anon": 403, "*": 200}
API_ADMIN = {"anon": 403, "admin": 200, "admin_b": 200, "*": 403}
API_ADMIN_OBJECT = {"anon": 403, "admin": 200, "admin_b": 404, "*": 403}

MATRIX: dict[str, Probe] = {
    "home": Probe("get", lambda c: reverse("home"), {"anon": 302, "*": 200}),
    "login": Probe("get", lambda c: reverse("login"), {"anon": 200, "*": 302}),
    "logout": Probe("post", lambda c: reverse("logout"), {"*": 302}),
    "set_language": Probe(
        "post", lambda c: reverse("set_language"), {"*": 302}, {"language": "en"}
    ),
    "healthz": Probe("get", lambda c: reverse("healthz"), {"*": 200}),
    "organizations:tree": Probe("get", lambda c: reverse("organizations:tree"), STAFF_OK),
    "organizations:unit_create": Probe(
        "get", lambda c: reverse("organizations:unit_create"), ADMIN_PAGE
    ),
    "organizations:unit_edit": Probe(
        "get",
        lambda c: reverse("organizations:unit_edit", args=[c.community_a11.pk]),
        ADMIN_OBJECT_PAGE,
    ),
    "organizations:users": Probe("get", lambda c: reverse("organizations:users"), ADMIN_PAGE),
    "organizations:user_create": Probe(
        "get", lambda c: reverse("organizations:user_create"), ADMIN_PAGE
    ),
    "organizations:user_detail": Probe(
        "get",
        lambda c: reverse("organizations:user_detail", args=[c.assessor.pk]),
        ADMIN_OBJECT_PAGE,
    ),
    "organizations:user_set_active": Probe(
        "post",
        lambda c: reverse("organizations:user_set_active", args=[c.assessor.pk]),
        {"anon": 302, "admin": 302, "admin_b": 404, "*": 403},
        {"is_active": "1"},
    ),
    "organizations:membership_revoke": Probe(
        "get",
        lambda c: reverse("organizations:membership_revoke", args=[_membership(c, c.assessor).pk]),
        ADMIN_OBJECT_PAGE,
    ),
    "api-root": Probe("get", lambda c: reverse("api-root"), API_ALL),
    "me-list": Probe("get", lambda c: reverse("me-list"), API_ALL),
    "org-unit-list": Probe("get", lambda c: reverse("org-unit-list"), API_ALL),
    "org-unit-detail": Probe(
        "get",
        lambda c: reverse("org-unit-detail", args=[c.community_a11.pk]),
        {"anon": 403, "expert": 404, "admin_b": 404, "*": 200},
    ),
    "user-list": Probe("get", lambda c: reverse("user-list"), API_ADMIN),
    "user-detail": Probe(
        "get", lambda c: reverse("user-detail", args=[c.assessor.pk]), API_ADMIN_OBJECT
    ),
    "membership-list": Probe("get", lambda c: reverse("membership-list"), API_ADMIN),
    "membership-detail": Probe(
        "get",
        lambda c: reverse("membership-detail", args=[_membership(c, c.assessor).pk]),
        API_ADMIN_OBJECT,
    ),
    "api-token": Probe(
        "post",
        lambda c: reverse("api-token"),
        {"*": 400},
        {"username": "a-admin", "password": "wrong"},
    ),
    "schema": Probe("get", lambda c: reverse("schema"), API_ALL),
    "swagger-ui": Probe("get", lambda c: reverse("swagger-ui"), API_ALL),
}

# Routes that are not the project's own pages (Django's admin has its own staff login).
EXEMPT_NAMESPACES = {"admin"}


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= _route_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix() -> None:
    missing = _route_names(get_resolver()) - set(MATRIX)
    assert not missing, f"Routes with no access expectation: {sorted(missing)}"


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_status(cast, route: str, user: str) -> None:
    probe = MATRIX[route]
    client = cast.client_for(None if user == "anon" else user)
    response = getattr(client, probe.method)(probe.url(cast), data=probe.data or {})
    assert response.status_code == probe.status_for(user), (route, user, response.status_code)


# What each user may see of the org tree: exactly these units, nothing else.
VISIBLE_UNITS = {
    "admin": {"a", "a1", "a2", "a11", "a12", "a21", "a22"},
    "leader": {"a", "a1", "a2", "a11", "a12", "a21", "a22"},
    "assessor": {"a1", "a11", "a12"},
    "assessor_a2": {"a2", "a21", "a22"},
    "expert": set(),
    "secretary": {"a11"},
    "secretary_a21": {"a21"},
    "admin_b": {"b", "b1", "b11"},
    "assessor_b": {"b1", "b11"},
    "secretary_b": {"b11"},
}


def _all_units(cast: Any, as_tenant: Any) -> list[OrgUnit]:
    units = []
    for tenant in (cast.tenant_a, cast.tenant_b):
        with as_tenant(tenant):
            units += list(OrgUnit.objects.filter(tenant=tenant))
    return units


@pytest.mark.parametrize("user", sorted(VISIBLE_UNITS))
def test_unit_api_lists_exactly_the_scope_and_404s_elsewhere(cast, as_tenant, user: str) -> None:
    client = cast.client_for(user)
    listed = client.get(reverse("org-unit-list"), {"page_size": 200}).json()["results"]
    assert {u["code"] for u in listed} == VISIBLE_UNITS[user]
    for unit in _all_units(cast, as_tenant):
        status = client.get(reverse("org-unit-detail", args=[unit.pk])).status_code
        assert status == (200 if unit.code in VISIBLE_UNITS[user] else 404), (user, unit.code)


@pytest.mark.parametrize(
    "user", ["admin", "leader", "assessor", "assessor_a2", "admin_b", "assessor_b"]
)
def test_org_tree_page_shows_exactly_the_scope(cast, as_tenant, user: str) -> None:
    html = cast.client_for(user).get(reverse("organizations:tree")).content.decode()
    for unit in _all_units(cast, as_tenant):
        assert (unit.name in html) == (unit.code in VISIBLE_UNITS[user]), (user, unit.name)


@pytest.mark.parametrize("user", ["admin", "admin_b"])
def test_admin_sees_users_of_own_tenant_only(cast, user: str) -> None:
    own = cast.tenant_a if user == "admin" else cast.tenant_b
    client = cast.client_for(user)
    listed = client.get(reverse("user-list"), {"page_size": 200}).json()["results"]
    expected = set(User.objects.filter(tenant=own).values_list("username", flat=True))
    assert {u["username"] for u in listed} == expected
    for other in User.objects.exclude(tenant=own):
        assert client.get(reverse("user-detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("organizations:user_detail", args=[other.pk])).status_code == 404
    html = client.get(reverse("organizations:users")).content.decode()
    for other in User.objects.exclude(tenant=own):
        assert other.username not in html
