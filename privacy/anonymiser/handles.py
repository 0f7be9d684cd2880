"""Social-media handles: "@navn", "min snap er xyz", "insta: xyz", "discord xyz#1234".

A word after a platform cue is a handle unless it is an ordinary Danish word ("min snap er
lukket", "skriv på insta hvis ..."), so the common-word list decides, not the spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate
from privacy.anonymiser.lexicon import Lexicon

_AT = re.compile(r"(?<![\w.@/])@[\w](?:[\w.]*[\w])?")
_PLATFORM = (
    r"snap(?:chat)?|insta(?:gram)?|ig|tiktok|tik\s?tok|discord|twitter|facebook|fb|kik|"
    r"telegram|twitch|youtube|yt|roblox|steam|psn|xbox|bereal|threads|wickr|minecraft|"
    r"fortnite|brugernavn(?:et)?|username|user|gamertag|profil(?:en|navn|navnet)?|konto(?:en)?|"
    r"sc"
)
# The platform named after the handle: "han hedder darkknight99 på discord". The word must
# have a letter and look like a handle (a digit, "_", "." or "#" inside); a plain word after
# "hedder" is left to the name finder.
_CUED_AFTER = re.compile(
    r"(?<![\w@.])"
    r"(?P<handle>@?[\w][\w.#-]*[\w])\s+(?:på|paa|on|i|in)\s+"
    rf"(?:{_PLATFORM})\b",
    re.IGNORECASE,
)
_HANDLE_MARK = re.compile(r"[\d_.#]")
_CUED = re.compile(
    rf"\b(?:{_PLATFORM})(?:\s*(?:navn|name|brugernavn|profil|id))?"
    r"(?P<sep>\s*[:=]\s*|\s+er\s+|\s+(?:der\s+|som\s+)?hedder\s+|\s+is\s+|\s*-\s*|\s+)"
    r"(?:(?:det|bare|lige)\s+)?"
    r"(?P<handle>@?[\w][\w.#-]*[\w]|@?[\w]{2})",
    re.IGNORECASE,
)
# Underscores appear in handles, never in Danish words.
_UNDERSCORE = re.compile(r"(?<![\w@.])[\w.]*[A-Za-zæøåÆØÅ0-9]_[\w.]*[\w]")


# Every platform word of _CUED starts a word (after \b): a cheap test on the lower-cased
# words before the long case-insensitive alternation scans the whole message.
_PLATFORM_STARTS = (
    "snap", "insta", "ig", "tik", "discord", "twitter", "facebook", "fb", "kik", "telegram",
    "twitch", "youtube", "yt", "roblox", "steam", "psn", "xbox", "bereal", "threads", "wickr",
    "minecraft", "fortnite", "brugernavn", "user", "gamertag", "profil", "konto", "sc",
)  # fmt: skip
_PLATFORM_START = re.compile(r"\b(?:" + "|".join(_PLATFORM_STARTS) + ")")


def _platform_word(text: str) -> bool:
    """Does a word start like a platform name? (Lower-cased text, no `re.I`: much cheaper.)"""
    return _PLATFORM_START.search(text.lower()) is not None


def find_handles(text: str, lexicon: Lexicon) -> Iterator[Candidate]:
    if "@" in text:
        for m in _AT.finditer(text):
            yield Candidate(m.start(), m.end(), "BRUGERNAVN")
    if _platform_word(text):
        yield from _cued(text, lexicon)
        yield from _cued_after(text, lexicon)
    if "_" in text:
        for m in _UNDERSCORE.finditer(text):
            yield Candidate(m.start(), m.end(), "BRUGERNAVN")


def _cued(text: str, lexicon: Lexicon) -> Iterator[Candidate]:
    for m in _CUED.finditer(text):
        handle = m.group("handle")
        low = handle.lower().lstrip("@")
        if low in lexicon.common_words or low.isdigit():
            continue
        if re.fullmatch(r"[a-zæøå]+", low) and low in lexicon.name_words:
            continue
        yield Candidate(m.start("handle"), m.end("handle"), "BRUGERNAVN")


def _cued_after(text: str, lexicon: Lexicon) -> Iterator[Candidate]:
    for m in _CUED_AFTER.finditer(text):
        handle = m.group("handle")
        low = handle.lower().lstrip("@")
        if low in lexicon.common_words or not any(ch.isalpha() for ch in low):
            continue
        if not _HANDLE_MARK.search(handle):
            continue
        yield Candidate(m.start("handle"), m.end("handle"), "BRUGERNAVN")
