"""Bank details: IBAN, card numbers, Danish registration and account numbers.

A Danish account is a four-digit registration number plus up to ten account digits,
written "reg 1234 konto 1234567890", "1234-1234567890" or "1234 0001234567". Four plus ten
digits is unmistakable; shorter account numbers need a banking word in the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacy.anonymiser.entities import Candidate

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}\b")
_CARD = re.compile(r"(?<![\d-])\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?![\d])")
_REG = re.compile(
    r"\breg(?:istrerings)?(?:\.|\s)?\s*(?:nr|nummer|no)?\.?\s*:?\s*(?:er\s+)?(\d{4})(?!\d)",
    re.IGNORECASE,
)
_KONTO = re.compile(
    r"\bkonto(?:\s*nr|nummer|nummeret|\s*nummer)?\.?\s*:?\s*(?:er\s+)?"
    r"(\d{4}[ -]?\d{6,10}|\d{6,10})(?!\d)",
    re.IGNORECASE,
)
_REG_ACCOUNT = re.compile(r"(?<![\d+])\d{4}[ -]\d{6,10}(?![\d])")
_BANK_CUE = re.compile(
    r"\b(?:konto|reg|overfør|overføre|bank|iban|penge|mobilepay|betal)", re.IGNORECASE
)


def find_accounts(text: str) -> Iterator[Candidate]:
    for m in _IBAN.finditer(text):
        if sum(ch.isdigit() for ch in m.group()) >= 10:
            yield Candidate(m.start(), m.end(), "KONTO")
    for m in _CARD.finditer(text):
        yield Candidate(m.start(), m.end(), "KONTO")
    low = text.lower()
    # Each pattern needs its literal word; a substring test spares the case-insensitive scan.
    for word, pattern in (("reg", _REG), ("konto", _KONTO)):
        if word in low:
            for m in pattern.finditer(text):
                yield Candidate(m.start(1), m.end(1), "KONTO")
    cued: bool | None = None
    for m in _REG_ACCOUNT.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group())
        if digits != 14 and cued is None:
            cued = _BANK_CUE.search(text) is not None
        if digits == 14 or cued:
            yield Candidate(m.start(), m.end(), "KONTO")
