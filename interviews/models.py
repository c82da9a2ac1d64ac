"""Talks (三谈): 日常谈心, 专项谈事 and 述职谈话, with the eight steps of the talk method, the
written feedback to the secretary, and the residents' demand themes found in the notes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import OrgUnit, Secretary
from organizations.tenancy import ScopePaths, TenantOwned

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Label
else:
    Label = str

DEFAULT_FEEDBACK_DAYS = 7
DEFAULT_ROUTINE_PER_QUARTER = 1

# The eight steps of the talk method, in order: (field name, label).
STEPS: tuple[tuple[str, Label], ...] = (
    ("step_background", _("Background research (背景调研)")),
    ("step_needs", _("Needs analysis (需求分析)")),
    ("step_conflicts", _("Sorting out conflicts (矛盾梳理)")),
    ("step_plan", _("Drawing up a plan (方案制定)")),
    ("step_follow_up", _("Following up on results (跟踪问效)")),
    ("step_evaluation", _("Evaluating the effect (效果评估)")),
    ("step_archive", _("Filing the case (案例归档)")),
    ("step_institution", _("Improving the rules (制度完善)")),
)
STEP_FIELDS = tuple(name for name, _label in STEPS)


class TalkPolicy(TenantOwned):
    """A tenant's talk rules: when feedback is due, how many routine talks a quarter needs."""

    feedback_due_days = models.PositiveSmallIntegerField(
        _("feedback due within (days)"), default=DEFAULT_FEEDBACK_DAYS
    )
    routine_per_quarter = models.PositiveSmallIntegerField(
        _("routine talks per community per quarter (minimum)"), default=DEFAULT_ROUTINE_PER_QUARTER
    )

    class Meta:
        verbose_name = _("talk policy")
        verbose_name_plural = _("talk policies")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="talk_policy_one_per_tenant")
        ]


class Talk(TenantOwned):
    """One talk with a community's secretary, planned or held."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine talk (日常谈心)")
        SPECIAL = "special", _("Talk on one matter (专项谈事)")
        DUTY = "duty", _("Duty-report talk (述职谈话)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="talks", verbose_name=_("community")
    )
    # The serving secretary when the talk was planned; None while the post is vacant.
    secretary = models.ForeignKey(
        Secretary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talks",
        verbose_name=_("secretary"),
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment"),
    )
    cycle = models.ForeignKey(
        "assessments.Cycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cycle"),
    )
    reason = models.TextField(_("reason"), blank=True)
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "organizations.User", through="TalkParticipant", related_name="+"
    )
    step_background = models.TextField(STEPS[0][1], blank=True)
    step_needs = models.TextField(STEPS[1][1], blank=True)
    step_conflicts = models.TextField(STEPS[2][1], blank=True)
    step_plan = models.TextField(STEPS[3][1], blank=True)
    step_follow_up = models.TextField(STEPS[4][1], blank=True)
    step_evaluation = models.TextField(STEPS[5][1], blank=True)
    step_archive = models.TextField(STEPS[6][1], blank=True)
    step_institution = models.TextField(STEPS[7][1], blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="talks/%Y/%m/", blank=True)
    feedback_due = models.DateField(_("feedback due"), null=True, blank=True)
    feedback = models.TextField(_("written feedback"), blank=True)
    feedback_on = models.DateField(_("feedback given on"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The most frequent words of the notes, filled by the extraction job.
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    scope_paths = ScopePaths(street="street_id", community="community_id", secretary="secretary_id")

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-held_on", "-planned_for", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "street", "feedback_due"]),
            models.Index(fields=["tenant", "community", "kind", "held_on"]),
            models.Index(fields=["tenant", "secretary"]),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.get_kind_display()} · {self.held_on or self.planned_for}"

    @property
    def date(self) -> dt.date | None:
        return self.held_on or self.planned_for

    def feedback_overdue(self, today: dt.date) -> bool:
        return (
            self.feedback_on is None and self.feedback_due is not None and self.feedback_due < today
        )

    @property
    def feedback_days(self) -> int | None:
        if self.feedback_on is None or self.held_on is None:
            return None
        return (self.feedback_on - self.held_on).days

    def steps(self) -> list[tuple[str, str]]:
        return [(str(label), getattr(self, name)) for name, label in STEPS]


class TalkParticipant(TenantOwned):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="participant_rows")
    user = models.ForeignKey("organizations.User", on_delete=models.PROTECT, related_name="+")

    scope_paths = ScopePaths(
        street="talk__street_id", community="talk__community_id", secretary="talk__secretary_id"
    )

    class Meta:
        verbose_name = _("talk participant")
        verbose_name_plural = _("talk participants")
        constraints = [
            models.UniqueConstraint(fields=["talk", "user"], name="talk_participant_once")
        ]


class TalkRectification(TenantOwned):
    """A rectification raised from a talk; the rectification itself lives in assessments."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="rectification_links")
    rectification = models.OneToOneField(
        "assessments.Rectification", on_delete=models.CASCADE, related_name="+"
    )

    scope_paths = ScopePaths(
        street="talk__street_id", community="talk__community_id", secretary="talk__secretary_id"
    )

    class Meta:
        verbose_name = _("rectification raised in a talk")
        verbose_name_plural = _("rectifications raised in talks")


class DemandTheme(TenantOwned):
    """A residents' demand theme (养老服务, 加装电梯 …) and the words that point to it."""

    name = models.CharField(_("name"), max_length=50)
    keywords = models.JSONField(_("keywords"), default=list)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("demand theme")
        verbose_name_plural = _("demand themes")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"],
                name="demand_theme_name_unique",
                violation_error_message=_("A theme with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class TalkTheme(TenantOwned):
    """A demand theme found in a talk's notes; one row per talk and theme."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="themes")
    theme = models.ForeignKey(DemandTheme, on_delete=models.CASCADE, related_name="+")
    # Copied from the talk so the chart aggregates without joining talks.
    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    hits = models.PositiveIntegerField(default=1)
    matched = models.JSONField(default=list)

    scope_paths = ScopePaths(
        street="street_id", community="community_id", secretary="talk__secretary_id"
    )

    class Meta:
        verbose_name = _("demand theme of a talk")
        verbose_name_plural = _("demand themes of talks")
        constraints = [
            models.UniqueConstraint(fields=["talk", "theme"], name="talk_theme_once_per_talk")
        ]
        indexes = [models.Index(fields=["tenant", "held_on", "theme"])]
