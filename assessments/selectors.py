"""Reads of assessments, and the bulk feed from stored entries into the scoring engine."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db import connection
from django.db.models import Avg, BooleanField, Case, F, Prefetch, Q, QuerySet, When
from django.utils import timezone

from assessments.models import (
    Appeal,
    AppealReview,
    Assessment,
    Cycle,
    JobProgress,
    Rectification,
    Result,
    ScoreEntry,
)
from indicators import engine
from indicators.models import Indicator, RaterGroup, Scheme, SpecialIndicatorChoice
from indicators.selectors import SchemeParts, scheme_parts
from organizations.models import User
from organizations.prepared import fetch_one_prepared
from organizations.selectors import get_scoped_or_404
from organizations.tenancy import Actor


def scores_hidden_from(actor: Actor, assessment: Assessment) -> bool:
    """Whether the actor sees this assessment only as its secretary, before publication:
    then the secretary sees its state and their own part (self-evaluation), not the
    numbers being entered."""
    if assessment.state in Assessment.SHOWN_TO_SECRETARY:
        return False
    if actor.whole_tenant or assessment.street_id in actor.street_ids:
        return False
    return assessment.secretary_id in actor.secretary_ids


def assessment_list_for_actor(*, actor: Actor | None) -> QuerySet[Assessment]:
    return Assessment.objects.for_actor(actor).select_related(
        "cycle", "community", "street", "secretary__user"
    )


def numbers_shown(actor: Actor | None) -> Q:
    """The condition on an assessment under which the actor may see its numbers: the rule of
    ``scores_hidden_from`` as a query."""
    if actor is None or actor.whole_tenant or not actor.secretary_ids:
        return Q()
    return (
        Q(street_id__in=actor.street_ids)
        | Q(state__in=Assessment.SHOWN_TO_SECRETARY)
        | ~Q(secretary_id__in=actor.secretary_ids)
    )


def assessments_with_numbers_for_actor(*, actor: Actor | None) -> QuerySet[Assessment]:
    """The assessments whose numbers the actor may see (a scorecard PDF, say): every one in
    scope, except a secretary's own before it is published."""
    return assessment_list_for_actor(actor=actor).filter(numbers_shown(actor))


# Feeding the engine -----------------------------------------------------------------------

EntryRow = tuple[int, int, int, list[Any], list[Any], list[Decimal]]


def _entry_rows_postgres(assessment_ids: list[int]) -> Iterator[EntryRow]:
    # One row per (assessment, indicator, rater group) with the entries as arrays: a third of
    # the rows of a plain select, and the grouping done by the database.
    sql = """
        SELECT assessment_id, indicator_id, rater_group_id,
               array_agg(id ORDER BY id), array_agg(rater_id ORDER BY id), array_agg(value ORDER BY id)
        FROM assessments_scoreentry
        WHERE assessment_id = ANY(%s)
        GROUP BY assessment_id, indicator_id, rater_group_id
        ORDER BY assessment_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [assessment_ids])
        while rows := cursor.fetchmany(20_000):
            yield from rows


def _entry_rows_portable(assessment_ids: list[int]) -> Iterator[EntryRow]:
    rows = (
        ScoreEntry.objects.filter(assessment_id__in=assessment_ids)
        .order_by("assessment_id", "indicator_id", "rater_group_id", "id")
        .values_list("assessment_id", "indicator_id", "rater_group_id", "id", "rater_id", "value")
        .iterator(chunk_size=20_000)
    )
    for key, group in groupby(rows, key=lambda row: row[:3]):
        items = list(group)
        yield (*key, [r[3] for r in items], [r[4] for r in items], [r[5] for r in items])


class _DecimalMemo(dict[str, Decimal]):
    """Scores repeat (levels, 0/1, two-decimal percents): build each Decimal once."""

    def __missing__(self, text: str) -> Decimal:
        value = self[text] = Decimal(text)
        return value


# One row per assessment: the (indicator, group, count) runs and all values, as text. Both
# aggregates read the same rows in the same order, so the runs slice the values. Moving
# 3,655 strings instead of 2 million numerics is what makes a city-wide recompute fast.
_TOTALS_SQL = """
    WITH runs AS (
        SELECT assessment_id, indicator_id, rater_group_id, count(*) AS n,
               string_agg(value::text, ',') AS vals
        FROM assessments_scoreentry
        WHERE assessment_id = ANY(%s)
        GROUP BY assessment_id, indicator_id, rater_group_id
    )
    SELECT assessment_id,
           string_agg(indicator_id || ':' || rater_group_id || ':' || n, ','),
           string_agg(vals, ',')
    FROM runs
    GROUP BY assessment_id
    ORDER BY assessment_id
"""


Groups = tuple[engine.EntryGroupInput, ...]
_NO_REFS: tuple[()] = ()


def _group(indicator: str, group: str, values: tuple[Decimal, ...]) -> engine.EntryGroupInput:
    # tuple.__new__ straight away: the NamedTuple's own constructor is a Python function,
    # and a city-wide recompute builds 658,000 of these.
    return tuple.__new__(engine.EntryGroupInput, (indicator, group, _NO_REFS, _NO_REFS, values))  # type: ignore[type-var,arg-type]


def _packed_postgres(
    assessment_ids: list[int], codes: tuple[dict[int, str], dict[int, str]]
) -> Iterator[tuple[int, engine.PackedEntries]]:
    indicator_codes, group_codes = codes
    memo = _DecimalMemo()
    # The (indicator, group, count) runs are usually the same for every assessment: each
    # distinct arrangement is parsed, its codes looked up, once, and shared as the layout
    # of the engine's packed form (no object per run).
    layouts: dict[str, engine.EntryLayout] = {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(_TOTALS_SQL, [assessment_ids])
        for assessment_id, keys, text in _read_ahead(cursor):
            layout = layouts.get(keys)
            if layout is None:
                runs = []
                for key in keys.split(","):
                    indicator, group, count = (int(part) for part in key.split(":"))
                    runs.append((indicator_codes[indicator], group_codes[group], count))
                layout = layouts[keys] = engine.EntryLayout(tuple(runs))
            values = tuple(map(memo.__getitem__, text.split(",")))
            yield assessment_id, engine.PackedEntries(layout, values)


_DONE: Any = object()


def _read_ahead(cursor: Any, batch_size: int = 200) -> Iterator[tuple[Any, ...]]:
    """The rows of a server-side cursor, with the next batches fetched by a thread while the
    caller works on this one.

    The database aggregates a batch only when it is fetched; fetching ahead in a thread
    (psycopg2 releases the GIL while it waits) lets the database aggregate on one core
    while this process parses and scores on the other, instead of taking turns. Only the
    thread touches the cursor until it has finished.
    """
    batches: queue.Queue[Any] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def fetch() -> None:
        try:
            while not stop.is_set():
                batch = cursor.fetchmany(batch_size)
                if not batch:
                    break
                put(batch)
        except BaseException as exc:  # handed to the caller, raised there
            put(exc)
        finally:
            put(_DONE)

    reader = threading.Thread(target=fetch, name="read-ahead", daemon=True)
    reader.start()
    try:
        while (item := batches.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        reader.join()


def _groups_portable(
    assessment_ids: list[int], codes: tuple[dict[int, str], dict[int, str]]
) -> Iterator[tuple[int, Groups]]:
    indicator_codes, group_codes = codes
    by_assessment: dict[int, list[engine.EntryGroupInput]] = defaultdict(list)
    for assessment_id, indicator_id, group_id, _ids, _raters, values in _entry_rows_portable(
        assessment_ids
    ):
        by_assessment[assessment_id].append(
            _group(indicator_codes[indicator_id], group_codes[group_id], tuple(values))
        )
    for assessment_id, groups in by_assessment.items():
        yield assessment_id, tuple(groups)


def subject_inputs_for_totals(assessments: Iterable[Assessment]) -> Iterator[engine.SubjectInput]:
    """Engine inputs without entry references, for totals in bulk (recompute, ranking),
    yielded as they arrive so that the caller scores one while the next is read.

    Scores exactly like ``subject_inputs``; the explanation of a single assessment uses that
    one, which keeps every entry's id and rater. Assessments with no entries come last.
    """
    by_pk = {a.pk: a for a in assessments}
    if not by_pk:
        return
    codes = _codes({a.scheme_id for a in by_pk.values()})
    ids = list(by_pk)
    if connection.vendor == "postgresql":
        for assessment_id, packed in _packed_postgres(ids, codes):
            yield _subject(by_pk.pop(assessment_id), (), packed)
    else:
        for assessment_id, groups in _groups_portable(ids, codes):
            yield _subject(by_pk.pop(assessment_id), groups)
    for assessment in by_pk.values():
        yield _subject(assessment, ())


def _codes(scheme_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    indicator_codes = dict(
        Indicator.objects.filter(scheme_id__in=scheme_ids).values_list("pk", "code")
    )
    group_codes = dict(
        RaterGroup.objects.filter(scheme_id__in=scheme_ids).values_list("pk", "code")
    )
    return indicator_codes, group_codes


def _subject(
    assessment: Assessment,
    groups: tuple[engine.EntryGroupInput, ...],
    packed: engine.PackedEntries | None = None,
) -> engine.SubjectInput:
    return engine.SubjectInput(
        subject_id=assessment.pk,
        community_type=engine.CommunityType(assessment.community_type),
        career_stage=engine.CareerStage(assessment.career_stage),
        entry_groups=groups,
        packed=packed,
    )


def subject_inputs(assessments: Iterable[Assessment]) -> list[engine.SubjectInput]:
    """Engine inputs for many assessments in three queries (codes, assessments, entries).

    Entries come grouped per (indicator, rater group), the engine's bulk form.
    """
    assessments = list(assessments)
    if not assessments:
        return []
    scheme_ids = {a.scheme_id for a in assessments}
    indicator_codes = dict(
        Indicator.objects.filter(scheme_id__in=scheme_ids).values_list("pk", "code")
    )
    group_codes = dict(
        RaterGroup.objects.filter(scheme_id__in=scheme_ids).values_list("pk", "code")
    )
    ids = [a.pk for a in assessments]
    rows = (
        _entry_rows_postgres(ids)
        if connection.vendor == "postgresql"
        else _entry_rows_portable(ids)
    )
    groups: dict[int, list[engine.EntryGroupInput]] = defaultdict(list)
    for assessment_id, indicator_id, group_id, entry_ids, rater_ids, values in rows:
        groups[assessment_id].append(
            engine.EntryGroupInput(
                indicator_code=indicator_codes[indicator_id],
                group_code=group_codes[group_id],
                entry_ids=tuple(entry_ids),
                rater_ids=tuple("system" if r is None else r for r in rater_ids),
                values=tuple(values),
            )
        )
    return [_subject(a, tuple(groups.get(a.pk, ()))) for a in assessments]


def result_trend_for_actor(*, actor: Actor | None, assessment: Assessment) -> list[Any]:
    """The secretary's stored results across cycles, oldest first (quarters before the
    year's annual evaluation), as far as the actor may see them."""
    from assessments.models import Result

    results = (
        Result.objects.for_actor(actor)
        .filter(assessment__secretary_id=assessment.secretary_id)
        .select_related("assessment__cycle")
        .order_by(
            "assessment__cycle__year", "assessment__cycle__kind", "assessment__cycle__quarter"
        )
    )
    # "annual" sorts before "quarterly": put each year's quarters first.
    return sorted(results, key=lambda r: (r.assessment.cycle.year, r.assessment.cycle.quarter or 5))


def trend_points(totals: list[Any], *, width: int = 240, height: int = 60) -> str:
    """SVG polyline points for totals on a 0-100 scale (a bonus above 100 is drawn at the top)."""
    if not totals:
        return ""
    step = width / max(len(totals) - 1, 1)
    points = []
    for n, total in enumerate(totals):
        y = height - min(float(total), 100.0) / 100.0 * height
        points.append(f"{n * step:.1f},{y:.1f}")
    return " ".join(points)


def rank_among_stored(assessment: Assessment, result: engine.Result) -> tuple[int, int]:
    """(rank, out of): where ``result`` would stand among the cycle's other stored results,
    ranked as the engine ranks (vetoed last, then total and base total; ties share a rank)."""
    from django.db.models import Count

    from assessments.models import Result

    total, base = result.total, engine.to_cents(result.base_total)
    better = Q(total__gt=total) | Q(total=total, base_total__gt=base)
    ahead = (
        (Q(vetoed=False) | (Q(vetoed=True) & better)) if result.vetoed else Q(vetoed=False) & better
    )
    counts = (
        Result.objects.filter(
            tenant_id=assessment.tenant_id, assessment__cycle_id=assessment.cycle_id
        )
        .exclude(assessment_id=assessment.pk)
        .aggregate(ahead=Count("pk", filter=ahead), others=Count("pk"))
    )
    return counts["ahead"] + 1, counts["others"] + 1


# The annual fold -----------------------------------------------------------------------------

FOLDED_STATES = (
    Assessment.State.PUBLISHED,
    Assessment.State.APPEAL,
    Assessment.State.FINAL,
)


def quarter_totals(*, cycle: Cycle, secretary_ids: Iterable[int]) -> dict[int, list[Decimal]]:
    """Each secretary's published quarterly totals of the annual cycle's year, by quarter, in
    one query. Quarters still being scored do not count: a fold must not move when an
    unpublished quarter changes."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    rows = (
        Result.objects.filter(
            tenant_id=cycle.tenant_id,
            assessment__cycle__kind=Cycle.Kind.QUARTERLY,
            assessment__cycle__year=cycle.year,
            assessment__state__in=FOLDED_STATES,
            assessment__secretary_id__in=list(secretary_ids),
        )
        .order_by("assessment__cycle__quarter")
        .values_list("assessment__secretary_id", "total")
    )
    for secretary_id, total in rows:
        totals[secretary_id].append(total)
    return totals


# Which indicators an assessment is scored on ------------------------------------------------


def approved_special_codes(
    *, scheme_id: int, community_ids: Iterable[int]
) -> dict[int, frozenset[str]]:
    """Each community's approved special indicators (特色指标) of a scheme version, as the pool
    indicator codes they are scored on, in one query."""
    chosen: dict[int, set[str]] = defaultdict(set)
    picks = SpecialIndicatorChoice.objects.filter(
        scheme_id=scheme_id,
        community_id__in=list(community_ids),
        status=SpecialIndicatorChoice.Status.APPROVED,
        indicator__isnull=False,
    ).values_list("community_id", "indicator__code")
    for community_id, code in picks:
        chosen[community_id].add(code)
    return {community_id: frozenset(codes) for community_id, codes in chosen.items()}


def indicator_applies(
    indicator: Indicator, *, community_type: str, career_stage: str, chosen: frozenset[str]
) -> bool:
    """The engine's rule (indicators.engine.compile), for pages that list indicators without
    compiling the scheme: a pool indicator only where the community chose it; otherwise by
    community type and career stage, where the indicator names any."""
    if indicator.in_special_pool and indicator.code not in chosen:
        return False
    return (not indicator.community_types or community_type in indicator.community_types) and (
        not indicator.career_stages or career_stage in indicator.career_stages
    )


def indicators_for_assessment(
    assessment: Assessment, *, parts: SchemeParts | None = None
) -> list[Indicator]:
    """The indicators this assessment is scored on, in scheme order, with their category and
    rater groups: the community's special picks and the scheme's state (the indicators of a
    published version are read once per process, see ``scheme_parts``; give ``parts`` when
    the caller has them)."""
    chosen = approved_special_codes(
        scheme_id=assessment.scheme_id, community_ids=[assessment.community_id]
    ).get(assessment.community_id, frozenset())
    indicators = (parts or scheme_parts(scheme_id=assessment.scheme_id)).indicators
    return [
        i
        for i in indicators
        if indicator_applies(
            i,
            community_type=assessment.community_type,
            career_stage=assessment.career_stage,
            chosen=chosen,
        )
    ]


# The scorecard ---------------------------------------------------------------------------------


def stored_result(assessment: Assessment) -> Result | None:
    return Result.objects.filter(assessment=assessment).first()


def appeals_with_reviews(assessment: Assessment) -> list[Appeal]:
    """The assessment's appeals with their indicator and their reviews by level."""
    reviews = Prefetch("reviews", queryset=AppealReview.objects.order_by("level"))
    return list(
        assessment.appeals.select_related("indicator").prefetch_related(reviews).order_by("pk")
    )


# Written out: built with the ORM's subquery expressions, composing this query took longer
# than running it. Row-level security applies to raw SQL as to any other.
_SCORECARD_INPUTS_SQL = """
SELECT a.state, a.scheme_id, (SELECT s.state FROM {scheme} s WHERE s.id = a.scheme_id),
    (SELECT COUNT(*) FROM {entry} e WHERE e.assessment_id = a.id),
    (SELECT MAX(e.updated_at) FROM {entry} e WHERE e.assessment_id = a.id),
    (SELECT SUM(e.version) FROM {entry} e WHERE e.assessment_id = a.id),
    (SELECT COUNT(*) FROM {adjustment} r WHERE r.assessment_id = a.id),
    (SELECT MAX(r.id) FROM {adjustment} r WHERE r.assessment_id = a.id),
    (SELECT SUM(r.occurrences) FROM {adjustment} r WHERE r.assessment_id = a.id),
    (SELECT {concat}(v.id || ':' || v.status || ':' || u.username || ':' || u.full_name, ','{by_v})
        FROM {veto} v JOIN {user} u ON u.id = v.proposed_by_id WHERE v.assessment_id = a.id),
    (SELECT MAX(s.submitted_at) FROM {self_evaluation} s WHERE s.assessment_id = a.id),
    (SELECT COUNT(*) FROM {pick} p WHERE p.scheme_id = a.scheme_id
        AND p.community_id = a.community_id AND p.status = 'approved'),
    (SELECT MAX(p.decided_at) FROM {pick} p WHERE p.scheme_id = a.scheme_id
        AND p.community_id = a.community_id),
    (SELECT COUNT(*) FROM {result} t JOIN {assessment} o ON o.id = t.assessment_id
        WHERE o.secretary_id = a.secretary_id),
    (SELECT MAX(t.computed_at) FROM {result} t JOIN {assessment} o ON o.id = t.assessment_id
        WHERE o.secretary_id = a.secretary_id),
    (SELECT {concat}(p.id || ':' || p.status || ':' || p.level, ','{by_p})
        FROM {appeal} p WHERE p.assessment_id = a.id),
    (SELECT COUNT(*) || ':' || COALESCE(MAX(w.id), 0)
        FROM {review} w JOIN {appeal} p ON p.id = w.appeal_id WHERE p.assessment_id = a.id),
    (SELECT {concat}(o.id || ':' || o.state || ':' || c.id || ':' || c.name, ','{by_o})
        FROM {assessment} o JOIN {cycle} c ON c.id = o.cycle_id
        WHERE o.secretary_id = a.secretary_id)
FROM {assessment} a WHERE a.id = %s
"""


def scorecard_inputs(assessment: Assessment) -> tuple[Any, ...]:
    """A summary of everything the scorecard shows besides the assessment's own row, in one
    query: the scheme's state (a published scheme never changes), the entries (count, last
    change, versions: every change bumps one), bonuses, deductions, vetoes with their
    status and proposer (the grid names them), the self-evaluation, the community's special indicators, the
    secretary's stored results (an annual result folds in the quarters'; ranks are stored
    with a new ``computed_at``), the appeals with their status and level and their reviews
    (written once per level), and the secretary's assessments with their state (which
    decides whose totals show in the trend) and cycle. Any change to them changes the
    summary, so a scorecard cached under it is never stale."""
    from assessments.models import AdjustmentRecord, SelfEvaluation, VetoRecord

    tables = {
        "assessment": Assessment, "entry": ScoreEntry, "adjustment": AdjustmentRecord,
        "veto": VetoRecord, "self_evaluation": SelfEvaluation, "pick": SpecialIndicatorChoice,
        "result": Result, "appeal": Appeal, "review": AppealReview, "cycle": Cycle,
        "scheme": Scheme, "user": User,
    }  # fmt: skip
    # In one order, so that the same rows give the same summary (SQLite's group_concat takes
    # no order, but reads the rows by the same index every time).
    postgres = connection.vendor == "postgresql"
    sql = _SCORECARD_INPUTS_SQL.format(
        concat="string_agg" if postgres else "group_concat",
        by_p=" ORDER BY p.id" if postgres else "",
        by_o=" ORDER BY o.id" if postgres else "",
        by_v=" ORDER BY v.id" if postgres else "",
        **{k: m._meta.db_table for k, m in tables.items()},
    )
    return fetch_one_prepared("kp_scorecard_inputs", sql, [assessment.pk]) or ()


def entry_means(assessment: Assessment) -> dict[int, Decimal]:
    """Each indicator's mean over all its entries (every group together): what the what-if
    panel starts from, which never shows one rater's value apart."""
    means = (
        ScoreEntry.objects.filter(assessment=assessment)
        .values("indicator_id")
        .annotate(mean=Avg("value"))
        .values_list("indicator_id", "mean")
    )
    return dict(means)


# Rectifications, cycles and jobs ------------------------------------------------------------


def rectification_list_for_actor(
    *,
    actor: Actor | None,
    search: str = "",
    status: str = "",
    overdue: bool | None = None,
    cycle_id: int | None = None,
) -> QuerySet[Rectification]:
    """Rectifications the actor may see, overdue ones first (``late``), then by deadline.

    Overdue: past the deadline and not yet accepted."""
    late = Q(deadline__lt=timezone.localdate()) & ~Q(status=Rectification.Status.ACCEPTED)
    rows: QuerySet[Rectification] = (
        Rectification.objects.for_actor(actor)
        .select_related("community", "street", "owner", "assessment__cycle")
        .annotate(late=Case(When(late, then=True), default=False, output_field=BooleanField()))
    )
    if search:
        rows = rows.filter(
            Q(title__icontains=search)
            | Q(description__icontains=search)
            | Q(community__name__icontains=search)
        )
    if status:
        rows = rows.filter(status=status)
    if overdue is not None:
        rows = rows.filter(late) if overdue else rows.exclude(late)
    if cycle_id:
        rows = rows.filter(assessment__cycle_id=cycle_id)
    return rows.order_by(F("late").desc(), "deadline", "pk")


def rectifications_to_carry(
    *, actor: Actor | None, from_cycle: Cycle, to_cycle: Cycle
) -> list[tuple[Rectification, Assessment | None]]:
    """The open (or done, not yet accepted) rectifications of ``from_cycle`` the actor sees,
    each with its community's assessment in ``to_cycle`` (None where there is none)."""
    items = rectification_list_for_actor(actor=actor, cycle_id=from_cycle.pk).filter(
        status__in=[Rectification.Status.OPEN, Rectification.Status.DONE]
    )
    targets = {
        a.community_id: a for a in Assessment.objects.for_actor(actor).filter(cycle_id=to_cycle.pk)
    }
    return [(item, targets.get(item.community_id)) for item in items]


def cycle_list_for_actor(*, actor: Actor | None) -> QuerySet[Cycle]:
    return Cycle.objects.for_actor(actor).select_related("scheme").order_by("-starts_on", "-pk")


def job_progress_get_for_actor(*, actor: Actor | None, key: str) -> JobProgress:
    """A background job's progress by its key; 404 outside the actor's tenant."""
    job: JobProgress = get_scoped_or_404(JobProgress.objects.for_actor(actor), key=key)
    return job


def rectification_owners_for(*, actor: Actor | None, assessment: Assessment) -> QuerySet[User]:
    """Who may own a rectification raised from ``assessment``: its secretary and the other
    active members of its community."""
    if actor is None:
        return User.objects.none()
    return (
        User.objects.filter(tenant_id=actor.tenant_id, is_active=True)
        .filter(
            Q(memberships__unit_id=assessment.community_id) | Q(pk=assessment.secretary.user_id)
        )
        .distinct()
        .order_by("username")
    )


# Background jobs ----------------------------------------------------------------------------

# A running job that has not written progress for this long is shown as stalled.
JOB_STALLED_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class JobState:
    key: str
    done: int
    total: int
    # "running", "finished", "failed" (the job recorded an error) or "stalled".
    status: str
    message: str
    updated_at: dt.datetime

    @property
    def percent(self) -> int:
        if self.status == "finished" or not self.total:
            return 100 if self.status == "finished" else 0
        return min(100, self.done * 100 // self.total)

    @property
    def ended(self) -> bool:
        return self.status in ("finished", "failed")


def cycle_open_job_key(cycle_id: int) -> str:
    """The key the opening job writes its progress under (see services.cycles.cycle_open)."""
    return f"cycle-open-{cycle_id}"


def job_state(job: JobProgress) -> JobState:
    if job.finished:
        status = "finished"
    elif job.message:
        status = "failed"
    elif timezone.now() - job.updated_at > JOB_STALLED_AFTER:
        status = "stalled"
    else:
        status = "running"
    return JobState(job.key, job.done, job.total, status, job.message, job.updated_at)
