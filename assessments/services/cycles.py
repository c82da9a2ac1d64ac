"""Cycles and the assessment state machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Assessment,
    Cycle,
    ExpertAssignment,
    JobProgress,
    Result,
    SelfEvaluation,
)
from assessments.services.common import audit
from indicators.models import Scheme
from organizations.models import Secretary, User
from organizations.tenancy import Actor, Role
from organizations.uploads import check_upload

State = Assessment.State

# Opening more assessments than this happens in a background job with a progress bar.
INLINE_OPEN_LIMIT = 40
APPEAL_DAYS = 7

# from → to → the roles that may move an assessment along that edge.
ASSESSORS = frozenset({Role.TENANT_ADMIN, Role.STREET_ASSESSOR})
TRANSITIONS: dict[str, dict[str, frozenset[Role]]] = {
    State.DRAFT: {State.SELF_EVALUATION: ASSESSORS},
    State.SELF_EVALUATION: {State.SCORING: ASSESSORS | {Role.SECRETARY}},
    State.SCORING: {State.REVIEW: ASSESSORS},
    State.REVIEW: {State.SCORING: ASSESSORS, State.PUBLISHED: ASSESSORS},
    State.PUBLISHED: {State.APPEAL: frozenset({Role.SECRETARY}), State.FINAL: ASSESSORS},
    State.APPEAL: {State.PUBLISHED: ASSESSORS, State.FINAL: ASSESSORS},
    State.FINAL: {},
}
LOCKED_STATES = frozenset({State.PUBLISHED, State.APPEAL, State.FINAL})


@transaction.atomic
def cycle_open(
    *,
    actor: Actor,
    kind: str,
    year: int,
    quarter: int | None,
    scheme: Scheme,
    starts_on: dt.date,
    ends_on: dt.date,
    name: str = "",
    quarters_share: int = 0,
) -> Cycle:
    """Open a cycle and create one assessment per serving secretary in the tenant.

    Up to a few dozen are created at once; more go to a background job that reports its
    progress (``JobProgress`` with key ``cycle-open-<id>``).
    """
    actor.require(Role.TENANT_ADMIN)
    if scheme.state != Scheme.State.PUBLISHED:
        raise ValidationError({"scheme": _("A cycle uses a published scheme version.")})
    if (kind == Cycle.Kind.QUARTERLY) != (quarter is not None):
        raise ValidationError(
            {"quarter": _("A quarterly cycle names its quarter; an annual one does not.")}
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A cycle cannot end before it starts.")})
    if quarters_share and kind != Cycle.Kind.ANNUAL:
        raise ValidationError(
            {
                "quarters_share": _(
                    "Only an annual cycle folds in the quarters; leave the share at 0."
                )
            }
        )
    if not 0 <= quarters_share <= 100:
        raise ValidationError({"quarters_share": _("The quarters' share is a percentage, 0-100.")})
    cycle = Cycle(
        tenant_id=actor.tenant_id, kind=kind, year=year, quarter=quarter, scheme=scheme,
        starts_on=starts_on, ends_on=ends_on, name=name or _cycle_name(kind, year, quarter),
        quarters_share=quarters_share,
    )  # fmt: skip
    cycle.full_clean()
    cycle.save()
    audit(
        actor, actor.tenant_id, "cycle.open", cycle,
        after={"scheme": scheme.pk, "kind": kind, "quarters_share": quarters_share},
    )  # fmt: skip
    serving = Secretary.objects.filter(tenant_id=actor.tenant_id, left_office__isnull=True).count()
    if serving <= INLINE_OPEN_LIMIT:
        create_assessments(cycle_id=cycle.pk)
    else:
        from assessments.tasks import open_cycle_assessments

        JobProgress.objects.create(
            tenant_id=actor.tenant_id, key=f"cycle-open-{cycle.pk}", total=serving
        )
        open_cycle_assessments.delay_on_commit(actor.tenant_id, cycle.pk)
    return cycle


def _cycle_name(kind: str, year: int, quarter: int | None) -> str:
    if kind == Cycle.Kind.QUARTERLY:
        return _("%(year)s Q%(quarter)s pre-evaluation") % {"year": year, "quarter": quarter}
    return _("%(year)s annual evaluation") % {"year": year}


@transaction.atomic
def create_assessments(*, cycle_id: int, batch: int = 500, limit: int | None = None) -> int:
    """Create the cycle's missing assessments in batches, at most ``limit`` of them; safe to
    run again (idempotent). The job's progress is finished once none is missing."""
    cycle = Cycle.objects.select_related("scheme").get(pk=cycle_id)
    existing = set(Assessment.objects.filter(cycle=cycle).values_list("secretary_id", flat=True))
    secretaries = list(
        Secretary.objects.filter(tenant_id=cycle.tenant_id, left_office__isnull=True)
        .exclude(pk__in=existing)
        .select_related("community")
        .order_by("pk")
    )
    progress = JobProgress.objects.filter(
        tenant_id=cycle.tenant_id, key=f"cycle-open-{cycle.pk}"
    ).first()
    on = cycle.starts_on
    todo = secretaries if limit is None else secretaries[:limit]
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        Assessment.objects.bulk_create(
            Assessment(
                tenant_id=cycle.tenant_id, cycle=cycle, scheme=cycle.scheme, secretary=s,
                community=s.community, street_id=s.community.parent_id,
                community_type=s.community.community_type, career_stage=_stage(s, on),
            )
            for s in chunk
        )  # fmt: skip
        if progress is not None:
            progress.done = len(existing) + start + len(chunk)
            progress.save(update_fields=["done", "updated_at"])
    if progress is not None and len(todo) == len(secretaries):
        progress.finished = True
        progress.save(update_fields=["finished", "updated_at"])
    return len(todo)


def _stage(secretary: Secretary, on: dt.date) -> str:
    from organizations.models import career_stage_on

    return career_stage_on(secretary.took_office, on)


@transaction.atomic
def assessment_transition(*, actor: Actor, assessment: Assessment, to_state: str) -> Assessment:
    """Move an assessment along the state machine; anything else is refused with the reason."""
    current: Assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    allowed = TRANSITIONS.get(current.state, {})
    if to_state not in allowed:
        raise ValidationError(
            _("An assessment cannot go from “%(current)s” to “%(target)s”.")
            % {"current": State(current.state).label, "target": State(to_state).label}
        )
    if not actor.has_role(*allowed[to_state]):
        raise PermissionDenied(_("Your role does not allow this step."))
    if to_state == State.PUBLISHED:
        _check_publishable(current)
        current.published_at = timezone.now()
        current.appeal_deadline = timezone.localdate() + dt.timedelta(days=APPEAL_DAYS)
    if to_state == State.FINAL and current.appeals.filter(status="open").exists():
        raise ValidationError(_("Appeals are still under review; the result cannot be final yet."))
    before = current.state
    current.state = to_state
    current.save()
    audit(
        actor,
        current.tenant_id,
        "assessment.transition",
        current,
        before={"state": before},
        after={"state": to_state},
    )
    return current


def _check_publishable(assessment: Assessment) -> None:
    from assessments.services.results import compute_result

    result = compute_result(assessment)
    if not result.complete:
        raise ValidationError(
            _(
                "%(n)s entries are still missing; a result is published only when every rater group has scored."
            )
            % {"n": len(result.missing)}
        )
    if assessment.vetoes.filter(status="proposed").exists():
        raise ValidationError(_("A proposed veto awaits its second approver."))
    from assessments.services.results import recompute_cycle
    from assessments.tasks import recompute_cycle_results

    # A published result is never shown without a stored row; the cycle's other results
    # (whose ranks this one may move) are refreshed once this commits.
    if not Result.objects.filter(assessment=assessment).exists():
        recompute_cycle(cycle_id=assessment.cycle_id)
    recompute_cycle_results.delay_on_commit(assessment.tenant_id, assessment.cycle_id)
    from alerts.tasks import evaluate_tenant_alerts  # a published result may raise warnings

    evaluate_tenant_alerts.delay_on_commit(assessment.tenant_id)


@transaction.atomic
def self_evaluation_submit(
    *, actor: Actor, assessment: Assessment, summary: str, duty_report: str, attachment: Any = None
) -> SelfEvaluation:
    """The secretary's self-evaluation and duty report; submitting moves the assessment to scoring."""
    current: Assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.secretary_id not in actor.secretary_ids:
        raise PermissionDenied(_("Only the assessed secretary submits the self-evaluation."))
    if current.state != State.SELF_EVALUATION:
        raise ValidationError(
            _("The self-evaluation is open only during the self-evaluation step.")
        )
    if not summary.strip() or not duty_report.strip():
        raise ValidationError(_("Write both the self-evaluation and the duty report."))
    check_upload(attachment, field="attachment")
    evaluation, _created = SelfEvaluation.objects.update_or_create(
        assessment=current,
        defaults={
            "tenant_id": current.tenant_id,
            "summary": summary,
            "duty_report": duty_report,
            "submitted_at": timezone.now(),
        },
    )
    if attachment is not None:
        evaluation.attachment = attachment
        evaluation.save(update_fields=["attachment"])
    audit(
        actor,
        current.tenant_id,
        "assessment.self_evaluation",
        current,
        after={"length": len(duty_report)},
    )
    assessment_transition(actor=actor, assessment=current, to_state=State.SCORING)
    return evaluation


@transaction.atomic
def expert_assign(*, actor: Actor, assessment: Assessment, expert: User) -> ExpertAssignment:
    actor.require(Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
    if not actor.whole_tenant and assessment.street_id not in actor.street_ids:
        raise PermissionDenied(_("This assessment is not in your street."))
    if (
        expert.tenant_id != actor.tenant_id
        or not expert.memberships.filter(role=Role.EXPERT).exists()
    ):
        raise ValidationError({"expert": _("Choose an expert of your tenant.")})
    assignment, created = ExpertAssignment.objects.get_or_create(
        assessment=assessment, expert=expert, defaults={"tenant_id": assessment.tenant_id}
    )
    if created:
        audit(
            actor,
            assessment.tenant_id,
            "assessment.assign_expert",
            assignment,
            after={"expert": expert.pk},
        )
    return assignment
