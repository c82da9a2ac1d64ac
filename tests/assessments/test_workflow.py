"""A whole quarter through the services: open, self-evaluate, three rater groups score,
publish, an appeal upheld at level two, recomputation, a changed rank, a verified audit chain."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from assessments import services
from assessments.models import Assessment, Result, ScoreEntry
from assessments.selectors import assessment_list_for_actor
from notifications.models import Notification
from organizations.selectors import actor_for_user
from tests.assessments.workflow import open_quarter, pair, published_scheme, secretary_for


# i1 as the street office scores it, per community; everything else at full marks.
# Totals: a11: (5×0.6 + 3 + 2)/10 = 0.8 → 8 + 10 + 10 = 28/30 → 93.33
#         a12: 0.95 → 9.5 → 29.5/30 → 98.33;  a21: 0.9 → 9 → 29/30 → 96.67
@pytest.fixture(autouse=True)
def _english():
    """The messages asserted here are read in English (zh-Hans is the default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


I1_BY_STREET_OFFICE = {"a11": Decimal(60), "a12": Decimal(90), "a21": Decimal(80)}


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def _score_everything(cast, scheme, assessments, secretaries) -> None:
    assessors = {"a11": cast.assessor, "a12": cast.assessor, "a21": cast.assessor_a2}
    expert = actor_for_user(cast.expert)
    for code, assessment in assessments.items():
        assessor = actor_for_user(assessors[code])
        services.assessment_transition(
            actor=assessor, assessment=assessment, to_state="self_evaluation"
        )
        secretary = actor_for_user(secretaries[code])
        for indicator_code in ("i1", "i2", "i3"):
            indicator, group = pair(scheme, indicator_code, "ziping")
            value = Decimal(1) if indicator_code == "i2" else Decimal(100)
            services.entry_save(
                actor=secretary,
                assessment=assessment,
                indicator=indicator,
                rater_group=group,
                value=value,
            )
        services.self_evaluation_submit(
            actor=secretary, assessment=assessment, summary="自评", duty_report="述职报告"
        )
        services.expert_assign(
            actor=actor_for_user(cast.admin), assessment=assessment, expert=cast.expert
        )
        for indicator_code in ("i1", "i2", "i3"):
            for group_code, actor in (("zuzhi", assessor), ("zhuanjia", expert)):
                indicator, group = pair(scheme, indicator_code, group_code)
                value = Decimal(1) if indicator_code == "i2" else Decimal(100)
                if indicator_code == "i1" and group_code == "zuzhi":
                    value = I1_BY_STREET_OFFICE[code]
                services.entry_save(
                    actor=actor,
                    assessment=assessment,
                    indicator=indicator,
                    rater_group=group,
                    value=value,
                )
        services.assessment_transition(actor=assessor, assessment=assessment, to_state="review")
        services.assessment_transition(actor=assessor, assessment=assessment, to_state="published")


@pytest.fixture
def quarter(cast, as_tenant):
    with as_tenant(cast.tenant_a):
        scheme = published_scheme(cast)
        secretaries = {
            "a11": cast.secretary,
            "a21": cast.secretary_a21,
            "a12": secretary_for(cast, cast.community_a12),
        }
        cycle, assessments = open_quarter(cast, scheme)
    return scheme, cycle, assessments, secretaries


def test_a_quarter_end_to_end(cast, as_tenant, quarter, django_capture_on_commit_callbacks):
    scheme, cycle, assessments, secretaries = quarter
    assert set(assessments) == {"a11", "a12", "a21"}  # one per serving secretary of tenant A
    with as_tenant(cast.tenant_a):
        _score_everything(cast, scheme, assessments, secretaries)
        services.recompute_cycle(cycle_id=cycle.pk)
        before = {
            r.assessment.community.code: r
            for r in Result.objects.select_related("assessment__community")
        }
        assert {code: r.total for code, r in before.items()} == {
            "a11": Decimal("93.33"), "a12": Decimal("98.33"), "a21": Decimal("96.67"),
        }  # fmt: skip
        assert (
            before["a12"].rank_in_tenant,
            before["a21"].rank_in_tenant,
            before["a11"].rank_in_tenant,
        ) == (1, 2, 3)
        assert (before["a11"].rank_in_street, before["a12"].rank_in_street) == (2, 1)

        i1, _group = pair(scheme, "i1", "zuzhi")
        appeal = services.appeal_file(
            actor=actor_for_user(cast.secretary),
            assessment=assessments["a11"],
            indicator=i1,
            reason="台账齐全，评分有误",
        )
        services.appeal_review(
            actor=actor_for_user(cast.assessor),
            appeal=appeal,
            decision="escalate",
            note="提交上级复核",
        )
        with django_capture_on_commit_callbacks(execute=True):
            appeal = services.appeal_review(
                actor=actor_for_user(cast.admin),
                appeal=appeal,
                decision="uphold",
                note="核实后更正",
                corrected_value=Decimal(100),
            )
        assert (appeal.status, appeal.level) == ("upheld", 2)
        # The secretary who appealed is notified of each decision, in the app and by email.
        told = Notification.objects.filter(recipient_id=appeal.filed_by_id).order_by("pk")
        assert [n.verb for n in told] == [
            f"appeal.decided:{appeal.pk}:1",
            f"appeal.decided:{appeal.pk}:2",
        ]
        assert told.last().url.endswith(f"/assessments/{assessments['a11'].pk}/#appeals")
        assert told.last().body == "核实后更正"
        after = Result.objects.get(assessment=assessments["a11"])
        assert after.total == Decimal("100.00") and after.rank_in_tenant == 1
        assert Result.objects.get(assessment=assessments["a12"]).rank_in_tenant == 2
        # The correction is on the record, with the old value.
        assert (
            ScoreEntry.objects.filter(
                assessment=assessments["a11"], indicator=i1, value=Decimal(100)
            ).count()
            == 3
        )
    call_command("verify_audit")


def test_bad_input_changes_nothing(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    assessor = actor_for_user(cast.assessor)
    assessment = assessments["a11"]
    with as_tenant(cast.tenant_a):
        services.assessment_transition(
            actor=assessor, assessment=assessment, to_state="self_evaluation"
        )
        services.assessment_transition(actor=assessor, assessment=assessment, to_state="scoring")
        i1, zuzhi = pair(scheme, "i1", "zuzhi")
        with pytest.raises(ValidationError, match=r"above the maximum"):
            services.entry_save(
                actor=assessor,
                assessment=assessment,
                indicator=i1,
                rater_group=zuzhi,
                value=Decimal(120),
            )
        assert not ScoreEntry.objects.filter(assessment=assessment).exists()
        from indicators.models import VetoItem

        with pytest.raises(ValidationError):
            services.veto_propose(
                actor=assessor,
                assessment=assessment,
                item=VetoItem.objects.get(scheme=scheme),
                reason="事故",
                evidence=None,
            )
        assert not assessment.vetoes.exists()
        services.assessment_transition(actor=assessor, assessment=assessment, to_state="review")
        with pytest.raises(ValidationError):  # entries are missing
            services.assessment_transition(
                actor=assessor, assessment=assessment, to_state="published"
            )
        assessment.refresh_from_db()
        assert assessment.state == "review"
        with pytest.raises(ValidationError):  # an illegal jump
            services.assessment_transition(actor=assessor, assessment=assessment, to_state="final")


def test_an_appeal_after_the_window_is_refused(cast, as_tenant, quarter):
    import datetime as dt

    scheme, _cycle, assessments, secretaries = quarter
    with as_tenant(cast.tenant_a):
        _score_everything(cast, scheme, assessments, secretaries)
        Assessment.objects.filter(pk=assessments["a11"].pk).update(
            appeal_deadline=dt.date(2026, 1, 1)
        )
        i1, _group = pair(scheme, "i1", "zuzhi")
        with pytest.raises(ValidationError, match=r"closed"):
            services.appeal_file(
                actor=actor_for_user(cast.secretary),
                assessment=assessments["a11"],
                indicator=i1,
                reason="晚了",
            )
        assert not assessments["a11"].appeals.exists()


def test_a_veto_needs_a_second_approver_and_fails_the_grade(cast, as_tenant, quarter):
    from indicators.models import VetoItem

    scheme, _cycle, assessments, _secretaries = quarter
    with as_tenant(cast.tenant_a):
        assessment = assessments["a11"]
        assessor = actor_for_user(cast.assessor)
        services.assessment_transition(
            actor=assessor, assessment=assessment, to_state="self_evaluation"
        )
        services.assessment_transition(actor=assessor, assessment=assessment, to_state="scoring")
        veto = services.veto_propose(
            actor=assessor,
            assessment=assessment,
            item=VetoItem.objects.get(scheme=scheme),
            reason="事故",
            evidence=_evidence(),
        )
        with pytest.raises(ValidationError, match=r"someone other"):
            services.veto_decide(actor=assessor, veto=veto, approve=True)
        services.veto_decide(actor=actor_for_user(cast.admin), veto=veto, approve=True)
        result = services.compute_result(assessment)
        assert result.vetoed and str(result.grade) == "fail"


def test_scopes_experts_secretaries_and_streets(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    with as_tenant(cast.tenant_a):
        services.expert_assign(
            actor=actor_for_user(cast.admin), assessment=assessments["a21"], expert=cast.expert
        )
        assert set(assessment_list_for_actor(actor=actor_for_user(cast.expert))) == {
            assessments["a21"]
        }
        assert set(assessment_list_for_actor(actor=actor_for_user(cast.secretary))) == {
            assessments["a11"]
        }
        assert set(assessment_list_for_actor(actor=actor_for_user(cast.assessor))) == {
            assessments["a11"],
            assessments["a12"],
        }
        # An expert not assigned cannot score.
        assessor = actor_for_user(cast.assessor)
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(
                actor=assessor, assessment=assessments["a11"], to_state=state
            )
        i1, zhuanjia = pair(scheme, "i1", "zhuanjia")
        with pytest.raises(PermissionDenied):
            services.entry_save(
                actor=actor_for_user(cast.expert),
                assessment=assessments["a11"],
                indicator=i1,
                rater_group=zhuanjia,
                value=Decimal(90),
            )
    with as_tenant(cast.tenant_b):
        assert list(assessment_list_for_actor(actor=actor_for_user(cast.admin_b))) == []


def test_a_stale_save_is_a_conflict_not_an_overwrite(cast, as_tenant, quarter):
    scheme, _cycle, assessments, _secretaries = quarter
    with as_tenant(cast.tenant_a):
        assessor, admin = actor_for_user(cast.assessor), actor_for_user(cast.admin)
        assessment = assessments["a11"]
        for state in ("self_evaluation", "scoring"):
            services.assessment_transition(actor=assessor, assessment=assessment, to_state=state)
        i1, zuzhi = pair(scheme, "i1", "zuzhi")
        first = services.entry_save(
            actor=assessor,
            assessment=assessment,
            indicator=i1,
            rater_group=zuzhi,
            value=Decimal(80),
        )
        services.entry_save(
            actor=admin,
            assessment=assessment,
            indicator=i1,
            rater_group=zuzhi,
            value=Decimal(85),
            expected_version=first.version,
        )
        with pytest.raises(services.EntryConflict):
            services.entry_save(
                actor=assessor,
                assessment=assessment,
                indicator=i1,
                rater_group=zuzhi,
                value=Decimal(70),
                expected_version=first.version,
            )
        entry = ScoreEntry.objects.get(assessment=assessment, indicator=i1, rater_group=zuzhi)
        assert (entry.value, entry.version, entry.changed_by_id) == (Decimal(85), 2, cast.admin.pk)
