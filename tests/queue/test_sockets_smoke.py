"""Smoke version of bench/sockets.py: 50 widget connections in the relay phase against the
real socket.io server; every acknowledged message arrives exactly once, at the right place."""

from pathlib import Path

import pytest
from pydantic import SecretStr

from api.config import Settings
from api.db.session import make_engine, make_sessionmaker
from privacy.crypto import KeyRing
from tests.support import relay_load
from tests.support.api_server import serving_api

pytestmark = pytest.mark.asyncio(loop_scope="session")

CONNECTIONS = 50
MESSAGES = 2


async def test_fifty_connections_relay_without_loss_or_duplicates(tmp_path: Path) -> None:
    keys = KeyRing.generate()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.db'}",
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        retention_job_enabled=False,
    )
    with serving_api(settings) as url:
        engine = make_engine(settings.database_url)
        try:
            conversations = relay_load.prepare(
                make_sessionmaker(engine), keys, CONNECTIONS, counsellors=3
            )
            result = await relay_load.run(url, conversations, messages_per_side=MESSAGES)
        finally:
            engine.dispose()
    assert result.connections == CONNECTIONS
    assert result.unacknowledged == 0
    for direction in (result.youth_to_counsellor, result.counsellor_to_youth):
        assert direction.sent == CONNECTIONS * MESSAGES
        assert (direction.lost, direction.duplicated) == (0, 0)
        assert direction.received == direction.sent
