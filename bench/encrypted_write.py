"""Throughput of the transcript write path: plain vs anonymised + encrypted, same run.

    .venv/bin/python bench/encrypted_write.py [--turns 200 --rounds 15] [--database-url URL]
        [--anonymiser auto|stand-in|MODULE:FUNCTION]

Both paths write the same logical row (profile id, seq, role, time, tags, text) to a table of
the same shape and do the same bookkeeping (one UPDATE of `profiles` taking the sequence number
and recording activity). The plain path stores the text as TEXT; the protected path is
`api.services.transcripts.append`: anonymise, fetch and unwrap the profile's data key, seal
with AES-256-GCM, insert. Two commit patterns are measured:
  per-turn   one transaction per turn, as the bridge writes (durability dominates);
  batched    100 turns per transaction (CPU-bound: the crypto and anonymiser show most).
A third path, "encrypted only", runs `append` with an identity anonymiser so the cost of the
anonymiser and of the encryption can be told apart. The target (issue 5) is
anonymised+encrypted / plain >= 0.5. Paths interleave (rotating which goes first); the median
of many short interleaved rounds is printed with the range, because fsync times are noisy.
"""

import argparse
import importlib
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import cast

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    update,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.db.migrate import upgrade_to_head
from api.db.models_profiles import Profile
from api.db.session import make_engine, make_sessionmaker
from api.services import profiles, transcripts
from privacy.crypto import KeyRing

PLAIN = Table(
    "bench_plain_entries",
    MetaData(),
    Column("id", String(32), primary_key=True),
    Column("profile_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("text", Text, nullable=False),
)

# The plain path's bookkeeping: the same UPDATE as profiles.claim_turn, minus the data key.
PROFILES = cast(Table, Profile.__table__)
PLAIN_CLAIM = (
    update(PROFILES)
    .where(PROFILES.c.id == bindparam("profile_id"))
    .values(next_seq=PROFILES.c.next_seq + 1, last_activity_at=bindparam("now"))
    .returning(PROFILES.c.next_seq)
)
PLAIN_INSERT = insert(PLAIN)

# A small Danish chat vocabulary; messages are random runs of it plus one personal detail.
_VOCABULARY = (
    "jeg er så ked af det min mor og far skændes hele tiden i skolen driller de mig og "
    "jeg har ingen venner længere det er svært at sove om natten kan du hjælpe"
)
_WORDS = _VOCABULARY.split()
_PERSONAL = [
    "jeg hedder Mathilde",
    "mit nummer er 22 33 44 55",
    "skriv til mig på sofie.hansen@gmail.com",
    "jeg bor på Nørrebrogade 12, 2. th",
    "mit cpr er 010203-1234",
    "jeg går i 8.b på Nørre Fælled Skole",
    "",
    "",
]


def _messages(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 30)))
        out.append(f"{words} {rng.choice(_PERSONAL)}".strip())
    return out


def stand_in_anonymiser(text: str) -> str:
    """A trivial regex stand-in (CPR, phone, e-mail): NOT the Danish anonymiser."""
    import re

    text = re.sub(r"\b\d{6}-?\d{4}\b", "[CPR]", text)
    text = re.sub(r"\b(?:\d{2} ?){3}\d{2}\b", "[TELEFON]", text)
    return re.sub(r"\S+@\S+", "[EMAIL]", text)


def load_anonymiser(spec: str) -> tuple[Callable[[str], str], str]:
    if spec in ("auto", "privacy.anonymiser:anonymise"):
        try:
            module = importlib.import_module("privacy.anonymiser")
            return module.anonymise, "privacy.anonymiser.anonymise (the Danish anonymiser)"
        except ImportError:
            if spec != "auto":
                raise
    if spec in ("auto", "stand-in"):
        return stand_in_anonymiser, "STAND-IN regex anonymiser (privacy.anonymiser not merged)"
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr), spec


def identity(text: str) -> str:
    """Used only for the "encrypted only" column, to separate the anonymiser's cost."""
    return text


PATHS = ("plain", "encrypted only", "anonymised+encrypted")


def run(
    url: str, turns: int, rounds: int, anonymise: Callable[[str], str], batch: int
) -> dict[str, list[float]]:
    """`turns` per path per round; the paths interleave round by round, so a burst of disk
    or CPU contention from other processes hits all of them alike."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    PLAIN.create(engine, checkfirst=True)
    sessions = make_sessionmaker(engine)
    keys = KeyRing.generate()
    messages = _messages(turns)
    conversations = [f"bench{n:012d}{random.getrandbits(32):08x}" for n in range(50)]
    now = profiles.now_utc()
    with sessions.begin() as session:
        for pid in conversations:
            profiles.create_profile(session, keys, pid, now)
    anonymise("varm op")  # load lists/patterns outside the timed loop

    def plain() -> float:
        start = time.perf_counter()
        for lo in range(0, turns, batch):
            with sessions.begin() as session:
                for i in range(lo, min(lo + batch, turns)):
                    pid = conversations[i % len(conversations)]
                    now = profiles.now_utc()
                    seq = session.execute(PLAIN_CLAIM, {"profile_id": pid, "now": now}).scalar_one()
                    session.execute(
                        PLAIN_INSERT,
                        {
                            "id": uuid.uuid4().hex,
                            "profile_id": pid,
                            "seq": seq - 1,
                            "role": "ungdom",
                            "created_at": now,
                            "tags": ["angst"],
                            "text": messages[i],
                        },
                    )
        return turns / (time.perf_counter() - start)

    def protected(anonymiser: Callable[[str], str]) -> Callable[[], float]:
        def timed() -> float:
            start = time.perf_counter()
            for lo in range(0, turns, batch):
                with sessions.begin() as session:
                    for i in range(lo, min(lo + batch, turns)):
                        transcripts.append(
                            session,
                            conversations[i % len(conversations)],
                            "ungdom",
                            messages[i],
                            ["angst"],
                            keys=keys,
                            anonymise=anonymiser,
                        )
            return turns / (time.perf_counter() - start)

        return timed

    timed = dict(zip(PATHS, (plain, protected(identity), protected(anonymise)), strict=True))
    rates: dict[str, list[float]] = {name: [] for name in PATHS}
    for round_number in range(rounds):
        # Rotate which path goes first, so warm-up and drift favour none.
        order = PATHS[round_number % 3 :] + PATHS[: round_number % 3]
        for name in order:
            rates[name].append(timed[name]())
    engine.dispose()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=200, help="per path per round")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument(
        "--anonymiser",
        default="auto",
        help="auto (privacy.anonymiser if present, else the stand-in), stand-in, or MODULE:FUNC",
    )
    args = parser.parse_args()
    anonymise, label = load_anonymiser(args.anonymiser)

    print(f"anonymiser: {label}")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        print(f"database:   {url.split('@')[-1]}")
        print(
            f"turns:      {args.turns} per path per round, {args.rounds} interleaved rounds; "
            "median turns/s (min-max over rounds)"
        )
        for mode, batch in (("per-turn commit", 1), ("100 turns per commit", 100)):
            rates = run(url, args.turns, args.rounds, anonymise, batch)
            plain = statistics.median(rates["plain"])
            print(f"\n{mode}")
            for name in PATHS:
                median = statistics.median(rates[name])
                print(
                    f"  {name:<22} {median:>7.0f} turns/s  ratio {median / plain:4.2f}"
                    f"  ({min(rates[name]):.0f}-{max(rates[name]):.0f})"
                )
    print("\ntarget: anonymised+encrypted / plain >= 0.50")


if __name__ == "__main__":
    main()
