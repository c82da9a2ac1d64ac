"""score(): one subject against a compiled scheme.

The numbers come from one loop (_evaluate) that both paths share; explain=True only adds
the tree on top, built by explain.py from the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from itertools import chain, compress, repeat
from operator import add, getitem, gt, lt, mul
from typing import cast

from .arith import ENGINE_CONTEXT, QUANTUM, ZERO, q, to_cents
from .columns import RunMap
from .compile import PRECOMPUTED_RATERS, CompiledScheme, ContextPlan
from .explain import build_explanation
from .results import (
    AdjustmentResult,
    CategoryResult,
    Figures,
    MissingEntry,
    Result,
)
from .specs import (
    AdjustmentKind,
    EntryInput,
    Grade,
    GradeBands,
    PackedEntries,
    Ref,
    SubjectInput,
    ref_key,
)

Key = tuple[str, str]
# The builtins, typed for what they get here: non-empty sequences of Decimals (sum starts
# from int 0, and 0 + Decimal is a Decimal).
_sum = cast(Callable[[Sequence[Decimal], Decimal], Decimal], sum)


@dataclass(frozen=True, slots=True)
class Core:
    """The figures of one subject, before adjustments and rounding."""

    base: Decimal
    base_max: Decimal  # with every missing group at full points
    categories: tuple[CategoryResult, ...]
    figures: Figures
    missing: tuple[MissingEntry, ...]
    consumed: int  # (indicator, group) buckets used: fewer than given means stray entries


def score(compiled: CompiledScheme, subject: SubjectInput, *, explain: bool = True) -> Result:
    """Score one subject. Raises ValueError on data the scheme cannot place."""
    plan = compiled.contexts[(subject.community_type, subject.career_stage)]
    if plan.error is not None:
        raise ValueError(plan.error)
    with localcontext(ENGINE_CONTEXT):
        by_key: dict[Key, list[EntryInput]] | None = None
        values: Mapping[Key, Sequence[Decimal]] | PackedEntries
        if explain:
            by_key = defaultdict(list)
            for entry in subject.all_entries():
                by_key[(entry.indicator_code, entry.group_code)].append(entry)
            values = {key: [e.value for e in entries] for key, entries in by_key.items()}
        elif subject.packed is not None and not subject.entries and not subject.entry_groups:
            values = subject.packed  # the bulk fast path: _evaluate slices it directly
        else:
            values = _bucket_values(subject)
        items = _adjustments(compiled, plan, subject)
        tied: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for item in items:
            if item.indicator_code is not None and item.applicable:
                tied[item.indicator_code] += item.points
        core = _evaluate(plan, values, tied)
        ignored: tuple[Ref, ...] = ()
        if isinstance(values, PackedEntries):
            if core.consumed != len(values.layout.keys):
                ignored = _ignored_entries(compiled, plan, subject, _bucket_values(subject))
        elif core.consumed != len(values):
            ignored = _ignored_entries(compiled, plan, subject, values)
        adjustments = _apply_tied(items, core)
        return _finish(compiled, plan, subject, core, adjustments, ignored, by_key)


def _bucket_values(subject: SubjectInput) -> dict[Key, Sequence[Decimal]]:
    values: dict[Key, Sequence[Decimal]] = {}
    get = values.get
    for group in subject.grouped():
        key = (group.indicator_code, group.group_code)
        found = get(key)
        # tuple() of a tuple is the tuple itself; of anything else, a copy we may not mutate
        values[key] = tuple(group.values) if found is None else [*found, *group.values]
    for entry in subject.entries:
        key = (entry.indicator_code, entry.group_code)
        found = get(key)
        if found is None:
            values[key] = [entry.value]
        elif isinstance(found, list):
            found.append(entry.value)
        else:
            values[key] = [*found, entry.value]
    return values


def _ignored_entries(
    compiled: CompiledScheme,
    plan: ContextPlan,
    subject: SubjectInput,
    values: Mapping[Key, Sequence[Decimal]],
) -> tuple[Ref, ...]:
    stray = values.keys() - plan.keys
    if not stray:
        return ()
    for key in stray:
        if key not in compiled.all_keys:
            raise ValueError(f"entry for indicator {key[0]!r} by group {key[1]!r}: no such pair")
    # The scheme may restrict an indicator after entries were made; such entries are kept
    # out of the score and listed, never counted.
    entries = subject.all_entries()
    ignored = [e.entry_id for e in entries if (e.indicator_code, e.group_code) in stray]
    return tuple(sorted(ignored, key=ref_key))


def _evaluate(
    plan: ContextPlan,
    values: Mapping[Key, Sequence[Decimal]] | PackedEntries,
    tied: dict[str, Decimal],
) -> Core:
    """The one computation of the numbers, for both paths.

    Bulk scoring runs it for every subject of a tenant (650,000 slots for 3,655
    communities), so it works column by column with map() over C builtins, and only loops
    in Python over the exceptions: missing groups, values to clamp, trimmed means,
    quantitative floors and tied deductions.

    A share is linear in the clamped value, so a group's points come from the sum of its
    values: (sum - n x floor) x max points x weight / (span x n), negated for
    lower-is-better.
    """
    cols = plan.columns
    flat: Sequence[Decimal]
    if isinstance(values, PackedEntries):
        layout = values.layout
        flat = values.values
        runs = layout.derived(cols, lambda: RunMap.for_layout(cols, layout.keys, layout.bounds))
    else:
        found = list(map(values.get, cols.keys, repeat(())))
        flat = list(chain.from_iterable(found))
        runs = RunMap.contiguous(cols, list(map(len, found)))
    # A share is clamped to [0, 1], i.e. each value to its slot's [lo, hi]: two C-level
    # comparison passes find the values outside, and only those are replaced.
    clamped = flat
    positions = range(len(flat))
    below = list(compress(positions, map(lt, flat, runs.lo)))
    above = list(compress(positions, map(gt, flat, runs.hi)))
    if below or above:
        clamped = list(flat)
        for n in below:
            clamped[n] = runs.lo[n]
        for n in above:
            clamped[n] = runs.hi[n]
    raters = list(runs.raters)
    if runs.stride:
        # Every column has k values end to end: value j of every column is clamped[j::k].
        k = runs.stride
        summed: Iterable[Decimal] = clamped[0::k]
        for j in range(1, k):
            summed = map(add, summed, clamped[j::k])
        totals = list(summed)
    else:
        totals = list(map(_sum, map(clamped.__getitem__, runs.slices), repeat(ZERO)))
    counted = raters
    missing_slots: list[int] = []
    if 0 in raters:
        missing_slots = [slot for slot, n in enumerate(raters) if not n]
        counted = list(raters)
        for slot in missing_slots:
            totals[slot] = cols.substitutes[slot]
            counted[slot] = 1
    if max(raters) >= 5:
        counted = list(counted)
        for slot, n in enumerate(raters):
            if n >= 5:
                run = clamped[runs.slices[slot]]
                totals[slot] -= min(run) + max(run)
                counted[slot] = n - 2
    for slot, base, negate in cols.shifted:
        shift = counted[slot] * base
        totals[slot] = shift - totals[slot] if negate else totals[slot] - shift
    if max(counted) <= PRECOMPUTED_RATERS:
        coefs = list(map(getitem, cols.coefs, counted))
    else:
        coefs = [
            table[n] if n < len(table) else kmax / ((hi - lo) * n)
            for table, n, kmax, lo, hi in zip(
                cols.coefs, counted, cols.kmax, cols.lo, cols.hi, strict=True
            )
        ]
    points = list(map(mul, totals, coefs))
    if missing_slots:
        counted = list(counted)
        for slot in missing_slots:
            counted[slot] = 0

    earned = list(map(_sum, map(points.__getitem__, cols.indicator_slices), repeat(ZERO)))
    applied: list[Decimal] = []
    net = earned
    if tied:
        applied = [ZERO] * len(earned)
        net = list(earned)
        for code, deduction in tied.items():
            n = cols.indicator_index[code]
            applied[n] = min(deduction, earned[n])
            net[n] = earned[n] - applied[n]
    total_points = list(map(Decimal.quantize, map(mul, net, cols.factors), repeat(QUANTUM)))
    subtotals = list(map(_sum, map(total_points.__getitem__, cols.category_slices), repeat(ZERO)))
    base_total = sum(subtotals, ZERO)

    missing: list[MissingEntry] = []
    base_max = base_total
    if missing_slots:
        at_stake: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for slot in missing_slots:
            n = cols.slot_indicator[slot]
            at_stake[n] += cols.full[slot]
            missing.append(
                MissingEntry(
                    cols.indicator_codes[n],
                    cols.group_codes[slot],
                    q(cols.full[slot] * cols.factors[n]),
                )
            )
        for n, stake in at_stake.items():
            best = earned[n] + stake - tied.get(cols.indicator_codes[n], ZERO)
            best_points = q(best * cols.factors[n]) if best > 0 else ZERO
            base_max += best_points - total_points[n]

    # Without trimming, missing groups or tied deductions, columns coincide: share them.
    raters_column = tuple(raters)
    earned_column = tuple(earned)
    figures = Figures(
        columns=cols,
        points=tuple(points),
        raters=raters_column,
        counted=raters_column if counted is raters else tuple(counted),
        earned=earned_column,
        deductions=tuple(applied) if tied else cols.zeros,
        net=earned_column if net is earned else tuple(net),
        total_points=tuple(total_points),
    )
    categories = tuple(
        CategoryResult(c.spec.code, c.spec.weight, c.max_points, subtotal)
        for c, subtotal in zip(plan.categories, subtotals, strict=True)
    )
    consumed = len(raters) - len(missing_slots)
    return Core(base_total, base_max, categories, figures, tuple(missing), consumed)


def _adjustments(
    compiled: CompiledScheme, plan: ContextPlan, subject: SubjectInput
) -> list[AdjustmentResult]:
    occurrences: dict[str, int] = {}
    refs: dict[str, list[Ref]] = defaultdict(list)
    for adjustment in subject.adjustments:
        code = adjustment.item_code
        if code not in compiled.items:
            raise ValueError(f"adjustment {adjustment.adjustment_id!r}: unknown item {code!r}")
        if adjustment.occurrences < 0:
            raise ValueError(f"adjustment {adjustment.adjustment_id!r}: negative occurrences")
        occurrences[code] = occurrences.get(code, 0) + adjustment.occurrences
        refs[code].append(adjustment.adjustment_id)
    results = []
    for code in sorted(occurrences, key=compiled.item_order.__getitem__):
        item = compiled.items[code]
        raw = q(item.points_per_occurrence * occurrences[code])
        points = raw if item.cap is None or raw <= item.cap else q(item.cap)
        applicable = item.indicator_code is None or item.indicator_code not in plan.not_applicable
        results.append(
            AdjustmentResult(
                item_code=code,
                kind=item.kind,
                indicator_code=item.indicator_code,
                occurrences=occurrences[code],
                refs=tuple(sorted(refs[code], key=ref_key)),
                raw_points=raw,
                points=points,
                item_cap_bit=points < raw,
                applied=points if applicable else ZERO,
                floor_bit=False,
                applicable=applicable,
            )
        )
    return results


def _apply_tied(adjustments: list[AdjustmentResult], core: Core) -> tuple[AdjustmentResult, ...]:
    """Split each indicator's deduction over its items, in scheme order, down to zero."""
    if not any(a.indicator_code is not None and a.applicable for a in adjustments):
        return tuple(adjustments)
    cols = core.figures.columns
    remaining = dict(zip(cols.indicator_codes, core.figures.earned, strict=True))
    results = []
    for adjustment in adjustments:
        code = adjustment.indicator_code
        if code is not None and adjustment.applicable:
            left = remaining[code]
            applied = min(adjustment.points, left)
            remaining[code] = left - applied
            adjustment = adjustment._replace(applied=applied, floor_bit=applied < adjustment.points)
        results.append(adjustment)
    return tuple(results)


def grade_for(total: Decimal, bands: GradeBands) -> Grade:
    if total >= bands.excellent:
        return Grade.EXCELLENT
    if total >= bands.good:
        return Grade.GOOD
    if total >= bands.passing:
        return Grade.PASS
    return Grade.FAIL


def _finish(
    compiled: CompiledScheme,
    plan: ContextPlan,
    subject: SubjectInput,
    core: Core,
    adjustments: tuple[AdjustmentResult, ...],
    ignored: tuple[Ref, ...],
    by_key: dict[Key, list[EntryInput]] | None,
) -> Result:
    scheme = compiled.scheme
    untied = [a for a in adjustments if a.indicator_code is None]
    bonus = sum((a.points for a in untied if a.kind is AdjustmentKind.BONUS), ZERO)
    bonus_total = bonus if scheme.bonus_cap is None else min(bonus, q(scheme.bonus_cap))
    deduction = sum((a.points for a in untied if a.kind is AdjustmentKind.DEDUCTION), ZERO)
    deduction_total = (
        deduction if scheme.deduction_cap is None else min(deduction, q(scheme.deduction_cap))
    )
    raw_total = core.base + bonus_total - deduction_total
    exact_total = raw_total if raw_total > 0 else ZERO
    total = to_cents(exact_total)
    best = to_cents(max(core.base_max + bonus_total - deduction_total, ZERO))

    for veto in subject.vetoes:
        if veto.item_code not in compiled.vetoes:
            raise ValueError(f"veto {veto.veto_id!r}: unknown item {veto.item_code!r}")
    veto_ids = tuple(sorted((v.veto_id for v in subject.vetoes), key=ref_key))
    complete = not core.missing
    grade: Grade | None = None
    if veto_ids:
        grade = Grade.FAIL
    elif complete:
        grade = grade_for(total, scheme.grade_bands)

    result = Result(
        subject_id=subject.subject_id,
        total=total,
        exact_total=exact_total,
        base_total=core.base,
        categories=core.categories,
        adjustments=adjustments,
        bonus_total=bonus_total,
        bonus_cap_bit=bonus_total < bonus,
        deduction_total=deduction_total,
        deduction_cap_bit=deduction_total < deduction,
        floored_at_zero=raw_total < 0,
        vetoed=bool(veto_ids),
        veto_ids=veto_ids,
        grade=grade,
        complete=complete,
        missing=core.missing,
        total_range=(total, best),
        not_applicable=plan.not_applicable,
        ignored_entry_ids=ignored,
        explanation=None,
        figures=core.figures,
    )
    if by_key is None:
        return result
    tree = build_explanation(compiled, plan, subject, result, by_key)
    if tree.points != exact_total:
        raise ArithmeticError(f"explanation adds up to {tree.points}, not {exact_total}")
    return replace(result, explanation=tree)
