"""Median and 90th percentile by linear interpolation (as PostgreSQL's percentile_cont)."""

from app.reports.stats import percentile, summary


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert percentile([40, 10, 30, 20], 0.5) == 25


def test_p90_interpolates_between_ranks():
    # Sorted 10, 20, 30, 40: position 0.9 × 3 = 2.7 → 30 + 0.7 × 10.
    assert percentile([10, 20, 30, 40], 0.9) == 37


def test_a_single_sample_is_its_own_median_and_p90():
    assert summary([42]) == (42, 42)


def test_no_samples_give_no_numbers():
    assert summary([]) == (None, None)
