"""Rectifications (整改 / 问题清单): raised, marked done with evidence, accepted or returned;
open ones carry into the next cycle."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Cycle, Rectification
from assessments.services.common import audit, is_street_assessor
from organizations.models import OrgUnit, User
from organizations.tenancy import Actor, Role
from organizations.uploads import check_upload

Status = Rectification.Status


def _assessor_of(actor: Actor, street_id: int | None) -> bool:
    return is_street_assessor(actor, street_id)


@transaction.atomic
def rectification_raise(
    *, actor: Actor, community: OrgUnit, title: str, deadline: dt.date, owner: User,
    description: str = "", assessment: Assessment | None = None, source: str = "assessment",
) -> Rectification:  # fmt: skip
    if not _assessor_of(actor, community.parent_id):
        raise PermissionDenied(
            _("Only an assessor of the community's street raises rectifications.")
        )
    if owner.tenant_id != actor.tenant_id:
        raise ValidationError({"owner": _("The owner belongs to another tenant.")})
    if not title.strip():
        raise ValidationError({"title": _("Describe the problem.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    item = Rectification(
        tenant_id=actor.tenant_id, street=community.parent, community=community, assessment=assessment,
        source=source, title=title, description=description, owner=owner, deadline=deadline,
    )  # fmt: skip
    item.save()
    audit(
        actor,
        actor.tenant_id,
        "rectification.raise",
        item,
        after={"title": title, "deadline": deadline},
    )
    return item


@transaction.atomic
def rectification_mark_done(
    *, actor: Actor, item: Rectification, note: str, evidence: UploadedFile[bytes] | None
) -> Rectification:
    if item.owner_id != actor.user_id and not _assessor_of(actor, item.street_id):
        raise PermissionDenied(_("Only the owner marks a rectification done."))
    if item.status != Status.OPEN:
        raise ValidationError(_("Only an open rectification can be marked done."))
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    if evidence is None:
        raise ValidationError({"evidence": _("Attach evidence of what was done, e.g. a photo.")})
    check_upload(evidence, field="evidence")
    item.status, item.done_note, item.evidence = Status.DONE, note, evidence
    item.save()
    audit(actor, item.tenant_id, "rectification.done", item, after={"note": note})
    return item


@transaction.atomic
def rectification_review(
    *, actor: Actor, item: Rectification, accept: bool, note: str = ""
) -> Rectification:
    """The assessor accepts the work or returns it to the owner."""
    if not _assessor_of(actor, item.street_id):
        raise PermissionDenied(
            _("Only an assessor of the street accepts or returns rectifications.")
        )
    if item.status != Status.DONE:
        raise ValidationError(_("Only a rectification marked done can be accepted or returned."))
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say why the work is returned.")})
    item.status = Status.ACCEPTED if accept else Status.OPEN
    item.closed_at = timezone.now() if accept else None
    item.save()
    audit(
        actor,
        item.tenant_id,
        "rectification.accept" if accept else "rectification.return",
        item,
        after={"note": note},
    )
    return item


def rectifications_carry_check(*, actor: Actor, from_cycle: Cycle, to_cycle: Cycle) -> None:
    """Refuse a carry the actor may not make, or into a cycle that is not a later one."""
    if not actor.has_role(Role.TENANT_ADMIN, Role.STREET_ASSESSOR):
        raise PermissionDenied(_("Only assessors carry rectifications into the next cycle."))
    if to_cycle.starts_on <= from_cycle.starts_on:
        raise ValidationError({"to_cycle": _("Choose a cycle that starts after this one.")})


@transaction.atomic
def rectifications_carry_into(
    *, actor: Actor, from_cycle: Cycle, to_cycle: Cycle
) -> list[Rectification]:
    """Move the open rectifications of ``from_cycle`` that the actor may see onto their
    community's assessment in ``to_cycle``; each move is audited. Running it again moves
    nothing more (the moved ones belong to the new cycle)."""
    from assessments.selectors import rectifications_to_carry

    rectifications_carry_check(actor=actor, from_cycle=from_cycle, to_cycle=to_cycle)
    moved = []
    for item, target in rectifications_to_carry(
        actor=actor, from_cycle=from_cycle, to_cycle=to_cycle
    ):
        if target is None or not _assessor_of(actor, item.street_id):
            continue
        before = item.assessment_id
        item.assessment = target
        item.save(update_fields=["assessment"])
        audit(
            actor, item.tenant_id, "rectification.carry", item,
            before={"assessment": before}, after={"assessment": target.pk},
        )  # fmt: skip
        moved.append(item)
    return moved


def overdue(items: list[Rectification]) -> list[Rectification]:
    today = timezone.localdate()
    return [item for item in items if item.status != Status.ACCEPTED and item.deadline < today]
