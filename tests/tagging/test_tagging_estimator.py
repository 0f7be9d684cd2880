"""The blended estimator gives scikit-learn's own probabilities from its stacked weights."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import MultinomialNB

from tagging.model import DUAL_TOL, LogisticNaiveBayes


@pytest.fixture(scope="module")
def data() -> tuple[sparse.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(7)
    x = sparse.random(300, 80, density=0.08, format="csr", random_state=7) * 3
    y = (rng.random((300, 4)) < [0.1, 0.3, 0.5, 0.2]).astype(int)
    # The first tag follows two features, so the weights are not all noise.
    y[:, 0] |= (x[:, 3].toarray().ravel() > 0) & (x[:, 5].toarray().ravel() > 0)
    return x, y


def _logistic(model: LogisticNaiveBayes, *, dual: bool = True) -> LogisticRegression:
    tol = DUAL_TOL if dual else 1e-4
    return LogisticRegression(
        C=model.C, solver="liblinear", dual=dual, tol=tol, max_iter=2000, random_state=1
    )


def _reference(
    x: sparse.csr_matrix, y: np.ndarray, model: LogisticNaiveBayes, *, dual: bool = True
) -> np.ndarray:
    logistic = OneVsRestClassifier(_logistic(model, dual=dual)).fit(x, y)
    bayes = np.column_stack(
        [
            MultinomialNB(alpha=model.nb_alpha).fit(x, y[:, j]).predict_proba(x)[:, 1]
            for j in range(y.shape[1])
        ]
    )
    expected: np.ndarray = (1 - model.nb_weight) * logistic.predict_proba(x) + (
        model.nb_weight * bayes
    )
    return expected


def test_stacked_weights_give_one_vs_rest_probabilities(
    data: tuple[sparse.csr_matrix, np.ndarray],
) -> None:
    x, y = data
    model = LogisticNaiveBayes(random_state=1).fit(x, y)
    # float32 naive Bayes log-odds: agreement to ~1e-6, far below any threshold step (0.01).
    np.testing.assert_allclose(model.predict_proba(x), _reference(x, y, model), atol=1e-5)


def test_a_constant_column_gets_a_constant_probability(
    data: tuple[sparse.csr_matrix, np.ndarray],
) -> None:
    x, y = data
    y = y.copy()
    y[:, 1] = 0
    y[:, 2] = 1
    probs = LogisticNaiveBayes(random_state=1).fit(x, y).predict_proba(x)
    assert np.all(probs[:, 1] < 1e-9)
    assert np.all(probs[:, 2] > 1 - 1e-9)


def test_an_artefact_with_the_older_fitted_estimators_still_predicts(
    data: tuple[sparse.csr_matrix, np.ndarray],
) -> None:
    """Versions written before the weights were stacked kept a OneVsRestClassifier (fitted
    with liblinear's primal solver, as they were then)."""
    x, y = data
    model = LogisticNaiveBayes(random_state=1).fit(x, y)
    del model.lr_coef_, model.lr_bias_
    model.logistic_ = OneVsRestClassifier(_logistic(model, dual=False)).fit(x, y)
    expected = _reference(x, y, model, dual=False)
    np.testing.assert_allclose(model.predict_proba(x), expected, atol=1e-5)


def test_fitting_columns_in_worker_processes_gives_the_same_weights(
    data: tuple[sparse.csr_matrix, np.ndarray],
) -> None:
    x, y = data
    # The dual solver shuffles with liblinear's process-wide generator; each worker seeds its
    # own, so the workers must give the serial weights exactly. The input is messy (unsorted
    # indices with duplicates), the form scipy fixes in place on first use.
    coo = x.tocoo()
    order = np.random.default_rng(3).permutation(coo.nnz)
    rows = np.concatenate([coo.row[order], coo.row[:5]])
    cols = np.concatenate([coo.col[order], coo.col[:5]])
    vals = np.concatenate([coo.data[order] / 2, coo.data[:5] / 2])
    messy = sparse.csr_matrix((vals, (rows, cols)), shape=x.shape)
    messy.has_sorted_indices = False
    serial = LogisticNaiveBayes(random_state=1).fit(messy.copy(), y)
    in_workers = LogisticNaiveBayes(random_state=1, n_jobs=2).fit(messy, y)
    np.testing.assert_array_equal(serial.lr_coef_, in_workers.lr_coef_)
    np.testing.assert_array_equal(serial.lr_bias_, in_workers.lr_bias_)
    np.testing.assert_array_equal(serial.nb_coef_, in_workers.nb_coef_)


def test_the_dual_solver_reaches_the_primal_solution(
    data: tuple[sparse.csr_matrix, np.ndarray],
) -> None:
    """DUAL_TOL is loose enough to be fast and tight enough to change no decision."""
    x, y = data
    model = LogisticNaiveBayes(random_state=1).fit(x, y)
    primal = _reference(x, y, model, dual=False)
    np.testing.assert_allclose(model.predict_proba(x), primal, atol=0.01)
