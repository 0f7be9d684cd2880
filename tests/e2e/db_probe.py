"""Reads the stack's database directly, the way an auditor would."""

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, select

from api.db.session import make_engine, make_sessionmaker
from api.services import transcripts
from api.services.transcripts import Turn
from privacy.crypto import ReloadingKeyRing


def all_rows(database_url: str) -> dict[str, list[dict[str, Any]]]:
    engine = create_engine(database_url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {
            name: [dict(row._mapping) for row in connection.execute(select(table))]
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        }
    engine.dispose()
    return rows


def handoffs_for(database_url: str, conversation_id: str) -> list[dict[str, Any]]:
    return [
        r for r in all_rows(database_url)["handoffs"] if r["conversation_id"] == conversation_id
    ]


def rows_mentioning(database_url: str, needle: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (table, row)
        for table, rows in all_rows(database_url).items()
        for row in rows
        if any(needle in str(value) for value in row.values())
    ]


def transcript(database_url: str, key_ring_file: Path, conversation_id: str) -> list[Turn]:
    """Decrypts a stored transcript with the stack's key ring, as an export would."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return transcripts.read(session, conversation_id, keys=ReloadingKeyRing(key_ring_file))
    finally:
        engine.dispose()
