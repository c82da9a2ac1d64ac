"""Reads of talks: scoped lists, the feedback-latency distribution, the demand-theme chart and
the signals other apps (warnings) read."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils.translation import gettext_lazy as _

from interviews.models import DemandTheme, Talk, TalkPolicy, TalkRectification, TalkTheme
from organizations.models import OrgUnit
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor

# Buckets of the talk-to-feedback time in days: (label, lowest day, highest day or None).
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("≤3", 0, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    (">30", 31, None),
)


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (
        dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    ) - dt.timedelta(days=1)
    return start, end


def policy_for_tenant(tenant_id: int) -> TalkPolicy:
    """The tenant's talk policy, or the defaults (unsaved) where it has none."""
    return TalkPolicy.objects.filter(tenant_id=tenant_id).first() or TalkPolicy(tenant_id=tenant_id)


# Talks ------------------------------------------------------------------------------------


def talk_list_for_actor(*, actor: Actor | None) -> QuerySet[Talk]:
    return Talk.objects.for_actor(actor).select_related("community", "street", "secretary__user")


def talk_get_for_actor(*, actor: Actor | None, pk: int) -> Talk:
    return get_scoped_or_404(talk_list_for_actor(actor=actor), pk=pk)


def overdue_q(today: dt.date) -> Q:
    return Q(status=Talk.Status.HELD, feedback_on__isnull=True, feedback_due__lt=today)


def talk_rows_for_actor(
    *, actor: Actor | None, today: dt.date, search: str = "", street_id: int | None = None,
    kind: str = "", status: str = "",
) -> QuerySet[Talk]:  # fmt: skip
    """Talks with overdue feedback first (the longest overdue on top), then the most recent."""
    rows = talk_list_for_actor(actor=actor).annotate(
        overdue=Case(When(overdue_q(today), then=Value(1)), default=Value(0), output_field=IntegerField()),
        overdue_since=Case(When(overdue_q(today), then=F("feedback_due")), default=None),
        day=Coalesce("held_on", "planned_for"),
    )  # fmt: skip
    if search:
        rows = rows.filter(
            Q(community__name__icontains=search)
            | Q(secretary__user__full_name__icontains=search)
            | Q(notes__icontains=search)
            | Q(place__icontains=search)
        )
    if street_id:
        rows = rows.filter(street_id=street_id)
    if kind:
        rows = rows.filter(kind=kind)
    if status == "overdue":
        rows = rows.filter(overdue_q(today))
    elif status:
        rows = rows.filter(status=status)
    return rows.order_by(
        "-overdue", F("overdue_since").asc(nulls_last=True), F("day").desc(nulls_last=True), "-pk"
    )


def talk_participants(talk: Talk) -> list[str]:
    return [str(row.user) for row in talk.participant_rows.select_related("user").order_by("pk")]


def talk_rectifications(talk: Talk) -> list[TalkRectification]:
    return list(
        TalkRectification.objects.filter(talk=talk)
        .select_related("rectification", "rectification__owner")
        .order_by("rectification__deadline", "pk")
    )


def talk_theme_names(talk: Talk) -> list[str]:
    return list(talk.themes.order_by("theme__order").values_list("theme__name", flat=True))


def themes_for_actor(*, actor: Actor | None) -> QuerySet[DemandTheme]:
    return DemandTheme.objects.for_actor(actor).order_by("order", "pk")


def routine_shortfall(
    *, actor: Actor | None, start: dt.date, end: dt.date, minimum: int
) -> list[tuple[OrgUnit, int]]:
    """The communities in scope with fewer than ``minimum`` routine talks held in the period."""
    held = Q(
        talks__kind=Talk.Kind.ROUTINE,
        talks__status=Talk.Status.HELD,
        talks__held_on__range=(start, end),
    )
    communities = (
        OrgUnit.objects.for_actor(actor)
        .filter(kind=OrgUnit.Kind.COMMUNITY, is_active=True)
        .annotate(routine=Count("talks", filter=held))
        .filter(routine__lt=minimum)
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    return [(c, c.routine) for c in communities]


# Feedback latency ---------------------------------------------------------------------------


class Distribution(NamedTuple):
    """Talk-to-feedback time of a set of talks, in days."""

    answered: int  # talks with feedback
    buckets: list[tuple[str, int]]
    median: Decimal | None
    p90: int | None
    mean: Decimal | None
    waiting: int  # held, no feedback yet
    overdue: int  # waiting and past the due date
    on_time: int  # feedback given by the due date


def _one_place(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def distribution(rows: Iterable[tuple[int | None, bool, bool]]) -> Distribution:
    """``rows``: (days to feedback or None while waiting, overdue, answered on time).

    Median: the middle value (the mean of the two middle ones for an even count). 90th
    percentile: the nearest-rank value, the smallest day count that at least 90% of the
    answered talks do not exceed. Mean: to one decimal place.
    """
    days, waiting, overdue, on_time = [], 0, 0, 0
    for value, is_overdue, is_on_time in rows:
        if value is None:
            waiting += 1
            overdue += is_overdue
        else:
            days.append(value)
            on_time += is_on_time
    days.sort()
    buckets = [
        (label, sum(1 for d in days if low <= d and (high is None or d <= high)))
        for label, low, high in BUCKETS
    ]
    if not days:
        return Distribution(0, buckets, None, None, None, waiting, overdue, on_time)
    median = _one_place(Decimal(str(statistics.median(days))))
    p90 = days[math.ceil(0.9 * len(days)) - 1]
    mean = _one_place(Decimal(sum(days)) / len(days))
    return Distribution(len(days), buckets, median, p90, mean, waiting, overdue, on_time)


class LatencyReport(NamedTuple):
    overall: Distribution
    streets: list[tuple[OrgUnit, Distribution]]


def latency_report(
    *, actor: Actor | None, start: dt.date, end: dt.date, today: dt.date
) -> LatencyReport:
    """The talk-to-feedback distribution of the talks held in [start, end], over everything
    in the actor's scope (the whole tenant for admins and leaders) and per street. Two queries."""
    rows = (
        Talk.objects.for_actor(actor)
        .filter(status=Talk.Status.HELD, held_on__range=(start, end))
        .values_list("street_id", "held_on", "feedback_on", "feedback_due")
    )
    per_street: dict[int, list[tuple[int | None, bool, bool]]] = defaultdict(list)
    everything = []
    for street_id, held_on, feedback_on, due in rows:
        days = (feedback_on - held_on).days if feedback_on else None
        overdue = feedback_on is None and due is not None and due < today
        on_time = feedback_on is not None and (due is None or feedback_on <= due)
        per_street[street_id].append((days, overdue, on_time))
        everything.append((days, overdue, on_time))
    streets = OrgUnit.objects.filter(pk__in=per_street).order_by("name")
    return LatencyReport(
        overall=distribution(everything),
        streets=[(street, distribution(per_street[street.pk])) for street in streets],
    )


# Demand themes ------------------------------------------------------------------------------


class ThemeChart(NamedTuple):
    # (theme name, talks, communities), most frequent first
    totals: list[tuple[str, int, int]]
    quarters: list[str]
    # theme name → talks per quarter, in the order of ``quarters``
    series: dict[str, list[int]]


def theme_chart(
    *, actor: Actor | None, start: dt.date, end: dt.date, street_id: int | None = None
) -> ThemeChart:
    """How often each demand theme came up in the talks held in [start, end], in total (with
    the number of communities) and per quarter. Two queries."""
    rows = TalkTheme.objects.for_actor(actor).filter(held_on__range=(start, end))
    if street_id:
        rows = rows.filter(street_id=street_id)
    totals = [
        (row["theme__name"], row["talks"], row["communities"])
        for row in rows.values("theme__name")
        .annotate(talks=Count("pk"), communities=Count("community_id", distinct=True))
        .order_by("-talks", "theme__name")
    ]
    per_quarter = (
        rows.annotate(year=ExtractYear("held_on"), quarter=ExtractQuarter("held_on"))
        .values("theme__name", "year", "quarter")
        .annotate(talks=Count("pk"))
    )
    counts: dict[tuple[str, str], int] = {}
    quarter_names: set[tuple[int, int]] = set()
    for row in per_quarter:
        quarter_names.add((row["year"], row["quarter"]))
        counts[(row["theme__name"], f"{row['year']}Q{row['quarter']}")] = row["talks"]
    quarters = [f"{year}Q{q}" for year, q in sorted(quarter_names)]
    series = {name: [counts.get((name, q), 0) for q in quarters] for name, _t, _c in totals}
    return ThemeChart(totals, quarters, series)


# Signals for other apps -------------------------------------------------------------------


class TalkSignals(NamedTuple):
    routine_talks: int
    overdue_feedback: int


def talk_signals(
    *, tenant_id: int, start: dt.date, end: dt.date, today: dt.date
) -> dict[int, TalkSignals]:
    """Per community (by id): the routine talks (日常谈心) held in [start, end], and the talks
    whose feedback is overdue as of ``today``. One query; communities with neither are absent."""
    routine = Q(kind=Talk.Kind.ROUTINE, status=Talk.Status.HELD, held_on__range=(start, end))
    overdue = overdue_q(today)
    rows = (
        Talk.objects.filter(tenant_id=tenant_id)
        .filter(routine | overdue)
        .values("community_id")
        .annotate(routine=Count("pk", filter=routine), overdue=Count("pk", filter=overdue))
        .order_by()
    )
    return {row["community_id"]: TalkSignals(row["routine"], row["overdue"]) for row in rows}


KIND_LABELS = dict(Talk.Kind.choices)
STATUS_FILTERS = [*Talk.Status.choices, ("overdue", _("Feedback overdue"))]
