"""Ratios of latency statistics between two paths measured in rounds, with a bootstrap interval
over rounds: how far one benchmark run's ratio can be trusted on a noisy machine."""

import random
import statistics
from collections.abc import Callable


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


Statistic = Callable[[list[float]], float]

STATISTICS: dict[str, Statistic] = {
    "mean": statistics.fmean,
    "p50": statistics.median,
    "p95": lambda values: percentile(values, 0.95),
}


def ratio(bridge: list[list[float]], direct: list[list[float]], statistic: Statistic) -> float:
    """bridge/direct of one statistic over all samples of all rounds."""
    return statistic(pooled(bridge)) / statistic(pooled(direct))


def bootstrap_interval(
    bridge: list[list[float]],
    direct: list[list[float]],
    statistic: Statistic,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """90 % interval of the ratio, resampling whole rounds (a round's turns are not independent:
    they share a burst) of each path with replacement."""
    rng = random.Random(seed)
    ratios = sorted(
        ratio(
            [rng.choice(bridge) for _ in bridge],
            [rng.choice(direct) for _ in direct],
            statistic,
        )
        for _ in range(resamples)
    )
    return ratios[int(0.05 * resamples)], ratios[int(0.95 * resamples) - 1]


def pooled(rounds: list[list[float]]) -> list[float]:
    return [value for one_round in rounds for value in one_round]
