"""Moodle's item analysis, as one pure function over a matrix of marks.

The formulas are Moodle's quiz statistics (Moodle Docs, "Quiz statistics calculations"; where
Moodle has no value, neither do we): rows are attempts, columns are items (question slots);
every variance and covariance divides by n - 1; nothing is clamped, so a badly keyed item shows
a negative discrimination index.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul


@dataclass(frozen=True)
class ItemStats:
    facility: float | None  # mean mark / max mark, a fraction 0..1
    sd: float | None  # in marks
    discrimination_index: float | None  # percent: correlation with the rest of the test
    discriminative_efficiency: float | None  # percent of the largest covariance possible
    effective_weight: float | None  # percent of the spread of totals this item carries


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    mean: float | None  # total marks
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cronbach_alpha: float | None  # percent (Moodle's CIC)
    error_ratio: float | None  # percent
    standard_error: float | None  # marks


@dataclass(frozen=True)
class Analysis:
    items: tuple[ItemStats, ...]
    quiz: QuizStats


@dataclass(frozen=True)
class _Column:
    """Deviations from the mean of one column, and its sample variance."""

    mean: float
    deviations: list[float]
    variance: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> "_Column":
        n = len(values)
        mean = math.fsum(values) / n
        deviations = [v - mean for v in values]
        if n < 2:
            variance = None
        elif max(values) == min(values):
            variance = 0.0  # exactly: rounding in the mean must not invent a tiny spread
        else:
            variance = _dot(deviations, deviations) / (n - 1)
        return cls(mean, deviations, variance)


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(map(mul, a, b))


def analyse(marks: Sequence[Sequence[float]], max_marks: Sequence[float]) -> Analysis:
    """Item and quiz statistics for `marks` (rows = attempts, columns = items, in marks)."""
    n, p = len(marks), len(max_marks)
    if any(len(row) != p for row in marks):
        raise ValueError(f"every row of marks needs {p} items, one per max mark")
    if n == 0:
        empty = ItemStats(None, None, None, None, None)
        return Analysis(items=(empty,) * p, quiz=_quiz_stats([], [], p))
    columns = [list(map(float, col)) for col in zip(*marks, strict=True)] if p else []
    totals = [math.fsum(row) for row in marks]
    total = _Column.of(totals)
    items = [_Column.of(col) for col in columns]
    cov_with_total = [_covariance(item, total, n) for item in items]
    items_stats = tuple(
        _item_stats(col, item, totals, max_mark, cov_with_total, i)
        for i, (col, item, max_mark) in enumerate(zip(columns, items, max_marks, strict=True)))
    variances = [item.variance for item in items]
    return Analysis(items=items_stats, quiz=_quiz_stats(totals, variances, p, total))


def _covariance(a: _Column, b: _Column, n: int) -> float | None:
    if n < 2:
        return None
    if a.variance == 0 or b.variance == 0:
        return 0.0  # a constant column covaries with nothing, whatever the rounding says
    return _dot(a.deviations, b.deviations) / (n - 1)


def _item_stats(values: list[float], item: _Column, totals: list[float], max_mark: float,
                cov_with_total: list[float | None], index: int) -> ItemStats:
    n = len(values)
    facility = item.mean / max_mark if max_mark else None
    sd = math.sqrt(item.variance) if item.variance is not None else None
    di = de = None
    if n > 1 and item.variance:
        rest_values = [t - x for t, x in zip(totals, values, strict=True)]
        rest = _Column.of(rest_values)
        if rest.variance:
            cov = _covariance(item, rest, n)
            di = 100 * cov / math.sqrt(item.variance * rest.variance)
            # The largest covariance these two marginal distributions allow: pair them sorted
            # (sorting the deviations sorts the values; the means stay the same).
            cov_max = _dot(sorted(item.deviations), sorted(rest.deviations)) / (n - 1)
            de = 100 * cov / cov_max if cov_max else None
    return ItemStats(facility=facility, sd=sd, discrimination_index=di,
                     discriminative_efficiency=de,
                     effective_weight=_effective_weight(cov_with_total, index))


def _effective_weight(cov_with_total: list[float | None], index: int) -> float | None:
    """Moodle: sqrt(Cov(x_i, T)) over the sum for items whose covariance is not negative."""
    own = cov_with_total[index]
    if own is None or own < 0:
        return None
    total = math.fsum(math.sqrt(c) for c in cov_with_total if c is not None and c >= 0)
    return 100 * math.sqrt(own) / total if total else None


def _quiz_stats(totals: list[float], variances: list[float | None], p: int,
                total: _Column | None = None) -> QuizStats:
    s = len(totals)
    if s == 0 or total is None:
        return QuizStats(s, None, None, None, None, None, None, None, None)
    k2 = total.variance
    sd = math.sqrt(k2) if k2 is not None else None
    skewness, kurtosis = _shape(total.deviations, k2)
    alpha = None
    if k2 and p > 1:
        alpha = 100 * p / (p - 1) * (1 - math.fsum(variances) / k2)
    error_ratio = 100 * math.sqrt(1 - alpha / 100) if alpha is not None else None
    standard_error = error_ratio * sd / 100 if error_ratio is not None else None
    return QuizStats(attempts=s, mean=total.mean, median=_median(totals), sd=sd,
                     skewness=skewness, kurtosis=kurtosis, cronbach_alpha=alpha,
                     error_ratio=error_ratio, standard_error=standard_error)


def _shape(deviations: list[float], k2: float | None) -> tuple[float | None, float | None]:
    """Moodle's skewness (s > 2) and excess kurtosis (s > 3) from the k-statistics."""
    s = len(deviations)
    if not k2 or s < 3:
        return None, None
    squares = [d * d for d in deviations]
    m2 = math.fsum(squares) / s
    m3 = _dot(squares, deviations) / s
    skewness = (s * s * m3 / ((s - 1) * (s - 2))) / k2 ** 1.5
    if s < 4:
        return skewness, None
    m4 = _dot(squares, squares) / s
    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
    return skewness, k4 / (k2 * k2)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
