"""Consent decides whether anything about a youth is stored.

The anonymous profile (with its data key) is created when the youth says yes; until then the
bridge stores nothing. Withdrawing consent before a counsellor has taken the case deletes the
profile at once (crypto-shredding) and the waiting handoff with it, as the notice promises.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.db.models import Handoff
from api.db.models_profiles import Profile
from api.services import profiles
from privacy.crypto import KeyProvider

logger = logging.getLogger(__name__)

CASE_NOT_BEGUN = ("waiting",)


@dataclass(frozen=True)
class Withdrawal:
    erased: bool
    case_begun: bool


def give(session: Session, keys: KeyProvider, conversation_id: str) -> bool:
    """Returns True if the profile was created now (False: consent was already given)."""
    created = profiles.create_profile(session, keys, conversation_id, profiles.now_utc())
    if created:
        logger.info("consent given; profile created")
    return created


def has_consented(session: Session, conversation_id: str) -> bool:
    return session.get(Profile, conversation_id) is not None


def withdraw(session: Session, conversation_id: str) -> Withdrawal:
    handoff_statuses = set(
        session.scalars(select(Handoff.status).where(Handoff.conversation_id == conversation_id))
    )
    if handoff_statuses - set(CASE_NOT_BEGUN):
        # A counsellor has the case: processing stops, deletion follows the data-rights rules.
        logger.info("consent withdrawn after case start; profile kept for case handling")
        return Withdrawal(erased=False, case_begun=True)
    session.execute(delete(Handoff).where(Handoff.conversation_id == conversation_id))
    if session.get(Profile, conversation_id) is None:
        return Withdrawal(erased=False, case_begun=False)
    profiles.erase_profile(session, conversation_id)
    logger.info("consent withdrawn before case start; profile erased")
    return Withdrawal(erased=True, case_begun=False)
