"""analyse() against hand-computed values and an independent computation with `statistics`."""

import math
import random
import statistics as st
from fractions import Fraction

import pytest

from app.services.item_analysis import analyse

# Six attempts, three 1-mark items. Item 1 is answered by the weaker half only: a miskeyed item.
MARKS = [
    [1, 1, 0],  # T = 2
    [1, 1, 0],  # T = 2
    [1, 0, 0],  # T = 1
    [0, 1, 1],  # T = 2
    [0, 0, 1],  # T = 1
    [0, 0, 0],  # T = 0
]
MAX = [1, 1, 1]


def test_item_statistics_match_hand_computed_values():
    item = analyse(MARKS, MAX).items[0]
    # x = 1 1 1 0 0 0: mean 1/2, so facility 0.5; Var(x) = 6 * (1/2)^2 / 5 = 0.3.
    assert item.facility == pytest.approx(0.5)
    assert item.sd == pytest.approx(math.sqrt(0.3))
    # rest = T - x = 1 1 0 2 1 0, mean 5/6; Σ(r - 5/6)^2 = 102/36, so Var(rest) = 17/30.
    # Σ(x - 1/2)(r - 5/6) = 1/2 (1/6 + 1/6 - 5/6) - 1/2 (7/6 + 1/6 - 5/6) = -1/2: Cov = -0.1.
    # DI = 100 * -0.1 / sqrt(0.3 * 17/30) = -10 / sqrt(0.17) = -24.2536...
    assert item.discrimination_index == pytest.approx(-10 / math.sqrt(0.17))
    # Sorted independently: x = 0 0 0 1 1 1, rest = 0 0 1 1 1 2; Σ products of deviations
    # = -1/2 (-5/6 - 5/6 + 1/6) + 1/2 (1/6 + 1/6 + 7/6) = 3/2, so Cov_max = 0.3, DE = -33.3...
    assert item.discriminative_efficiency == pytest.approx(-100 / 3)
    # Cov(x, T) = Cov(x, rest) + Var(x) = 0.2 >= 0, so it has a weight.
    assert item.effective_weight is not None


def test_quiz_statistics_match_hand_computed_values():
    quiz = analyse(MARKS, MAX).quiz
    # T = 2 2 1 2 1 0: mean 4/3, median (1 + 2) / 2; deviations 2/3 2/3 -1/3 2/3 -1/3 -4/3.
    assert quiz.attempts == 6
    assert quiz.mean == pytest.approx(4 / 3)
    assert quiz.median == pytest.approx(1.5)
    # Σd^2 = 10/3, so k2 = 2/3.
    assert quiz.sd == pytest.approx(math.sqrt(2 / 3))
    # m3 = Σd^3 / 6 = -7/27; k3 = 36 m3 / (5 * 4) = -7/15; skew = k3 / k2^1.5.
    assert quiz.skewness == pytest.approx((-7 / 15) / (2 / 3) ** 1.5)
    # m2 = 5/9, m4 = Σd^4 / 6 = 17/27; k4 = 36 (7 m4 - 15 m2^2) / 60 = -2/15; kurt = k4/k2^2.
    assert quiz.kurtosis == pytest.approx(-0.3)
    # Item variances 0.3 + 0.3 + 4/15 = 13/15; CIC = 100 * 3/2 * (1 - (13/15) / (2/3)) = -45.
    assert quiz.cronbach_alpha == pytest.approx(-45.0)
    assert quiz.error_ratio == pytest.approx(100 * math.sqrt(1.45))
    assert quiz.standard_error == pytest.approx(math.sqrt(1.45) * math.sqrt(2 / 3))


def _reference(marks, max_marks):
    """A straightforward re-computation with `statistics` and exact fractions."""
    totals = [sum(row) for row in marks]
    items = []
    for i, max_mark in enumerate(max_marks):
        x = [row[i] for row in marks]
        rest = [t - v for t, v in zip(totals, x, strict=True)]
        cov_max = st.covariance(sorted(x), sorted(rest))
        items.append({
            "facility": float(Fraction(sum(x)) / len(x) / max_mark),
            "sd": st.stdev(x),
            "di": 100 * st.correlation(x, rest),
            "de": 100 * st.covariance(x, rest) / cov_max,
            "cov_t": st.covariance(x, totals),
        })
    weights = sum(math.sqrt(it["cov_t"]) for it in items if it["cov_t"] >= 0)
    for it in items:
        it["ew"] = 100 * math.sqrt(it["cov_t"]) / weights if it["cov_t"] >= 0 else None
    p = len(max_marks)
    alpha = 100 * p / (p - 1) * (
        1 - sum(st.variance([row[i] for row in marks]) for i in range(p)) / st.variance(totals))
    return items, {"mean": st.fmean(totals), "median": st.median(totals),
                   "sd": st.stdev(totals), "alpha": alpha}


def test_analyse_agrees_with_an_independent_computation_on_random_marks():
    rng = random.Random(7)
    max_marks = [1, 1, 2, 1, 0.5, 3]
    marks = [[rng.choice([0, m / 2, m]) if m > 1 else float(rng.random() < 0.6) * m
              for m in max_marks] for _ in range(200)]
    result = analyse(marks, max_marks)
    expected_items, expected_quiz = _reference(marks, max_marks)
    for got, want in zip(result.items, expected_items, strict=True):
        assert got.facility == pytest.approx(want["facility"])
        assert got.sd == pytest.approx(want["sd"])
        assert got.discrimination_index == pytest.approx(want["di"])
        assert got.discriminative_efficiency == pytest.approx(want["de"])
        assert got.effective_weight == pytest.approx(want["ew"])
    assert result.quiz.mean == pytest.approx(expected_quiz["mean"])
    assert result.quiz.median == pytest.approx(expected_quiz["median"])
    assert result.quiz.sd == pytest.approx(expected_quiz["sd"])
    assert result.quiz.cronbach_alpha == pytest.approx(expected_quiz["alpha"])


def test_analyse_effective_weights_sum_to_100_when_no_covariance_is_negative():
    marks = [[1, 1], [1, 0], [0, 0], [1, 1], [0, 1]]
    weights = [item.effective_weight for item in analyse(marks, [1, 1]).items]
    assert sum(weights) == pytest.approx(100.0)


def test_analyse_gives_none_for_an_item_everyone_scored_the_same():
    marks = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 1]]
    item = analyse(marks, [1, 1, 1]).items[0]
    assert item.facility == 1.0
    assert item.sd == 0.0
    assert item.discrimination_index is None
    assert item.discriminative_efficiency is None


def test_analyse_gives_none_for_quiz_spread_when_every_total_is_equal():
    marks = [[0.1, 0.1]] * 10  # 0.1 is inexact in binary: no spread must come out as exactly 0
    result = analyse(marks, [1, 1])
    assert result.quiz.sd == 0.0
    assert result.quiz.cronbach_alpha is None
    assert result.quiz.skewness is None and result.quiz.kurtosis is None
    assert result.quiz.error_ratio is None and result.quiz.standard_error is None
    assert [i.discrimination_index for i in result.items] == [None, None]
    assert [i.effective_weight for i in result.items] == [None, None]


def test_analyse_single_attempt_has_means_but_no_spread():
    result = analyse([[1, 0.5]], [1, 1])
    assert result.quiz.mean == 1.5 and result.quiz.median == 1.5
    assert result.quiz.sd is None and result.quiz.cronbach_alpha is None
    assert result.items[1].facility == 0.5
    assert result.items[1].sd is None
    assert result.items[1].discrimination_index is None
    assert result.items[1].effective_weight is None


def test_analyse_zero_max_mark_has_no_facility():
    marks = [[0, 1], [0, 0], [0, 1]]
    assert analyse(marks, [0, 1]).items[0].facility is None


def test_analyse_no_attempts_gives_none_everywhere():
    result = analyse([], [1, 1])
    assert result.quiz.attempts == 0 and result.quiz.mean is None
    assert all(i.facility is None and i.sd is None for i in result.items)


def test_analyse_skewness_needs_three_attempts_and_kurtosis_four():
    three = analyse([[0, 0], [1, 0], [1, 1]], [1, 1]).quiz
    assert three.skewness is not None and three.kurtosis is None
    assert analyse([[0, 0], [1, 1]], [1, 1]).quiz.skewness is None


def test_analyse_rejects_rows_of_the_wrong_length():
    with pytest.raises(ValueError):
        analyse([[1, 0], [1]], [1, 1])
