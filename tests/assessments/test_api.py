"""The assessment workflow over the REST API: a whole quarter, conflicts, scopes, bad input
and list query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import (
    Appeal,
    Assessment,
    Cycle,
    Rectification,
    Result,
    ScoreEntry,
    VetoRecord,
)
from indicators.models import AdjustmentItem, VetoItem
from organizations.selectors import actor_for_user
from tests import factories as f
from tests.assessments.workflow import open_quarter, pair, published_scheme, secretary_for

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# i1 as the street office scores it; everything else at full marks (see test_workflow):
# a11 93.33, a12 98.33, a21 96.67.
I1_BY_STREET_OFFICE = {"a11": 60, "a12": 90, "a21": 80}


def _post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data, content_type="application/json", **extra)


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _kinds(node: dict[str, Any]) -> set[str]:
    kinds = {node["kind"]}
    for child in node["children"]:
        kinds |= _kinds(child)
    return kinds


@pytest.fixture
def quarter(cast, as_tenant):
    """A published three-group scheme and Q3 opened over a11, a12 and a21 (services)."""
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        secretaries = {
            "a11": cast.secretary,
            "a21": cast.secretary_a21,
            "a12": secretary_for(cast, cast.community_a12),
        }
        cycle, assessments = open_quarter(cast, scheme)
    return scheme, cycle, assessments, secretaries


def _pair(cast, as_tenant, scheme: Any, indicator: str, group: str) -> tuple[Any, Any]:
    with as_tenant(cast.tenant_a):
        return pair(scheme, indicator, group)


def _stored_results(cast, as_tenant) -> dict[str, Result]:
    with as_tenant(cast.tenant_a):
        results = Result.objects.select_related("assessment__community")
        return {r.assessment.community.code: r for r in results}


def _to_scoring(cast, as_tenant, assessment: Assessment) -> None:
    assessor = actor_for_user(
        cast.assessor if assessment.street_id == cast.street_a1.pk else cast.assessor_a2
    )
    with as_tenant(cast.tenant_a):
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)


# The must-show: a whole quarter through the API -------------------------------------------


def test_a_quarter_end_to_end_through_the_api(cast, as_tenant, django_capture_on_commit_callbacks):
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        secretaries = {
            "a11": cast.secretary,
            "a12": secretary_for(cast, cast.community_a12),
            "a21": cast.secretary_a21,
        }
    users = {"admin": cast.admin, "expert": cast.expert} | {
        f"assessor-{code}": cast.assessor if code != "a21" else cast.assessor_a2
        for code in secretaries
    }
    clients = {name: Client() for name in [*users, *secretaries]}
    for name, client in clients.items():
        client.force_login(users.get(name) or secretaries[name])
    admin, expert = clients["admin"], clients["expert"]

    # The admin opens the quarter: one assessment per serving secretary.
    response = _post(
        admin,
        _url("cycle-list"),
        {"kind": "quarterly", "year": 2026, "quarter": 3, "scheme": scheme.pk,
         "starts_on": "2026-07-01", "ends_on": "2026-09-30"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    cycle_id = response.json()["id"]
    listed = admin.get(_url("assessment-list"), {"cycle": cycle_id}).json()
    assert listed["count"] == 3
    ids = {a["community_name"]: a["id"] for a in listed["results"]}
    ids = {
        u.code: ids[u.name] for u in (cast.community_a11, cast.community_a12, cast.community_a21)
    }

    with as_tenant(cast.tenant_a):
        groups = {code: pair(scheme, "i1", code)[1].pk for code in ("zuzhi", "zhuanjia", "ziping")}
        indicators = {code: pair(scheme, code, "zuzhi")[0].pk for code in ("i1", "i2", "i3")}

    def enter(client: Client, assessment: int, group: str, values: dict[str, int]) -> None:
        for code, value in values.items():
            body = {"assessment": assessment, "indicator": indicators[code]}
            body |= {"rater_group": groups[group], "value": str(value)}
            response = _post(client, _url("score-entry-list"), body)
            assert response.status_code == 201, response.content

    # Every recompute the saves enqueue runs, as the workers would.
    with django_capture_on_commit_callbacks(execute=True):
        for code, pk in ids.items():
            assessor, secretary = clients[f"assessor-{code}"], clients[code]
            transition = _url("assessment-transition", pk)
            assert _post(assessor, transition, {"to_state": "self_evaluation"}).status_code == 200
            enter(secretary, pk, "ziping", {"i1": 100, "i2": 1, "i3": 100})
            response = _post(
                secretary,
                _url("assessment-self-evaluation", pk),
                {"summary": "自评", "duty_report": "述职报告"},
            )
            assert response.status_code == 201, response.content
            assert admin.get(_url("assessment-detail", pk)).json()["state"] == "scoring"
            response = _post(
                admin, _url("assessment-assign-expert", pk), {"expert": cast.expert.pk}
            )
            assert response.status_code == 200, response.content
            enter(assessor, pk, "zuzhi", {"i1": I1_BY_STREET_OFFICE[code], "i2": 1, "i3": 100})
            enter(expert, pk, "zhuanjia", {"i1": 100, "i2": 1, "i3": 100})
    for code, pk in ids.items():
        transition = _url("assessment-transition", pk)
        for state in ("review", "published"):
            response = _post(clients[f"assessor-{code}"], transition, {"to_state": state})
            assert response.status_code == 200, response.content
            assert response.json()["state"] == state

    stored = _stored_results(cast, as_tenant)
    assert {code: r.total for code, r in stored.items()} == {
        "a11": Decimal("93.33"), "a12": Decimal("98.33"), "a21": Decimal("96.67"),
    }  # fmt: skip
    assert [stored[c].rank_in_tenant for c in ("a12", "a21", "a11")] == [1, 2, 3]

    # The secretary reads their result: group results, no individual rater's score.
    secretary = clients["a11"]
    result = secretary.get(_url("assessment-result", ids["a11"])).json()
    assert result["total"] == "93.33" and result["complete"] is True
    assert "entry" not in _kinds(result["explanation"]) and "group" in _kinds(result["explanation"])
    # What if i1 were 100 everywhere? First place, and nothing saved.
    response = _post(secretary, _url("assessment-what-if", ids["a11"]), {"values": {"i1": "100"}})
    assert response.status_code == 200, response.content
    assert response.json() | {"total": Decimal(response.json()["total"])} == {
        "total": Decimal(100), "grade": "excellent", "grade_label": "优秀", "complete": True,
        "vetoed": False, "rank": 1, "ranked": 3,
    }  # fmt: skip

    # The appeal: filed by the secretary, escalated by the assessor, upheld by the admin.
    body = {"assessment": ids["a11"], "indicator": indicators["i1"], "reason": "台账齐全，评分有误"}
    response = _post(secretary, _url("appeal-list"), body)
    assert response.status_code == 201, response.content
    appeal = response.json()["id"]
    assert secretary.get(_url("assessment-detail", ids["a11"])).json()["state"] == "appeal"
    response = _post(
        clients["assessor-a11"],
        _url("appeal-review", appeal),
        {"decision": "escalate", "note": "提交上级复核"},
    )
    assert (response.status_code, response.json()["level"]) == (200, 2), response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            admin,
            _url("appeal-review", appeal),
            {"decision": "uphold", "note": "核实后更正", "corrected_value": "100"},
        )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["level"]) == ("upheld", 2)
    reviews = secretary.get(_url("appeal-detail", appeal)).json()["reviews"]
    assert [(r["level"], r["decision"]) for r in reviews] == [(1, "escalate"), (2, "uphold")]

    # Recomputed and re-ranked: a11 moves from third to first.
    assert secretary.get(_url("assessment-result", ids["a11"])).json()["total"] == "100.00"
    after = _stored_results(cast, as_tenant)
    assert (after["a11"].total, after["a11"].rank_in_tenant) == (Decimal("100.00"), 1)
    assert (after["a12"].rank_in_tenant, after["a21"].rank_in_tenant) == (2, 3)
    call_command("verify_audit")


# Conflicts ----------------------------------------------------------------------------------


def test_a_stale_expected_version_is_a_409_and_changes_nothing(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    i1, zuzhi = _pair(cast, as_tenant, scheme, "i1", "zuzhi")
    body = {"assessment": assessment.pk, "indicator": i1.pk, "rater_group": zuzhi.pk}
    assessor, admin = cast.client_for("assessor"), cast.client_for("admin")

    first = _post(assessor, _url("score-entry-list"), body | {"value": "80"})
    assert (first.status_code, first.json()["version"]) == (201, 1)
    second = _post(admin, _url("score-entry-list"), body | {"value": "85", "expected_version": 1})
    assert (second.status_code, second.json()["version"]) == (200, 2)
    stale = _post(
        assessor, _url("score-entry-list"), body | {"value": "70", "expected_version": 1}, **EN
    )
    assert stale.status_code == 409
    assert "Someone changed this score since you loaded it (it is now 85" in stale.json()["detail"]
    with as_tenant(cast.tenant_a):
        entry = ScoreEntry.objects.get(assessment=assessment, indicator=i1, rater_group=zuzhi)
    assert (entry.value, entry.version, entry.changed_by_id) == (Decimal(85), 2, cast.admin.pk)


# Scopes -------------------------------------------------------------------------------------


def test_each_role_reaches_only_its_own_assessments(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    a11, a21 = assessments["a11"], assessments["a21"]
    i1, _group = _pair(cast, as_tenant, scheme, "i1", "zuzhi")
    with as_tenant(cast.tenant_a):
        services.expert_assign(actor=actor_for_user(cast.admin), assessment=a21, expert=cast.expert)
        appeal_a21 = Appeal.objects.create(
            tenant=cast.tenant_a, assessment=a21, indicator=i1, reason="有误", filed_by=cast.secretary_a21
        )  # fmt: skip

    secretary = cast.client_for("secretary")
    assert secretary.get(_url("assessment-detail", a11.pk)).status_code == 200
    for url in (
        _url("assessment-detail", a21.pk),
        _url("assessment-result", a21.pk),
        _url("appeal-detail", appeal_a21.pk),
    ):
        assert secretary.get(url).status_code == 404, url
    assert _post(secretary, _url("assessment-what-if", a21.pk), {"values": {}}).status_code == 404
    assert [a["id"] for a in secretary.get(_url("assessment-list")).json()["results"]] == [a11.pk]
    assert secretary.get(_url("appeal-list")).json()["count"] == 0

    expert = cast.client_for("expert")
    assert expert.get(_url("assessment-detail", a11.pk)).status_code == 404  # not assigned
    assert expert.get(_url("assessment-result", a11.pk)).status_code == 404
    assert expert.get(_url("assessment-detail", a21.pk)).status_code == 200
    assert [a["id"] for a in expert.get(_url("assessment-list")).json()["results"]] == [a21.pk]

    assessor = cast.client_for("assessor")  # street a1
    assert assessor.get(_url("assessment-detail", a21.pk)).status_code == 404
    assert assessor.get(_url("appeal-detail", appeal_a21.pk)).status_code == 404
    assert assessor.get(_url("assessment-detail", a11.pk)).status_code == 200

    assert cast.client_for("admin_b").get(_url("assessment-detail", a11.pk)).status_code == 404
    assert cast.client_for("admin_b").get(_url("assessment-list")).json()["count"] == 0


def test_score_entries_are_not_for_secretaries_or_leaders(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    i1, zuzhi = _pair(cast, as_tenant, scheme, "i1", "zuzhi")
    body = {"assessment": assessment.pk, "indicator": i1.pk, "rater_group": zuzhi.pk, "value": "80"}
    entry = _post(cast.client_for("assessor"), _url("score-entry-list"), body).json()["id"]
    for user in ("secretary", "leader"):
        client = cast.client_for(user)
        assert client.get(_url("score-entry-list")).status_code == 403, user
        assert client.get(_url("score-entry-detail", entry)).status_code == 403, user
    assert cast.client_for("admin").get(_url("score-entry-detail", entry)).status_code == 200
    listed = cast.client_for("assessor_a2").get(_url("score-entry-list")).json()
    assert listed["count"] == 0  # another street's entries
    assert cast.client_for("expert").get(_url("score-entry-detail", entry)).status_code == 404


def test_a_secretarys_result_has_no_entry_nodes(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    with as_tenant(cast.tenant_a):
        i1, zuzhi = pair(scheme, "i1", "zuzhi")
        services.entry_save(
            actor=actor_for_user(cast.assessor), assessment=assessment, indicator=i1,
            rater_group=zuzhi, value=Decimal(80),
        )  # fmt: skip
    url = _url("assessment-result", assessment.pk)
    # While it is being scored its secretary gets nothing, as for a missing assessment.
    assert cast.client_for("secretary").get(url).status_code == 404
    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=assessment.pk).update(state="published")
    mine = cast.client_for("secretary").get(url).json()
    theirs = cast.client_for("assessor").get(url).json()
    assert "entry" in _kinds(theirs["explanation"])
    assert "entry" not in _kinds(mine["explanation"])
    assert mine["total"] == theirs["total"] and "group" in _kinds(mine["explanation"])


def test_ids_outside_the_scope_are_refused_like_missing_ones(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    a21 = assessments["a21"]
    _to_scoring(cast, as_tenant, a21)
    i1, zuzhi = _pair(cast, as_tenant, scheme, "i1", "zuzhi")
    body = {"assessment": a21.pk, "indicator": i1.pk, "rater_group": zuzhi.pk, "value": "80"}
    response = _post(cast.client_for("assessor"), _url("score-entry-list"), body, **EN)
    assert response.status_code == 400
    assert "does not exist" in response.json()["assessment"][0]
    # Tenant B's admin cannot open a cycle on tenant A's scheme, nor rate A's assessments.
    admin_b = cast.client_for("admin_b")
    response = _post(
        admin_b,
        _url("cycle-list"),
        {"kind": "quarterly", "year": 2027, "quarter": 1, "scheme": scheme.pk,
         "starts_on": "2027-01-01", "ends_on": "2027-03-31"},
        **EN,
    )  # fmt: skip
    assert response.status_code == 400 and "does not exist" in response.json()["scheme"][0]
    response = _post(admin_b, _url("score-entry-list"), body, **EN)
    assert response.status_code == 400 and "does not exist" in response.json()["assessment"][0]
    # Only experts of the tenant may be assigned.
    response = _post(
        cast.client_for("admin"), _url("assessment-assign-expert", a21.pk), {"expert": cast.assessor.pk}
    )  # fmt: skip
    assert response.status_code == 400 and "expert" in response.json()
    with as_tenant(cast.tenant_a):
        assert not ScoreEntry.objects.exists() and not a21.expert_assignments.exists()
        assert Cycle.objects.count() == 1


# Bad input ----------------------------------------------------------------------------------


def test_a_value_above_the_maximum_is_a_400_and_saves_nothing(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    i1, zuzhi = _pair(cast, as_tenant, scheme, "i1", "zuzhi")
    body = {
        "assessment": assessment.pk,
        "indicator": i1.pk,
        "rater_group": zuzhi.pk,
        "value": "120",
    }
    response = _post(cast.client_for("assessor"), _url("score-entry-list"), body, **EN)
    assert response.status_code == 400
    assert response.json() == {"value": ["120 is above the maximum of 100%."]}
    with as_tenant(cast.tenant_a):
        assert not ScoreEntry.objects.filter(assessment=assessment).exists()


def test_a_veto_without_evidence_is_a_400_and_saves_nothing(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    with as_tenant(cast.tenant_a):
        item = VetoItem.objects.get(scheme=scheme)
    assessor = cast.client_for("assessor")
    body = {"assessment": assessment.pk, "item": item.pk, "reason": "重大安全责任事故"}
    response = assessor.post(_url("veto-list"), body, **EN)
    assert response.status_code == 400
    assert response.json() == {"evidence": ["A veto needs evidence."]}
    with as_tenant(cast.tenant_a):
        assert not VetoRecord.objects.exists()
    # With evidence it is proposed, and a second person approves it.
    response = assessor.post(_url("veto-list"), body | {"evidence": _evidence()})
    assert response.status_code == 201, response.content
    veto = response.json()["id"]
    refused = _post(assessor, _url("veto-decide", veto), {"approve": True}, **EN)
    assert refused.status_code == 400 and "someone other" in str(refused.json())
    approved = _post(cast.client_for("admin"), _url("veto-decide", veto), {"approve": True})
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert cast.client_for("secretary").get(_url("veto-detail", veto)).status_code == 200
    assert cast.client_for("expert").get(_url("veto-detail", veto)).status_code == 404


def test_publishing_with_missing_entries_is_a_400(cast, as_tenant, quarter):
    _scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    assessor = cast.client_for("assessor")
    url = _url("assessment-transition", assessment.pk)
    assert _post(assessor, url, {"to_state": "review"}).status_code == 200
    response = _post(assessor, url, {"to_state": "published"}, **EN)
    assert response.status_code == 400
    assert "entries are still missing" in response.json()[0]
    illegal = _post(assessor, url, {"to_state": "final"}, **EN)
    assert illegal.status_code == 400 and "cannot go from" in illegal.json()[0]
    assert _post(cast.client_for("leader"), url, {"to_state": "scoring"}).status_code == 403
    with as_tenant(cast.tenant_a):
        assessment.refresh_from_db()
        assert (assessment.state, assessment.published_at) == ("review", None)
        assert not Result.objects.exists()


def test_an_appeal_after_the_window_is_a_400_and_saves_nothing(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    i1, _group = _pair(cast, as_tenant, scheme, "i1", "zuzhi")
    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=assessment.pk).update(
            state="published", appeal_deadline=dt.date(2026, 1, 1)
        )
    body = {"assessment": assessment.pk, "indicator": i1.pk, "reason": "晚了"}
    response = _post(cast.client_for("secretary"), _url("appeal-list"), body, **EN)
    assert response.status_code == 400
    assert response.json() == ["The appeal window closed on 2026-01-01."]
    # Nobody but the assessed secretary files one.
    assert _post(cast.client_for("assessor"), _url("appeal-list"), body).status_code == 403
    with as_tenant(cast.tenant_a):
        assert not Appeal.objects.exists()
        assessment.refresh_from_db()
        assert assessment.state == "published"


def test_what_if_names_unknown_indicators_and_saves_nothing(cast, as_tenant, quarter):
    _scheme, _cycle, assessments, _secretaries = quarter
    url = _url("assessment-what-if", assessments["a11"].pk)
    client = cast.client_for("leader")
    response = _post(client, url, {"values": {"nope": "1", "i1": "100"}}, **EN)
    assert response.status_code == 400
    assert response.json() == {"values": ["Unknown indicator: nope."]}
    response = _post(client, url, {"values": {"i1": "100"}})
    assert response.status_code == 200
    # No entries yet: the replaced indicator has none to replace, so the result stays open.
    assert (response.json()["complete"], response.json()["rank"]) == (False, 1)
    with as_tenant(cast.tenant_a):
        assert not ScoreEntry.objects.exists() and not Result.objects.exists()


# Adjustments and rectifications -------------------------------------------------------------


def test_adjustments_need_evidence_and_count(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessment = assessments["a11"]
    _to_scoring(cast, as_tenant, assessment)
    with as_tenant(cast.tenant_a):
        item = AdjustmentItem.objects.get(scheme=scheme, code="queqin")
    assessor = cast.client_for("assessor")
    body = {"assessment": assessment.pk, "item": item.pk, "occurrences": 1, "note": "无故缺席"}
    response = assessor.post(_url("adjustment-list"), body, **EN)
    assert response.json() == {"evidence": ["Attach the evidence for this bonus or deduction."]}
    response = assessor.post(_url("adjustment-list"), body | {"evidence": _evidence()})
    assert response.status_code == 201, response.content
    with as_tenant(cast.tenant_a):
        Assessment.objects.filter(pk=assessment.pk).update(state="published")
    result = cast.client_for("secretary").get(_url("assessment-result", assessment.pk)).json()
    assert result["deduction_total"] == "5.00"
    mine = cast.client_for("secretary").get(_url("adjustment-list")).json()
    assert [a["id"] for a in mine["results"]] == [response.json()["id"]]


def test_a_rectification_is_raised_done_and_accepted(cast, as_tenant, quarter):
    _scheme, _cycle, assessments, _secretaries = quarter
    assessor, secretary = cast.client_for("assessor"), cast.client_for("secretary")
    body = {
        "community": cast.community_a11.pk, "title": "台账不全", "owner": cast.secretary.pk,
        "deadline": "2099-12-31", "assessment": assessments["a11"].pk,
    }  # fmt: skip
    response = _post(assessor, _url("rectification-list"), body)
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["street"], item["status"], item["overdue"]) == (cast.street_a1.pk, "open", False)
    # Another street's community is out of the assessor's reach.
    elsewhere = _post(
        assessor, _url("rectification-list"), body | {"community": cast.community_a21.pk}
    )
    assert elsewhere.status_code == 400 and "community" in elsewhere.json()

    done_url = _url("rectification-done", item["id"])
    response = secretary.post(done_url, {"note": "已补齐"}, **EN)
    assert response.json() == {"evidence": ["Attach evidence of what was done, e.g. a photo."]}
    response = secretary.post(done_url, {"note": "已补齐", "evidence": _evidence()})
    assert (response.status_code, response.json()["status"]) == (200, "done")
    review_url = _url("rectification-review", item["id"])
    assert _post(secretary, review_url, {"accept": True}).status_code == 403
    response = _post(assessor, review_url, {"accept": True, "note": "验收通过"})
    assert (response.status_code, response.json()["status"]) == (200, "accepted")
    other_street = cast.client_for("assessor_a2")
    assert other_street.get(_url("rectification-detail", item["id"])).status_code == 404


def test_rectifications_filter_by_status_community_and_overdue(cast, as_tenant):
    actor = actor_for_user(cast.assessor)
    with as_tenant(cast.tenant_a):
        items = [
            services.rectification_raise(
                actor=actor,
                community=community,
                title=title,
                owner=cast.secretary,
                deadline=dt.date(2099, 1, 1),
            )
            for community, title in (
                (cast.community_a11, "late"),
                (cast.community_a11, "on time"),
                (cast.community_a12, "other"),
            )
        ]
        Rectification.objects.filter(pk=items[0].pk).update(deadline=dt.date(2020, 1, 1))

    def titles(user: str = "assessor", **params: Any) -> list[str]:
        listed = cast.client_for(user).get(_url("rectification-list"), params).json()
        return sorted(r["title"] for r in listed["results"])

    assert titles(overdue="true") == ["late"]
    assert titles(overdue="false") == ["on time", "other"]
    assert titles(community=cast.community_a12.pk) == ["other"]
    assert titles(status="open") == ["late", "on time", "other"]
    assert titles(status="accepted") == []
    assert titles("secretary") == ["late", "on time"]  # their own community's only


# Query counts -------------------------------------------------------------------------------


def _more_secretaries(cast, as_tenant, start: int, stop: int) -> None:
    with as_tenant(cast.tenant_a):
        for n in range(start, stop):
            community = f.CommunityFactory(
                tenant=cast.tenant_a, parent=cast.street_a1, code=f"x{n}"
            )
            secretary_for(cast, community)


def _queries_for(client: Client, url: str, django_assert_max_num_queries: Any) -> tuple[int, int]:
    with django_assert_max_num_queries(12) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("user", ["admin", "assessor"])
def test_the_assessment_list_query_count_does_not_grow(
    cast, as_tenant, django_assert_max_num_queries, user
):
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        open_quarter(cast, scheme)
    client = cast.client_for(user)
    url = _url("assessment-list")
    client.get(url)  # warm the session
    few, count_few = _queries_for(client, url, django_assert_max_num_queries)
    _more_secretaries(cast, as_tenant, 0, 15)
    with as_tenant(cast.tenant_a):
        services.cycle_open(
            actor=actor_for_user(cast.admin), kind="quarterly", year=2026, quarter=4, scheme=scheme,
            starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 31),
        )  # fmt: skip
    many, count_many = _queries_for(client, url, django_assert_max_num_queries)
    assert count_many > count_few + 15
    assert few == many


@pytest.mark.parametrize("user", ["admin", "secretary"])
def test_the_rectification_list_query_count_does_not_grow(
    cast, as_tenant, django_assert_max_num_queries, user
):
    actor = actor_for_user(cast.assessor)

    def raise_items(n: int) -> None:
        with as_tenant(cast.tenant_a):
            for i in range(n):
                services.rectification_raise(
                    actor=actor, community=cast.community_a11, title=f"问题{i}", owner=cast.secretary,
                    deadline=dt.date(2099, 1, 1),
                )  # fmt: skip

    raise_items(2)
    client = cast.client_for(user)
    url = _url("rectification-list")
    client.get(url)
    few, count_few = _queries_for(client, url, django_assert_max_num_queries)
    raise_items(20)
    many, count_many = _queries_for(client, url, django_assert_max_num_queries)
    assert (count_few, count_many) == (2, 22)
    assert few == many
