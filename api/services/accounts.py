"""Organisations, counsellor accounts, OAuth clients and routing rules, and the login check.

Attestation validity (straffeattest and børneattest): an attestation issued on day D is valid
from D up to and including the day before D + N months (N = ATTESTATION_MAX_AGE_MONTHS,
default 12). An issue date in the future is invalid (a typo must not count as a fresh
attestation). Login needs both valid; so does every refresh of a session.
"""

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from api.auth import scopes as scope_names
from api.auth import throttle
from api.auth.secrets import digest, hash_password, verify_password
from api.config import check_secret
from api.db.models_auth import (
    Counsellor,
    OAuthClient,
    Organisation,
    RoutingRule,
    TokenFamily,
)
from api.services import canned
from intake.demographics import AgeBand

logger = logging.getLogger(__name__)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TAG_PATTERN = re.compile(r"^[a-z_]{2,32}$")
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


class AccountError(ValueError):
    """An operator asked for something invalid (message is for the operator)."""


class OrganisationKind(StrEnum):
    KOMMUNE = "kommune"
    NGO = "ngo"


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    # Sees every open conversation and the queue of their organisation, each counsellor's load;
    # reassigns, leaves notes for the counsellor, keeps the canned replies.
    SUPERVISOR = "supervisor"


MAX_CONVERSATION_CAP = 20


def _check_cap(cap: int | None) -> int | None:
    if cap is not None and not 1 <= cap <= MAX_CONVERSATION_CAP:
        raise AccountError(f"a conversation cap must be 1-{MAX_CONVERSATION_CAP}")
    return cap


class RouteKind(StrEnum):
    ALL = "all"
    TAG = "tag"
    AGE_BAND = "age_band"


# --- attestations -------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def attestation_valid(issued_on: date, today: date, max_age_months: int) -> bool:
    return issued_on <= today < add_months(issued_on, max_age_months)


def attestation_problems(counsellor: Counsellor, today: date, max_age_months: int) -> list[str]:
    """Danish names of the attestations that are not valid today (empty: both valid)."""
    problems = []
    if not attestation_valid(counsellor.straffeattest_issued_on, today, max_age_months):
        problems.append("straffeattest")
    if not attestation_valid(counsellor.boerneattest_issued_on, today, max_age_months):
        problems.append("børneattest")
    return problems


# --- organisations and routing ------------------------------------------------------------


def add_organisation(
    session: Session, *, name: str, kind: str, accreditation_id: str, accredited_on: date
) -> Organisation:
    if not name.strip():
        raise AccountError("an organisation needs a name")
    if kind not in set(OrganisationKind):
        raise AccountError(f"kind must be one of {', '.join(OrganisationKind)}")
    if not accreditation_id.strip():
        raise AccountError("the Rådgivning Danmark accreditation id is required")
    if accredited_on > date.today():
        raise AccountError("the accreditation date cannot be in the future")
    clash = session.scalar(
        select(Organisation).where(
            or_(Organisation.name == name, Organisation.accreditation_id == accreditation_id)
        )
    )
    if clash is not None:
        raise AccountError("an organisation with that name or accreditation id exists")
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        accreditation_id=accreditation_id.strip(),
        accredited_on=accredited_on,
    )
    session.add(organisation)
    session.flush()
    canned.seed_defaults(session, organisation.id)
    session.flush()
    logger.info("organisation %s added", organisation.id)
    return organisation


def set_organisation_cap(session: Session, organisation: Organisation, cap: int) -> None:
    """How many conversations each counsellor of the organisation may hold at once."""
    organisation.conversation_cap = _check_cap(cap) or cap
    logger.info("conversation cap of organisation %s set to %d", organisation.id, cap)


def set_counsellor_cap(session: Session, email: str, cap: int | None) -> Counsellor:
    """A counsellor's own cap (None: the organisation's)."""
    counsellor = find_counsellor(session, email)
    counsellor.conversation_cap = _check_cap(cap)
    logger.info("conversation cap of counsellor %s set", counsellor.id)
    return counsellor


def set_role(session: Session, email: str, role: str) -> Counsellor:
    if role not in set(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}")
    counsellor = find_counsellor(session, email)
    counsellor.role = role
    logger.info("counsellor %s now has role %s", counsellor.id, role)
    return counsellor


def find_organisation(session: Session, ref: str) -> Organisation:
    """By id, name or accreditation id."""
    organisation = session.scalar(
        select(Organisation).where(
            or_(
                Organisation.id == ref,
                Organisation.name == ref,
                Organisation.accreditation_id == ref,
            )
        )
    )
    if organisation is None:
        raise AccountError(f"no organisation {ref!r}")
    return organisation


def add_route(
    session: Session, organisation: Organisation, kind: RouteKind, value: str = ""
) -> RoutingRule:
    if kind is RouteKind.ALL:
        value = ""
    elif kind is RouteKind.TAG and not TAG_PATTERN.match(value):
        raise AccountError(f"{value!r} is not a tag id")
    elif kind is RouteKind.AGE_BAND and value not in {band.value for band in AgeBand}:
        raise AccountError(f"age band must be one of {', '.join(b.value for b in AgeBand)}")
    existing = session.scalar(
        select(RoutingRule).where(
            RoutingRule.organisation_id == organisation.id,
            RoutingRule.kind == kind.value,
            RoutingRule.value == value,
        )
    )
    if existing is not None:
        return existing
    rule = RoutingRule(organisation_id=organisation.id, kind=kind.value, value=value)
    session.add(rule)
    session.flush()
    logger.info("routing rule %s added for organisation %s", rule.kind, organisation.id)
    return rule


def organisations_for_handoff(session: Session, tags: list[str], age_band: str) -> list[str]:
    """Ids of the organisations whose rules take a handoff with these tags and age band."""
    conditions = [RoutingRule.kind == RouteKind.ALL.value]
    if tags:
        conditions.append((RoutingRule.kind == RouteKind.TAG.value) & RoutingRule.value.in_(tags))
    conditions.append(
        (RoutingRule.kind == RouteKind.AGE_BAND.value) & (RoutingRule.value == age_band)
    )
    rows = session.scalars(
        select(RoutingRule.organisation_id).where(or_(*conditions)).distinct()
    ).all()
    return sorted(rows)


# --- counsellors --------------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = scope_names.unknown(scopes)
    if unknown:
        raise AccountError(f"unknown scope(s): {', '.join(unknown)}")
    return scopes


def add_counsellor(
    session: Session,
    *,
    organisation: Organisation,
    email: str,
    display_name: str,
    password: str,
    straffeattest_issued_on: date,
    boerneattest_issued_on: date,
    scopes: list[str] | None = None,
    role: str = Role.COUNSELLOR,
    conversation_cap: int | None = None,
) -> Counsellor:
    email = _normalise_email(email)
    if role not in set(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}")
    _check_cap(conversation_cap)
    granted = _check_scopes(scopes or list(scope_names.DEFAULT_COUNSELLOR_SCOPES))
    if scope_names.HANDOFF_CREATE in granted:
        raise AccountError("handoff:create is for the action server's client only")
    if session.scalar(select(Counsellor).where(Counsellor.email == email)) is not None:
        raise AccountError("a user with that e-mail exists")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise AccountError(str(exc)) from exc
    counsellor = Counsellor(
        organisation_id=organisation.id,
        email=email,
        display_name=display_name.strip() or email,
        password_hash=password_hash,
        scopes=scope_names.join(granted),
        straffeattest_issued_on=straffeattest_issued_on,
        boerneattest_issued_on=boerneattest_issued_on,
        role=str(role),
        conversation_cap=conversation_cap,
    )
    session.add(counsellor)
    session.flush()
    logger.info("counsellor %s added to organisation %s", counsellor.id, organisation.id)
    return counsellor


def find_counsellor(session: Session, email: str) -> Counsellor:
    counsellor = session.scalar(select(Counsellor).where(Counsellor.email == email.strip().lower()))
    if counsellor is None:
        raise AccountError(f"no user {email!r}")
    return counsellor


def revoke_families(
    session: Session, reason: str, *, counsellor_id: str | None = None, family_id: str | None = None
) -> None:
    """Revoke token families (so their refresh tokens and access tokens stop working)."""
    statement = update(TokenFamily).where(TokenFamily.revoked_at.is_(None))
    if counsellor_id is not None:
        statement = statement.where(TokenFamily.counsellor_id == counsellor_id)
    if family_id is not None:
        statement = statement.where(TokenFamily.id == family_id)
    session.execute(statement.values(revoked_at=datetime.now(UTC), revoked_reason=reason))


def disable_counsellor(session: Session, email: str) -> Counsellor:
    counsellor = find_counsellor(session, email)
    if counsellor.disabled_at is None:
        counsellor.disabled_at = datetime.now(UTC)
    revoke_families(session, "user_disabled", counsellor_id=counsellor.id)
    logger.info("counsellor %s disabled; their sessions are revoked", counsellor.id)
    return counsellor


def set_attestations(
    session: Session,
    email: str,
    *,
    straffeattest_issued_on: date | None = None,
    boerneattest_issued_on: date | None = None,
) -> Counsellor:
    counsellor = find_counsellor(session, email)
    if straffeattest_issued_on is not None:
        counsellor.straffeattest_issued_on = straffeattest_issued_on
    if boerneattest_issued_on is not None:
        counsellor.boerneattest_issued_on = boerneattest_issued_on
    logger.info("attestation dates of counsellor %s updated", counsellor.id)
    return counsellor


# --- login --------------------------------------------------------------------------------


class LoginRefusal(StrEnum):
    THROTTLED = "throttled"
    BAD_CREDENTIALS = "bad_credentials"
    DISABLED = "disabled"
    ATTESTATION = "attestation"


@dataclass
class LoginRefusedError(Exception):
    reason: LoginRefusal
    message: str  # Danish, shown on the login page
    status_code: int


def authenticate_counsellor(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str,
    policy: throttle.ThrottlePolicy,
    attestation_max_age_months: int,
    today: date | None = None,
) -> Counsellor:
    """The counsellor, if they may log in now; otherwise LoginRefusedError (Danish message).

    Only a wrong e-mail or password counts as a failure for the rate limit. Whether an account
    is disabled or lacks attestations is said only to someone who knows its password."""
    if throttle.is_throttled(session, policy, email, ip):
        minutes = max(1, policy.window_seconds // 60)
        raise LoginRefusedError(
            LoginRefusal.THROTTLED,
            f"For mange mislykkede loginforsøg. Vent {minutes} minutter, og prøv igen.",
            429,
        )
    counsellor = session.scalar(select(Counsellor).where(Counsellor.email == email.strip().lower()))
    if not verify_password(counsellor.password_hash if counsellor else None, password):
        throttle.record_failure(session, email, ip)
        throttle.prune(session, policy)  # failures older than the window no longer count
        session.commit()
        logger.info("login failed: wrong e-mail or password")
        raise LoginRefusedError(
            LoginRefusal.BAD_CREDENTIALS, "Forkert e-mail eller adgangskode.", 401
        )
    assert counsellor is not None
    throttle.clear_account(session, email)
    if counsellor.disabled_at is not None:
        logger.info("login refused for disabled counsellor %s", counsellor.id)
        raise LoginRefusedError(
            LoginRefusal.DISABLED,
            "Din konto er deaktiveret. Kontakt din organisation, hvis det er en fejl.",
            403,
        )
    problems = attestation_problems(counsellor, today or date.today(), attestation_max_age_months)
    if problems:
        logger.info("login refused for counsellor %s: attestation not valid", counsellor.id)
        which = " og ".join(problems)
        raise LoginRefusedError(
            LoginRefusal.ATTESTATION,
            f"Du kan ikke logge ind, fordi din {which} ikke er gyldig. En attest skal være "
            f"udstedt inden for de seneste {attestation_max_age_months} måneder (og ikke have "
            "en dato i fremtiden). Kontakt din organisation for at få den fornyet.",
            403,
        )
    return counsellor


def may_keep_session(counsellor: Counsellor, today: date, max_age_months: int) -> bool:
    """A refresh continues a session only while the account could still log in."""
    return counsellor.disabled_at is None and not attestation_problems(
        counsellor, today, max_age_months
    )


# --- OAuth clients ------------------------------------------------------------------------

CLIENT_GRANTS = {"authorization_code", "refresh_token", "client_credentials"}


def add_client(
    session: Session,
    *,
    client_id: str,
    name: str,
    grant_types: list[str],
    scopes: list[str],
    redirect_uris: list[str] | None = None,
    secret: str | None = None,
) -> OAuthClient:
    """A confidential client when `secret` is given (client_secret_basic), else public."""
    if not CLIENT_ID_PATTERN.match(client_id):
        raise AccountError("client id: 3-64 letters, digits, '.', '_' or '-'")
    if session.get(OAuthClient, client_id) is not None:
        raise AccountError(f"client {client_id!r} exists")
    bad_grants = set(grant_types) - CLIENT_GRANTS
    if bad_grants or not grant_types:
        raise AccountError(f"grant types must be among {', '.join(sorted(CLIENT_GRANTS))}")
    _check_scopes(scopes)
    redirect_uris = redirect_uris or []
    if "authorization_code" in grant_types:
        if not redirect_uris:
            raise AccountError("an authorization-code client needs a redirect URI")
        for uri in redirect_uris:
            if not uri.startswith(("https://", "http://127.0.0.1", "http://localhost")) or (
                "#" in uri
            ):
                raise AccountError(f"redirect URI {uri!r}: https (or loopback http), no fragment")
    if "client_credentials" in grant_types and secret is None:
        raise AccountError("client credentials need a confidential client (a secret)")
    if scope_names.HANDOFF_CREATE in scopes and grant_types != ["client_credentials"]:
        raise AccountError("handoff:create is only for a client-credentials client")
    if secret is not None:
        check_secret("the client secret", secret)
    client = OAuthClient(
        client_id=client_id,
        name=name or client_id,
        secret_hash=digest(secret) if secret is not None else None,
        token_endpoint_auth_method="client_secret_basic" if secret is not None else "none",
        grant_types=grant_types,
        redirect_uris=redirect_uris,
        scopes=scope_names.join(scopes),
    )
    session.add(client)
    session.flush()
    logger.info("oauth client %s added", client_id)
    return client


def ensure_action_client(session: Session, client_id: str, secret: str) -> bool:
    """Idempotent provisioning of the action server's client; True if anything changed."""
    check_secret("ACTION_CLIENT_SECRET", secret)
    client = session.get(OAuthClient, client_id)
    if client is None:
        add_client(
            session,
            client_id=client_id,
            name="Action server",
            grant_types=["client_credentials"],
            scopes=[scope_names.HANDOFF_CREATE],
            secret=secret,
        )
        return True
    if client.grant_types != ["client_credentials"] or client.scopes != scope_names.HANDOFF_CREATE:
        raise AccountError(f"client {client_id!r} exists but is not an action-server client")
    if client.secret_hash != digest(secret) or client.disabled_at is not None:
        client.secret_hash = digest(secret)
        client.disabled_at = None
        logger.info("oauth client %s secret updated", client_id)
        return True
    return False


def ensure_console_client(session: Session, client_id: str, redirect_uri: str) -> bool:
    """Idempotent provisioning of the counsellor console (public client, code + PKCE)."""
    client = session.get(OAuthClient, client_id)
    if client is None:
        add_client(
            session,
            client_id=client_id,
            name="Rådgiverkonsol",
            grant_types=["authorization_code", "refresh_token"],
            scopes=[scope_names.COUNSELLOR_CHAT, scope_names.STATS_READ, scope_names.PROFILE_SELF],
            redirect_uris=[redirect_uri],
        )
        return True
    if redirect_uri not in client.redirect_uris:
        client.redirect_uris = [*client.redirect_uris, redirect_uri]
        return True
    return False


def disable_client(session: Session, client_id: str) -> OAuthClient:
    client = session.get(OAuthClient, client_id)
    if client is None:
        raise AccountError(f"no client {client_id!r}")
    client.disabled_at = datetime.now(UTC)
    return client


def family_expiry(lifetime_seconds: int) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=lifetime_seconds)
