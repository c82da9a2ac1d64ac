"""The fragment cache's key and the prepared statements behind the busiest pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from organizations import fragments
from organizations.models import OrgUnit
from organizations.prepared import rows_prepared, values_prepared
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user

pytestmark = pytest.mark.django_db


def test_the_code_version_changes_with_any_template_module_or_catalogue(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "page.html").write_text("<p>一</p>")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("x = 1")

    def version() -> str:
        fragments.code_version.cache_clear()
        with override_settings(BASE_DIR=tmp_path):
            return fragments.code_version()

    try:
        first = version()
        (tmp_path / "tests" / "test_x.py").write_text("x = 2")  # not served: no change
        assert version() == first
        (tmp_path / "app" / "page.html").write_text("<p>二</p>")
        second = version()
        assert second != first
        (tmp_path / "app" / "django.mo").write_bytes(b"\x00")
        assert version() not in (first, second)
    finally:
        fragments.code_version.cache_clear()


def test_the_key_names_the_user_the_language_the_query_and_the_inputs(cast) -> None:
    from django.utils import translation

    def key(user, inputs=(1,), lang="zh-hans", **query) -> str:
        request = RequestFactory().get("/assessments/", query)
        request.user = user
        request.actor = actor_for_user(user)
        with translation.override(lang):
            return fragments.fragment_key(request, "x.html", inputs)

    base = key(cast.assessor)
    assert key(cast.assessor) == base
    others = [
        key(cast.assessor_a2), key(cast.assessor, inputs=(2,)), key(cast.assessor, lang="en"),
        key(cast.assessor, page="2"),
    ]  # fmt: skip
    assert base not in others and len(set(others)) == len(others)


def test_prepared_statements_keep_to_the_tenant_set_when_they_run(cast) -> None:
    """Prepared under one tenant, run under another: row-level security applies to each
    execution (PostgreSQL; on SQLite the statement simply runs)."""
    sql = f"SELECT name FROM {OrgUnit._meta.db_table} WHERE kind = %s ORDER BY name"
    names = {}
    for tenant in (cast.tenant_a, cast.tenant_b, cast.tenant_a):
        with tenant_context(tenant.pk):
            names[tenant.pk] = {n for (n,) in rows_prepared("kp_test_units", sql, ["street"])}
            expected = set(OrgUnit.objects.filter(kind="street").values_list("name", flat=True))
            assert names[tenant.pk] == expected
    if connection.vendor == "postgresql":
        assert cast.street_a1.name in names[cast.tenant_a.pk]
        assert cast.street_a1.name not in names[cast.tenant_b.pk]


def test_values_prepared_reads_as_the_orm_does(cast) -> None:
    with tenant_context(cast.tenant_a.pk):
        rows = OrgUnit.objects.filter(kind="community").order_by("pk").values_list("pk", "name")
        assert values_prepared(rows) == list(rows)
        assert values_prepared(rows.filter(pk__in=[])) == []  # a condition no row meets


def test_the_menu_is_read_back_with_the_readers_name_and_csrf_token(cast) -> None:
    """The layout's menu (``{% chrome %}``) is kept per user, roles, language and address:
    a renamed user shows at once, and its forms carry the request's own CSRF token."""
    import re

    from django.test import Client
    from django.urls import reverse

    from organizations.models import User

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.assessor)
    home = reverse("home")
    first, second = (client.get(home).content.decode() for _read in range(2))
    assert "kp-csrf-" not in second
    menu = re.compile(r'<nav class="navbar.*?</nav>', re.S)
    tokens = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert tokens.sub("", menu.search(first)[0]) == tokens.sub("", menu.search(second)[0])
    with tenant_context(cast.tenant_a.pk):
        User.objects.filter(pk=cast.assessor.pk).update(full_name="新名字")
    client.force_login(User.objects.get(pk=cast.assessor.pk))
    page = client.get(home).content.decode()
    assert "新名字" in menu.search(page)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302


def test_text_a_user_typed_never_becomes_a_csrf_token(cast) -> None:
    """Each fragment's CSRF marker is random: a search that looks like one is shown as typed."""
    from django.urls import reverse

    client = cast.client_for("admin")
    for typed in ("kp-csrf-3b1f0e9d5c", "kp-csrf-"):
        for _read in range(2):
            html = client.get(reverse("assessments:list"), {"q": typed}).content.decode()
            assert f'value="{typed}"' in html


def test_a_query_parameter_the_page_does_not_read_makes_no_new_fragment(cast) -> None:
    from django.core.cache import cache
    from django.urls import reverse

    client = cast.client_for("admin")
    url = reverse("assessments:list")
    client.get(url)
    before = fragments.fragment_key
    keys: list[str] = []

    def spy(*args, **kwargs):
        keys.append(before(*args, **kwargs))
        return keys[-1]

    import unittest.mock

    with unittest.mock.patch.object(fragments, "fragment_key", spy):
        client.get(url, {"utm": "1"})
        client.get(url, {"utm": "2"})
        client.get(url, {"state": "scoring"})
    list_keys = [k for k in keys if k.startswith("fragment:assessments/")]
    assert list_keys[0] == list_keys[1] != list_keys[2]
    assert cache.get(list_keys[0]) is not None


def test_a_page_is_served_when_the_shared_cache_fails(cast) -> None:
    import unittest.mock

    from django.urls import reverse

    fragments.forget_local_fragments()
    with (
        unittest.mock.patch.object(fragments.cache, "get", side_effect=ConnectionError),
        unittest.mock.patch.object(fragments.cache, "set", side_effect=ConnectionError),
    ):
        response = cast.client_for("admin").get(reverse("assessments:list"))
    assert response.status_code == 200


def test_a_statement_postgresql_will_not_prepare_runs_as_it_is(cast) -> None:
    """A parameter whose type PostgreSQL cannot tell is refused by PREPARE; the statement
    then runs as plain SQL, and the transaction it ran in goes on."""
    from django.db import transaction

    with transaction.atomic():
        assert rows_prepared("kp_test_untyped", "SELECT %s IS NULL", ["x"]) == [(False,)]
        assert rows_prepared("kp_test_untyped", "SELECT %s IS NULL", ["x"]) == [(False,)]
        with tenant_context(cast.tenant_a.pk):
            assert OrgUnit.objects.filter(kind="street").exists()
