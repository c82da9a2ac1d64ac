"""Appeals (申诉, 三审三改): within the window, per indicator, up to three review levels; an
upheld appeal corrects the score, recomputes, re-ranks and notifies the secretary."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Appeal, AppealReview, Assessment, ScoreEntry
from assessments.services.common import audit
from assessments.services.cycles import State
from indicators.models import Indicator
from organizations.models import User
from organizations.tenancy import Actor, Role
from organizations.uploads import check_upload

MAX_LEVEL = 3
# Who reviews at each level: the street's assessors, then the tenant's administrators, then
# the district leaders.
REVIEWERS = {1: Role.STREET_ASSESSOR, 2: Role.TENANT_ADMIN, 3: Role.DISTRICT_LEADER}


@transaction.atomic
def appeal_file(
    *,
    actor: Actor,
    assessment: Assessment,
    indicator: Indicator,
    reason: str,
    evidence: UploadedFile[bytes] | None = None,
) -> Appeal:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.secretary_id not in actor.secretary_ids:
        raise PermissionDenied(_("Only the assessed secretary may appeal."))
    if current.state not in (State.PUBLISHED, State.APPEAL) or current.appeal_deadline is None:
        raise ValidationError(_("Appeals are open only after the result is published."))
    if timezone.localdate() > current.appeal_deadline:
        raise ValidationError(
            _("The appeal window closed on %(date)s.")
            % {"date": current.appeal_deadline.isoformat()}
        )
    if indicator.scheme_id != current.scheme_id:
        raise ValidationError(
            {"indicator": _("The indicator is not part of this assessment's scheme.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the score is wrong.")})
    check_upload(evidence, field="evidence")
    if current.appeals.filter(indicator=indicator, status=Appeal.Status.OPEN).exists():
        raise ValidationError(
            {"indicator": _("An appeal on this indicator is already under review.")}
        )
    appeal = Appeal(
        tenant_id=current.tenant_id,
        assessment=current,
        indicator=indicator,
        reason=reason,
        filed_by_id=actor.user_id,
    )
    if evidence is not None:
        appeal.evidence = evidence
    appeal.save()
    if current.state == State.PUBLISHED:
        current.state = State.APPEAL
        current.save(update_fields=["state"])
    audit(
        actor,
        current.tenant_id,
        "appeal.file",
        appeal,
        after={"indicator": indicator.code, "reason": reason},
    )
    return appeal


def _may_review(actor: Actor, appeal: Appeal) -> bool:
    role = REVIEWERS[appeal.level]
    if role == Role.STREET_ASSESSOR:
        return actor.has_role(role) and appeal.assessment.street_id in actor.street_ids
    return actor.has_role(role)


@transaction.atomic
def appeal_review(
    *,
    actor: Actor,
    appeal: Appeal,
    decision: str,
    note: str,
    corrected_value: Decimal | None = None,
) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("assessment").get(pk=appeal.pk)
    if appeal.status != Appeal.Status.OPEN:
        raise ValidationError(_("This appeal has already been decided."))
    if not _may_review(actor, appeal):
        raise PermissionDenied(
            _("This appeal is reviewed at level %(level)s by someone else.")
            % {"level": appeal.level}
        )
    if not note.strip():
        raise ValidationError({"note": _("Give the reasoning for the decision.")})
    Decision = AppealReview.Decision
    if decision == Decision.ESCALATE and appeal.level >= MAX_LEVEL:
        raise ValidationError(_("The third level is the last; uphold or reject the appeal."))
    if decision == Decision.UPHOLD and corrected_value is None:
        raise ValidationError({"corrected_value": _("An upheld appeal gives the corrected value.")})
    review = AppealReview(
        tenant_id=appeal.tenant_id, appeal=appeal, level=appeal.level, decision=decision, note=note,
        corrected_value=corrected_value, reviewer_id=actor.user_id,
    )  # fmt: skip
    review.full_clean(exclude=["tenant"])
    review.save()
    if decision == Decision.ESCALATE:
        appeal.level += 1
    elif decision == Decision.UPHOLD:
        appeal.status = Appeal.Status.UPHELD
        assert corrected_value is not None
        _correct(actor, appeal, corrected_value)
    else:
        appeal.status = Appeal.Status.REJECTED
    appeal.save()
    audit(
        actor,
        appeal.tenant_id,
        f"appeal.{decision}",
        appeal,
        after={"level": review.level, "note": note, "corrected_value": corrected_value},
    )
    _notify(appeal, review)
    return appeal


def _correct(actor: Actor, appeal: Appeal, value: Decimal) -> None:
    """Apply an upheld appeal: every entry of the indicator takes the corrected value, each
    change audited with its old value, then results are recomputed and re-ranked."""
    from assessments.services.scoring import _check_value
    from assessments.tasks import recompute_cycle_results

    _check_value(appeal.indicator, value)
    for entry in ScoreEntry.objects.select_for_update().filter(
        assessment=appeal.assessment, indicator=appeal.indicator
    ):
        before = {"value": entry.value, "version": entry.version}
        entry.value, entry.version = value, entry.version + 1
        entry.save(update_fields=["value", "version", "updated_at"])
        audit(
            actor,
            appeal.tenant_id,
            "score.correct_by_appeal",
            entry,
            before=before,
            after={"value": value, "appeal": appeal.pk},
        )
    recompute_cycle_results.delay_on_commit(appeal.tenant_id, appeal.assessment.cycle_id)


def _notify(appeal: Appeal, review: AppealReview) -> None:
    """The secretary hears of the decision in the app (the bell) and by email, as their
    notification settings say."""
    from notifications.services import notify

    secretary = User.objects.filter(pk=appeal.filed_by_id).first()
    if secretary is None:
        return
    subject = _("Your appeal on %(indicator)s: %(decision)s") % {
        "indicator": appeal.indicator.name, "decision": AppealReview.Decision(review.decision).label,
    }  # fmt: skip
    notify(
        tenant_id=appeal.tenant_id, recipients=[secretary], verb=f"appeal.decided:{appeal.pk}:{review.level}",
        title=str(subject), body=review.note,
        url=reverse("assessments:scorecard", args=[appeal.assessment_id]) + "#appeals", email=True,
    )  # fmt: skip
