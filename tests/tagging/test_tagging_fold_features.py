"""Features cut per fold from one count pass equal the feature union fitted on the fold."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import FunctionTransformer

from tagging.corpus import load_corpus
from tagging.fold_features import FoldFeatures
from tagging.model import build_features, others_suicide_masked

# Messages that tell someone else's suicide: FoldFeatures counts their masked copies too.
_OTHERS = [
    "min fætter tog sit eget liv i sommer og jeg kan ikke sove",
    "naboens søn hængte sig, jeg så ambulancen",
]


def _assert_same(expected: sparse.spmatrix, got: sparse.spmatrix) -> None:
    expected, got = sparse.csr_matrix(expected), sparse.csr_matrix(got)
    expected.sort_indices()
    got.sort_indices()
    assert expected.shape == got.shape
    np.testing.assert_array_equal(expected.indptr, got.indptr)
    np.testing.assert_array_equal(expected.indices, got.indices)
    # scikit-learn sums a row's squares in the order its n-grams first occur, FoldFeatures in
    # column order: the norms may differ in the last bit.
    np.testing.assert_allclose(expected.data, got.data, rtol=1e-12, atol=0)


def test_each_fold_equals_the_union_fitted_on_that_fold() -> None:
    texts = [ex.text for ex in load_corpus()[:600]] + _OTHERS
    features = FoldFeatures(build_features(), texts, n_jobs=1)
    assert {len(texts) - 2, len(texts) - 1} <= set(features.masked_row)
    for fit_rows, held_rows in KFold(n_splits=3, shuffle=True, random_state=4).split(texts):
        union = build_features()
        fitted = union.fit_transform([texts[i] for i in fit_rows])
        held = union.transform([texts[i] for i in held_rows])
        masked_in_held = [i for i in held_rows if i in features.masked_row]
        _, masked = others_suicide_masked([texts[i] for i in masked_in_held])
        masked_rows = np.array([features.masked_row[i] for i in masked_in_held], dtype=int)
        got_fit, got_held, got_masked = features.fold(fit_rows, [held_rows, masked_rows])
        _assert_same(fitted, got_fit)
        _assert_same(held, got_held)
        if masked:
            _assert_same(union.transform(masked), got_masked)


def test_a_vocabulary_term_of_the_held_out_rows_only_is_not_a_feature() -> None:
    texts = ["hej med dig", "hej igen", "hej hej", "zebraagtig ord"]
    features = FoldFeatures(build_features(), texts, n_jobs=1)
    got_fit, got_held = features.fold(np.array([0, 1, 2]), [np.array([3])])
    union = build_features()
    _assert_same(union.fit_transform(texts[:3]), got_fit)
    _assert_same(union.transform(texts[3:]), got_held)


def test_a_transformer_it_cannot_cut_is_refused() -> None:
    union = FeatureUnion([("odd", FunctionTransformer())])
    with pytest.raises(TypeError, match="FunctionTransformer"):
        FoldFeatures(union, ["hej"], n_jobs=1)
    weighted = build_features().set_params(transformer_weights={"char": 2.0})
    with pytest.raises(ValueError, match="weighted"):
        FoldFeatures(weighted, ["hej"], n_jobs=1)


def test_the_union_fitted_from_the_counts_equals_the_union_fitted_on_the_texts() -> None:
    # Someone else's suicide makes a masked copy: its "døde" must not enter the vocabulary.
    texts = [ex.text for ex in load_corpus()[:600]] + _OTHERS
    texts = [t for t in texts if "døde" not in t]
    got_union, got_matrix = FoldFeatures(build_features(), texts, n_jobs=1).fit_all()
    union = build_features()
    _assert_same(union.fit_transform(texts), got_matrix)
    words, got_words = (
        dict(union.transformer_list)["word"],
        dict(got_union.transformer_list)["word"],
    )
    char, got_char = dict(union.transformer_list)["char"], dict(got_union.transformer_list)["char"]
    for expected, got in (
        (words.words_, got_words.words_),
        (words.stems_, got_words.stems_),
        (char, got_char),
    ):
        assert got.vocabulary_ == expected.vocabulary_
        np.testing.assert_array_equal(got.idf_, expected.idf_)
        assert set(vars(got)) == set(vars(expected))
    assert "døde" not in got_words.words_.vocabulary_
    probe = ["jeg vil bare sove og ikke vågne", "hej", "min kæreste slog op i går 💔"]
    _assert_same(union.transform(probe), got_union.transform(probe))
