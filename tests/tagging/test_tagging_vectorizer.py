"""The fast TF-IDF transform gives scikit-learn's matrix, entry for entry."""

from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from tagging.corpus import load_corpus
from tagging.features import build_features
from tagging.vectorizer import FastTfidfVectorizer


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [ex.text for ex in load_corpus()]


@pytest.mark.parametrize("name", ["word", "char"])
def test_tagger_vectorizers_match_scikit_learn(texts: list[str], name: str) -> None:
    fast = dict(build_features().transformer_list)[name]
    assert isinstance(fast, FastTfidfVectorizer)
    plain = TfidfVectorizer(**fast.get_params())
    train, test = texts[::2], [*texts[1::2], "", "ord der ikke findes i forvejen", "a"]
    fast.fit(train)
    plain.fit(train)
    assert fast.vocabulary_ == plain.vocabulary_
    got, want = fast.transform(test), plain.transform(test)
    assert got.shape == want.shape and want.nnz > 10 * len(test)
    assert abs(got - want).max() == 0


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
@pytest.mark.parametrize("ngram_range", [(1, 3), (2, 5), (4, 6)])
def test_char_ngrams_match_scikit_learn(
    texts: list[str], analyzer: str, ngram_range: tuple[int, int]
) -> None:
    params = {"analyzer": analyzer, "ngram_range": ngram_range}
    fast = FastTfidfVectorizer(**params).build_analyzer()
    plain = TfidfVectorizer(**params).build_analyzer()
    for text in [*texts[:300], "", "ab", "hej  med\tdig", " x "]:
        assert fast(text) == plain(text)


def test_char_wb_with_repeated_words_and_default_lowercasing_matches(texts: list[str]) -> None:
    """The per-word reuse of n-gram indices within one call must not change any count."""
    params = {"analyzer": "char_wb", "ngram_range": (2, 4), "sublinear_tf": True}
    fast, plain = FastTfidfVectorizer(**params), TfidfVectorizer(**params)
    fast.fit(texts[:500])
    plain.fit(texts[:500])
    test = ["Hej HEJ hej hej", "jeg jeg jeg er ked af det", *texts[500:900], "hej", ""]
    got, want = fast.transform(test), plain.transform(test)
    assert abs(got - want).max() == 0
