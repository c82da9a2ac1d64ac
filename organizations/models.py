from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import Actor, Role, ScopePaths, TenantOwned


class Tenant(models.Model):
    """One customer: a district or city government. Tenants never see each other's data."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Belongs to one tenant; platform superusers belong to none.

    Not under row-level security: logging in must find the user before any tenant is known.
    Every read of users goes through organizations.selectors, which filter by tenant.
    """

    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("tenant"),
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["tenant", "username"])]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.tenant_id is None and not self.is_superuser:
            raise ValidationError(
                {"tenant": _("A user who is not a platform superuser needs a tenant.")}
            )


class OrgUnit(TenantOwned):
    """A node of a tenant's org tree: district (区) → street (街道) → community (社区)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")

    class CommunityType(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")
        MOUNTAIN = "mountain", _("Mountain")

    PARENT_KIND = {Kind.DISTRICT: None, Kind.STREET: Kind.DISTRICT, Kind.COMMUNITY: Kind.STREET}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    community_type = models.CharField(
        _("community type"), max_length=20, choices=CommunityType.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"],
                name="orgunit_code_unique_in_tenant",
                violation_error_message=_("A unit with this code already exists in your tenant."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="community") & ~Q(community_type=""))
                | (~Q(kind="community") & Q(community_type="")),
                name="orgunit_community_type_only_on_communities",
            ),
            models.CheckConstraint(
                condition=Q(kind="district", parent__isnull=True)
                | (~Q(kind="district") & Q(parent__isnull=False)),
                name="orgunit_parent_required_below_district",
            ),
        ]
        indexes = [
            # With is_active, "the streets that have an active community" (the heat map's
            # pages) is read from the index alone.
            models.Index(
                fields=["tenant", "kind", "parent"], include=["is_active"], name="orgunit_tree"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, actor: Actor) -> Q:
        # Assessors and street-scoped leaders see their streets and those streets' communities;
        # a secretary sees their own community.
        if actor.whole_tenant:
            return Q()
        return (
            Q(pk__in=actor.street_ids)
            | Q(parent_id__in=actor.street_ids)
            | Q(pk__in=actor.community_ids)
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[Any]] = {}
        expected_parent = self.PARENT_KIND.get(self.Kind(self.kind)) if self.kind else None
        parent = self.parent if self.parent_id else None
        if expected_parent is None and parent is not None:
            errors.setdefault("parent", []).append(
                _("A district is the top of the tree and has no parent.")
            )
        if expected_parent is not None:
            if parent is None:
                errors.setdefault("parent", []).append(
                    _("A %(kind)s must be placed under a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": self.Kind(expected_parent).label}
                )
            elif parent.kind != expected_parent:
                errors.setdefault("parent", []).append(
                    _(
                        "A %(kind)s must be placed directly under a %(parent)s, "
                        "not under a %(given)s."
                    )
                    % {
                        "kind": self.get_kind_display(),
                        "parent": self.Kind(expected_parent).label,
                        "given": parent.get_kind_display(),
                    }
                )
        if parent is not None and self.tenant_id and parent.tenant_id != self.tenant_id:
            errors.setdefault("parent", []).append(_("The parent unit belongs to another tenant."))
        if self.kind == self.Kind.COMMUNITY and not self.community_type:
            errors.setdefault("community_type", []).append(
                _("Choose the community type (urban, rural or mountain).")
            )
        if self.kind != self.Kind.COMMUNITY and self.community_type:
            errors.setdefault("community_type", []).append(
                _("Only communities have a community type.")
            )
        if errors:
            raise ValidationError(errors)


class CareerStage(models.TextChoices):
    """The secretary's career stage, from the years since taking office."""

    ADAPTATION = "adaptation", _("Adaptation (years 1-2)")
    GROWTH = "growth", _("Growth (years 3-5)")
    BREAKTHROUGH = "breakthrough", _("Breakthrough (over 5 years)")


def career_stage_on(took_office: dt.date, on: dt.date) -> CareerStage:
    """入职适应期 is the first and second year in office, 能力提升期 the third to fifth,
    创新突破期 from the sixth year on. A year counts once its anniversary has passed."""
    completed = (
        on.year - took_office.year - ((on.month, on.day) < (took_office.month, took_office.day))
    )
    if completed < 2:
        return CareerStage.ADAPTATION
    if completed < 5:
        return CareerStage.GROWTH
    return CareerStage.BREAKTHROUGH


class Secretary(TenantOwned):
    """A community party secretary (社区书记): the person being assessed."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="secretary", verbose_name=_("user")
    )
    community = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="secretaries",
        verbose_name=_("community"),
        limit_choices_to={"kind": OrgUnit.Kind.COMMUNITY},
    )
    took_office = models.DateField(_("took office on"))
    left_office = models.DateField(_("left office on"), null=True, blank=True)

    scope_paths = ScopePaths(street="community__parent_id", secretary="pk")

    class Meta:
        verbose_name = _("secretary")
        verbose_name_plural = _("secretaries")
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(left_office__isnull=True),
                name="secretary_one_serving_per_community",
                violation_error_message=_("This community already has a serving secretary."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "community"])]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def career_stage(self) -> CareerStage:
        return career_stage_on(self.took_office, timezone.localdate())

    def clean(self) -> None:
        super().clean()
        if self.community_id and self.community.kind != OrgUnit.Kind.COMMUNITY:
            raise ValidationError(
                {"community": _("A secretary leads a community, not a street or district.")}
            )
        if self.tenant_id and self.community_id and self.community.tenant_id != self.tenant_id:
            raise ValidationError({"community": _("The community belongs to another tenant.")})
        if self.tenant_id and self.user_id and self.user.tenant_id != self.tenant_id:
            raise ValidationError({"user": _("The user belongs to another tenant.")})
        if self.left_office and self.left_office < self.took_office:
            raise ValidationError(
                {"left_office": _("Leaving office cannot come before taking office.")}
            )


class Membership(TenantOwned):
    """A role a user holds in their tenant, over a unit of the org tree where the role needs one."""

    # Which kind of unit each role is scoped to; None means the role spans the tenant.
    UNIT_KINDS: dict[str, tuple[str | None, ...]] = {
        Role.TENANT_ADMIN: (None,),
        Role.DISTRICT_LEADER: (None, OrgUnit.Kind.DISTRICT),
        Role.STREET_ASSESSOR: (OrgUnit.Kind.STREET,),
        Role.EXPERT: (None,),
        Role.SECRETARY: (OrgUnit.Kind.COMMUNITY,),
    }

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("scope unit"),
    )
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="membership_unique_role_unit",
                violation_error_message=_("This user already holds this role over this unit."),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_role_tenant_wide",
                violation_error_message=_("This user already holds this role."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "user"])]

    def __str__(self) -> str:
        scope = f" · {self.unit}" if self.unit_id else ""
        return f"{self.user} · {self.get_role_display()}{scope}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[Any]] = {}
        if self.user_id and self.tenant_id and self.user.tenant_id != self.tenant_id:
            errors.setdefault("user", []).append(
                _("This user belongs to another tenant; a user can hold roles in one tenant only.")
            )
        unit = self.unit if self.unit_id else None
        if unit is not None and self.tenant_id and unit.tenant_id != self.tenant_id:
            errors.setdefault("unit", []).append(_("The scope unit belongs to another tenant."))
        if self.role:
            allowed = self.UNIT_KINDS[self.role]
            kind = unit.kind if unit is not None else None
            if kind not in allowed:
                errors.setdefault("unit", []).append(self._unit_kind_message(allowed))
        if errors:
            raise ValidationError(errors)

    def _unit_kind_message(self, allowed: tuple[str | None, ...]) -> str:
        role = self.get_role_display()
        if allowed == (None,):
            return str(
                _("The role %(role)s covers the whole tenant; leave the scope unit empty.")
                % {"role": role}
            )
        kinds = " / ".join(str(OrgUnit.Kind(kind).label) for kind in allowed if kind)
        if None in allowed:
            return str(
                _("The role %(role)s is scoped to a %(kinds)s, or to the whole tenant.")
                % {"role": role, "kinds": kinds}
            )
        return str(
            _("The role %(role)s must be scoped to a %(kinds)s.") % {"role": role, "kinds": kinds}
        )
