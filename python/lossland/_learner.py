"""The lecture's loops, run in the kernel on the learner's own loss function f.

* :class:`Learner` calls f safely: with data, ``f(W, X, y, reg)`` (the assignment's signature)
  returning ``(loss, dW)``; without, ``f(W)`` returning the loss or ``(loss, dW)``. f always
  gets a fresh copy of W (so an f that writes into its argument cannot corrupt lossland's W),
  and X and y as read-only arrays. What f returns is checked: a finite real loss, a dW of W's
  shape with finite values. Anything else, and any exception f raises, becomes a
  :class:`~lossland.LosslandError` naming f and the point where it was called.
* :class:`StepperCore` is the numerical gradient one coordinate per step, the notes' loop::

      old_value = x[ix]; x[ix] = old_value + h; fxph = f(x); x[ix] = old_value
      grad[ix] = (fxph - fx) / h

  with W restored bit for bit after each step (checked on its bytes).
* :func:`grad_check` compares f's analytic dW with the numerical gradient of f's own loss,
  entry by entry, with CS231n's relative error and thresholds, and detects kinks.
* :class:`SliceJob` evaluates a 1-D or 2-D slice of f in small work units (see its docs for how
  they are scheduled in a running kernel so that Cancel is heard between them).
"""

from __future__ import annotations

import math
import numbers
import time

import numpy as np

from ._arrays import LosslandError, clip, describe, fail, got, num

EPS = float(np.finfo(np.float64).eps)


def where(W: np.ndarray, index: int | None, text: str = "") -> str:
    if index is None:
        return "at W"
    at = np.unravel_index(index, W.shape)
    return f"at W[{', '.join(str(int(i)) for i in at)}]{text}"


class Learner:
    """The learner's f (or lossland's own loss when f is None), called safely."""

    def __init__(self, f, W_shape, data=None, reg: float = 0.0, name: str = "f"):
        if not callable(f):
            raise fail(name, "a function f(W, X, y, reg) -> (loss, dW)" if data is not None else "a function f(W) -> loss or (loss, dW)", f)
        self.f = f
        self.shape = tuple(W_shape)
        self.data = data
        self.reg = reg
        self.name = name
        self.calls = 0

    def __call__(self, W: np.ndarray, index: int | None = None, text: str = "", need_grad: bool = False):
        """(loss, dW or None) of f at W (W itself is never handed to f: a copy is)."""
        w = W.copy()
        self.calls += 1
        try:
            if self.data is not None:
                out = self.f(w, self.data.Xb, self.data.y, self.reg)
            else:
                out = self.f(w)
        except LosslandError:
            raise
        except Exception as e:  # the learner's bug: say where, keep their traceback as the cause
            raise LosslandError(f"{self.name} raised {type(e).__name__}: {e} ({where(W, index, text)})") from e
        return self._read(out, W, index, text, need_grad)

    def _read(self, out, W, index, text, need_grad):
        sig = "(loss, dW)" if self.data is not None else "a loss or (loss, dW)"
        dW = None
        if isinstance(out, tuple) and len(out) == 2:
            loss, dW = out
        elif self.data is not None:
            raise fail(f"{self.name}'s result", f"{sig} ({where(W, index, text)})", out)
        else:
            loss = out
        if isinstance(loss, np.ndarray) and loss.size == 1 and loss.dtype.kind in "fiu":
            loss = loss.reshape(()).item()
        if isinstance(loss, bool) or not isinstance(loss, numbers.Real):
            raise fail(f"{self.name}'s loss", f"a real number ({where(W, index, text)})", loss)
        loss = float(loss)
        if not math.isfinite(loss):
            raise fail(f"{self.name}'s loss", f"finite ({where(W, index, text)})", got(num(loss)))
        if dW is None:
            if need_grad:
                raise fail(f"{self.name}'s result", "(loss, dW) for a gradient check", out)
            return loss, None
        if not need_grad:
            return loss, None
        try:
            g = np.array(dW, dtype=np.float64, copy=True)
        except Exception:
            raise fail(f"{self.name}'s dW", f"an array of W's shape {self.shape}", dW) from None
        if g.shape != self.shape:
            raise fail(f"{self.name}'s dW", f"an array of W's shape {self.shape}", got(f"shape {g.shape}"))
        bad = ~np.isfinite(g)
        if bad.any():
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            raise fail(f"{self.name}'s dW{list(at)}", "finite", got(num(g[at])))
        return loss, g


class StepperCore:
    """The numerical gradient of `learner` at W, one coordinate per step (row-major order).

    f(x) is evaluated once at the start (one evaluation); each step costs one more (forward)
    or two (centered).
    """

    def __init__(self, learner: Learner, W: np.ndarray, h: float, centered: bool):
        self.learner = learner
        self.W = W  # private copy, bumped and restored in place
        self._bytes = W.tobytes()
        self.h = h
        self.centered = centered
        self.fx = learner(W, None)[0]
        self.evaluations = 1
        self.history: list[dict] = []
        self.grad = np.full(W.shape, np.nan)

    @property
    def position(self) -> int:
        return len(self.history)

    @property
    def length(self) -> int:
        return self.W.size

    @property
    def done(self) -> bool:
        return self.position >= self.length

    def step(self) -> dict | None:
        if self.done:
            return None
        index = self.position
        flat = self.W.reshape(-1)  # a view: writes go to self.W
        h = self.h
        at = np.unravel_index(index, self.W.shape)
        row, col = (0, int(at[0])) if self.W.ndim == 1 else (int(at[0]), int(at[1]))
        old = float(flat[index])  # old_value = x[ix]
        try:
            flat[index] = old + h  # x[ix] = old_value + h
            bumped = float(flat[index])
            fxph = self.learner(self.W, index, " + h")[0]  # fxph = f(x)
            fxmh = minus = None
            if self.centered:
                flat[index] = old - h
                minus = float(flat[index])
                fxmh = self.learner(self.W, index, " - h")[0]
        finally:
            flat[index] = old  # x[ix] = old_value (restore), also when f raised
        if self.W.tobytes() != self._bytes:  # pragma: no cover - the loop's promise, checked
            raise AssertionError("W was not restored bit for bit")
        slope = (fxph - fxmh) / (2 * h) if self.centered else (fxph - self.fx) / h
        self.grad.reshape(-1)[index] = slope
        self.evaluations += 2 if self.centered else 1
        rec = dict(index=index, row=row, col=col, old_value=old, bumped_value=bumped, minus_value=minus,
                   fx=self.fx, fx_plus_h=fxph, fx_minus_h=fxmh, slope=slope, evaluations=self.evaluations)
        self.history.append(rec)
        return dict(rec)

    def back(self) -> bool:
        if not self.history:
            return False
        rec = self.history.pop()
        self.grad.reshape(-1)[rec["index"]] = np.nan
        self.evaluations -= 2 if self.centered else 1
        return True

    def reset(self) -> None:
        while self.back():
            pass


# ---------------------------------------------------------------------------------------------
# Gradient check

#: CS231n's thresholds on the relative error (the notes, "Gradient checks": > 1e-2 probably wrong;
#: 1e-2 ... 1e-4 uncomfortable; <= 1e-4 acceptable with kinks, too high without; < 1e-7 happy), read
#: entry by entry exactly as src/numgrad.rs does since issue 11 (Verdict::of, Verdict::judge,
#: compare; commit 340d562), with two verdicts that do not decide: "kink" (a kink crossed and the
#: error beyond the kink band) and "round-off" (|a - n| within ROUND_OFF_MULTIPLE round-off scales).
#: Python names = Rust's, except "acceptable" for Rust's "acceptable-with-kinks".
GOOD_BELOW = 1e-7
KINK_UP_TO = 1e-4
UNCOMFORTABLE_UP_TO = 1e-2
ROUND_OFF_MULTIPLE = 4.0  # src/numgrad.rs ROUND_OFF_MULTIPLE
VERDICTS = ("good", "acceptable", "too-high", "uncomfortable", "wrong", "kink", "round-off")
DECIDING = VERDICTS[:5]  # best to worst; "kink" and "round-off" do not decide

#: How much larger than its round-off a third difference must be to count as a kink (see
#: `grad_check`): each f value is taken to be off by at most KINK_SAFETY * eps * |f|.
KINK_SAFETY = 8.0


def rel_error(a: np.ndarray, n: np.ndarray, formula: str) -> np.ndarray:
    """|a - n| / max(|a|, |n|) (the notes, "max") or |a - n| / (|a| + |n|) (the assignment, "sum");
    0 where both are 0."""
    den = np.maximum(np.abs(a), np.abs(n)) if formula == "max" else np.abs(a) + np.abs(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        e = np.abs(a - n) / den
    return np.where(den == 0, 0.0, e)


def round_off_floor(fx: float, h: float, centered: bool) -> float:
    """The round-off of a finite-difference slope (src/numgrad.rs round_off_floor): each
    evaluation of f is off by about eps*|f|, so the slope is off by about 2 eps |f| / h (forward)
    or 2 eps |f| / 2h (centered)."""
    e = 2.0 * EPS * max(abs(fx), 1e-300)
    return e / (2.0 * h) if centered else e / h


def verdict_of(e: float, kink: bool) -> str:
    """src/numgrad.rs Verdict::of: the verdict of a relative error alone, for an entry whose
    finite difference did (`kink`) or did not cross a kink; NaN is wrong (or kink)."""
    if not e == e:
        return "kink" if kink else "wrong"
    if e < GOOD_BELOW:
        return "good"
    if kink:
        return "acceptable" if e <= KINK_UP_TO else "kink"
    if e <= KINK_UP_TO:
        return "too-high"
    return "uncomfortable" if e <= UNCOMFORTABLE_UP_TO else "wrong"


def judge(a: float, n: float, e: float, kink: bool, limit: float) -> str:
    """src/numgrad.rs Verdict::judge: good first; then round-off where |a - n| <= limit
    (ROUND_OFF_MULTIPLE x the round-off scale); then verdict_of."""
    v = verdict_of(e, kink)
    if v != "good" and abs(a - n) <= limit:
        return "round-off"
    return v


def overall(verdicts) -> str:
    """src/numgrad.rs compare: the worst verdict among those that decide; if none decides,
    "round-off" when any entry is at round-off, else "kink"."""
    deciding = [v for v in verdicts if v in DECIDING]
    if deciding:
        return max(deciding, key=DECIDING.index)
    return "round-off" if "round-off" in verdicts else "kink"


def entry_values(learner: Learner, W: np.ndarray, index: int, h: float, kinks: bool):
    """f at W + t e_index for t = h, -h (and h/2, -h/2 when `kinks`), W restored bit for bit."""
    flat = W.reshape(-1)
    old = float(flat[index])
    out = {}
    steps = (("+h", h), ("-h", -h)) + ((("+h/2", h / 2), ("-h/2", -h / 2)) if kinks else ())
    try:
        for key, t in steps:
            flat[index] = old + t
            out[key] = learner(W, index, f" {key[0]} {key[1:]}")[0]
    finally:
        flat[index] = old
    return out


def is_kink(fx: float, v: dict, h: float) -> bool:
    """Whether the one-sided slopes over [x - h, x + h] change in a way no smooth f explains.

    The slopes of the four segments of length h/2 are s1..s4 (s1 on [x - h, x - h/2], ...).
    For a smooth f their differences s2 - s1, s3 - s2, s4 - s3 all equal f''.h/2 up to f'''.h^2/4,
    so the *change* of the difference, (s3 - s2) - (s2 - s1) and (s4 - s3) - (s3 - s2), i.e. the
    third differences T = f(p3) - 3 f(p2) + 3 f(p1) - f(p0) over h/2, is only round-off (and
    f'''.h^2/4, far below it at the lecture's h = 1e-5). A kink (a hinge switching at distance t
    inside [x - h, x + h], slope jump J) makes one of the two T/(h/2) at least J/3 for any t,
    and about 4 times the error it causes the centered difference (J (h - |t|) / 2h) when t is
    near the ends, so every kink large enough to move the relative error is caught.
    Round-off: each f value is off by at most KINK_SAFETY.eps.|f| (a few eps for a sum of
    positive terms; 8 allows for learners' loops), so T is off by at most
    (1 + 3 + 3 + 1).KINK_SAFETY.eps.max|f|; beyond that it is a kink.
    (Comparing only the one-sided slopes at +-h, (f(x+h) - f(x))/h vs (f(x) - f(x-h))/h, is not
    enough: for a smooth f they differ by f''.h, which at h = 1e-5 is far above round-off: every
    softmax entry would be called a kink.)"""
    p = [v["-h"], v["-h/2"], fx, v["+h/2"], v["+h"]]
    scale = max(abs(x) for x in p)
    tol = 8.0 * KINK_SAFETY * EPS * max(scale, 1e-300)
    t_left = p[3] - 3 * p[2] + 3 * p[1] - p[0]
    t_right = p[4] - 3 * p[3] + 3 * p[2] - p[1]
    return max(abs(t_left), abs(t_right)) > tol


def grad_check(learner: Learner, W: np.ndarray, h: float, centered: bool, formula: str,
               detect_kinks: bool = True, entries=None) -> dict:
    """Analytic dW of f vs its numerical gradient, entry by entry (all entries, or the flat
    indices `entries`; the others are NaN / "" / False)."""
    fx, analytic = learner(W, None, need_grad=True)
    numerical = np.full(W.shape, np.nan)
    kinks = np.zeros(W.shape, dtype=bool)
    flat_n = numerical.reshape(-1)
    flat_k = kinks.reshape(-1)
    idx = range(W.size) if entries is None else entries
    evaluations = 1
    for i in idx:
        v = entry_values(learner, W, i, h, detect_kinks)
        evaluations += len(v)
        flat_n[i] = (v["+h"] - v["-h"]) / (2 * h) if centered else (v["+h"] - fx) / h
        if detect_kinks:
            flat_k[i] = is_kink(fx, v, h)
    return finish_check(fx, analytic, numerical, kinks, h, centered, formula, evaluations, idx)


def finish_check(fx, analytic, numerical, kinks, h, centered, formula, evaluations, idx) -> dict:
    checked = np.zeros(analytic.shape, dtype=bool)
    checked.reshape(-1)[list(idx)] = True
    floor = round_off_floor(fx, h, centered)
    limit = ROUND_OFF_MULTIPLE * floor
    # src/numgrad.rs compare: relative errors as computed (round-off entries included), one
    # verdict per entry by judge, max_rel_error over the entries whose verdict decides
    rel = np.where(checked, rel_error(analytic, numerical, formula), np.nan)
    verdicts = np.full(analytic.shape, "", dtype=object)
    fa, fn, fe, fk, fv = (x.reshape(-1) for x in (analytic, numerical, rel, kinks, verdicts))
    for i in np.flatnonzero(checked.reshape(-1)):
        fv[i] = judge(float(fa[i]), float(fn[i]), float(fe[i]), bool(fk[i]), limit)
    verdicts = verdicts.astype(str)
    listed = verdicts[checked].tolist()
    deciding = [float(e) for e, v in zip(rel[checked].tolist(), listed) if v in DECIDING]
    max_rel = max(deciding, default=0.0)
    return dict(fx=fx, analytic=analytic, numerical=numerical, rel_errors=rel, kinks=kinks & checked,
                verdicts=verdicts, round_off=floor, round_off_limit=limit, max_rel_error=max_rel,
                verdict=overall(listed), evaluations=evaluations, checked=checked)


# ---------------------------------------------------------------------------------------------
# Slices

def axis(span: float, points: int) -> np.ndarray:
    """`points` evenly spaced values from -span to span (src/landscape.rs axis)."""
    if points == 1:
        return np.zeros(1)
    return np.array([-span + 2.0 * span * i / (points - 1) for i in range(points)])


class SliceJob:
    """L(W0 + a W1) at `size` points (1-D) or L(W0 + a W1 + b W2) on a size x size grid (2-D,
    row-major, row <-> b ascending, column <-> a ascending, as src/landscape.rs plane), evaluated
    in work units.

    `unit()` does one unit of work: f calls until `budget` seconds have passed (at least one
    call), then returns. A unit is never longer than one f call plus `budget` (default 50 ms
    minus the last call's time, so a 20 ms f gives units of 2-3 calls, about 40-60 ms).
    Between units whoever drives the job is free to do other things -- in a kernel, process
    the front end's `cancel` message (see widgets.py: the units are scheduled with
    loop.call_soon on the kernel's running asyncio loop, one unit per callback).
    """

    def __init__(self, learner: Learner, W0, W1, W2, span: float, size: int, budget: float = 0.05):
        self.learner = learner
        self.W0, self.W1, self.W2 = W0, W1, W2
        self.span = span
        self.size = size
        self.budget = budget
        self.ax = axis(span, size)
        self.total = size * size if W2 is not None else size
        self.values = np.full(self.total, np.nan)
        self.next = 0
        self.cancelled = False
        self.error: str | None = None
        self.unit_times: list[float] = []
        self._last_call = 0.0

    @property
    def done(self) -> bool:
        return self.next >= self.total or self.cancelled or self.error is not None

    @property
    def progress(self) -> float:
        return self.next / self.total if self.total else 1.0

    def point(self, k: int) -> np.ndarray:
        if self.W2 is None:
            return self.W0 + self.ax[k] * self.W1
        r, c = divmod(k, self.size)
        return self.W0 + self.ax[c] * self.W1 + self.ax[r] * self.W2

    def unit(self) -> bool:
        """One unit of work; True while more remains."""
        if self.done:
            return False
        t0 = time.perf_counter()
        while self.next < self.total:
            t = time.perf_counter()
            k = self.next
            try:
                self.values[k] = self.learner(self.point(k), None, f" + slice point {k}")[0]
            except LosslandError as e:
                self.error = str(e)
                break
            self.next += 1
            self._last_call = time.perf_counter() - t
            if time.perf_counter() - t0 + self._last_call > self.budget:
                break
        self.unit_times.append(time.perf_counter() - t0)
        return not self.done

    def run(self) -> np.ndarray:
        """Every remaining unit, at once (for scripts); raises if f failed."""
        while self.unit():
            pass
        if self.error:
            raise LosslandError(self.error)
        return self.result()

    def __iter__(self):
        """Yields (progress, values so far) after each unit: a generator a script can stop."""
        while self.unit():
            yield self.progress, self.result()
        if self.error:
            raise LosslandError(self.error)
        yield self.progress, self.result()

    def cancel(self) -> None:
        self.cancelled = True

    def result(self) -> np.ndarray:
        v = self.values.copy()
        return v if self.W2 is None else v.reshape(self.size, self.size)
