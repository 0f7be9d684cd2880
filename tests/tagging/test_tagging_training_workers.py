"""Cross-validation folds and the final fit give the same model in worker processes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from tagging.corpus import load_corpus
from tagging.model import build_pipeline, predict_proba, training_targets
from tagging.store import load_model, save_model
from tagging.train import out_of_fold


def test_the_final_fit_beside_the_folds_equals_a_fit_in_this_process(tmp_path: Path) -> None:
    examples = load_corpus()[:400]
    x = [ex.text for ex in examples]
    y = training_targets([ex.tags for ex in examples])
    folds = list(KFold(n_splits=3, shuffle=True, random_state=4).split(x))
    ticks: list[str] = []
    oof, final = out_of_fold(x, y, folds, 4, ticks.append, n_jobs=2, fit_final=True)
    serial_oof, none = out_of_fold(x, y, folds, 4, lambda _s: None, n_jobs=1)
    assert none is None
    np.testing.assert_array_equal(oof, serial_oof)
    # The final model's features come from the folds' counts and its columns from worker
    # processes; fitting the recipe on the texts here gives the same vocabularies and weights.
    here = build_pipeline(4).fit(x, y)
    for name, part in final.named_steps["features"].transformer_list:
        reference = dict(here.named_steps["features"].transformer_list)[name]
        for vectorizer, expected in (
            [(part.words_, reference.words_), (part.stems_, reference.stems_)]
            if name == "word"
            else [(part, reference)]
        ):
            assert getattr(vectorizer, "vocabulary_", None) == getattr(
                expected, "vocabulary_", None
            )
    np.testing.assert_allclose(
        final.named_steps["clf"].lr_coef_, here.named_steps["clf"].lr_coef_, rtol=0, atol=1e-9
    )
    probe = [*x[:50], "vil bare sove og ikke vågne", "hej"]
    expected = predict_proba(here, probe)
    np.testing.assert_allclose(predict_proba(final, probe), expected, rtol=0, atol=1e-12)
    # ... and it survives the artefact round trip like any fitted pipeline.
    save_model(tmp_path, final, {"version": "t"})
    np.testing.assert_allclose(predict_proba(load_model(tmp_path), probe), expected, atol=1e-12)
    assert ticks == [
        "cross-validation fold 1/3",
        "cross-validation fold 2/3",
        "cross-validation fold 3/3",
        "final fit",
    ]
