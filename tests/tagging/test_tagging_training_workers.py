"""Cross-validation folds and the final fit give the same model in worker processes."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import KFold

from tagging.corpus import load_corpus
from tagging.model import build_pipeline, predict_proba, training_targets
from tagging.train import out_of_fold


def test_the_final_fit_beside_the_folds_equals_a_fit_in_this_process() -> None:
    examples = load_corpus()[:400]
    x = [ex.text for ex in examples]
    y = training_targets([ex.tags for ex in examples])
    folds = list(KFold(n_splits=3, shuffle=True, random_state=4).split(x))
    ticks: list[str] = []
    oof, final = out_of_fold(x, y, folds, 4, ticks.append, n_jobs=2, fit_final=True)
    serial_oof, none = out_of_fold(x, y, folds, 4, lambda _s: None, n_jobs=1)
    assert none is None
    np.testing.assert_array_equal(oof, serial_oof)
    here = build_pipeline(4).fit(x, y)
    probe = [*x[:50], "vil bare sove og ikke vågne", "hej"]
    np.testing.assert_array_equal(predict_proba(final, probe), predict_proba(here, probe))
    assert ticks == [
        "final fit",
        "cross-validation fold 1/3",
        "cross-validation fold 2/3",
        "cross-validation fold 3/3",
    ]
