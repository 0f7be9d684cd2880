"""Rectification: the youth corrects gender, age band or problem tags of their own profile.

Values are checked against the closed lists (intake/demographics.py and the tag taxonomy of the
design), so free text never enters an unencrypted column. Statistics follow: counts of already
closed conversations move from the old cells to the new ones (api/services/stats.py).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.db.models_profiles import TranscriptEntry
from api.services import stats
from intake.demographics import AgeBand, Gender
from tagging.taxonomy import TAG_IDS

logger = logging.getLogger(__name__)


class InvalidCorrectionError(ValueError):
    pass


@dataclass(frozen=True)
class Correction:
    gender: str | None = None
    age_band: str | None = None
    tags: Sequence[str] | None = None

    def validated(self) -> "Correction":
        if self.gender is not None and self.gender not in {g.value for g in Gender}:
            raise InvalidCorrectionError("unknown gender")
        if self.age_band is not None and self.age_band not in {a.value for a in AgeBand}:
            raise InvalidCorrectionError("unknown age band")
        if self.tags is not None and any(t not in TAG_IDS for t in self.tags):
            raise InvalidCorrectionError("unknown tag")
        if self.gender is None and self.age_band is None and self.tags is None:
            raise InvalidCorrectionError("nothing to correct")
        return self


def rectify(session: Session, profile_id: str, correction: Correction) -> int:
    """Apply the correction to every conversation of the profile; returns how many changed.
    Caller commits."""
    correction = correction.validated()
    changed = stats.rectify_profile(
        session,
        profile_id,
        gender=correction.gender,
        age_band=correction.age_band,
        tags=list(correction.tags) if correction.tags is not None else None,
    )
    if correction.tags is not None:
        # The tagger's per-turn tags are corrected too, so no stored tag contradicts the youth.
        session.execute(
            update(TranscriptEntry)
            .where(TranscriptEntry.profile_id == profile_id, TranscriptEntry.role == "ungdom")
            .values(tags=list(dict.fromkeys(correction.tags)))
        )
    logger.info("profile rectified (%d conversations)", changed)
    return changed
