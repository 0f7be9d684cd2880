"""Text features computed once for all cross-validation folds.

Fitting the feature union on a fold's messages learns, per TF-IDF vectorizer, a vocabulary
(the n-grams in at least `min_df` of the fold's messages, in sorted order) and their idf;
the lexicon learns nothing. Both follow from a count matrix over every training message: a
fold's vocabulary is the columns whose document frequency among its rows reaches `min_df`
(a fold's document frequency can only be lower than the whole set's, so no term is missed),
and its idf comes from the same frequencies. So the messages are tokenized and counted once,
not once per fold and once more for the held-out rows: tokenizing was about a third of each
fold's time. The matrices are those of `build_features()` fitted on the fold, to rounding
(1e-12: scikit-learn sums a row's squares in the order its n-grams first occur; tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion

from tagging.lexicon import LexiconFeatures
from tagging.model import others_suicide_masked
from tagging.vectorizer import FastTfidfVectorizer, weigh
from tagging.words import WordAndStemTfidf, token_vectorizer, tokens_and_stems

Rows = npt.NDArray[np.int_]


@dataclass(frozen=True)
class CountBlock:
    """One TF-IDF vectorizer's raw counts over all messages, the n-gram of each count column
    (in scikit-learn's sorted vocabulary order), and the vectorizer's settings."""

    counts: sparse.csr_matrix
    terms: npt.NDArray[np.str_]
    vectorizer: FastTfidfVectorizer

    def tfidf(self, fit_rows: Rows, rows: Sequence[Rows]) -> list[sparse.csr_matrix]:
        """The vectorizer's `fit_transform` on `fit_rows`, then its `transform` of each of
        `rows`, with the arithmetic of each (they normalise in different orders)."""
        keep, idf, fit_matrix = self._fit(fit_rows)
        return [fit_matrix, *(weigh(self.counts[r][:, keep], idf) for r in rows)]

    def fit_into(self, vectorizer: FastTfidfVectorizer, fit_rows: Rows) -> sparse.csr_matrix:
        """Put `vectorizer` (unfitted, with this block's settings) in the state `fit` on
        `fit_rows` leaves it, and return the matrix of its `fit_transform`."""
        keep, idf, fit_matrix = self._fit(fit_rows)
        vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(self.terms[keep])}
        vectorizer.fixed_vocabulary_ = False
        vectorizer._tfidf = idf
        vectorizer.build_analyzer()  # caches its stop-word check in the state, as fit does
        return fit_matrix

    def _fit(self, fit_rows: Rows) -> tuple[Rows, TfidfTransformer, sparse.csr_matrix]:
        """The columns a fit on `fit_rows` keeps as its vocabulary, its idf, and its matrix."""
        fitted = self.counts[fit_rows]
        frequency = np.bincount(fitted.indices, minlength=fitted.shape[1])
        keep = np.flatnonzero(frequency >= self.vectorizer.min_df)
        v = self.vectorizer
        idf = TfidfTransformer(
            norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf, sublinear_tf=v.sublinear_tf
        )
        return keep, idf, idf.fit_transform(fitted[:, keep])


@dataclass(frozen=True)
class FixedBlock:
    """Features that learn nothing from the training messages (the lexicon)."""

    values: sparse.csr_matrix

    def tfidf(self, fit_rows: Rows, rows: Sequence[Rows]) -> list[sparse.csr_matrix]:
        return [self.values[r] for r in (fit_rows, *rows)]


Block = CountBlock | FixedBlock


# CountVectorizer's own parameters, taken over from a TF-IDF vectorizer.
_COUNT = frozenset(CountVectorizer().get_params())


class FoldFeatures:
    """Every training message's features, from which each fold's matrices are cut.

    Messages that tell someone else's suicide are also counted in their masked form (the
    second text `predict_proba` scores for them), over the training messages' vocabulary
    only: `masked_row` maps a message's row to its masked copy's row.
    """

    def __init__(
        self, union: FeatureUnion, texts: Sequence[str], n_jobs: int | None = None
    ) -> None:
        rows, masked = others_suicide_masked(texts)
        n = len(texts)
        self.masked_row: dict[int, int] = {row: n + k for k, row in enumerate(rows)}
        every = [*texts, *masked]
        weights = union.transformer_weights or {}
        for name, _ in union.transformer_list:
            if weights.get(name, 1.0) != 1.0:
                raise ValueError(f"feature block {name!r} is weighted; FoldFeatures cannot cut it")
        # The union's transformers count side by side (each is pure Python; word tokens and
        # character n-grams take about as long as each other).
        counted: list[list[Block]] = Parallel(n_jobs=n_jobs, backend="loky")(
            delayed(_blocks)(transformer, every, n) for _, transformer in union.transformer_list
        )
        self.union = union
        self.n_messages = n
        self.blocks_of_transformer = counted

    @property
    def blocks(self) -> list[Block]:
        """Every block, in the union's column order."""
        return [block for blocks in self.blocks_of_transformer for block in blocks]

    def fold(self, fit_rows: Rows, rows: Sequence[Rows]) -> list[sparse.csr_matrix]:
        """The union's `fit_transform` on `fit_rows`, then its `transform` of each of `rows`."""
        parts = [block.tfidf(fit_rows, rows) for block in self.blocks]
        return [sparse.hstack(columns, format="csr") for columns in zip(*parts, strict=True)]

    def fit_all(self) -> tuple[FeatureUnion, sparse.csr_matrix]:
        """A copy of the union in the state `fit` on all training messages leaves it (not
        their masked copies), and the matrix of its `fit_transform`: what the final model is
        fitted on, without tokenizing the messages again."""
        union = clone(self.union)
        every_row = np.arange(self.n_messages)
        parts: list[sparse.csr_matrix] = []
        for (_, transformer), blocks in zip(
            union.transformer_list, self.blocks_of_transformer, strict=True
        ):
            fitted: list[FastTfidfVectorizer | None] = [None] * len(blocks)
            if isinstance(transformer, WordAndStemTfidf):
                transformer.words_ = token_vectorizer(transformer.ngram_range)
                transformer.stems_ = token_vectorizer(transformer.ngram_range)
                fitted = [transformer.words_, transformer.stems_]
            elif isinstance(transformer, FastTfidfVectorizer):
                fitted = [transformer]
            for block, vectorizer in zip(blocks, fitted, strict=True):
                if isinstance(block, CountBlock) and vectorizer is not None:
                    parts.append(block.fit_into(vectorizer, every_row))
                else:  # a block that learns nothing
                    parts.append(block.tfidf(every_row, [])[0])
        return union, sparse.hstack(parts, format="csr")


def _blocks(transformer: object, every: list[str], n: int) -> list[Block]:
    """The blocks of one transformer of the union, in its column order."""
    if isinstance(transformer, WordAndStemTfidf):
        words, stemmed = tokens_and_stems(every)
        return [
            _count_block(token_vectorizer(transformer.ngram_range), words, n),
            _count_block(token_vectorizer(transformer.ngram_range), stemmed, n),
        ]
    if isinstance(transformer, FastTfidfVectorizer):
        return [_count_block(transformer, every, n)]
    if isinstance(transformer, LexiconFeatures):
        return [FixedBlock(sparse.csr_matrix(transformer.transform(every)))]
    raise TypeError(f"FoldFeatures does not know how to cut {type(transformer).__name__}")


def _count_block(
    vectorizer: FastTfidfVectorizer, every: Sequence[str] | Sequence[list[str]], n: int
) -> CountBlock:
    """Counts of all rows over the vocabulary of the first `n` (min_df 1: each fold applies
    the vectorizer's own `min_df`)."""
    params = {k: v for k, v in vectorizer.get_params().items() if k in _COUNT}
    counting = CountVectorizer(**{**params, "min_df": 1, "dtype": np.float64})
    fitted = counting.fit_transform(every[:n])
    rest = every[n:]
    extra = counting.transform(rest) if rest else fitted[:0]
    terms = counting.get_feature_names_out()
    return CountBlock(sparse.vstack([fitted, extra], format="csr"), terms, vectorizer)
