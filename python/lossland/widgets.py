"""The anywidget classes: one widget class, :class:`LosslandWidget`, whose traits are the contract
with the front end (docs/JUPYTER.md), and the public classes that wrap it.

Settings and options sent to the front end are validated here by the rules of the options table
(www/js/lib/options.js, mirrored in OPTIONS below); values that go only to the learner's f (a reg
up to 1e6, any h in [1e-10, 1]) travel in the `kernel` trait, not in `settings`/`options`.

How the kernel views keep the notebook responsive
-------------------------------------------------
A Jupyter kernel handles widget messages only when no cell is running, one message at a time, on
its asyncio loop (ipykernel >= 6: comm messages are dispatched by a coroutine on the running
loop). Long work started by a message (a slice of the learner's f, "run to end" of the stepper, a
re-check) is therefore never done inside the message handler. The handler creates a job and
schedules its first work unit with ``loop.call_later(PAUSE, unit)`` on
``asyncio.get_running_loop()``; each unit does at most ~50 ms of f calls (at least one call),
publishes ``kernel.progress`` (and the values so far), and schedules the next unit the same way.
Between two units the loop is free for PAUSE (10 ms) and runs whatever is ready: the front end's
next message, such as ``cancel``, is received and handled there, and the job stops before its
next unit. With no running loop (a plain script), jobs run to the end at once.
"""

from __future__ import annotations

import asyncio
import math
import pathlib

import anywidget
import numpy as np
import traitlets
from ipywidgets.widgets.trait_types import bytes_serialization  # a buffer from JS arrives as a memoryview

from . import _arrays as A
from ._arrays import Data, LosslandError, check_W, check_bool, check_choice, check_number, fail, got
from ._learner import Learner, SliceJob, StepperCore, entry_values, finish_check, is_kink
from ._reference import gradient_bound, loss_and_gradient

STATIC = pathlib.Path(__file__).parent / "static" / "widget.js"

PLACEHOLDER_ESM = """
export default {
  render({ el }) {
    const p = document.createElement("p");
    p.textContent = "lossland front end not built: run scripts/wheel";
    el.appendChild(p);
  },
};
"""

#: Seconds each kernel work unit may take (plus one f call), and the pause between units.
UNIT_BUDGET = 0.05
PAUSE = 0.01


def _esm():
    return STATIC if STATIC.is_file() else PLACEHOLDER_ESM


# The options table's rows that Python sends (www/js/lib/options.js): key -> (type, min, max).
OPTIONS = {
    "loss": ("enum", ("svm", "softmax")),
    "reg": ("number", 0.0, 10.0),
    "seed": ("integer", 0, 1_000_000),
    "span": ("number", 0.25, 10.0),
    "stepSize": ("number", 1e-4, 10.0),
    "batchSize": ("integer", 1, 100_000),
    "h": ("pow10", 1e-10, 0.1),
    "centered": ("boolean",),
    "formula": ("enum", ("max", "sum")),
    "predict": ("boolean",),
}


def option(key: str, value, name: str):
    """`value` checked by the options table's row `key`; `name` is the Python argument's name."""
    row = OPTIONS[key]
    if row[0] == "enum":
        return check_choice(value, name, row[1])
    if row[0] == "boolean":
        return check_bool(value, name)
    if row[0] == "integer":
        return check_number(value, name, row[1], row[2], integer=True)
    if row[0] == "pow10":
        # options.js allowed(): "a power of ten from 1e-10 to 0.1"
        bad = fail(name, f"a power of ten from {A.num(row[1]) if row[1] >= 1e-4 else '1e-10'} to {A.num(row[2])}", value)
        try:
            x = check_number(value, name, row[1], row[2])
        except LosslandError:
            raise bad from None
        k = round(math.log10(x))
        if abs(math.log10(x) - k) > 1e-9:
            raise bad
        return float(f"1e{k}")
    return check_number(value, name, row[1], row[2])


def _json(a) -> list:
    """A flat list with None for NaN (JSON has no NaN)."""
    return [None if (isinstance(v, float) and v != v) else v for v in np.asarray(a, dtype=float).reshape(-1).tolist()]


def _ll(a: np.ndarray) -> np.ndarray:
    """W's layout (D + 1, C) -> lossland's C x (D + 1); a 1-D array is one row."""
    a = np.asarray(a)
    return a.reshape(1, -1) if a.ndim == 1 else a.T


def _ll_index(shape, index: int) -> list[int]:
    """[row, col] in lossland's layout of W's flat row-major `index`."""
    if len(shape) == 1:
        return [0, int(index)]
    k, j = divmod(int(index), shape[1])
    return [j, k]


class LosslandWidget(anywidget.AnyWidget):
    """The one widget class (docs/JUPYTER.md "Traits")."""

    _esm = _esm()
    widget = traitlets.Unicode("notebook").tag(sync=True)
    settings = traitlets.Dict().tag(sync=True)
    options = traitlets.Dict().tag(sync=True)
    shape = traitlets.Dict().tag(sync=True)
    X = traitlets.Bytes(b"").tag(sync=True, **bytes_serialization)
    y = traitlets.Bytes(b"").tag(sync=True, **bytes_serialization)
    W = traitlets.Bytes(b"").tag(sync=True, **bytes_serialization)
    W_from_js = traitlets.Int(0).tag(sync=True)
    kernel = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, owner=None, **kwargs):
        super().__init__(**kwargs)
        self._owner = owner
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers):
        """A message from the front end: handed to the owner; any failure goes to `error`."""
        owner = self._owner
        if owner is None or not isinstance(content, dict):
            return
        try:
            owner._on_message(content)
        except LosslandError as e:
            self.error = str(e)
        except Exception as e:  # never let a message kill the kernel's handler
            self.error = A.clip(f"{type(e).__name__}: {e}")


class _View:
    """What the public classes share: a widget they display as, errors that go to it."""

    widget: LosslandWidget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def error(self) -> str:
        """The message the widget shows ('' when fine)."""
        return self.widget.error

    def _guard(self, fn, *args, **kwargs):
        """fn(...) with a LosslandError also shown in the widget (then re-raised)."""
        try:
            out = fn(*args, **kwargs)
        except LosslandError as e:
            self.widget.error = str(e)
            raise
        self.widget.error = ""
        return out

    def _on_message(self, content: dict) -> None:
        pass

    # -- chunked jobs on the kernel's loop -------------------------------------------------
    def _schedule(self, unit, on_done=None) -> None:
        """Runs `unit()` (one work unit, returns True while more remains) repeatedly: on the
        running asyncio loop, one unit per callback with PAUSE between them; else all at once."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        self._job_token = token = object()

        def tick():
            if getattr(self, "_job_token", None) is not token:
                return  # superseded or cancelled
            try:
                more = unit()
            except LosslandError as e:
                self.widget.error = str(e)
                more = False
            except Exception as e:
                self.widget.error = A.clip(f"{type(e).__name__}: {e}")
                more = False
            if more:
                loop.call_later(PAUSE, tick)
            elif on_done is not None:
                on_done()

        if loop is None:
            while unit():
                pass
            if on_done is not None:
                on_done()
        else:
            loop.call_later(PAUSE, tick)

    def _cancel_job(self) -> None:
        self._job_token = None


def _settings(loss, reg, seed, delta=1.0, predict=True):
    s = {"loss": option("loss", loss, "loss"), "seed": option("seed", seed, "seed")}
    s["reg"] = option("reg", reg, "reg")
    s["delta"] = check_number(delta, "delta", A.MIN_DELTA, A.MAX_DELTA)
    # predict, then see (options.js row `predict`): each section asks for a prediction before it
    # shows the answer; False shows every answer at once (a teacher's live demo)
    s["predict"] = option("predict", predict, "predict")
    return s


def _data_traits(data: Data) -> dict:
    return dict(shape={"n": data.n, "d": data.d, "c": data.c},
                X=np.ascontiguousarray(data.X, dtype="<f8").tobytes(),
                y=np.ascontiguousarray(data.y, dtype="<u4").tobytes())


class Notebook(_View):
    """The whole lecture on your data: every section of lossland's notebook, on X, y.

    X (N, D) floats, y (N,) integer labels in 0..C-1, W (D + 1, C) with the bias row last (the
    assignment's layout) or None to start where the page would. If X already ends in a column of
    ones (the assignment's bias trick), it is recognised and not counted as a feature.
    Your arrays are copied, never modified. Each section asks for your prediction before it shows
    the answer; predict=False (also on Landscape and Optimizer) shows every answer at once.
    """

    def __init__(self, X, y, W=None, loss="svm", reg=0.0, delta=1.0, seed=0, predict=True):
        self.widget = LosslandWidget(owner=self, widget="notebook")
        self._guard(self._build, X, y, W, loss, reg, delta, seed, predict)

    def _build(self, X, y, W, loss, reg, delta, seed, predict):
        self.data = Data(X, y, W)
        self.W0 = None if W is None else check_W(W, self.data.w_shape)
        self.settings = _settings(loss, reg, seed, delta, predict)
        self.widget.set_trait("settings", self.settings)
        for k, v in _data_traits(self.data).items():
            self.widget.set_trait(k, v)
        self.widget.W = b"" if self.W0 is None else A.to_lossland(self.W0)

    def loss(self):
        """(loss, dW) at the start W by lossland's definition, computed in NumPy (W must be given)."""
        if self.W0 is None:
            raise LosslandError("W is None: give Notebook a W (D + 1, C) to compute the loss at")
        s = self.settings
        return loss_and_gradient(s["loss"], self.W0, self.data.Xb, self.data.y, s["reg"], s["delta"])


def _learner(f, W, X, y, loss, reg, delta, need_loss: bool):
    """(Learner, Data or None, loss kind or None) for the kernel views."""
    data = None
    if X is not None or y is not None:
        if X is None or y is None:
            raise fail("X and y", "given together (or neither)", got("only " + ("X" if y is None else "y")))
        data = Data(X, y, W)
    reg = check_number(reg, "reg", 0.0, A.MAX_REG)
    delta = check_number(delta, "delta", A.MIN_DELTA, A.MAX_DELTA)
    kind = None if loss is None else check_choice(loss, "loss", A.LOSSES)
    Wc = check_W(W, data.w_shape if data is not None else None)
    if f is None:
        if data is None or kind is None:
            raise fail("f", "a function, or None with X, y and loss= given (lossland's own loss)", got("f=None without X, y"))
        learner = Learner(lambda w, xb, yy, r: loss_and_gradient(kind, w, xb, yy, r, delta), Wc.shape, data, reg,
                          name=f"lossland's {kind} loss")
    else:
        learner = Learner(f, Wc.shape, data, reg)
    return learner, data, kind, Wc, reg, delta


class GradientStepper(_View):
    """The numerical gradient of your f, one coordinate per step, as the notes' loop does it.

    With X and y, f(W, X, y, reg) -> (loss, dW) is called with the assignment's signature (X with
    its column of ones: yours if you appended it, else appended); without them, f(W) -> loss or
    (loss, dW). f=None steps lossland's own loss (loss="svm" or "softmax"). Each step bumps one
    entry of W by h, calls f, and restores the entry bit for bit; f always receives a copy.
    Your W is never modified.
    """

    def __init__(self, W, f=None, X=None, y=None, loss="svm", reg=0.0, h=1e-5, centered=False, delta=1.0):
        self.widget = LosslandWidget(owner=self, widget="kernel-stepper")
        self._guard(self._build, W, f, X, y, loss, reg, h, centered, delta)

    def _build(self, W, f, X, y, loss, reg, h, centered, delta):
        learner, data, kind, Wc, reg, delta = _learner(f, W, X, y, loss if f is None else None, reg, delta, True)
        h = check_number(h, "h", A.MIN_H, A.MAX_H)
        centered = check_bool(centered, "centered")
        self.core = StepperCore(learner, Wc, h, centered)
        self.reg = reg
        if data is not None:
            for k, v in _data_traits(data).items():
                self.widget.set_trait(k, v)
        if Wc.ndim == 2:
            self.widget.W = A.to_lossland(Wc)
        s = {"seed": 0}
        if f is None:
            s["loss"] = kind
        if reg <= OPTIONS["reg"][2]:
            s["reg"] = reg
        self.widget.settings = s
        self._publish(None)

    # -- the Python API ------------------------------------------------------------------------
    def step(self) -> dict | None:
        """One coordinate: dict(index, row, col, old_value, bumped_value, fx, fx_plus_h, fx_minus_h,
        slope, evaluations) (and minus_value); None when every coordinate is done."""
        rec = self._guard(self.core.step)
        self._publish(rec)
        return rec

    def back(self) -> bool:
        """Undoes the last step (its gradient entry becomes NaN again); False at the start."""
        ok = self.core.back()
        self._publish(dict(self.core.history[-1]) if self.core.history else None)
        return ok

    def reset(self) -> None:
        self.core.reset()
        self._publish(None)

    def run_to_end(self) -> np.ndarray:
        """Every remaining step, at once; returns the numerical gradient."""
        while self.step() is not None:
            pass
        return self.gradient

    @property
    def evaluations(self) -> int:
        """Evaluations of f so far, f(x) at the start included."""
        return self.core.evaluations

    @property
    def gradient(self) -> np.ndarray:
        """The numerical gradient so far, W's shape, NaN where not yet visited (a copy)."""
        return self.core.grad.copy()

    @property
    def position(self) -> int:
        return self.core.position

    @property
    def done(self) -> bool:
        return self.core.done

    @property
    def fx(self) -> float:
        return self.core.fx

    @property
    def W(self) -> np.ndarray:
        """The W being stepped (a copy; equal to yours bit for bit between steps)."""
        return self.core.W.copy()

    # -- the widget ----------------------------------------------------------------------------
    def _publish(self, rec, **extra):
        c = self.core
        shape = c.W.shape
        k = dict(record=rec, gradient=_json(_ll(c.grad)), evaluations=c.evaluations, position=c.position,
                 length=c.length, done=c.done, fx=c.fx, h=c.h, centered=c.centered, reg=self.reg,
                 shape=list(_ll(c.W).shape), at=_ll_index(shape, rec["index"]) if rec else None,
                 running=False)
        k.update(extra)
        self.widget.kernel = k

    def _on_message(self, content):
        kind = content.get("type")
        if kind == "step":
            self._cancel_job()
            self.step()
        elif kind == "back":
            self._cancel_job()
            self.back()
        elif kind == "reset":
            self._cancel_job()
            self.reset()
        elif kind == "run_to_end":
            self._run_chunked()
        elif kind == "cancel":
            self._cancel_job()
            self._publish(self._last())

    def _last(self):
        return dict(self.core.history[-1]) if self.core.history else None

    def _run_chunked(self):
        import time

        def unit():
            t0 = time.perf_counter()
            while not self.core.done:
                t = time.perf_counter()
                self._guard(self.core.step)
                if (time.perf_counter() - t0) + (time.perf_counter() - t) > UNIT_BUDGET:
                    break
            self._publish(self._last(), running=not self.core.done)
            return not self.core.done

        self._publish(self._last(), running=True)
        self._schedule(unit)


class GradientCheck(_View):
    """Your analytic gradient against the centered numerical gradient of your own loss.

    f as for GradientStepper but it must return (loss, dW). Per entry: .analytic (your dW),
    .numerical, .rel_errors (formula "max": |a - n| / max(|a|, |n|), the notes; "sum":
    |a - n| / (|a| + |n|), the assignment), .kinks (the finite difference crossed a kink of f,
    found from f's values alone), .verdicts by CS231n's thresholds read as src/numgrad.rs reads
    them: "good" (< 1e-7); "acceptable" (<= 1e-4 where a kink was crossed); "too-high" (<= 1e-4,
    no kink); "uncomfortable" (<= 1e-2); "wrong" (beyond); and two that cannot decide: "kink" (a
    kink crossed, error beyond 1e-4) and "round-off" (|a - n| within 4 round-off scales
    eps |f| / h). .verdict is the worst deciding one; .max_rel_error the largest deciding error.
    With loss="svm"/"softmax" (and X, y), .reference holds lossland's loss and dW at W and
    .departs marks the entries where your dW departs from it.
    entries: None checks every entry; an integer k checks k distinct entries drawn with `seed`
    (like the assignment's grad_check_sparse); the others are NaN / "" / False.
    """

    def __init__(self, W, f=None, X=None, y=None, reg=0.0, loss=None, h=1e-5, centered=True, formula="max",
                 delta=1.0, entries=None, seed=0, detect_kinks=True):
        self.widget = LosslandWidget(owner=self, widget="kernel-gradcheck")
        self._guard(self._build, W, f, X, y, reg, loss, h, centered, formula, delta, entries, seed, detect_kinks)

    def _build(self, W, f, X, y, reg, loss, h, centered, formula, delta, entries, seed, detect_kinks):
        self.learner, self.data, self.loss, self.W0, self.reg, self.delta = _learner(f, W, X, y, loss, reg, delta, True)
        if self.loss is not None and self.data is None:
            raise fail("loss", "None without X and y (lossland's loss needs the data)", self.loss)
        self.h = check_number(h, "h", A.MIN_H, A.MAX_H)
        self.centered = check_bool(centered, "centered")
        self.formula = check_choice(formula, "formula", ("max", "sum"))
        self.detect_kinks = check_bool(detect_kinks, "detect_kinks")
        seed = check_number(seed, "seed", 0, A.MAX_SEED, integer=True)
        if entries is None:
            self.entries = list(range(self.W0.size))
        else:
            k = check_number(entries, "entries", 1, self.W0.size, integer=True)
            self.entries = sorted(np.random.default_rng(seed).choice(self.W0.size, size=k, replace=False).tolist())
        if self.data is not None:
            for key, v in _data_traits(self.data).items():
                self.widget.set_trait(key, v)
        if self.W0.ndim == 2:
            self.widget.W = A.to_lossland(self.W0)
        self.reference = None
        self.departs = None
        self.loss_departs = None
        if self.loss is not None:
            rl, rdW = loss_and_gradient(self.loss, self.W0, self.data.Xb, self.data.y, self.reg, self.delta)
            self.reference = dict(loss=rl, dW=rdW)
        self._check()

    def _check(self):
        """The whole check at once (from Python)."""
        W = self.W0.copy()
        fx, analytic = self.learner(W, None, need_grad=True)
        state = self._start(fx, analytic)
        for i in self.entries:
            self._entry(state, W, i)
        self._finish(state)

    def _start(self, fx, analytic):
        return dict(fx=fx, analytic=analytic, numerical=np.full(self.W0.shape, np.nan),
                    kinks=np.zeros(self.W0.shape, dtype=bool), evaluations=1, done=0)

    def _entry(self, s, W, i):
        v = entry_values(self.learner, W, i, self.h, self.detect_kinks)
        s["evaluations"] += len(v)
        s["numerical"].reshape(-1)[i] = (v["+h"] - v["-h"]) / (2 * self.h) if self.centered else (v["+h"] - s["fx"]) / self.h
        if self.detect_kinks:
            s["kinks"].reshape(-1)[i] = is_kink(s["fx"], v, self.h)
        s["done"] += 1

    def _finish(self, s):
        r = finish_check(s["fx"], s["analytic"], s["numerical"], s["kinks"], self.h, self.centered, self.formula,
                         s["evaluations"], self.entries)
        self.result = r
        self.fx = r["fx"]
        self.analytic = r["analytic"]
        self.numerical = r["numerical"]
        self.rel_errors = r["rel_errors"]
        self.kinks = r["kinks"]
        self.verdicts = r["verdicts"]
        self.max_rel_error = r["max_rel_error"]
        self.verdict = r["verdict"]
        self.round_off = r["round_off"]
        self.round_off_limit = r["round_off_limit"]
        self.evaluations = r["evaluations"]
        if self.reference is not None:
            # Both dW are the same formula in float64; computed in different orders, two sums of m
            # terms differ by at most about (m - 1) eps sum|terms| (Higham), m <= N + D + C: the
            # tolerance is that bound (x 4 for the scores' own round-off). A real bug (reg W for
            # 2 reg W, a missing 1/N, a sign) is a relative change of order 1, far above it.
            n, d1 = self.data.Xb.shape
            m = n + d1 + self.data.c
            bound = gradient_bound(self.loss, self.W0, self.data.Xb, self.data.y, self.reg, self.delta)
            self.reference_tolerance = 4.0 * m * A_EPS * bound
            self.departs = np.abs(self.analytic - self.reference["dW"]) > self.reference_tolerance
            rl = self.reference["loss"]
            self.loss_departs = abs(self.fx - rl) > 4.0 * m * A_EPS * max(abs(rl), abs(self.fx))
        self._publish(done=True)

    def _publish(self, done=True, progress=1.0):
        r = self.result
        ref = None
        if self.reference is not None:
            ref = {"loss": self.reference["loss"], "dW": _json(_ll(self.reference["dW"]))}
        self.widget.kernel = dict(
            analytic=_json(_ll(r["analytic"])), numerical=_json(_ll(r["numerical"])),
            rel_errors=_json(_ll(r["rel_errors"])), verdicts=_ll(r["verdicts"]).reshape(-1).tolist(),
            kinks=_ll(r["kinks"]).reshape(-1).tolist(), max_rel_error=r["max_rel_error"], verdict=r["verdict"],
            reference=ref, departs=None if self.departs is None else _ll(self.departs).reshape(-1).tolist(),
            loss_departs=self.loss_departs, fx=r["fx"], round_off=r["round_off"],
            round_off_limit=r["round_off_limit"], h=self.h, centered=self.centered,
            formula=self.formula, reg=self.reg, shape=list(_ll(r["analytic"]).shape), evaluations=r["evaluations"],
            done=done, progress=progress)

    def _on_message(self, content):
        kind = content.get("type")
        if kind == "cancel":
            self._cancel_job()
            self.widget.kernel = {**self.widget.kernel, "done": True, "cancelled": True}
        elif kind == "check":
            # optional new settings from the widget's controls, checked by the options table
            if "h" in content:
                self.h = option("h", content["h"], "h")
            if "centered" in content:
                self.centered = option("centered", content["centered"], "centered")
            if "formula" in content:
                self.formula = option("formula", content["formula"], "formula")
            self._check_chunked()

    def _check_chunked(self):
        import time

        W = self.W0.copy()
        fx, analytic = self.learner(W, None, need_grad=True)
        state = self._start(fx, analytic)
        todo = list(self.entries)

        def unit():
            t0 = time.perf_counter()
            while state["done"] < len(todo):
                t = time.perf_counter()
                self._entry(state, W, todo[state["done"]])
                if (time.perf_counter() - t0) + (time.perf_counter() - t) > UNIT_BUDGET:
                    break
            more = state["done"] < len(todo)
            if more:
                self.widget.kernel = {**self.widget.kernel, "done": False, "progress": state["done"] / len(todo)}
            return more

        self.widget.error = ""
        self._schedule(unit, on_done=lambda: self._finish(state))


A_EPS = float(np.finfo(np.float64).eps)


class Landscape(_View):
    """A slice of the loss through W: L(W + a W1) (slice="1d") or L(W + a W1 + b W2) ("2d"),
    a and b from -span to span, W1, W2 ~ N(0, 1) entry-wise, seeded.

    f=None: lossland's loss, drawn by the front end's wasm (the page's fast path, its own seeded
    directions). With f: your function, evaluated in the kernel in chunks, with progress and
    Cancel (directions from NumPy's default_rng(seed)); .compute() does it from Python.
    """

    def __init__(self, X, y, W, loss="svm", reg=0.0, slice="2d", span=1.0, seed=0, f=None, delta=1.0, predict=True):
        self.widget = LosslandWidget(owner=self)
        self._guard(self._build, X, y, W, loss, reg, slice, span, seed, f, delta, predict)

    def _build(self, X, y, W, loss, reg, slice, span, seed, f, delta, predict):
        self.slice = check_choice(slice, "slice", ("1d", "2d"))
        self.data = Data(X, y, W)
        self.W0 = check_W(W, self.data.w_shape)
        self.f = f
        self.seed = option("seed", seed, "seed")
        self.kind = check_choice(loss, "loss", A.LOSSES)
        if f is None:
            self.reg = option("reg", reg, "reg")
            self.span = option("span", span, "span")
            self.widget.widget = "landscape" if self.slice == "2d" else "line"
            self.widget.options = {"span": self.span}
            self.widget.settings = _settings(self.kind, self.reg, self.seed, delta, predict)
        else:
            self.reg = check_number(reg, "reg", 0.0, A.MAX_REG)
            self.span = check_number(span, "span", A.MIN_SPAN, A.MAX_SPAN)
            self.widget.widget = "kernel-slice"
            self.widget.settings = {"seed": self.seed}
        self.delta = check_number(delta, "delta", A.MIN_DELTA, A.MAX_DELTA)
        if f is None:
            self.learner = Learner(lambda w, xb, yy, r: loss_and_gradient(self.kind, w, xb, yy, r, self.delta),
                                   self.W0.shape, self.data, self.reg, name=f"lossland's {self.kind} loss")
        else:
            self.learner = Learner(f, self.W0.shape, self.data, self.reg)
        rng = np.random.default_rng(self.seed)
        self.W1 = rng.standard_normal(self.W0.shape)
        self.W2 = rng.standard_normal(self.W0.shape) if self.slice == "2d" else None
        for k, v in _data_traits(self.data).items():
            self.widget.set_trait(k, v)
        self.widget.W = A.to_lossland(self.W0)
        self.job = None
        if f is not None:
            self.widget.kernel = self._state(None)

    def job_for(self, span=None, size=None) -> SliceJob:
        """A new SliceJob over this slice (size: points of the line, or per side of the plane)."""
        span = self.span if span is None else check_number(span, "span", A.MIN_SPAN, A.MAX_SPAN)
        if self.slice == "1d":
            size = 51 if size is None else check_number(size, "size", 2, A.MAX_LINE_POINTS, integer=True)
        else:
            size = 21 if size is None else check_number(size, "size", 2, A.MAX_PLANE_SIZE, integer=True)
        return SliceJob(self.learner, self.W0, self.W1, self.W2, span, size, UNIT_BUDGET)

    def compute(self, span=None, size=None) -> np.ndarray:
        """The slice's values, computed in Python now (line: (size,); plane: (size, size), row <-> b)."""
        job = self._guard(self.job_for, span, size)
        return self._guard(job.run)

    def _state(self, job, **extra):
        if job is None:
            size = 51 if self.slice == "1d" else 21  # the default a "slice" message without size gets
            return dict(slice=self.slice, span=self.span, size=size, done=True, progress=0.0, values=[],
                        axis=[], running=False, cancelled=False, **extra)
        return dict(slice=self.slice, span=job.span, size=job.size, done=job.done, progress=job.progress,
                    values=_json(job.values), axis=job.ax.tolist(), running=not job.done,
                    cancelled=job.cancelled, evaluations=job.next, **extra)

    def _on_message(self, content):
        kind = content.get("type")
        if kind == "slice":
            if self.job is not None:
                self.job.cancel()
            job = self.job = self.job_for(content.get("span"), content.get("size"))
            self.widget.error = ""

            def unit():
                more = job.unit()
                self.widget.kernel = self._state(job)
                if job.error:
                    self.widget.error = job.error
                return more and self.job is job

            self.widget.kernel = self._state(job)
            self._schedule(unit)
        elif kind == "cancel":
            if self.job is not None:
                self.job.cancel()
                self.widget.kernel = self._state(self.job)
            self._cancel_job()


class Optimizer(_View):
    """Gradient descent ("gd") or mini-batch SGD ("sgd") on lossland's loss, run by the widget.

    .W is the current weights (D + 1, C): what the widget last wrote back (after its optimizer
    moved) or, before that, the start W. Setting .W sends a new W to the widget (it redraws).
    .run(steps) is a separate, Python-side run (NumPy, lossland's loss) for scripts with no front
    end; SGD's mini-batches there are drawn by NumPy, not by the widget's generator.
    """

    def __init__(self, X, y, W, method="gd", step_size=0.1, batch_size=None, seed=0, loss="svm", reg=0.0, delta=1.0,
                 predict=True):
        self.widget = LosslandWidget(owner=self)
        self._guard(self._build, X, y, W, method, step_size, batch_size, seed, loss, reg, delta, predict)

    def _build(self, X, y, W, method, step_size, batch_size, seed, loss, reg, delta, predict):
        self.data = Data(X, y, W)
        self.method = check_choice(method, "method", ("gd", "sgd"))
        W0 = check_W(W, self.data.w_shape)
        self.settings = _settings(loss, reg, seed, delta, predict)
        self.step_size = option("stepSize", step_size, "step_size")
        opts = {"stepSize": self.step_size}
        if self.method == "sgd":
            n = self.data.n
            if batch_size is None:
                batch_size = 2 ** max(0, min(5, math.floor(math.log2(n / 8)))) if n >= 8 else 1
            self.batch_size = check_number(batch_size, "batch_size", 1, min(n, 100_000), integer=True)
            opts["batchSize"] = self.batch_size
        else:
            if batch_size is not None:
                raise fail("batch_size", 'None for method="gd" (full batch)', batch_size)
            self.batch_size = None
        self.widget.widget = self.method
        self.widget.settings = self.settings
        self.widget.options = opts
        for k, v in _data_traits(self.data).items():
            self.widget.set_trait(k, v)
        self.widget.W = A.to_lossland(W0)

    @property
    def W(self) -> np.ndarray:
        """The current weights (D + 1, C), a fresh array."""
        return A.from_lossland(self.widget.W, self.data.w_shape)

    @W.setter
    def W(self, value):
        W = self._guard(check_W, value, self.data.w_shape)
        self.widget.W = A.to_lossland(W)

    @property
    def moved_by_widget(self) -> int:
        """How many times the widget has written W back (W_from_js)."""
        return self.widget.W_from_js

    def loss(self):
        """(loss, dW) at the current W by lossland's definition, in NumPy."""
        s = self.settings
        return loss_and_gradient(s["loss"], self.W, self.data.Xb, self.data.y, s["reg"], s["delta"])

    def run(self, steps: int) -> list[float]:
        """PYTHON-SIDE run, not the widget's: `steps` steps of GD (or SGD) in NumPy on lossland's
        loss, W <- W - step_size * dW; sets .W (the widget redraws) and returns the full loss
        after each step. SGD draws its mini-batches with NumPy's default_rng(seed)."""
        steps = self._guard(check_number, steps, "steps", 1, A.MAX_RUN_STEPS, integer=True)
        s = self.settings
        W = self.W
        rng = np.random.default_rng(s["seed"])
        out = []
        for _ in range(steps):
            if self.method == "sgd":
                idx = rng.choice(self.data.n, size=self.batch_size, replace=False)
                _, dW = loss_and_gradient(s["loss"], W, self.data.Xb[idx], self.data.y[idx], s["reg"], s["delta"])
            else:
                _, dW = loss_and_gradient(s["loss"], W, self.data.Xb, self.data.y, s["reg"], s["delta"])
            W = W - self.step_size * dW
            out.append(loss_and_gradient(s["loss"], W, self.data.Xb, self.data.y, s["reg"], s["delta"])[0])
        self.W = W
        return out
