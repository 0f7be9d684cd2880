"""Rasa capacity: turns/s at p95 < 1 s through the api with one and with two Rasa processes,
measured side by side in one run, and their ratio.

    .venv/bin/python bench/capacity.py [--levels 2 4 8 12 16 24 32] [--seconds 12]

Starts the real stack once with two Rasa processes sharing the trained model, and two api
processes on the same database and action server: one routes every conversation to the first
Rasa (RASA_URLS with one URL), the other routes between both (RASA_URLS with two). At each
concurrency level, conversations of response-only turns run closed-loop through the widget's
socket.io protocol for a fixed time, first through one api, then through the other (so machine
noise hits both alike); the ramp of each stops once its p95 crosses 1 s. On a 2-core machine
shared with the api, the action server and this client, the ratio cannot reach 2.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bridge import TURNS  # the same response-only turns
from bench.ratios import percentile
from tests.support.stack import api_command, free_port, running_stack
from tests.support.webchat_client import WebchatClient

P95_LIMIT_SECONDS = 1.0


@dataclass(frozen=True)
class Level:
    concurrency: int
    turns: int
    seconds: float
    p50: float
    p95: float

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds


async def conversation_loop(api_url: str, deadline: float, latencies: list[float]) -> None:
    while time.monotonic() < deadline:
        client = WebchatClient(api_url)
        await client.connect()
        try:
            for message, expected in TURNS:
                started = time.perf_counter()
                await client.sio.emit(
                    "user_uttered", {"message": message, "session_id": client.session_id}
                )
                for _ in range(expected):
                    await asyncio.wait_for(client.inbox.get(), timeout=60)
                latencies.append(time.perf_counter() - started)
        finally:
            await client.close()


async def measure_level(api_url: str, concurrency: int, seconds: float) -> Level:
    latencies: list[float] = []
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(conversation_loop(api_url, deadline, latencies) for _ in range(concurrency))
    )
    elapsed = time.monotonic() - started
    return Level(
        concurrency,
        len(latencies),
        elapsed,
        statistics.median(latencies),
        percentile(latencies, 0.95),
    )


def best(levels: list[Level]) -> Level | None:
    within = [level for level in levels if level.p95 < P95_LIMIT_SECONDS]
    return max(within, key=lambda level: level.turns_per_second, default=None)


async def ramp(apis: dict[str, str], levels: list[int], seconds: float) -> dict[str, list[Level]]:
    for url in apis.values():  # warm up both paths (model load, first conversations)
        await measure_level(url, 2, 3)
    results: dict[str, list[Level]] = {name: [] for name in apis}
    print(f"{'rasa':>5} {'conc':>5} {'turns':>6} {'turns/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for concurrency in levels:
        for name, url in apis.items():
            done = results[name]
            if done and done[-1].p95 >= P95_LIMIT_SECONDS:
                continue  # this configuration already crossed the limit
            level = await measure_level(url, concurrency, seconds)
            done.append(level)
            print(
                f"{name:>5} {concurrency:>5} {level.turns:>6} {level.turns_per_second:>8.1f} "
                f"{1000 * level.p50:>8.0f} {1000 * level.p95:>8.0f}"
            )
        if all(r and r[-1].p95 >= P95_LIMIT_SECONDS for r in results.values()):
            break
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[2, 4, 8, 12, 16, 24, 32, 48])
    parser.add_argument("--seconds", type=float, default=12)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_stack(Path(workdir), rasa_processes=2) as stack,
    ):
        one_port = free_port()
        stack.start(
            "api-one-rasa",
            api_command(one_port),
            env={
                "RASA_URLS": stack.rasa_urls[0],
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{one_port}",
            },
        )
        one_url = f"http://127.0.0.1:{one_port}"
        stack.wait_healthy(api_url=one_url)
        apis = {"1": one_url, "2": stack.api_url}
        results = asyncio.run(ramp(apis, args.levels, args.seconds))
    one, two = best(results["1"]), best(results["2"])
    print()
    print(f"turns/s at p95 < {P95_LIMIT_SECONDS:.0f} s (best level within the limit):")
    for name, level in (("1 Rasa", one), ("2 Rasa", two)):
        if level is None:
            print(f"  {name}: no level stayed under the limit")
        else:
            print(
                f"  {name}: {level.turns_per_second:.1f} turns/s at {level.concurrency} "
                f"conversations (p95 {1000 * level.p95:.0f} ms)"
            )
    if one is not None and two is not None:
        print(f"  ratio 2/1: {two.turns_per_second / one.turns_per_second:.2f}")


if __name__ == "__main__":
    main()
