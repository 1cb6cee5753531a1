#!/usr/bin/env python3
"""NumPy baseline for scripts/bench, written the way the CS231n assignment writes it.

Reads the input JSON written by bench/bench.mjs (W, W0, W1, W2 from the wasm build, the
grid, repetitions), loads the same digits (pixel / 16, bias trick: a column of ones), times

  * one vectorised SVM loss and one softmax loss (svm_loss_vectorized / softmax_loss_vectorized,
    loss only: the cheapest form, so the baseline is not handicapped),
  * the 128 x 128 planes: the vectorised loss at W0 + a*W1 + b*W2 for every grid point,
  * eval_numerical_gradient: the assignment's loop over coordinates, forward difference,
  * gradient descent: loss, grad = svm_loss_vectorized(W, X, y, reg); W -= lr * grad,

and writes the medians and the values to the output JSON. Usage: baseline.py IN.json OUT.json
"""
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load_digits():
    raw = np.loadtxt(os.path.join(HERE, "..", "data", "digits.csv"), delimiter=",")
    X = raw[:, :64] / 16.0
    y = raw[:, 64].astype(np.int64)
    X = np.hstack([X, np.ones((X.shape[0], 1))])  # the bias trick
    return X, y


def svm_loss_vectorized(W, X, y, reg):
    """The assignment's vectorised multiclass SVM (W is (D+1) x C), loss only."""
    num_train = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(num_train), y][:, np.newaxis]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(num_train), y] = 0
    return margins.sum() / num_train + reg * np.sum(W * W)


def svm_loss_grad_vectorized(W, X, y, reg):
    """Loss and gradient, as in the assignment's svm_loss_vectorized."""
    num_train = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(num_train), y][:, np.newaxis]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(num_train), y] = 0
    loss = margins.sum() / num_train + reg * np.sum(W * W)
    binary = (margins > 0).astype(X.dtype)
    binary[np.arange(num_train), y] = -binary.sum(axis=1)
    dW = X.T.dot(binary) / num_train + 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """The assignment's vectorised softmax, numerically stable, loss only."""
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(scores).sum(axis=1))
    return np.sum(log_z - scores[np.arange(num_train), y]) / num_train + reg * np.sum(W * W)


def eval_numerical_gradient(f, x, h=0.00001):
    """The assignment's gradient_check.eval_numerical_gradient (forward difference, as the
    lecture writes it), without the printing."""
    fx = f(x)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + h
        fxh = f(x)
        x[ix] = old_value
        grad[ix] = (fxh - fx) / h
        it.iternext()
    return grad


def plane(loss, W0, W1, W2, axis, X, y):
    out = np.empty((len(axis), len(axis)))
    for r, b in enumerate(axis):
        for k, a in enumerate(axis):
            out[r, k] = loss(W0 + a * W1 + b * W2, X, y, 0.0)
    return out


def timed(fn, reps):
    times, value = [], None
    for _ in range(reps):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), value


def main():
    inp = json.load(open(sys.argv[1]))
    X, y = load_digits()
    C, Dp1 = inp["rows"], inp["cols"]
    # the assignment's layout: W is (D+1) x C, scores = X.dot(W); lossland's W is C x (D+1)
    as_cs = lambda w: np.array(w, dtype=np.float64).reshape(C, Dp1).T.copy()
    W, W0, W1, W2 = (as_cs(inp[k]) for k in ("w", "w0", "w1", "w2"))
    reps = inp["reps"]
    axis = np.array(inp["axis"])
    res = {"numpy": np.__version__, "times": {}, "values": {}}
    T, V = res["times"], res["values"]

    T["svm_loss"], V["svm_loss"] = timed(lambda: [svm_loss_vectorized(W, X, y, 0.0) for _ in range(100)][-1], reps["loss"])
    T["svm_loss"] /= 100
    T["softmax_loss"], V["softmax_loss"] = timed(lambda: [softmax_loss_vectorized(W, X, y, 0.0) for _ in range(100)][-1], reps["loss"])
    T["softmax_loss"] /= 100

    for kind, loss in (("svm", svm_loss_vectorized), ("softmax", softmax_loss_vectorized)):
        t, p = timed(lambda: plane(loss, W0, W1, W2, axis, X, y), reps["plane_numpy"])
        T[kind + "_plane"] = t
        V[kind + "_plane"] = p.ravel().tolist()

    def numgrad():
        x = W.copy()
        return eval_numerical_gradient(lambda w: svm_loss_vectorized(w, X, y, 0.0), x, h=inp["h"])

    T["numgrad"], g = timed(numgrad, reps["numgrad"])
    V["numgrad"] = g.T.ravel().tolist()  # back to lossland's C x (D+1) row-major

    def gd():
        w = W.copy()
        loss = None
        for _ in range(inp["gd_steps"]):
            loss, dW = svm_loss_grad_vectorized(w, X, y, 0.0)
            w -= inp["step_size"] * dW
        return w, svm_loss_vectorized(w, X, y, 0.0)

    T["gd"], (w_end, loss_end) = timed(gd, reps["gd"])
    V["gd_loss"] = float(loss_end)
    V["gd_w"] = w_end.T.ravel().tolist()

    json.dump(res, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
