from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.models import Membership, OrgUnit


def test_admin_creates_a_community_under_a_street(cast, as_tenant):
    client = cast.client_for("admin")
    response = client.post(
        reverse("org-unit-list"),
        {
            "kind": "community",
            "name": "新社区",
            "code": "a13",
            "parent": cast.street_a1.pk,
            "community_type": "rural",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    with as_tenant(cast.tenant_a):
        unit = OrgUnit.objects.get(code="a13")
    assert unit.parent == cast.street_a1 and unit.tenant == cast.tenant_a


def test_a_new_unit_is_active_whatever_the_body_says(cast, as_tenant):
    # Found by the API fuzzing (tests/test_api_fuzz.py): is_active in the body was handed
    # to a service that does not take it, a 500.
    response = cast.client_for("admin").post(
        reverse("org-unit-list"),
        {"kind": "street", "name": "新街道", "code": "a3", "parent": cast.district_a.pk,
         "is_active": False},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True
    with as_tenant(cast.tenant_a):
        assert OrgUnit.objects.get(code="a3").is_active


def test_an_api_url_that_matches_no_route_answers_in_json(cast):
    response = cast.client_for("admin").get("/api/assessments/0.5/result/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    page = cast.client_for("admin").get("/assessments/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_answers_in_json(rf):
    from organizations.api.errors import server_error

    response = server_error(rf.get("/api/org-units/"))
    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert server_error(rf.get("/org/"))["Content-Type"].startswith("text/html")


def test_every_operation_documents_its_error_answers(cast):
    paths = cast.client_for("admin").get(reverse("schema"), {"format": "json"}).json()["paths"]
    detail = paths["/api/schemes/{id}/"]
    assert {"400", "403", "404", "409", "415"} <= set(detail["patch"]["responses"])
    assert set(detail["get"]["responses"]) == {"200", "403", "404"}
    assert {"400", "403", "404"} <= set(paths["/api/org-units/"]["get"]["responses"])
    # The list action of /api/me/ answers one object, not a page.
    me = paths["/api/me/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert me == {"$ref": "#/components/schemas/Me"}
    public = paths["/api/public/ratings/"]["post"]["responses"]
    assert "403" not in public and {"201", "400", "409", "410", "415", "429"} <= set(public)


def test_a_parent_id_of_another_tenant_is_refused_like_a_missing_one(cast, as_tenant):
    client = cast.client_for("admin")
    response = client.post(
        reverse("org-unit-list"),
        {"kind": "street", "name": "越界", "code": "x1", "parent": cast.district_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    with as_tenant(cast.tenant_a):
        assert not OrgUnit.objects.filter(code="x1").exists()


def test_community_under_a_district_gets_a_clear_400(cast, as_tenant):
    client = cast.client_for("admin")
    response = client.post(
        reverse("org-unit-list"),
        {
            "kind": "community",
            "name": "错位",
            "code": "x2",
            "parent": cast.district_a.pk,
            "community_type": "urban",
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "directly under a Street" in " ".join(response.json()["parent"])


def test_patch_cannot_reach_another_tenants_unit(cast, as_tenant):
    client = cast.client_for("admin")
    response = client.patch(
        reverse("org-unit-detail", args=[cast.community_b11.pk]),
        {"name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 404
    with as_tenant(cast.tenant_b):
        cast.community_b11.refresh_from_db()
    assert cast.community_b11.name == "乙一一社区"


def test_patch_renames_but_cannot_move_a_unit(cast, as_tenant):
    client = cast.client_for("admin")
    url = reverse("org-unit-detail", args=[cast.community_a11.pk])
    response = client.patch(
        url, {"name": "更名社区", "parent": cast.street_a2.pk}, content_type="application/json"
    )
    assert response.status_code == 200
    with as_tenant(cast.tenant_a):
        cast.community_a11.refresh_from_db()
    assert cast.community_a11.name == "更名社区"
    assert cast.community_a11.parent == cast.street_a1


def test_assessor_cannot_write(cast):
    response = cast.client_for("assessor").post(
        reverse("org-unit-list"),
        {
            "kind": "community",
            "name": "x",
            "code": "x3",
            "parent": cast.street_a1.pk,
            "community_type": "urban",
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_membership_for_a_user_of_another_tenant_is_refused(cast, as_tenant):
    client = cast.client_for("admin")
    with as_tenant(cast.tenant_a):
        before = Membership.objects.count()
    response = client.post(
        reverse("membership-list"),
        {"user": cast.admin_b.pk, "role": "expert"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "user" in response.json()
    with as_tenant(cast.tenant_a):
        assert Membership.objects.count() == before


def test_membership_with_a_wrong_unit_kind_names_the_field(cast):
    response = cast.client_for("admin").post(
        reverse("membership-list"),
        {"user": cast.expert.pk, "role": "street_assessor", "unit": cast.community_a11.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()


def test_admin_creates_a_user_in_own_tenant_with_a_validated_password(cast):
    client = cast.client_for("admin")
    weak = client.post(
        reverse("user-list"),
        {"username": "new1", "password": "123"},
        content_type="application/json",
    )
    assert weak.status_code == 400 and "password" in weak.json()
    ok = client.post(
        reverse("user-list"),
        {"username": "new1", "full_name": "新人", "password": "Strong-pass-2026"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    from organizations.models import User

    assert User.objects.get(username="new1").tenant == cast.tenant_a


def test_admin_cannot_deactivate_themselves(cast):
    response = cast.client_for("admin").patch(
        reverse("user-detail", args=[cast.admin.pk]),
        {"is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 400
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


@pytest.mark.parametrize(
    ("route", "user"),
    [("org-unit-list", "admin"), ("user-list", "admin"), ("membership-list", "admin")],
)
def test_list_query_count_does_not_grow_with_rows(
    cast, as_tenant, django_assert_max_num_queries, route, user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    client = cast.client_for(user)
    client.get(reverse(route))  # warm the session

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(route)).status_code == 200
        return len(ctx.captured_queries)

    few = count_queries()
    with as_tenant(cast.tenant_a):
        for i in range(30):
            community = f.CommunityFactory(
                tenant=cast.tenant_a, parent=cast.street_a2, code=f"bulk{i}"
            )
            f.MembershipFactory(tenant=cast.tenant_a, role="secretary", unit=community)
    # Session read and write, user, tenant setting, roles, count, page, prefetch, and the
    # request transaction's savepoints.
    with django_assert_max_num_queries(12):
        response = client.get(reverse(route))
    assert response.json()["count"] >= 30
    assert count_queries() == few


def test_openapi_schema_describes_the_endpoints(cast):
    response = cast.client_for("admin").get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/org-units/",
        "/api/org-units/{id}/",
        "/api/users/",
        "/api/memberships/",
        "/api/me/",
    ]:
        assert path in paths


def test_swagger_ui_is_served_locally(cast):
    html = cast.client_for("admin").get(reverse("swagger-ui")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
