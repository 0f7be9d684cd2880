"""Bridge overhead: the same conversations through the api's socket.io bridge and straight to
Rasa's REST channel, measured side by side in one run.

    .venv/bin/python bench/bridge.py [--concurrency 10 50] [--samples 2500 | --rounds N]

Starts the real stack (Rasa, action server, api) once. Each conversation sends the same
response-only turns; a turn's latency is from sending to the last expected reply. The direct
path uses the api's own Rasa client (one pool for the run, as in the api), and each burst's
first turns leave together in both paths. Phases alternate (direct, bridge, direct, bridge,
...) so machine noise hits both alike. Prints the mean, p50 and p95 of both paths and the
bridge/direct ratios per concurrency level (goal: ≤ 1.10), each with a 90 % bootstrap interval
over rounds. Every conversation has 5 turns, so a fifth of the samples are first turns of a
synchronized burst, the slowest kind: the p95 sits among them, and with 2-3 rounds (100-150
first turns at 50) it moved between 0.94 and 1.19 from run to run. The interval says how far
a run's ratio can be trusted. Each level runs as many rounds as it takes to collect about
`--samples` turns per path (2,500: 10 rounds at 50 conversations, 50 at 10), so both levels
are measured equally precisely; `--rounds` fixes the count instead.

Latency on a shared 2-core machine is noisy, so it also prints CPU time per turn (from
/proc/<pid>/stat), which other jobs do not disturb: Rasa's in each path, the api's (the
bridge's own cost), and this client's (socket.io clients cost more than plain HTTP; on 2
cores that CPU is taken from Rasa and shows up in the bridge's latency).
"""

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.services.rasa_client import RasaClient
from bench.ratios import STATISTICS, bootstrap_interval, percentile, pooled, ratio
from tests.support.stack import running_stack
from tests.support.webchat_client import WebchatClient

# (message, number of bot messages Rasa answers with): response-only turns, nothing stored.
TURNS = [
    ("/greet", 2),
    ("er du en robot", 1),
    ("hvad sker der med mine data", 1),
    ("hvem vandt fodboldkampen i går", 1),
    ("tak", 1),
]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def direct_conversation(rasa: RasaClient, start: asyncio.Barrier) -> list[float]:
    sender = uuid.uuid4().hex
    latencies = []
    await start.wait()
    for message, expected in TURNS:
        started = time.perf_counter()
        replies = await rasa.send(sender, message)
        latencies.append(time.perf_counter() - started)
        if len(replies) != expected:
            raise RuntimeError(f"direct: {len(replies)} replies to a turn, expected {expected}")
    return latencies


async def bridge_conversation(api_url: str, start: asyncio.Barrier) -> list[float]:
    client = WebchatClient(api_url)
    try:
        await client.connect()
    except BaseException:
        await start.abort()  # the other conversations must not wait for this one forever
        raise
    latencies = []
    try:
        # Every conversation's first turn leaves at the same moment in both paths: otherwise
        # the bridge's staggered connects would spread its first turns out (a gentler load
        # than the direct path's burst, which flatters the bridge's p95).
        await start.wait()
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
    return latencies


async def phase(kind: str, concurrency: int, api_url: str, rasa: RasaClient) -> list[float]:
    start = asyncio.Barrier(concurrency)
    if kind == "direct":
        jobs = [direct_conversation(rasa, start) for _ in range(concurrency)]
    else:
        jobs = [bridge_conversation(api_url, start) for _ in range(concurrency)]
    results = await asyncio.gather(*jobs)
    return [latency for conversation in results for latency in conversation]


async def measure(
    api_url: str,
    rasa_url: str,
    levels: list[int],
    rounds: Callable[[int], int],
    pids: dict[str, int],
) -> None:
    # The direct path uses the api's own Rasa client, one pool for the whole run as in the api:
    # the only difference left between the paths is the bridge. (A fresh pool per phase
    # changes how Rasa interleaves the requests: median lower, p95 twice as high, mean equal.)
    rasa = RasaClient([rasa_url], timeout_seconds=60)
    try:
        await _measure(api_url, rasa, levels, rounds, pids)
    finally:
        await rasa.aclose()


async def _measure(
    api_url: str,
    rasa: RasaClient,
    levels: list[int],
    rounds: Callable[[int], int],
    pids: dict[str, int],
) -> None:
    # Warm both paths up at the highest level: the api's worker threads, database and Rasa
    # connections grow on first use, a one-time cost of a fresh process (1-2 s for the first
    # burst of 50), not a cost per turn.
    await phase("direct", max(levels), api_url, rasa)
    await phase("bridge", max(levels), api_url, rasa)
    print(
        f"{'conc':>5} {'path':>7} {'turns':>6} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'CPU ms/turn: rasa':>18} {'api':>5} {'client':>7}"
    )
    for level in levels:
        samples: dict[str, list[list[float]]] = {"direct": [], "bridge": []}
        cpu: dict[str, dict[str, float]] = {
            kind: dict.fromkeys(pids, 0.0) for kind in ("direct", "bridge")
        }
        for _ in range(rounds(level)):
            for kind in ("direct", "bridge"):
                before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                samples[kind].append(await phase(kind, level, api_url, rasa))
                for name, pid in pids.items():
                    cpu[kind][name] += cpu_seconds(pid) - before[name]
        for kind, rounds_of_kind in samples.items():
            values = pooled(rounds_of_kind)
            per_turn = {name: 1000 * used / len(values) for name, used in cpu[kind].items()}
            print(
                f"{level:>5} {kind:>7} {len(values):>6} {1000 * statistics.fmean(values):>8.1f} "
                f"{1000 * statistics.median(values):>8.1f} {1000 * percentile(values, 0.95):>8.1f}"
                f" {per_turn['rasa']:>18.1f} {per_turn['api']:>5.1f} {per_turn['client']:>7.1f}"
            )
        ratios = {
            name: ratio(samples["bridge"], samples["direct"], statistic)
            for name, statistic in STATISTICS.items()
        }
        verdict = "ok" if max(ratios["p50"], ratios["p95"]) <= 1.10 else "above goal"
        print(f"{level:>5}   ratio bridge/direct ({verdict}, goal ≤ 1.10):")
        for name, statistic in STATISTICS.items():
            low, high = bootstrap_interval(samples["bridge"], samples["direct"], statistic)
            print(
                f"{level:>5}     {name:<4} {ratios[name]:.3f}"
                f"   90 % interval over {rounds(level)} rounds {low:.3f}-{high:.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--samples", type=int, default=2500, help="turns per path and level")
    parser.add_argument("--rounds", type=int, help="rounds per level (overrides --samples)")
    args = parser.parse_args()

    fixed_rounds: int | None = args.rounds
    samples: int = args.samples

    def rounds_per_level(level: int) -> int:
        return fixed_rounds or max(2, math.ceil(samples / (level * len(TURNS))))

    with tempfile.TemporaryDirectory() as workdir, running_stack(Path(workdir)) as stack:
        pids = {
            "rasa": stack.processes["rasa"].pid,
            "api": stack.processes["api"].pid,
            "client": os.getpid(),
        }
        asyncio.run(
            measure(stack.api_url, stack.rasa_url, args.concurrency, rounds_per_level, pids)
        )


if __name__ == "__main__":
    main()
