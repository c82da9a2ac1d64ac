"""Warnings (三色预警), the thresholds that raise them, the incident register and the
circuit breaker's follow-ups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.engine import Level as EngineLevel
from alerts.engine import Rule as EngineRule
from alerts.engine import Thresholds
from organizations.models import OrgUnit
from organizations.tenancy import ScopePaths, TenantOwned

PERCENT: dict[str, Any] = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
DEFAULTS = Thresholds()


class Level(models.TextChoices):
    RED = EngineLevel.RED.value, _("Red: major risk")
    YELLOW = EngineLevel.YELLOW.value, _("Yellow: potential problem")
    BLUE = EngineLevel.BLUE.value, _("Blue: routine reminder")


class Rule(models.TextChoices):
    VETO = EngineRule.VETO.value, _("Veto item")
    LOW_TOTAL = EngineRule.LOW_TOTAL.value, _("Total below the pass mark")
    SERIOUS_INCIDENT = EngineRule.SERIOUS_INCIDENT.value, _("Serious incident")
    CATEGORY_BELOW = EngineRule.CATEGORY_BELOW.value, _("Category below its threshold")
    QUARTER_DROP = EngineRule.QUARTER_DROP.value, _("Drop against the last quarter")
    RECTIFICATION_OVERDUE = EngineRule.RECTIFICATION_OVERDUE.value, _("Rectification overdue")
    LOW_SATISFACTION = EngineRule.LOW_SATISFACTION.value, _("Low resident satisfaction")
    FEEDBACK_OVERDUE = EngineRule.FEEDBACK_OVERDUE.value, _("Talk feedback overdue")
    MISSING_SCORES = EngineRule.MISSING_SCORES.value, _("Scores missing near the deadline")
    RECTIFICATION_DUE = EngineRule.RECTIFICATION_DUE.value, _("Rectification due soon")
    NO_ROUTINE_TALK = EngineRule.NO_ROUTINE_TALK.value, _("No routine talk this quarter")


class ThresholdSet(TenantOwned):
    """A tenant's warning thresholds, edited by its admins; one row per tenant."""

    pass_mark = models.DecimalField(_("pass mark"), default=DEFAULTS.pass_mark, **PERCENT)
    category_min_percent = models.DecimalField(
        _("category minimum, in per cent of its weight"),
        default=DEFAULTS.category_min_percent,
        **PERCENT,
    )
    quarter_drop_points = models.DecimalField(
        _("drop against the last quarter (points)"), default=DEFAULTS.quarter_drop_points, **PERCENT
    )
    satisfaction_min = models.DecimalField(
        _("minimum resident satisfaction, in per cent"),
        default=DEFAULTS.satisfaction_min,
        **PERCENT,
    )
    feedback_overdue_min = models.PositiveSmallIntegerField(
        _("overdue talk feedbacks that raise a warning"), default=DEFAULTS.feedback_overdue_min,
        validators=[MinValueValidator(1)],
    )  # fmt: skip
    routine_talks_min = models.PositiveSmallIntegerField(
        _("routine talks expected per quarter"), default=DEFAULTS.routine_talks_min
    )
    missing_scores_days = models.PositiveSmallIntegerField(
        _("days before a cycle ends to remind of missing scores"),
        default=DEFAULTS.missing_scores_days, validators=[MaxValueValidator(90)],
    )  # fmt: skip
    rectification_due_days = models.PositiveSmallIntegerField(
        _("days before a rectification deadline to remind"),
        default=DEFAULTS.rectification_due_days, validators=[MaxValueValidator(90)],
    )  # fmt: skip
    breaker_quarters = models.PositiveSmallIntegerField(
        _("consecutive quarters that trip the circuit breaker"),
        default=DEFAULTS.breaker_quarters, validators=[MinValueValidator(2), MaxValueValidator(8)],
    )  # fmt: skip
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("warning thresholds")
        verbose_name_plural = _("warning thresholds")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="threshold_set_one_per_tenant")
        ]

    def as_thresholds(self) -> Thresholds:
        return Thresholds(
            pass_mark=Decimal(self.pass_mark), category_min_percent=Decimal(self.category_min_percent),
            quarter_drop_points=Decimal(self.quarter_drop_points), satisfaction_min=Decimal(self.satisfaction_min),
            feedback_overdue_min=self.feedback_overdue_min, routine_talks_min=self.routine_talks_min,
            missing_scores_days=self.missing_scores_days, rectification_due_days=self.rectification_due_days,
            breaker_quarters=self.breaker_quarters,
        )  # fmt: skip


class Incident(TenantOwned):
    """The incident register: events that raise a red warning when serious (food safety,
    mass petitions, epidemic handling …)."""

    class Kind(models.TextChoices):
        FOOD_SAFETY = "food_safety", _("Food safety")
        MASS_PETITION = "mass_petition", _("Mass petition")
        EPIDEMIC = "epidemic", _("Epidemic handling")
        SAFETY = "safety", _("Safety accident")
        OTHER = "other", _("Other")

    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("what happened"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    occurred_on = models.DateField(_("occurred on"))
    serious = models.BooleanField(_("serious"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_paths = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["tenant", "closed_on"])]

    def __str__(self) -> str:
        return self.title


class Alert(TenantOwned):
    """One warning: one rule × subject × period, updated by each evaluation, never duplicated."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        HANDLED = "handled", _("Handled")
        RESOLVED = "resolved", _("Resolved")

    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    subject = models.CharField(max_length=60, blank=True)
    period = models.CharField(_("quarter"), max_length=6)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    facts = models.JSONField(_("facts"), default=dict)
    # What caused it.
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rectification = models.ForeignKey(
        "assessments.Rectification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="warnings"
    )
    # The rectification raised for it.
    raised_rectification = models.ForeignKey(
        "assessments.Rectification", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("rectification raised"),
    )  # fmt: skip
    first_seen_on = models.DateField(_("first seen"))
    last_seen_on = models.DateField(_("last seen"))
    acknowledged_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(_("how it was handled"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="warnings/%Y/%m/", blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    # Set when a person resolved it: the job then leaves it resolved.
    resolved_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_paths = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-period", "rule", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rule", "community", "subject", "period"],
                name="warning_one_per_rule_subject_period",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "level"]),
            models.Index(fields=["tenant", "period", "community"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.period}"


class Escalation(TenantOwned):
    """The circuit breaker (熔断) tripped for a community: leaders were told and a special
    talk (专项谈事) is to be scheduled."""

    class Status(models.TextChoices):
        TO_SCHEDULE = "to_schedule", _("Special talk to schedule")
        SCHEDULED = "scheduled", _("Special talk scheduled")

    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    period = models.CharField(_("last quarter of the run"), max_length=6)
    quarters = models.PositiveSmallIntegerField(_("consecutive quarters"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TO_SCHEDULE
    )
    # The talk once scheduled (interviews), kept as an id so this app does not depend on it.
    talk_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    scope_paths = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("circuit breaker escalation")
        verbose_name_plural = _("circuit breaker escalations")
        ordering = ["-period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "community", "period"], name="escalation_one_per_run"
            )
        ]
