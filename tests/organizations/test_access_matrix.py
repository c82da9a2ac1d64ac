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
    # "json" sends the data as a JSON body (API writes); otherwise as a form.
    encoding: str = "form"

    def status_for(self, user: str) -> int:
        return self.expect.get(user, self.expect["*"])


def _membership(cast: Any, user: User) -> Membership:
    with tenant_context(user.tenant_id):
        return Membership.objects.filter(user=user).order_by("pk").first()


class World:
    """The cast, plus one of everything in tenant A (tests/populate.py)."""

    def __init__(self, cast: Any) -> None:
        from tests.populate import populate_tenant

        self.cast = cast
        self.a = populate_tenant(admin=cast.admin, secretary=cast.secretary, rater=cast.assessor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cast, name)

    def part(self, model_name: str) -> int:
        """The id of the first row of a scheme part of tenant A's scheme."""
        from django.apps import apps

        model = apps.get_model("indicators", model_name)
        with tenant_context(self.cast.tenant_a.pk):
            return (
                model.objects.filter(scheme=self.a["scheme"])
                .order_by("pk")
                .values_list("pk", flat=True)[0]
            )


def _scheme(w: Any) -> int:
    return w.a["scheme"].pk


STAFF_OK = {"anon": 302, "admin": 200, "leader": 200, "assessor": 200, "admin_b": 200, "*": 403}
ADMIN_PAGE = {"anon": 302, "admin": 200, "admin_b": 200, "*": 403}
ADMIN_OBJECT_PAGE = {"anon": 302, "admin": 200, "admin_b": 404, "*": 403}
API_ALL = {"anon": 403, "*": 200}
API_ADMIN = {"anon": 403, "admin": 200, "admin_b": 200, "*": 403}
API_ADMIN_OBJECT = {"anon": 403, "admin": 200, "admin_b": 404, "*": 403}
PAGE_TENANT_OBJECT = {"anon": 302, "admin_b": 404, "*": 200}
PAGE_WRITE_OBJECT = {"anon": 302, "admin_b": 404, "*": 403}
# Objects every member of tenant A may read.
API_TENANT_OBJECT = {"anon": 403, "admin_b": 404, "*": 200}
# Admin-only writes to an object of tenant A (the admin's own status is given per route).
API_WRITE_OBJECT = {"anon": 403, "admin_b": 404, "*": 403}
# Rows of the probed assessment (a11, street a1, the cast's secretary): its street's
# assessor, the secretary, admins and leaders see them; the unassigned expert does not.
API_ASSESSMENT_OBJECT = {"anon": 403, "expert": 404, "admin_b": 404, "*": 200}

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
    # The scheme editor pages. Reading: every member of tenant A; writing: its admins.
    "indicators:list": Probe("get", lambda w: reverse("indicators:list"), {"anon": 302, "*": 200}),
    "indicators:detail": Probe(
        "get", lambda w: reverse("indicators:detail", args=[_scheme(w)]), PAGE_TENANT_OBJECT
    ),
    "indicators:validate": Probe(
        "get", lambda w: reverse("indicators:validate", args=[_scheme(w)]), PAGE_TENANT_OBJECT
    ),
    "indicators:export": Probe(
        "get", lambda w: reverse("indicators:export", args=[_scheme(w)]), PAGE_TENANT_OBJECT
    ),
    "indicators:preview": Probe(
        "post",
        lambda w: reverse("indicators:preview", args=[_scheme(w)]),
        PAGE_TENANT_OBJECT,
        {"community_type": "urban", "career_stage": "growth"},
    ),
    "indicators:create": Probe("get", lambda w: reverse("indicators:create"), ADMIN_PAGE),
    "indicators:import": Probe("get", lambda w: reverse("indicators:import"), ADMIN_PAGE),
    # The probed scheme is published: admin pages that change it redirect with a message.
    "indicators:publish": Probe(
        "get",
        lambda w: reverse("indicators:publish", args=[_scheme(w)]),
        {"admin": 302, **PAGE_WRITE_OBJECT},
    ),
    "indicators:retire": Probe(
        "get",
        lambda w: reverse("indicators:retire", args=[_scheme(w)]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:delete": Probe(
        "get",
        lambda w: reverse("indicators:delete", args=[_scheme(w)]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:new_version": Probe(
        "post",
        lambda w: reverse("indicators:new_version", args=[_scheme(w)]),
        {"admin": 302, **PAGE_WRITE_OBJECT},
    ),
    "indicators:weights": Probe(
        "post",
        lambda w: reverse("indicators:weights", args=[_scheme(w)]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:indicator_create": Probe(
        "get",
        lambda w: reverse("indicators:indicator_create", args=[_scheme(w)]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:indicator_edit": Probe(
        "get",
        lambda w: reverse("indicators:indicator_edit", args=[_scheme(w), w.part("Indicator")]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:indicator_delete": Probe(
        "get",
        lambda w: reverse("indicators:indicator_delete", args=[_scheme(w), w.part("Indicator")]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:adjustment_create": Probe(
        "get",
        lambda w: reverse("indicators:adjustment_create", args=[_scheme(w)]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:adjustment_delete": Probe(
        "get",
        lambda w: reverse(
            "indicators:adjustment_delete", args=[_scheme(w), w.part("AdjustmentItem")]
        ),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:veto_create": Probe(
        "get",
        lambda w: reverse("indicators:veto_create", args=[_scheme(w)]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    "indicators:veto_delete": Probe(
        "get",
        lambda w: reverse("indicators:veto_delete", args=[_scheme(w), w.part("VetoItem")]),
        {"admin": 200, **PAGE_WRITE_OBJECT},
    ),
    # Special indicators: a community's own secretary, its street's assessors, tenant admins.
    "indicators:special": Probe(
        "get", lambda w: reverse("indicators:special", args=[_scheme(w)]), PAGE_TENANT_OBJECT
    ),
    "indicators:special_withdraw": Probe(
        "get",
        lambda w: reverse("indicators:special_withdraw", args=[_scheme(w), w.a["choice"].pk]),
        {"anon": 302, "admin": 200, "assessor": 200, "secretary": 200, "admin_b": 404, "*": 403},
    ),
    "special-indicator-list": Probe("get", lambda w: reverse("special-indicator-list"), API_ALL),
    "special-indicator-detail": Probe(
        "get",
        lambda w: reverse("special-indicator-detail", args=[w.a["choice"].pk]),
        {"anon": 403, "expert": 404, "admin_b": 404, "*": 200},
    ),
    "special-indicator-decide": Probe(
        "post",
        lambda w: reverse("special-indicator-decide", args=[w.a["choice"].pk]),
        {"anon": 403, "admin": 200, "assessor": 200, "admin_b": 404, "*": 403},
        {"approve": False},
        "json",
    ),
    # Indicator schemes: readable by the whole tenant, written by its admins. The probed
    # scheme is published, so admin writes to it answer 409.
    "scheme-list": Probe("get", lambda w: reverse("scheme-list"), API_ALL),
    "scheme-detail": Probe(
        "get", lambda w: reverse("scheme-detail", args=[_scheme(w)]), API_TENANT_OBJECT
    ),
    "scheme-publish": Probe(
        "post",
        lambda w: reverse("scheme-publish", args=[_scheme(w)]),
        {"admin": 409, **API_WRITE_OBJECT},
    ),
    "scheme-retire": Probe(
        "post",
        lambda w: reverse("scheme-retire", args=[_scheme(w)]),
        {"admin": 200, **API_WRITE_OBJECT},
    ),
    "scheme-new-version": Probe(
        "post",
        lambda w: reverse("scheme-new-version", args=[_scheme(w)]),
        {"admin": 201, **API_WRITE_OBJECT},
    ),
    "scheme-validate-scheme": Probe(
        "post", lambda w: reverse("scheme-validate-scheme", args=[_scheme(w)]), API_TENANT_OBJECT
    ),
    "scheme-preview": Probe(
        "post",
        lambda w: reverse("scheme-preview", args=[_scheme(w)]),
        API_TENANT_OBJECT,
        {"values": {}},
        "json",
    ),
    "scheme-excel-list": Probe(
        "post",
        lambda w: reverse("scheme-excel-list"),
        {"admin": 400, "admin_b": 400, "anon": 403, "*": 403},
    ),
    "scheme-excel-detail": Probe(
        "get", lambda w: reverse("scheme-excel-detail", args=[_scheme(w)]), API_TENANT_OBJECT
    ),
    **{
        f"scheme-{route}-list": Probe(
            "get", lambda w, route=route: reverse(f"scheme-{route}-list"), API_ALL
        )
        for route in ("category", "rater-group", "indicator", "adjustment", "veto")
    },
    **{
        f"scheme-{route}-detail": Probe(
            "get",
            lambda w, route=route, model=model: reverse(
                f"scheme-{route}-detail", args=[w.part(model)]
            ),
            API_TENANT_OBJECT,
        )
        for route, model in (
            ("category", "Category"),
            ("rater-group", "RaterGroup"),
            ("indicator", "Indicator"),
            ("adjustment", "AdjustmentItem"),
            ("veto", "VetoItem"),
        )
    },
    "swagger-ui": Probe("get", lambda c: reverse("swagger-ui"), API_ALL),
    # The assessment workflow. The probed assessment is a draft in a11 (street a1) of the
    # cast's secretary; the cast's expert is not assigned to it. Write probes carry bodies
    # the services refuse where the caller is allowed, so the status shows the scope layer.
    "cycle-list": Probe("get", lambda w: reverse("cycle-list"), API_ALL),
    "cycle-detail": Probe(
        "get", lambda w: reverse("cycle-detail", args=[w.a["cycle"].pk]), API_TENANT_OBJECT
    ),
    "assessment-list": Probe("get", lambda w: reverse("assessment-list"), API_ALL),
    **{
        f"assessment-{route}": Probe(
            "get",
            lambda w, route=route: reverse(f"assessment-{route}", args=[w.a["assessment"].pk]),
            API_ASSESSMENT_OBJECT,
        )
        for route in ("detail", "result")
    },
    "assessment-what-if": Probe(
        "post",
        lambda w: reverse("assessment-what-if", args=[w.a["assessment"].pk]),
        API_ASSESSMENT_OBJECT,
        {"values": {}},
        "json",
    ),
    # draft → self-evaluation is the assessors' step; the secretary's role lets them try.
    "assessment-transition": Probe(
        "post",
        lambda w: reverse("assessment-transition", args=[w.a["assessment"].pk]),
        {"admin": 200, "assessor": 200, **API_WRITE_OBJECT},
        {"to_state": "self_evaluation"},
        "json",
    ),
    # Only the assessed secretary submits, and not while the assessment is a draft.
    "assessment-self-evaluation": Probe(
        "post",
        lambda w: reverse("assessment-self-evaluation", args=[w.a["assessment"].pk]),
        {"secretary": 400, **API_WRITE_OBJECT},
        {"summary": "自评", "duty_report": "述职"},
        "json",
    ),
    # No expert named: refused by the body, after the role and the scope.
    "assessment-assign-expert": Probe(
        "post",
        lambda w: reverse("assessment-assign-expert", args=[w.a["assessment"].pk]),
        {"admin": 400, "assessor": 400, "secretary": 400, **API_WRITE_OBJECT},
        {},
        "json",
    ),
    # Individual raters' scores: never for a secretary or a leader.
    "score-entry-list": Probe(
        "get",
        lambda w: reverse("score-entry-list"),
        {"anon": 403, "leader": 403, "secretary": 403, "*": 200},
    ),
    "score-entry-detail": Probe(
        "get",
        lambda w: reverse("score-entry-detail", args=[w.a["entry"].pk]),
        {"anon": 403, "leader": 403, "secretary": 403, "expert": 404, "admin_b": 404, "*": 200},
    ),
    **{
        f"{route}-list": Probe("get", lambda w, route=route: reverse(f"{route}-list"), API_ALL)
        for route in ("adjustment", "veto", "appeal", "rectification")
    },
    **{
        f"{route}-detail": Probe(
            "get",
            lambda w, route=route, key=key: reverse(f"{route}-detail", args=[w.a[key].pk]),
            API_ASSESSMENT_OBJECT,
        )
        for route, key in (
            ("adjustment", "adjustment"),
            ("veto", "veto"),
            ("appeal", "appeal"),
            ("rectification", "rectification"),
        )
    },
    # Proposed by the assessor: a second person (the admin) decides it.
    "veto-decide": Probe(
        "post",
        lambda w: reverse("veto-decide", args=[w.a["veto"].pk]),
        {"admin": 200, "assessor": 400, **API_WRITE_OBJECT},
        {"approve": True},
        "json",
    ),
    # At level 1 the street's assessors review; a blank note is refused by the service.
    "appeal-review": Probe(
        "post",
        # The populated appeal is at level two (tenant admins): the admin gets to the
        # blank-note check, everyone else is refused before it.
        lambda w: reverse("appeal-review", args=[w.a["appeal"].pk]),
        {"admin": 400, **API_WRITE_OBJECT},
        {"decision": "reject", "note": ""},
        "json",
    ),
    # Owned by the secretary: marked done only with evidence (none sent here).
    "rectification-done": Probe(
        "post",
        lambda w: reverse("rectification-done", args=[w.a["rectification"].pk]),
        {"admin": 400, "assessor": 400, "secretary": 400, **API_WRITE_OBJECT},
        {"note": "已整改"},
    ),
    # Still open: nothing to accept yet; the secretary may not judge their own work.
    "rectification-review": Probe(
        "post",
        lambda w: reverse("rectification-review", args=[w.a["rectification"].pk]),
        {"admin": 400, "assessor": 400, **API_WRITE_OBJECT},
        {"accept": True},
        "json",
    ),
}


def _merge_rows() -> None:
    """Rows kept beside the pages they probe (``tests/<app>/matrix_*.py`` with ``ROWS``)."""
    import importlib
    import pkgutil

    import tests

    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("matrix_"):
            rows = importlib.import_module(module.name).ROWS
            overlap = set(rows) & set(MATRIX)
            assert not overlap, f"{module.name} repeats rows: {overlap}"
            MATRIX.update(rows)


_merge_rows()

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
    world = World(cast)
    client = cast.client_for(None if user == "anon" else user)
    kwargs: dict[str, Any] = {"data": probe.data or {}}
    if probe.encoding == "json":
        kwargs["content_type"] = "application/json"
    response = getattr(client, probe.method)(probe.url(world), **kwargs)
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
