"""The street assessor's pages: the list, the scoring grid and its cell saves, workflow
steps, bonuses/deductions and vetoes; scopes, query counts and refusals."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Cycle, ScoreEntry, VetoRecord
from indicators import services as scheme_services
from indicators.models import Scheme, VetoItem
from indicators.selectors import _published_parts
from organizations.fragments import forget_local_fragments
from organizations.selectors import actor_for_user
from tests.assessments.workflow import (
    GROUPS,
    LEVELS,
    open_quarter,
    pair,
    published_scheme,
    three_group_document,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Session, user, roles, secretary check, the assessment, the scheme's state (its parts are
# read once per process), the special picks, entries, vetoes, plus the context processor;
# PostgreSQL adds one (the tenant setting for row-level security), SQLite runs one fewer.
GRID_QUERIES = 14
LIST_QUERIES = 12


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def _document(code: str, count: int) -> dict[str, Any]:
    """The three-group document with ``count`` indicators, of every hand-entered method."""
    document = three_group_document()
    document["scheme"]["code"] = code
    methods = ["qualitative", "yes_no", "quantitative"]
    indicators = []
    for n in range(count):
        method = methods[n % 3]
        row: dict[str, Any] = {
            "category": "jichu", "code": f"i{n}", "name": f"指标{n}", "max_points": Decimal(1),
            "method": method, "rater_groups": GROUPS,
        }  # fmt: skip
        if method == "qualitative":
            row["levels"] = LEVELS
        if method == "quantitative":
            row["target"] = Decimal(10)
        indicators.append(row)
    document["indicators"] = indicators
    return document


def _scoring_assessment(cast: Any, scheme: Scheme, quarter: int) -> Assessment:
    """a11's assessment in a new cycle over ``scheme``, moved to scoring."""
    admin = actor_for_user(cast.admin)
    cycle = services.cycle_open(
        actor=admin, kind="quarterly", year=2026, quarter=quarter, scheme=scheme,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31),
    )  # fmt: skip
    assessment = Assessment.objects.get(cycle=cycle, community=cast.community_a11)
    assessor = actor_for_user(cast.assessor)
    for state in ("self_evaluation", "scoring"):
        services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)
    return assessment


@pytest.fixture
def scoring(cast, as_tenant) -> tuple[Scheme, Assessment]:
    return scoring_assessment(cast, as_tenant)


def scoring_assessment(cast, as_tenant) -> tuple[Scheme, Assessment]:
    """The three-indicator scheme; a11's assessment being scored."""
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        _cycle, assessments = open_quarter(cast, scheme)
        assessment = assessments["a11"]
        assessor = actor_for_user(cast.assessor)
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)
    return scheme, assessment


def _grid(pk: int) -> str:
    return reverse("assessments:grid", args=[pk])


def _save(pk: int) -> str:
    return reverse("assessments:grid_save", args=[pk])


# Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["assessor_a2", "expert", "admin_b", "assessor_b"])
def test_out_of_scope_users_get_404_on_the_grid_and_its_save(cast, scoring, user) -> None:
    _scheme, assessment = scoring
    client = cast.client_for(user)
    assert client.get(_grid(assessment.pk)).status_code == 404
    body = {"indicator": 1, "rater_group": 1, "value": "50"}
    assert client.post(_save(assessment.pk), body).status_code == 404


def test_grid_shows_the_groups_each_rater_may_score(cast, as_tenant, scoring) -> None:
    _scheme, assessment = scoring
    assessor = cast.client_for("assessor").get(_grid(assessment.pk))
    assert [g.code for g in assessor.context["groups"]] == ["zuzhi"]
    assert assessor.context["missing"] == 3
    secretary = cast.client_for("secretary").get(_grid(assessment.pk))
    assert [g.code for g in secretary.context["groups"]] == ["ziping"]
    with as_tenant(cast.tenant_a):
        services.expert_assign(
            actor=actor_for_user(cast.admin), assessment=assessment, expert=cast.expert
        )
    expert = cast.client_for("expert").get(_grid(assessment.pk))
    assert [g.code for g in expert.context["groups"]] == ["zhuanjia"]
    html = (
        cast.client_for("assessor")
        .get(_grid(assessment.pk), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert 'data-version=""' in html and "missing" in html
    assert "1 = done, 0 = not done" in html
    # The default language is zh-Hans.
    assert "1=完成，0=未完成" in assessor.content.decode()


def test_grid_query_count_does_not_depend_on_the_indicators(
    cast, as_tenant, django_assert_max_num_queries
) -> None:
    admin = actor_for_user(cast.admin)
    assessments = {}
    with as_tenant(cast.tenant_a):
        for quarter, count in ((1, 10), (2, 60)):
            draft = scheme_services.scheme_create_from_document(
                actor=admin, document=_document(f"g{count}", count)
            )
            scheme = scheme_services.scheme_publish(actor=admin, scheme=draft)
            assessments[count] = _scoring_assessment(cast, scheme, quarter)
            indicator, group = pair(scheme, "i0", "zuzhi")
            services.entry_save(
                actor=actor_for_user(cast.assessor), assessment=assessments[count],
                indicator=indicator, rater_group=group, value=Decimal(80),
            )  # fmt: skip
    client = cast.client_for("assessor")
    client.get(_grid(assessments[10].pk))  # warm up the session

    def queries(*, drawn: bool = True) -> dict[int, int]:
        counts = {}
        for count, assessment in assessments.items():
            if drawn:  # the grid drawn again, not read back from the fragment cache
                cache.clear()
                forget_local_fragments()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(_grid(assessment.pk))
            assert response.status_code == 200
            assert response.content.decode().count('id="ind-') == count
            if drawn:
                assert len(response.context["rows"]) == count
                assert response.context["missing"] == count - 1
            counts[count] = len(captured.captured_queries)
        return counts

    # A published scheme is read once per process: the first grids read it, the next ones
    # do not, and neither depends on the number of indicators. Read back, the grid costs
    # the assessment and the summary of its inputs.
    _published_parts.cache_clear()
    first, then = queries(), queries()
    queries(drawn=False)  # now both are in the cache
    read_back = queries(drawn=False)
    assert first[10] == first[60] and then[10] == then[60]
    assert then[10] == first[10] - 5
    assert read_back[10] == read_back[60] == then[10] - 4
    with django_assert_max_num_queries(GRID_QUERIES):
        client.get(_grid(assessments[60].pk))


# Saving a cell ----------------------------------------------------------------------------


def _cell(cast, as_tenant, scheme: Scheme, code: str = "i1") -> dict[str, Any]:
    with as_tenant(cast.tenant_a):
        indicator, group = pair(scheme, code, "zuzhi")
    return {"indicator": indicator.pk, "rater_group": group.pk}


def test_a_value_above_the_maximum_is_refused_and_nothing_saved(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    client = cast.client_for("assessor")
    response = client.post(
        _save(assessment.pk), {**_cell(cast, as_tenant, scheme), "value": "150"}, **EN
    )
    assert response.status_code == 400
    assert response.json()["error"] == "150 is above the maximum of 100%."
    with as_tenant(cast.tenant_a):
        assert not ScoreEntry.objects.filter(assessment=assessment).exists()


def test_a_good_save_returns_the_new_version_and_a_stale_one_conflicts(
    cast, as_tenant, scoring
) -> None:
    scheme, assessment = scoring
    client = cast.client_for("assessor")
    cell = _cell(cast, as_tenant, scheme)
    first = client.post(_save(assessment.pk), {**cell, "value": "80"})
    assert first.status_code == 200
    assert first.json() == {"version": 1, "value": "80", "evidence": None}
    second = client.post(_save(assessment.pk), {**cell, "value": "85.5", "expected_version": 1})
    assert second.json() == {"version": 2, "value": "85.5", "evidence": None}
    stale = client.post(_save(assessment.pk), {**cell, "value": "10", "expected_version": 1}, **EN)
    assert stale.status_code == 409
    assert "Someone changed this score since you loaded it" in stale.json()["error"]
    with as_tenant(cast.tenant_a):
        entry = ScoreEntry.objects.get(assessment=assessment)
    assert (entry.value, entry.version) == (Decimal("85.5"), 2)
    page = client.get(_grid(assessment.pk)).content.decode()
    assert 'data-version="2"' in page and 'value="85.5"' in page


def test_a_cell_of_another_scheme_or_a_bad_value_is_refused(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    client = cast.client_for("assessor")
    cell = _cell(cast, as_tenant, scheme)
    assert client.post(_save(assessment.pk), {**cell, "value": "abc"}).status_code == 400
    unknown = {"indicator": 999_999, "rater_group": cell["rater_group"], "value": "50"}
    assert client.post(_save(assessment.pk), unknown).status_code == 400
    yes_no = _cell(cast, as_tenant, scheme, "i2")
    refused = client.post(_save(assessment.pk), {**yes_no, "value": "2"}, **EN)
    assert refused.json()["error"] == "Enter 1 for done or 0 for not done."


# Workflow steps ---------------------------------------------------------------------------


def test_publishing_asks_for_confirmation_then_refuses_missing_entries(
    cast, as_tenant, scoring
) -> None:
    _scheme, assessment = scoring
    client = cast.client_for("assessor")
    url = reverse("assessments:transition", args=[assessment.pk])
    assert client.post(url, {"to_state": "review"}).status_code == 302
    confirm = client.post(url, {"to_state": "published"}, **EN)
    assert confirm.status_code == 200
    assert b'name="confirm" value="1"' in confirm.content
    response = client.post(url, {"to_state": "published", "confirm": "1"}, follow=True, **EN)
    assert "entries are still missing" in response.content.decode()
    with as_tenant(cast.tenant_a):
        assessment.refresh_from_db()
    assert assessment.state == "review"


def test_an_illegal_step_is_refused_with_a_message(cast, as_tenant, scoring) -> None:
    _scheme, assessment = scoring
    url = reverse("assessments:transition", args=[assessment.pk])
    response = cast.client_for("assessor").post(url, {"to_state": "final"}, follow=True, **EN)
    assert "An assessment cannot go from" in response.content.decode()
    with as_tenant(cast.tenant_a):
        assessment.refresh_from_db()
    assert assessment.state == "scoring"


def _veto_item(cast, as_tenant, scheme: Scheme) -> VetoItem:
    with as_tenant(cast.tenant_a):
        return VetoItem.objects.get(scheme=scheme)


def test_a_veto_without_evidence_is_refused(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    url = reverse("assessments:veto_propose", args=[assessment.pk])
    item = _veto_item(cast, as_tenant, scheme)
    response = cast.client_for("assessor").post(
        url, {"item": item.pk, "reason": "事故"}, follow=True, **EN
    )
    assert "A veto needs evidence." in response.content.decode()
    with as_tenant(cast.tenant_a):
        assert not VetoRecord.objects.filter(assessment=assessment).exists()


def test_a_veto_is_decided_by_someone_other_than_its_proposer(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    item = _veto_item(cast, as_tenant, scheme)
    assessor = cast.client_for("assessor")
    assessor.post(
        reverse("assessments:veto_propose", args=[assessment.pk]),
        {"item": item.pk, "reason": "事故", "evidence": _evidence()},
    )
    with as_tenant(cast.tenant_a):
        veto = VetoRecord.objects.get(assessment=assessment)
    decide = reverse("assessments:veto_decide", args=[assessment.pk, veto.pk])
    # The proposer sees no buttons, and posting anyway is refused.
    assert decide not in assessor.get(_grid(assessment.pk)).content.decode()
    refused = assessor.post(decide, {"approve": "1"}, follow=True, **EN)
    assert "someone other than who proposed it" in refused.content.decode()
    with as_tenant(cast.tenant_a):
        veto.refresh_from_db()
    assert veto.status == "proposed"
    admin = cast.client_for("admin")
    assert decide in admin.get(_grid(assessment.pk)).content.decode()
    admin.post(decide, {"approve": "1"})
    with as_tenant(cast.tenant_a):
        veto.refresh_from_db()
    assert (veto.status, veto.decided_by_id) == ("approved", cast.admin.pk)


def test_refused_forms_show_their_errors_next_to_the_fields(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    client = cast.client_for("assessor")
    with as_tenant(cast.tenant_a):
        adjustment = scheme.adjustmentitem_set.get()
    url = reverse("assessments:adjustment_add", args=[assessment.pk])
    response = client.post(url, {"item": adjustment.pk, "occurrences": 0, "note": "缺席两次"}, **EN)
    assert response.status_code == 400
    assert set(response.context["adjustment_form"].errors) == {"occurrences"}
    html = response.content.decode()
    assert 'id="adj-occurrences-error"' in html and 'aria-invalid="true"' in html
    assert "缺席两次</textarea>" in html  # what was typed is kept
    no_evidence = client.post(url, {"item": adjustment.pk, "occurrences": 1, "note": "缺席"}, **EN)
    assert no_evidence.context["adjustment_form"].errors == {
        "evidence": ["Attach the evidence for this bonus or deduction."]
    }
    assert 'id="adj-evidence-error"' in no_evidence.content.decode()
    unknown = client.post(url, {"item": 999_999, "occurrences": 1}, **EN)
    assert unknown.context["adjustment_form"].errors == {
        "item": ["Choose a bonus or deduction item."]
    }
    veto = client.post(
        reverse("assessments:veto_propose", args=[assessment.pk]),
        {"item": _veto_item(cast, as_tenant, scheme).pk, "reason": "事故"},
        **EN,
    )
    assert veto.status_code == 400
    assert veto.context["veto_form"].errors == {"evidence": ["A veto needs evidence."]}
    assert 'id="veto-evidence-error"' in veto.content.decode()
    with as_tenant(cast.tenant_a):
        assert not assessment.adjustments.exists() and not assessment.vetoes.exists()


def test_a_bonus_or_deduction_needs_evidence(cast, as_tenant, scoring) -> None:
    scheme, assessment = scoring
    with as_tenant(cast.tenant_a):
        item = scheme.adjustmentitem_set.get()
    url = reverse("assessments:adjustment_add", args=[assessment.pk])
    client = cast.client_for("assessor")
    body = {"item": item.pk, "occurrences": 1, "note": "缺席"}
    refused = client.post(url, body, follow=True, **EN)
    assert "Attach the evidence" in refused.content.decode()
    client.post(url, {**body, "evidence": _evidence()})
    with as_tenant(cast.tenant_a):
        assert assessment.adjustments.count() == 1


# The list ---------------------------------------------------------------------------------


def _more_assessments(cast, scheme: Scheme, years: range) -> None:
    """An annual cycle per year, with a11's and a21's assessments in each."""
    from organizations.models import Secretary

    secretaries = list(Secretary.objects.filter(tenant=cast.tenant_a).select_related("community"))
    for year in years:
        cycle = Cycle.objects.create(
            tenant=cast.tenant_a, kind="annual", year=year, name=f"{year}年度", scheme=scheme,
            starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31),
        )  # fmt: skip
        for s in secretaries:
            Assessment.objects.create(
                tenant=cast.tenant_a, cycle=cycle, scheme=scheme, secretary=s, community=s.community,
                street_id=s.community.parent_id, community_type=s.community.community_type,
                career_stage="growth",
            )  # fmt: skip


def test_list_is_paginated_filtered_and_its_query_count_constant(
    cast, as_tenant, scoring, django_assert_max_num_queries
) -> None:
    scheme, _assessment = scoring
    client = cast.client_for("admin")
    url = reverse("assessments:list")
    client.get(url)  # warm up the session
    forget_local_fragments()
    cache.clear()
    with django_assert_max_num_queries(LIST_QUERIES) as few:
        small = client.get(url)
    with as_tenant(cast.tenant_a):
        _more_assessments(cast, scheme, range(2010, 2024))
    with django_assert_max_num_queries(LIST_QUERIES) as many:
        page_one = client.get(url)
    with django_assert_max_num_queries(LIST_QUERIES) as read_back:
        main = client.get(url).content.split(b'<main id="main"')[1]  # not the menu's CSRF token
    assert main == page_one.content.split(b'<main id="main"')[1]
    assert len(few) == len(many) == len(read_back)
    assert _total(small) == 2
    assert _total(page_one) == 30 and len(_listed(page_one)) == 25
    assert len(_listed(client.get(url, {"page": 2}))) == 5
    by_state_page = client.get(url, {"state": "scoring"})
    assert _listed(by_state_page) == [_assessment.pk]
    by_name = client.get(url, {"q": "甲二一"})
    with as_tenant(cast.tenant_a):
        in_a21 = set(Assessment.objects.filter(community__code="a21").values_list("pk", flat=True))
    assert set(_listed(by_name)) <= in_a21 and _total(by_name) == 15
    html = by_state_page.content.decode()
    assert reverse("assessments:grid", args=[_assessment.pk]) in html
    assert f'href="/assessments/{_assessment.pk}/"' in html


def test_list_is_scoped_and_says_what_to_do_when_empty(cast, as_tenant, scoring) -> None:
    _scheme, assessment = scoring
    with as_tenant(cast.tenant_a):
        in_a21 = list(Assessment.objects.filter(community__code="a21").values_list("pk", flat=True))
    assert _listed(cast.client_for("assessor_a2").get(reverse("assessments:list"))) == in_a21
    empty = cast.client_for("admin_b").get(reverse("assessments:list"), **EN)
    assert _listed(empty) == [] and "opens a cycle" in empty.content.decode()
    secretary = cast.client_for("secretary").get(reverse("assessments:list"))
    assert _listed(secretary) == [assessment.pk]


def _listed(response: Any) -> list[int]:
    """The assessments a list page shows, by their scorecard links (the page is read back
    from the fragment cache as often as drawn: its HTML, not its context)."""
    assert response.status_code == 200
    links = r'href="/assessments/(\d+)/"><i class="bi bi-card-checklist'
    return [int(pk) for pk in re.findall(links, response.content.decode())]


def _total(response: Any) -> int:
    """The number the list's caption gives (every page of it)."""
    found = re.search(r"<caption[^>]*>(\d+)", response.content.decode())
    return int(found[1]) if found else 0
