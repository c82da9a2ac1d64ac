"""Cycles, assessments and score entries: what the engine scores.

Issue-level workflow (self-evaluation, appeals, rectifications) builds on these; here are
the rows the scoring engine reads: one assessment per secretary per cycle, pointing at the
exact scheme version it uses, and the raters' entries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import VALUE, Indicator, RaterGroup, Scheme
from organizations.models import CareerStage, OrgUnit, Secretary
from organizations.tenancy import Actor, Role, ScopePaths, TenantOwned


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
    # An annual evaluation may fold in the year's quarterly pre-evaluations:
    # total = annual x (100 - share)% + mean of the quarters x share%.
    quarters_share = models.PositiveSmallIntegerField(
        _("share of the quarters (%)"),
        default=0,
        help_text=_(
            "Annual cycles only: the part of the annual total that the mean of the year's quarterly results makes up."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarters_share=0) | Q(kind="annual", quarters_share__lte=100),
                name="cycle_quarters_share_annual",
                violation_error_message=_(
                    "Only an annual cycle folds in the quarters, with a share of 0-100 %."
                ),
            ),
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

    # The states in which a secretary sees the numbers of their own assessment: before
    # publication the scores are still being entered and reviewed.
    SHOWN_TO_SECRETARY = (State.PUBLISHED, State.APPEAL, State.FINAL)

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
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    appeal_deadline = models.DateField(_("appeals until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_paths = ScopePaths(street="street_id", community="community_id", secretary="secretary_id")

    @classmethod
    def scope_filter(cls, actor: Actor) -> Q:
        # Experts see the assessments assigned to them, besides what their other roles show.
        condition = super().scope_filter(actor)
        if actor.has_role(Role.EXPERT) and not actor.whole_tenant:
            # A subquery, not a join: a join would repeat an assessment once per assignment.
            assigned = ExpertAssignment.objects.filter(expert_id=actor.user_id).values(
                "assessment_id"
            )
            condition |= Q(pk__in=assigned)
        return condition

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "secretary"], name="assessment_one_per_secretary_per_cycle"
            )
        ]
        indexes = [
            # The assessment list's order (newest cycle first, street by street), which
            # also serves every lookup by cycle and street.
            models.Index(
                fields=["tenant", "-cycle", "street", "community"], name="assessment_list_order"
            ),
            models.Index(fields=["tenant", "secretary"]),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.cycle}"


class ScoreEntry(TenantOwned):
    """One rater's value for one indicator: who, when, in which rater group, with what evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    rater_group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+")
    # The person whose judgement this is. None where the group gives one collective value:
    # the street office's organisation score (any of its assessors edits it), or the value
    # the resident rating campaign fills in.
    rater = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        "organizations.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    value = models.DecimalField(_("value"), **VALUE)
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Bumped on every change: a save that names an older version is a conflict, not a
    # silent overwrite of someone else's score.
    version = models.PositiveIntegerField(default=1)

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


class ExpertAssignment(TenantOwned):
    """An expert scores only the assessments assigned to them."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="expert_assignments"
    )
    expert = models.ForeignKey("organizations.User", on_delete=models.PROTECT, related_name="+")

    scope_paths = ScopePaths(street="assessment__street_id", secretary="assessment__secretary_id")

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "expert"], name="expert_assigned_once")
        ]


class SelfEvaluation(TenantOwned):
    """The secretary's self-evaluation (自评) and duty report (述职报告)."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="self_evaluation"
    )
    summary = models.TextField(_("self-evaluation"))
    duty_report = models.TextField(_("duty report (述职报告)"))
    attachment = models.FileField(_("attachment"), upload_to="duty-reports/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    scope_paths = ScopePaths(street="assessment__street_id", secretary="assessment__secretary_id")

    class Meta:
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")


class AdjustmentRecord(TenantOwned):
    """A bonus or deduction item applied to an assessment, with the evidence for it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="adjustments")
    item = models.ForeignKey(
        "indicators.AdjustmentItem", on_delete=models.PROTECT, related_name="+"
    )
    occurrences = models.PositiveSmallIntegerField(_("occurrences"), default=1)
    note = models.TextField(_("what happened"))
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/")
    created_by = models.ForeignKey("organizations.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_paths = ScopePaths(street="assessment__street_id", secretary="assessment__secretary_id")

    class Meta:
        verbose_name = _("bonus or deduction")
        verbose_name_plural = _("bonuses and deductions")
        ordering = ["pk"]


class VetoRecord(TenantOwned):
    """A veto (一票否决) proposed with evidence; it counts only once a second person approves it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="vetoes")
    item = models.ForeignKey("indicators.VetoItem", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_paths = ScopePaths(street="assessment__street_id", secretary="assessment__secretary_id")

    class Meta:
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("proposed_by")),
                name="veto_second_approver",
                violation_error_message=_(
                    "A veto is approved by someone other than who proposed it."
                ),
            )
        ]


class Result(TenantOwned):
    """An assessment's result as the engine computed it from the stored entries."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    base_total = models.DecimalField(_("before adjustments"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    complete = models.BooleanField(_("complete"))
    vetoed = models.BooleanField(_("vetoed"), default=False)
    categories = models.JSONField(_("category subtotals"), default=dict)
    missing = models.PositiveIntegerField(_("missing entries"), default=0)
    rank_in_street = models.PositiveIntegerField(_("rank in street"), null=True, blank=True)
    rank_in_tenant = models.PositiveIntegerField(_("rank in tenant"), null=True, blank=True)
    pay_tier = models.PositiveSmallIntegerField(_("pay tier"), null=True, blank=True)
    quota_review = models.BooleanField(_("优秀 quota tie, to review"), default=False)
    # Annual results folding in the quarters: the annual evaluation's own total and the
    # mean of the quarterly totals it was folded with (see Cycle.quarters_share).
    own_total = models.DecimalField(
        _("annual evaluation alone"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    quarters_mean = models.DecimalField(
        _("mean of the quarters"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    quarters_folded = models.PositiveSmallIntegerField(_("quarters folded in"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    scope_paths = ScopePaths(street="street_id", secretary="assessment__secretary_id")

    @classmethod
    def scope_filter(cls, actor: Actor) -> Q:
        """As for every row of an assessment, except that a secretary sees their own result
        only once the street has published it, not while it is being scored."""
        if actor.whole_tenant:
            return Q()
        condition = Q(pk__in=[])
        if actor.street_ids:
            condition |= Q(street_id__in=actor.street_ids)
        if actor.secretary_ids:
            condition |= Q(
                assessment__secretary_id__in=actor.secretary_ids,
                assessment__state__in=Assessment.SHOWN_TO_SECRETARY,
            )
        return condition

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        indexes = [models.Index(fields=["tenant", "street"])]

    @property
    def grade_label(self) -> str:
        from indicators.presentation import grade_label

        return grade_label(self.grade)


class Appeal(TenantOwned):
    """An appeal (申诉, 三审三改) against one indicator's score, reviewed at up to three levels."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under review")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="appeals")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="appeals/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    level = models.PositiveSmallIntegerField(_("review level"), default=1)
    filed_by = models.ForeignKey("organizations.User", on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)

    scope_paths = ScopePaths(street="assessment__street_id", secretary="assessment__secretary_id")

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["pk"]


class AppealReview(TenantOwned):
    class Decision(models.TextChoices):
        UPHOLD = "uphold", _("Uphold and correct")
        REJECT = "reject", _("Reject")
        ESCALATE = "escalate", _("Send to the next level")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="reviews")
    level = models.PositiveSmallIntegerField(_("level"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("reasoning"))
    corrected_value = models.DecimalField(_("corrected value"), null=True, blank=True, **VALUE)
    reviewer = models.ForeignKey("organizations.User", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    scope_paths = ScopePaths(
        street="appeal__assessment__street_id", secretary="appeal__assessment__secretary_id"
    )

    class Meta:
        verbose_name = _("appeal review")
        verbose_name_plural = _("appeal reviews")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "level"], name="appeal_review_once_per_level")
        ]


class Rectification(TenantOwned):
    """A problem to put right (整改 / 问题清单), with an owner, a deadline and evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Marked done")
        ACCEPTED = "accepted", _("Accepted")

    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="rectifications")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="rectifications"
    )
    source = models.CharField(_("raised from"), max_length=20, default="assessment")
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    evidence = models.FileField(_("evidence"), upload_to="rectifications/%Y/%m/", blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    scope_paths = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["tenant", "street", "status"])]


class JobProgress(TenantOwned):
    """A background job's progress, for the progress bar (opening a cycle, recomputing)."""

    key = models.CharField(max_length=100)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    finished = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="job_progress_key_unique")
        ]
