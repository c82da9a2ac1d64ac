"""Cycles, assessments and score entries: what the engine scores.

Issue-level workflow (self-evaluation, appeals, rectifications) builds on these; here are
the rows the scoring engine reads: one assessment per secretary per cycle, pointing at the
exact scheme version it uses, and the raters' entries.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import VALUE, Indicator, RaterGroup, Scheme
from organizations.models import CareerStage, OrgUnit, Secretary
from organizations.tenancy import ScopePaths, TenantOwned


class Cycle(TenantOwned):
    """An assessment period: a quarterly pre-evaluation (季度预评) or the annual evaluation (年度总评)."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly pre-evaluation")
        ANNUAL = "annual", _("Annual evaluation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=100)
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("scheme")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "year", "quarter"],
                name="cycle_unique_quarter",
                condition=models.Q(quarter__isnull=False),
                violation_error_message=_("This quarter already has a cycle."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "kind", "year"],
                name="cycle_unique_year",
                condition=models.Q(quarter__isnull=True),
                violation_error_message=_("This year already has an annual cycle."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(TenantOwned):
    """One secretary in one cycle, scored against the cycle's scheme version."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SELF_EVALUATION = "self_evaluation", _("Self-evaluation")
        SCORING = "scoring", _("Scoring")
        REVIEW = "review", _("Review")
        PUBLISHED = "published", _("Published")
        APPEAL = "appeal", _("Appeal window")
        FINAL = "final", _("Final")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cycle")
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("scheme version"),
    )
    secretary = models.ForeignKey(
        Secretary, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("secretary")
    )
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("community")
    )
    street = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    # Taken when the assessment opens, so later changes to the org tree do not move a result.
    community_type = models.CharField(
        _("community type"), max_length=20, choices=OrgUnit.CommunityType.choices
    )
    career_stage = models.CharField(_("career stage"), max_length=20, choices=CareerStage.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_paths = ScopePaths(street="street_id", community="community_id", secretary="secretary_id")

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "secretary"], name="assessment_one_per_secretary_per_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "cycle", "street"]),
            models.Index(fields=["tenant", "secretary"]),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.cycle}"


class ScoreEntry(TenantOwned):
    """One rater's value for one indicator: who, when, in which rater group, with what evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+")
    # None for values filled in by the system (the resident rating campaign).
    rater = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.DecimalField(_("value"), **VALUE)
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    scope_paths = ScopePaths(street="assessment__street_id")

    class Meta:
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "rater_group", "rater"],
                name="score_entry_one_per_rater",
                condition=models.Q(rater__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["assessment", "indicator", "rater_group"],
                name="score_entry_one_system_value",
                condition=models.Q(rater__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "assessment"]),
            # Reading an assessment's entries in scoring order straight from the index
            # (an index-only scan: the value is included).
            models.Index(
                fields=["assessment", "indicator", "rater_group"],
                include=["value", "tenant"],
                name="scoreentry_scoring_order",
            ),
        ]
