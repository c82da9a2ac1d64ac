"""One row of every tenant-owned kind for a tenant, so probes across the tenant boundary
(row-level security, the access matrix) have something to find. Extend it when a new
tenant-owned model arrives: the RLS probe fails for a table that has no rows here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from assessments.models import Assessment, Cycle, ScoreEntry
from audit.services import audit_record
from indicators import services as scheme_services
from indicators.models import Indicator, Scheme, SpecialIndicatorChoice
from organizations.models import OrgUnit, Secretary, User
from organizations.rls import tenant_context
from organizations.selectors import actor_for_user
from tests.alerts.populate import alert_rows
from tests.indicators.documents import small_document


def populate_tenant(*, admin: User, secretary: User, rater: User, mark: str = "") -> dict[str, Any]:
    """One of everything in the admin's tenant, around the secretary's community. ``mark`` is
    appended to the free texts, so that a probe can tell this tenant's rows in a response."""
    tenant_id = admin.tenant_id
    actor = actor_for_user(admin)
    assert actor is not None
    with tenant_context(tenant_id):
        scheme = scheme_services.scheme_create_from_document(
            actor=actor, document=small_document("probe")
        )
        scheme = scheme_services.scheme_publish(actor=actor, scheme=scheme)
        record = Secretary.objects.get(user=secretary)
        community: OrgUnit = record.community
        cycle = Cycle.objects.create(
            tenant_id=tenant_id, kind=Cycle.Kind.QUARTERLY, year=2026, quarter=3, name="2026年第三季度",
            scheme=scheme, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        assessment = Assessment.objects.create(
            tenant_id=tenant_id, cycle=cycle, scheme=scheme, secretary=record, community=community,
            street=community.parent, community_type=community.community_type, career_stage=record.career_stage,
        )  # fmt: skip
        indicator = Indicator.objects.get(scheme=scheme, code="xinfang")
        entry = ScoreEntry.objects.create(
            tenant_id=tenant_id, assessment=assessment, indicator=indicator,
            rater_group=indicator.rater_groups.get(), rater=rater, value=Decimal(1),
            evidence=ContentFile(b"%PDF-1.4", name="entry.pdf"),
        )  # fmt: skip
        choice = SpecialIndicatorChoice.objects.create(
            tenant_id=tenant_id, scheme=Scheme.objects.get(pk=scheme.pk), community=community,
            street=community.parent, proposed_name="老旧小区加装电梯", proposed_max_points=Decimal(5),
            status=SpecialIndicatorChoice.Status.PROPOSED,
        )  # fmt: skip
        audit_record(tenant_id=tenant_id, actor=admin, action="probe")
        workflow = _workflow_rows(tenant_id, assessment, indicator, admin, rater, secretary, mark)
        workflow |= _talk_rows(tenant_id, assessment, workflow["rectification"], rater, mark)
        workflow |= alert_rows(tenant_id, assessment, workflow["rectification"], admin, secretary)
        residents = _resident_rows(tenant_id, cycle, community, mark)
        reports = _report_rows(tenant_id, assessment, admin)
    return {
        **residents,
        "scheme": scheme,
        "cycle": cycle,
        "assessment": assessment,
        "entry": entry,
        "choice": choice,
        **workflow,
        **reports,
    }


def _workflow_rows(
    tenant_id: int,
    assessment: Any,
    indicator: Any,
    admin: User,
    rater: User,
    secretary: User,
    mark: str = "",
) -> dict[str, Any]:
    from assessments.models import (
        AdjustmentRecord,
        Appeal,
        AppealReview,
        ExpertAssignment,
        JobProgress,
        Rectification,
        Result,
        SelfEvaluation,
        VetoRecord,
    )  # fmt: skip
    from indicators.models import AdjustmentItem, VetoItem

    evidence = ContentFile(b"%PDF-1.4", name="evidence.pdf")
    common = {"tenant_id": tenant_id, "assessment": assessment}
    rows: dict[str, Any] = {
        "assignment": ExpertAssignment.objects.create(**common, expert=rater),
        "self_evaluation": SelfEvaluation.objects.create(**common, summary="自评" + mark, duty_report="述职" + mark),
        "adjustment": AdjustmentRecord.objects.create(
            **common, item=AdjustmentItem.objects.filter(scheme=assessment.scheme).first(), note="表彰" + mark,
            evidence=evidence, created_by=rater,
        ),
        "veto": VetoRecord.objects.create(
            **common, item=VetoItem.objects.filter(scheme=assessment.scheme).first(), reason="事故" + mark, evidence=evidence,
            proposed_by=rater,
        ),
        "result": Result.objects.create(
            **common, street=assessment.street, total=Decimal(90), base_total=Decimal(90), complete=True
        ),
        "appeal": Appeal.objects.create(**common, indicator=indicator, reason="有误" + mark, filed_by=secretary, level=2),
        "rectification": Rectification.objects.create(
            tenant_id=tenant_id, street=assessment.street, community=assessment.community, assessment=assessment,
            title="台账不全" + mark, owner=secretary, deadline=dt.date(2026, 12, 31), evidence=evidence,
        ),
        "job": JobProgress.objects.create(tenant_id=tenant_id, key=f"cycle-open-{assessment.cycle_id}", total=1),
    }  # fmt: skip
    rows["review"] = AppealReview.objects.create(
        tenant_id=tenant_id,
        appeal=rows["appeal"],
        level=1,
        decision="escalate",
        note="复核",
        reviewer=admin,
    )
    return rows


def _talk_rows(
    tenant_id: int, assessment: Any, rectification: Any, rater: User, mark: str = ""
) -> dict[str, Any]:
    """A held talk with the assessment's secretary, feedback overdue, with a theme found."""
    from interviews.models import (
        DemandTheme,
        Talk,
        TalkParticipant,
        TalkPolicy,
        TalkRectification,
        TalkTheme,
    )  # fmt: skip

    talk = Talk.objects.create(
        tenant_id=tenant_id, kind=Talk.Kind.ROUTINE, status=Talk.Status.HELD, street=assessment.street,
        community=assessment.community, secretary=assessment.secretary, assessment=assessment,
        cycle=assessment.cycle, held_on=dt.date(2026, 7, 10), feedback_due=dt.date(2026, 7, 17),
        notes="居民反映加装电梯" + mark, created_by=rater, attachment=ContentFile(b"%PDF-1.4", name="talk.pdf"),
    )  # fmt: skip
    theme = DemandTheme.objects.create(tenant_id=tenant_id, name="加装电梯", keywords=["加装电梯"])
    return {
        "talk": talk,
        "talk_participant": TalkParticipant.objects.create(
            tenant_id=tenant_id, talk=talk, user=rater
        ),
        "talk_rectification": TalkRectification.objects.create(
            tenant_id=tenant_id, talk=talk, rectification=rectification
        ),
        "demand_theme": theme,
        "talk_theme": TalkTheme.objects.create(
            tenant_id=tenant_id,
            talk=talk,
            theme=theme,
            street=talk.street,
            community=talk.community,
            held_on=talk.held_on,
            matched=["加装电梯"],
        ),
        "talk_policy": TalkPolicy.objects.create(tenant_id=tenant_id, feedback_due_days=7),
    }


def _resident_rows(
    tenant_id: int, cycle: Any, community: OrgUnit, mark: str = ""
) -> dict[str, Any]:
    from residents.models import (
        Answer,
        Campaign,
        CardBatch,
        ComplaintCount,
        RatingSettings,
        Response,
        UsedCard,
    )  # fmt: skip

    campaign = Campaign.objects.create(
        tenant_id=tenant_id, cycle=cycle, community=community, street=community.parent,
        closes_on=dt.date(2099, 12, 31), min_responses=1,
    )  # fmt: skip
    batch = CardBatch.objects.create(
        tenant_id=tenant_id, campaign=campaign, count=10, expires_on=dt.date(2099, 12, 31)
    )
    UsedCard.objects.create(tenant_id=tenant_id, campaign=campaign, batch=batch, number=1)
    response = Response.objects.create(
        tenant_id=tenant_id, campaign=campaign, channel=Response.Channel.CARD,
        suggestion="楼道灯坏了三个月，请尽快维修" + mark, substantive=True,
        screening=Response.Screening.PENDING,
    )  # fmt: skip
    Answer.objects.create(
        tenant_id=tenant_id, campaign=campaign, response=response, question="overall", score=4,
        channel=Response.Channel.CARD,
    )  # fmt: skip
    return {
        "rating_settings": RatingSettings.objects.create(tenant_id=tenant_id),
        "campaign": campaign,
        "batch": batch,
        "response": response,
        "complaints": ComplaintCount.objects.create(
            tenant_id=tenant_id, community=community, street=community.parent, year=2026,
            quarter=3, count=4,
        ),
    }  # fmt: skip


def _report_rows(tenant_id: int, assessment: Any, admin: User) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from reports.models import ReportArtifact, ReportBatch, ReportBatchItem

    artifact = ReportArtifact(
        tenant_id=tenant_id, kind="scorecard", key=f"probe:{assessment.pk}", cycle=assessment.cycle,
        assessment=assessment, street=assessment.street, fingerprint="probe",
    )  # fmt: skip
    artifact.file.save("probe.pdf", ContentFile(b"%PDF-1.4"), save=True)
    batch = ReportBatch(
        tenant_id=tenant_id, cycle=assessment.cycle, street=assessment.street, requested_by=admin,
        status=ReportBatch.Status.DONE, total=1, done=1,
    )  # fmt: skip
    batch.file.save("probe.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
    item = ReportBatchItem.objects.create(
        tenant_id=tenant_id, batch=batch, assessment=assessment, artifact=artifact
    )
    return {"report_artifact": artifact, "report_batch": batch, "report_batch_item": item}


def populate_peer(
    *, rows: dict[str, Any], secretary: User, rater: User, mark: str
) -> dict[str, Any]:
    """Rows about another community of the same tenant (another street's, for the probes),
    in the cycle ``populate_tenant`` made: an assessment with its result, self-evaluation,
    appeal and rectification, a talk, and a rating campaign with a suggestion, each free
    text ending in ``mark``."""
    from assessments.models import Appeal, Rectification, Result, SelfEvaluation
    from interviews.models import Talk
    from residents.models import Campaign, Response

    tenant_id = secretary.tenant_id
    cycle, scheme = rows["cycle"], rows["scheme"]
    with tenant_context(tenant_id):
        record = Secretary.objects.get(user=secretary)
        community: OrgUnit = record.community
        assessment = Assessment.objects.create(
            tenant_id=tenant_id, cycle=cycle, scheme=scheme, secretary=record, community=community,
            street=community.parent, community_type=community.community_type, career_stage=record.career_stage,
        )  # fmt: skip
        common = {"tenant_id": tenant_id, "assessment": assessment}
        SelfEvaluation.objects.create(**common, summary="自评" + mark, duty_report="述职" + mark)
        Result.objects.create(
            **common, street=assessment.street, total=Decimal(80), base_total=Decimal(80), complete=True
        )  # fmt: skip
        appeal = Appeal.objects.create(
            **common, indicator=Indicator.objects.get(scheme=scheme, code="xinfang"),
            reason="有误" + mark, filed_by=secretary, level=1,
        )  # fmt: skip
        rectification = Rectification.objects.create(
            tenant_id=tenant_id, street=assessment.street, community=community, assessment=assessment,
            title="台账不全" + mark, owner=secretary, deadline=dt.date(2026, 12, 31),
        )  # fmt: skip
        talk = Talk.objects.create(
            tenant_id=tenant_id, kind=Talk.Kind.ROUTINE, status=Talk.Status.HELD, street=assessment.street,
            community=community, secretary=record, assessment=assessment, cycle=cycle,
            held_on=dt.date(2026, 7, 10), feedback_due=dt.date(2026, 7, 17), notes="加装电梯" + mark,
            created_by=rater,
        )  # fmt: skip
        campaign = Campaign.objects.create(
            tenant_id=tenant_id, cycle=cycle, community=community, street=community.parent,
            closes_on=dt.date(2099, 12, 31), min_responses=1,
        )  # fmt: skip
        response = Response.objects.create(
            tenant_id=tenant_id, campaign=campaign, channel=Response.Channel.CARD,
            suggestion="路灯不亮" + mark, substantive=True, screening=Response.Screening.RELEASED,
        )  # fmt: skip
    return {
        "assessment": assessment, "appeal": appeal, "rectification": rectification, "talk": talk,
        "campaign": campaign, "response": response,
    }  # fmt: skip
