"""Warning pages and API: scoping (a street's assessor sees their street; another tenant
gets 404), bad input refused with nothing saved, pinned query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert, Incident, ThresholdSet
from organizations.rls import tenant_context
from tests.alerts.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def warned(cast, quarters):
    quarters.publish(
        2026,
        3,
        {cast.community_a11: "55.00", cast.community_a21: "75.00"},
        vetoed=(cast.community_a21,),
    )
    with tenant_context(cast.tenant_a.pk):
        services.evaluate_tenant(tenant_id=cast.tenant_a.pk, today=TODAY)
        return {a.rule: a for a in Alert.objects.all()}


def _cells(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-community="(\d+)" data-level="(\w+)"', html))


def test_heat_map_colours_by_worst_open_warning_within_the_scope(cast, warned) -> None:
    tenant = _cells(cast.client_for("leader").get(reverse("alerts:heat_map")).content.decode())
    assert tenant == {
        str(cast.community_a11.pk): "red", str(cast.community_a12.pk): "none",
        str(cast.community_a21.pk): "red", str(cast.community_a22.pk): "none",
    }  # fmt: skip
    street = _cells(cast.client_for("assessor").get(reverse("alerts:heat_map")).content.decode())
    assert set(street) == {str(cast.community_a11.pk), str(cast.community_a12.pk)}
    filtered = cast.client_for("leader").get(reverse("alerts:heat_map"), {"rule": "category_below"})
    assert _cells(filtered.content.decode())[str(cast.community_a11.pk)] == "yellow"
    assert _cells(filtered.content.decode())[str(cast.community_a21.pk)] == "none"
    other = _cells(cast.client_for("admin_b").get(reverse("alerts:heat_map")).content.decode())
    assert other == {str(cast.community_b11.pk): "none"}


def test_a_warning_of_another_tenant_or_street_is_404_on_page_and_api(cast, warned) -> None:
    pk = warned["low_total"].pk
    for user in ("admin_b", "assessor_a2"):
        client = cast.client_for(user)
        assert client.get(reverse("alerts:detail", args=[pk])).status_code == 404
        assert client.get(reverse("warning-detail", args=[pk])).status_code == 404
    assert cast.client_for("secretary").get(reverse("warning-detail", args=[pk])).status_code == 200


def test_list_filters_and_is_paginated_with_pinned_queries(
    cast, warned, django_assert_max_num_queries
) -> None:
    client = cast.client_for("admin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("alerts:list"), {"level": "red"})
    html = response.content.decode()
    assert html.count(reverse("alerts:detail", args=[warned["low_total"].pk])) == 1
    assert reverse("alerts:detail", args=[warned["category_below"].pk]) not in html
    api = client.get(reverse("warning-list"), {"community": cast.community_a21.pk}).json()
    assert [row["rule"] for row in api["results"]] == ["veto"]


def test_handling_needs_a_note_and_saves_nothing_without_it(cast, warned) -> None:
    pk = warned["low_total"].pk
    client = cast.client_for("assessor")
    assert client.post(reverse("alerts:handle", args=[pk]), {"note": ""}).status_code == 400
    response = client.post(
        reverse("warning-handle", args=[pk]), {"note": " "}, content_type="application/json"
    )
    assert response.status_code == 400
    with tenant_context(cast.tenant_a.pk):
        assert Alert.objects.get(pk=pk).status == "open"
    assert client.post(reverse("alerts:handle", args=[pk]), {"note": "已约谈"}).status_code == 302
    assert client.post(reverse("warning-resolve", args=[pk])).json()["status"] == "resolved"


def test_raise_rectification_page_refuses_a_past_deadline(cast, warned) -> None:
    pk = warned["low_total"].pk
    client = cast.client_for("assessor")
    data = {"title": "补台账", "deadline": "2000-01-01", "owner": cast.secretary.pk}
    response = client.post(reverse("alerts:rectify", args=[pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        response.status_code == 400
        and "The deadline cannot be in the past." in response.content.decode()
    )
    data["deadline"] = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    assert client.post(reverse("alerts:rectify", args=[pk]), data).status_code == 302
    with tenant_context(cast.tenant_a.pk):
        assert Alert.objects.get(pk=pk).raised_rectification.source == "warning"


def test_thresholds_page_validates_and_saves(cast) -> None:
    client = cast.client_for("admin")
    form = client.get(reverse("alerts:thresholds"))
    assert form.status_code == 200
    data = {name: form.context["form"].initial[name] for name in services.THRESHOLD_FIELDS}
    bad = client.post(reverse("alerts:thresholds"), {**data, "pass_mark": "101"})
    assert bad.status_code == 400
    with tenant_context(cast.tenant_a.pk):
        assert not ThresholdSet.objects.exists()
    assert client.post(reverse("alerts:thresholds"), {**data, "pass_mark": "65"}).status_code == 302
    assert (
        cast.client_for("leader").get(reverse("warning-threshold-list")).json()["pass_mark"]
        == "65.00"
    )
    api = client.post(
        reverse("warning-threshold-list"), {"breaker_quarters": 1}, content_type="application/json"
    )
    assert api.status_code == 400
    with tenant_context(cast.tenant_a.pk):
        assert ThresholdSet.objects.get().breaker_quarters == 3


def test_incident_form_and_api(cast) -> None:
    client = cast.client_for("assessor")
    bad = client.post(
        reverse("alerts:incident_report"),
        {
            "community": cast.community_a21.pk,
            "kind": "epidemic",
            "title": "x",
            "occurred_on": "2026-01-01",
        },
    )
    assert bad.status_code == 400  # another street's community is not a choice
    ok = {
        "community": cast.community_a11.pk,
        "kind": "epidemic",
        "title": "疫情处置不力",
        "occurred_on": "2026-01-05",
        "serious": "on",
    }
    assert client.post(reverse("alerts:incident_report"), ok).status_code == 302
    api = client.post(
        reverse("incident-list"),
        {**ok, "serious": True, "occurred_on": "2099-01-01"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "occurred_on" in api.json()
    with tenant_context(cast.tenant_a.pk):
        assert Incident.objects.count() == 1


def test_dashboard_counts_by_level_and_street(cast, warned) -> None:
    response = cast.client_for("leader").get(reverse("alerts:dashboard"))
    figures = response.context["figures"]
    assert figures["totals"] == {"red": 2, "yellow": 1, "blue": 0}
    assert figures["by_street"][cast.street_a2.name]["red"] == 1
    assert figures["trend"]["periods"] == ["2026Q3"]
    assert "vendor/echarts/echarts.min.js" in response.content.decode()


def test_heat_map_of_one_street_and_a_street_outside_the_scope(cast, warned) -> None:
    client = cast.client_for("leader")
    html = client.get(reverse("alerts:heat_map"), {"street": cast.street_a2.pk}).content.decode()
    assert set(_cells(html)) == {str(cast.community_a21.pk), str(cast.community_a22.pk)}
    assert f'<option value="{cast.street_a2.pk}" selected>' in html
    # Another street is not a choice for an assessor: the filter is ignored, the scope stays.
    mine = cast.client_for("assessor").get(
        reverse("alerts:heat_map"), {"street": cast.street_a2.pk}
    )
    assert set(_cells(mine.content.decode())) == {
        str(cast.community_a11.pk),
        str(cast.community_a12.pk),
    }


def test_heat_map_queries_do_not_grow_with_communities_and_streets_are_paginated(
    cast, warned, django_assert_max_num_queries
) -> None:
    from tests import factories as f

    client = cast.client_for("leader")
    # Session, user, roles, tenant; the streets' count and page, communities, warnings.
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("alerts:heat_map")).status_code == 200
    for n in range(6):
        f.CommunityFactory(
            tenant=cast.tenant_a, parent=cast.street_a1, name=f"新社区{n}", code=f"new{n}"
        )
    with django_assert_max_num_queries(14) as many:
        html = client.get(reverse("alerts:heat_map")).content.decode()
    assert len(_cells(html)) == 10
    assert len(many.captured_queries) == len(few.captured_queries)
    # A city: more than ten streets are shown ten at a time, in the same number of queries.
    for n in range(11):
        street = f.StreetFactory(
            tenant=cast.tenant_a, parent=cast.district_a, name=f"街道{n:02d}", code=f"st{n}"
        )
        f.CommunityFactory(tenant=cast.tenant_a, parent=street, name=f"社区{n:02d}", code=f"sc{n}")
    with django_assert_max_num_queries(14) as city:
        first = client.get(reverse("alerts:heat_map"), HTTP_ACCEPT_LANGUAGE="en")
    assert len(city.captured_queries) == len(few.captured_queries)
    assert len(first.context["streets"]) == 10 and "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("alerts:heat_map"), {"page": 2})
    names = [row["street"].name for row in second.context["streets"]]
    assert names == ["街道08", "街道09", "街道10"]
    assert str(cast.community_a11.pk) in _cells(first.content.decode())
    assert str(cast.community_a11.pk) not in _cells(second.content.decode())


def test_a_cached_heat_map_shows_a_resolved_warning_and_a_renamed_community(cast, warned) -> None:
    """The heat map is read back from the fragment cache while its rows stay the same: a
    warning resolved in bulk or a renamed community shows on the next read."""
    from organizations.models import OrgUnit

    client = cast.client_for("leader")
    url = reverse("alerts:heat_map")
    for _read in range(2):
        assert _cells(client.get(url).content.decode())[str(cast.community_a11.pk)] == "red"
    with tenant_context(cast.tenant_a.pk):
        Alert.objects.filter(community=cast.community_a11).update(status=Alert.Status.RESOLVED)
    assert _cells(client.get(url).content.decode())[str(cast.community_a11.pk)] == "none"
    with tenant_context(cast.tenant_a.pk):
        OrgUnit.objects.filter(pk=cast.community_a12.pk).update(name="改名后的社区")
    assert "改名后的社区" in client.get(url).content.decode()
