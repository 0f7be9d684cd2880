"""The tagger's estimator and its decision rule.

Pipeline: normalised text -> [word 1-2-gram TF-IDF | word-stem 1-2-gram TF-IDF | char
3-5-gram TF-IDF | topic lexicon counts] -> per tag, one-vs-rest logistic regression (fitted on
log-loss without class weights, so scores are probabilities a counsellor can read) blended
with a small share of a binary multinomial naive Bayes. A tag is set when its probability
passes the tag's own threshold (chosen by cross-validation); a crisis tag is also set when the
crisis lexicon fires. Someone else's suicide told in the message does not count towards the
writer's own suicidal thoughts (`predict_proba`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from joblib import Parallel, delayed
from scipy import sparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import FeatureUnion, Pipeline

from tagging.crisis import crisis_hits
from tagging.features import ascii_fold, normalise
from tagging.lexicon import LexiconFeatures
from tagging.taxonomy import CRISIS_TAGS, TAG_IDS
from tagging.vectorizer import FastTfidfVectorizer
from tagging.words import WordAndStemTfidf

# BLAS threads make these small sparse models 10-50x slower on a 2-core machine; callers also
# wrap fitting and prediction in threadpool_limits(1), this covers libraries read at import.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CRISIS_INDEX: tuple[int, ...] = tuple(i for i, t in enumerate(TAG_IDS) if t in CRISIS_TAGS)
# An extra classifier for "any crisis tag" learns from all crisis messages pooled (three times
# the positives of one crisis tag), so it ranks indirect crisis language better than any
# single tag's classifier. It is a safety net: when it fires and no crisis tag is set, the
# most probable crisis tag is added.
ANY_CRISIS = "_crisis_any"
COLUMNS: tuple[str, ...] = (*TAG_IDS, ANY_CRISIS)


# Inverse regularisation strength (chosen by out-of-fold macro-F1; 10-30 score alike).
C = 30.0
# Naive Bayes smoothing and its share of the blended probability (chosen by out-of-fold
# macro-F1 and crisis recall over three fold seeds; see docs/tagger.md).
NB_ALPHA = 0.03
NB_WEIGHT = 0.1
# liblinear's dual solver: with ~10 times more features than messages it is the faster
# formulation (as liblinear advises). Its tolerance bounds the dual's largest violation
# (liblinear's own default for this solver is 0.1). At 3e-2 every probability on the training
# messages stays within 0.008 of a tight fit (1e-4), less than a step of the thresholds' 0.01
# grid, and the decision set's figures did not move; the final fit takes 13.8 s instead of
# 20.9 at 1e-3 (docs/tagger.md, twelfth round).
DUAL_TOL = 3e-2


class LogisticNaiveBayes(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Per column of a multi-label target: logistic regression blended with naive Bayes.

    `(1 - nb_weight) * P_logistic + nb_weight * P_naive_bayes`. Naive Bayes learns from
    every feature's class-conditional frequency rather than a regularised weight, so it
    scores words seen only a few times in a tag's messages higher than the logistic model;
    a small share of it raised out-of-fold macro-F1 and crisis recall. Each binary
    multinomial naive Bayes is stored as its log-odds (one weight column and one bias per
    tag), which gives exactly `MultinomialNB.predict_proba`'s positive-class probability
    with one sparse product for all tags.
    """

    def __init__(
        self,
        C: float = C,  # noqa: N803 - scikit-learn's name for it
        nb_alpha: float = NB_ALPHA,
        nb_weight: float = NB_WEIGHT,
        random_state: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.C = C
        self.nb_alpha = nb_alpha
        self.nb_weight = nb_weight
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, x: Any, y: Any) -> LogisticNaiveBayes:
        targets = np.asarray(y)
        x = prepared(x)
        # Columns fit side by side in worker processes, not threads: the dual solver shuffles
        # with liblinear's one process-wide random generator, which threads would share, while
        # in a process each fit seeds it from random_state. So the weights do not depend on
        # the number of workers (tested).
        columns = range(targets.shape[1])
        if self.n_jobs in (None, 1):
            fitted = fit_columns(self, x, targets, columns)
        else:
            fitted = [
                column
                for part in Parallel(n_jobs=self.n_jobs, backend="loky")(
                    delayed(fit_columns)(self, x, targets, [j]) for j in columns
                )
                for column in part
            ]
        return self.assemble(fitted)

    def assemble(self, fitted: Sequence[ColumnFit]) -> LogisticNaiveBayes:
        """Take the per-column fits (of every target column, in order) as this model's
        weights; `train` fits the columns as tasks of their own."""
        lr_coef, lr_bias, nb_coef, nb_bias = (np.array(part) for part in zip(*fitted, strict=True))
        self.lr_coef_ = np.ascontiguousarray(lr_coef.T)
        self.lr_bias_ = lr_bias
        # float32 halves the artefact's largest array; log-odds need no more precision.
        self.nb_coef_ = np.ascontiguousarray(nb_coef.T).astype(np.float32)
        self.nb_bias_ = nb_bias
        return self

    def predict_proba(self, x: Any) -> FloatArray:
        # A binary logistic regression's probability is the logistic function of its
        # decision value, so all columns come from one sparse product: the same numbers as
        # 17 estimators' predict_proba without their per-call input checks (~4 ms of a
        # one-message call went to scikit-learn's validation, 17 times over).
        if hasattr(self, "lr_coef_"):
            logistic = expit(np.asarray(x @ self.lr_coef_, dtype=np.float64) + self.lr_bias_)
        else:  # an artefact written before the weights were stacked
            logistic = np.asarray(self.logistic_.predict_proba(x), dtype=np.float64)
        # The float32 weights meet a float32 input: a float64 input would make scipy copy all
        # weights to float64 on every call (0.7 ms, most of a one-message call).
        log_odds = sparse.csr_matrix(x, dtype=self.nb_coef_.dtype) @ self.nb_coef_
        bayes = expit(np.asarray(log_odds, dtype=np.float64) + self.nb_bias_)
        blended: FloatArray = (1.0 - self.nb_weight) * logistic + self.nb_weight * bayes
        return blended


# One column's (logistic weights, bias, naive Bayes log-odds weights, bias).
ColumnFit = tuple[FloatArray, float, FloatArray, float]


def prepared(x: Any) -> sparse.csr_matrix:
    """The classifier's input as its fits expect it: float64 CSR, summed and sorted indices."""
    x = sparse.csr_matrix(x, dtype=np.float64)
    x.sum_duplicates()
    x.sort_indices()
    return x


def fit_columns(
    model: LogisticNaiveBayes,
    x: sparse.csr_matrix,
    targets: npt.NDArray[np.int_],
    columns: Sequence[int],
) -> list[ColumnFit]:
    """`model`'s fits of some target columns on `prepared` input, in order."""
    return [
        _fit_column(x, targets[:, j], model.C, model.nb_alpha, model.random_state) for j in columns
    ]


def _fit_column(
    x: sparse.csr_matrix, column: npt.NDArray[np.int_], c: float, nb_alpha: float, seed: int | None
) -> ColumnFit:
    """One tag's logistic regression and naive Bayes, as (weights, bias) pairs; only the
    weights are kept (see predict_proba)."""
    if column.min() == column.max():  # one class only: a constant probability
        bias = 30.0 if column.max() else -30.0
        return np.zeros(x.shape[1]), bias, np.zeros(x.shape[1]), bias
    logistic = LogisticRegression(
        C=c, solver="liblinear", dual=True, tol=DUAL_TOL, max_iter=2000, random_state=seed
    ).fit(x, column)
    nb = MultinomialNB(alpha=nb_alpha).fit(x, column)
    return (
        logistic.coef_[0],
        float(logistic.intercept_[0]),
        nb.feature_log_prob_[1] - nb.feature_log_prob_[0],
        float(nb.class_log_prior_[1] - nb.class_log_prior_[0]),
    )


def build_features() -> FeatureUnion:
    """Word and word-stem 1-2 grams on normalised text, character 3-5 grams on ASCII-folded
    text (all sublinear TF-IDF), and the topic-lexicon and crisis-rule features."""
    char = FastTfidfVectorizer(
        preprocessor=ascii_fold,
        analyzer="char_wb",
        lowercase=False,
        ngram_range=(3, 5),
        sublinear_tf=True,
        min_df=2,
    )
    return FeatureUnion(
        [("word", WordAndStemTfidf((1, 2))), ("char", char), ("lexicon", LexiconFeatures())],
        transformer_weights={"word": 1.0, "char": 1.0, "lexicon": 1.0},
    )


def build_pipeline(seed: int, n_jobs: int | None = -1) -> Pipeline:
    """The recipe; `n_jobs` worker processes fit its tag columns (1: in this process)."""
    union = build_features()
    # Logistic regression rather than a calibrated LinearSVC: the same out-of-fold macro-F1
    # (within 0.005), one fit per tag instead of four, and its log-loss fit already gives
    # probabilities. No class weights: they would inflate the probabilities of rare tags, and
    # the per-tag thresholds chosen by cross-validation already balance recall and precision.
    clf = LogisticNaiveBayes(random_state=seed, n_jobs=n_jobs)
    return Pipeline([("features", union), ("clf", clf)])


def describe(pipeline: Pipeline) -> dict[str, Any]:
    """The recipe in a few fields, for the artefact metadata and the model card."""
    union = pipeline.named_steps["features"]
    clf = pipeline.named_steps["clf"]
    parts = dict(union.transformer_list)
    return {
        "estimator": "one-vs-rest LogisticRegression blended with MultinomialNB",
        "params": {
            "C": clf.C,
            "class_weight": None,
            "nb_alpha": clf.nb_alpha,
            "nb_weight": clf.nb_weight,
        },
        "word_ngrams": list(parts["word"].ngram_range),
        "stem_ngrams": list(parts["word"].ngram_range),
        "char_ngrams": list(parts["char"].ngram_range),
        "char_analyzer": parts["char"].analyzer,
        "feature_weights": dict(union.transformer_weights or {}),
    }


def label_matrix(tag_lists: Sequence[Sequence[str]]) -> npt.NDArray[np.int_]:
    index = {t: i for i, t in enumerate(TAG_IDS)}
    y = np.zeros((len(tag_lists), len(TAG_IDS)), dtype=np.int_)
    for row, tags in enumerate(tag_lists):
        for t in tags:
            y[row, index[t]] = 1
    return y


def training_targets(tag_lists: Sequence[Sequence[str]]) -> npt.NDArray[np.int_]:
    """The 16 tag columns plus the pooled any-crisis column."""
    y = label_matrix(tag_lists)
    any_crisis = y[:, list(CRISIS_INDEX)].max(axis=1, keepdims=True)
    return np.hstack([y, any_crisis])


def lexicon_matrix(texts: Sequence[str]) -> BoolArray:
    """Crisis-lexicon hits as a (messages x tags) matrix; only crisis columns can be set."""
    index = {t: i for i, t in enumerate(TAG_IDS)}
    out = np.zeros((len(texts), len(TAG_IDS)), dtype=np.bool_)
    for row, text in enumerate(texts):
        for tag in crisis_hits(normalise(text)):
            out[row, index[tag]] = True
    return out


def decide(probs: FloatArray, thresholds: FloatArray, lexicon: BoolArray) -> BoolArray:
    """Tag decisions (messages x 16 tags) from probabilities over all `COLUMNS`.

    A tag is set when its probability passes its threshold; a crisis tag also when the crisis
    lexicon fires, or when the any-crisis classifier fires and no crisis tag is set yet (then
    the most probable crisis tag is added).
    """
    n = len(TAG_IDS)
    decided: BoolArray = (probs[:, :n] >= thresholds[np.newaxis, :n]) | lexicon
    crisis_cols = list(CRISIS_INDEX)
    net = (probs[:, n] >= thresholds[n]) & ~decided[:, crisis_cols].any(axis=1)
    if net.any():
        best = np.asarray(crisis_cols)[np.argmax(probs[:, crisis_cols], axis=1)]
        rows = np.flatnonzero(net)
        decided[rows, best[rows]] = True
    return decided


# Someone else's suicide, in forms whose reflexive "sit"/"sig" cannot be the writer's.
_OTHERS_SUICIDE = re.compile(
    r"(?<!\w)(?:(?:tage|tog|taget|tager) (?:sit (?:eget )?liv|livet af sig)"
    r"|(?:hængte|hængt) sig(?! (?:fast|op|i\b)))"
)
# The writer wanting what the dead person did, said by reference to it ("nu vil jeg det
# samme", "følge efter ham"): scored as if the person had just died, these words would lose
# what they refer to, so such messages keep their probabilities.
_WANTS_THE_SAME = re.compile(
    r"(?<!\w)(?:(?:vil|ville|gøre|gør|har lyst til|tænker på|overvejer|kunne|burde)"
    r" (?:\w+ )?(?:at )?(?:gøre )?det samme|følge efter|(?:gøre|gør) som (?:ham|hende|dem)"
    r"|sammen med (?:ham|hende|dem) igen|vil (?:bare )?med (?:ham|hende|dem))"
)
_OWN_CRISIS_COLUMNS = [TAG_IDS.index("selvmordstanker"), len(TAG_IDS)]


def predict_proba(pipeline: Any, texts: Sequence[str]) -> FloatArray:
    """Probabilities over `COLUMNS`, with someone else's suicide kept out of the writer's.

    A message about a relative's suicide raises the model's `selvmordstanker` probability
    even when the writer says nothing about their own thoughts (a quarter of such training
    messages also carry the writer's own), and the recall-leaning threshold then tags a
    grieving youth as suicidal, against the labelling rule that someone else's suicide is
    `sorg`. For those messages the suicidal-thoughts and any-crisis columns are scored as if
    the person had just died ("min onkel døde"): what is left is the writer's own words
    (unless they refer back to it, see `_WANTS_THE_SAME`).
    """
    probs: FloatArray = np.asarray(pipeline.predict_proba(list(texts)), dtype=np.float64)
    rows, masked = others_suicide_masked(texts)
    if rows:
        without = np.asarray(pipeline.predict_proba(masked), dtype=np.float64)
        keep_own_crisis(probs, rows, without)
    return probs


def others_suicide_masked(texts: Sequence[str]) -> tuple[list[int], list[str]]:
    """The rows that tell someone else's suicide (and do not refer back to it), and their
    normalised text with the suicide told as a plain death (see `predict_proba`)."""
    normalised = [normalise(text) for text in texts]
    rows = [
        i
        for i, text in enumerate(normalised)
        if _OTHERS_SUICIDE.search(text) and not _WANTS_THE_SAME.search(text)
    ]
    return rows, [_OTHERS_SUICIDE.sub("døde", normalised[i]) for i in rows]


def keep_own_crisis(probs: FloatArray, rows: Sequence[int], without: FloatArray) -> None:
    """Lower `rows`' suicidal-thoughts and any-crisis probabilities (in place) to those of
    their masked text (`without`, one row each, all columns)."""
    cols = _OWN_CRISIS_COLUMNS
    probs[np.ix_(rows, cols)] = np.minimum(probs[np.ix_(rows, cols)], without[:, cols])
