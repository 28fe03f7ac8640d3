"""Order statistics over real samples: the median and the 90th percentile."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> tuple[float | None, float | None]:
    """(median, p90) of the samples."""
    return percentile(values, 0.5), percentile(values, 0.9)
