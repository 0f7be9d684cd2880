"""Consent decides whether anything about a youth is stored.

The anonymous profile (with its data key) is created when the youth says yes, and the consent
is written to the ledger (api/services/consent_ledger.py: purposes, policy version and text
hash, time); until then the bridge stores nothing. Withdrawal stops processing at once (no
further turn is stored, nothing more is counted); before a counsellor has taken the case it
also deletes the profile at once (crypto-shredding) with the waiting handoff, as the notice
promises.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.services import consent_ledger, erasure, profiles
from privacy.crypto import KeyProvider

logger = logging.getLogger(__name__)

CASE_NOT_BEGUN = ("waiting",)


@dataclass(frozen=True)
class Withdrawal:
    erased: bool
    case_begun: bool


def give(session: Session, keys: KeyProvider, conversation_id: str) -> bool:
    """Returns True if the profile was created now (False: it existed already). A consent
    record is written unless one for the chat's purposes is already active."""
    now = profiles.now_utc()
    created = profiles.create_profile(session, keys, conversation_id, now)
    active = consent_ledger.active_purposes(session, conversation_id)
    if created or not set(consent_ledger.CHAT_PURPOSES) <= active:
        consent_ledger.record(session, conversation_id, consent_ledger.CHAT_PURPOSES, now=now)
    if created:
        logger.info("consent given; profile created")
    return created


def has_consented(session: Session, conversation_id: str) -> bool:
    """Whether turns of this conversation may be stored: a profile with active consent to
    the service."""
    # One query: consent records exist only with their profile (foreign key, ON DELETE CASCADE).
    return "service" in consent_ledger.active_purposes(session, conversation_id)


def withdraw(session: Session, conversation_id: str) -> Withdrawal:
    now = profiles.now_utc()
    # Processing stops at once, whatever happens to the stored data below.
    consent_ledger.withdraw(session, conversation_id, consent_ledger.CHAT_PURPOSES, now=now)
    handoff_statuses = set(
        session.scalars(select(Handoff.status).where(Handoff.conversation_id == conversation_id))
    )
    if handoff_statuses - set(CASE_NOT_BEGUN):
        # A counsellor has the case: processing stops, deletion follows the data-rights rules.
        logger.info("consent withdrawn after case start; profile kept for case handling")
        return Withdrawal(erased=False, case_begun=True)
    result = erasure.erase(session, conversation_id, reason="withdrawal", now=now)
    if result.erased:
        logger.info("consent withdrawn before case start; profile erased")
    return Withdrawal(erased=result.erased, case_begun=False)
