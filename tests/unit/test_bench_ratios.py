"""The bridge benchmark's ratio and its bootstrap interval over rounds (bench/ratios.py)."""

import random

import pytest

from bench.ratios import STATISTICS, bootstrap_interval, percentile, ratio


def rounds_of(rng: random.Random, count: int, scale: float) -> list[list[float]]:
    return [[scale * rng.lognormvariate(0, 0.4) for _ in range(250)] for _ in range(count)]


def test_percentile_picks_the_sample_at_the_fraction() -> None:
    assert percentile([float(v) for v in range(100)], 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0


@pytest.mark.parametrize("name", ["mean", "p50", "p95"])
def test_a_path_slower_by_a_fifth_reads_as_1_2_and_its_interval_holds_it(name: str) -> None:
    rng = random.Random(7)
    direct = rounds_of(rng, 10, 1.0)
    bridge = [[1.2 * value for value in one_round] for one_round in direct]
    assert ratio(bridge, direct, STATISTICS[name]) == pytest.approx(1.2)
    low, high = bootstrap_interval(bridge, direct, STATISTICS[name])
    assert low < 1.2 < high
    assert high - low < 0.3


def test_the_interval_narrows_with_more_rounds() -> None:
    rng = random.Random(3)
    few = bootstrap_interval(rounds_of(rng, 3, 1.0), rounds_of(rng, 3, 1.0), STATISTICS["p95"])
    many = bootstrap_interval(rounds_of(rng, 30, 1.0), rounds_of(rng, 30, 1.0), STATISTICS["p95"])
    assert many[1] - many[0] < few[1] - few[0]


def test_one_slow_round_widens_the_interval_but_not_beyond_the_data() -> None:
    rng = random.Random(5)
    direct = rounds_of(rng, 10, 1.0)
    bridge = rounds_of(rng, 9, 1.0) + rounds_of(rng, 1, 3.0)
    low, high = bootstrap_interval(bridge, direct, STATISTICS["p95"])
    point = ratio(bridge, direct, STATISTICS["p95"])
    assert low <= point <= high
    assert high > 1.5 > low


def test_the_interval_is_reproducible() -> None:
    rng = random.Random(1)
    bridge, direct = rounds_of(rng, 5, 1.0), rounds_of(rng, 5, 1.0)
    assert bootstrap_interval(bridge, direct, STATISTICS["p95"]) == bootstrap_interval(
        bridge, direct, STATISTICS["p95"]
    )
