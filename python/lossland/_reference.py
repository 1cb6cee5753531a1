"""lossland's own losses in NumPy, written from the formulas (the lecture notes and the
assignment's conventions), for GradientCheck.reference and for scripts with no front end.

Scores s_i = W^T x_i with the bias trick (x_i ends in a 1, W's last row is the bias).

    L(W) = (1/N) sum_i L_i + reg * sum_{k,j} W_kj^2          (every entry of W, bias row included)
    SVM:      L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + delta)
              dL_i/dW_:,j = 1(s_j - s_{y_i} + delta > 0) x_i           (j != y_i)
              dL_i/dW_:,y_i = -(number of j != y_i with a positive margin) x_i
    softmax:  L_i = -log(e^{s_{y_i}} / sum_j e^{s_j})  (computed with the scores shifted by max_j s_j)
              dL_i/dW_:,j = (p_j - 1(j = y_i)) x_i
    dW = (1/N) sum_i dL_i/dW + 2 * reg * W

The same conventions as src/loss.rs (checked against the wasm by python/tests/test_reference.py).
"""

from __future__ import annotations

import numpy as np


def svm_loss(W: np.ndarray, Xb: np.ndarray, y: np.ndarray, reg: float, delta: float = 1.0):
    """(loss, dW) of the multiclass SVM; W (D + 1, C), Xb (N, D + 1) with its column of ones."""
    n = Xb.shape[0]
    rows = np.arange(n)
    scores = Xb @ W  # (N, C)
    margins = scores - scores[rows, y][:, None] + delta
    margins[rows, y] = 0.0
    active = margins > 0
    loss = float(np.where(active, margins, 0.0).sum()) / n + reg * float(np.sum(W * W))
    coef = active.astype(np.float64)  # dL_i/ds_j
    coef[rows, y] = -coef.sum(axis=1)
    dW = Xb.T @ coef / n + 2.0 * reg * W
    return loss, dW


def softmax_loss(W: np.ndarray, Xb: np.ndarray, y: np.ndarray, reg: float):
    """(loss, dW) of softmax cross-entropy; W (D + 1, C), Xb (N, D + 1) with its column of ones."""
    n = Xb.shape[0]
    rows = np.arange(n)
    scores = Xb @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    z = np.exp(shifted).sum(axis=1)
    # L_i = log sum_j e^{s_j - m} - (s_{y_i} - m)
    loss = float(np.sum(np.log(z) - shifted[rows, y])) / n + reg * float(np.sum(W * W))
    p = np.exp(shifted) / z[:, None]
    p[rows, y] -= 1.0
    dW = Xb.T @ p / n + 2.0 * reg * W
    return loss, dW


def loss_and_gradient(kind: str, W, Xb, y, reg: float, delta: float = 1.0):
    """(loss, dW) of lossland's loss `kind` ("svm" or "softmax")."""
    if kind == "svm":
        return svm_loss(W, Xb, y, reg, delta)
    return softmax_loss(W, Xb, y, reg)


def gradient_bound(kind: str, W, Xb, y, reg: float, delta: float = 1.0) -> np.ndarray:
    """An entry-wise scale S with |dW - dW'| <= (N + D + C) * eps * S for any two evaluations
    of the same formula that differ only in the order of their sums (Higham's bound for a sum
    of m terms: |error| <= (m - 1) * eps * sum |terms|): S = (1/N) sum_i |x_i| |dL_i/ds| + 2 reg |W|,
    and the scores' own round-off is bounded the same way through |X| |W|."""
    n = Xb.shape[0]
    rows = np.arange(n)
    ax = np.abs(Xb)
    scores = Xb @ W
    if kind == "svm":
        coef = np.ones_like(scores)  # |dL_i/ds_j| <= 1 for j != y_i, C - 1 for y_i
        coef[rows, y] = W.shape[1] - 1
    else:
        shifted = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        coef = p.copy()
        coef[rows, y] = 1.0 - p[rows, y] + 1.0
    return ax.T @ coef / n + 2.0 * reg * np.abs(W)
