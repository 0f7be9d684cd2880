"""Retention: profile data goes 2 years after the last activity, tested at the boundary with a
fixed clock; every deletion is logged without content; a newsletter address stays until
unsubscribed; `intake retention run [--dry-run]`."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import func, select, update

from api.db.models_profiles import Profile, TranscriptEntry
from api.db.models_rights import ErasureLogEntry, NewsletterSubscription
from api.services import newsletter, retention
from tests.rights.conftest import CANARY, EMAIL, OTHER, PROFILE, populate

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TWO_YEARS_AGO = datetime(2024, 11, 25, 12, 0, tzinfo=UTC)


def _last_active(app: FastAPI, profile_id: str, when: datetime) -> None:
    with app.state.sessions.begin() as session:
        session.execute(
            update(Profile).where(Profile.id == profile_id).values(last_activity_at=when)
        )


def _exists(app: FastAPI, profile_id: str) -> bool:
    with app.state.sessions() as session:
        return session.get(Profile, profile_id) is not None


def test_boundary_one_day_before_kept_one_day_after_gone(app: FastAPI) -> None:
    populate(app, PROFILE)
    populate(app, OTHER)
    with app.state.sessions.begin() as session:
        newsletter.unsubscribe_profile(session, PROFILE)
        newsletter.unsubscribe_profile(session, OTHER)
    _last_active(app, PROFILE, TWO_YEARS_AGO + timedelta(days=1))  # 2 years minus a day
    _last_active(app, OTHER, TWO_YEARS_AGO - timedelta(days=1))  # 2 years and a day
    assert retention.cutoff(NOW) == TWO_YEARS_AGO
    dry = retention.run(app.state.sessions, now=NOW, dry_run=True)
    assert (dry.due, dry.erased) == (1, 0) and _exists(app, OTHER)
    report = retention.run(app.state.sessions, now=NOW, engine=app.state.engine)
    assert (report.due, report.erased) == (1, 1)
    assert _exists(app, PROFILE) and not _exists(app, OTHER)
    # One day later the kept one is still inside; a year later it is gone too.
    assert (
        retention.run(app.state.sessions, now=NOW + timedelta(days=1) - timedelta(minutes=1)).erased
        == 0
    )
    assert retention.run(app.state.sessions, now=NOW + timedelta(days=2)).erased == 1
    assert not _exists(app, PROFILE)
    with app.state.sessions() as session:
        entries = session.scalars(
            select(ErasureLogEntry).where(ErasureLogEntry.reason == "retention")
        ).all()
    assert len(entries) == 2
    for entry in entries:
        text = repr((entry.counts, entry.reason))
        assert PROFILE not in text and OTHER not in text and CANARY not in text


def test_a_subscriber_keeps_only_the_newsletter_address(app: FastAPI) -> None:
    populate(app, PROFILE)
    _last_active(app, PROFILE, TWO_YEARS_AGO - timedelta(days=1))
    retention.run(app.state.sessions, now=NOW)
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TranscriptEntry)) == 0
        assert session.scalar(select(func.count()).select_from(NewsletterSubscription)) == 1
        assert newsletter.email_of(session, app.state.key_ring, PROFILE) == EMAIL
    # Until unsubscribed: then the next run removes the rest.
    with app.state.sessions.begin() as session:
        newsletter.unsubscribe_profile(session, PROFILE)
    retention.run(app.state.sessions, now=NOW)
    assert not _exists(app, PROFILE)


def test_cli_dry_run_and_run(app: FastAPI, database_url: str, tmp_path: object) -> None:
    populate(app, PROFILE)
    with app.state.sessions.begin() as session:
        newsletter.unsubscribe_profile(session, PROFILE)
    _last_active(app, PROFILE, datetime.now(UTC) - timedelta(days=2 * 366 + 1))
    env = {"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "KEY_RING": ""}
    command = [sys.executable, "-m", "intake", "retention", "run"]
    dry = subprocess.run(
        [*command, "--dry-run"], env=env, capture_output=True, text=True, check=False
    )
    assert dry.returncode == 0, dry.stderr
    assert "1 profiles" in dry.stdout and "dry run" in dry.stdout
    assert _exists(app, PROFILE)
    real = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert real.returncode == 0, real.stderr
    assert "1 erased" in real.stdout
    assert not _exists(app, PROFILE)
    assert PROFILE not in real.stdout + real.stderr


def test_expired_oauth_records_are_pruned_live_ones_kept(app: FastAPI) -> None:
    from api.db.models_auth import AuthorizationCode, RevokedAccessToken, TokenFamily
    from tests.support.oauth import provision_counsellor

    person = provision_counsellor(app)
    day = timedelta(days=1)
    with app.state.sessions.begin() as session:
        for jti, expires in (("old", NOW - 2 * day), ("live", NOW + day)):
            session.add(RevokedAccessToken(jti=jti, expires_at=expires))
        for family_id, expires in (("f-old", NOW - 2 * day), ("f-live", NOW + day)):
            session.add(
                TokenFamily(
                    id=family_id,
                    client_id="console",
                    counsellor_id=person.id,
                    scope="counsellor:chat",
                    expires_at=expires,
                )
            )
        session.flush()
        session.add(
            AuthorizationCode(
                code_hash="h" * 64,
                client_id="console",
                counsellor_id=person.id,
                redirect_uri="x",
                scope="counsellor:chat",
                code_challenge="c",
                code_challenge_method="S256",
                expires_at=NOW - 2 * day,
            )
        )
    report = retention.run(app.state.sessions, now=NOW)
    assert report.auth_rows_pruned == {
        "oauth_revoked_access_tokens": 1,
        "oauth_authorization_codes": 1,
        "oauth_token_families": 1,
    }
    with app.state.sessions() as session:
        assert session.scalars(select(RevokedAccessToken.jti)).all() == ["live"]
        assert session.scalars(select(TokenFamily.id)).all() == ["f-live"]
