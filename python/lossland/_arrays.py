"""Checking and converting the learner's arrays.

The learner's arrays are never modified: everything lossland keeps is a private float64 (or
int64) copy. Python speaks the assignment's layout -- X (N, D), y (N,) in 0 ... C - 1,
W (D + 1, C) with the bias row last -- and the widget's front end speaks lossland's layout,
W_lossland = W.T, C x (D + 1) row-major (docs/JUPYTER.md). The caps mirror src/limits.rs.

Every rejection is a :class:`LosslandError` (both a ValueError and a TypeError) whose message
names the argument, says what is allowed and what was given, in at most 200 characters.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

# src/limits.rs
MAX_EXAMPLES = 100_000
MAX_DIMS = 4_096
MAX_CLASSES = 100
MAX_VALUES = 10_000_000  # examples x dims
MAX_WEIGHTS = 100_000  # classes x (dims + 1)
MAX_FEATURE = 1e100  # |x| (src/data.rs from_arrays)
MIN_H, MAX_H = 1e-10, 1.0
MAX_REG = 1e6
MIN_DELTA, MAX_DELTA = 1e-12, 1e6
MIN_STEP_SIZE, MAX_STEP_SIZE = 1e-300, 1e6
MIN_SPAN, MAX_SPAN = 1e-300, 1e6
MAX_LINE_POINTS = 10_000
MAX_PLANE_SIZE = 512
MAX_RUN_STEPS = 100_000
MAX_SEED = 9_007_199_254_740_991
MAX_MESSAGE = 200

LOSSES = ("svm", "softmax")


class LosslandError(ValueError, TypeError):
    """Bad input to lossland: the message names the argument, the allowed values and what was given."""

    def __init__(self, message: str):
        super().__init__(clip(message))


def clip(message: str, limit: int = MAX_MESSAGE) -> str:
    """The message cut to `limit` characters (an ellipsis marks the cut)."""
    message = " ".join(str(message).split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def num(x) -> str:
    """A number as short text: integers as such, others with up to 6 significant digits."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return describe(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return f"{x:.6g}"


def describe(v) -> str:
    """What was given, in a few words (never the whole array)."""
    if isinstance(v, np.ndarray):
        return f"an array of shape {tuple(v.shape)} and dtype {v.dtype}"
    if v is None:
        return "None"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, numbers.Real):
        return num(v)
    if isinstance(v, str):
        return repr(v[:30] + ("…" if len(v) > 30 else ""))
    if isinstance(v, (list, tuple)):
        return f"a {type(v).__name__} of {len(v)} items"
    return f"a {type(v).__name__}"


def fail(name: str, allowed: str, given) -> LosslandError:
    """`name must be <allowed>, got <given>` (given: text, or a value to describe)."""
    got = given if isinstance(given, str) and given.startswith("§") else None
    text = got[1:] if got else describe(given)
    return LosslandError(f"{name} must be {allowed}, got {text}")


def got(text: str) -> str:
    """Marks ready-made text for `fail`'s `given` (instead of describing a value)."""
    return "§" + text


def _as_array(a, name: str) -> np.ndarray:
    if isinstance(a, np.ndarray):
        return a
    if a is None or isinstance(a, (str, bytes, dict, set)):
        raise fail(name, "a NumPy array", a)
    try:
        out = np.asarray(a)
    except Exception:  # ragged lists and the like
        raise fail(name, "a NumPy array (or nested lists of numbers)", a) from None
    if out.dtype == object:
        raise fail(name, "a NumPy array of numbers", got(f"a {type(a).__name__} that is not numeric"))
    return out


def _real(a: np.ndarray, name: str, what: str = "a float array") -> None:
    if a.dtype == bool or a.dtype.kind not in "fiu":
        raise fail(name, what, got(f"dtype {a.dtype}"))


def _finite(a: np.ndarray, name: str, bound: float | None = None) -> None:
    bad = ~np.isfinite(a)
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        raise fail(f"{name}{list(at)}", "a finite number", a[at])
    if bound is not None:
        big = np.abs(a) > bound
        if big.any():
            at = tuple(int(i) for i in np.argwhere(big)[0])
            raise fail(f"{name}{list(at)}", f"in [-{num(bound)}, {num(bound)}]", a[at])


def check_X(X) -> tuple[np.ndarray, bool]:
    """X (N, D) of real numbers → (a float64 copy without the bias column, whether X had one).

    A last column that is exactly 1.0 in every row is the assignment's bias trick: it is
    dropped here (D counts the features without it) and put back for the learner's f.
    """
    a = _as_array(X, "X")
    _real(a, "X", "a float array (N, D)")
    if a.ndim != 2:
        raise fail("X", "a 2-D array (N examples, D features)", got(f"shape {tuple(a.shape)}"))
    n, d = a.shape
    if not 1 <= n <= MAX_EXAMPLES:
        raise fail("X", f"1..{MAX_EXAMPLES} rows (examples)", got(f"{n}"))
    had_bias = d >= 2 and bool(np.all(a[:, -1] == 1.0))
    dims = d - 1 if had_bias else d
    if not 1 <= dims <= MAX_DIMS:
        raise fail("X", f"1..{MAX_DIMS} feature columns (bias column not counted)", got(f"{dims}"))
    if n * dims > MAX_VALUES:
        raise fail("X", f"at most {MAX_VALUES} values (N x D)", got(f"{n} x {dims} = {n * dims}"))
    out = np.array(a[:, :dims], dtype=np.float64, order="C", copy=True)
    _finite(out, "X", MAX_FEATURE)
    return out, had_bias


def check_y(y, n: int, classes: int | None = None) -> tuple[np.ndarray, int]:
    """y (N,) of integer labels → (an int64 copy, C). C is `classes` if given, else max(y) + 1."""
    a = _as_array(y, "y")
    if a.dtype == bool or a.dtype.kind not in "fiu":
        raise fail("y", "an integer array of labels", got(f"dtype {a.dtype}"))
    if a.ndim != 1:
        raise fail("y", f"a 1-D array of {n} labels (N,)", got(f"shape {tuple(a.shape)}"))
    if a.shape[0] != n:
        raise fail("y", f"{n} labels, one per row of X", got(f"{a.shape[0]}"))
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.round(a)) if a.size else np.zeros(0, bool)
        if bad.any():
            i = int(np.argmax(bad))
            raise fail(f"y[{i}]", "an integer label", a[i])
    lab = np.array(a, dtype=np.float64)
    if classes is None:
        top = int(lab.max()) + 1 if lab.size else 0
        if lab.size and lab.min() < 0:
            i = int(np.argmin(lab))
            raise fail(f"y[{i}]", "a class in 0..C-1", a[i])
        if not 2 <= top <= MAX_CLASSES:
            raise fail("y", f"labels 0..C-1 with C in 2..{MAX_CLASSES} (C = max(y) + 1)", got(f"C = {top}"))
        classes = top
    bad = (lab < 0) | (lab > classes - 1)
    if bad.any():
        i = int(np.argmax(bad))
        raise fail(f"y[{i}]", f"a class in 0..{classes - 1} (W has {classes} columns)", a[i])
    return lab.astype(np.int64), classes


def check_W(W, shape: tuple[int, ...] | None = None, name: str = "W") -> np.ndarray:
    """W of real numbers → a float64 C-contiguous copy; `shape` when given must match."""
    a = _as_array(W, name)
    _real(a, name, "a float array")
    if shape is not None:
        if tuple(a.shape) != tuple(shape):
            want = f"shape ({shape[0]}, {shape[1]}) = (D + 1, C), bias row last" if len(shape) == 2 else f"shape {shape}"
            raise fail(name, want, got(f"shape {tuple(a.shape)}"))
    elif a.ndim not in (1, 2) or a.size == 0:
        raise fail(name, "a non-empty 1-D or 2-D array", got(f"shape {tuple(a.shape)}"))
    if a.size > MAX_WEIGHTS:
        raise fail(name, f"at most {MAX_WEIGHTS} weights", got(f"{a.size} (shape {tuple(a.shape)})"))
    out = np.array(a, dtype=np.float64, order="C", copy=True)
    _finite(out, name)
    return out


def check_number(v, name: str, lo: float, hi: float, *, integer: bool = False) -> float:
    """A real number (or an integer) in [lo, hi]."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "fiu":
            v = v.item()
        else:
            raise fail(name, f"{'an integer' if integer else 'a number'} in [{num(lo)}, {num(hi)}]", v)
    x = float(v)
    if not (lo <= x <= hi) or (integer and x != int(x)):
        kind = f"an integer in {num(lo)}..{num(hi)}" if integer else f"a number in [{num(lo)}, {num(hi)}]"
        raise fail(name, kind, v)
    return int(x) if integer else x


def check_choice(v, name: str, values) -> str:
    if not isinstance(v, str) or v not in values:
        raise fail(name, "one of " + ", ".join(f'"{s}"' for s in values), v)
    return v


def check_bool(v, name: str) -> bool:
    if not isinstance(v, (bool, np.bool_)):
        raise fail(name, "True or False", v)
    return bool(v)


def with_bias(X: np.ndarray) -> np.ndarray:
    """[X, 1]: the bias trick, a column of ones appended."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def to_lossland(W: np.ndarray) -> bytes:
    """W (D + 1, C) → lossland's C x (D + 1) row-major float64 bytes."""
    return np.ascontiguousarray(W.T, dtype="<f8").tobytes()


def from_lossland(buf: bytes, shape: tuple[int, int]) -> np.ndarray:
    """lossland's C x (D + 1) row-major float64 bytes → W (D + 1, C) (a fresh array)."""
    d1, c = shape
    a = np.frombuffer(bytes(buf), dtype="<f8")
    if a.size != d1 * c:
        raise LosslandError(f"W from the widget must hold {d1 * c} values, got {a.size}")
    return a.reshape(c, d1).T.copy()


class Data:
    """The learner's X, y (and W's shape) checked once: X without the bias column, Xb with it."""

    def __init__(self, X, y, W=None):
        self.X, self.had_bias = check_X(X)
        self.n, self.d = self.X.shape
        c = None
        if W is not None:
            w = _as_array(W, "W")
            if w.ndim != 2:
                raise fail("W", f"a 2-D array (D + 1, C) = ({self.d + 1}, C)", got(f"shape {tuple(w.shape)}"))
            c = w.shape[1]
            if not 2 <= c <= MAX_CLASSES:
                raise fail("W", f"2..{MAX_CLASSES} columns (classes)", got(f"shape {tuple(w.shape)}"))
        self.y, self.c = check_y(y, self.n, c)
        if self.c * (self.d + 1) > MAX_WEIGHTS:
            raise fail("W", f"at most {MAX_WEIGHTS} weights ((D + 1) x C)", got(f"({self.d + 1}, {self.c})"))
        # what the learner's f(W, X, y, reg) receives: their X with the column of ones (theirs if
        # they appended it, else appended here), read-only so that f cannot change it
        self.Xb = with_bias(self.X)
        self.Xb.setflags(write=False)
        self.y.setflags(write=False)

    @property
    def w_shape(self) -> tuple[int, int]:
        return (self.d + 1, self.c)
