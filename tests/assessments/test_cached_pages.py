"""The scorecard, the scoring grid and the assessment list are read back from the fragment
cache (organizations/fragments.py) while what they show stays the same. Each test changes
one thing a page shows, the way the application or a bulk job would, and reads the page
again: it must show the change at once, never the page as it was."""

from __future__ import annotations

import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assessments.models import Appeal, AppealReview, Assessment, Cycle, Result, ScoreEntry
from indicators.models import Indicator, VetoItem
from organizations.models import OrgUnit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def quarter(cast, as_tenant) -> dict[str, Any]:
    from tests.assessments.workflow import scored_quarter

    with as_tenant(cast.tenant_a):
        scored = scored_quarter(cast)
        Assessment.objects.filter(pk=scored["a11"].pk).update(state=Assessment.State.PUBLISHED)
        scored["a11"].refresh_from_db()
        return scored


@pytest.fixture
def scoring(cast, as_tenant) -> tuple[Any, Assessment]:
    """The three-indicator scheme and a11's assessment being scored."""
    from tests.assessments.test_grid import scoring_assessment

    return scoring_assessment(cast, as_tenant)


def _client(cast: Any, name: str) -> Any:
    client = cast.client_for(name)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _main(client: Any, url: str, **params: Any) -> str:
    """The page below the menu, its forms' CSRF tokens (masked afresh on every read) left out."""
    response = client.get(url, params)
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"')[1]
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", main)


def _read_twice(client: Any, url: str, **params: Any) -> str:
    """The page, read a second time: from the cache, if it is cached."""
    first = _main(client, url, **params)
    second = _main(client, url, **params)
    assert first == second
    return second


# The scorecard ----------------------------------------------------------------------------


def test_scorecard_shows_a_rejected_veto_a_filed_appeal_and_its_review(
    cast, as_tenant, quarter
) -> None:
    a11 = quarter["a11"]
    url = reverse("assessments:scorecard", args=[a11.pk])
    client = _client(cast, "admin")
    with as_tenant(cast.tenant_a):
        veto = a11.vetoes.create(
            tenant=cast.tenant_a, item=VetoItem.objects.get(scheme=a11.scheme, code="shigu"),
            reason="事故待核实", evidence=ContentFile(b"%PDF-1.4", name="v.pdf"),
            proposed_by=cast.assessor,
        )  # fmt: skip
    assert "Proposed" in _read_twice(client, url)
    with as_tenant(cast.tenant_a):  # as a bulk update would: no save(), no signal
        type(veto).objects.filter(pk=veto.pk).update(status="rejected")
    page = _read_twice(client, url)
    assert "Rejected" in page and "Proposed" not in page

    with as_tenant(cast.tenant_a):
        appeal = Appeal.objects.create(
            tenant=cast.tenant_a, assessment=a11, reason="评分依据有误",
            indicator=Indicator.objects.get(scheme=a11.scheme, code="i1"), filed_by=cast.secretary,
        )  # fmt: skip
    assert "评分依据有误" in _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        AppealReview.objects.create(
            tenant=cast.tenant_a, appeal=appeal, level=1, decision="rejected",
            note="复核维持原分", reviewer=cast.assessor,
        )  # fmt: skip
        Appeal.objects.filter(pk=appeal.pk).update(status="rejected")
    page = _read_twice(client, url)
    assert "复核维持原分" in page and "Under review" not in page


def test_scorecard_shows_renamed_names_and_a_newly_published_quarter_in_the_trend(
    cast, as_tenant, quarter
) -> None:
    a11 = quarter["a11"]
    url = reverse("assessments:scorecard", args=[a11.pk])
    client = _client(cast, "secretary")
    assert "甲一一" in _read_twice(client, url)
    renames = (
        (OrgUnit.objects.filter(pk=a11.community_id), "name", "幸福新村社区"),
        (Cycle.objects.filter(pk=a11.cycle_id), "name", "2026年第三季度（更正）"),
        (User.objects.filter(pk=cast.secretary.pk), "full_name", "王秀英"),
        (OrgUnit.objects.filter(pk=a11.street_id), "name", "新华街道"),
    )
    for rows, field, name in renames:  # one at a time: each must show by itself
        with as_tenant(cast.tenant_a):
            rows.update(**{field: name})
        assert name in _read_twice(client, url)

    # The trend lists the secretary's published quarters: another one published shows.
    with as_tenant(cast.tenant_a):
        earlier = Cycle.objects.create(
            tenant=cast.tenant_a, kind="quarterly", year=2026, quarter=2, name="二季度考核",
            scheme=a11.scheme, starts_on=a11.cycle.starts_on, ends_on=a11.cycle.ends_on,
        )  # fmt: skip
        other = Assessment.objects.create(
            tenant=cast.tenant_a, cycle=earlier, scheme=a11.scheme, secretary=a11.secretary,
            community=a11.community, street=a11.street, state=Assessment.State.SCORING,
        )  # fmt: skip
        Result.objects.create(
            tenant=cast.tenant_a, assessment=other, street=a11.street, total=D("61.25"),
            base_total=D("61.25"), grade="", complete=True,
        )  # fmt: skip
    assert "61.25" not in _read_twice(client, url)  # not published: not the secretary's yet
    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=other.pk).update(state=Assessment.State.PUBLISHED)
    assert "61.25" in _read_twice(client, url)


def test_scorecard_is_cached_per_user(cast, quarter) -> None:
    """The same assessment, the same inputs: an assessor's page (with the entries and the
    grid link) is not the secretary's."""
    url = reverse("assessments:scorecard", args=[quarter["a11"].pk])
    assessor = _read_twice(_client(cast, "assessor"), url)
    secretary = _read_twice(_client(cast, "secretary"), url)
    appeal = reverse("assessments:appeal", args=[quarter["a11"].pk])
    assert appeal in secretary and appeal not in assessor
    assert "Entry" in assessor and "Entry" not in secretary


# The grid ---------------------------------------------------------------------------------


def test_grid_shows_a_new_value_a_state_change_and_a_decided_veto(cast, as_tenant, scoring) -> None:
    from tests.assessments.workflow import pair

    scheme, a11 = scoring
    url = reverse("assessments:grid", args=[a11.pk])
    client = _client(cast, "assessor")
    assert 'value="37.5"' not in _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        indicator, group = pair(scheme, "i1", "zuzhi")
        ScoreEntry.objects.create(
            tenant=cast.tenant_a, assessment=a11, indicator=indicator, rater_group=group,
            value=D("37.5"),
        )  # fmt: skip
    assert 'value="37.5"' in _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        ScoreEntry.objects.filter(assessment=a11).update(value=D("41"), version=2)
    page = _read_twice(client, url)
    assert 'value="41"' in page and 'value="37.5"' not in page

    with as_tenant(cast.tenant_a):
        veto = a11.vetoes.create(
            tenant=cast.tenant_a, item=VetoItem.objects.get(scheme=scheme, code="shigu"),
            reason="待核实", evidence=ContentFile(b"%PDF-1.4", name="v.pdf"),
            proposed_by=cast.admin,
        )  # fmt: skip
    assert "Proposed" in _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        type(veto).objects.filter(pk=veto.pk).update(status="approved")
    assert "Approved" in _read_twice(client, url)

    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=a11.pk).update(state=Assessment.State.PUBLISHED)
    page = _read_twice(client, url)
    assert "scores change only through an appeal" in page


def test_a_refused_bonus_shows_its_errors_on_a_grid_that_was_cached(cast, scoring) -> None:
    """The cached grid has empty forms; a refused one is drawn afresh with what was typed."""
    _scheme, a11 = scoring
    client = _client(cast, "assessor")
    _read_twice(client, reverse("assessments:grid", args=[a11.pk]))
    response = client.post(
        reverse("assessments:adjustment_add", args=[a11.pk]),
        {"item": "", "occurrences": "1", "note": "备注文字七"},
    )
    assert response.status_code == 400
    assert "备注文字七" in response.content.decode()
    assert 'value="备注文字七"' not in _main(client, reverse("assessments:grid", args=[a11.pk]))


def test_the_cached_grid_posts_with_the_requests_own_csrf_token(cast, as_tenant, scoring) -> None:
    """A cached fragment carries no CSRF token of its own: each read gets the reader's."""
    from django.test import Client

    from tests.assessments.workflow import pair

    scheme, a11 = scoring
    with as_tenant(cast.tenant_a):
        indicator, group = pair(scheme, "i1", "zuzhi")
    url = reverse("assessments:grid", args=[a11.pk])
    _read_twice(_client(cast, "admin"), url)  # the admin's grid, cached
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    html = client.get(url).content.decode()
    assert "kp-csrf" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    saved = client.post(
        reverse("assessments:grid_save", args=[a11.pk]),
        {"indicator": indicator.pk, "rater_group": group.pk, "value": "66",
         "csrfmiddlewaretoken": token},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert saved.status_code in (200, 302), saved.content[:300]
    with as_tenant(cast.tenant_a):
        assert ScoreEntry.objects.get(assessment=a11, indicator=indicator).value == D(66)


# The list ---------------------------------------------------------------------------------


def test_list_shows_a_new_total_a_new_state_and_a_renamed_community(cast, as_tenant, quarter):
    a11 = quarter["a11"]
    url = reverse("assessments:list")
    client = _client(cast, "leader")
    with as_tenant(cast.tenant_a):
        total = Result.objects.get(assessment=a11).total
    assert f"{total:.2f}" in _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        Result.objects.filter(assessment=a11).update(total=D("12.34"))
        OrgUnit.objects.filter(pk=a11.community_id).update(name="幸福新村社区")
        Assessment.objects.filter(pk=a11.pk).update(state=Assessment.State.FINAL)
    page = _read_twice(client, url)
    assert "12.34" in page and "幸福新村社区" in page and "Final" in page


def test_grid_shows_an_expert_column_once_assigned_and_a_renamed_proposer(cast, as_tenant, scoring):
    """An assessor who is also an expert scores the expert group only where assigned: the
    cached grid follows the assignment. A veto names its proposer as they are now."""
    from assessments.models import ExpertAssignment
    from organizations.tenancy import Role
    from tests import factories as f

    scheme, a11 = scoring
    with as_tenant(cast.tenant_a):
        f.MembershipFactory(tenant=cast.tenant_a, user=cast.assessor, role=Role.EXPERT)
    url = reverse("assessments:grid", args=[a11.pk])
    client = _client(cast, "assessor")
    assert "专家考评" not in _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        ExpertAssignment.objects.create(tenant=cast.tenant_a, assessment=a11, expert=cast.assessor)
    assert "专家考评" in _read_twice(client, url)

    with as_tenant(cast.tenant_a):
        a11.vetoes.create(
            tenant=cast.tenant_a, item=VetoItem.objects.get(scheme=scheme, code="shigu"),
            reason="待核实", evidence=ContentFile(b"%PDF-1.4", name="v.pdf"),
            proposed_by=cast.admin,
        )  # fmt: skip
    _read_twice(client, url)
    with as_tenant(cast.tenant_a):
        User.objects.filter(pk=cast.admin.pk).update(full_name="李建国")
    assert "proposed by 李建国" in _read_twice(client, url)
