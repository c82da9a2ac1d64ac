"""Writes to indicator schemes. Drafts are edited; published versions are frozen; every
change to a weight, a cap, a veto item or the scheme's state is in the audit log."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from indicators.documents import Document, build_scheme_from_document, scheme_to_document
from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    IndicatorRaterGroup,
    Level,
    RaterGroup,
    Scheme,
    SchemeLockedError,
    TargetOverride,
    VetoItem,
)
from indicators.validation import validate_scheme
from organizations.models import User
from organizations.tenancy import Actor, Role

PartT = TypeVar("PartT", Category, RaterGroup, Indicator, AdjustmentItem, VetoItem)


def _user(actor: Actor) -> User:
    return User.objects.get(pk=actor.user_id)


def _audit(
    actor: Actor,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        tenant_id=actor.tenant_id,
        actor=_user(actor),
        action=action,
        obj=obj,
        before=before,
        after=after,
    )


def _require_draft(scheme: Scheme) -> None:
    # Read the stored state: an in-memory object may be stale.
    if Scheme.objects.filter(pk=scheme.pk).exclude(state=Scheme.State.DRAFT).exists():
        raise SchemeLockedError()


# Whole schemes -----------------------------------------------------------------------------


@transaction.atomic
def scheme_create_from_document(*, actor: Actor, document: Document) -> Scheme:
    """A new scheme family (version 1) from a document: a template, an Excel sheet, a copy."""
    actor.require(Role.TENANT_ADMIN)
    code = document["scheme"]["code"]
    if Scheme.objects.filter(tenant_id=actor.tenant_id, code=code).exists():
        raise ValidationError(
            {"code": _("A scheme with the code %(code)s already exists.") % {"code": code}}
        )
    scheme = build_scheme_from_document(tenant_id=actor.tenant_id, document=document, version=1)
    _audit(
        actor,
        "scheme.create",
        scheme,
        after={"code": code, "version": 1, "template": scheme.template_code},
    )
    return scheme


SCHEME_EDITABLE = [
    "name", "year", "description", "bonus_cap", "deduction_cap", "grade_excellent_min",
    "grade_good_min", "grade_pass_min", "excellent_quota_percent", "pay_tier_shares",
    "special_indicator_limit",
]  # fmt: skip


@transaction.atomic
def scheme_update(*, actor: Actor, scheme: Scheme, **fields: Any) -> Scheme:
    actor.require(Role.TENANT_ADMIN)
    _require_draft(scheme)
    unknown = set(fields) - set(SCHEME_EDITABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    before = {f: getattr(scheme, f) for f in fields}
    for field, value in fields.items():
        setattr(scheme, field, value)
    scheme.full_clean()
    scheme.save()
    _audit(
        actor, "scheme.update", scheme, before=before, after={f: getattr(scheme, f) for f in fields}
    )
    return scheme


@transaction.atomic
def scheme_publish(*, actor: Actor, scheme: Scheme) -> Scheme:
    actor.require(Role.TENANT_ADMIN)
    _require_draft(scheme)
    problems = validate_scheme(scheme)
    if problems:
        raise ValidationError({p.field: [p.message] for p in problems})
    scheme.state = Scheme.State.PUBLISHED
    scheme.published_at = timezone.now()
    scheme.save(update_fields=["state", "published_at"])
    _audit(
        actor,
        "scheme.publish",
        scheme,
        before={"state": "draft"},
        after={"state": "published", "version": scheme.version},
    )
    return scheme


@transaction.atomic
def scheme_retire(*, actor: Actor, scheme: Scheme) -> Scheme:
    actor.require(Role.TENANT_ADMIN)
    if scheme.state != Scheme.State.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    scheme.state = Scheme.State.RETIRED
    scheme.save(update_fields=["state"])
    _audit(
        actor, "scheme.retire", scheme, before={"state": "published"}, after={"state": "retired"}
    )
    return scheme


@transaction.atomic
def scheme_new_version(*, actor: Actor, scheme: Scheme) -> Scheme:
    """ "Edit" a published scheme: a new draft version with everything copied."""
    actor.require(Role.TENANT_ADMIN)
    family = Scheme.objects.filter(tenant_id=actor.tenant_id, code=scheme.code)
    if family.filter(state=Scheme.State.DRAFT).exists():
        raise ValidationError(_("This scheme already has a draft version; edit that one."))
    version = (family.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = build_scheme_from_document(
        tenant_id=actor.tenant_id, document=scheme_to_document(scheme), version=version
    )
    draft.based_on = scheme
    draft.template_code = scheme.template_code
    draft.save(update_fields=["based_on", "template_code"])
    _audit(actor, "scheme.new_version", draft, after={"based_on": scheme.pk, "version": version})
    return draft


@transaction.atomic
def scheme_delete_draft(*, actor: Actor, scheme: Scheme) -> None:
    actor.require(Role.TENANT_ADMIN)
    _require_draft(scheme)
    _audit(
        actor,
        "scheme.delete_draft",
        scheme,
        before={"code": scheme.code, "version": scheme.version},
    )
    scheme.delete()


# Parts of a draft --------------------------------------------------------------------------


def _save_part(
    actor: Actor,
    scheme: Scheme,
    obj: PartT,
    fields: dict[str, Any],
    action: str,
    audited: list[str],
) -> PartT:
    actor.require(Role.TENANT_ADMIN)
    _require_draft(scheme)
    before = {f: getattr(obj, f) for f in audited} if obj.pk else None
    for field, value in fields.items():
        setattr(obj, field, value)
    obj.tenant_id = actor.tenant_id
    obj.scheme = scheme
    obj.full_clean()
    obj.save()
    _audit(actor, action, obj, before=before, after={f: getattr(obj, f) for f in audited})
    return obj


def _delete_part(actor: Actor, obj: Any, action: str) -> None:
    actor.require(Role.TENANT_ADMIN)
    _require_draft(obj.scheme)
    _audit(actor, action, obj, before={"code": getattr(obj, "code", ""), "name": str(obj)})
    obj.delete()


@transaction.atomic
def category_save(
    *, actor: Actor, scheme: Scheme, category: Category | None = None, **fields: Any
) -> Category:
    return _save_part(
        actor,
        scheme,
        category or Category(),
        fields,
        "scheme.category.save",
        ["code", "name", "weight", "is_special"],
    )


@transaction.atomic
def category_delete(*, actor: Actor, category: Category) -> None:
    _delete_part(actor, category, "scheme.category.delete")


@transaction.atomic
def rater_group_save(
    *, actor: Actor, scheme: Scheme, group: RaterGroup | None = None, **fields: Any
) -> RaterGroup:
    return _save_part(
        actor,
        scheme,
        group or RaterGroup(),
        fields,
        "scheme.rater_group.save",
        ["code", "name", "kind", "weight"],
    )


@transaction.atomic
def rater_group_delete(*, actor: Actor, group: RaterGroup) -> None:
    _delete_part(actor, group, "scheme.rater_group.delete")


@transaction.atomic
def indicator_save(
    *,
    actor: Actor,
    scheme: Scheme,
    indicator: Indicator | None = None,
    rater_groups: list[RaterGroup] | None = None,
    levels: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Indicator:
    """Save an indicator; ``rater_groups``, ``levels`` and ``overrides`` replace what it had."""
    if "category" in fields and fields["category"].scheme_id != scheme.pk:
        raise ValidationError({"category": _("The category belongs to another scheme.")})
    audited = ["code", "name", "max_points", "method", "direction", "target", "floor"]
    saved = _save_part(
        actor, scheme, indicator or Indicator(), fields, "scheme.indicator.save", audited
    )
    common = {"tenant_id": actor.tenant_id, "scheme": scheme}
    if rater_groups is not None:
        if any(g.scheme_id != scheme.pk for g in rater_groups):
            raise ValidationError({"rater_groups": _("A rater group belongs to another scheme.")})
        IndicatorRaterGroup.objects.filter(indicator=saved).delete()
        IndicatorRaterGroup.objects.bulk_create(
            [IndicatorRaterGroup(indicator=saved, rater_group=g, **common) for g in rater_groups]
        )
    if levels is not None:
        Level.objects.filter(indicator=saved).delete()
        for data in levels:
            level = Level(indicator=saved, **common, **data)
            level.full_clean()
            level.save()
    if overrides is not None:
        TargetOverride.objects.filter(indicator=saved).delete()
        for data in overrides:
            override = TargetOverride(indicator=saved, **common, **data)
            override.full_clean()
            override.save()
    return saved


@transaction.atomic
def indicator_delete(*, actor: Actor, indicator: Indicator) -> None:
    _delete_part(actor, indicator, "scheme.indicator.delete")


@transaction.atomic
def adjustment_item_save(
    *, actor: Actor, scheme: Scheme, item: AdjustmentItem | None = None, **fields: Any
) -> AdjustmentItem:
    indicator = fields.get("indicator")
    if indicator is not None and indicator.scheme_id != scheme.pk:
        raise ValidationError({"indicator": _("The indicator belongs to another scheme.")})
    audited = ["kind", "code", "name", "points_per_occurrence", "cap"]
    return _save_part(
        actor, scheme, item or AdjustmentItem(), fields, "scheme.adjustment.save", audited
    )


@transaction.atomic
def adjustment_item_delete(*, actor: Actor, item: AdjustmentItem) -> None:
    _delete_part(actor, item, "scheme.adjustment.delete")


@transaction.atomic
def veto_item_save(
    *, actor: Actor, scheme: Scheme, item: VetoItem | None = None, **fields: Any
) -> VetoItem:
    return _save_part(
        actor,
        scheme,
        item or VetoItem(),
        fields,
        "scheme.veto.save",
        ["code", "name", "description"],
    )


@transaction.atomic
def veto_item_delete(*, actor: Actor, item: VetoItem) -> None:
    _delete_part(actor, item, "scheme.veto.delete")
