"""The token bucket behind the chat and mail rate limits, on a clock the test moves."""

import pytest

from api.services.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_refused_with_the_wait_until_the_next_token() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=3, per_minute=30, clock=clock)  # one token per 2 s
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(2.0)
    clock.now += 1.0
    assert limiter.acquire("a") == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.acquire("a") == 0.0


def test_keys_are_independent_and_a_steady_pace_under_the_rate_is_never_refused() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=2, per_minute=30, clock=clock)
    assert limiter.acquire("flooder") == 0.0
    assert limiter.acquire("flooder") == 0.0
    assert limiter.acquire("flooder") > 0
    for _ in range(100):  # one message every 2.5 s, for four minutes
        clock.now += 2.5
        assert limiter.acquire("normal") == 0.0


def test_refill_never_exceeds_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(capacity=2, per_minute=60, clock=clock)
    limiter.acquire("a")
    clock.now += 3600
    assert [limiter.acquire("a") for _ in range(3)][-1] > 0


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter(capacity=0, per_minute=10)
    with pytest.raises(ValueError):
        RateLimiter(capacity=1, per_minute=0)
