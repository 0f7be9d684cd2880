"""Who may log in: attestations, disabled accounts, rate limits; and the routing rules."""

from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.db.models_auth import Counsellor
from api.services import accounts
from tests.support.oauth import (
    authorize_params,
    bearer,
    console_tokens,
    login,
    pkce_pair,
    provision_counsellor,
    refresh,
)

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("issued", "valid"),
    [
        (date(2026, 3, 15), True),  # issued today
        (date(2025, 3, 16), True),  # last valid day: the day before the 12-month anniversary
        (date(2025, 3, 15), False),  # 12 months old
        (date(2020, 1, 1), False),
        (date(2026, 3, 16), False),  # in the future: a typo, not a fresh attestation
    ],
)
def test_attestation_validity(issued: date, valid: bool) -> None:
    assert accounts.attestation_valid(issued, TODAY, 12) is valid


def test_attestation_months_clamp_to_month_end() -> None:
    assert accounts.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert accounts.attestation_valid(date(2025, 8, 31), date(2026, 2, 27), 6)
    assert not accounts.attestation_valid(date(2025, 8, 31), date(2026, 2, 28), 6)


def _login_page(client: TestClient, email: str, password: str | None = None) -> tuple[int, str]:
    _, challenge = pkce_pair()
    kwargs = {"email": email} | ({"password": password} if password else {})
    response = login(client, authorize_params(challenge), **kwargs)
    return response.status_code, response.text


def test_expired_attestation_refuses_login_with_a_clear_danish_message(
    app: FastAPI, client: TestClient
) -> None:
    old = date.today() - timedelta(days=800)
    provision_counsellor(app, email="gammel@aarhus.dk", boerneattest=old)
    status, page = _login_page(client, "gammel@aarhus.dk")
    assert status == 403
    assert "fordi din børneattest ikke er gyldig" in page  # only the expired one is named
    assert "12 måneder" in page


def test_both_attestations_expired_are_named(app: FastAPI, client: TestClient) -> None:
    old = date.today() - timedelta(days=800)
    provision_counsellor(app, email="begge@aarhus.dk", straffeattest=old, boerneattest=old)
    status, page = _login_page(client, "begge@aarhus.dk")
    assert status == 403 and "straffeattest og børneattest ikke er gyldig" in page


def test_future_dated_attestation_refuses_login(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(
        app, email="fremtid@aarhus.dk", straffeattest=date.today() + timedelta(days=3)
    )
    status, page = _login_page(client, "fremtid@aarhus.dk")
    assert status == 403 and "straffeattest ikke er gyldig" in page


def test_wrong_password_and_unknown_account_look_the_same(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)
    wrong = _login_page(client, "rikke@aarhus.dk", "forkert-adgangskode-her")
    unknown = _login_page(client, "findes.ikke@aarhus.dk", "forkert-adgangskode-her")
    assert wrong[0] == unknown[0] == 401
    assert "Forkert e-mail eller adgangskode." in wrong[1]
    assert "Forkert e-mail eller adgangskode." in unknown[1]


def test_disabled_user_cannot_log_in(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)
    with app.state.sessions() as session:
        accounts.disable_counsellor(session, "rikke@aarhus.dk")
        session.commit()
    status, page = _login_page(client, "rikke@aarhus.dk")
    assert status == 403 and "Din konto er deaktiveret" in page


def test_disabling_a_user_ends_their_sessions_at_once(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)
    tokens = console_tokens(client)
    assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 200
    with app.state.sessions() as session:
        accounts.disable_counsellor(session, "RIKKE@aarhus.dk")
        session.commit()
    assert refresh(client, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_attestation_expiring_during_a_session_stops_refresh(
    app: FastAPI, client: TestClient
) -> None:
    provision_counsellor(app)
    tokens = console_tokens(client)
    with app.state.sessions() as session:
        counsellor = session.query(Counsellor).one()
        counsellor.straffeattest_issued_on = date.today() - timedelta(days=800)
        session.commit()
    assert refresh(client, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_login_is_rate_limited_per_account(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)  # settings in tests/auth/conftest.py: 3 per account, 6 per IP
    for _ in range(3):
        assert _login_page(client, "rikke@aarhus.dk", "forkert-adgangskode-her")[0] == 401
    status, page = _login_page(client, "rikke@aarhus.dk")  # even the right password
    assert status == 429
    assert "For mange mislykkede loginforsøg" in page


def test_rate_limit_response_says_when_to_retry(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)
    for _ in range(3):
        _login_page(client, "rikke@aarhus.dk", "forkert-adgangskode-her")
    _, challenge = pkce_pair()
    response = login(client, authorize_params(challenge), email="rikke@aarhus.dk")
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0


def test_login_is_rate_limited_per_ip(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)
    for n in range(6):  # spread over accounts, so only the per-IP limit can trigger
        assert _login_page(client, f"gæt{n}@aarhus.dk", "forkert-adgangskode-her")[0] == 401
    assert _login_page(client, "rikke@aarhus.dk")[0] == 429


def test_a_successful_login_clears_the_accounts_failures(app: FastAPI, client: TestClient) -> None:
    provision_counsellor(app)
    for _ in range(2):
        _login_page(client, "rikke@aarhus.dk", "forkert-adgangskode-her")
    assert _login_page(client, "rikke@aarhus.dk")[0] == 302
    for _ in range(2):
        assert _login_page(client, "rikke@aarhus.dk", "forkert-adgangskode-her")[0] == 401


def test_passwords_are_argon2_hashes(app: FastAPI) -> None:
    from tests.support.oauth import PASSWORD

    provision_counsellor(app)
    with app.state.sessions() as session:
        stored = session.query(Counsellor).one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_routing_rules_pick_the_organisations(app: FastAPI) -> None:
    with app.state.sessions() as session:
        everyone = accounts.add_organisation(
            session, name="Alle", kind="ngo", accreditation_id="RD-A", accredited_on=TODAY
        )
        bullying = accounts.add_organisation(
            session, name="Mobning", kind="ngo", accreditation_id="RD-M", accredited_on=TODAY
        )
        teens = accounts.add_organisation(
            session, name="Teen", kind="kommune", accreditation_id="RD-T", accredited_on=TODAY
        )
        accounts.add_route(session, everyone, accounts.RouteKind.ALL)
        accounts.add_route(session, bullying, accounts.RouteKind.TAG, "mobning")
        accounts.add_route(session, teens, accounts.RouteKind.AGE_BAND, "16-18")
        accounts.add_route(session, teens, accounts.RouteKind.AGE_BAND, "16-18")  # no-op
        session.commit()
        pick = accounts.organisations_for_handoff
        assert pick(session, ["mobning"], "13-15") == sorted([everyone.id, bullying.id])
        assert pick(session, ["angst"], "16-18") == sorted([everyone.id, teens.id])
        assert pick(session, [], "ikke_oplyst") == [everyone.id]
        with pytest.raises(accounts.AccountError):
            accounts.add_route(session, teens, accounts.RouteKind.AGE_BAND, "15")


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "firma"},
        {"accreditation_id": " "},
        {"accredited_on": date.today() + timedelta(days=1)},
    ],
)
def test_organisation_needs_kind_and_accreditation(
    app: FastAPI, overrides: dict[str, object]
) -> None:
    values: dict[str, object] = {
        "name": "X",
        "kind": "ngo",
        "accreditation_id": "RD-X",
        "accredited_on": TODAY,
    }
    values.update(overrides)
    with app.state.sessions() as session, pytest.raises(accounts.AccountError):
        accounts.add_organisation(session, **values)  # type: ignore[arg-type]


def test_client_secret_is_refused_if_weak_and_stored_only_hashed(app: FastAPI) -> None:
    with app.state.sessions() as session:
        with pytest.raises(ValueError, match="ACTION_CLIENT_SECRET"):
            accounts.ensure_action_client(session, "actions-2", "changeme")
        secret = "s" * 20 + "0123456789abcdefghij"
        assert accounts.ensure_action_client(session, "actions-2", secret) is True
        assert accounts.ensure_action_client(session, "actions-2", secret) is False
        from api.db.models_auth import OAuthClient

        row = session.get(OAuthClient, "actions-2")
        assert row is not None and row.secret_hash and secret not in row.secret_hash
