"""The Anonymiser: runs every detector over a message and resolves overlaps."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from privacy.anonymiser.accounts import find_accounts
from privacy.anonymiser.addresses import find_addresses, find_postcodes
from privacy.anonymiser.contact import (
    email_possible,
    find_email,
    find_ip,
    find_url,
    ip_possible,
    url_possible,
)
from privacy.anonymiser.cpr import find_cpr
from privacy.anonymiser.entities import AnonymisedText, Candidate, Entity, render, resolve
from privacy.anonymiser.handles import find_handles
from privacy.anonymiser.lexicon import Lexicon, load_lexicon
from privacy.anonymiser.names import NameFinder, build_cue_matcher
from privacy.anonymiser.phone import find_phone
from privacy.anonymiser.schools import find_classes, find_schools

logger = logging.getLogger(__name__)

# spaCy's tokenizer interns every new token string in its vocabulary for the life of the
# process. In a long-running service that would keep words of anonymised messages in memory
# and grow without bound, so the tokenizer is rebuilt after this many messages.
RECYCLE_AFTER = 20_000

Detector = Callable[[str], Iterable[Candidate]]
Gate = Callable[[str], bool]
_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


def _always(text: str) -> bool:
    return True


def gated_detectors(lex: Lexicon) -> tuple[tuple[Gate, Detector], ...]:
    """The regex detectors in priority-tie order, each behind a cheap necessary condition:
    every pattern of the numeric detectors needs a digit, an e-mail needs "@" or a mail
    word, a URL "." or "://", an IP "." or ":". A detector is skipped when its condition is
    false (tests/privacy/test_anonymiser_prefilters.py compares with the ungated run)."""
    return (
        (email_possible, find_email),
        (url_possible, find_url),
        (ip_possible, find_ip),
        (_has_digit, find_cpr),
        (_has_digit, find_accounts),
        (_has_digit, find_phone),
        (_always, lambda t: find_handles(t, lex)),
        (_always, lambda t: find_addresses(t, lex)),
        (_has_digit, lambda t: find_postcodes(t, lex)),
        (_has_digit, find_classes),
        (_always, lambda t: find_schools(t, lex)),
    )


def ungated_detectors(lex: Lexicon) -> tuple[Detector, ...]:
    """The same detectors without their conditions (for tests and comparisons)."""
    return tuple(detect for _gate, detect in gated_detectors(lex))


class Anonymiser:
    """Finds personal data in Danish chat text. Construct once per process; thread-safe."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or load_lexicon()
        self._names = NameFinder(self._lexicon)
        self._lock = threading.Lock()
        self._nlp, self._matcher = self._build()
        self._served = 0
        lex = self._lexicon
        self._regex_detectors = gated_detectors(lex)
        logger.info(
            "anonymiser ready: %d first names, %d surnames",
            len(lex.first_names),
            len(lex.surnames),
        )

    @staticmethod
    def _build() -> tuple[Language, PhraseMatcher]:
        nlp = spacy.blank("da")
        return nlp, build_cue_matcher(nlp.vocab)

    def analyse(self, text: str) -> list[Entity]:
        """Personal-data entities in ``text``: sorted, non-overlapping, offsets into ``text``."""
        if not text or text.isspace():
            return []
        candidates: list[Candidate] = []
        for may_match, detect in self._regex_detectors:
            if may_match(text):
                candidates.extend(detect(text))
        structured = resolve(candidates)
        if not self._names.may_contain(text):
            # No word that any name rule could start from: skip the tokenizer and the rules.
            return structured
        blocked = [Candidate(e.start, e.end, e.type) for e in structured]
        with self._lock:
            self._served += 1
            if self._served >= RECYCLE_AFTER:
                self._nlp, self._matcher = self._build()
                self._served = 0
            nlp, matcher = self._nlp, self._matcher
            doc = nlp.make_doc(text)
            names = self._names.find(doc, matcher, blocked, text)
        return resolve([*blocked, *names])

    def anonymise(self, text: str) -> AnonymisedText:
        entities = self.analyse(text)
        return AnonymisedText(render(text, entities), tuple(entities))
