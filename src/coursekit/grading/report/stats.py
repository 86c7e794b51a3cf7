"""Item statistics as pure functions of a score matrix: facility, discrimination, reliability, distribution.

Rows are students, columns are questions (points earned). The definitions are the classical ones used by
Moodle's quiz statistics report and by item-analysis textbooks:

* facility: the mean score over the points, 0 (nobody) to 1 (everyone);
* corrected item-total correlation: Pearson's r between the item and the total *without that item*,
  so an item is not correlated with itself;
* upper-lower index: (mean item score of the top 27 % - that of the bottom 27 %) / points, students
  ranked by total (ties broken by their order in the matrix, so the result is reproducible);
* Cronbach's alpha: k/(k-1) * (1 - sum of item variances / variance of totals), which is KR-20 when
  every item scores 0 or full points.

A statistic that is not defined (nobody varies, too few students) is NaN, never an exception.
"""

from __future__ import annotations

import math

import numpy as np

GROUP_SHARE = 0.27  # Kelley's 27 %: the share of students in each of the upper and lower groups


def facility(item: np.ndarray, points: float) -> float:
    """Mean score over the points; NaN without students."""
    return float(np.mean(item) / points) if len(item) else math.nan


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r; NaN when either side does not vary or there are fewer than 3 students."""
    if len(x) < 3:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    denominator = math.sqrt(float(dx @ dx) * float(dy @ dy))
    return float(dx @ dy) / denominator if denominator > 1e-12 else math.nan


def corrected_item_total(item: np.ndarray, total: np.ndarray) -> float:
    """The item's correlation with the rest of the quiz (the total minus the item itself)."""
    return pearson(item, total - item)


def group_size(n: int, share: float = GROUP_SHARE) -> int:
    """Students in each of the upper and lower groups: 27 % of the class, rounded, at least 1."""
    return max(1, int(math.floor(n * share + 0.5))) if n >= 2 else 0


def ranked(total: np.ndarray) -> np.ndarray:
    """Student indices from the highest total to the lowest; ties keep the matrix order. Totals are rounded
    to 1e-9 first, so sums that differ only by floating-point noise (0.1 + 0.2 vs 0.3) count as ties."""
    return np.argsort(-np.round(total, 9), kind="stable")


def groups(total: np.ndarray, share: float = GROUP_SHARE) -> tuple[np.ndarray, np.ndarray]:
    """(upper, lower) groups of student indices; both empty with fewer than 2 students."""
    order, size = ranked(total), group_size(len(total), share)
    if size == 0:
        return order[:0], order[:0]
    return order[:size], order[-size:]


def upper_lower(item: np.ndarray, total: np.ndarray, points: float, share: float = GROUP_SHARE) -> float:
    """(mean of the upper group - mean of the lower group) / points, in -1..1; NaN under 2 students."""
    upper, lower = groups(total, share)
    if len(upper) == 0:
        return math.nan
    return float((item[upper].mean() - item[lower].mean()) / points)


def cronbach_alpha(scores: np.ndarray) -> float:
    """Cronbach's alpha of a students x items matrix; NaN with fewer than 2 items or 2 students,
    or when the totals do not vary."""
    n, k = scores.shape
    if k < 2 or n < 2:
        return math.nan
    total_var = float(np.var(scores.sum(axis=1), ddof=1))
    if total_var <= 1e-12:
        return math.nan
    item_var = float(np.var(scores, axis=0, ddof=1).sum())
    return k / (k - 1) * (1 - item_var / total_var)


def is_dichotomous(scores: np.ndarray, points: np.ndarray) -> bool:
    """Does every item score only 0 or full points (so alpha is KR-20)?"""
    return bool(np.all((scores == 0) | np.isclose(scores, points)))


def histogram(total: np.ndarray, maximum: float, bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(counts, edges) of the totals over 0..maximum in ``bins`` equal bins (the last includes the maximum)."""
    edges = np.linspace(0.0, maximum if maximum > 0 else 1.0, bins + 1)
    counts, _ = np.histogram(np.clip(total, 0, edges[-1]), bins=edges)
    return counts, edges


def summary(total: np.ndarray) -> dict[str, float]:
    """Mean, median, standard deviation (n - 1), minimum and maximum of the totals (NaN when empty)."""
    if len(total) == 0:
        return dict.fromkeys(("mean", "median", "sd", "min", "max"), math.nan)
    sd = float(np.std(total, ddof=1)) if len(total) > 1 else math.nan
    return {
        "mean": float(total.mean()),
        "median": float(np.median(total)),
        "sd": sd,
        "min": float(total.min()),
        "max": float(total.max()),
    }
