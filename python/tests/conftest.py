"""Shared fixtures: the assignment's loss functions written here from the formulas (the lecture
notes' SVM and softmax, the assignment's conventions: mean over N, reg * sum W^2 over every entry,
dW += 2 reg W), deliberately wrong variants, and seeded data sets."""

import os
import pathlib
import sys

# one BLAS thread: the matrices here are small, and on a loaded 2-core machine OpenBLAS's threads
# spin against each other (X @ W of 100000 x 4 took 110 ms instead of ~2 ms)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

# ---------------------------------------------------------------- the assignment's functions


def svm_loss_naive(W, X, y, reg):
    """L = (1/N) sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + 1) + reg sum W^2, by loops."""
    dW = np.zeros(W.shape)
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(n), y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(n), y] = 0
    loss = margins.sum() / n + reg * np.sum(W * W)
    mask = (margins > 0).astype(float)
    mask[np.arange(n), y] = -mask.sum(axis=1)
    dW = X.T.dot(mask) / n + 2 * reg * W
    return loss, dW


def softmax_loss_naive(W, X, y, reg):
    """L = (1/N) sum_i -log(e^{s_{y_i}} / sum_j e^{s_j}) + reg sum W^2, dL_i/dW_j = (p_j - 1(j = y_i)) x_i."""
    dW = np.zeros_like(W)
    loss = 0.0
    n = X.shape[0]
    for i in range(n):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)
        p = np.exp(scores) / np.sum(np.exp(scores))
        loss += -np.log(p[y[i]])
        for j in range(W.shape[1]):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]
    loss = loss / n + reg * np.sum(W * W)
    dW = dW / n + 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).sum() / n + reg * np.sum(W * W)
    p[np.arange(n), y] -= 1
    dW = X.T.dot(p) / n + 2 * reg * W
    return loss, dW


# ---------------------------------------------------------------- deliberately wrong ones


def reg_bug(f):
    """dW += reg * W instead of 2 * reg * W (the loss is right)."""
    def g(W, X, y, reg):
        loss, dW = f(W, X, y, reg)
        return loss, dW - reg * W
    return g


def missing_1_over_n(f):
    """The data part of dW not divided by N (the loss is right)."""
    def g(W, X, y, reg):
        loss, dW = f(W, X, y, reg)
        n = X.shape[0]
        return loss, (dW - 2 * reg * W) * n + 2 * reg * W
    return g


def sign_bug(f, cls):
    """The data part of dW's column `cls` with the wrong sign."""
    def g(W, X, y, reg):
        loss, dW = f(W, X, y, reg)
        data = dW - 2 * reg * W
        data[:, cls] *= -1
        return loss, data + 2 * reg * W
    return g


CORRECT = {
    "svm_naive": svm_loss_naive,
    "svm_vectorized": svm_loss_vectorized,
    "softmax_naive": softmax_loss_naive,
    "softmax_vectorized": softmax_loss_vectorized,
}


def rel_max(a, n):
    den = np.maximum(np.abs(a), np.abs(n))
    return np.where(den == 0, 0.0, np.abs(a - n) / np.where(den == 0, 1, den))


@pytest.fixture
def data():
    """X (N, D) without the ones column, y, W (D + 1, C): seeded, a few entries of W exactly 0."""
    rng = np.random.default_rng(7)
    n, d, c = 40, 5, 4
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, n)
    W = 0.1 * rng.standard_normal((d + 1, c))
    W[1, 2] = 0.0
    W[3, 0] = 0.0
    return X, y, W


def with_ones(X):
    return np.hstack([X, np.ones((X.shape[0], 1))])
