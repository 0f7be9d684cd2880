"""The Anonymiser: runs every detector over a message and resolves overlaps."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from privacy.anonymiser.accounts import find_accounts
from privacy.anonymiser.addresses import find_addresses, find_postcodes
from privacy.anonymiser.contact import find_email, find_ip, find_url
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


class Anonymiser:
    """Finds personal data in Danish chat text. Construct once per process; thread-safe."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or load_lexicon()
        self._names = NameFinder(self._lexicon)
        self._lock = threading.Lock()
        self._nlp, self._matcher = self._build()
        self._served = 0
        lex = self._lexicon
        self._regex_detectors: tuple[Callable[[str], Iterable[Candidate]], ...] = (
            find_email,
            find_url,
            find_ip,
            find_cpr,
            find_accounts,
            find_phone,
            lambda t: find_handles(t, lex),
            lambda t: find_addresses(t, lex),
            lambda t: find_postcodes(t, lex),
            find_classes,
            lambda t: find_schools(t, lex),
        )
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
        for detect in self._regex_detectors:
            candidates.extend(detect(text))
        structured = resolve(candidates)
        blocked = [Candidate(e.start, e.end, e.type) for e in structured]
        with self._lock:
            self._served += 1
            if self._served >= RECYCLE_AFTER:
                self._nlp, self._matcher = self._build()
                self._served = 0
            nlp, matcher = self._nlp, self._matcher
            doc = nlp.make_doc(text)
            names = self._names.find(doc, matcher, blocked)
        return resolve([*blocked, *names])

    def anonymise(self, text: str) -> AnonymisedText:
        entities = self.analyse(text)
        return AnonymisedText(render(text, entities), tuple(entities))
