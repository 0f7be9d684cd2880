"""The tagger's tokenizer does not keep the youth's words for the life of the process."""

import pytest

from tagging import features

WORD = "zqxhemmeligtord"


def test_a_fresh_tokenizer_forgets_earlier_words(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hyphens and smileys made of punctuation are not plain chunks: these go through spaCy.
    tokenizer = features._RecyclingTokenizer()
    monkeypatch.setattr(features, "RECYCLE_AFTER", 3)
    assert tokenizer(f"jeg hedder {WORD} - og er ked af det 😢") == [
        "jeg",
        "hedder",
        WORD,
        "og",
        "er",
        "ked",
        "af",
        "det",
        "😢",
    ]
    assert tokenizer.knows(WORD)
    tokenizer("hej :)")
    tokenizer("hvordan går det -- 🙂")
    assert tokenizer.knows(WORD)  # three texts served by the same tokenizer
    assert tokenizer("ved ikke - måske") == ["ved", "ikke", "måske"]  # the fourth: a fresh one
    assert not tokenizer.knows(WORD)


def test_plain_text_never_reaches_spacys_vocabulary() -> None:
    tokenizer = features._RecyclingTokenizer()
    assert tokenizer(f"hej jeg hedder {WORD}, og er 15 og ked af det!! 😢😢") == [
        "hej",
        "jeg",
        "hedder",
        WORD,
        "og",
        "er",
        "15",
        "og",
        "ked",
        "af",
        "det",
        "😢",
        "😢",
    ]
    assert tokenizer._tokenizer is None or not tokenizer.knows(WORD)


def test_tokenize_is_the_recycling_tokenizer() -> None:
    # The trained artefact refers to `features.tokenize`; it must go through the recycler.
    assert features.tokenize("jeg er  ensom :(") == features._TOKENIZER("jeg er  ensom :(")
    assert features._TOKENIZER.knows("ensom")


def test_tokens_are_spacys_own_tokens() -> None:
    """`tokenize` slices the text by spaCy's offsets; the tokens must be exactly spaCy's."""
    import spacy

    from tagging.corpus import load_corpus, load_eval_sets

    tokenizer = spacy.blank("da").tokenizer
    corpus = [example.text for example in load_corpus()]
    held_out = [ex.text for examples in load_eval_sets().values() for ex in examples]
    edge_cases = [
        "hej!!  jeg er 😭😭 ked af det...\n\nmen ok",
        "e-mail: a@b.dk / www.x.dk — 3.-4. klasse, 100%",
        "  ",
        "",
        "Æble-ø'er, 12:30 🙂🙂 (lol) #selvmord @ven",
        "kl. 23.45 f.eks. bl.a. :) :-( <3 ... -- » « 1.000,50 kr. 3x 2.g'er",
        "'citat' \"anførsel\" [parentes] {x} ¿hvad? ¡ja! ~~ ** __ ##",
    ]
    texts = [*corpus, *held_out, *map(features.normalise, [*corpus, *held_out]), *edge_cases]
    for text in texts:
        expected = [t.text for t in tokenizer(text) if not t.is_punct and not t.is_space]
        assert features.tokenize(text) == expected


def test_plain_chunks_split_as_spacy_splits_them_on_random_text() -> None:
    """The fast path for plain chunks against spaCy itself, on random chunks built from the
    characters and special cases that could trip it (abbreviations, ordinals, other scripts)."""
    import random

    import spacy

    spacy_tokenizer = spacy.blank("da").tokenizer
    special = sorted(features._tokenizer_template()[2])
    letters = "abcdefghijklmnopqrstuvwxyzæøåéüßαبж"
    rng = random.Random(11)

    def chunk() -> str:
        kind = rng.random()
        if kind < 0.15:
            return rng.choice(special)
        if kind < 0.25:
            return "".join(rng.choices("0123456789", k=rng.randint(1, 4))) + rng.choice(
                ["", "", ".", ","]
            )
        word = "".join(rng.choices(letters, k=rng.randint(1, 7)))
        if kind < 0.4:  # a special case's letters with other punctuation after them
            word = rng.choice(special).rstrip(".")
        if kind > 0.9:  # emoji alone, or trailing a word, digits, punctuation
            word = rng.choice(["", word, "42"])
        text = word + "".join(rng.choices(",.!?", k=rng.choice([0, 0, 1, 2, 3])))
        if kind > 0.85:
            # spaCy's icon class, a symbol newer than it (🩹), a variation selector, a
            # skin tone, a zero-width joiner, a degree sign (not an icon for spaCy)
            text += "".join(rng.choices("😭💀🙂❤🔥🩹\ufe0f🏻\u200d°", k=rng.randint(1, 3)))
        return text

    checked_plain = 0
    for _ in range(20_000):
        text = " ".join(chunk() for _ in range(rng.randint(1, 6)))
        expected = [t.text for t in spacy_tokenizer(text) if not t.is_punct and not t.is_space]
        assert features.tokenize(text) == expected, text
        checked_plain += features._plain_tokens(text) is not None
    assert checked_plain > 5_000  # the fast path was really exercised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Se HTTPS://Eksempel.DK/x og WWW.side.dk her", "se og her"),
        ("nejjjjj  jeg er sååå\u00a0træt\u2003\n", "nejj jeg er så træt"),
        ("\tIK   jg ved det ikk ", "ikke jeg ved det ikke"),
        ("", ""),
    ],
)
def test_normalise_folds_case_urls_stretching_spelling_and_space(text: str, expected: str) -> None:
    assert features.normalise(text) == expected
