"""Results: the engine over the stored entries, ranks in street and tenant, pay tiers."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import AdjustmentRecord, Assessment, Cycle, Result, VetoRecord
from assessments.selectors import (
    approved_special_codes,
    quarter_totals,
    subject_inputs,
    subject_inputs_for_totals,
)
from indicators import engine
from indicators.models import Scheme
from indicators.selectors import scheme_spec


def _with_adjustments(
    subjects: list[engine.SubjectInput], assessments: list[Assessment]
) -> list[engine.SubjectInput]:
    ids = [a.pk for a in assessments]
    adjustments: dict[int, list[engine.AdjustmentInput]] = defaultdict(list)
    for record in AdjustmentRecord.objects.filter(assessment_id__in=ids).select_related("item"):
        adjustments[record.assessment_id].append(
            engine.AdjustmentInput(record.pk, record.item.code, record.occurrences)
        )
    vetoes: dict[int, list[engine.VetoInput]] = defaultdict(list)
    approved = VetoRecord.objects.filter(
        assessment_id__in=ids, status=VetoRecord.Status.APPROVED
    ).select_related("item")
    for veto in approved:
        vetoes[veto.assessment_id].append(engine.VetoInput(veto.pk, veto.item.code))
    return [
        replace(
            s,
            adjustments=tuple(adjustments.get(int(s.subject_id), ())),
            vetoes=tuple(vetoes.get(int(s.subject_id), ())),
        )
        for s in subjects
    ]


def _compiled(assessment: Assessment, *, cached: bool = False) -> engine.CompiledScheme:
    chosen = approved_special_codes(
        scheme_id=assessment.scheme_id, community_ids=[assessment.community_id]
    ).get(assessment.community_id)
    scheme = assessment.scheme
    if cached and scheme.state == Scheme.State.PUBLISHED and scheme.published_at is not None:
        return _compiled_published(scheme.pk, scheme.published_at.isoformat(), chosen)
    return engine.compile_scheme(scheme_spec(scheme=scheme, special_codes=chosen))


@functools.lru_cache(maxsize=32)
def _compiled_published(
    scheme_id: int, published_at: str, picks: frozenset[str] | None
) -> engine.CompiledScheme:
    """A published scheme version never changes, so a batch of reports (or a worker's next
    job) compiles it once; the key holds the special-indicator picks too."""
    scheme = Scheme.objects.get(pk=scheme_id)
    return engine.compile_scheme(scheme_spec(scheme=scheme, special_codes=picks))


def _folded(
    cycle: Cycle, compiled: engine.CompiledScheme, scored: dict[Assessment, engine.Result]
) -> dict[Assessment, engine.Result]:
    """Annual results with the year's quarters folded in at the cycle's share."""
    if cycle.kind != Cycle.Kind.ANNUAL or not cycle.quarters_share:
        return scored
    quarters = quarter_totals(cycle=cycle, secretary_ids={a.secretary_id for a in scored})
    share, bands = Decimal(cycle.quarters_share), compiled.scheme.grade_bands
    return {
        a: engine.fold_quarters(result, quarters.get(a.secretary_id, ()), share, bands)
        for a, result in scored.items()
    }


def compute_result(
    assessment: Assessment, *, explain: bool = True, cached_scheme: bool = False
) -> engine.Result:
    """One assessment's result with its explanation (for the scorecard and publishing).

    ``cached_scheme``: reuse this process's compilation of a published scheme version (for
    reports built in bulk)."""
    subject = _with_adjustments(subject_inputs([assessment]), [assessment])[0]
    compiled = _compiled(assessment, cached=cached_scheme)
    result = engine.score(compiled, subject, explain=explain)
    return _folded(assessment.cycle, compiled, {assessment: result})[assessment]


RESULT_FIELDS = [
    "tenant", "street", "total", "base_total", "grade", "complete", "vetoed", "missing",
    "categories", "rank_in_street", "rank_in_tenant", "pay_tier", "quota_review", "own_total",
    "quarters_mean", "quarters_folded", "computed_at",
]  # fmt: skip


@transaction.atomic
def recompute_cycle(*, cycle_id: int) -> int:
    """Score every assessment of a cycle and store results, ranks and pay tiers. Idempotent:
    running it twice stores the same rows."""
    cycle = Cycle.objects.select_related("scheme").get(pk=cycle_id)
    assessments = list(
        Assessment.objects.filter(cycle=cycle).select_related("scheme").order_by("pk")
    )
    if not assessments:
        return 0
    subjects = _with_adjustments(list(subject_inputs_for_totals(assessments)), assessments)
    by_pk = {a.pk: a for a in assessments}
    # One compiled scheme per distinct set of special-indicator picks (most share one).
    choices = approved_special_codes(
        scheme_id=cycle.scheme_id, community_ids=[a.community_id for a in assessments]
    )
    compiled: dict[frozenset[str] | None, engine.CompiledScheme] = {}
    scored = {}
    for subject in subjects:
        picks = choices.get(by_pk[int(subject.subject_id)].community_id)
        if picks not in compiled:
            compiled[picks] = engine.compile_scheme(
                scheme_spec(scheme=cycle.scheme, special_codes=picks)
            )
        scored[int(subject.subject_id)] = engine.score(compiled[picks], subject, explain=False)
    if cycle.kind == Cycle.Kind.ANNUAL and cycle.quarters_share:
        # The grade bands are the scheme's, whatever the picks: any compiled plan has them.
        folded = _folded(
            cycle, next(iter(compiled.values())), {by_pk[pk]: r for pk, r in scored.items()}
        )
        scored = {a.pk: r for a, r in folded.items()}
    ranked_tenant = {int(r.result.subject_id): r for r in engine.rank(scored.values())}
    street_ranks: dict[int, int] = {}
    by_street: dict[int, list[engine.Result]] = defaultdict(list)
    for pk, result in scored.items():
        by_street[by_pk[pk].street_id].append(result)
    for results in by_street.values():
        for ranked in engine.rank(results):
            street_ranks[int(ranked.result.subject_id)] = ranked.rank
    tenant_ranked = list(ranked_tenant.values())
    quota = cycle.scheme.excellent_quota_percent
    if quota:
        tenant_ranked = engine.apply_excellent_quota(tenant_ranked, Decimal(quota))
    shares = cycle.scheme.pay_tier_shares
    if shares:
        tenant_ranked = engine.forced_distribution(tenant_ranked, shares)
    now = timezone.now()
    rows = []
    for ranked in tenant_ranked:
        pk = int(ranked.result.subject_id)
        result = ranked.result
        grade = ranked.grade
        rows.append(
            Result(
                assessment_id=pk, tenant_id=cycle.tenant_id, street_id=by_pk[pk].street_id, total=result.total,
                base_total=engine.to_cents(result.base_total), grade=str(grade) if grade else "",
                complete=result.complete, vetoed=result.vetoed, missing=len(result.missing),
                categories={c.code: str(engine.to_cents(c.subtotal)) for c in result.categories},
                rank_in_street=street_ranks[pk], rank_in_tenant=ranked.rank,
                pay_tier=ranked.tier, quota_review=ranked.needs_review,
                **_fold_fields(result.fold), computed_at=now,
            )
        )  # fmt: skip
    # One upsert per thousand results instead of two queries per result: a city's cycle
    # (3,655 assessments) was 7,300 round trips.
    Result.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["assessment"],
        update_fields=RESULT_FIELDS,
    )
    return len(tenant_ranked)


def what_if_result(assessment: Assessment, values: dict[str, Decimal]) -> engine.Result:
    """The result with ``values`` in place of every entry of those indicators; saves nothing."""
    subject = _with_adjustments(subject_inputs([assessment]), [assessment])[0]
    groups = tuple(
        g._replace(values=(values[g.indicator_code],) * len(g.values))
        if g.indicator_code in values
        else g
        for g in subject.entry_groups
    )
    compiled = _compiled(assessment)
    result = engine.score(compiled, replace(subject, entry_groups=groups), explain=False)
    return _folded(assessment.cycle, compiled, {assessment: result})[assessment]


def _fold_fields(fold: engine.QuarterFold | None) -> dict[str, object]:
    if fold is None:
        return {"own_total": None, "quarters_mean": None, "quarters_folded": 0}
    mean = engine.to_cents(fold.quarters_mean) if fold.quarters_mean is not None else None
    return {
        "own_total": fold.own_total,
        "quarters_mean": mean,
        "quarters_folded": len(fold.quarter_totals),
    }
