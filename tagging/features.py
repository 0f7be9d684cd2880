"""Text preparation: normalisation, ASCII folding, spaCy's Danish tokenizer.

Young people write with typos, stretched letters, slang spellings and emojis. Character
n-grams (within word boundaries) survive typos and inflection; word uni/bigrams carry phrases
such as "ikke vågne". A small spelling map folds the most common chat spellings onto one form
so the word features see one token instead of five.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokenizer import Tokenizer

# Stretched letters ("sååå", "nejjjj", "døøø"): a vowel repeated is folded to one (Danish never
# doubles these vowels), any letter repeated 3+ times to two (consonants double legitimately).
_STRETCH_VOWEL = re.compile(r"([æøå])\1+|([aeiouy])\2{2,}")
_STRETCH = re.compile(r"(\w)\1{2,}")
# Whatever either pattern above can match: a doubled æ/ø/å, or any character three times.
_MAYBE_STRETCHED = re.compile(r"([æøå])\1|(\w)\2\2")
# For character n-grams only: without æ/ø/å ("slar", "slaar", "doe") a typed word still shares
# n-grams with the right spelling.
_ASCII_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a"})
_DOUBLE_VOWEL = re.compile(r"([aeiouy])\1+")
_URL = re.compile(r"https?://\S+|www\.\S+")

# Common chat spellings -> standard form. Whole tokens only.
_SPELLING: dict[str, str] = {
    "ik": "ikke",
    "ikk": "ikke",
    "ike": "ikke",
    "ikek": "ikke",
    "jg": "jeg",
    "mg": "mig",
    "hva": "hvad",
    "hvd": "hvad",
    "nogn": "nogen",
    "osse": "også",
    "ogsa": "også",
    "pga": "på grund af",
    "idk": "ved ikke",
    "paa": "på",
    "naar": "når",
    "vaagne": "vågne",
    "doe": "dø",
    "doed": "død",
    "skaere": "skære",
    "kaereste": "kæreste",
    "selvmords": "selvmord",
    "kæresten": "kæreste",
    "gad": "gider",
    "orka": "orker",
}
_TOKEN_RE = re.compile(
    r"\b(" + "|".join(map(re.escape, sorted(_SPELLING, key=len, reverse=True))) + r")\b"
)


def normalise(text: str) -> str:
    """Lower-case, fold stretched letters and chat spellings, drop URLs, squeeze spaces.

    A plain function (the vectorizers store a reference to it in the artefact) over a cache:
    one message is normalised for each feature block and for the crisis rule.
    """
    return _normalise(text)


@lru_cache(maxsize=16384)
def _normalise(text: str) -> str:
    text = text.casefold()
    if "http" in text or "www." in text:  # a substring test costs a tenth of the regex scan
        text = _URL.sub(" ", text)
    if _MAYBE_STRETCHED.search(text):  # one scan instead of two for the ~99 % without
        text = _STRETCH_VOWEL.sub(lambda m: m.group(1) or m.group(2), text)
        text = _STRETCH.sub(r"\1\1", text)
    text = _TOKEN_RE.sub(lambda m: _SPELLING[m.group(1)], text)
    # str.split() splits on exactly the characters \s matches, in C: ~3 µs less than
    # substituting every space.
    return " ".join(text.split())


def ascii_fold(text: str) -> str:
    """Normalised text with æ/ø/å folded to a/o/a and doubled vowels to one (char features)."""
    return _DOUBLE_VOWEL.sub(r"\1", normalise(text).translate(_ASCII_FOLD))


# spaCy's tokenizer interns every new token string in its vocabulary for the life of the
# process. The action server tags the youth's own words and runs for weeks: without a fresh
# tokenizer now and then, those words would stay in its memory, and the memory would grow
# without bound (the anonymiser does the same, privacy/anonymiser/engine.py).
RECYCLE_AFTER = 20_000


@lru_cache(maxsize=1)
def _tokenizer_template() -> tuple[bytes, dict[Any, Callable[[str], Any]], frozenset[str]]:
    """spaCy's Danish tokenizer rules, serialised once, and the two word attributes we read.

    A fresh `spacy.blank("da")` takes ~0.15 s (it re-validates ~1,200 special cases), paid at
    every recycle; loading the rules from bytes takes about half. A new word's lexeme normally
    computes ~25 attributes (lower case, shape, prefix, suffix, stop word...) and interns
    several of them as strings; `tokenize` reads only IS_PUNCT and IS_SPACE, so the vocabulary
    computes only those: ~11 µs less per message with a new word, fewer of a youth's strings
    in memory, and the same tokens (tested against spaCy's own tokenizer).
    """
    import spacy  # imported lazily: spaCy costs ~0.5 s to import
    from spacy.attrs import IS_PUNCT, IS_SPACE

    nlp = spacy.blank("da")
    # spaCy's stubs lag its runtime here (attribute ids are ints; the tokenizer is a class).
    vocab: Any = nlp.vocab
    tokenizer: Any = nlp.tokenizer
    getters = {
        attr: getter
        for attr, getter in vocab.lex_attr_getters.items()
        if attr in (IS_PUNCT, IS_SPACE)
    }
    return tokenizer.to_bytes(), getters, frozenset(tokenizer.rules or ())


def _blank_tokenizer() -> Tokenizer:
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    rules, getters, _ = _tokenizer_template()
    return Tokenizer(Vocab(lex_attr_getters=getters)).from_bytes(rules)


# A chunk between single spaces that is letters with trailing sentence punctuation, or digits
# alone, either followed by emoji, or emoji alone. spaCy's Danish rules make it one word token
# plus punctuation tokens (which `tokenize` drops) plus one token per emoji (spaCy splits
# every symbol of its icon class off, before, after or inside a word), unless a special case
# applies ("ca.", "kl.", ":)"). Such chunks make up 93 % of corpus messages; splitting them
# here takes ~11 µs a message instead of spaCy's 27-125, and the words never reach spaCy's
# vocabulary. Tested against spaCy on the corpus and random text.
_CHUNK = r"(?:[^\W\d_]+[,.!?]*|\d+)"
_PLAIN_TEXT = re.compile(f"{_CHUNK}(?: {_CHUNK})*")
_PLAIN_CHUNK = re.compile(r"([^\W\d_]+)([,.!?]*)|(\d+)")


@lru_cache(maxsize=1)
def _icon_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The plain-chunk patterns with emoji: tried only when a text is not plain without them
    (checking spaCy's 2,400-range icon class costs ~2.5 µs a message)."""
    from spacy.lang.char_classes import ICONS  # spaCy's own class, so the split is its split

    icon = f"[{ICONS}]"
    chunk = rf"(?:{_CHUNK}{icon}*|{icon}+)"
    return (
        re.compile(f"{chunk}(?: {chunk})*"),
        re.compile(rf"([^\W\d_]+)([,.!?]*)|(\d+)|({icon})"),
    )


def _plain_tokens(text: str) -> list[str] | None:
    """spaCy's tokens for text made only of plain chunks, else None (let spaCy decide)."""
    # (word, its trailing punctuation, or else digits or one emoji) per chunk
    chunks: list[tuple[str, str, str]]
    if _PLAIN_TEXT.fullmatch(text) is not None:
        chunks = _PLAIN_CHUNK.findall(text)
    else:
        with_icons, icon_chunk = _icon_patterns()
        if with_icons.fullmatch(text) is None:  # anything else, a double space included
            return None
        chunks = [(w, p, d or i) for w, p, d, i in icon_chunk.findall(text)]
    special = _tokenizer_template()[2]
    tokens: list[str] = []
    for word, punct, digits_or_icon in chunks:
        if digits_or_icon:
            tokens.append(digits_or_icon)
            continue
        if word in special:
            return None
        if punct and any(word + punct[:k] in special for k in range(1, len(punct) + 1)):
            return None
        tokens.append(word)
    return tokens


@lru_cache(maxsize=1)
def _token_columns() -> list[int]:
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH  # lazily, as spaCy itself

    return [IDX, LENGTH, IS_PUNCT, IS_SPACE]


class _RecyclingTokenizer:
    """spaCy's Danish tokenizer, replaced by a fresh one every `RECYCLE_AFTER` texts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: Tokenizer | None = None
        self._served = 0

    def __call__(self, text: str) -> list[str]:
        plain = _plain_tokens(text)
        if plain is not None:
            return plain
        with self._lock:
            if self._tokenizer is None or self._served >= RECYCLE_AFTER:
                self._tokenizer = _blank_tokenizer()
                self._served = 0
            self._served += 1
            doc = self._tokenizer(text)
        # Offsets from one array instead of a Token object per word: ~7 µs less per message
        # (a third of the tokenizer's cost), the same tokens.
        rows = doc.to_array(_token_columns()).tolist()
        return [
            text[start : start + length]
            for start, length, punct, space in rows
            if not (punct or space)
        ]

    def knows(self, word: str) -> bool:
        """Whether the current tokenizer's vocabulary holds `word` (for tests)."""
        return self._tokenizer is not None and word in self._tokenizer.vocab.strings


_TOKENIZER = _RecyclingTokenizer()


def tokenize(text: str) -> list[str]:
    """spaCy's rule-based Danish tokenizer (no model needed); punctuation-only tokens dropped."""
    return _TOKENIZER(text)
