"""Indicator schemes (考核方案): versioned, and immutable once published.

A scheme version is edited only while it is a draft. Publishing freezes it: every write to
the scheme or anything inside it is refused by the models, the querysets, the services and,
on PostgreSQL, by triggers (see migration 0002), so no path (form, API, admin, bulk update,
raw SQL) can change a published version. "Editing" a published scheme makes a new draft
version; assessments keep pointing at the version they used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import CareerStage, OrgUnit
from organizations.tenancy import ScopePaths, TenantOwned, TenantQuerySet

POINTS: dict[str, Any] = {"max_digits": 9, "decimal_places": 2}
PERCENT: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}
VALUE: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class SchemeLockedError(ValidationError):
    """A write to a published or retired scheme version."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This scheme version is published and cannot be changed. Make a new version to edit it."
            ),
            code="scheme_locked",
        )


class Scheme(TenantOwned):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    # A family of versions shares a code; (tenant, code, version) is unique.
    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on version"),
    )
    template_code = models.CharField(_("template"), max_length=50, blank=True)
    bonus_cap = models.DecimalField(_("bonus cap (points)"), null=True, blank=True, **POINTS)
    deduction_cap = models.DecimalField(
        _("deduction cap (points)"), null=True, blank=True, **POINTS
    )
    grade_excellent_min = models.DecimalField(_("优秀 from"), default=Decimal(90), **PERCENT)
    grade_good_min = models.DecimalField(_("良好 from"), default=Decimal(80), **PERCENT)
    grade_pass_min = models.DecimalField(_("合格 from"), default=Decimal(60), **PERCENT)
    excellent_quota_percent = models.DecimalField(
        # xgettext:no-python-format
        _("优秀 quota (% of communities)"),
        null=True,
        blank=True,
        **PERCENT,
    )
    # Forced distribution for pay tiers (分档定薪), e.g. [2, 6, 2]; empty for none.
    pay_tier_shares = models.JSONField(_("pay tier shares"), default=list, blank=True)
    special_indicator_limit = models.PositiveSmallIntegerField(
        _("special indicators a community may choose"), default=5
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator scheme")
        verbose_name_plural = _("indicator schemes")
        ordering = ["-year", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code", "version"],
                name="scheme_version_unique",
                violation_error_message=_("This scheme already has a version with this number."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "code"],
                condition=models.Q(state="draft"),
                name="scheme_one_draft_per_family",
                violation_error_message=_(
                    "This scheme already has a draft version; edit that one."
                ),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "year", "state"])]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.state != self.State.DRAFT

    def _stored_state(self) -> str | None:
        if self.pk is None:
            return None
        return Scheme.objects.filter(pk=self.pk).values_list("state", flat=True).first()

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = self._stored_state()
        # The only change a locked version accepts is published → retired.
        if stored is not None and stored != self.State.DRAFT:
            allowed = stored == self.State.PUBLISHED and self.state == self.State.RETIRED
            if not allowed or kwargs.get("update_fields") not in ({"state"}, ["state"], ("state",)):
                raise SchemeLockedError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._stored_state() not in (None, self.State.DRAFT):
            raise SchemeLockedError()
        return super().delete(*args, **kwargs)


class SchemePartQuerySet(TenantQuerySet):
    """Bulk writes to parts of a scheme are refused when any row belongs to a locked version."""

    def _touches_locked(self) -> bool:
        return self.exclude(scheme__state=Scheme.State.DRAFT).exists()

    def update(self, **kwargs: Any) -> int:
        if self._touches_locked():
            raise SchemeLockedError()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_locked():
            raise SchemeLockedError()
        return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        scheme_ids = {obj.scheme_id for obj in objs}
        if Scheme.objects.filter(pk__in=scheme_ids).exclude(state=Scheme.State.DRAFT).exists():
            raise SchemeLockedError()
        return super().bulk_create(objs, *args, **kwargs)


class SchemePart(TenantOwned):
    """Anything inside a scheme version: writable only while the version is a draft."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, verbose_name=_("scheme"))

    objects = SchemePartQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        abstract = True

    def _scheme_locked(self) -> bool:
        return Scheme.objects.filter(pk=self.scheme_id).exclude(state=Scheme.State.DRAFT).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._scheme_locked():
            raise SchemeLockedError()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._scheme_locked():
            raise SchemeLockedError()
        return super().delete(*args, **kwargs)


class Category(SchemePart):
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight (%)"), **PERCENT)
    # The special-indicator category (特色指标): its pool indicators count only where chosen.
    is_special = models.BooleanField(_("special indicators"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="category_code_unique_in_scheme"
            )
        ]
        indexes = [models.Index(fields=["tenant", "scheme"])]

    def __str__(self) -> str:
        return self.name


class RaterGroup(SchemePart):
    """A rater group (评价主体), e.g. 组织评价 / 群众评议 / 专家考评, with its weight."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation (street assessors)")
        EXPERT = "expert", _("Experts")
        SELF = "self", _("Self-evaluation (the secretary)")
        RESIDENTS = "residents", _("Residents (rating campaign)")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("who rates"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION
    )
    weight = models.DecimalField(_("weight (%)"), **PERCENT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rater group")
        verbose_name_plural = _("rater groups")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="ratergroup_code_unique_in_scheme"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(SchemePart):
    class Method(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative (target and actual value)")
        QUALITATIVE = "qualitative", _("Qualitative (behaviourally anchored levels)")
        YES_NO = "yes_no", _("Done / not done")
        RESIDENT_RATING = "resident_rating", _("Resident rating (from the campaign)")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("max points"), validators=[MinValueValidator(Decimal("0.01"))], **POINTS
    )
    method = models.CharField(_("scoring method"), max_length=20, choices=Method.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.DecimalField(_("target"), null=True, blank=True, **VALUE)
    floor = models.DecimalField(
        _("zero-point value"),
        null=True,
        blank=True,
        help_text=_("The value at which the indicator earns nothing; empty for the default."),
        **VALUE,
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    rater_groups = models.ManyToManyField(
        RaterGroup,
        through="IndicatorRaterGroup",
        related_name="indicators",
        verbose_name=_("rated by"),
    )
    # Empty list: applies to all community types / career stages.
    community_types = models.JSONField(_("community types"), default=list, blank=True)
    career_stages = models.JSONField(_("career stages"), default=list, blank=True)
    # In a special category: part of the pool communities choose from.
    in_special_pool = models.BooleanField(_("in the special-indicator pool"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["category__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="indicator_code_unique_in_scheme"
            ),
            models.CheckConstraint(
                condition=models.Q(max_points__gt=0),
                name="indicator_max_points_positive",
                violation_error_message=_("Max points must be above 0."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "scheme"])]

    def __str__(self) -> str:
        return self.name


class IndicatorRaterGroup(SchemePart):
    """Which rater groups score an indicator (a through table, so it carries the tenant)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "rater_group"], name="indicator_rater_group_unique"
            )
        ]


class TargetOverride(SchemePart):
    """A different target (and zero-point value) for a community type, a career stage or both."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="target_overrides",
        verbose_name=_("indicator"),
    )
    community_type = models.CharField(
        _("community type"), max_length=20, choices=OrgUnit.CommunityType.choices, blank=True
    )
    career_stage = models.CharField(
        _("career stage"), max_length=20, choices=CareerStage.choices, blank=True
    )
    target = models.DecimalField(_("target"), **VALUE)
    floor = models.DecimalField(_("zero-point value"), null=True, blank=True, **VALUE)

    class Meta:
        verbose_name = _("target override")
        verbose_name_plural = _("target overrides")
        ordering = ["community_type", "career_stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "community_type", "career_stage"],
                name="target_override_unique",
            )
        ]


class Level(SchemePart):
    """A behaviourally anchored level (优/良/中/差): what a rater observes, and its share of points."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="levels", verbose_name=_("indicator")
    )
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=20)
    # xgettext:no-python-format
    min_percent = models.DecimalField(_("from (% of points)"), **PERCENT)
    # xgettext:no-python-format
    max_percent = models.DecimalField(_("to (% of points)"), **PERCENT)
    description = models.TextField(_("observable behaviour"))

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["-max_percent", "pk"]


class AdjustmentItem(SchemePart):
    """A bonus (加分) or deduction (扣分) item: points per occurrence, with caps; needs evidence."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("Bonus")
        DEDUCTION = "deduction", _("Deduction")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    points_per_occurrence = models.DecimalField(
        _("points per occurrence"), validators=[MinValueValidator(Decimal("0.01"))], **POINTS
    )
    cap = models.DecimalField(
        _("cap (points)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The most this item can add or take in one assessment; empty for no cap."),
        **POINTS,
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deduction_items",
        verbose_name=_("taken from indicator"),
        help_text=_("Deductions only: the points come off this indicator and stop at its zero."),
    )

    class Meta:
        verbose_name = _("bonus or deduction item")
        verbose_name_plural = _("bonus and deduction items")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="adjustment_code_unique_in_scheme"
            )
        ]

    def __str__(self) -> str:
        return self.name


class VetoItem(SchemePart):
    """A veto (一票否决): forces 不合格 whatever the score; needs evidence and a second approver."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("veto item")
        verbose_name_plural = _("veto items")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="veto_code_unique_in_scheme")
        ]

    def __str__(self) -> str:
        return self.name


class SpecialIndicatorChoice(TenantOwned):
    """A community's special indicator (特色指标) for a scheme version: one picked from the
    pool, or one the community proposed, which counts once approved."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="special_choices")
    community = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="special_choices",
        verbose_name=_("community"),
    )
    street = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    # A pool indicator, or None for a proposal described below.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="choices"
    )
    proposed_name = models.CharField(_("proposed indicator"), max_length=200, blank=True)
    proposed_description = models.TextField(_("what it measures"), blank=True)
    proposed_max_points = models.DecimalField(_("max points"), null=True, blank=True, **POINTS)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPROVED
    )
    decided_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("special indicator choice")
        verbose_name_plural = _("special indicator choices")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "community", "indicator"],
                condition=models.Q(indicator__isnull=False),
                name="special_choice_once_per_indicator",
            )
        ]
        indexes = [models.Index(fields=["tenant", "scheme", "community"])]
