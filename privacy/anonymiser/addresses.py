"""Street addresses ("Nørregade 12, 2. th", "Sønder Allé 14", "æblevej 4") and postcodes
with a town ("8000 Aarhus C", "2200 kbh n").

A street is recognised by its Danish suffix (-vej, -gade, -allé, -stræde, -vænget, ...) and
needs a house number, or a cue such as "bor på", because "motorvej" and "hovedgade" are
ordinary words. Floor and side ("2. th", "st. tv", "1. sal") belong to the address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate
from privacy.anonymiser.lexicon import Lexicon
from privacy.anonymiser.windows import start_before

# Suffixes that make a street name even in lower case ("skovvej 3").
_SUFFIX = (
    r"vej|vejen|gade|allé|alle|stræde|torv|torvet|plads|pladsen|vænget|vænge|boulevard|"
    r"parken|bakken|toften|vangen|stien|haven|kæret|engen|løkken|dalen|lunden|højen|"
    r"brinken|banken|marken|krogen|gården|skoven|kvarter|kvarteret|passagen|diget|svinget|"
    r"hegnet|mosen|sletten|gyden|bakke|høj|lund|dal|park|have|kær|toft|vang|sti|kaj|kajen"
)
# Words in front of a street name that are not capitalised by everyone.
_PREFIX = r"(?:nørre|søndre|sønder|vester|vestre|øster|østre|nordre|gammel|gl\.|ny|store|lille|sankt|skt\.|sct\.|kong|dronning|prins|prinsesse|h\.\s?c\.)"  # noqa: E501
_CAP = r"[A-ZÆØÅ][\wæøåé'.-]*"
_STREET = (
    rf"(?:(?:{_CAP}|{_PREFIX})\s+){{0,3}}"
    rf"(?:[\wæøåÆØÅé-]*(?:{_SUFFIX}))"
)
# House letter: "2B", "112A" or "12 B"; a lone lower-case letter after a space is a word
# ("æblevej 4 i Aarhus").
_NUMBER = r"\d{1,4}(?:[A-Za-z]|(?-i:\s[A-Z]))?(?![\w])(?:\s?-\s?\d{1,4})?"
_FLOOR = (
    r"(?:,?\s*(?:(?:st|kl|kld|stuen|parterre)\b\.?|\d{1,2}\.(?:\s?sal\b)?|\d{1,2}\s?sal\b"
    r"|\d{1,2}(?=\s?(?:th|tv|mf)\b))"
    r"(?:\s*,?\s*(?:th|tv|mf|t\.h|t\.v)\b\.?)?)?"
)
_ADDRESS = re.compile(
    rf"(?<![\w])(?P<street>{_STREET})\s+(?P<number>{_NUMBER})(?![\d]){_FLOOR}", re.I
)
# A street suffix followed by a house number: what every _ADDRESS match must contain. A cheap
# search for it first (in the lower-cased text: a case-insensitive alternation is ~6x slower)
# spares most messages the backtracking-heavy full pattern.
_SUFFIX_THEN_NUMBER = re.compile(rf"(?:{_SUFFIX})\s+\d")
_DIGIT = re.compile(r"\d")
_LIVE_CUE = re.compile(
    rf"\b(?:bor|boede|bo|flytter|flyttede|flyttet|adresse|adressen)\s+(?:på|i|ved|til|er|:)?\s*"
    rf"(?P<street>{_STREET})(?![\wæøå])",
    re.I,
)
# The start of every cue word of _LIVE_CUE: a cheap search before the full pattern.
_LIVE_WORD = re.compile(r"\b(?:bo|flytte|adresse)")  # searched in the lower-cased text
# Lower-case compounds that end like a street but are ordinary words.
_NOT_STREETS = frozenset(
    [
        "vej",
        "vejen",
        "gade",
        "plads",
        "pladsen",
        "torv",
        "torvet",
        "have",
        "haven",
        "park",
        "parken",
        "høj",
        "dal",
        "lund",
        "kær",
        "sti",
        "motorvej",
        "omvej",
        "hovedvej",
        "landevej",
        "sidevej",
        "cykelsti",
        "gangsti",
        "sidegade",
        "hovedgade",
        "legeplads",
        "arbejdsplads",
        "parkeringsplads",
        "siddeplads",
        "markedsplads",
        "skolegården",
        "gården",
        "bakke",
        "bakken",
        "marken",
        "skoven",
        "engen",
        "banken",
        "kaj",
        "kajen",
        "toft",
        "vang",
        "stien",
        "alle",
        "allé",
    ]
)

_POSTCODE = re.compile(
    r"(?<![\d+])(?:DK-?\s?)?(?P<code>[1-9]\d{3})\s+"
    r"(?P<town>[A-ZÆØÅa-zæøå][\wæøåÆØÅ.-]*(?:\s+[A-ZÆØÅ][\wæøå-]+)?)"
    r"(?:\s+(?P<district>C|K|N|V|S|Ø|SV|NV|NØ|SØ)(?![\wæøå]))?",
    re.I,
)


_STRONG_LOWER = re.compile(
    r".+(?:vej|vejen|gade|allé|alle|stræde|torv|plads|vænget|vænge|boulevard|parken|bakken|"
    r"toften|vangen|stien|kæret|løkken|højen|lunden)"
)


def _is_street_word(street: str) -> bool:
    words = street.split()
    last = words[-1]
    if last[0].isupper():
        # "Allé", "Boulevard" alone need a name in front ("Sønder Allé").
        return len(words) > 1 or last.lower() not in _NOT_STREETS
    if last.lower() in _NOT_STREETS:
        return len(words) > 1 and words[-2][0].isupper()
    # Lower-case compounds only with the unmistakable suffixes ("skovvej", not "skandal").
    return _STRONG_LOWER.fullmatch(last.lower()) is not None


# Capitalised words that are not street names even mid-sentence ("kan I ...").
_NOT_STREET_NAME_WORDS = frozenset(["i", "jeg", "vi", "du", "de", "han", "hun", "det", "den"])


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:\n"


def _trim_lead(street: str, lexicon: Lexicon, text: str = "", start: int = 0) -> int:
    """Characters to drop from the front: the regex takes up to three words before the
    suffix word; only street prefixes ("Ny", "Sønder", "H.C.") and capitalised words belong
    to the street name. A capitalised ordinary word belongs only when it cannot be a
    sentence's first word, or is a place ("Amager Strandvej", "Kongens Vænge");
    ``text``/``start`` say where ``street`` stands, to tell."""
    words = street.split()
    keep = len(words) - 1
    offsets = []
    pos = 0
    for word in words:
        pos = street.index(word, pos)
        offsets.append(start + pos)
        pos += len(word)
    while keep > 0:
        word = words[keep - 1]
        low = word.lower()
        proper = word[0].isupper() and (
            low not in lexicon.common_words
            or (
                low not in _NOT_STREET_NAME_WORDS
                and (low in lexicon.places or not _sentence_initial(text, offsets[keep - 1]))
            )
        )
        if re.fullmatch(_PREFIX, low) or proper:
            keep -= 1
        else:
            break
    if keep == 0:
        return 0
    pos = 0
    for word in words[:keep]:
        pos = street.index(word, pos) + len(word)
    while pos < len(street) and street[pos].isspace():
        pos += 1
    return pos


def _street_window(text: str) -> int | None:
    """Where an _ADDRESS match can start, or None if none can exist. Every match holds a
    street suffix and a house number; up to three name words (one may be "H. C.") come
    before the street word, so a match starts at most five whitespace runs before the first
    suffix-number pair (six are allowed for margin)."""
    if _DIGIT.search(text) is None:
        return None
    low = text.lower()
    first = suffix_before_number(low)
    if first is None:
        return None
    if len(low) != len(text):  # a character that lower-cases to two: offsets differ
        return 0
    return start_before(text, first, 6)


_SPACE_DIGIT = re.compile(r"\s+\d")
_SUFFIXES = tuple(_SUFFIX.split("|"))


def suffix_before_number(low: str) -> int | None:
    """Where the first whitespace run between a street suffix and a digit starts in the
    lower-cased text, or None: the same test as `_SUFFIX_THEN_NUMBER`, but it looks only
    where a digit follows whitespace instead of trying fifty suffixes at every position."""
    for m in _SPACE_DIGIT.finditer(low):
        if low.endswith(_SUFFIXES, 0, m.start()):
            return m.start()
    return None


def find_addresses(text: str, lexicon: Lexicon) -> Iterator[Candidate]:
    window = _street_window(text)
    if window is not None:
        for m in _ADDRESS.finditer(text, window):
            street_at = m.start("street")
            start = street_at + _trim_lead(m.group("street"), lexicon, text, street_at)
            if not _is_street_word(text[start : m.end("street")]):
                continue
            end = m.end()
            while text[end - 1] in " ,":
                end -= 1
            yield Candidate(start, end, "ADRESSE")
    if _LIVE_WORD.search(text.lower()) is None:
        return
    for m in _LIVE_CUE.finditer(text):
        street_at = m.start("street")
        start = street_at + _trim_lead(m.group("street"), lexicon, text, street_at)
        if _is_street_word(text[start : m.end("street")]):
            yield Candidate(start, m.end(), "ADRESSE")


# Every postcode match holds four digits starting 1-9, after at most "DK- " (four characters).
_FOUR_DIGITS = re.compile(r"[1-9]\d{3}")


def find_postcodes(text: str, lexicon: Lexicon) -> Iterator[Candidate]:
    code_at = _FOUR_DIGITS.search(text)
    if code_at is None:
        return
    for m in _POSTCODE.finditer(text, max(0, code_at.start() - 4)):
        town = m.group("town")
        first = town.split()[0]
        low = first.lower().rstrip(".")
        # An unknown capitalised word after four digits can still be a town ("8700
        # Horsens"), but not an ordinary word ("i 2019 Flyttede vi").
        known = low in lexicon.places or low in ("kbh", "cph", "kbhvn")
        if not known and (not first[0].isupper() or low in lexicon.common_words):
            continue
        end = m.end("town")
        parts = town.split()
        if len(parts) > 1 and parts[1].lower() in lexicon.common_words:
            end = m.start("town") + len(first)
        if m.group("district") and m.end("town") == end:
            end = m.end("district")
        yield Candidate(m.start(), end, "POSTNR")
