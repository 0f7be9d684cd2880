"""The fast TF-IDF transform gives scikit-learn's matrix, entry for entry."""

from __future__ import annotations

import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from tagging.corpus import load_corpus
from tagging.features import normalise, tokenize
from tagging.model import build_features
from tagging.vectorizer import FastTfidfVectorizer
from tagging.words import WordAndStemTfidf, stems


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [ex.text for ex in load_corpus()]


def _split(texts: list[str]) -> tuple[list[str], list[str]]:
    return texts[::2], [*texts[1::2], "", "ord der ikke findes i forvejen", "a", "ja ja ja ja"]


@pytest.mark.parametrize(
    "params",
    [
        {"analyzer": "char_wb", "ngram_range": (3, 5), "min_df": 2},  # the tagger's
        {"tokenizer": tokenize, "preprocessor": normalise, "ngram_range": (1, 2)},
        {"tokenizer": tokenize, "preprocessor": normalise, "ngram_range": (1, 3)},
        {"tokenizer": tokenize, "preprocessor": normalise, "ngram_range": (2, 3)},
        {"ngram_range": (1, 1)},  # scikit-learn's own tokenizer and lower-casing
    ],
)
def test_fast_transform_matches_scikit_learn(texts: list[str], params: dict[str, object]) -> None:
    extra = {"token_pattern": None} if "tokenizer" in params else {}
    fast = FastTfidfVectorizer(sublinear_tf=True, **params, **extra)
    plain = TfidfVectorizer(**fast.get_params())
    train, test = _split(texts)
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


def test_word_and_stem_block_is_two_plain_vectorizers_side_by_side(texts: list[str]) -> None:
    """One tokenization feeding both blocks gives exactly two separate vectorizers' matrix."""
    block = dict(build_features().transformer_list)["word"]
    assert isinstance(block, WordAndStemTfidf)

    def stem_tokens(text: str) -> list[str]:
        return stems(tokenize(text))

    plain = [
        TfidfVectorizer(
            preprocessor=normalise,
            tokenizer=tokenizer,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            sublinear_tf=True,
        )
        for tokenizer in (tokenize, stem_tokens)
    ]
    train, test = _split(texts)
    block.fit(train)
    want = sparse.hstack([p.fit(train).transform(test) for p in plain], format="csr")
    got = block.transform(test)
    assert got.shape == want.shape and want.nnz > 10 * len(test)
    assert abs(got - want).max() == 0
    # The stems block is not a copy of the words block: inflections share a stem.
    assert stems(["kæresten", "kæresterne", "kæreste"]) == ["kærest"] * 3


def test_a_saved_vectorizer_keeps_its_vocabulary_as_one_string(texts: list[str]) -> None:
    """skops writes a dict as one JSON node per entry (100 MB for the tagger's vocabularies);
    the vocabulary is saved as one string and comes back as the same dict."""
    import skops.io as sio

    fit_on, other = _split(texts)
    vectorizer = FastTfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2)
    vectorizer.fit(fit_on)
    state = vectorizer.__getstate__()
    assert "vocabulary_" not in state
    assert isinstance(state["vocabulary_terms_"], str)
    assert vectorizer.vocabulary_, "saving must not take the vocabulary from the live object"
    dumped = sio.dumps(vectorizer)
    loaded = sio.loads(dumped, trusted=sio.get_untrusted_types(data=dumped))
    assert loaded.vocabulary_ == vectorizer.vocabulary_
    assert (loaded.transform(other) != vectorizer.transform(other)).nnz == 0
    assert len(dumped) < 40 * len(state["vocabulary_terms_"])


def test_an_empty_vocabulary_survives_saving() -> None:
    vectorizer = FastTfidfVectorizer()
    vectorizer.vocabulary_ = {}
    restored = FastTfidfVectorizer.__new__(FastTfidfVectorizer)
    restored.__setstate__(vectorizer.__getstate__())
    assert restored.vocabulary_ == {}
