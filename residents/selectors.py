"""Reads of resident ratings: scoped campaigns and suggestions, statistics, the
satisfaction index per community (for warnings and the assessment) and paradox flags."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from assessments.models import Cycle
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor, Role
from residents import rules
from residents.models import (
    Answer,
    Campaign,
    CardBatch,
    ComplaintCount,
    RatingSettings,
    Response,
    question_label,
)

CARD, OPEN = Response.Channel.CARD, Response.Channel.OPEN


def settings_for(tenant_id: int) -> RatingSettings:
    """The tenant's settings, or the defaults (unsaved) when it has none."""
    found = RatingSettings.objects.filter(tenant_id=tenant_id).first()
    return found if found is not None else RatingSettings(tenant_id=tenant_id)


def campaign_list_for_actor(*, actor: Actor | None) -> QuerySet[Campaign]:
    return Campaign.objects.for_actor(actor).select_related("cycle", "community", "street")


def campaign_get_for_actor(*, actor: Actor | None, pk: int) -> Campaign:
    return get_scoped_or_404(campaign_list_for_actor(actor=actor), pk=pk)


def batch_list(*, campaign: Campaign) -> QuerySet[CardBatch]:
    return CardBatch.objects.filter(tenant_id=campaign.tenant_id, campaign=campaign)


def may_screen(actor: Actor, campaign: Campaign) -> bool:
    """Assessors of the campaign's street and tenant admins screen suggestions."""
    return actor.has_role(Role.TENANT_ADMIN) or (
        actor.has_role(Role.STREET_ASSESSOR) and campaign.street_id in actor.street_ids
    )


def suggestion_list_for_actor(*, actor: Actor, campaign: Campaign) -> QuerySet[Response]:
    """Suggestions of a campaign: all of them for who screens, the released ones otherwise
    (the secretary sees nothing an assessor has not looked at)."""
    rows = Response.objects.for_actor(actor).filter(campaign=campaign)
    if may_screen(actor, campaign):
        rows = rows.exclude(screening=Response.Screening.NONE)
    else:
        rows = rows.filter(screening=Response.Screening.RELEASED)
    # UUID keys carry no order; the date (and the screening state) is all there is.
    return rows.order_by("-submitted_on", "screening", "id")


def suggestion_get_for_actor(*, actor: Actor, campaign: Campaign, pk: str) -> Response:
    return get_scoped_or_404(suggestion_list_for_actor(actor=actor, campaign=campaign), pk=pk)


@dataclass
class ChannelStats:
    responses: int = 0
    # question key -> index (0-100), None where the question has no answers.
    questions: dict[str, Decimal | None] = field(default_factory=dict)
    index: Decimal | None = None


@dataclass
class CampaignStats:
    min_responses: int
    cards_issued: int
    card: ChannelStats
    open: ChannelStats
    response_rate: Decimal | None
    suggestions: int
    substantive: int
    substantive_share: Decimal | None
    awaiting_screening: int
    released: int
    answered: int
    mean_answer_hours: Decimal | None
    labels: list[tuple[str, str]] = field(default_factory=list)

    @property
    def question_rows(self) -> list[tuple[str, Decimal | None, Decimal | None]]:
        return [
            (label, self.card.questions.get(key), self.open.questions.get(key))
            for key, label in self.labels
        ]

    @property
    def shown(self) -> bool:
        """Results are shown only from the minimum number of household-card responses."""
        return self.card.responses >= self.min_responses


def _channel_stats(campaign: Campaign, counts: dict[str, int], sums: dict[tuple[str, str], tuple[int, int]], channel: str) -> ChannelStats:  # fmt: skip
    questions = {
        key: rules.question_index(*sums.get((channel, key), (0, 0)))
        for key in campaign.question_keys
    }
    return ChannelStats(
        responses=counts.get(channel, 0),
        questions=questions,
        index=rules.campaign_index(questions.values()),
    )


def campaign_stats(*, campaign: Campaign) -> CampaignStats:
    """Live statistics of one campaign in four queries."""
    sums = {
        (row["channel"], row["question"]): (row["total"], row["n"])
        for row in Answer.objects.filter(tenant_id=campaign.tenant_id, campaign=campaign)
        .values("channel", "question")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by()
    }
    responses = Response.objects.filter(tenant_id=campaign.tenant_id, campaign=campaign)
    counts = dict(responses.values_list("channel").annotate(n=Count("id")).order_by())
    Screening = Response.Screening
    text = responses.aggregate(
        suggestions=Count("id", filter=~Q(screening=Screening.NONE)),
        substantive=Count("id", filter=Q(substantive=True)),
        awaiting=Count("id", filter=Q(screening=Screening.PENDING)),
        released=Count("id", filter=Q(screening=Screening.RELEASED)),
        answered=Count("id", filter=Q(replied_at__isnull=False)),
    )
    answer_seconds = [
        (replied - released).total_seconds()
        for released, replied in responses.filter(
            replied_at__isnull=False, released_at__isnull=False
        ).values_list("released_at", "replied_at")
    ]
    cards_issued = batch_list(campaign=campaign).aggregate(n=Sum("count"))["n"] or 0
    card = _channel_stats(campaign, counts, sums, CARD)
    return CampaignStats(
        min_responses=campaign.min_responses,
        cards_issued=cards_issued,
        card=card,
        open=_channel_stats(campaign, counts, sums, OPEN),
        response_rate=rules.share(card.responses, cards_issued),
        suggestions=text["suggestions"],
        substantive=text["substantive"],
        substantive_share=rules.share(text["substantive"], text["suggestions"]),
        awaiting_screening=text["awaiting"],
        released=text["released"],
        answered=text["answered"],
        mean_answer_hours=(
            Decimal(sum(answer_seconds) / len(answer_seconds) / 3600).quantize(rules.TWO)
            if answer_seconds
            else None
        ),
        labels=[(question["key"], question_label(question)) for question in campaign.questions],
    )


def question_indices_by_campaign(
    *, tenant_id: int, campaign_ids: list[int]
) -> dict[int, tuple[int, dict[str, Decimal | None]]]:
    """Household-card responses and per-question indices for many campaigns, in two queries.

    Only household cards count: open-link answers cannot be verified as one per household,
    so they are reported apart and never feed a result.
    """
    sums: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for campaign_id, question, total, n in (
        Answer.objects.filter(tenant_id=tenant_id, campaign_id__in=campaign_ids, channel=CARD)
        .values_list("campaign_id", "question")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by()
    ):
        sums[campaign_id][question] = (total, n)
    counts = dict(
        Response.objects.filter(tenant_id=tenant_id, campaign_id__in=campaign_ids, channel=CARD)
        .values_list("campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        campaign_id: (
            counts.get(campaign_id, 0),
            {key: rules.question_index(total, n) for key, (total, n) in sums[campaign_id].items()},
        )
        for campaign_id in campaign_ids
    }


def satisfaction_by_community(*, tenant_id: int, cycle_id: int) -> dict[int, Decimal | None]:
    """The satisfaction index (0-100) of each community with a campaign in the cycle, keyed
    by community id; None where household-card responses are below the minimum. Three
    queries whatever the number of communities. The caller sets the RLS tenant."""
    campaigns = list(
        Campaign.objects.filter(tenant_id=tenant_id, cycle_id=cycle_id).values_list(
            "pk", "community_id", "min_responses", "questions"
        )
    )
    indices = question_indices_by_campaign(
        tenant_id=tenant_id, campaign_ids=[pk for pk, *_ in campaigns]
    )
    result: dict[int, Decimal | None] = {}
    for pk, community_id, minimum, questions in campaigns:
        responses, by_question = indices[pk]
        keys = [question["key"] for question in questions]
        result[community_id] = (
            rules.campaign_index(by_question.get(key) for key in keys)
            if responses >= minimum and responses > 0
            else None
        )
    return result


@dataclass(frozen=True)
class ParadoxRow:
    campaign: Campaign
    satisfaction: Decimal | None
    complaints: int | None
    flagged: bool


def paradox_rows(*, actor: Actor, cycle: Cycle) -> list[ParadoxRow]:
    """High satisfaction and many hotline complaints in the same period, side by side.

    The period of a quarterly cycle is its quarter; of an annual cycle, the quarterly
    average of its year. Thresholds come from the tenant's settings.
    """
    settings = settings_for(actor.tenant_id)
    campaigns = list(campaign_list_for_actor(actor=actor).filter(cycle=cycle).order_by("pk"))
    satisfaction = satisfaction_by_community(tenant_id=actor.tenant_id, cycle_id=cycle.pk)
    complaints = ComplaintCount.objects.for_actor(actor).filter(year=cycle.year)
    if cycle.quarter:
        complaints = complaints.filter(quarter=cycle.quarter)
    per_community: dict[int, list[int]] = defaultdict(list)
    for community_id, count in complaints.values_list("community_id", "count"):
        per_community[community_id].append(count)
    rows = []
    for campaign in campaigns:
        counts = per_community.get(campaign.community_id)
        count = round(sum(counts) / len(counts)) if counts else None
        index = satisfaction.get(campaign.community_id)
        flagged = (
            index is not None
            and count is not None
            and index >= settings.paradox_satisfaction
            and count >= settings.paradox_complaints
        )
        rows.append(ParadoxRow(campaign, index, count, flagged))
    return sorted(rows, key=lambda row: (not row.flagged, row.campaign.community.name))


def may_import(actor: Actor) -> bool:
    return actor.has_role(Role.TENANT_ADMIN, Role.STREET_ASSESSOR)
