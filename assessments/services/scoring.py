"""Scoring an assessment: entries (with conflict detection), bonuses and deductions, vetoes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AdjustmentRecord, Assessment, ScoreEntry, VetoRecord
from assessments.services.common import audit, is_street_assessor
from assessments.services.cycles import LOCKED_STATES, State
from indicators.models import AdjustmentItem, Indicator, RaterGroup, VetoItem
from organizations.tenancy import Actor, Role
from organizations.uploads import check_upload

# Occurrences of one bonus or deduction on one assessment (a small integer column).
MAX_OCCURRENCES = 999
# An entry's version counter (an integer column).
MAX_VERSION = 2**31 - 1


class EntryConflict(ValidationError):
    """Someone else saved the entry since the caller loaded it."""


def rateable_kinds(actor: Actor, assessment: Assessment) -> set[str]:
    """The kinds of rater group the actor scores for this assessment (at most one query)."""
    kinds: set[str] = set()
    if assessment.secretary_id in actor.secretary_ids:
        kinds.add(RaterGroup.Kind.SELF)
    if (
        actor.has_role(Role.EXPERT)
        and assessment.expert_assignments.filter(expert_id=actor.user_id).exists()
    ):
        kinds.add(RaterGroup.Kind.EXPERT)
    if is_street_assessor(actor, assessment.street_id):
        kinds |= {RaterGroup.Kind.ORGANISATION, RaterGroup.Kind.OTHER}
    # Residents' values come from the rating campaign, never by hand.
    return kinds


def _check_value(indicator: Indicator, value: Decimal) -> None:
    method = indicator.method
    if method == Indicator.Method.YES_NO and value not in (Decimal(0), Decimal(1)):
        raise ValidationError({"value": _("Enter 1 for done or 0 for not done.")})
    if method in (Indicator.Method.QUALITATIVE, Indicator.Method.RESIDENT_RATING):
        if value > 100:
            raise ValidationError(
                {
                    "value": _("%(value)s is above the maximum of 100%%.")
                    % {"value": f"{value.normalize():f}"}
                }
            )
        if value < 0:
            raise ValidationError({"value": _("A score cannot be below 0.")})
    if method == Indicator.Method.QUANTITATIVE and value < 0:
        raise ValidationError({"value": _("An actual value cannot be below 0.")})


@transaction.atomic
def entry_save(
    *,
    actor: Actor,
    assessment: Assessment,
    indicator: Indicator,
    rater_group: RaterGroup,
    value: Decimal,
    comment: str = "",
    evidence: UploadedFile[bytes] | None = None,
    expected_version: int | None = None,
) -> ScoreEntry:
    """Save one rater's value. ``expected_version`` is the version the caller loaded (None
    for a new entry); if someone saved in between, this raises EntryConflict and saves nothing."""
    current: Assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.state in LOCKED_STATES:
        raise ValidationError(
            _("This assessment is published; scores change only through an appeal.")
        )
    allowed = {State.SCORING, State.REVIEW} | (
        {State.SELF_EVALUATION} if rater_group.kind == RaterGroup.Kind.SELF else set()
    )
    if current.state not in allowed:
        raise ValidationError(_("Scores are entered while the assessment is being scored."))
    if indicator.scheme_id != current.scheme_id or rater_group.scheme_id != current.scheme_id:
        raise ValidationError(_("The indicator is not part of this assessment's scheme."))
    if not indicator.rater_groups.filter(pk=rater_group.pk).exists():
        raise ValidationError({"rater_group": _("This rater group does not score this indicator.")})
    if rater_group.kind not in rateable_kinds(actor, current):
        raise PermissionDenied(_("You are not a rater of this group for this assessment."))
    _check_value(indicator, value)
    check_upload(evidence, field="evidence")
    # The organisation group scores as one: any assessor of the street edits the same entry.
    collective = rater_group.kind in (RaterGroup.Kind.ORGANISATION, RaterGroup.Kind.OTHER)
    key = {
        "assessment": current,
        "indicator": indicator,
        "rater_group": rater_group,
        "rater_id": None if collective else actor.user_id,
    }
    entry = ScoreEntry.objects.select_for_update().filter(**key).first()
    before: dict[str, Any] | None = None
    if entry is None:
        if expected_version is not None:
            raise EntryConflict(
                _("This score was removed since you loaded it. Reload the page."),
                code="entry_conflict",
            )
        entry = ScoreEntry(
            tenant_id=current.tenant_id,
            value=value,
            comment=comment,
            changed_by_id=actor.user_id,
            **key,
        )
        if evidence is not None:
            entry.evidence = evidence
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as exc:
            raise EntryConflict(
                _("Someone saved this score at the same moment. Reload the page to see it."),
                code="entry_conflict",
            ) from exc
    else:
        if expected_version is not None and entry.version != expected_version:
            raise EntryConflict(
                _(
                    "Someone changed this score since you loaded it (it is now %(value)s). Reload and try again."
                )
                % {"value": entry.value},
                code="entry_conflict",
            )
        before = {"value": entry.value, "version": entry.version}
        entry.value, entry.comment, entry.version = value, comment, entry.version + 1
        entry.changed_by_id = actor.user_id
        if evidence is not None:
            entry.evidence = evidence
        entry.save()
    audit(
        actor,
        current.tenant_id,
        "score.save",
        entry,
        before=before,
        after={
            "value": value,
            "version": entry.version,
            "indicator": indicator.code,
            "group": rater_group.code,
        },
    )
    _recompute_later(current)
    return entry


def _recompute_later(assessment: Assessment) -> None:
    from assessments.tasks import recompute_cycle_results

    recompute_cycle_results.delay_on_commit(assessment.tenant_id, assessment.cycle_id)


def _require_scoring(assessment: Assessment, actor: Actor) -> Assessment:
    current: Assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.state in LOCKED_STATES:
        raise ValidationError(_("This assessment is published; it can no longer change."))
    if not is_street_assessor(actor, current.street_id):
        raise PermissionDenied(_("Only an assessor of the community's street may do this."))
    return current


@transaction.atomic
def adjustment_add(
    *,
    actor: Actor,
    assessment: Assessment,
    item: AdjustmentItem,
    occurrences: int,
    note: str,
    evidence: UploadedFile[bytes] | None,
) -> AdjustmentRecord:
    current = _require_scoring(assessment, actor)
    if item.scheme_id != current.scheme_id:
        raise ValidationError({"item": _("The item is not part of this assessment's scheme.")})
    if occurrences < 1:
        raise ValidationError({"occurrences": _("Enter at least one occurrence.")})
    if occurrences > MAX_OCCURRENCES:
        raise ValidationError(
            {"occurrences": _("Enter at most %(max)s occurrences.") % {"max": MAX_OCCURRENCES}}
        )
    if evidence is None:
        raise ValidationError({"evidence": _("Attach the evidence for this bonus or deduction.")})
    check_upload(evidence, field="evidence")
    if not note.strip():
        raise ValidationError({"note": _("Say what happened.")})
    record = AdjustmentRecord(
        tenant_id=current.tenant_id, assessment=current, item=item, occurrences=occurrences,
        note=note, evidence=evidence, created_by_id=actor.user_id,
    )  # fmt: skip
    record.save()
    audit(
        actor,
        current.tenant_id,
        f"adjustment.{item.kind}",
        record,
        after={"item": item.code, "occurrences": occurrences},
    )
    _recompute_later(current)
    return record


@transaction.atomic
def veto_propose(
    *,
    actor: Actor,
    assessment: Assessment,
    item: VetoItem,
    reason: str,
    evidence: UploadedFile[bytes] | None,
) -> VetoRecord:
    current = _require_scoring(assessment, actor)
    if item.scheme_id != current.scheme_id:
        raise ValidationError({"item": _("The veto item is not part of this assessment's scheme.")})
    if evidence is None:
        raise ValidationError({"evidence": _("A veto needs evidence.")})
    check_upload(evidence, field="evidence")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the veto.")})
    veto = VetoRecord(
        tenant_id=current.tenant_id, assessment=current, item=item, reason=reason, evidence=evidence,
        proposed_by_id=actor.user_id,
    )  # fmt: skip
    veto.save()
    audit(actor, current.tenant_id, "veto.propose", veto, after={"item": item.code})
    return veto


@transaction.atomic
def veto_decide(*, actor: Actor, veto: VetoRecord, approve: bool) -> VetoRecord:
    """A second person approves or rejects a proposed veto; vetoes are easy to overuse."""
    _require_scoring(veto.assessment, actor)
    veto = VetoRecord.objects.select_for_update().get(pk=veto.pk)
    if veto.status != VetoRecord.Status.PROPOSED:
        raise ValidationError(_("This veto has already been decided."))
    if veto.proposed_by_id == actor.user_id:
        raise ValidationError(_("A veto is approved by someone other than who proposed it."))
    veto.status = VetoRecord.Status.APPROVED if approve else VetoRecord.Status.REJECTED
    veto.decided_by_id = actor.user_id
    veto.decided_at = timezone.now()
    veto.save()
    audit(
        actor,
        veto.tenant_id,
        "veto.approve" if approve else "veto.reject",
        veto,
        after={"status": veto.status},
    )
    _recompute_later(veto.assessment)
    return veto
