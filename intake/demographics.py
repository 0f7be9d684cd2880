"""Gender and age band: the only demographics the service keeps.

A youth's exact age is never stored; it is turned into a band the moment it is read. The ids
are stable (statistics and the database use them); Danish labels are for people.
"""

import re
from enum import StrEnum


class Gender(StrEnum):
    PIGE = "pige"
    DRENG = "dreng"
    ANDET = "andet"
    IKKE_OPLYST = "ikke_oplyst"


class AgeBand(StrEnum):
    B10_12 = "10-12"
    B13_15 = "13-15"
    B16_18 = "16-18"
    B19_24 = "19-24"
    B25_PLUS = "25+"
    IKKE_OPLYST = "ikke_oplyst"


GENDER_LABELS_DA: dict[Gender, str] = {
    Gender.PIGE: "Pige",
    Gender.DRENG: "Dreng",
    Gender.ANDET: "Andet",
    Gender.IKKE_OPLYST: "Ikke oplyst",
}

AGE_BAND_LABELS_DA: dict[AgeBand, str] = {
    AgeBand.B10_12: "10–12 år",
    AgeBand.B13_15: "13–15 år",
    AgeBand.B16_18: "16–18 år",
    AgeBand.B19_24: "19–24 år",
    AgeBand.B25_PLUS: "25+ år",
    AgeBand.IKKE_OPLYST: "Ikke oplyst",
}

_DECLINE_WORDS = (
    "vil ikke sige",
    "vil ik sige",
    "vil helst ikke",
    "spring over",
    "skip",
    "ved ikke",
    "ikke oplyst",
    "det vil jeg ikke sige",
    "hemmeligt",
)

_GENDER_WORDS: dict[Gender, tuple[str, ...]] = {
    Gender.PIGE: ("pige", "pig", "pie", "girl", "kvinde", "hun", "tøs", "pigen"),
    Gender.DRENG: ("dreng", "dreg", "boy", "mand", "fyr", "han", "drengen"),
    Gender.ANDET: (
        "andet",
        "anden",
        "ikke-binær",
        "ikke binær",
        "nonbinær",
        "non-binær",
        "nonbinary",
        "non binary",
        "enby",
        "trans",
        "queer",
        "genderfluid",
        "hen",
    ),
}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower()).strip(" .!?")


def parse_gender(text: str) -> Gender | None:
    """Map a free-text or button answer to a gender id; None when it is not an answer."""
    answer = _normalise(text)
    if not answer:
        return None
    if any(word in answer for word in _DECLINE_WORDS):
        return Gender.IKKE_OPLYST
    words = set(re.findall(r"[\wæøå-]+", answer))
    matches = {
        gender
        for gender, synonyms in _GENDER_WORDS.items()
        if any(s in words or (" " in s and s in answer) for s in synonyms)
    }
    if len(matches) == 1:
        return matches.pop()
    return None


_NUMBER_WORDS: dict[str, int] = {
    "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
    "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tyve": 20, "enogtyve": 21,
    "toogtyve": 22, "treogtyve": 23, "fireogtyve": 24, "femogtyve": 25,
}  # fmt: skip

MIN_AGE = 5
MAX_AGE = 99


def parse_age(text: str) -> int | None:
    """Read an age from "15", "jeg er 15 år", "femten"; None when there is no plausible age."""
    answer = _normalise(text)
    numbers = [int(n) for n in re.findall(r"(?<!\d)\d{1,3}(?!\d)", answer)]
    if len(numbers) == 1:
        age = numbers[0]
    elif not numbers:
        words = [w for w in re.findall(r"[a-zæøå]+", answer) if w in _NUMBER_WORDS]
        if len(words) != 1:
            return None
        age = _NUMBER_WORDS[words[0]]
    else:
        return None
    return age if MIN_AGE <= age <= MAX_AGE else None


def age_to_band(age: int) -> AgeBand:
    """The service's youngest band is 10–12 and holds every age up to 12."""
    if age <= 12:
        return AgeBand.B10_12
    if age <= 15:
        return AgeBand.B13_15
    if age <= 18:
        return AgeBand.B16_18
    if age <= 24:
        return AgeBand.B19_24
    return AgeBand.B25_PLUS


def parse_age_band(text: str) -> AgeBand | None:
    """An answer to "hvor gammel er du?" as a band, ikke_oplyst when skipped, None if unclear."""
    answer = _normalise(text)
    if any(word in answer for word in _DECLINE_WORDS):
        return AgeBand.IKKE_OPLYST
    age = parse_age(answer)
    return None if age is None else age_to_band(age)
