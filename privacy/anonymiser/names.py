"""Person names, decided per token from the shipped name lists, case, position and context.

The lists alone are not enough: many Danish names are ordinary words (Bo, Sten, Lykke,
Storm, Hans/hans, Maj/maj, Glad, Liv) and young people write names in lower case. So:

- a listed name that is not an ordinary word ("mikkel", "Sofie") is a name anywhere, except
  right after an article or possessive ("en lærke");
- a listed name that is also a word is a name when written with a capital inside a sentence
  (Danish capitalises no other nouns), or with context: a cue before it ("jeg hedder",
  "min ven", "lærer"), a surname after it ("Bo Jensen"), a verb of speech or action after
  it ("Sten sagde"), "X fra ..." ("Kim fra fodbold"), "X og jeg", or a name beside it
  ("mikkel og liv");
- any word after "jeg hedder" / "mit navn er" is a name unless it is an ordinary word;
- a name swallows the surnames and second names that follow it ("Ida Marie", "Mathias
  Sørensen").
Places ("i Aarhus"), weekdays and months are never names without a cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from spacy.attrs import IDX, LENGTH
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from privacy.anonymiser.entities import Candidate, SpanSet
from privacy.anonymiser.lexicon import Lexicon

# Cue phrases; the name is the word right after the phrase.
STRONG_CUES = (
    "hedder", "heder", "hed", "hedder jeg", "navn er", "navnet er", "navn:", "kalder mig",
    "kald mig", "kaldes", "kaldet", "kalder han sig", "kalder hun sig", "kalder ham",
    "kalder hende", "kaldte ham", "kaldte hende", "kalder de mig", "hilsen", "mvh",
    "kh", "knus", "fornavn er", "efternavn er",
)  # fmt: skip
RELATION_CUES = (
    "ven", "vennen", "veninde", "veninden", "kæreste", "kæresten", "ekskæreste", "eks", "ex",
    "bror", "broren", "lillebror", "storebror", "søster", "søsteren", "lillesøster",
    "storesøster", "lærer", "læreren", "lærerinde", "klasselærer", "klasselæreren",
    "træner", "træneren", "psykolog", "psykologen", "pædagog", "pædagogen", "kontaktperson",
    "stedfar", "stedmor", "papfar", "papmor", "bonusfar", "bonusmor", "fætter", "kusine",
    "onkel", "tante", "nabo", "naboen", "chef", "chefen", "klassekammerat", "crush",
    "kammerat", "sagsbehandler", "rådgiver", "vejleder", "studievejleder", "leder",
    "sundhedsplejerske", "skolepsykolog", "bff", "bestie", "kæreste", "fyren", "pigen",
    "drengen", "typen", "mor", "far", "morfar", "farfar", "mormor", "farmor", "søn",
    "datter", "makker", "pædagogmedhjælper", "kollega", "underviser", "rektor", "inspektør",
)  # fmt: skip
SELF_CUES = ("det er", "jeg er", "er det", "her er")
ARTICLES = frozenset(
    [
        "en",
        "et",
        "den",
        "det",
        "de",
        "denne",
        "dette",
        "disse",
        "nogle",
        "ingen",
        "sin",
        "sit",
        "sine",
        "mit",
        "dit",
        "min",
        "din",
        "vores",
        "jeres",
        "deres",
        "hans",
        "hendes",
        "dens",
        "dets",
        "hver",
        "hvert",
        "al",
        "alt",
        "alle",
        "et",
    ]
)
SPEECH_VERBS = frozenset(
    [
        "sagde",
        "siger",
        "skrev",
        "skriver",
        "slog",
        "slår",
        "sendte",
        "sender",
        "truer",
        "truede",
        "spurgte",
        "spørger",
        "råbte",
        "råber",
        "fortalte",
        "fortæller",
        "hjalp",
        "hjælper",
        "kyssede",
        "kysser",
        "mobber",
        "mobbede",
        "tog",
        "tager",
        "ringede",
        "ringer",
        "grinede",
        "griner",
        "svarede",
        "svarer",
        "blokerede",
        "blokerer",
        "lagde",
        "delte",
        "deler",
        "hader",
        "elsker",
        "rørte",
        "rører",
        "kaldte",
        "kalder",
        "viste",
        "viser",
        "ville",
        "vil",
        "gjorde",
        "gør",
        "snakker",
        "snakkede",
        "har",
        "var",
        "er",
    ]
)
# Words that are in the name lists by accident or as rare names, but are pronouns, adverbs
# or conjunctions in a sentence: never a name after a cue or beside a name.
FUNCTION_WORDS = frozenset(
    [
        "altid",
        "aldrig",
        "også",
        "ikke",
        "ik",
        "bare",
        "lige",
        "jo",
        "nok",
        "da",
        "så",
        "nu",
        "her",
        "der",
        "og",
        "men",
        "eller",
        "som",
        "at",
        "i",
        "på",
        "til",
        "fra",
        "med",
        "om",
        "af",
        "for",
        "hvis",
        "når",
        "fordi",
        "er",
        "var",
        "har",
        "havde",
        "kan",
        "skal",
        "vil",
        "må",
        "blev",
        "bliver",
        "han",
        "hun",
        "den",
        "det",
        "de",
        "jeg",
        "du",
        "vi",
        "dem",
        "ham",
        "hende",
        "mig",
        "dig",
        "sig",
        "os",
        "jer",
        "hans",
        "hendes",
        "sin",
        "sit",
        "sine",
        "min",
        "mit",
        "din",
        "dit",
        "vores",
        "jeres",
        "deres",
        "hvad",
        "hvem",
        "hvor",
        "hvorfor",
        "hvordan",
        "meget",
        "mere",
        "mest",
        "lidt",
        "helt",
        "heller",
        "hele",
        "alle",
        "alt",
        "ingen",
        "nogen",
        "noget",
        "nogle",
        "selv",
        "sammen",
        "igen",
        "stadig",
        "virkelig",
        "fru",
        "frk",
        "hr",
        "herr",
    ]
)
# "Hans er min morfar", "Glad er hendes efternavn": an ambiguous name as the subject of a
# sentence about who someone is.
_IDENTITY = frozenset(RELATION_CUES) | {"navn", "fornavn", "efternavn", "mellemnavn"}
_POSSESSIVES = frozenset(
    ["min", "mit", "din", "dit", "hans", "hendes", "vores", "jeres", "deres", "sin", "sit"]
)
_WEAK_VERBS = frozenset(["har", "var", "er", "vil", "ville", "gør", "gjorde", "tager", "tog"])
NEVER_NAMES = frozenset(
    [
        "mandag",
        "tirsdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lørdag",
        "søndag",
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
        "jul",
        "påske",
        "gud",
        "jesus",
    ]
)
_RELATIONS = frozenset(c for c in RELATION_CUES if " " not in c)
_BOUNDARY = frozenset('.!?…:;"“”»«()[]')
_CORE = re.compile(r"[^\W\d_](?:[^\W\d_'’-]|['’-](?=[^\W\d_]))*")


class _Tok(NamedTuple):
    start: int  # char offsets of the word core (punctuation and emoji stripped)
    end: int
    text: str
    low: str
    sent_start: bool


# The words that can start a cue phrase, and the verbs that let an unknown capitalised word
# be a name: what the necessary-condition check in `NameFinder.may_contain` looks for.
_STRONG_TRIGGERS = frozenset(p.split()[0] for p in STRONG_CUES) | {"navn"}
_REL_TRIGGERS = frozenset(p.split()[0] for p in RELATION_CUES)
_STRONG_VERBS = SPEECH_VERBS - _WEAK_VERBS
_CAP_TRIGGERS = _REL_TRIGGERS | _STRONG_VERBS
_PARTS = re.compile(r"[-'’]")
_LETTERS = re.compile(r"[^\W\d_]+")
# Function words are never names (the identity rule makes an exception for "Hans").
_NOT_NAME_PARTS = FUNCTION_WORDS - {"hans"}


def build_cue_matcher(vocab: Vocab) -> PhraseMatcher:
    matcher = PhraseMatcher(vocab, attr="LOWER")
    for label, phrases in (("STRONG", STRONG_CUES), ("REL", RELATION_CUES), ("SELF", SELF_CUES)):
        docs = [Doc(vocab, words=p.split()) for p in phrases]
        matcher.add(label, docs)
    return matcher


def _words(doc: Doc, text: str | None = None) -> tuple[list[_Tok], dict[int, int]]:
    """Word tokens with their letter cores; maps spaCy token index to word index.

    Token offsets come from one `Doc.to_array` call: building a spaCy `Token` object per
    token cost more than the rules themselves. (A token's trailing whitespace is at most one
    space: spaCy makes line breaks tokens of their own.)"""
    if text is None:
        text = doc.text
    words: list[_Tok] = []
    index: dict[int, int] = {}
    boundary = True
    search = _CORE.search
    for i, (idx, length) in enumerate(doc.to_array([IDX, LENGTH]).tolist()):
        tok = text[idx : idx + length]
        if tok.isalpha():  # the usual case: the whole token is the word's core
            index[i] = len(words)
            words.append(_Tok(idx, idx + length, tok, tok.lower(), boundary))
            boundary = False
            continue
        m = search(tok)
        if m is None or not (tok[m.start()].isalpha() or any(ch.isalpha() for ch in tok)):
            if any(ch in _BOUNDARY for ch in tok) or not any(ch.isalnum() for ch in tok):
                # punctuation that ends a sentence, or an emoji: next word starts a sentence
                if tok not in {",", "-", "–", "/", "&", "+"}:
                    boundary = True
            else:
                boundary = False
            continue
        index[i] = len(words)
        core = m.group()
        start = idx + m.start()
        words.append(_Tok(start, start + len(core), core, core.lower(), boundary))
        boundary = tok.rstrip()[-1:] in _BOUNDARY
    return words, index


def _is_cap(text: str) -> bool:
    # ALL CAPS says nothing about names ("HANS MOR ER SYG").
    return text[0].isupper() and not (len(text) > 1 and text.isupper())


class NameFinder:
    """Stateless apart from the lists; one per Anonymiser."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        # Every letter run for which `_listed` is true: names and their plain genitive.
        names = lexicon.first_names | lexicon.surnames
        self._listed_parts = names | frozenset(
            name + "s" for name in names if not lexicon.is_word(name)
        )
        # `_ambiguous` as one set.
        self._ambiguous_words = (
            lexicon.name_words | lexicon.common_words | lexicon.places | NEVER_NAMES
        )

    def _listed(self, low: str) -> bool:
        lex = self.lex
        if lex.is_name(low):
            return True
        # Genitive: "Mikkels mor", "Emma's"
        if low.endswith(("'s", "’s")):
            low = low[:-2]
        elif low.endswith("s"):
            low = low[:-1]
        else:
            return False
        return lex.is_name(low) and not lex.is_word(low)

    def _ambiguous(self, low: str) -> bool:
        return self.lex.is_word(low) or low in NEVER_NAMES

    def _is_cap(self, text: str) -> bool:
        return _is_cap(text)

    def may_contain(self, text: str) -> bool:
        """False only when ``find`` cannot return a name for ``text``: no listed name (other
        than a function word), no strong cue, and no capital beside a relation cue or a verb
        of speech. Set operations on the message's letter runs, so most messages without a
        name skip the tokenizer and the per-token rules.

        Every rule in ``find`` needs one of these: a listed name, a strong cue (any word that
        is not ordinary Danish after it), a capitalised word after a relation cue, or an
        unknown capitalised word before a verb of speech; names beside names need a first
        name. Letter runs split at hyphens and apostrophes, so every part of a spaCy token
        is looked at; words with a hyphen or apostrophe are also looked up whole.
        """
        low = text.lower()
        parts = set(_LETTERS.findall(low))
        if parts & _STRONG_TRIGGERS:
            return True
        if low != text and parts & _CAP_TRIGGERS:
            return True
        if not parts.isdisjoint(self._listed_parts) and (parts - _NOT_NAME_PARTS) & (
            self._listed_parts
        ):
            return True
        if "-" in low or "'" in low or "’" in low:
            for m in _CORE.finditer(low):
                core = m.group()
                if _PARTS.search(core) and self._listed(core):
                    return True
        return False

    def find(
        self,
        doc: Doc,
        matcher: PhraseMatcher,
        blocked: Sequence[Candidate],
        text: str | None = None,
    ) -> list[Candidate]:
        """Names in ``doc``; ``text`` is ``doc.text`` if the caller has it (rebuilding it
        from the tokens costs as much as the rules)."""
        if text is None:
            text = doc.text
        words, index = _words(doc, text)
        if not words:
            return []
        n = len(words)
        cue: dict[int, str] = {}
        for match_id, _start, end in matcher(doc):
            label = doc.vocab.strings[match_id]
            # the word after the phrase
            for ti in range(end, min(end + 2, len(doc))):
                if ti in index:
                    wi = index[ti]
                    prev = cue.get(wi)
                    if prev != "STRONG":
                        cue[wi] = label
                    break

        lex = self.lex
        # Per-word facts, computed once: every rule below reads them.
        lows = [w.low for w in words]
        listed_parts, ambiguous_words = self._listed_parts, self._ambiguous_words
        listed_of = [
            low in listed_parts or (("'" in low or "’" in low) and self._listed(low))
            for low in lows
        ]
        ambiguous_of = [low in ambiguous_words for low in lows]
        cap_of = [_is_cap(w.text) for w in words]
        spans = SpanSet((b.start, b.end) for b in blocked)
        free_of = [not spans.overlaps(w.start, w.end) for w in words]

        is_name = [False] * n
        for i, w in enumerate(words):
            low = lows[i]
            if len(low) < 2 or not free_of[i]:
                continue
            listed = listed_of[i]
            ambiguous = ambiguous_of[i]
            cap = cap_of[i]
            kind = cue.get(i)
            prev_low = lows[i - 1] if i > 0 and not w.sent_start else ""
            nxt = words[i + 1] if i + 1 < n else None
            if (
                listed
                and i + 3 < n
                and lows[i + 1] == "er"
                and lows[i + 2] in _POSSESSIVES
                and lows[i + 3] in _IDENTITY
                and (low not in FUNCTION_WORDS or low == "hans")
            ):
                is_name[i] = True
                continue
            if low in FUNCTION_WORDS:
                continue
            if kind == "STRONG":
                is_name[i] = listed or not ambiguous
                continue
            if low in _RELATIONS:
                continue
            if kind == "REL" and (listed or (cap and not ambiguous)) and low not in SPEECH_VERBS:
                is_name[i] = True
                continue
            if kind == "SELF" and (
                (listed and not ambiguous) or (cap and not w.sent_start and listed)
            ):
                is_name[i] = True
                continue
            if not listed:
                # An unknown capitalised word inside a sentence that speaks or acts
                # ("Xiang skrev til mig") is a name the lists do not know.
                if (
                    cap
                    and not ambiguous
                    and not w.sent_start
                    and nxt is not None
                    and nxt.low in _STRONG_VERBS
                ):
                    is_name[i] = True
                continue
            if prev_low in ARTICLES and kind is None:
                continue
            if not ambiguous:
                is_name[i] = True
                continue
            # An ordinary word that is also a name: needs evidence.
            if low in lex.places:
                continue
            if cap and not w.sent_start and low not in NEVER_NAMES:
                is_name[i] = True
                continue
            if nxt is not None and not nxt.sent_start:
                nlow = nxt.low
                after = lows[i + 2] if i + 2 < n else ""
                if (
                    low in lex.first_names
                    and cap_of[i + 1]
                    and nlow in lex.surnames
                    and low not in NEVER_NAMES
                ):
                    is_name[i] = True

                elif nlow in SPEECH_VERBS and (cap or prev_low not in ARTICLES):
                    weak = nlow in _WEAK_VERBS
                    # "Sten har ..." is weak evidence; only with a capital.
                    is_name[i] = not weak or (cap and after in ("sagt", "skrevet", "slået"))
                elif (nlow == "fra" and cap) or (nlow == "og" and after in ("jeg", "mig")):
                    is_name[i] = True
        # Names beside names: "mikkel og liv", "Emma, Freja og Asta". Only words that could
        # join are revisited: listed names, or unknown capitalised words that are not
        # ordinary words, also at a sentence start ("Asger og Villum", "Tobbe og Malthe").
        joinable = [
            i
            for i, w in enumerate(words)
            if (listed_of[i] or (cap_of[i] and not ambiguous_of[i]))
            and free_of[i]
            and len(lows[i]) >= 2
            and lows[i] not in FUNCTION_WORDS
            and lows[i] not in _RELATIONS
            and lows[i] not in lex.places
            and lows[i] not in NEVER_NAMES
        ]
        changed = any(is_name) and bool(joinable)
        while changed:
            changed = False
            for i in joinable:
                if is_name[i]:
                    continue
                left = i >= 2 and lows[i - 1] in ("og", "eller") and is_name[i - 2]
                right = i + 2 < n and lows[i + 1] in ("og", "eller") and is_name[i + 2]
                if left or right:
                    is_name[i] = changed = True
        # Spans: a name plus the capitalised names/surnames right after it.
        out: list[Candidate] = []
        i = 0
        while i < n:
            if not is_name[i]:
                i += 1
                continue
            start, end = words[i].start, words[i].end
            j = i + 1
            while j < n and not words[j].sent_start and free_of[j]:
                nxt = words[j]
                gap = text[end : nxt.start]
                if gap.strip() not in ("", "-"):
                    break
                nlow = lows[j]
                surname_like = lex.is_name(nlow) and (
                    cap_of[j] or (nlow in lex.surnames and not ambiguous_of[j])
                )
                if (
                    is_name[j]
                    or surname_like
                    or (
                        cap_of[j]
                        and cap_of[i]
                        and not ambiguous_of[j]
                        and nlow not in lex.common_words
                    )
                ):
                    end = nxt.end
                    j += 1
                else:
                    break
            out.append(Candidate(start, end, "NAVN"))
            i = j
        return out
