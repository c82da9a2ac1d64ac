"""Writes for warnings: the tenant evaluation (what the jobs run), the warning lifecycle,
thresholds, incidents and the circuit breaker's follow-ups."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import engine, selectors
from alerts.models import Alert, Escalation, Incident, ThresholdSet
from assessments.models import Rectification
from assessments.services.common import audit, is_street_assessor
from assessments.services.rectifications import rectification_raise
from organizations.models import OrgUnit, User
from organizations.tenancy import Actor, Role
from organizations.uploads import check_upload

Status = Alert.Status
# How far back the circuit breaker looks for consecutive quarters (it needs at most 8).
BREAKER_LOOKBACK_YEARS = 3


@dataclass(frozen=True)
class EvaluationSummary:
    created: int
    updated: int
    resolved: int
    escalated: int


def _require_assessor(actor: Actor, street_id: int) -> None:
    if not is_street_assessor(actor, street_id):
        raise PermissionDenied(
            _("Only an assessor of the community's street or an administrator does this.")
        )


# The evaluation ---------------------------------------------------------------------------


def _cause(finding: engine.Finding) -> dict[str, Any]:
    return {
        "assessment_id": finding.assessment_id,
        "rectification_id": finding.rectification_id,
        "incident_id": finding.incident_id,
    }


def _existing(tenant_id: int, periods: set[str]) -> dict[tuple[str, int, str, str], Alert]:
    """Warnings that are not resolved, and any warning of a period found again."""
    rows = Alert.objects.filter(tenant_id=tenant_id).filter(
        ~Q(status=Status.RESOLVED) | Q(period__in=periods)
    )
    return {(a.rule, a.community_id, a.subject, a.period): a for a in rows}


@transaction.atomic
def evaluate_tenant(*, tenant_id: int, today: dt.date | None = None) -> EvaluationSummary:
    """Evaluate every rule for one tenant and store the outcome; safe to run any number of
    times. One transaction: a run that fails half-way leaves nothing behind.

    A finding updates its warning (one per rule × subject × period) or creates it; an
    automatically resolved warning whose condition returns is reopened, one a person
    resolved stays resolved; a warning not found again within the scopes the run judged is
    resolved with today's date. Then the circuit breaker. A constant number of queries.
    """
    today = today or timezone.localdate()
    thresholds = selectors.thresholds_for_tenant(tenant_id=tenant_id)
    result = engine.evaluate(selectors.gather_signals(tenant_id=tenant_id, today=today), thresholds)
    existing = _existing(tenant_id, {f.period for f in result.findings})
    fresh: list[Alert] = []
    changed: list[Alert] = []
    still: list[int] = []
    seen: set[tuple[str, int, str, str]] = set()
    for finding in result.findings:
        seen.add(finding.key)
        alert = existing.get(finding.key)
        if alert is None:
            fresh.append(
                Alert(
                    tenant_id=tenant_id,
                    street_id=finding.street_id,
                    community_id=finding.community_id,
                    rule=finding.rule,
                    level=finding.level,
                    subject=finding.subject,
                    period=finding.period,
                    facts=finding.facts,
                    first_seen_on=today,
                    last_seen_on=today,
                    **_cause(finding),
                )
            )
            continue
        if alert.status == Status.RESOLVED and alert.resolved_by_id is not None:
            continue
        stale = alert.status == Status.RESOLVED or (alert.facts, alert.level) != (
            finding.facts,
            finding.level,
        )
        stale |= any(getattr(alert, name) != value for name, value in _cause(finding).items())
        if alert.status == Status.RESOLVED:
            alert.status, alert.resolved_on = Status.OPEN, None
        if stale:
            alert.facts, alert.level = finding.facts, finding.level
            for name, value in _cause(finding).items():
                setattr(alert, name, value)
            changed.append(alert)
        still.append(alert.pk)
    gone = [
        alert.pk
        for key, alert in existing.items()
        if key not in seen
        and alert.status != Status.RESOLVED
        and ((alert.rule, alert.period) in result.scopes or (alert.rule, "*") in result.scopes)
    ]
    Alert.objects.bulk_create(fresh)
    _update_changed(changed)
    Alert.objects.filter(pk__in=still).update(last_seen_on=today)
    resolved = Alert.objects.filter(pk__in=gone).update(status=Status.RESOLVED, resolved_on=today)
    escalated = _trip_circuit_breaker(
        tenant_id=tenant_id, today=today, quarters=thresholds.breaker_quarters
    )
    return EvaluationSummary(len(fresh), len(changed), resolved, escalated)


UPDATED_FIELDS = (
    "facts", "level", "status", "resolved_on", "assessment_id", "rectification_id", "incident_id",
)  # fmt: skip
_UPDATE_SQL = """
UPDATE alerts_alert AS a
SET facts = v.facts, level = v.level, status = v.status, resolved_on = v.resolved_on,
    assessment_id = v.assessment_id, rectification_id = v.rectification_id,
    incident_id = v.incident_id
FROM jsonb_to_recordset(%s::jsonb) AS v(
    id bigint, facts jsonb, level text, status text, resolved_on date,
    assessment_id bigint, rectification_id bigint, incident_id bigint)
WHERE a.id = v.id
"""


def _update_changed(alerts: list[Alert]) -> None:
    """Store the changed warnings in one statement on PostgreSQL (``bulk_update``'s CASE
    expressions grow quadratically: 25 s for 3,000 rows); ``bulk_update`` elsewhere."""
    if not alerts:
        return
    if connection.vendor != "postgresql":
        Alert.objects.bulk_update(alerts, list(UPDATED_FIELDS))
        return
    rows = [{"id": a.pk, **{name: getattr(a, name) for name in UPDATED_FIELDS}} for a in alerts]
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_SQL, [json.dumps(rows, cls=DjangoJSONEncoder)])


def _trip_circuit_breaker(*, tenant_id: int, today: dt.date, quarters: int) -> int:
    since = engine.period_for(today.year - BREAKER_LOOKBACK_YEARS, 1)
    tripped = engine.circuit_breaker(
        selectors.breaker_periods(tenant_id=tenant_id, since=since), quarters
    )
    if not tripped:
        return 0
    rows = list(
        Escalation.objects.filter(tenant_id=tenant_id, community_id__in=list(tripped)).values_list(
            "community_id", "period", "talk_id"
        )
    )
    known = {(community, period) for community, period, _talk in rows}
    new = {c: p for c, p in tripped.items() if (c, p) not in known}
    if not new:
        if any(talk is None for _c, _p, talk in rows):
            # The job planning the talk is enqueued once the escalation is committed; a
            # worker killed in between lost it, and this run asks for it again.
            _plan_talks_on_commit(tenant_id)
        return 0
    created = _schedule_special_talk(tenant_id=tenant_id, runs=new, quarters=quarters)
    names = list(
        OrgUnit.objects.filter(tenant_id=tenant_id, pk__in=list(new))
        .order_by("name")
        .values_list("name", flat=True)
    )
    from notifications.services import notify

    notify(
        tenant_id=tenant_id, recipients=_leaders(tenant_id), verb="alerts.circuit_breaker",
        title=_("Circuit breaker: %(n)s communities warned in %(q)s consecutive quarters")
        % {"n": len(created), "q": quarters},
        body="、".join(names[:50]), url=reverse("alerts:escalations"), email=True,
    )  # fmt: skip
    return len(created)


def _leaders(tenant_id: int) -> list[User]:
    """The tenant's leaders: district leaders and tenant administrators."""
    return list(
        User.objects.filter(
            tenant_id=tenant_id,
            is_active=True,
            memberships__role__in=[Role.DISTRICT_LEADER, Role.TENANT_ADMIN],
        ).distinct()
    )


def _schedule_special_talk(
    *, tenant_id: int, runs: dict[int, str], quarters: int
) -> list[Escalation]:
    """The circuit breaker's follow-up: a special talk (专项谈事) to schedule for each
    community, recorded as an escalation. Where talks are kept, this is where one is
    planned for the community's secretary (and ``talk_id`` set)."""
    streets = dict(
        OrgUnit.objects.filter(tenant_id=tenant_id, pk__in=list(runs)).values_list(
            "pk", "parent_id"
        )
    )
    rows = [
        Escalation(
            tenant_id=tenant_id,
            community_id=community,
            street_id=streets[community],
            period=period,
            quarters=quarters,
        )
        for community, period in runs.items()
    ]
    created = Escalation.objects.bulk_create(rows)
    if created:
        _plan_talks_on_commit(tenant_id)
    return created


def _plan_talks_on_commit(tenant_id: int) -> None:
    # Planning a talk takes a few queries per community: a job of its own keeps the
    # evaluation's query count flat.
    from alerts.tasks import schedule_special_talks

    schedule_special_talks.delay_on_commit(tenant_id)


@transaction.atomic
def escalations_schedule_talks(*, tenant_id: int, today: dt.date) -> int:
    """Plan the special talk (专项谈事) of every escalation still waiting for one, a week
    ahead, and link it. Idempotent: a scheduled escalation is left alone."""
    from interviews.services import talk_plan_special

    waiting = Escalation.objects.select_for_update().filter(
        tenant_id=tenant_id, status=Escalation.Status.TO_SCHEDULE, talk_id__isnull=True
    )
    scheduled = 0
    for escalation in waiting:
        talk = talk_plan_special(
            tenant_id=tenant_id,
            community_id=escalation.community_id,
            planned_for=today + dt.timedelta(days=7),
            reason=_("Warnings in %(quarters)s consecutive quarters up to %(period)s (熔断).")
            % {"quarters": escalation.quarters, "period": escalation.period},
        )
        escalation.talk_id = talk.pk
        escalation.status = Escalation.Status.SCHEDULED
        escalation.save(update_fields=["talk_id", "status"])
        scheduled += 1
    return scheduled


# The lifecycle: open → acknowledged → handled → resolved ----------------------------------


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: Alert) -> Alert:
    _require_assessor(actor, alert.street_id)
    if alert.status != Status.OPEN:
        raise ValidationError({"status": _("Only an open warning can be acknowledged.")})
    alert.status, alert.acknowledged_by_id, alert.acknowledged_at = (
        Status.ACKNOWLEDGED, actor.user_id, timezone.now(),
    )  # fmt: skip
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit(actor, alert.tenant_id, "alert.acknowledge", alert)
    return alert


@transaction.atomic
def alert_handle(
    *, actor: Actor, alert: Alert, note: str, evidence: UploadedFile[bytes] | None = None
) -> Alert:
    """Record how the warning was handled, with a note and optional evidence."""
    _require_assessor(actor, alert.street_id)
    if alert.status not in (Status.OPEN, Status.ACKNOWLEDGED):
        raise ValidationError({"status": _("Only an open or acknowledged warning can be handled.")})
    if not note.strip():
        raise ValidationError({"note": _("Say how the warning was handled.")})
    check_upload(evidence, field="evidence")
    alert.status, alert.handling_note = Status.HANDLED, note.strip()
    alert.handled_by_id, alert.handled_at = actor.user_id, timezone.now()
    if evidence is not None:
        alert.evidence = evidence
    if alert.acknowledged_at is None:
        alert.acknowledged_by_id, alert.acknowledged_at = actor.user_id, alert.handled_at
    alert.save()
    audit(actor, alert.tenant_id, "alert.handle", alert, after={"note": alert.handling_note})
    return alert


@transaction.atomic
def alert_resolve(*, actor: Actor, alert: Alert) -> Alert:
    _require_assessor(actor, alert.street_id)
    if alert.status != Status.HANDLED:
        raise ValidationError({"status": _("A warning is resolved once it has been handled.")})
    alert.status, alert.resolved_on, alert.resolved_by_id = (
        Status.RESOLVED,
        timezone.localdate(),
        actor.user_id,
    )
    alert.save(update_fields=["status", "resolved_on", "resolved_by"])
    audit(actor, alert.tenant_id, "alert.resolve", alert)
    return alert


@transaction.atomic
def alert_raise_rectification(
    *, actor: Actor, alert: Alert, title: str, deadline: dt.date, owner: User, description: str = ""
) -> Rectification:
    """Raise a rectification (整改) for the warning and link it."""
    if alert.raised_rectification_id is not None:
        raise ValidationError({"title": _("A rectification was already raised for this warning.")})
    community = OrgUnit.objects.select_related("parent").get(pk=alert.community_id)
    item = rectification_raise(
        actor=actor, community=community, title=title, deadline=deadline, owner=owner,
        description=description, assessment=alert.assessment, source="warning",
    )  # fmt: skip
    alert.raised_rectification = item
    alert.save(update_fields=["raised_rectification"])
    return item


# Thresholds and incidents -----------------------------------------------------------------

THRESHOLD_FIELDS = (
    "pass_mark", "category_min_percent", "quarter_drop_points", "satisfaction_min",
    "feedback_overdue_min", "routine_talks_min", "missing_scores_days",
    "rectification_due_days", "breaker_quarters",
)  # fmt: skip


@transaction.atomic
def thresholds_update(*, actor: Actor, **values: Any) -> ThresholdSet:
    actor.require(Role.TENANT_ADMIN)
    unknown = set(values) - set(THRESHOLD_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown threshold.") for name in sorted(unknown)})
    row = selectors.threshold_set_for_tenant(tenant_id=actor.tenant_id)
    before = {name: str(getattr(row, name)) for name in THRESHOLD_FIELDS}
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    audit(actor, actor.tenant_id, "alert.thresholds", row, before=before,
          after={name: str(getattr(row, name)) for name in THRESHOLD_FIELDS})  # fmt: skip
    return row


@transaction.atomic
def incident_report(
    *, actor: Actor, community: OrgUnit, kind: str, title: str, occurred_on: dt.date,
    serious: bool = True, description: str = "",
) -> Incident:  # fmt: skip
    if community.parent_id is None or community.kind != OrgUnit.Kind.COMMUNITY:
        raise ValidationError({"community": _("Choose a community.")})
    _require_assessor(actor, community.parent_id)
    if community.tenant_id != actor.tenant_id:
        raise ValidationError({"community": _("Choose a community.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("An incident cannot have happened in the future.")})
    if not title.strip():
        raise ValidationError({"title": _("Say what happened.")})
    incident = Incident(
        tenant_id=actor.tenant_id, street_id=community.parent_id, community=community, kind=kind,
        title=title.strip(), description=description, occurred_on=occurred_on, serious=serious,
        reported_by_id=actor.user_id,
    )  # fmt: skip
    incident.full_clean()
    incident.save()
    audit(actor, actor.tenant_id, "incident.report", incident, after={"title": incident.title})
    return incident


@transaction.atomic
def incident_close(
    *, actor: Actor, incident: Incident, closed_on: dt.date | None = None
) -> Incident:
    _require_assessor(actor, incident.street_id)
    closed_on = closed_on or timezone.localdate()
    if incident.closed_on is not None:
        raise ValidationError({"closed_on": _("The incident is already closed.")})
    if closed_on < incident.occurred_on:
        raise ValidationError({"closed_on": _("An incident closes after it happened.")})
    incident.closed_on = closed_on
    incident.save(update_fields=["closed_on"])
    audit(actor, actor.tenant_id, "incident.close", incident)
    return incident
