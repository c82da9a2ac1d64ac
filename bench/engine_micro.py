"""Micro-benchmark of the scoring engine alone: 3,655 subjects x 60 indicators x 3 groups x
3 raters, scored with explain=False, with the entries given one by one (EntryInput) and
grouped (EntryGroupInput). Building the inputs is not timed. Run: python -m bench.engine_micro
"""

from __future__ import annotations

import gc
import json
import random
import time
from dataclasses import replace
from decimal import Decimal
from itertools import groupby

from indicators.engine import (
    AdjustmentInput,
    AdjustmentItemSpec,
    AdjustmentKind,
    CareerStage,
    CategorySpec,
    CommunityType,
    CompiledScheme,
    Direction,
    EntryGroupInput,
    EntryInput,
    IndicatorSpec,
    LevelSpec,
    Method,
    RaterGroupSpec,
    Result,
    SchemeSpec,
    SubjectInput,
    TargetSpec,
    compile_scheme,
    score,
)

SUBJECTS = 3655
INDICATORS_PER_CATEGORY = 20
RATERS = 3
LEVELS = (
    LevelSpec("A", "优", Decimal(90), Decimal(100)),
    LevelSpec("B", "良", Decimal(75), Decimal(90)),
    LevelSpec("C", "中", Decimal(60), Decimal(75)),
    LevelSpec("D", "差", Decimal(0), Decimal(60)),
)
METHODS = (Method.QUANTITATIVE, Method.QUALITATIVE, Method.YES_NO, Method.RESIDENT_RATING)


def build_scheme() -> SchemeSpec:
    groups = (
        RaterGroupSpec("self", "自我检评", Decimal(10)),
        RaterGroupSpec("target", "目标量评", Decimal(50)),
        RaterGroupSpec("org", "组织考评", Decimal(40)),
    )
    categories = []
    for c, (name, weight) in enumerate((("基础指标", 40), ("发展指标", 30), ("特色指标", 30))):
        indicators = []
        for i in range(INDICATORS_PER_CATEGORY):
            method = METHODS[i % len(METHODS)]
            quantitative = method is Method.QUANTITATIVE
            lower = quantitative and i % 8 == 4
            indicators.append(
                IndicatorSpec(
                    code=f"c{c}i{i}",
                    name=f"指标 {c}-{i}",
                    max_points=Decimal(5 + i % 4),
                    method=method,
                    group_codes=("self", "target", "org"),
                    direction=Direction.LOWER if lower else Direction.HIGHER,
                    target=Decimal(10 if lower else 100) if quantitative else None,
                    levels=LEVELS if method is Method.QUALITATIVE else (),
                    target_overrides={(CommunityType.MOUNTAIN, None): TargetSpec(Decimal(80))}
                    if quantitative and not lower
                    else {},
                )
            )
        categories.append(CategorySpec(f"c{c}", name, Decimal(weight), tuple(indicators)))
    return SchemeSpec(
        categories=tuple(categories),
        rater_groups=groups,
        bonus_items=(
            AdjustmentItemSpec("award", "省级表彰", AdjustmentKind.BONUS, Decimal(2), Decimal(4)),
        ),
        deduction_items=(
            AdjustmentItemSpec("petition", "越级上访", AdjustmentKind.DEDUCTION, Decimal(3)),
            AdjustmentItemSpec(
                "absence", "无故缺席", AdjustmentKind.DEDUCTION, Decimal(5), None, "c0i1"
            ),
        ),
        bonus_cap=Decimal(5),
    )


def build_subjects(scheme: SchemeSpec) -> list[SubjectInput]:
    rng = random.Random(20240601)
    subjects = []
    entry_id = 0
    for s in range(SUBJECTS):
        entries = []
        for category in scheme.categories:
            for indicator in category.indicators:
                for group in indicator.group_codes:
                    for rater in range(RATERS):
                        entry_id += 1
                        entries.append(
                            EntryInput(
                                entry_id, indicator.code, group, rater, _value(rng, indicator)
                            )
                        )
        adjustments = []
        if s % 7 == 0:
            adjustments.append(AdjustmentInput(s * 10, "award", 1))
        if s % 11 == 0:
            adjustments.append(AdjustmentInput(s * 10 + 1, "absence", 1))
        subjects.append(
            SubjectInput(
                subject_id=s,
                community_type=rng.choice(list(CommunityType)),
                career_stage=rng.choice(list(CareerStage)),
                entries=tuple(entries),
                adjustments=tuple(adjustments),
            )
        )
    return subjects


def _value(rng: random.Random, indicator: IndicatorSpec) -> Decimal:
    if indicator.method is Method.YES_NO:
        return Decimal(int(rng.random() < 0.9))
    if indicator.method is Method.QUANTITATIVE:
        # Around the target, a fifth or so beyond it (clamped) or short of the floor.
        assert indicator.target is not None
        if indicator.direction is Direction.LOWER:
            return indicator.target * Decimal(rng.randint(50, 220)) / 100
        return indicator.target * Decimal(rng.randint(40, 120)) / 100
    return Decimal(rng.randint(500, 1000)) / 10


def grouped(subject: SubjectInput) -> SubjectInput:
    """The same subject with its entries in the bulk form, one object per (indicator, group)."""
    groups = []
    for (indicator, group), run in groupby(
        subject.entries, key=lambda e: (e.indicator_code, e.group_code)
    ):
        entries = list(run)
        groups.append(
            EntryGroupInput(
                indicator,
                group,
                tuple(e.entry_id for e in entries),
                tuple(e.rater_id for e in entries),
                tuple(e.value for e in entries),
            )
        )
    return replace(subject, entries=(), entry_groups=tuple(groups))


def _time_all(
    compiled: CompiledScheme, subjects: list[SubjectInput]
) -> tuple[float, float, list[Result]]:
    """Best of three runs, wall clock and CPU time (the CPU time does not count waiting for
    a core on a busy machine). The inputs are frozen out of the collector's way, as they
    would be long-lived in a real run too."""
    gc.collect()
    gc.freeze()
    best_wall = best_cpu = float("inf")
    results: list[Result] = []
    for _ in range(3):
        results = []  # let the previous run's results go, as a real run would not hold two
        wall, cpu = time.perf_counter(), time.process_time()
        results = [score(compiled, subject, explain=False) for subject in subjects]
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, results


def main() -> None:
    scheme = build_scheme()
    subjects = build_subjects(scheme)
    started = time.perf_counter()
    compiled = compile_scheme(scheme)
    compile_s = time.perf_counter() - started
    engine_s, engine_cpu_s, results = _time_all(compiled, subjects)
    bulk = [grouped(subject) for subject in subjects]
    grouped_s, grouped_cpu_s, bulk_results = _time_all(compiled, bulk)
    assert [r.exact_total for r in results] == [r.exact_total for r in bulk_results]
    started = time.perf_counter()
    for subject in subjects[:100]:
        score(compiled, subject, explain=True)
    explain_ms = (time.perf_counter() - started) * 10
    entries = sum(len(subject.entries) for subject in subjects)
    print(f"entries: {entries}, mean total: {sum(r.total for r in results) / len(results):.2f}")
    print(f"compile: {compile_s * 1000:.1f} ms; explain=True: {explain_ms:.2f} ms per subject")
    print(f"EntryInput: {engine_s:.3f} s (CPU {engine_cpu_s:.3f} s)")
    print(f"EntryGroupInput: {grouped_s:.3f} s (CPU {grouped_cpu_s:.3f} s)")
    summary = {
        "subjects": len(results),
        "engine_only_s": round(engine_s, 3),
        "engine_only_cpu_s": round(engine_cpu_s, 3),
        "engine_only_grouped_s": round(grouped_s, 3),
    }
    print("RESULT " + json.dumps(summary))


if __name__ == "__main__":
    main()
