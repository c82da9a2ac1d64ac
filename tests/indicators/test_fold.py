"""The annual evaluation folded with the year's quarters: worked by hand."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from indicators.engine import Grade, GradeBands, Method, Result, fold_quarters, score
from tests.indicators.test_engine import compiled, entries, indicator, subject

BANDS = GradeBands()


def result_with_total(total: D) -> Result:
    """A complete result whose exact total is ``total``: one resident-rating indicator
    worth the whole scheme, rated ``total``."""
    scheme = compiled(indicator(method=Method.RESIDENT_RATING))
    return score(scheme, subject(entries("i1", "org", str(total))), explain=False)


def test_the_fold_weighs_the_annual_total_and_the_mean_of_the_quarters() -> None:
    own = result_with_total(D("93.3333333333333333333"))
    # mean(100, 80) = 90; 93.3333... x 70 % + 90 x 30 % = 65.3333... + 27 = 92.3333... -> 92.33
    folded = fold_quarters(own, [D("100.00"), D("80.00")], D(30), BANDS)
    assert folded.total == D("92.33")
    assert folded.grade is Grade.EXCELLENT
    assert folded.fold is not None
    assert folded.fold.own_total == own.total == D("93.33")
    assert folded.fold.quarters_mean == D(90)
    assert folded.fold.quarter_totals == (D("100.00"), D("80.00"))


def test_the_fold_can_move_the_grade_down() -> None:
    # 91 x 60 % + mean(70, 74) x 40 % = 54.6 + 28.8 = 83.4: 优秀 alone, 良好 folded
    folded = fold_quarters(result_with_total(D(91)), [D(70), D(74)], D(40), BANDS)
    assert folded.total == D("83.40")
    assert folded.grade is Grade.GOOD


def test_no_quarter_leaves_the_annual_total_alone() -> None:
    own = result_with_total(D("88.50"))
    folded = fold_quarters(own, [], D(30), BANDS)
    assert folded.total == D("88.50")
    assert folded.grade is own.grade
    assert folded.fold is not None and folded.fold.quarters_mean is None


def test_a_veto_still_fails_and_an_incomplete_result_stays_ungraded() -> None:
    vetoed = replace(result_with_total(D(95)), vetoed=True, grade=Grade.FAIL)
    assert fold_quarters(vetoed, [D(95)], D(50), BANDS).grade is Grade.FAIL
    incomplete = replace(
        result_with_total(D(80)), complete=False, grade=None, total_range=(D(80), D(90))
    )
    folded = fold_quarters(incomplete, [D(60)], D(50), BANDS)
    assert folded.grade is None
    # both ends folded: (80 + 60) / 2 = 70 and (90 + 60) / 2 = 75
    assert folded.total_range == (D("70.00"), D("75.00"))


def test_the_share_is_a_percentage_and_a_result_folds_once() -> None:
    own = result_with_total(D(80))
    with pytest.raises(ValueError, match="0-100"):
        fold_quarters(own, [D(70)], D(101), BANDS)
    with pytest.raises(ValueError, match="already"):
        fold_quarters(fold_quarters(own, [D(70)], D(10), BANDS), [D(70)], D(10), BANDS)
