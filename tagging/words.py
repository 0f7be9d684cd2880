"""Word and word-stem 1-2-gram TF-IDF from one tokenization of each message.

Stems let "kæresten", "kæresterne" and "kæreste" share a feature, which a tag's ~100-300
examples cannot teach word by word (out of fold +0.003 macro-F1, on another author's messages
+0.009). Two separate vectorizers would run spaCy's tokenizer twice per message, the most
expensive step of prediction; this one tokenizes once and feeds the tokens and their stems to
two TF-IDF vectorizers, so the matrix is exactly theirs side by side (tested).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import Stemmer
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from tagging.features import normalise, tokenize
from tagging.vectorizer import FastTfidfVectorizer

_STEMMERS = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    """One Snowball (Danish) stemmer per thread: a stemmer object is not thread-safe."""
    stemmer: Stemmer.Stemmer | None = getattr(_STEMMERS, "stemmer", None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer("danish")
        # PyStemmer keeps the last 10,000 words it stemmed by default: youths' words would
        # stay in the action server's memory (the tokenizer is recycled for the same reason).
        # Without the cache a word takes ~0.25 µs.
        stemmer.maxCacheSize = 0
        _STEMMERS.stemmer = stemmer
    return stemmer


def stems(tokens: list[str]) -> list[str]:
    """Danish Snowball stems of tokens, in order."""
    stemmed: list[str] = _stemmer().stemWords(tokens)
    return stemmed


def pretokenized(tokens: list[str]) -> list[str]:
    """The vectorizers' tokenizer: their input is already a token list."""
    return tokens


def tokens_and_stems(texts: Iterable[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Each normalised message's spaCy tokens, and their stems."""
    words = [tokenize(normalise(text)) for text in texts]
    return words, [stems(tokens) for tokens in words]


def token_vectorizer(ngram_range: tuple[int, int]) -> FastTfidfVectorizer:
    """A TF-IDF vectorizer of word or stem n-grams over token lists (one of the block's two)."""
    return FastTfidfVectorizer(
        tokenizer=pretokenized,
        token_pattern=None,
        lowercase=False,
        ngram_range=ngram_range,
        sublinear_tf=True,
        min_df=1,
    )


class WordAndStemTfidf(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """[word n-gram TF-IDF | stem n-gram TF-IDF] of normalised, spaCy-tokenized text."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.ngram_range = ngram_range

    def fit(self, x: Iterable[str], y: Any = None) -> WordAndStemTfidf:
        self.fit_transform(x)
        return self

    def fit_transform(self, x: Iterable[str], y: Any = None) -> sparse.csr_matrix:
        # One tokenization for fitting and transforming (TransformerMixin's would run two).
        words, stemmed = tokens_and_stems(x)
        self.words_ = token_vectorizer(self.ngram_range)
        self.stems_ = token_vectorizer(self.ngram_range)
        return sparse.hstack(
            [self.words_.fit_transform(words), self.stems_.fit_transform(stemmed)], format="csr"
        )

    def transform(self, x: Iterable[str]) -> sparse.csr_matrix:
        words, stemmed = tokens_and_stems(x)
        return sparse.hstack(
            [self.words_.transform(words), self.stems_.transform(stemmed)], format="csr"
        )
