"""Writes of the talks app: planning and recording talks, feedback, rectifications raised in a
talk, demand themes and the tenant's talk policy, and the theme extraction the job runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, Cycle, Rectification
from assessments.services.common import audit, is_street_assessor
from assessments.services.rectifications import rectification_raise
from interviews import text
from interviews.models import (
    STEP_FIELDS,
    DemandTheme,
    Talk,
    TalkParticipant,
    TalkPolicy,
    TalkRectification,
    TalkTheme,
)
from interviews.selectors import policy_for_tenant
from organizations.models import OrgUnit, Secretary, User
from organizations.tenancy import Actor, Role
from organizations.uploads import check_upload

Kind = Talk.Kind

# Seeded for a tenant that has no themes yet; tenant admins edit them afterwards.
DEFAULT_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("养老服务", ("养老", "养老服务", "空巢老人", "独居老人", "高龄老人", "失能老人", "老年人", "居家养老", "日间照料", "老年食堂", "助餐点", "长者饭堂")),
    ("老旧小区加装电梯", ("加装电梯", "电梯加装", "电梯", "爬楼")),
    ("垃圾分类", ("垃圾分类", "厨余垃圾", "垃圾桶", "垃圾站", "垃圾清运")),
    ("停车难", ("停车", "停车难", "停车位", "车位", "乱停车", "乱停乱放", "停车场")),
    ("物业纠纷", ("物业", "物业费", "物业公司", "物业纠纷", "业委会", "业主委员会")),
    ("儿童托管", ("儿童托管", "托育", "四点半课堂", "托管")),
    ("就业帮扶", ("就业", "再就业", "就业帮扶", "失业")),
    ("安全隐患", ("安全隐患", "消防通道", "飞线充电", "充电桩", "楼道堆物", "消防")),
    ("噪音扰民", ("噪音", "噪音扰民", "广场舞", "扰民")),
)  # fmt: skip
MAX_FEEDBACK_DAYS = 90
MAX_ROUTINE_PER_QUARTER = 31


def _require_assessor(actor: Actor, street_id: int | None) -> None:
    if not is_street_assessor(actor, street_id):
        raise PermissionDenied(_("Only an assessor of the community's street holds its talks."))


def _street_of(tenant_id: int, community: OrgUnit) -> int:
    """The community's street, once the community is checked to be one of the tenant's."""
    if (
        community.tenant_id != tenant_id
        or community.kind != OrgUnit.Kind.COMMUNITY
        or community.parent_id is None
    ):
        raise ValidationError({"community": _("Choose a community of your tenant.")})
    return community.parent_id


def _serving_secretary(community: OrgUnit) -> Secretary | None:
    return (
        Secretary.objects.filter(community=community, left_office__isnull=True)
        .order_by("-took_office")
        .first()
    )


def _links(
    tenant_id: int, community: OrgUnit, assessment: Assessment | None, cycle: Cycle | None
) -> tuple[Assessment | None, Cycle | None]:
    """The assessment and cycle a talk belongs to, checked against its community."""
    if assessment is not None:
        if assessment.tenant_id != tenant_id or assessment.community_id != community.pk:
            raise ValidationError(
                {"assessment": _("The assessment is of another community than the talk.")}
            )
        if cycle is not None and cycle.pk != assessment.cycle_id:
            raise ValidationError({"cycle": _("The cycle is not the assessment's cycle.")})
        cycle = assessment.cycle
    if cycle is not None and cycle.tenant_id != tenant_id:
        raise ValidationError({"cycle": _("Choose a cycle of your tenant.")})
    return assessment, cycle


def _check_participants(tenant_id: int, participants: Sequence[User]) -> None:
    if any(user.tenant_id != tenant_id for user in participants):
        raise ValidationError({"participants": _("A participant belongs to another tenant.")})


def _snapshot(talk: Talk) -> dict[str, Any]:
    return {
        "kind": talk.kind, "status": talk.status, "community": talk.community_id,
        "held_on": talk.held_on, "planned_for": talk.planned_for, "feedback_on": talk.feedback_on,
    }  # fmt: skip


# Planning ---------------------------------------------------------------------------------


@transaction.atomic
def talk_plan(
    *, actor: Actor, community: OrgUnit, kind: str, planned_for: dt.date, reason: str = "",
    assessment: Assessment | None = None, cycle: Cycle | None = None,
) -> Talk:  # fmt: skip
    """An assessor schedules a talk with a community's secretary."""
    _require_assessor(actor, _street_of(actor.tenant_id, community))
    return _plan(actor.tenant_id, community, kind, planned_for, reason, assessment, cycle, actor)


@transaction.atomic
def talk_plan_special(
    *, tenant_id: int, community_id: int, planned_for: dt.date, reason: str = "",
    actor: Actor | None = None,
) -> Talk:  # fmt: skip
    """Schedule a 专项谈事 with a community, e.g. when a warning escalates. ``actor`` None: the
    system scheduled it (the audit record names no person)."""
    community = OrgUnit.objects.filter(
        tenant_id=tenant_id, pk=community_id, kind=OrgUnit.Kind.COMMUNITY
    ).first()
    if community is None:
        raise ValidationError({"community": _("Choose a community of your tenant.")})
    if actor is not None:
        if actor.tenant_id != tenant_id:
            raise ValidationError({"community": _("Choose a community of your tenant.")})
        _require_assessor(actor, community.parent_id)
    return _plan(tenant_id, community, Kind.SPECIAL, planned_for, reason, None, None, actor)


def _plan(
    tenant_id: int, community: OrgUnit, kind: str, planned_for: dt.date | None, reason: str,
    assessment: Assessment | None, cycle: Cycle | None, actor: Actor | None,
) -> Talk:  # fmt: skip
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of talk.")})
    if planned_for is None:
        raise ValidationError({"planned_for": _("Give the date the talk is planned for.")})
    assessment, cycle = _links(tenant_id, community, assessment, cycle)
    talk = Talk(
        tenant_id=tenant_id, kind=kind, status=Talk.Status.PLANNED, street_id=_street_of(tenant_id, community),
        community=community, secretary=_serving_secretary(community), assessment=assessment,
        cycle=cycle, reason=reason.strip(), planned_for=planned_for,
        created_by_id=actor.user_id if actor else None,
    )  # fmt: skip
    talk.save()
    audit(actor, tenant_id, "talk.plan", talk, after=_snapshot(talk))
    return talk


# Recording --------------------------------------------------------------------------------


@transaction.atomic
def talk_record(
    *, actor: Actor, community: OrgUnit, kind: str, held_on: dt.date, talk: Talk | None = None,
    place: str = "", participants: Sequence[User] = (), steps: Mapping[str, str] | None = None,
    notes: str = "", outcomes: str = "", reason: str = "",
    attachment: UploadedFile[bytes] | None = None,
    assessment: Assessment | None = None, cycle: Cycle | None = None,
) -> Talk:  # fmt: skip
    """Record a talk as held (a new one, or a planned or held one edited). Its demand themes
    are extracted by a background job once the transaction commits."""
    tenant_id = actor.tenant_id
    street_id = _street_of(tenant_id, community)
    _require_assessor(actor, street_id)
    if talk is not None:
        _require_assessor(actor, talk.street_id)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of talk.")})
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date the talk was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A talk is recorded once held: the date is in the future.")})  # fmt: skip
    if talk is not None and talk.feedback_on is not None and talk.feedback_on < held_on:
        raise ValidationError({"held_on": _("The feedback was given before this date.")})
    unknown = set(steps or {}) - set(STEP_FIELDS)
    if unknown:
        raise ValidationError({"steps": _("Unknown step: %(step)s.") % {"step": ", ".join(sorted(unknown))}})  # fmt: skip
    _check_participants(tenant_id, participants)
    check_upload(attachment, field="attachment")
    assessment, cycle = _links(tenant_id, community, assessment, cycle)
    before = _snapshot(talk) if talk is not None else None
    if talk is None:
        talk = Talk(tenant_id=tenant_id, created_by_id=actor.user_id)
    if talk.community_id != community.pk or talk.secretary_id is None:
        talk.secretary = _serving_secretary(community)
    talk.kind, talk.status, talk.community, talk.street_id = kind, Talk.Status.HELD, community, street_id  # fmt: skip
    talk.held_on, talk.place, talk.notes, talk.outcomes = held_on, place.strip(), notes, outcomes
    talk.reason, talk.assessment, talk.cycle = reason.strip(), assessment, cycle
    for name, value in (steps or {}).items():
        setattr(talk, name, value)
    if attachment is not None:
        talk.attachment = attachment
    if talk.feedback_due is None or talk.held_on != (before or {}).get("held_on"):
        # Due from the day held under today's policy; an edit that keeps the date keeps the
        # due date the talk was given, whatever the policy says since.
        talk.feedback_due = held_on + dt.timedelta(days=policy_for_tenant(tenant_id).feedback_due_days)  # fmt: skip
    talk.save()
    TalkParticipant.objects.filter(talk=talk).exclude(user__in=participants).delete()
    existing = set(TalkParticipant.objects.filter(talk=talk).values_list("user_id", flat=True))
    TalkParticipant.objects.bulk_create(
        TalkParticipant(tenant_id=tenant_id, talk=talk, user=user)
        for user in dict.fromkeys(participants)
        if user.pk not in existing
    )
    audit(actor, tenant_id, "talk.record", talk, before=before, after=_snapshot(talk))
    from interviews.tasks import extract_talk_themes

    extract_talk_themes.delay_on_commit(tenant_id, talk.pk)
    return talk


@transaction.atomic
def talk_record_feedback(*, actor: Actor, talk: Talk, feedback: str, given_on: dt.date) -> Talk:
    """The written feedback to the secretary, with the date it was given."""
    _require_assessor(actor, talk.street_id)
    if talk.status != Talk.Status.HELD or talk.held_on is None:
        raise ValidationError(_("Feedback follows a talk that has been held."))
    if not feedback.strip():
        raise ValidationError({"feedback": _("Write the feedback to the secretary.")})
    if given_on is None:
        raise ValidationError({"feedback_on": _("Give the date the feedback was given.")})
    if given_on < talk.held_on:
        raise ValidationError(
            {"feedback_on": _("Feedback cannot be given before the talk (held on %(date)s).")
             % {"date": talk.held_on.isoformat()}}
        )  # fmt: skip
    if given_on > timezone.localdate():
        raise ValidationError({"feedback_on": _("The feedback date is in the future.")})
    before = _snapshot(talk)
    talk.feedback, talk.feedback_on, talk.feedback_by_id = feedback.strip(), given_on, actor.user_id
    talk.save(update_fields=["feedback", "feedback_on", "feedback_by", "updated_at"])
    audit(actor, talk.tenant_id, "talk.feedback", talk, before=before, after=_snapshot(talk))
    return talk


@transaction.atomic
def talk_raise_rectification(
    *, actor: Actor, talk: Talk, title: str, deadline: dt.date, owner: User, description: str = ""
) -> Rectification:
    """A rectification raised in a talk: into the assessments' list, linked to the talk."""
    item = rectification_raise(
        actor=actor, community=talk.community, title=title, deadline=deadline, owner=owner,
        description=description, assessment=talk.assessment, source="talk",
    )  # fmt: skip
    TalkRectification.objects.create(tenant_id=talk.tenant_id, talk=talk, rectification=item)
    return item


# Themes and the policy ----------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    if not actor.has_role(Role.TENANT_ADMIN):
        raise PermissionDenied(_("Only a tenant administrator changes the talk settings."))


def _clean_keywords(keywords: Iterable[str]) -> list[str]:
    words = [k.strip() for k in keywords if k and k.strip()]
    if not words:
        raise ValidationError({"keywords": _("Give at least one keyword.")})
    return list(dict.fromkeys(text.to_simplified(w) for w in words))


@transaction.atomic
def themes_ensure_defaults(*, tenant_id: int) -> int:
    """Seed the default themes for a tenant that has none; returns how many were made."""
    if DemandTheme.objects.filter(tenant_id=tenant_id).exists():
        return 0
    DemandTheme.objects.bulk_create(
        DemandTheme(tenant_id=tenant_id, name=name, keywords=list(words), order=n)
        for n, (name, words) in enumerate(DEFAULT_THEMES)
    )
    return len(DEFAULT_THEMES)


@transaction.atomic
def theme_save(
    *, actor: Actor, name: str, keywords: Iterable[str], theme: DemandTheme | None = None,
    order: int = 0, is_active: bool = True,
) -> DemandTheme:  # fmt: skip
    """Add or change a demand theme; the tenant's talks are read again in the background."""
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the theme.")})
    words = _clean_keywords(keywords)
    clash = DemandTheme.objects.filter(tenant_id=actor.tenant_id, name=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": _("A theme with this name already exists.")})
    before = {"name": theme.name, "keywords": theme.keywords} if theme else None
    theme = theme or DemandTheme(tenant_id=actor.tenant_id)
    theme.name, theme.keywords, theme.order, theme.is_active = name, words, order, is_active
    theme.save()
    audit(actor, actor.tenant_id, "talk_theme.save", theme, before=before, after={"name": name, "keywords": words})  # fmt: skip
    from interviews.tasks import extract_tenant_themes

    extract_tenant_themes.delay_on_commit(actor.tenant_id)
    return theme


@transaction.atomic
def policy_update(*, actor: Actor, feedback_due_days: int, routine_per_quarter: int) -> TalkPolicy:
    """Change when feedback is due (for talks recorded from now on) and the routine minimum."""
    _require_admin(actor)
    errors: dict[str, str] = {}
    if not 1 <= feedback_due_days <= MAX_FEEDBACK_DAYS:
        errors["feedback_due_days"] = _("Feedback is due within 1 to %(max)s days.") % {"max": MAX_FEEDBACK_DAYS}  # fmt: skip
    if not 0 <= routine_per_quarter <= MAX_ROUTINE_PER_QUARTER:
        errors["routine_per_quarter"] = _("At most 31 routine talks a quarter.")
    if errors:  # both at once, so that one correction is enough
        raise ValidationError(errors)
    policy, _created = TalkPolicy.objects.get_or_create(tenant_id=actor.tenant_id)
    before = {"feedback_due_days": policy.feedback_due_days, "routine_per_quarter": policy.routine_per_quarter}  # fmt: skip
    policy.feedback_due_days, policy.routine_per_quarter = feedback_due_days, routine_per_quarter
    policy.save()
    audit(actor, actor.tenant_id, "talk_policy.update", policy, before=before, after={"feedback_due_days": feedback_due_days, "routine_per_quarter": routine_per_quarter})  # fmt: skip
    return policy


# Extraction (run by the background job) -----------------------------------------------------


def talk_text(talk: Talk) -> str:
    parts = [talk.reason, *(getattr(talk, name) for name in STEP_FIELDS), talk.notes, talk.outcomes]
    return "\n".join(p for p in parts if p)


@transaction.atomic
def talk_extract_themes(*, talk_id: int) -> int:
    """Find the demand themes of a talk's notes, replacing what an earlier run found.
    Returns the number of themes found (0 for a talk that is gone or not held)."""
    talk = Talk.objects.select_for_update().filter(pk=talk_id).first()
    if talk is None:
        return 0
    TalkTheme.objects.filter(talk=talk).delete()
    if talk.status != Talk.Status.HELD or talk.held_on is None:
        return 0
    themes_ensure_defaults(tenant_id=talk.tenant_id)
    themes = {
        theme.pk: theme.keywords
        for theme in DemandTheme.objects.filter(tenant_id=talk.tenant_id, is_active=True)
    }
    found = text.analyse(talk_text(talk), themes)
    TalkTheme.objects.bulk_create(
        TalkTheme(
            tenant_id=talk.tenant_id,
            talk=talk,
            theme_id=theme_id,
            street_id=talk.street_id,
            community_id=talk.community_id,
            held_on=talk.held_on,
            hits=hits,
            matched=matched,
        )
        for theme_id, (hits, matched) in found.themes.items()
    )
    Talk.objects.filter(pk=talk.pk).update(
        keywords=[[word, count] for word, count in found.keywords], extracted_at=timezone.now()
    )
    return len(found.themes)
