"""The tagger's tokenizer does not keep the youth's words for the life of the process."""

import pytest

from tagging import features

WORD = "zqxhemmeligtord"


def test_a_fresh_tokenizer_forgets_earlier_words(monkeypatch: pytest.MonkeyPatch) -> None:
    tokenizer = features._RecyclingTokenizer()
    monkeypatch.setattr(features, "RECYCLE_AFTER", 3)
    assert tokenizer(f"jeg hedder {WORD} og er ked af det") == [
        "jeg",
        "hedder",
        WORD,
        "og",
        "er",
        "ked",
        "af",
        "det",
    ]
    assert tokenizer.knows(WORD)
    tokenizer("hej")
    tokenizer("hvordan går det")
    assert tokenizer.knows(WORD)  # three texts served by the same tokenizer
    assert tokenizer("ved ikke!") == ["ved", "ikke"]  # the fourth gets a fresh one
    assert not tokenizer.knows(WORD)


def test_tokenize_is_the_recycling_tokenizer() -> None:
    # The trained artefact refers to `features.tokenize`; it must go through the recycler.
    assert features.tokenize("jeg er  ensom :(") == features._TOKENIZER("jeg er  ensom :(")
    assert features._TOKENIZER.knows("ensom")


def test_tokens_are_spacys_own_tokens() -> None:
    """`tokenize` slices the text by spaCy's offsets; the tokens must be exactly spaCy's."""
    import spacy

    from tagging.corpus import load_corpus

    tokenizer = spacy.blank("da").tokenizer
    texts = [example.text for example in load_corpus()] + [
        "hej!!  jeg er 😭😭 ked af det...\n\nmen ok",
        "e-mail: a@b.dk / www.x.dk — 3.-4. klasse, 100%",
        "  ",
        "",
        "Æble-ø'er, 12:30 🙂🙂 (lol) #selvmord @ven",
        "kl. 23.45 f.eks. bl.a. :) :-( <3 ... -- » « 1.000,50 kr. 3x 2.g'er",
        "'citat' \"anførsel\" [parentes] {x} ¿hvad? ¡ja! ~~ ** __ ##",
    ]
    for text in texts:
        expected = [t.text for t in tokenizer(text) if not t.is_punct and not t.is_space]
        assert features.tokenize(text) == expected
