"""Special indicators (特色指标): each community picks its own from the scheme's pool, up to
the scheme's limit, or proposes one, which counts once an assessor approves it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from indicators.models import Indicator, Scheme, SpecialIndicatorChoice
from organizations.models import OrgUnit, User
from organizations.tenancy import Actor, Role

Status = SpecialIndicatorChoice.Status


def _may_choose_for(actor: Actor, community: OrgUnit) -> bool:
    """The community's own secretary, an assessor of its street, or a tenant admin."""
    return (
        actor.has_role(Role.TENANT_ADMIN)
        or (actor.has_role(Role.SECRETARY) and community.pk in actor.community_ids)
        or (actor.has_role(Role.STREET_ASSESSOR) and community.parent_id in actor.street_ids)
    )


def _check(actor: Actor, scheme: Scheme, community: OrgUnit) -> None:
    if community.tenant_id != actor.tenant_id or scheme.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("This community or scheme is not in your tenant."))
    if not _may_choose_for(actor, community):
        raise PermissionDenied(
            _("You may choose special indicators only for your own community or street.")
        )
    if community.kind != OrgUnit.Kind.COMMUNITY:
        raise ValidationError({"community": _("Special indicators are chosen by a community.")})
    if scheme.state != Scheme.State.PUBLISHED:
        raise ValidationError(_("Special indicators are chosen from a published scheme version."))
    # Lock the community's choices for this version so two requests cannot pass the limit together.
    taken = (
        SpecialIndicatorChoice.objects.select_for_update()
        .filter(scheme=scheme, community=community)
        .exclude(status=Status.REJECTED)
    )
    if len(list(taken)) >= scheme.special_indicator_limit:
        raise ValidationError(
            _(
                "This community already has %(limit)s special indicators, the most the scheme allows."
            )
            % {"limit": scheme.special_indicator_limit}
        )


def _audit(actor: Actor, action: str, choice: SpecialIndicatorChoice, **after: object) -> None:
    audit_record(
        tenant_id=actor.tenant_id,
        actor=User.objects.get(pk=actor.user_id),
        action=action,
        obj=choice,
        after={"community": choice.community_id, "scheme": choice.scheme_id, **after},
    )


@transaction.atomic
def special_choice_pick(
    *, actor: Actor, scheme: Scheme, community: OrgUnit, indicator: Indicator
) -> SpecialIndicatorChoice:
    if indicator.scheme_id != scheme.pk or not indicator.in_special_pool:
        raise ValidationError(
            {"indicator": _("Choose an indicator from this scheme's special-indicator pool.")}
        )
    _check(actor, scheme, community)
    if SpecialIndicatorChoice.objects.filter(
        scheme=scheme, community=community, indicator=indicator
    ).exists():
        raise ValidationError({"indicator": _("This community has already chosen this indicator.")})
    choice = SpecialIndicatorChoice(
        tenant_id=actor.tenant_id, scheme=scheme, community=community, street=community.parent,
        indicator=indicator, status=Status.APPROVED,
    )  # fmt: skip
    choice.full_clean()
    choice.save()
    _audit(actor, "special_indicator.pick", choice, indicator=indicator.code)
    return choice


@transaction.atomic
def special_choice_propose(
    *,
    actor: Actor,
    scheme: Scheme,
    community: OrgUnit,
    name: str,
    description: str,
    max_points: Decimal,
) -> SpecialIndicatorChoice:
    if not name.strip():
        raise ValidationError({"proposed_name": _("Name the indicator you propose.")})
    if max_points <= 0:
        raise ValidationError({"proposed_max_points": _("Max points must be above 0.")})
    _check(actor, scheme, community)
    choice = SpecialIndicatorChoice(
        tenant_id=actor.tenant_id, scheme=scheme, community=community, street=community.parent,
        proposed_name=name.strip(), proposed_description=description, proposed_max_points=max_points,
        status=Status.PROPOSED,
    )  # fmt: skip
    choice.full_clean()
    choice.save()
    _audit(
        actor, "special_indicator.propose", choice, name=choice.proposed_name, max_points=max_points
    )
    return choice


@transaction.atomic
def special_choice_decide(
    *,
    actor: Actor,
    choice: SpecialIndicatorChoice,
    approve: bool,
    scored_as: Indicator | None = None,
) -> SpecialIndicatorChoice:
    """An assessor of the community's street (or a tenant admin) approves or rejects a proposal.

    A published scheme version cannot grow a new indicator, so an approved proposal is
    scored on a pool indicator of the version that the approver names (``scored_as``):
    its method, points and rater groups carry the proposal, under the community's own name
    and description. It then counts like a pick of that pool indicator.
    """
    may_decide = actor.has_role(Role.TENANT_ADMIN) or (
        actor.has_role(Role.STREET_ASSESSOR) and choice.street_id in actor.street_ids
    )
    if not may_decide:
        raise PermissionDenied(
            _("Only an assessor of the community's street decides on its proposals.")
        )
    if choice.status != Status.PROPOSED:
        raise ValidationError(_("Only a proposal that is still open can be decided."))
    if approve:
        if scored_as is None:
            raise ValidationError(
                {"scored_as": _("Name the pool indicator on which this proposal is scored.")}
            )
        if scored_as.scheme_id != choice.scheme_id or not scored_as.in_special_pool:
            raise ValidationError(
                {"scored_as": _("Choose an indicator from this scheme's special-indicator pool.")}
            )
        taken = SpecialIndicatorChoice.objects.filter(
            scheme_id=choice.scheme_id, community_id=choice.community_id, indicator=scored_as
        ).exclude(status=Status.REJECTED)
        if taken.exists():
            raise ValidationError(
                {
                    "scored_as": _(
                        "This community already counts that pool indicator; choose another."
                    )
                }
            )
        choice.indicator = scored_as
    choice.status = Status.APPROVED if approve else Status.REJECTED
    choice.decided_by_id = actor.user_id
    choice.decided_at = timezone.now()
    choice.save(update_fields=["indicator", "status", "decided_by", "decided_at"])
    extra = {"scored_as": scored_as.code} if approve and scored_as else {}
    _audit(
        actor,
        "special_indicator.approve" if approve else "special_indicator.reject",
        choice,
        **extra,
    )
    return choice


@transaction.atomic
def special_choice_withdraw(*, actor: Actor, choice: SpecialIndicatorChoice) -> None:
    if not _may_choose_for(actor, choice.community):
        raise PermissionDenied(
            _("You may change special indicators only for your own community or street.")
        )
    if choice.scheme.cycles.exists():
        raise ValidationError(
            _("Assessments already use this scheme version; its choices can no longer change.")
        )
    _audit(actor, "special_indicator.withdraw", choice, status=choice.status)
    choice.delete()
