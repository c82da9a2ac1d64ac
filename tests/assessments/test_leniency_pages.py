"""The rater leniency page and its API twin: flagged raters by a threshold given in the
page, totals with and without them, scope (a street's assessor learns only from their
streets' entries), never for secretaries, bad thresholds, and a pinned query count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Cycle, ScoreEntry
from organizations.selectors import actor_for_user
from tests import factories as f
from tests.assessments.workflow import open_quarter, pair, published_scheme, secretary_for

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# The request (session, user, tenant setting, memberships, session save, savepoints), the
# cycle, the entries compared, the count and page, rater and group names, and the scheme
# and entries that totals_without scores: none of it grows with the assessments.
PAGE_QUERIES = 27


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def scored(cast, as_tenant) -> dict[str, Any]:
    """a11 scored by three experts: two give 70 on i1 and i3, the third 100 (30 above)."""
    experts = [
        f.MembershipFactory(tenant=cast.tenant_a, role="expert", user__full_name=f"专家{n}").user
        for n in range(3)
    ]
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        cycle, assessments = open_quarter(cast, scheme)
        assessment = assessments["a11"]
        assessor, admin = actor_for_user(cast.assessor), actor_for_user(cast.admin)
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)
        for expert, value in zip(experts, (Decimal(70), Decimal(70), Decimal(100)), strict=True):
            services.expert_assign(actor=admin, assessment=assessment, expert=expert)
            for code in ("i1", "i3"):
                indicator, group = pair(scheme, code, "zhuanjia")
                services.entry_save(
                    actor=actor_for_user(expert), assessment=assessment, indicator=indicator,
                    rater_group=group, value=value,
                )  # fmt: skip
    return {"cycle": cycle, "assessments": assessments, "experts": experts}


def _page(cycle: Cycle) -> str:
    return reverse("assessments:cycle_leniency", args=[cycle.pk])


def _api(cycle: Cycle) -> str:
    return reverse("cycle-leniency-detail", args=[cycle.pk])


def test_the_page_flags_raters_beyond_the_threshold_and_shows_both_totals(
    cast, as_tenant, scored
) -> None:
    cycle, experts = scored["cycle"], scored["experts"]
    with as_tenant(cast.tenant_a):
        entries = list(ScoreEntry.objects.values_list("pk", "value").order_by("pk"))
    response = cast.client_for("assessor").get(_page(cycle), {"threshold": "20"}, **EN)
    assert [r["rater"] for r in response.context["flagged"]] == [experts[2].pk]
    html = response.content.decode()
    assert "专家2" in html and "+30.00" in html and "专家0" not in html
    assert "1 rater of 3 deviates by more than 20 points" in html
    (row,) = response.context["rows"]  # a11 only: a21 is in another street
    assert row.assessment.pk == scored["assessments"]["a11"].pk
    assert row.without < row.with_all and row.change < 0
    # The default threshold (10) flags all three (the other two sit 15 below).
    default = cast.client_for("assessor").get(_page(cycle))
    assert len(default.context["flagged"]) == 3
    with as_tenant(cast.tenant_a):  # raw scores are never overwritten
        assert list(ScoreEntry.objects.values_list("pk", "value").order_by("pk")) == entries


def test_another_streets_assessor_learns_nothing_about_these_raters(cast, scored) -> None:
    response = cast.client_for("assessor_a2").get(_page(scored["cycle"]))
    assert response.context["flagged"] == [] and response.context["compared"] == 0
    assert [r.assessment.community.code for r in response.context["rows"]] == ["a21"]
    api = cast.client_for("assessor_a2").get(_api(scored["cycle"])).json()
    assert api["raters"] == [] and [t["community_name"] for t in api["totals"]] == ["甲二一社区"]


@pytest.mark.parametrize("user", ["secretary", "secretary_a21", "expert"])
def test_secretaries_and_experts_never_see_individual_raters(cast, scored, user) -> None:
    client = cast.client_for(user)
    assert client.get(_page(scored["cycle"])).status_code == 403
    assert client.get(_api(scored["cycle"])).status_code == 403


@pytest.mark.parametrize("user", ["admin_b", "assessor_b"])
def test_another_tenants_cycle_is_404(cast, scored, user) -> None:
    client = cast.client_for(user)
    assert client.get(_page(scored["cycle"])).status_code == 404
    assert client.get(_api(scored["cycle"])).status_code == 404


def test_a_bad_threshold_is_named_and_the_default_used(cast, scored) -> None:
    client = cast.client_for("leader")
    for bad in ("abc", "-5", "101"):
        response = client.get(_page(scored["cycle"]), {"threshold": bad}, **EN)
        assert response.status_code == 200
        assert response.context["form"].errors["threshold"]
        assert response.context["threshold"] == Decimal(10)
        assert "Using the default, 10." in response.content.decode()
    refused = client.get(_api(scored["cycle"]), {"threshold": "abc"}, **EN)
    assert refused.status_code == 400 and "threshold" in refused.json()


def test_the_api_twin(cast, scored) -> None:
    experts = scored["experts"]
    data = cast.client_for("admin").get(_api(scored["cycle"]), {"threshold": "20"}).json()
    assert data["threshold"] == "20.00" and data["count"] == 2
    flags = {r["rater"]: (r["deviation"], r["flagged"], r["name"]) for r in data["raters"]}
    assert flags == {
        experts[0].pk: ("-15.00", False, "专家0"),
        experts[1].pk: ("-15.00", False, "专家1"),
        experts[2].pk: ("30.00", True, "专家2"),
    }
    a11 = next(t for t in data["totals"] if t["assessment"] == scored["assessments"]["a11"].pk)
    assert Decimal(a11["without"]) < Decimal(a11["with_all"])


def test_the_page_query_count_does_not_grow_with_the_assessments(
    cast, as_tenant, scored, django_assert_max_num_queries
) -> None:
    cycle = scored["cycle"]
    client = cast.client_for("leader")
    client.get(_page(cycle))  # warm up the session
    with django_assert_max_num_queries(PAGE_QUERIES) as few:
        client.get(_page(cycle))
    with as_tenant(cast.tenant_a):
        for n in range(30):
            community = f.CommunityFactory(
                tenant=cast.tenant_a, parent=cast.street_a1, code=f"l{n}"
            )
            secretary = secretary_for(cast, community).secretary
            Assessment.objects.create(
                tenant=cast.tenant_a, cycle=cycle, scheme=cycle.scheme, secretary=secretary,
                community=community, street=cast.street_a1, community_type="urban",
                career_stage="growth",
            )  # fmt: skip
    with django_assert_max_num_queries(PAGE_QUERIES) as many:
        response = client.get(_page(cycle))
    assert len(few) == len(many)
    assert response.context["page"].paginator.count == 32
    assert len(response.context["rows"]) == 25
