"""Per-counsellor caps on concurrent conversations (SQLite and PostgreSQL): a claim beyond the
cap is refused with a Danish message, a counsellor's own cap overrides the organisation's,
a transfer to a full colleague is refused, and on PostgreSQL two claims of one counsellor at
once never exceed the cap."""

import threading
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.config import Settings
from api.db.session import make_engine, make_sessionmaker
from api.services import accounts, load
from privacy.crypto import KeyRing
from tests.support.api_server import serving_api
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import add_counsellor, waiting_handoff


def _headers(client: TestClient, email: str) -> dict[str, str]:
    return bearer(console_tokens(client, email=email)["access_token"])


def test_a_claim_beyond_the_organisation_cap_is_refused_in_danish(
    app: FastAPI, client: TestClient
) -> None:
    sessions, keys = app.state.sessions, app.state.key_ring
    rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    with sessions() as session:
        org = accounts.find_organisation(session, "Aarhus Kommune")
        assert org.conversation_cap == 3  # the default
        accounts.set_organisation_cap(session, org, 2)
        session.commit()
    ids = [waiting_handoff(sessions, keys)[0] for _ in range(3)]
    headers = _headers(client, rikke.email)
    assert client.post(f"/api/v1/queue/{ids[0]}/claim", headers=headers).status_code == 200
    assert client.post(f"/api/v1/queue/{ids[1]}/claim", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/queue/{ids[2]}/claim", headers=headers)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["code"] == "cap_reached" and detail["cap"] == 2
    assert "Du har allerede 2 samtaler" in detail["message"]
    queue = client.get("/api/v1/queue", headers=headers).json()["items"]
    assert [i["status"] for i in queue if i["id"] == ids[2]] == ["waiting"]
    # Closing one makes room again.
    closed = client.post(
        f"/api/v1/conversations/{ids[0]}/close", headers=headers, json={"outcome": "hjulpet"}
    )
    assert closed.status_code == 204
    assert client.post(f"/api/v1/queue/{ids[2]}/claim", headers=headers).status_code == 200


def test_a_counsellors_own_cap_overrides_the_organisations(
    app: FastAPI, client: TestClient
) -> None:
    sessions, keys = app.state.sessions, app.state.key_ring
    new = add_counsellor(sessions, "ny@aarhus.dk", "Aarhus Kommune", cap=1)
    first, second = (waiting_handoff(sessions, keys)[0] for _ in range(2))
    headers = _headers(client, new.email)
    assert client.post(f"/api/v1/queue/{first}/claim", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/queue/{second}/claim", headers=headers)
    assert refused.status_code == 409 and refused.json()["detail"]["cap"] == 1
    with sessions() as session:
        accounts.set_counsellor_cap(session, new.email, None)  # back to the organisation's 3
        session.commit()
    assert client.post(f"/api/v1/queue/{second}/claim", headers=headers).status_code == 200


def test_a_transfer_to_a_full_colleague_is_refused(app: FastAPI, client: TestClient) -> None:
    sessions, keys = app.state.sessions, app.state.key_ring
    rikke = add_counsellor(sessions, "rikke@aarhus.dk", "Aarhus Kommune")
    full = add_counsellor(sessions, "fuld@aarhus.dk", "Aarhus Kommune", cap=1)
    mine, theirs = (waiting_handoff(sessions, keys)[0] for _ in range(2))
    assert (
        client.post(
            f"/api/v1/queue/{theirs}/claim", headers=_headers(client, full.email)
        ).status_code
        == 200
    )
    headers = _headers(client, rikke.email)
    assert client.post(f"/api/v1/queue/{mine}/claim", headers=headers).status_code == 200
    refused = client.post(
        f"/api/v1/conversations/{mine}/transfer", headers=headers, json={"counsellor_id": full.id}
    )
    assert refused.status_code == 409
    assert "Kollegaen har allerede 1 samtaler" in refused.json()["detail"]["message"]
    with sessions() as session:
        assert load.active_count(session, rikke.id) == 1
        assert load.active_count(session, full.id) == 1


@pytest.mark.postgres
def test_concurrent_claims_of_one_counsellor_never_exceed_the_cap(
    postgres_database: str, tmp_path: Path
) -> None:
    """Six claims of six different handoffs by one counsellor with cap 2, at once, through
    HTTP against the real PostgreSQL: exactly two win, the others get `cap_reached`."""
    keys = KeyRing.generate()
    settings = Settings(
        database_url=postgres_database,
        key_ring=SecretStr(keys.to_json()),
        oauth_signing_key_file=tmp_path / "oauth" / "signing-key.pem",
        rasa_url="http://127.0.0.1:9",
        retention_job_enabled=False,
    )
    engine = make_engine(postgres_database)
    try:
        with serving_api(settings) as url:
            sessions = make_sessionmaker(engine)
            person = add_counsellor(sessions, "mette@odense.dk", "Odense Kommune", cap=2)
            ids = [waiting_handoff(sessions, keys)[0] for _ in range(6)]
            with httpx.Client(base_url=url) as client:
                token = console_tokens(client, email=person.email)["access_token"]  # type: ignore[arg-type]
            barrier = threading.Barrier(len(ids))
            results: dict[str, httpx.Response] = {}

            def claim(handoff_id: str) -> None:
                barrier.wait()
                results[handoff_id] = httpx.post(
                    f"{url}/api/v1/queue/{handoff_id}/claim", headers=bearer(token), timeout=30
                )

            threads = [threading.Thread(target=claim, args=(i,)) for i in ids]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            statuses = sorted(r.status_code for r in results.values())
            assert statuses == [200, 200, 409, 409, 409, 409]
            assert all(
                r.json()["detail"]["code"] == "cap_reached"
                for r in results.values()
                if r.status_code == 409
            )
            with sessions() as session:
                assert load.active_count(session, person.id) == 2
    finally:
        from sqlalchemy import MetaData

        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
        engine.dispose()
