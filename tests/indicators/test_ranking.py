"""Ranks, the 优秀 quota and forced distribution (docs/scoring.md, "Grades, ranks and tiers")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.engine import (
    AdjustmentInput,
    AdjustmentItemSpec,
    AdjustmentKind,
    CareerStage,
    CategorySpec,
    CommunityType,
    EntryInput,
    Grade,
    IndicatorSpec,
    Method,
    RankedResult,
    RaterGroupSpec,
    Result,
    SchemeSpec,
    SubjectInput,
    VetoInput,
    VetoItemSpec,
    apply_excellent_quota,
    compile_scheme,
    forced_distribution,
    rank,
    score,
    tier_sizes,
)

D = Decimal
SCHEME = compile_scheme(
    SchemeSpec(
        categories=(
            CategorySpec(
                "c",
                "基础指标",
                D(100),
                (IndicatorSpec("i", "指标", D(10), Method.QUALITATIVE, ("org",)),),
            ),
        ),
        rater_groups=(RaterGroupSpec("org", "组织考评", D(100)),),
        bonus_items=(AdjustmentItemSpec("award", "表彰", AdjustmentKind.BONUS, D(1)),),
        veto_items=(VetoItemSpec("safety", "重大安全事故"),),
    )
)


def result(subject_id: int, percent: str, *, bonus: int = 0, vetoed: bool = False) -> Result:
    """A result whose base total is `percent` and whose total adds `bonus` points."""
    data = SubjectInput(
        subject_id=subject_id,
        community_type=CommunityType.URBAN,
        career_stage=CareerStage.GROWTH,
        entries=(EntryInput(subject_id, "i", "org", "r", D(percent)),),
        adjustments=(AdjustmentInput(subject_id, "award", bonus),) if bonus else (),
        vetoes=(VetoInput(subject_id, "safety"),) if vetoed else (),
    )
    return score(SCHEME, data, explain=False)


def ids(ranked: list[RankedResult]) -> list[object]:
    return [r.result.subject_id for r in ranked]


def test_ties_share_a_rank() -> None:
    ranked = rank([result(1, "85"), result(2, "90"), result(3, "95"), result(4, "90")])
    assert ids(ranked) == [3, 2, 4, 1]
    assert [r.rank for r in ranked] == [1, 2, 2, 4]


def test_vetoed_results_come_after_all_others() -> None:
    ranked = rank([result(1, "99", vetoed=True), result(2, "70"), result(3, "80")])
    assert ids(ranked) == [3, 2, 1]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert ranked[-1].grade is Grade.FAIL


def test_equal_totals_are_split_by_the_base_total() -> None:
    # 1: base 80 + 2 bonus = 82; 2: base 82; 3: base 80 + 2 = 82 again
    ranked = rank([result(1, "80", bonus=2), result(2, "82"), result(3, "80", bonus=2)])
    assert [r.result.total for r in ranked] == [D("82.00")] * 3
    assert ids(ranked) == [2, 1, 3]
    assert [r.rank for r in ranked] == [1, 2, 2]


def test_the_base_total_is_compared_as_shown() -> None:
    # bases 80.001 and 80.004 both show as 80.00: a tie, not a split on invisible digits
    ranked = rank([result(1, "80.001"), result(2, "80.004")])
    assert [r.rank for r in ranked] == [1, 1]


def test_ranking_returns_new_objects_and_keeps_its_input() -> None:
    results = [result(1, "70"), result(2, "90")]
    ranked = rank(results)
    assert results[0].subject_id == 1  # the list passed in is not reordered
    capped = apply_excellent_quota(ranked, D(0))
    assert ranked[0].grade is Grade.EXCELLENT
    assert capped[0].grade is Grade.GOOD
    assert capped[0] is not ranked[0]


def _ten() -> list[RankedResult]:
    # 98, 95, 95, 92 are 优秀; the rest are not
    percents = ["98", "95", "95", "92", "88", "85", "80", "75", "70", "65"]
    return rank([result(n, p) for n, p in enumerate(percents, start=1)])


def test_a_tied_group_straddling_the_quota_loses_excellent_and_is_flagged() -> None:
    # n = 10, quota 20 %: floor(10 x 0.2) = 2. 98 keeps 优秀 (1 of 2); the two tied at 95
    # would make 3, so both become 良好 and are flagged; 92 is below them and loses 优秀
    # without a flag.
    out = apply_excellent_quota(_ten(), D(20))
    assert [r.grade for r in out[:5]] == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.GOOD,
        Grade.GOOD,
    ]
    assert [r.needs_review for r in out[:4]] == [False, True, True, False]
    assert [r.quota_downgraded for r in out[:5]] == [False, True, True, True, False]


def test_a_tied_group_that_fits_keeps_excellent() -> None:
    # quota 30 %: floor(10 x 0.3) = 3 = 98 and both 95s; 92 is beyond it, not flagged
    out = apply_excellent_quota(_ten(), D(30))
    assert [r.grade for r in out[:4]] == [Grade.EXCELLENT] * 3 + [Grade.GOOD]
    assert not any(r.needs_review for r in out)


def test_the_quota_rounds_down() -> None:
    # n = 7, quota 20 %: 1.4 -> 1
    ranked = rank([result(n, p) for n, p in enumerate(["99", "97", "50", "50", "50", "50", "50"])])
    out = apply_excellent_quota(ranked, D(20))
    assert [r.grade for r in out[:2]] == [Grade.EXCELLENT, Grade.GOOD]


def test_tier_sizes_by_largest_remainder() -> None:
    # 12 x 2/10 = 2.4, 12 x 6/10 = 7.2, 2.4 -> 2, 7, 2 (11); the seat left goes to the
    # largest remainder, 0.4 in tiers 1 and 3, tie to the earlier: (3, 7, 2)
    assert tier_sizes(12, (2, 6, 2)) == (3, 7, 2)
    # 7 x 0.2 = 1.4, 4.2, 1.4 -> 1, 4, 1 (6); remainders 0.4, 0.2, 0.4 -> (2, 4, 1)
    assert tier_sizes(7, (2, 6, 2)) == (2, 4, 1)
    # 10 -> exactly 2, 6, 2
    assert tier_sizes(10, (2, 6, 2)) == (2, 6, 2)
    with pytest.raises(ValueError, match="non-negative"):
        tier_sizes(10, (0, 0))


def test_forced_distribution_over_twelve() -> None:
    ranked = rank([result(n, str(100 - n)) for n in range(12)])
    tiers = [r.tier for r in forced_distribution(ranked, (2, 6, 2))]
    assert tiers == [1] * 3 + [2] * 7 + [3] * 2


def test_forced_distribution_over_seven() -> None:
    ranked = rank([result(n, str(100 - n)) for n in range(7)])
    tiers = [r.tier for r in forced_distribution(ranked, (2, 6, 2))]
    assert tiers == [1, 1, 2, 2, 2, 2, 3]


def test_a_tied_group_goes_where_its_first_member_falls() -> None:
    # sizes (3, 7, 2); positions 2, 3, 4 are tied: the group starts in tier 1 (position
    # 2 < 3) and goes there whole, so tier 1 holds 5
    percents = ["99", "98", "90", "90", "90", "80", "79", "78", "77", "76", "75", "74"]
    ranked = rank([result(n, p) for n, p in enumerate(percents)])
    tiers = [r.tier for r in forced_distribution(ranked, (2, 6, 2))]
    assert tiers == [1] * 5 + [2] * 5 + [3] * 2


def test_a_tied_group_at_the_end_of_a_tier_may_empty_the_next() -> None:
    # sizes (3, 7, 2): tier 3 starts at position 10; the group at 9, 10, 11 starts in tier 2
    percents = ["99", "98", "97", "96", "95", "94", "93", "92", "91", "50", "50", "50"]
    ranked = rank([result(n, p) for n, p in enumerate(percents)])
    tiers = [r.tier for r in forced_distribution(ranked, (2, 6, 2))]
    assert tiers == [1] * 3 + [2] * 9
