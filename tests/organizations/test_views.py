from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Membership, OrgUnit, User
from tests import factories as f


def test_unit_form_shows_the_error_in_place_and_saves_nothing(cast, as_tenant):
    client = cast.client_for("admin")
    response = client.post(
        reverse("organizations:unit_create"),
        {
            "kind": "community",
            "name": "错位社区",
            "code": "bad1",
            "parent": cast.district_a.pk,
            "community_type": "urban",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "must be placed directly under a Street" in response.content.decode()
    with as_tenant(cast.tenant_a):
        assert not OrgUnit.objects.filter(code="bad1").exists()


def test_unit_form_refuses_a_parent_outside_the_tenant(cast, as_tenant):
    response = cast.client_for("admin").post(
        reverse("organizations:unit_create"),
        {"kind": "street", "name": "越界", "code": "bad2", "parent": cast.district_b.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    with as_tenant(cast.tenant_a):
        assert not OrgUnit.objects.filter(code="bad2").exists()


def test_unit_form_creates_and_redirects_to_the_tree(cast, as_tenant):
    response = cast.client_for("admin").post(
        reverse("organizations:unit_create"),
        {
            "kind": "community",
            "name": "新建社区",
            "code": "a13",
            "parent": cast.street_a1.pk,
            "community_type": "mountain",
        },
    )
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        assert OrgUnit.objects.get(code="a13").community_type == "mountain"


def test_duplicate_code_is_a_field_error(cast):
    response = cast.client_for("admin").post(
        reverse("organizations:unit_create"),
        {
            "kind": "community",
            "name": "重复",
            "code": "a11",
            "parent": cast.street_a1.pk,
            "community_type": "urban",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_unit_edit_renames(cast, as_tenant):
    url = reverse("organizations:unit_edit", args=[cast.community_a12.pk])
    response = cast.client_for("admin").post(
        url, {"name": "改名社区", "code": "a12", "community_type": "rural", "is_active": "on"}
    )
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        cast.community_a12.refresh_from_db()
    assert cast.community_a12.name == "改名社区"


def test_user_create_then_grant_a_role(cast, as_tenant):
    client = cast.client_for("admin")
    response = client.post(
        reverse("organizations:user_create"),
        {"username": "newbie", "full_name": "新同事", "password": "Strong-pass-2026"},
    )
    user = User.objects.get(username="newbie")
    assert response.status_code == 302 and user.tenant == cast.tenant_a
    response = client.post(
        reverse("organizations:user_detail", args=[user.pk]),
        {"role": "street_assessor", "unit": cast.street_a2.pk},
    )
    assert response.status_code == 302
    with as_tenant(cast.tenant_a):
        assert Membership.objects.filter(
            user=user, role="street_assessor", unit=cast.street_a2
        ).exists()


def test_grant_with_a_wrong_unit_kind_shows_the_error(cast, as_tenant):
    response = cast.client_for("admin").post(
        reverse("organizations:user_detail", args=[cast.expert.pk]),
        {"role": "secretary", "unit": cast.street_a1.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "must be scoped to a Community" in response.content.decode()


def test_weak_password_is_refused_and_no_user_created(cast):
    response = cast.client_for("admin").post(
        reverse("organizations:user_create"),
        {"username": "weak", "full_name": "弱", "password": "1234"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()


def test_revoking_a_role_asks_first_then_revokes_on_post(cast, as_tenant):
    with as_tenant(cast.tenant_a):
        membership = Membership.objects.get(user=cast.expert)
    client = cast.client_for("admin")
    url = reverse("organizations:membership_revoke", args=[membership.pk])
    page = client.get(url)
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    with as_tenant(cast.tenant_a):
        assert Membership.objects.filter(pk=membership.pk).exists()
    assert client.post(url).status_code == 302
    with as_tenant(cast.tenant_a):
        assert not Membership.objects.filter(pk=membership.pk).exists()


def test_admin_cannot_revoke_their_own_admin_role(cast, as_tenant):
    with as_tenant(cast.tenant_a):
        membership = Membership.objects.get(user=cast.admin)
    cast.client_for("admin").post(reverse("organizations:membership_revoke", args=[membership.pk]))
    with as_tenant(cast.tenant_a):
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_user_list_is_paginated_searchable_and_its_queries_constant(
    cast, as_tenant, django_assert_max_num_queries
):
    client = cast.client_for("admin")
    url = reverse("organizations:users")
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    few = queries()
    with as_tenant(cast.tenant_a):
        for i in range(40):
            f.MembershipFactory(tenant=cast.tenant_a, role="expert", user__username=f"bulk-{i:02d}")
    with django_assert_max_num_queries(12):
        page_one = client.get(url)
    assert queries() == few
    assert (
        "bulk-00" in page_one.content.decode()
        and "Page 1 of 2" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    searched = client.get(url, {"q": "bulk-3"}).content.decode()
    assert "bulk-31" in searched and "bulk-21" not in searched
    empty = client.get(url, {"q": "nobody-matches"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No user matches" in empty


# Session, user, tenant, roles and the session's save; the districts, the streets' count and
# page, their communities.
ORG_TREE_QUERIES = 13


def test_org_tree_query_count_is_constant(cast, as_tenant):
    client = cast.client_for("admin")
    url = reverse("organizations:tree")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with as_tenant(cast.tenant_a):
        for i in range(25):
            f.CommunityFactory(tenant=cast.tenant_a, parent=cast.street_a2, code=f"tree{i}")
        for i in range(12):
            street = f.StreetFactory(
                tenant=cast.tenant_a, parent=cast.district_a, name=f"丙{i:02d}街道", code=f"s{i}"
            )
            f.CommunityFactory(tenant=cast.tenant_a, parent=street, code=f"c{i}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries) <= ORG_TREE_QUERIES
    assert "tree24" not in html  # 甲二街道 is on the second page now
    assert "tree24" in client.get(url, {"page": 2}).content.decode()


def test_org_tree_shows_ten_streets_a_page_under_their_district(cast, as_tenant):
    with as_tenant(cast.tenant_a):
        for i in range(12):  # with 甲一 and 甲二: 14 streets, ten to a page
            street = f.StreetFactory(
                tenant=cast.tenant_a, parent=cast.district_a, name=f"丙{i:02d}街道", code=f"s{i}"
            )
            f.CommunityFactory(
                tenant=cast.tenant_a, parent=street, code=f"c{i}", name=f"丙{i:02d}社区"
            )
    client = cast.client_for("admin")
    url = reverse("organizations:tree")
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert "14 streets, 10 to a page" in first and "Page 1 of 2" in first
    # Streets by name: the twelve 丙 streets sort first; 甲一, 甲二 and their communities follow.
    assert "丙00社区" in first and "丙09街道" in first and "丙10街道" not in first
    assert "丙10街道" in second and cast.community_a11.name in second
    assert cast.district_a.name in first and cast.district_a.name in second
    # A page that does not exist shows the last one; a bad one the first.
    assert "丙10街道" in client.get(url, {"page": 99}).content.decode()
    assert "丙00街道" in client.get(url, {"page": "x"}).content.decode()


def test_org_tree_search_finds_by_name_or_code_within_the_scope(cast):
    url = reverse("organizations:tree")
    admin = cast.client_for("admin").get(url, {"q": cast.community_a21.code}).content.decode()
    assert cast.community_a21.name in admin and cast.street_a2.name in admin  # its parent
    assessor = cast.client_for("assessor")
    own = assessor.get(url, {"q": cast.community_a11.name}).content.decode()
    assert cast.community_a11.name in own
    assert f'<th scope="row" class="fw-normal">{cast.community_a11.name}' in own
    other = assessor.get(url, {"q": cast.community_a21.name}, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        f'<th scope="row" class="fw-normal">{cast.community_a21.name}' not in other.content.decode()
    )
    assert "No unit in your scope matches this search." in other.content.decode()
    other_tenant = cast.client_for("admin_b").get(url, {"q": cast.community_a11.code}).content
    assert cast.community_a11.name not in other_tenant.decode()
    long = assessor.get(url, {"q": "甲" * 500})  # cut to 100 characters, not an error
    assert long.status_code == 200


def test_navigation_shows_only_what_the_role_may_use(cast):
    admin_html = cast.client_for("admin").get(reverse("home")).content.decode()
    secretary_html = cast.client_for("secretary").get(reverse("home")).content.decode()
    users_url = reverse("organizations:users")
    tree_url = reverse("organizations:tree")
    assert users_url in admin_html and tree_url in admin_html
    assert users_url not in secretary_html and tree_url not in secretary_html


def test_org_tree_pages_keep_a_districts_streets_together(cast, as_tenant):
    """A leader over several districts pages through them district by district, not through
    all streets by name."""
    with as_tenant(cast.tenant_a):
        first = f.DistrictFactory(tenant=cast.tenant_a, name="A区", code="da")
        second = f.DistrictFactory(tenant=cast.tenant_a, name="B区", code="db")
        for n in range(22):  # interleaved by name: 街道00 in A, 街道01 in B, …
            f.StreetFactory(
                tenant=cast.tenant_a, parent=first if n % 2 == 0 else second,
                name=f"街道{n:02d}", code=f"x{n}",
            )  # fmt: skip
    client = cast.client_for("admin")
    page = client.get(reverse("organizations:tree")).content.decode()
    assert all(f"街道{n:02d}" in page for n in range(0, 20, 2))  # A's first ten
    assert not any(f"街道{n:02d}" in page for n in range(1, 22, 2))  # none of B's
