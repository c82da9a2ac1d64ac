"""Reads for warnings: the signals the rules judge (set-wise, a constant number of queries
per tenant), and the scoped lists behind the pages and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from alerts import engine
from alerts.models import Alert, Escalation, Incident, Level, ThresholdSet
from assessments.models import Assessment, Cycle, Rectification, Result
from indicators.models import Category
from interviews.selectors import talk_signals
from organizations.models import OrgUnit
from organizations.prepared import rows_prepared, values_prepared
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor
from residents.selectors import satisfaction_by_community

PUBLISHED = (Assessment.State.PUBLISHED, Assessment.State.APPEAL, Assessment.State.FINAL)
BEING_SCORED = (Assessment.State.DRAFT, Assessment.State.SELF_EVALUATION, Assessment.State.SCORING)


def thresholds_for_tenant(*, tenant_id: int) -> engine.Thresholds:
    row = ThresholdSet.objects.filter(tenant_id=tenant_id).first()
    return row.as_thresholds() if row is not None else engine.Thresholds()


# Signals from other apps: talks (``interviews.selectors.talk_signals``) and resident
# ratings (``residents.selectors.satisfaction_by_community``), each read set-wise for the
# whole tenant. Where a community has no talk or no campaign the rules that need them stay
# silent for it.


def gather_talk_signals(
    *, tenant_id: int, start: dt.date, end: dt.date, today: dt.date
) -> dict[int, engine.TalkSignals]:
    """Routine talks and overdue feedbacks per community for the quarter [start, end]."""
    found = talk_signals(tenant_id=tenant_id, start=start, end=end, today=today)
    return {
        community: engine.TalkSignals(s.routine_talks, s.overdue_feedback)
        for community, s in found.items()
    }


def gather_satisfaction(*, tenant_id: int, cycle_id: int) -> dict[int, Decimal | None]:
    """The resident satisfaction index (0-100) per community for a cycle; None where the
    campaign has fewer responses than its minimum."""
    return satisfaction_by_community(tenant_id=tenant_id, cycle_id=cycle_id)


def _latest_published_cycle(tenant_id: int, today: dt.date) -> Cycle | None:
    return (
        Cycle.objects.filter(
            tenant_id=tenant_id,
            kind=Cycle.Kind.QUARTERLY,
            starts_on__lte=today,
            assessments__state__in=PUBLISHED,
        )
        .order_by("-year", "-quarter")
        .first()
    )


def _results(tenant_id: int, cycle: Cycle) -> list[engine.ResultFacts]:
    previous_period = engine.previous_period(engine.period_for(cycle.year, cycle.quarter or 1))
    year, quarter = int(previous_period[:4]), int(previous_period[5:])
    previous = dict(
        Result.objects.filter(
            tenant_id=tenant_id,
            assessment__cycle__kind=Cycle.Kind.QUARTERLY,
            assessment__cycle__year=year,
            assessment__cycle__quarter=quarter,
            assessment__state__in=PUBLISHED,
        ).values_list("assessment__community_id", "total")
    )
    rows = Result.objects.filter(
        tenant_id=tenant_id, assessment__cycle=cycle, assessment__state__in=PUBLISHED
    ).values_list(
        "assessment__community_id", "street_id", "assessment_id", "total", "vetoed", "categories"
    )
    return [
        engine.ResultFacts(
            community_id=community,
            street_id=street,
            assessment_id=assessment,
            total=total,
            vetoed=vetoed,
            categories={code: Decimal(value) for code, value in (categories or {}).items()},
            previous_total=previous.get(community),
        )
        for community, street, assessment, total, vetoed, categories in rows
    ]


def gather_signals(*, tenant_id: int, today: dt.date) -> engine.Signals:
    """Everything the rules read for one tenant, in a constant number of queries."""
    cycle = _latest_published_cycle(tenant_id, today)
    results: list[engine.ResultFacts] = []
    weights: dict[str, Decimal] = {}
    satisfaction: dict[int, Decimal | None] = {}
    period = None
    if cycle is not None:
        period = engine.period_for(cycle.year, cycle.quarter or 1)
        results = _results(tenant_id, cycle)
        weights = dict(
            Category.objects.filter(tenant_id=tenant_id, scheme_id=cycle.scheme_id).values_list(
                "code", "weight"
            )
        )
        satisfaction = gather_satisfaction(tenant_id=tenant_id, cycle_id=cycle.pk)
    rectifications = [
        engine.RectificationFacts(pk, community, street, deadline, status != Rectification.Status.ACCEPTED)
        for pk, community, street, deadline, status in Rectification.objects.filter(
            tenant_id=tenant_id
        )
        .exclude(status=Rectification.Status.ACCEPTED)
        .values_list("pk", "community_id", "street_id", "deadline", "status")
    ]  # fmt: skip
    incidents = [
        engine.IncidentFacts(*row)
        for row in Incident.objects.filter(
            tenant_id=tenant_id, closed_on__isnull=True, serious=True
        ).values_list("pk", "community_id", "street_id", "occurred_on", "serious")
    ]
    # An assessment with no computed result yet has not been scored: it counts as missing.
    pending = [
        engine.PendingAssessment(
            community, street, pk, missing if has_result else 1, deadline
        )
        for community, street, pk, missing, has_result, deadline in Assessment.objects.filter(
            tenant_id=tenant_id,
            state__in=BEING_SCORED,
            cycle__ends_on__gte=today,
            cycle__ends_on__lte=today + dt.timedelta(days=90),
        )
        .filter(Q(result__isnull=True) | Q(result__complete=False))
        .values_list(
            "community_id", "street_id", "pk", "result__missing", "result__pk", "cycle__ends_on"
        )
    ]  # fmt: skip
    communities = dict(
        OrgUnit.objects.filter(
            tenant_id=tenant_id, kind=OrgUnit.Kind.COMMUNITY, is_active=True
        ).values_list("pk", "parent_id")
    )
    start, end = engine.quarter_bounds(engine.quarter_of(today))
    talks = gather_talk_signals(tenant_id=tenant_id, start=start, end=end, today=today)
    return engine.Signals(
        today=today, period=period, results=results, category_weights=weights,
        rectifications=rectifications, incidents=incidents, pending=pending,
        communities=communities, talks=talks, satisfaction=satisfaction,
    )  # fmt: skip


def breaker_periods(*, tenant_id: int, since: str) -> dict[int, list[str]]:
    """The quarters (from ``since``) in which each community had a red or yellow warning."""
    periods: dict[int, list[str]] = defaultdict(list)
    for community, period in (
        Alert.objects.filter(
            tenant_id=tenant_id, level__in=[Level.RED, Level.YELLOW], period__gte=since
        )
        .values_list("community_id", "period")
        .distinct()
    ):
        periods[community].append(period)
    return dict(periods)


# Scoped reads for pages and the API -----------------------------------------------------


def alert_list_for_actor(*, actor: Actor | None) -> QuerySet[Alert]:
    return Alert.objects.for_actor(actor).select_related("community", "street")


def alert_get_for_actor(*, actor: Actor | None, pk: int) -> Alert:
    return get_scoped_or_404(
        alert_list_for_actor(actor=actor).select_related(
            "assessment", "rectification", "incident", "raised_rectification"
        ),
        pk=pk,
    )


def incident_list_for_actor(*, actor: Actor | None) -> QuerySet[Incident]:
    return Incident.objects.for_actor(actor).select_related("community", "street")


def escalation_list_for_actor(*, actor: Actor | None) -> QuerySet[Escalation]:
    return Escalation.objects.for_actor(actor).select_related("community", "street")


def threshold_set_for_tenant(*, tenant_id: int) -> ThresholdSet:
    """The tenant's thresholds row, unsaved with the defaults when none was stored yet."""
    row = ThresholdSet.objects.filter(tenant_id=tenant_id).first()
    return row if row is not None else ThresholdSet(tenant_id=tenant_id)


def periods_for_actor(*, actor: Actor | None) -> list[str]:
    return list(
        Alert.objects.for_actor(actor)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


HEAT_MAP_STREETS_PER_PAGE = 10


class HeatCommunity(NamedTuple):
    """A street or community as the heat map shows it (a page holds hundreds: no model
    instances)."""

    pk: int
    name: str


class HeatMapRows(NamedTuple):
    """What a page of the heat map is drawn from, as read: plain values, so that the page can
    be cached under them (``organizations.fragments``)."""

    page: Page[Any]  # of (pk, name) of streets
    counts: list[tuple[int, str, int]]  # community, level, open warnings
    cells: list[tuple[int, str, int]]  # community, name, street
    street_choices: list[tuple[int, str]]  # the streets the actor may filter by


def heat_map_rows(
    *,
    actor: Actor | None,
    period: str | None = None,
    rule: str | None = None,
    street_id: int | None = None,
    page: str | int | None = None,
) -> HeatMapRows:
    """One page of the actor's streets (ten at a time: a city has more than a hundred), their
    communities and the open warnings per community and level, and the streets to filter by.
    Three queries for a whole-tenant actor, five for the others, whatever the number of
    streets and communities."""
    if actor is None:
        return HeatMapRows(Paginator([], HEAT_MAP_STREETS_PER_PAGE).get_page(page), [], [], [])
    in_scope: list[tuple[Any, ...]]
    if actor.whole_tenant:
        in_scope = rows_prepared(
            "kp_heat_streets",
            _HEAT_STREETS_SQL.format(unit=OrgUnit._meta.db_table, street=OrgUnit.Kind.STREET.value),
            [actor.tenant_id],
        )
    else:
        in_scope = values_prepared(
            OrgUnit.objects.for_actor(actor)
            .filter(kind=OrgUnit.Kind.STREET)
            .order_by("name", "pk")
            .values_list("pk", "name", "is_active")
        )
    units = OrgUnit.objects.for_actor(actor).filter(kind=OrgUnit.Kind.COMMUNITY, is_active=True)
    if street_id is not None:
        units = units.filter(parent_id=street_id)
    # Whole-tenant actors page through the tenant's streets; the others through the streets
    # of their communities (a secretary sees their community, not its street). Either way
    # read by index, never by reading every community of a city.
    streets: Any
    if actor.whole_tenant:  # every street is in scope: the ones read for the choices
        streets = [
            (pk, name)
            for pk, name, active in in_scope
            if active and (street_id is None or pk == street_id)
        ]
    else:
        streets = (
            OrgUnit.objects.filter(
                tenant_id=actor.tenant_id, kind=OrgUnit.Kind.STREET, is_active=True
            )
            .filter(pk__in=units.values("parent_id"))
            .order_by("name", "pk")
            .values_list("pk", "name")
        )
    shown = Paginator(streets, HEAT_MAP_STREETS_PER_PAGE).get_page(page)
    shown.object_list = list(shown.object_list)
    street_ids = [pk for pk, _name in shown.object_list]
    choices = [(pk, name) for pk, name, _active in in_scope]
    if actor.whole_tenant:
        counts, cells = _heat_rows_of_tenant(actor.tenant_id, street_ids, period, rule)
        return HeatMapRows(shown, counts, cells, choices)
    alerts = Alert.objects.for_actor(actor).filter(street_id__in=street_ids)
    alerts = alerts.exclude(status=Alert.Status.RESOLVED)
    if period:
        alerts = alerts.filter(period=period)
    if rule:
        alerts = alerts.filter(rule=rule)
    per_level = (
        alerts.values_list("community_id", "level")
        .annotate(n=Count("pk"))
        .order_by("community_id", "level")
    )
    in_streets = units.filter(parent_id__in=street_ids).order_by("name", "pk")
    return HeatMapRows(
        shown, list(per_level), list(in_streets.values_list("pk", "name", "parent_id")), choices
    )


# Written out for whole-tenant actors (the leaders who look at a city's map; their scope is
# the tenant, which row-level security also enforces): composing these queries with the
# ORM took longer than running them. The kinds are written in, not parameters: the plan is
# made once for every tenant (a generic plan) and must know which index serves them.
_HEAT_STREETS_SQL = """
SELECT id, name, is_active FROM {unit} WHERE tenant_id = %s AND kind = '{street}'
ORDER BY name, id
"""
_HEAT_COUNTS_SQL = """
SELECT community_id, level, COUNT(*) FROM {alert}
WHERE tenant_id = %s AND street_id IN ({streets}) AND status <> '{resolved}' {filters}
GROUP BY community_id, level ORDER BY community_id, level
"""
_HEAT_CELLS_SQL = """
SELECT id, name, parent_id FROM {unit}
WHERE tenant_id = %s AND kind = '{community}' AND is_active AND parent_id IN ({streets})
ORDER BY name, id
"""


def _heat_rows_of_tenant(
    tenant_id: int, street_ids: list[int], period: str | None, rule: str | None
) -> tuple[list[tuple[int, str, int]], list[tuple[int, str, int]]]:
    if not street_ids:
        return [], []
    streets = ", ".join(["%s"] * len(street_ids))
    filters, extra = "", []
    for column, value in (("period", period), ("rule", rule)):
        if value:
            filters += f" AND {column} = %s"
            extra.append(value)
    # One prepared statement per number of streets and filters given (a page holds ten).
    shape = f"{len(street_ids)}_{int(bool(period))}{int(bool(rule))}"
    counts = rows_prepared(
        f"kp_heat_counts_{shape}",
        _HEAT_COUNTS_SQL.format(
            alert=Alert._meta.db_table,
            streets=streets,
            filters=filters,
            resolved=Alert.Status.RESOLVED.value,
        ),
        [tenant_id, *street_ids, *extra],
    )
    cells = rows_prepared(
        f"kp_heat_cells_{len(street_ids)}",
        _HEAT_CELLS_SQL.format(
            unit=OrgUnit._meta.db_table, community=OrgUnit.Kind.COMMUNITY.value, streets=streets
        ),
        [tenant_id, *street_ids],
    )
    return counts, cells  # type: ignore[return-value]


def heat_map_streets(rows: HeatMapRows) -> list[dict[str, Any]]:
    """The page's streets, each with its communities, their worst open warning and counts per
    level: built from the rows alone."""
    by_street: dict[int, dict[str, Any]] = {
        pk: {"street": HeatCommunity(pk, name), "cells": []} for pk, name in rows.page.object_list
    }
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for community, level, n in rows.counts:
        counts[community][level] = n
    labels = {lv.value: str(lv.label) for lv in Level}  # translated once, not per cell
    for pk, name, parent_id in rows.cells:
        levels = counts.get(pk, {})
        worst = engine.worst_level(levels)
        by_street[parent_id]["cells"].append(
            {
                "community": HeatCommunity(pk, name), "worst": worst.value if worst else "",
                "counts": levels, "worst_label": labels[worst.value] if worst else "",
                "summary": [(labels[lv], levels[lv]) for lv in labels if lv in levels],
            }
        )  # fmt: skip
    return list(by_street.values())


def dashboard(*, actor: Actor | None) -> dict[str, Any]:
    """Open warnings by level and street, and all warnings by quarter and level."""
    scoped = Alert.objects.for_actor(actor)
    by_street: dict[str, dict[str, int]] = defaultdict(lambda: {lv.value: 0 for lv in Level})
    totals = {lv.value: 0 for lv in Level}
    for street, level, n in (
        scoped.exclude(status=Alert.Status.RESOLVED)
        .values_list("street__name", "level")
        .annotate(n=Count("pk"))
        .order_by("street__name")
    ):
        by_street[street][level] = n
        totals[level] += n
    trend: dict[str, dict[str, int]] = defaultdict(lambda: {lv.value: 0 for lv in Level})
    for period, level, n in (
        scoped.values_list("period", "level").annotate(n=Count("pk")).order_by("period")
    ):
        trend[period][level] = n
    periods = sorted(trend)[-8:]
    return {
        "totals": totals,
        "by_street": dict(by_street),
        "trend": {
            "periods": periods,
            "series": {lv.value: [trend[p][lv.value] for p in periods] for lv in Level},
        },
    }
