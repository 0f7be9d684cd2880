"""E-mail addresses, URLs and IP addresses (v4 and v6)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+"
    r"(?:@|\s?[(\[{]\s?(?:at|snabel-a)\s?[)\]}]\s?|\s(?:at|snabel-a)\s)"
    r"[\w-]+(?:(?:\.|\s?(?:dot|punktum)\s?)[\w-]+)*(?:\.|\s?(?:dot|punktum)\s?)[A-Za-z]{2,}"
    r"(?![\w@])"
)
# Spelled-out e-mails ("navn at gmail dot com") only count with a known mail domain, so
# "kom at se" never matches.
_MAIL_WORD = re.compile(r"\b(?:gmail|hotmail|outlook|yahoo|live|icloud|protonmail|mail)\b", re.I)
# The same, for lower-cased text without `re.I` (the cheap check before every message).
_MAIL_WORD_LOW = re.compile(_MAIL_WORD.pattern)

_TLDS = "dk|com|net|org|io|ly|gl|app|tv|gg|eu|info|xyz|uk|link|fo|me|co|se|no|de|nu|to|be"
# Bare domains ("instagram.com/x"); TLDs that are also Danish words (de, se, no, nu, to, be,
# me, co) only with a path, so "hjem.de var sure" stays.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:dk|com|net|org|io|ly|gl|app|tv|gg|eu|info|xyz|uk|link|fo)"
    r"(?:/[^\s<>\"']*)?(?![\w@])"
    rf"|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})/[^\s<>\"']*"
)
_TRAILING = ".,;:!?)]}'\""

_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?![\d])(?!\.\d)"
)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


def email_possible(text: str) -> bool:
    """Necessary for any e-mail match: an "@", or a mail word (the spelled-out form)."""
    return "@" in text or _MAIL_WORD_LOW.search(text.lower()) is not None


def url_possible(text: str) -> bool:
    """Necessary for any URL match: a dot (domain, "www.") or a scheme's "://"."""
    return "." in text or "://" in text


def ip_possible(text: str) -> bool:
    """Necessary for an IPv4 (dots) or IPv6 (colons) match."""
    return "." in text or ":" in text


def find_email(text: str) -> Iterator[Candidate]:
    for m in _EMAIL.finditer(text):
        if "@" not in m.group() and not _MAIL_WORD.search(m.group()):
            continue
        yield Candidate(m.start(), m.end(), "EMAIL")


def find_url(text: str) -> Iterator[Candidate]:
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING:
            end -= 1
        yield Candidate(m.start(), end, "URL")


def find_ip(text: str) -> Iterator[Candidate]:
    for m in _IPV4.finditer(text):
        yield Candidate(m.start(), m.end(), "IP")
    for m in _IPV6.finditer(text):
        try:
            ipaddress.IPv6Address(m.group())
        except ValueError:
            continue
        yield Candidate(m.start(), m.end(), "IP")
