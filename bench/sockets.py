"""1,000 concurrent widget connections to one api process in the relay phase (after handoff,
a counsellor answering): sent / received / lost / duplicated, and memory per connection.

    .venv/bin/python bench/sockets.py [--connections 1000] [--messages 2] [--counsellors 50]
                                      [--postgres | --database-url URL]

Starts one api process (uvicorn, no Rasa: the relay phase does not use it) on a throwaway
SQLite database (`--postgres`: a throwaway PostgreSQL database, the setup for scale). Prepares
the conversations with the real services (consent, stored problem, handoff, claimed by one of
the counsellors), connects every widget socket, reads the api's RSS, then each youth and its
counsellor exchange messages, each stored before it is acknowledged. A message counts as sent
when acknowledged, as received when it reached the right conversation. Memory per connection
is the api's RSS growth from before the sockets connected to after, divided by their number.
"""

import argparse
import asyncio
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.db.session import make_engine, make_sessionmaker
from privacy.crypto import ReloadingKeyRing
from tests.support import relay_load
from tests.support.stack import running_api


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def raise_open_file_limit(needed: int) -> tuple[int, int]:
    """Raise the soft limit (inherited by the api we start) towards the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_postgres(wanted: bool) -> Iterator[str]:
    if not wanted:
        yield ""
        return
    import psycopg

    name = f"bench_sockets_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=2, help="per side and conversation")
    parser.add_argument("--counsellors", type=int, default=50)
    parser.add_argument("--database-url", default="", help="an existing, empty database")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="a throwaway database on PostgreSQL at 127.0.0.1:5432 (dropped afterwards)",
    )
    args = parser.parse_args()
    # Each connection is one socket in the api and one here, plus files and the database.
    soft, hard = raise_open_file_limit(2 * args.connections + 512)
    print(f"open-file limit (soft/hard): {soft}/{hard}")
    if soft < args.connections + 256:
        raise SystemExit(f"open-file limit {soft} is too low for {args.connections} connections")
    with tempfile.TemporaryDirectory() as workdir, throwaway_postgres(args.postgres) as pg_url:
        database_url = pg_url or args.database_url or f"sqlite:///{Path(workdir) / 'intake.db'}"
        with running_api(Path(workdir), database_url=database_url) as api:
            assert api.key_ring_file is not None
            keys = ReloadingKeyRing(api.key_ring_file)
            engine = make_engine(database_url)
            started = time.perf_counter()
            conversations = relay_load.prepare(
                make_sessionmaker(engine), keys, args.connections, args.counsellors
            )
            seconds = time.perf_counter() - started
            print(f"prepared {len(conversations)} claimed conversations in {seconds:.1f} s")
            pid = api.processes["api"].pid
            before = rss_bytes(pid)
            rss: dict[str, int] = {}

            async def measure_connected() -> None:
                await asyncio.sleep(1)
                rss["connected"] = rss_bytes(pid)

            try:
                result = asyncio.run(
                    relay_load.run(
                        api.api_url,
                        conversations,
                        messages_per_side=args.messages,
                        after_connect=measure_connected,
                        settle_seconds=30,
                    )
                )
            finally:
                errors = [line for line in api.logs().splitlines() if "ERROR" in line]
                print(f"api log: {len(errors)} error lines", *errors[-5:], sep="\n  ")
            after_exchange = rss_bytes(pid)
            engine.dispose()
    print(
        f"{result.connections} widget connections, {args.counsellors} counsellor consoles, "
        f"{args.messages} messages per side and conversation; exchange took "
        f"{result.exchange_seconds:.1f} s"
    )
    print(f"{'direction':>22} {'sent':>6} {'received':>9} {'lost':>5} {'duplicated':>11}")
    for name, d in (
        ("youth -> counsellor", result.youth_to_counsellor),
        ("counsellor -> youth", result.counsellor_to_youth),
    ):
        print(f"{name:>22} {d.sent:>6} {d.received:>9} {d.lost:>5} {d.duplicated:>11}")
    mib = 1024 * 1024
    per_connection = (rss["connected"] - before) / result.connections
    print(
        f"api RSS: {before / mib:.1f} MiB before, {rss['connected'] / mib:.1f} MiB with "
        f"{result.connections} connected, {after_exchange / mib:.1f} MiB after the exchange"
    )
    print(f"memory per connection: {per_connection / 1024:.1f} KiB")
    lost = result.youth_to_counsellor.lost + result.counsellor_to_youth.lost
    duplicated = result.youth_to_counsellor.duplicated + result.counsellor_to_youth.duplicated
    print(f"unacknowledged sends: {result.unacknowledged}")
    print(f"lost {lost}, duplicated {duplicated} (goal 0 and 0)")
    if lost or duplicated:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
