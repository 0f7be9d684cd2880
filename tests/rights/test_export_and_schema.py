"""Export of all own data, and the schema walk that keeps export and erasure complete: every
table with a profile or conversation id column must be exported and erased."""

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, func, select, text

from api.db.models import Handoff
from api.db.models_counsellor_tools import ConversationNote
from api.db.models_profiles import TranscriptEntry
from api.db.models_underretning import UnderretningEvent
from api.services import consent_ledger, erasure, export, underretning
from tests.rights.conftest import CANARY, EMAIL, NOTE, PROFILE, Youth

ID_COLUMNS = ("profile_id", "conversation_id")


def _profile_tables(app: FastAPI) -> dict[str, str]:
    """Every table of the migrated database (reflected, not the models) holding profile data:
    a profile or conversation id column, or a foreign key to such a table (any depth)."""
    metadata = MetaData()
    metadata.reflect(app.state.engine)
    found = {"profiles": "id"}  # its primary key is the profile id
    for table in metadata.tables.values():
        for column in ID_COLUMNS:
            if column in table.c:
                found[table.name] = column
                break
    grew = True
    while grew:
        grew = False
        for table in metadata.tables.values():
            if table.name in found:
                continue
            if any(fk.column.table.name in found for fk in table.foreign_keys):
                found[table.name] = "fk"
                grew = True
    return found


def test_every_profile_table_is_exported_and_erased(app: FastAPI) -> None:
    tables = _profile_tables(app)
    assert {"transcript_entries", "handoffs", "consent_records"} <= set(tables)
    missing_from_export = set(tables) - export.COVERED_TABLES
    assert not missing_from_export, f"export misses profile tables {missing_from_export}"
    erased = {t.name for t, _ in erasure.profile_tables()} | {"profiles"}
    assert set(tables) <= erased, f"erasure misses {set(tables) - erased}"


def test_export_has_everything_of_a_populated_profile(
    app: FastAPI, client: TestClient, youth: Youth
) -> None:
    _give_contact_details(app)
    response = client.get("/api/v1/profile", headers=youth.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["format"] == "ung-intake-export/1"
    policy = consent_ledger.current_policy()
    [chat_consent, newsletter_consent, underretning_consent] = data["consents"]
    assert underretning_consent["purposes"] == ["underretning"]
    assert [c["text"] for c in data["underretning"]["contact_details"]] == [CONTACT]
    assert chat_consent["purposes"] == ["service", "statistics"]
    assert chat_consent["policy_version"] == policy.version == "1.2"
    assert chat_consent["policy_sha256"] == policy.sha256
    assert chat_consent["given_at"] and chat_consent["withdrawn_at"] is None
    assert newsletter_consent["purposes"] == ["newsletter"]
    assert [t["text"] for t in data["transcript"]] == [CANARY, "Tak."]
    assert data["transcript"][0]["tags"] == ["angst"]
    [conversation] = data["conversations"]
    assert (conversation["gender"], conversation["age_band"]) == ("pige", "13-15")
    assert conversation["tags"] == ["angst"]
    assert conversation["notes"] == [
        {"kind": "privat", "created_at": conversation["notes"][0]["created_at"], "text": NOTE}
    ]
    assert data["newsletter"]["subscribed"] is True and data["newsletter"]["email"] == EMAIL
    assert data["statistics_contributions"][0]["tags"] == ["angst"]
    assert data["encryption"][0]["wrapped_by_kek"]
    assert data["access"]["browser_credential_created_at"]
    # Every covered table that has rows for this profile shows up non-empty.
    with app.state.sessions() as session:
        for table, column in _profile_tables(app).items():
            if table in ("profiles", "profile_keys", "profile_credentials") or column == "fk":
                continue
            reflected = MetaData()
            reflected.reflect(app.state.engine, only=[table])
            t = reflected.tables[table]
            n = session.scalar(select(func.count()).select_from(t).where(t.c[column] == PROFILE))
            assert n, f"populate() left {table} empty: the test would not see it exported"
    sections = {
        "transcript_entries": data["transcript"],
        "handoffs": data["conversations"],
        "consent_records": data["consents"],
        "newsletter_subscriptions": [data["newsletter"]] if data["newsletter"]["email"] else [],
        "closed_conversations": data["statistics_contributions"],
        "contact_details": data["underretning"]["contact_details"],
        "conversation_notes": conversation["notes"],
    }
    assert all(sections.values())
    # Text is stored encrypted: the canary is in the export, never in a stored column.
    with app.state.sessions() as session:
        blobs = session.scalars(select(TranscriptEntry.text)).all()
    assert all(CANARY.encode() not in b.blob for b in blobs)
    with app.state.sessions() as session:
        note_blobs = session.scalars(select(ConversationNote.text)).all()
    assert note_blobs and all(NOTE.encode() not in b.blob for b in note_blobs)


CONTACT = "Navn Navnesen, 12 34 56 78"


def _give_contact_details(app: FastAPI) -> None:
    """A counsellor marked the conversation for underretning; the youth gave contact details."""
    with app.state.sessions.begin() as session:
        handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == PROFILE)).one()
        session.add(
            UnderretningEvent(handoff_id=handoff.id, organisation_id="org-a", action="marked")
        )
        session.flush()
        underretning.give(
            session, app.state.key_ring, PROFILE, CONTACT, consent=True, now=datetime.now(UTC)
        )


def test_export_needs_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/profile").status_code == 401


def test_the_schema_walk_catches_a_new_table_linked_only_through_a_handoff(app: FastAPI) -> None:
    """The guard is not blind: a table that reaches a profile only through a foreign key (say,
    counsellor notes on a handoff) counts as profile data, and export does not cover it yet."""
    with app.state.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE counsellor_notes (id VARCHAR(32) PRIMARY KEY, "
                "handoff_id VARCHAR(32) REFERENCES handoffs(id))"
            )
        )
    try:
        tables = _profile_tables(app)
        assert tables["counsellor_notes"] == "fk"
        assert set(tables) - export.COVERED_TABLES == {"counsellor_notes"}
    finally:
        with app.state.engine.begin() as connection:
            connection.execute(text("DROP TABLE counsellor_notes"))


def test_erasure_follows_foreign_keys_to_profile_tables() -> None:
    from sqlalchemy import Column, ForeignKey, String, Table

    from api.db.models import Handoff

    notes = Table(
        "counsellor_notes",
        MetaData(),
        Column("id", String(32), primary_key=True),
        Column("handoff_id", String(32), ForeignKey(Handoff.__table__.c.id)),
    )
    condition = erasure.rows_of_profile(notes, PROFILE)
    assert condition is not None
    sql = str(condition.compile(compile_kwargs={"literal_binds": True}))
    assert "handoffs.conversation_id" in sql and PROFILE in sql
