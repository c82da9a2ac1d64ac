"""Who may reach what: every route of the project × every user of the cast.

A route with no row in MATRIX fails ``test_every_route_is_in_the_matrix``, so a new page or
endpoint cannot ship without saying who may use it. ``test_probe_matrix`` sends every route
its stated request and, empty, every other method it may accept, as each user of the cast
(two tenants, two streets, each role, anonymous): the status MATRIX states, no row of
another tenant, street or community in any body (HTML, JSON, PDF, workbook), and no change
to any table from a refused write. The session ends with the report printed by
tests/conftest.py (routes, probes, leaks), quoted in docs/security.md.
"""

from __future__ import annotations

import copy
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
# Its numbers: the assessment is a draft, and a secretary sees numbers once published.
API_ASSESSMENT_NUMBERS = {**API_ASSESSMENT_OBJECT, "secretary": 404}

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
            API_ASSESSMENT_OBJECT if route == "detail" else API_ASSESSMENT_NUMBERS,
        )
        for route in ("detail", "result")
    },
    "assessment-what-if": Probe(
        "post",
        lambda w: reverse("assessment-what-if", args=[w.a["assessment"].pk]),
        API_ASSESSMENT_NUMBERS,
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


# Every user of the cast: two tenants, two streets of tenant A, each role, anonymous. The
# statuses of MATRIX are stated for USERS; every user's responses are searched for leaks.
CAST_USERS = [*USERS, "assessor_a2", "secretary_a21", "assessor_b", "secretary_b"]

# Marks appended to the free texts of the populated rows: community a11's (street a1),
# community a21's (street a2) and tenant B's.
MARK_A1, MARK_A2, MARK_B = "〔甲一探针〕", "〔甲二探针〕", "〔乙区探针〕"
A1 = [MARK_A1, "甲一街道", "甲一一社区", "甲一二社区"]
A2 = [MARK_A2, "甲二街道", "甲二一社区", "甲二二社区"]
B = [MARK_B, "乙区", "乙一街道", "乙一一社区", "b-admin", "b-assessor", "b-secretary"]
A = [*A1, *A2, "甲区", "a-admin", "a-leader", "a-assessor", "a-expert", "a-secretary"]
# What must never appear in a response to each user. The secretary of a11 may see the
# name of their own street, not its other community.
FORBIDDEN: dict[str, list[str]] = {
    "anon": [*A, *B],
    "admin": B,
    "leader": B,
    "assessor": [*A2, *B],
    "expert": [MARK_A1, MARK_A2, *B],
    "secretary": [*A2, "甲一二社区", *B],
    "admin_b": A,
    "assessor_a2": [*A1, *B],
    "secretary_a21": [*A1, "甲二二社区", *B],
    "assessor_b": A,
    "secretary_b": A,
}
# The resident's page names the community its QR code was printed for, to anyone holding
# the code: that is what the code is for.
SHOWN_BY_TOKEN = {"rate_card": {"甲一一社区"}, "rate_open": {"甲一一社区"}}
SAFE_METHODS = {"get", "head", "options"}
# Figures of the last run, printed at the end of the test session (tests/conftest.py).
FIGURES: dict[str, dict[str, int]] = {}


class ProbeWorld(World):
    """World, plus tenant B populated and rows of community a21 (street a2), each with its
    mark, so that a leak of any of them can be found in a response."""

    def __init__(self, cast: Any) -> None:
        from tests.populate import populate_peer, populate_tenant

        self.cast = cast
        self.a = populate_tenant(
            admin=cast.admin, secretary=cast.secretary, rater=cast.assessor, mark=MARK_A1
        )
        populate_peer(
            rows=self.a, secretary=cast.secretary_a21, rater=cast.assessor_a2, mark=MARK_A2
        )
        populate_tenant(
            admin=cast.admin_b, secretary=cast.secretary_b, rater=cast.assessor_b, mark=MARK_B
        )


def body_text(response: Any) -> str:
    """Everything a person could read in a response: HTML and JSON (with \\u escapes
    undone), the text of PDFs, the cells of workbooks, the names inside archives."""
    import io
    import json
    import zipfile

    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        except Exception:
            return content.decode("latin-1")
    if content.startswith(b"PK"):
        archive = zipfile.ZipFile(io.BytesIO(content))
        if "spreadsheet" in kind:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True)
            return " ".join(
                str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                for cell in row if cell is not None
            )  # fmt: skip
        return " ".join(archive.namelist())
    text = content.decode("utf-8", errors="replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def tenant_state(cast: Any) -> list[Any]:
    """A fingerprint of every table a request could change, per tenant under its RLS
    context: row counts everywhere, and on PostgreSQL a hash of every row's text."""
    from django.apps import apps
    from django.db import connection

    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
        - {"django_session", "django_migrations"}
    )
    if connection.vendor == "postgresql":
        parts = [
            f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t)"
            for table in tables
        ]
    else:
        parts = [f"(SELECT count(*) FROM {table})" for table in tables]
    state = []
    for tenant in (cast.tenant_a, cast.tenant_b):
        with tenant_context(tenant.pk), connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts))
            state.append(dict(zip(tables, cursor.fetchone(), strict=True)))
    return state


@pytest.mark.parametrize("user", CAST_USERS)
def test_probe_matrix(cast, user: str) -> None:
    """Every route, as this user: the expected status (for USERS), no other tenant's,
    street's or community's rows in the body, and a refused write changes nothing.

    The data is built once; each probe runs in a savepoint rolled back afterwards, so every
    probe sees the same world whatever the one before it wrote."""
    from django.db import transaction

    world = ProbeWorld(cast)
    client = cast.client_for(None if user == "anon" else user)
    forbidden = FORBIDDEN[user]
    wrong: list[Any] = []
    leaks: list[Any] = []
    changed: list[str] = []
    writes = 0
    probes = 0
    # Every probe is rolled back, so the state before each one is this one.
    baseline = tenant_state(cast)
    for route in sorted(MATRIX):
        probe = MATRIX[route]
        url = probe.url(world)
        # The stated method with its data, then the other methods a route may accept, sent
        # empty: those must not fail, leak or (refused) write either.
        others = {"get", "post"} | ({"patch", "delete"} if url.startswith("/api/") else set())
        for method in [probe.method, *sorted(others - {probe.method})]:
            stated = method == probe.method
            kwargs: dict[str, Any] = {"data": (probe.data or {}) if stated else {}}
            if probe.encoding == "json" or (not stated and method in ("patch", "delete")):
                kwargs["content_type"] = "application/json"
            write = method not in SAFE_METHODS
            # Logging out or switching the language must not carry over to the next probe.
            cookies = copy.deepcopy(client.cookies)
            with transaction.atomic():
                response = getattr(client, method)(url, **kwargs)
                probes += 1
                status = response.status_code
                if stated and user in USERS and status != probe.status_for(user):
                    wrong.append((route, status, probe.status_for(user)))
                elif status >= 500:
                    wrong.append((route, method, status))
                text = body_text(response)
                shown = SHOWN_BY_TOKEN.get(route, set())
                leaks += [(route, mark) for mark in forbidden if mark in text and mark not in shown]
                to_login = status == 302 and "/login" in response.get("Location", "")
                if write and (status in (401, 403, 404, 405) or to_login):
                    writes += 1
                    if tenant_state(cast) != baseline:
                        changed.append(f"{method} {route}")
                transaction.set_rollback(True)
            client.cookies = cookies
    FIGURES[user] = {"routes": len(MATRIX), "probes": probes, "leaks": len(leaks),
                     "refused_writes": writes, "changed": len(changed)}  # fmt: skip
    assert not wrong, f"{user}: (route, status, expected): {wrong}"
    assert not leaks, f"{user} saw rows outside their scope: {leaks}"
    assert not changed, f"{user}: refused writes that changed data: {changed}"


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
