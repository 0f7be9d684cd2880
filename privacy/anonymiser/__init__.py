"""Danish anonymiser: replaces personal data in chat text by typed placeholders.

    from privacy.anonymiser import Anonymiser, Entity
    anonymiser = Anonymiser()            # loads lists and patterns once
    anonymiser.analyse(text)             # -> list[Entity] (type, start, end into text)
    anonymiser.anonymise(text).text      # "[NAVN] går i [SKOLE] ..."

Types: NAVN CPR TELEFON EMAIL ADRESSE POSTNR SKOLE URL BRUGERNAVN KONTO IP.
"""

from __future__ import annotations

import threading

from privacy.anonymiser.engine import Anonymiser
from privacy.anonymiser.entities import TYPES, AnonymisedText, Entity

__all__ = ["TYPES", "AnonymisedText", "Anonymiser", "Entity", "anonymise", "warm_up"]

_shared: Anonymiser | None = None
_shared_lock = threading.Lock()


def _instance() -> Anonymiser:
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Anonymiser()
    return _shared


def anonymise(text: str) -> str:
    """Anonymise one message with a lazily created, process-wide Anonymiser."""
    return _instance().anonymise(text).text


def warm_up() -> None:
    """Load the shared instance now (about 0.7 s) instead of on the first youth's message."""
    _instance()
