"""Resident ratings (群众评议): campaigns, household cards, anonymous answers, complaints.

Anonymity by construction (as in EvaP): ``Response`` and ``Answer`` carry no link to the
card or the device that submitted them. Their primary keys are random UUIDs (a sequence
would give away the order of submission, which ``UsedCard`` order could be matched
against), and they keep only the date of submission. Which cards were used is recorded
apart in ``UsedCard``, with no time at all.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import OrgUnit
from organizations.tenancy import ScopePaths, TenantOwned, tenant_field


def default_questions() -> list[dict[str, str]]:
    """The default questionnaire: five questions scored 1-5 (labels in Chinese, as printed)."""
    return [
        {"key": "attitude", "label": "服务态度"},
        {"key": "efficiency", "label": "办事效率"},
        {"key": "environment", "label": "居住环境"},
        {"key": "safety", "label": "社区安全"},
        {"key": "overall", "label": "总体评价"},
    ]


# The default questions in the reader's language (their Chinese is the printed label).
DEFAULT_QUESTION_LABELS = {
    "attitude": _("Service attitude"),
    "efficiency": _("Efficiency"),
    "environment": _("Living environment"),
    "safety": _("Community safety"),
    "overall": _("Overall"),
}


def question_label(question: dict[str, str]) -> str:
    """A question as the reader reads it: a default question that kept its printed label in
    the reader's language; a tenant's own wording as the tenant wrote it."""
    printed = {q["key"]: q["label"] for q in default_questions()}
    if printed.get(question["key"]) == question["label"]:
        return str(DEFAULT_QUESTION_LABELS[question["key"]])
    return question["label"]


class RatingSettings(TenantOwned):
    """A tenant's rating settings: questionnaire, minimum responses, open-link limit and
    the paradox-check thresholds. Without a row the defaults below apply."""

    questions = models.JSONField(_("questions"), default=default_questions)
    min_responses = models.PositiveIntegerField(_("minimum responses for results"), default=30)
    open_limit = models.PositiveIntegerField(
        _("open-link submissions per device and hour"), default=3
    )
    paradox_satisfaction = models.DecimalField(
        _("paradox: satisfaction at or above"), max_digits=5, decimal_places=2, default=85
    )
    paradox_complaints = models.PositiveIntegerField(
        _("paradox: hotline complaints per quarter at or above"), default=20
    )

    def clean(self) -> None:
        super().clean()
        questions = self.questions
        keys = (
            [q.get("key") for q in questions if isinstance(q, dict)]
            if isinstance(questions, list)
            else []
        )
        if (
            not 1 <= len(keys) <= 10
            or len(keys) != len(questions)
            or len(set(keys)) != len(keys)
            or not all(isinstance(q.get("label"), str) and q["label"].strip() for q in questions)
            or not all(isinstance(key, str) and key.isidentifier() for key in keys)
        ):
            raise ValidationError(
                {
                    "questions": _(
                        'Give 1 to 10 questions as [{"key": "attitude", "label": "服务态度"}, …] with distinct keys.'
                    )
                }
            )

    class Meta:
        verbose_name = _("rating settings")
        verbose_name_plural = _("rating settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="ratingsettings_one_per_tenant")
        ]


class Campaign(TenantOwned):
    """One community's rating campaign in one assessment cycle."""

    cycle = models.ForeignKey(
        "assessments.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle")
    )
    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    street = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    # Taken from the tenant's settings when the campaign opens, so later edits do not
    # change what earlier answers meant.
    questions = models.JSONField(_("questions"), default=default_questions)
    min_responses = models.PositiveIntegerField(_("minimum responses for results"), default=30)
    closes_on = models.DateField(_("closes on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_paths = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("rating campaign")
        verbose_name_plural = _("rating campaigns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "community"],
                name="campaign_one_per_community_per_cycle",
                violation_error_message=_("This community already has a campaign in this cycle."),
            )
        ]
        indexes = [models.Index(fields=["tenant", "cycle", "community"])]

    def __str__(self) -> str:
        return f"{self.community} · {self.cycle}"

    @property
    def question_keys(self) -> list[str]:
        return [question["key"] for question in self.questions]

    def is_open(self) -> bool:
        return timezone.localdate() <= self.closes_on


class CardBatch(TenantOwned):
    """A bulk print of household cards. Cards are not stored: card n of a batch is a signed
    token naming the batch and n, so the batch can be printed again identically."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    count = models.PositiveIntegerField(
        _("cards"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    expires_on = models.DateField(_("valid until"))
    created_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_paths = ScopePaths(street="campaign__street_id", community="campaign__community_id")

    class Meta:
        verbose_name = _("card batch")
        verbose_name_plural = _("card batches")
        ordering = ["pk"]
        indexes = [models.Index(fields=["tenant", "campaign"])]


class UsedCard(TenantOwned):
    """A card that has been used. The unique constraint is what makes a card count once,
    even under concurrent submits. Deliberately no timestamp: see the module docstring."""

    # Written on every card submission: the (tenant, campaign) index and the unique
    # (batch, number) serve every read, so no single-column index on these keys.
    tenant = tenant_field(db_index=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    batch = models.ForeignKey(CardBatch, on_delete=models.CASCADE, related_name="+", db_index=False)
    number = models.PositiveIntegerField()

    scope_paths = ScopePaths(street="campaign__street_id", community="campaign__community_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="usedcard_once_per_card")
        ]
        indexes = [models.Index(fields=["tenant", "campaign"])]


class Response(TenantOwned):
    """One resident's submission: no card, no device, no time of day (see module docstring).

    The free-text suggestion lives here with its screening and the community's answer.
    """

    class Channel(models.TextChoices):
        CARD = "card", _("Household card")
        OPEN = "open", _("Open community link (lower trust)")

    class Screening(models.TextChoices):
        NONE = "none", _("No suggestion")
        PENDING = "pending", _("Awaiting screening")
        RELEASED = "released", _("Released to the community")
        HIDDEN = "hidden", _("Hidden")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Every read of this busy table names the tenant (RLS adds it to each query) and the
    # campaign, so the (tenant, campaign, …) index below serves them all; single-column
    # indexes on either would only slow down each resident's submission.
    tenant = tenant_field(db_index=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_on = models.DateField(_("submitted on"), default=timezone.localdate)
    suggestion = models.TextField(_("suggestion"), blank=True)
    substantive = models.BooleanField(_("substantive suggestion"), default=False)
    screening = models.CharField(
        _("screening"), max_length=10, choices=Screening.choices, default=Screening.NONE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    screened_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    reply = models.TextField(_("community's answer"), blank=True)
    replied_by = models.ForeignKey(
        "organizations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    scope_paths = ScopePaths(street="campaign__street_id", community="campaign__community_id")

    class Meta:
        verbose_name = _("rating response")
        verbose_name_plural = _("rating responses")
        indexes = [models.Index(fields=["tenant", "campaign", "screening"])]


class Answer(TenantOwned):
    """One question's score (1-5) in one response; UUID key for the same reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Every read of this busy table names the tenant (RLS adds it to each query) and the
    # campaign, so the (tenant, campaign, …) index below serves them all; single-column
    # indexes on either would only slow down each resident's submission.
    tenant = tenant_field(db_index=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=30)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    channel = models.CharField(max_length=10, choices=Response.Channel.choices)

    scope_paths = ScopePaths(street="campaign__street_id", community="campaign__community_id")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="answer_score_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["tenant", "campaign", "channel", "question"])]


class ComplaintCount(TenantOwned):
    """12345-hotline complaints about one community in one quarter (imported)."""

    community = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    street = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    count = models.PositiveIntegerField(_("complaints"))

    scope_paths = ScopePaths(street="street_id", community="community_id")

    class Meta:
        verbose_name = _("hotline complaint count")
        verbose_name_plural = _("hotline complaint counts")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "community", "year", "quarter"],
                name="complaintcount_one_per_quarter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}Q{self.quarter}: {self.count}"
