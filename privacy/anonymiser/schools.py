"""Schools and classes: "8.b", "går i 9c", "Nørre Fælled Skole", "bakkeskolen",
"Rysensteen Gymnasium", "Vejstrup Efterskole".

A class is a grade and a letter; the letter must not be a word of its own ("fik 4 i
matematik"), and "4g", "3d", "2x" need a cue ("går i 3g") because they are also network
generations, dimensions and "twice". A school is a school word with a name in front: a
capitalised word or one that is not ordinary Danish ("hasle skole", not "min skole").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate
from privacy.anonymiser.lexicon import Lexicon
from privacy.anonymiser.windows import start_before

_CLASS = re.compile(
    r"(?<![\w.,])(?P<grade>10|[0-9])(?P<sep>\.\s?|\s)?(?P<letter>[a-hk-z]|hf|htx|hhx|stx)(?![\wæøå])"
    r"(?!\.\w)",
    re.I,
)
_CLASS_CUE = re.compile(
    r"(?:\b(?:i|går i|gik i|fra|klasse|klassen|til)\s+)$|(?:\b(?:min|vores|hans|hendes)\s+)$",
    re.I,
)
_AMBIGUOUS_CLASS = re.compile(r"(?:[2-5]g|[2-4]d|\d+x|\d+[kvmst])", re.I)

_SCHOOL_WORD = (
    r"skole|skolen|gymnasium|gymnasiet|gym|efterskole|efterskolen|friskole|friskolen|"
    r"privatskole|realskole|lilleskole|ungdomsskole|produktionsskole|katedralskole|statsskole|"
    r"handelsskole|handelsgymnasium|idrætsefterskole|kostskole|højskole|hf|htx|hhx|stx|"
    r"hf-kursus|akademi|seminarium|byskole|centralskole|overbygningsskole|privatskolen"
)
# "Tekniske Skole", "Rudolf Steiner-skole": up to three name words before the school word.
_SCHOOL = re.compile(
    rf"(?P<name>(?:[\wæøåÆØÅé.'-]+\s+){{1,3}})(?P<word>{_SCHOOL_WORD})(?![\wæøå])", re.I
)
# The same pattern for the lower-cased text, without `re.I` (several times cheaper).
_SCHOOL_LOW = re.compile(_SCHOOL.pattern)
# The school word as a word of its own after a space: what every _SCHOOL match must contain.
# Searched in the lower-cased text (a case-insensitive alternation is several times slower).
_SCHOOL_WORD_ALONE = re.compile(rf"\s(?:{_SCHOOL_WORD})(?![\wæøå])")
_COMPOUND = re.compile(
    r"(?<![\wæøå-])(?P<prefix>[\wæøåÆØÅé]+?)(?P<word>skolen|skole|gymnasiet|gymnasium)(?![\wæøå])",
    re.I,
)
# Compounds naming a kind of school, not a school.
_GENERIC_PREFIXES = frozenset(
    [
        "efter",
        "lejr",
        "natur",
        "folke",
        "fri",
        "privat",
        "real",
        "høj",
        "kost",
        "special",
        "ungdoms",
        "erhvervs",
        "gymnasie",
        "sommer",
        "danse",
        "musik",
        "køre",
        "sprog",
        "bi",
        "hoved",
        "grund",
        "lille",
        "produktions",
        "handels",
        "idræts",
        "efterskole",
        "friskole",
        "kunst",
        "film",
        "teater",
        "sports",
        "nat",
        "aften",
        "lands",
        "by",
        "central",
        "overbygnings",
        "dag",
        "weekend",
        "hjem",
        "ny",
        "gammel",
        "gamle",
        "nye",
        "dansk",
        "tysk",
        "engelsk",
        "fag",
        "modtage",
        "kommune",
        "kommunal",
        "katedral",
        "stats",
        "hf",
        "sø",
        "rudolf",
        "steiner",
        "steinerskole",
        "waldorf",
    ]
)
# Words that may stand inside a school's name though they are ordinary words.
_NAME_PARTS = frozenset(
    [
        "nørre",
        "søndre",
        "sønder",
        "vester",
        "vestre",
        "øster",
        "østre",
        "nordre",
        "sankt",
        "skt",
        "ny",
        "gammel",
        "gl",
        "store",
        "lille",
        "tekniske",
        "private",
        "frie",
        "internationale",
        "danske",
        "kristne",
        "katolske",
    ]
)


def find_classes(text: str) -> Iterator[Candidate]:
    for m in _CLASS.finditer(text):
        sep = m.group("sep") or ""
        cued = _CLASS_CUE.search(text, 0, m.start()) is not None
        token = m.group("grade") + m.group("letter")
        # "8.b" stands on its own; "9c", "9. b" or "9 c" and look-alikes need a cue.
        loose = sep.strip() != "." or " " in sep
        if loose and not cued and (" " in sep or _AMBIGUOUS_CLASS.fullmatch(token)):
            continue
        yield Candidate(m.start(), m.end(), "SKOLE")


_DETERMINERS = frozenset(
    [
        "min",
        "mit",
        "din",
        "dit",
        "vores",
        "jeres",
        "deres",
        "hans",
        "hendes",
        "sin",
        "sit",
        "en",
        "et",
    ]
)


def _name_start(words: list[str], lexicon: Lexicon, first_initial: bool = False) -> int:
    """How many of the words before the school word belong to its name (from the right).

    A word belongs if it is a usual name part, not an ordinary word, or capitalised (a
    proper noun: "Københavns Åbne Gymnasium", "Det Frie Gymnasium"), but a capitalised
    possessive at the start of a sentence ("Min skole") does not, nor a capitalised
    ordinary word that starts the sentence ("Efter skole går jeg hjem"): ``first_initial``
    says that ``words[0]`` starts a sentence.
    """
    count = 0
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        low = word.lower().strip(".")
        capital_says_name = not (i == 0 and first_initial and count == 0)
        if (
            low in _NAME_PARTS
            or (low not in lexicon.common_words and not low.isdigit() and len(low) > 1)
            or (
                word[0].isupper()
                and capital_says_name
                and low not in _DETERMINERS
                and (low not in ("det", "den") or count > 0)
            )
        ):
            count += 1
        else:
            break
    return count


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:\n"


# Every school word and compound contains one of these (lower case): a substring test spares
# most messages the case-insensitive alternations.
_SCHOOL_HINTS = ("skole", "gym", "hf", "htx", "hhx", "stx", "akademi", "seminari")
# What every _COMPOUND match contains: a letter right before the school word.
_COMPOUND_GATE = re.compile(r"\w(?:skolen|skole|gymnasiet|gymnasium)(?!\w)")


def _window(gate: re.Pattern[str], text: str, low: str, runs: int) -> tuple[int, int] | None:
    """The span of `text` a pattern ending in `gate`'s part must lie in: from `runs`
    whitespace runs before the first occurrence of the part to the end of the last one."""
    found = list(gate.finditer(low))
    if not found:
        return None
    if len(low) != len(text):  # a character that lower-cases to two: offsets differ
        return 0, len(text)
    return start_before(text, found[0].start() + 1, runs), found[-1].end()


def _school_window(text: str, low: str) -> tuple[int, int] | None:
    # A name is at most three words, each followed by whitespace: four runs back.
    return _window(_SCHOOL_WORD_ALONE, text, low, 4)


def _compound_window(text: str, low: str) -> tuple[int, int] | None:
    # A compound is one word: it starts after the whitespace run before it.
    return _window(_COMPOUND_GATE, text, low, 1)


def find_schools(text: str, lexicon: Lexicon) -> Iterator[Candidate]:
    low = text.lower()
    if not any(hint in low for hint in _SCHOOL_HINTS):
        return
    window = _school_window(text, low)
    pattern, subject = (_SCHOOL_LOW, low) if len(low) == len(text) else (_SCHOOL, text)
    school_matches = pattern.finditer(subject, *window) if window else iter(())
    for m in school_matches:
        name = text[m.start("name") : m.end("name")]
        words = name.split()
        first_at = m.start("name") + len(name) - len(name.lstrip())
        keep = _name_start(words, lexicon, _sentence_initial(text, first_at))
        if keep == 0:
            continue
        # A name made only of prefix words needs capitals ("Vestre Skole", not "ny skole").
        if all(w.lower().strip(".") in _NAME_PARTS for w in words[-keep:]) and not all(
            w[0].isupper() for w in words[-keep:]
        ):
            continue
        pos = 0
        for word in words[: len(words) - keep]:
            pos = name.index(word, pos) + len(word)
        while name[pos].isspace():
            pos += 1
        yield Candidate(m.start("name") + pos, m.end(), "SKOLE")
    window = _compound_window(text, low)
    if window is None:
        return  # every compound ends in skole(n) or gymnasi(et|um)
    for m in _COMPOUND.finditer(text, *window):
        prefix = m.group("prefix").lower()
        if prefix in _GENERIC_PREFIXES or prefix.rstrip("s") in _GENERIC_PREFIXES:
            continue
        if len(prefix) < 3:
            continue
        yield Candidate(m.start(), m.end(), "SKOLE")
