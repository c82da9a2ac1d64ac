"""The browser scheme editor: scoped to the tenant, writes for tenant admins only, bad input
shown in place with nothing saved, and published versions frozen."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from indicators import services
from indicators.documents import scheme_to_document
from indicators.forms import PreviewForm
from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    Level,
    RaterGroup,
    Scheme,
    TargetOverride,
    VetoItem,
)
from indicators.selectors import scheme_detail
from indicators.templates import template_document
from organizations.selectors import actor_for_user
from organizations.tenancy import Actor

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NON_ADMINS = ["leader", "assessor", "expert", "secretary"]
# Session, user, roles, count, page, session save, the savepoints around them, and on
# PostgreSQL the tenant setting: none of it grows with the number of schemes.
LIST_QUERIES = 11


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are compared in their English source form, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_actor(cast: Any) -> Actor:
    actor = actor_for_user(cast.admin)
    assert actor is not None
    return actor


@pytest.fixture
def scheme(cast: Any, admin_actor: Actor, as_tenant: Any) -> Scheme:
    """Tenant A's draft, started from the 基础·发展·特色 template."""
    document = template_document(
        "jichu-fazhan-tese", scheme_code="a-2026", year=2026, name="甲区2026年社区书记考核"
    )
    with as_tenant(cast.tenant_a):
        return services.scheme_create_from_document(actor=admin_actor, document=document)


@pytest.fixture
def published(cast: Any, admin_actor: Actor, as_tenant: Any, scheme: Scheme) -> Scheme:
    with as_tenant(cast.tenant_a):
        return services.scheme_publish(actor=admin_actor, scheme=scheme)


def _url(name: str, *args: Any) -> str:
    return reverse(f"indicators:{name}", args=args)


def _document(scheme: Scheme, as_tenant: Any, tenant: Any) -> dict[str, Any]:
    with as_tenant(tenant):
        return scheme_to_document(Scheme.objects.get(pk=scheme.pk))


def _weights_post(scheme: Scheme, as_tenant: Any, tenant: Any, **changes: Any) -> dict[str, str]:
    """The weights form as the page submits it, with some weights changed (by code)."""
    with as_tenant(tenant):
        categories = list(Category.objects.filter(scheme=scheme))
        groups = list(RaterGroup.objects.filter(scheme=scheme))
    data = {f"category_{c.pk}": str(changes.get(c.code, c.weight)) for c in categories}
    data |= {f"group_{g.pk}": str(changes.get(g.code, g.weight)) for g in groups}
    return data


def _first_indicator(scheme: Scheme, as_tenant: Any, tenant: Any, method: str) -> Indicator:
    with as_tenant(tenant):
        return Indicator.objects.filter(scheme=scheme, method=method).order_by("pk").first()


# The list ---------------------------------------------------------------------------------


def _add_schemes(admin_actor: Actor, as_tenant: Any, tenant: Any, start: int, count: int) -> None:
    with as_tenant(tenant):
        for n in range(start, start + count):
            document = {"scheme": {"code": f"s{n:03}", "name": f"方案{n:03}", "year": 2025}}
            services.scheme_create_from_document(actor=admin_actor, document=document)


def test_list_is_paginated_and_its_query_count_does_not_grow(
    cast, admin_actor, as_tenant, scheme, django_assert_max_num_queries
):
    client = cast.client_for("admin")
    url = _url("list")
    _add_schemes(admin_actor, as_tenant, cast.tenant_a, 0, 5)
    client.get(url)  # warm up the session and the actor
    with django_assert_max_num_queries(LIST_QUERIES) as few:
        small = client.get(url)
    _add_schemes(admin_actor, as_tenant, cast.tenant_a, 5, 40)
    with django_assert_max_num_queries(LIST_QUERIES) as many:
        page_one = client.get(url)
    assert len(few) == len(many)
    assert small.status_code == page_one.status_code == 200
    assert len(page_one.context["page"].object_list) == 25
    assert page_one.context["page"].paginator.count == 46
    page_two = client.get(url, {"page": 2})
    assert len(page_two.context["page"].object_list) == 21


def test_list_searches_and_filters_by_state(cast, admin_actor, as_tenant, published):
    _add_schemes(admin_actor, as_tenant, cast.tenant_a, 0, 3)
    client = cast.client_for("leader")
    found = client.get(_url("list"), {"q": "a-2026"}).context["page"].object_list
    assert [s.pk for s in found] == [published.pk]
    drafts = client.get(_url("list"), {"state": "draft"}).context["page"].object_list
    assert {s.code for s in drafts} == {"s000", "s001", "s002"}
    by_name = client.get(_url("list"), {"q": "方案001"}).context["page"].object_list
    assert [s.code for s in by_name] == ["s001"]


def test_list_shows_only_the_own_tenant_and_every_role_may_read(cast, scheme):
    for name in [*NON_ADMINS, "admin"]:
        response = cast.client_for(name).get(_url("list"))
        assert response.status_code == 200, name
        assert scheme.name in response.content.decode()
    other = cast.client_for("admin_b").get(_url("list"))
    assert other.status_code == 200
    assert scheme.name not in other.content.decode()
    assert cast.client_for(None).get(_url("list")).status_code == 302


def test_empty_list_tells_an_admin_to_start_from_a_template(cast):
    html = cast.client_for("admin").get(_url("list"), **EN).content.decode()
    assert "Start from a template" in html
    assert "社区书记年度考核方案（基础·发展·特色）" in html
    assert 'name="template"' in html and 'type="file"' in html
    reader = cast.client_for("leader").get(_url("list"), **EN).content.decode()
    assert 'name="template"' not in reader and "No indicator scheme has been set up" in reader


def test_new_scheme_from_a_template(cast, as_tenant):
    response = cast.client_for("admin").post(
        _url("create"),
        {"template": "sige-weidu", "code": "four", "name": "四个维度", "year": 2027},
    )
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        created = Scheme.objects.get(code="four")
        assert created.state == "draft" and created.year == 2027
        assert Category.objects.filter(scheme=created).count() == 4
    assert response["Location"] == _url("detail", created.pk)


def test_new_scheme_with_a_taken_code_says_so_and_creates_nothing(cast, as_tenant, scheme):
    response = cast.client_for("admin").post(
        _url("create"),
        {"template": "sige-weidu", "code": "a-2026", "name": "重复", "year": 2026},
        **EN,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.filter(code="a-2026").count() == 1


# Scoping and roles ------------------------------------------------------------------------


def test_another_tenants_admin_gets_404_everywhere(cast, as_tenant, scheme):
    client = cast.client_for("admin_b")
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "quantitative")
    with as_tenant(cast.tenant_a):
        item = AdjustmentItem.objects.filter(scheme=scheme).first()
        veto = VetoItem.objects.filter(scheme=scheme).first()
    gets = [
        _url("detail", scheme.pk),
        _url("validate", scheme.pk),
        _url("export", scheme.pk),
        _url("publish", scheme.pk),
        _url("retire", scheme.pk),
        _url("delete", scheme.pk),
        _url("indicator_create", scheme.pk),
        _url("indicator_edit", scheme.pk, indicator.pk),
        _url("indicator_delete", scheme.pk, indicator.pk),
        _url("adjustment_create", scheme.pk),
        _url("adjustment_delete", scheme.pk, item.pk),
        _url("veto_create", scheme.pk),
        _url("veto_delete", scheme.pk, veto.pk),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        _url("preview", scheme.pk),
        _url("weights", scheme.pk),
        _url("publish", scheme.pk),
        _url("new_version", scheme.pk),
        _url("delete", scheme.pk),
        _url("indicator_edit", scheme.pk, indicator.pk),
        _url("indicator_delete", scheme.pk, indicator.pk),
    ]
    for url in posts:
        assert client.post(url, {"community_type": "urban"}).status_code == 404, url
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.get(pk=scheme.pk).state == "draft"
        assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_a_part_of_another_scheme_is_404(cast, admin_actor, as_tenant, scheme):
    _add_schemes(admin_actor, as_tenant, cast.tenant_a, 0, 1)
    with as_tenant(cast.tenant_a):
        other = Scheme.objects.get(code="s000")
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "quantitative")
    client = cast.client_for("admin")
    assert client.get(_url("indicator_edit", other.pk, indicator.pk)).status_code == 404


@pytest.mark.parametrize("user", NON_ADMINS)
def test_non_admins_read_but_may_not_write(cast, as_tenant, scheme, user):
    client = cast.client_for(user)
    assert client.get(_url("detail", scheme.pk)).status_code == 200
    assert client.get(_url("validate", scheme.pk)).status_code == 200
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "quantitative")
    before = _document(scheme, as_tenant, cast.tenant_a)
    writes = [
        ("get", _url("publish", scheme.pk)),
        ("post", _url("publish", scheme.pk)),
        ("post", _url("weights", scheme.pk)),
        ("post", _url("new_version", scheme.pk)),
        ("post", _url("delete", scheme.pk)),
        ("post", _url("retire", scheme.pk)),
        ("get", _url("indicator_create", scheme.pk)),
        ("post", _url("indicator_edit", scheme.pk, indicator.pk)),
        ("post", _url("indicator_delete", scheme.pk, indicator.pk)),
        ("post", _url("adjustment_create", scheme.pk)),
        ("post", _url("veto_create", scheme.pk)),
        ("get", _url("create")),
        ("post", _url("import")),
    ]
    for method, url in writes:
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert _document(scheme, as_tenant, cast.tenant_a) == before
    html = client.get(_url("detail", scheme.pk)).content.decode()
    assert _url("weights", scheme.pk) not in html and _url("publish", scheme.pk) not in html


# The detail page and weights --------------------------------------------------------------


def test_detail_shows_the_sections_and_the_editor_for_a_draft(
    cast, scheme, django_assert_max_num_queries
):
    client = cast.client_for("admin")
    client.get(_url("detail", scheme.pk))
    with django_assert_max_num_queries(20):
        response = client.get(_url("detail", scheme.pk), **EN)
    html = response.content.decode()
    for text in ["基础指标", "组织评价", "Bonus and deduction items", "Veto items", "Live preview"]:
        assert text in html
    assert _url("weights", scheme.pk) in html
    assert 'data-weight="categories"' in html and 'data-weight-sum="rater_groups"' in html
    assert "js/scheme-editor.js" in html
    assert 'hx-post="{}"'.format(_url("preview", scheme.pk)) in html


def test_weights_not_adding_up_show_the_error_in_place_and_save_nothing(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    before = _document(scheme, as_tenant, cast.tenant_a)
    # 基础 40 → 35: categories add up to 95; the (unchanged) groups are fine.
    data = _weights_post(scheme, as_tenant, cast.tenant_a, jichu=Decimal(35))
    response = client.post(_url("weights", scheme.pk), data, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    message = "Category weights must add up to 100%; they add up to 95%."
    assert message in html
    # In place: right after the category table, not the rater-group one.
    assert html.index('id="category-weights"') < html.index(message)
    assert html.index(message) < html.index('id="group-weights"')
    assert "Rater group weights must add up" not in html
    assert 'value="35"' in html or 'value="35.00"' in html  # what was typed stays
    assert _document(scheme, as_tenant, cast.tenant_a) == before

    data = _weights_post(scheme, as_tenant, cast.tenant_a, jichu=Decimal(35), fazhan=Decimal(35))
    response = client.post(_url("weights", scheme.pk), data)
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        weights = dict(Category.objects.filter(scheme=scheme).values_list("code", "weight"))
    assert weights["jichu"] == 35 and weights["fazhan"] == 35


def test_both_tables_wrong_and_a_bad_number_say_so_each(cast, as_tenant, scheme):
    with as_tenant(cast.tenant_a):
        group = RaterGroup.objects.filter(scheme=scheme).order_by("pk").first()
    data = _weights_post(scheme, as_tenant, cast.tenant_a, jichu=Decimal(50))
    data[f"group_{group.pk}"] = "90"
    response = cast.client_for("admin").post(_url("weights", scheme.pk), data, **EN)
    html = response.content.decode()
    assert "Category weights must add up to 100%; they add up to 110%." in html
    assert "Rater group weights must add up to 100%" in html
    data[f"group_{group.pk}"] = "abc"
    response = cast.client_for("admin").post(_url("weights", scheme.pk), data, **EN)
    assert response.context["weights_form"].errors[f"group_{group.pk}"]


def test_weights_of_a_published_version_cannot_change(cast, as_tenant, published):
    before = _document(published, as_tenant, cast.tenant_a)
    data = _weights_post(published, as_tenant, cast.tenant_a, jichu=Decimal(30), fazhan=Decimal(40))
    response = cast.client_for("admin").post(_url("weights", published.pk), data, **EN)
    assert response.status_code == 200
    assert "published and cannot be changed" in response.content.decode()
    assert _document(published, as_tenant, cast.tenant_a) == before


# Validate, publish, new version, retire, delete -------------------------------------------


def test_validate_lists_each_problem_with_its_place(cast, admin_actor, as_tenant, scheme):
    with as_tenant(cast.tenant_a):
        category = Category.objects.get(scheme=scheme, code="jichu")
        services.category_save(
            actor=admin_actor, scheme=scheme, category=category, weight=Decimal(20)
        )
    response = cast.client_for("leader").get(_url("validate", scheme.pk), **EN)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert [p["field"] for p in problems] == ["categories.weight"]
    assert problems[0]["place"] == "Categories"
    assert "they add up to 80%" in response.content.decode()


def test_publish_asks_first_then_publishes(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    page = client.get(_url("publish", scheme.pk), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post">' in html and "A published version is frozen" in html
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.get(pk=scheme.pk).state == "draft"
    response = client.post(_url("publish", scheme.pk))
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.get(pk=scheme.pk).state == "published"
    detail = client.get(_url("detail", scheme.pk), **EN).content.decode()
    assert "Published versions cannot change; make a new version to edit." in detail
    assert _url("weights", scheme.pk) not in detail
    assert _url("new_version", scheme.pk) in detail


def test_publish_is_refused_with_the_problems_shown(cast, admin_actor, as_tenant, scheme):
    with as_tenant(cast.tenant_a):
        group = RaterGroup.objects.filter(scheme=scheme).order_by("pk").first()
        services.rater_group_save(actor=admin_actor, scheme=scheme, group=group, weight=Decimal(1))
    client = cast.client_for("admin")
    page = client.get(_url("publish", scheme.pk), **EN).content.decode()
    assert "cannot be published yet" in page and "Rater group weights must add up" in page
    assert '<form method="post">' not in page
    response = client.post(_url("publish", scheme.pk), **EN)
    assert response.status_code == 200
    assert "Rater group weights must add up" in response.content.decode()
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.get(pk=scheme.pk).state == "draft"


def test_new_version_of_a_published_scheme_is_an_editable_draft(cast, as_tenant, published):
    client = cast.client_for("admin")
    response = client.post(_url("new_version", published.pk))
    with as_tenant(cast.tenant_a):
        draft = Scheme.objects.get(code=published.code, version=2)
    assert response.status_code == 302 and response["Location"] == _url("detail", draft.pk)
    assert draft.state == "draft" and draft.based_on_id == published.pk
    html = client.get(_url("detail", draft.pk)).content.decode()
    assert _url("detail", published.pk) in html  # the version list links the other version
    assert _url("weights", draft.pk) in html
    again = client.post(_url("new_version", published.pk), follow=True, **EN)
    assert "already has a draft version" in again.content.decode()


def test_retire_asks_first_then_retires(cast, as_tenant, published):
    client = cast.client_for("admin")
    assert '<form method="post">' in client.get(_url("retire", published.pk)).content.decode()
    assert client.post(_url("retire", published.pk)).status_code == 302
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.get(pk=published.pk).state == "retired"


def test_delete_draft_asks_first_and_a_published_version_stays(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    page = client.get(_url("delete", scheme.pk))
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    response = client.post(_url("delete", scheme.pk))
    assert response.status_code == 302 and response["Location"] == _url("list")
    with as_tenant(cast.tenant_a):
        assert not Scheme.objects.filter(pk=scheme.pk).exists()


def test_deleting_a_published_version_is_refused(cast, as_tenant, published):
    response = cast.client_for("admin").post(_url("delete", published.pk), follow=True, **EN)
    assert "cannot be changed" in response.content.decode()
    with as_tenant(cast.tenant_a):
        assert Scheme.objects.filter(pk=published.pk).exists()


def test_export_downloads_a_workbook(cast, scheme):
    response = cast.client_for("expert").get(_url("export", scheme.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="a-2026-v1.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 3


# Indicators -------------------------------------------------------------------------------


def _indicator_post(scheme: Scheme, as_tenant: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    with as_tenant(tenant):
        category = Category.objects.filter(scheme=scheme).order_by("order").first()
        group = RaterGroup.objects.filter(scheme=scheme).order_by("order").first()
    data: dict[str, Any] = {
        "category": category.pk, "code": "new-one", "name": "新指标", "description": "",
        "max_points": "5", "method": "qualitative", "direction": "higher", "target": "",
        "floor": "", "unit": "", "rater_groups": [group.pk],
        "levels-TOTAL_FORMS": "4", "levels-INITIAL_FORMS": "0",
        "overrides-TOTAL_FORMS": "2", "overrides-INITIAL_FORMS": "0",
    }  # fmt: skip
    levels = [("A", "优", "90", "100"), ("B", "良", "75", "90"), ("C", "中", "60", "75")]
    levels.append(("D", "差", "0", "60"))
    for n, (code, label, low, high) in enumerate(levels):
        data |= {
            f"levels-{n}-code": code, f"levels-{n}-label": label,
            f"levels-{n}-min_percent": low, f"levels-{n}-max_percent": high,
            f"levels-{n}-description": f"{label}的表现",
        }  # fmt: skip
    return data | fields


def test_indicator_form_creates_with_levels_groups_and_overrides(cast, as_tenant, scheme):
    data = _indicator_post(scheme, as_tenant, cast.tenant_a)
    client = cast.client_for("admin")
    assert client.get(_url("indicator_create", scheme.pk)).status_code == 200
    response = client.post(_url("indicator_create", scheme.pk), data)
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        indicator = Indicator.objects.get(scheme=scheme, code="new-one")
        assert Level.objects.filter(indicator=indicator).count() == 4
        assert indicator.rater_groups.count() == 1

    quantitative = data | {
        "code": "quant", "method": "quantitative", "target": "95", "unit": "%",
        "community_types": ["rural"],
        "overrides-0-community_type": "mountain", "overrides-0-target": "80",
    }  # fmt: skip
    for n in range(4):
        for field in ("code", "label", "min_percent", "max_percent", "description"):
            quantitative[f"levels-{n}-{field}"] = ""
    assert client.post(_url("indicator_create", scheme.pk), quantitative).status_code == 302
    with as_tenant(cast.tenant_a):
        quant = Indicator.objects.get(scheme=scheme, code="quant")
        assert quant.target == 95 and quant.community_types == ["rural"]
        override = TargetOverride.objects.get(indicator=quant)
        assert (override.community_type, override.target) == ("mountain", 80)


def test_indicator_form_errors_are_in_place_and_nothing_is_saved(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    before = _document(scheme, as_tenant, cast.tenant_a)
    data = _indicator_post(scheme, as_tenant, cast.tenant_a, method="quantitative")
    response = client.post(_url("indicator_create", scheme.pk), data, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A quantitative indicator needs a target." in html
    assert "Only qualitative indicators have levels" not in html  # one thing at a time is fine
    data = _indicator_post(scheme, as_tenant, cast.tenant_a, **{"levels-1-description": ""})
    data["rater_groups"] = []
    response = client.post(_url("indicator_create", scheme.pk), data, **EN)
    assert response.context["form"].errors["rater_groups"]
    assert response.context["levels"].forms[1].errors["description"]
    # A code already used in the scheme: refused by the service, shown, nothing saved.
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "qualitative")
    data = _indicator_post(scheme, as_tenant, cast.tenant_a, code=indicator.code)
    response = client.post(_url("indicator_create", scheme.pk), data, **EN)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert _document(scheme, as_tenant, cast.tenant_a) == before


def test_editing_an_indicator_replaces_its_levels(cast, as_tenant, scheme):
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "qualitative")
    client = cast.client_for("admin")
    page = client.get(_url("indicator_edit", scheme.pk, indicator.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["code"] == indicator.code
    assert len(page.context["levels"].forms) == 4
    data = _indicator_post(scheme, as_tenant, cast.tenant_a, code=indicator.code, name="改名")
    assert client.post(_url("indicator_edit", scheme.pk, indicator.pk), data).status_code == 302
    with as_tenant(cast.tenant_a):
        indicator.refresh_from_db()
        assert indicator.name == "改名" and indicator.max_points == 5
        assert sorted(indicator.levels.values_list("code", flat=True)) == ["A", "B", "C", "D"]


def test_editing_a_published_version_through_the_form_is_refused(cast, as_tenant, published):
    indicator = _first_indicator(published, as_tenant, cast.tenant_a, "qualitative")
    before = _document(published, as_tenant, cast.tenant_a)
    client = cast.client_for("admin")
    page = client.get(_url("indicator_edit", published.pk, indicator.pk), **EN).content.decode()
    assert "Published versions cannot change; make a new version to edit." in page
    data = _indicator_post(published, as_tenant, cast.tenant_a, code=indicator.code, name="改")
    response = client.post(_url("indicator_edit", published.pk, indicator.pk), data, **EN)
    assert response.status_code == 200
    assert "published and cannot be changed" in response.content.decode()
    response = client.post(_url("indicator_delete", published.pk, indicator.pk), follow=True, **EN)
    assert "published and cannot be changed" in response.content.decode()
    assert _document(published, as_tenant, cast.tenant_a) == before


def test_deleting_an_indicator_asks_first(cast, as_tenant, scheme):
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "yes_no")
    client = cast.client_for("admin")
    url = _url("indicator_delete", scheme.pk, indicator.pk)
    assert '<form method="post">' in client.get(url).content.decode()
    with as_tenant(cast.tenant_a):
        assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert client.post(url).status_code == 302
    with as_tenant(cast.tenant_a):
        assert not Indicator.objects.filter(pk=indicator.pk).exists()


# Bonus, deduction and veto items ----------------------------------------------------------


def test_add_and_delete_bonus_deduction_and_veto_items(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    response = client.post(
        _url("adjustment_create", scheme.pk),
        {"kind": "bonus", "code": "award", "name": "省级表彰", "points_per_occurrence": "2",
         "cap": "4"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        _url("veto_create", scheme.pk),
        {"code": "crime", "name": "违法违纪", "description": "受到党纪政务处分"},
    )
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        item = AdjustmentItem.objects.get(scheme=scheme, code="award")
        veto = VetoItem.objects.get(scheme=scheme, code="crime")
    assert item.cap == 4
    assert client.post(_url("adjustment_delete", scheme.pk, item.pk)).status_code == 302
    assert client.post(_url("veto_delete", scheme.pk, veto.pk)).status_code == 302
    with as_tenant(cast.tenant_a):
        assert not AdjustmentItem.objects.filter(pk=item.pk).exists()
        assert not VetoItem.objects.filter(pk=veto.pk).exists()


def test_bad_items_are_refused_in_place(cast, as_tenant, scheme):
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "quantitative")
    client = cast.client_for("admin")
    response = client.post(
        _url("adjustment_create", scheme.pk),
        {"kind": "bonus", "code": "x", "name": "x", "points_per_occurrence": "0",
         "indicator": indicator.pk},
        **EN,
    )  # fmt: skip
    errors = response.context["form"].errors
    assert errors["points_per_occurrence"] and errors["indicator"]
    response = client.post(_url("veto_create", scheme.pk), {"code": "v", "name": "v"}, **EN)
    assert response.context["form"].errors["description"]
    with as_tenant(cast.tenant_a):
        assert not AdjustmentItem.objects.filter(scheme=scheme, code="x").exists()
        assert not VetoItem.objects.filter(scheme=scheme, code="v").exists()


# Live preview -----------------------------------------------------------------------------


def _full_marks(scheme: Scheme, as_tenant: Any, tenant: Any) -> dict[str, Any]:
    with as_tenant(tenant):
        form = PreviewForm(detail=scheme_detail(scheme=scheme))
    data = {name: field.initial for name, field in form.fields.items()}
    return {name: "" if value is None else value for name, value in data.items()}


@pytest.mark.parametrize("user", ["secretary", "admin"])
def test_preview_at_full_marks_scores_100(cast, as_tenant, published, user):
    data = _full_marks(published, as_tenant, cast.tenant_a)
    data = {k: v for k, v in data.items() if not k.startswith("veto_")}
    response = cast.client_for(user).post(
        _url("preview", published.pk), data, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert (
        result["total"] == "100.00" and result["complete"] and result["grade_label"] == "Excellent"
    )
    html = response.content.decode()
    assert "<html" not in html  # htmx gets the partial
    assert "data-preview-total>100.00<" in html and "<details" in html


def test_preview_lists_what_is_missing_and_saves_nothing(cast, as_tenant, scheme):
    before = _document(scheme, as_tenant, cast.tenant_a)
    data = _full_marks(scheme, as_tenant, cast.tenant_a)
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "quantitative")
    data[f"value_{indicator.code}"] = ""
    veto = next(name for name in data if name.startswith("veto_"))
    data[veto] = "on"
    response = cast.client_for("assessor").post(_url("preview", scheme.pk), data, **EN)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result["complete"] and result["vetoed"]
    assert {m["indicator"] for m in result["missing"]} == {indicator.code}
    html = response.content.decode()
    assert "<html" in html  # without htmx: a whole page
    assert indicator.name in html and "Incomplete" in html
    assert _document(scheme, as_tenant, cast.tenant_a) == before


def test_preview_with_a_bad_value_says_which(cast, as_tenant, scheme):
    data = _full_marks(scheme, as_tenant, cast.tenant_a)
    indicator = _first_indicator(scheme, as_tenant, cast.tenant_a, "qualitative")
    data[f"value_{indicator.code}"] = "150"
    response = cast.client_for("admin").post(
        _url("preview", scheme.pk), data, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200 and response.context["result"] is None
    assert indicator.name in response.content.decode()


# Excel import -----------------------------------------------------------------------------


def test_importing_a_bad_workbook_lists_the_errors_and_imports_nothing(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    exported = client.get(_url("export", scheme.pk)).content
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    # A new code for the family, and a year that is not a number.
    for row in workbook["方案"].iter_rows(min_row=1):
        if row[0].value == "方案代码":
            row[1].value = "imported"
        if row[0].value == "年度":
            row[1].value = "明年"
            year_row = row[0].row
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "bad.xlsx"
    buffer.seek(0)
    response = client.post(_url("import"), {"file": buffer}, **EN)
    assert response.status_code == 200
    errors = response.context["sheet_errors"]
    assert [(e.sheet, e.row, e.column) for e in errors] == [("方案", year_row, "年度")]
    html = response.content.decode()
    assert "Nothing was imported" in html and errors[0].message in html
    assert f"<td>方案</td><td>{year_row}</td><td>年度</td>" in html
    with as_tenant(cast.tenant_a):
        assert not Scheme.objects.filter(code="imported").exists()


def test_importing_something_that_is_not_a_workbook(cast, as_tenant):
    upload = io.BytesIO(b"not a workbook")
    upload.name = "scheme.xlsx"
    response = cast.client_for("admin").post(_url("import"), {"file": upload}, **EN)
    assert response.status_code == 200
    assert "“scheme.xlsx” is not a genuine Excel file" in response.content.decode()
    upload = io.BytesIO(b"a,b")
    upload.name = "scheme.csv"
    response = cast.client_for("admin").post(_url("import"), {"file": upload}, **EN)
    assert response.context["form"].errors["file"]
    with as_tenant(cast.tenant_a):
        assert not Scheme.objects.exists()


def test_importing_an_exported_workbook_under_a_new_code(cast, as_tenant, scheme):
    client = cast.client_for("admin")
    exported = client.get(_url("export", scheme.pk)).content
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    for row in workbook["方案"].iter_rows(min_row=1):
        if row[0].value == "方案代码":
            row[1].value = "copied"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "copy.xlsx"
    buffer.seek(0)
    response = client.post(_url("import"), {"file": buffer})
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        copied = Scheme.objects.get(code="copied")
    assert response["Location"] == _url("detail", copied.pk)
