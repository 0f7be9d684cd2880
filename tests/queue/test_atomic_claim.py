"""Claiming is atomic on the real PostgreSQL: of many counsellors claiming one handoff at the
same moment, exactly one wins; the others get 409 and nothing of theirs is stored."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import MetaData, create_engine, select, text, update

from api.config import Settings
from api.db.migrate import upgrade_to_head
from api.db.models import Handoff
from api.db.models_queue import HandoffAssignment
from api.db.session import make_engine, make_sessionmaker
from api.services import queue
from api.services.accounts import find_counsellor
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import add_counsellor, waiting_handoff

pytestmark = pytest.mark.postgres

COUNSELLORS = 6
ROUNDS = 3


@pytest.fixture
def pg_url(postgres_database: str) -> Iterator[str]:
    """The session's PostgreSQL database, left empty afterwards (like `database_url`)."""
    yield postgres_database
    engine = create_engine(postgres_database.replace("postgresql://", "postgresql+psycopg://", 1))
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()


def test_concurrent_http_claims_have_exactly_one_winner(pg_url: str, tmp_path: Path) -> None:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=pg_url,
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
    )
    with serving_api(settings) as url:
        engine = make_engine(pg_url)
        sessions = make_sessionmaker(engine)
        people = [
            add_counsellor(sessions, f"r{i}@aarhus.dk", "Aarhus Kommune")
            for i in range(COUNSELLORS)
        ]
        with httpx.Client(base_url=url) as client:
            headers = [
                bearer(console_tokens(client, email=p.email)["access_token"])  # type: ignore[arg-type]
                for p in people
            ]
        for _ in range(ROUNDS):
            handoff_id, _ = waiting_handoff(sessions, keys)
            barrier = threading.Barrier(COUNSELLORS)

            def claim(
                h: dict[str, str],
                handoff_id: str = handoff_id,
                barrier: threading.Barrier = barrier,
            ) -> int:
                with httpx.Client(base_url=url, timeout=30) as own:
                    barrier.wait()
                    return own.post(f"/api/v1/queue/{handoff_id}/claim", headers=h).status_code

            with ThreadPoolExecutor(COUNSELLORS) as pool:
                statuses = list(pool.map(claim, headers))
            assert sorted(statuses) == [200] + [409] * (COUNSELLORS - 1), statuses
            with sessions() as session:
                [assignment] = session.scalars(
                    select(HandoffAssignment).where(HandoffAssignment.handoff_id == handoff_id)
                ).all()
                assert session.get(Handoff, handoff_id).status == "active"  # type: ignore[union-attr]
            winner = statuses.index(200)
            assert assignment.counsellor_id == people[winner].id
        engine.dispose()


def test_a_claim_waits_for_a_concurrent_one_and_then_loses(pg_url: str) -> None:
    """Deterministic: connection A has claimed but not committed; B's claim blocks on the row,
    and once A commits B's conditional UPDATE matches nothing."""
    engine = make_engine(pg_url)
    upgrade_to_head(engine)
    sessions = make_sessionmaker(engine)
    keys = KeyRing.generate()
    add_counsellor(sessions, "b@aarhus.dk", "Aarhus Kommune")
    handoff_id, _ = waiting_handoff(sessions, keys)
    outcome: list[str] = []

    with engine.connect() as a:
        a.execute(text("SET lock_timeout = '20s'"))
        result = a.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status == "waiting")
            .values(status="active")
        )
        assert result.rowcount == 1

        def claim_b() -> None:
            with sessions() as session:
                b = find_counsellor(session, "b@aarhus.dk")
                try:
                    queue.claim(session, b, handoff_id)
                    outcome.append("won")
                except queue.ConflictError:
                    outcome.append("lost")

        thread = threading.Thread(target=claim_b)
        thread.start()
        thread.join(timeout=1.5)
        assert thread.is_alive(), "B did not wait for A's uncommitted claim"
        a.commit()
        thread.join(timeout=20)
    assert outcome == ["lost"]
    with sessions() as session:
        assert session.get(HandoffAssignment, handoff_id) is None
    engine.dispose()
