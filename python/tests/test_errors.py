"""Every bad input gets a LosslandError (a ValueError and a TypeError) whose message names the
argument first, says what is allowed and what was given, in at most 200 characters; the
learner's arrays survive; after construction the widget's `error` trait shows it too."""

import re

import numpy as np
import pytest

import lossland
from lossland import LosslandError
from conftest import svm_loss_naive, svm_loss_vectorized


def check_message(e, name, *words):
    msg = str(e.value)
    assert len(msg) <= 200, msg
    assert msg.startswith(name), msg
    for w in words:
        assert w in msg, (w, msg)
    assert isinstance(e.value, ValueError) and isinstance(e.value, TypeError)


@pytest.fixture
def arrays():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, 3))
    y = rng.integers(0, 3, 12)
    y[:3] = [0, 1, 2]
    W = 0.01 * rng.standard_normal((4, 3))
    return X, y, W


CASES = [
    # (what, build kwargs change, argument named, words in the message)
    ("X 1-D", lambda X, y, W: dict(X=X[:, 0]), "X", ["2-D", "(12,)"]),
    ("X strings", lambda X, y, W: dict(X=X.astype(str)), "X", ["float", "<U"]),
    ("X complex", lambda X, y, W: dict(X=X + 1j), "X", ["float", "complex"]),
    ("X ragged list", lambda X, y, W: dict(X=[[1.0, 2.0], [3.0]]), "X", ["array"]),
    ("X NaN", lambda X, y, W: dict(X=np.where(np.arange(36).reshape(12, 3) == 7, np.nan, X)), "X[2, 1]", ["finite", "nan"]),
    ("X Inf", lambda X, y, W: dict(X=np.where(np.arange(36).reshape(12, 3) == 0, np.inf, X)), "X[0, 0]", ["finite", "inf"]),
    ("X too many dims", lambda X, y, W: dict(X=np.zeros((2, 4097)), y=np.array([0, 1]), W=np.zeros((4098, 2))), "X", ["4096", "4097"]),
    ("X huge value", lambda X, y, W: dict(X=np.full((12, 3), 1e101)), "X[0, 0]", ["1e+100"]),
    ("y float non-integer", lambda X, y, W: dict(y=y + 0.5), "y[0]", ["integer", "0.5"]),
    ("y strings", lambda X, y, W: dict(y=y.astype(str)), "y", ["integer", "dtype"]),
    ("y wrong length", lambda X, y, W: dict(y=y[:5]), "y", ["12", "5"]),
    ("y 2-D", lambda X, y, W: dict(y=y.reshape(3, 4)), "y", ["1-D", "(3, 4)"]),
    ("y label too large", lambda X, y, W: dict(y=np.where(np.arange(12) == 4, 7, y)), "y[4]", ["0..2", "7"]),
    ("y negative label", lambda X, y, W: dict(y=np.where(np.arange(12) == 2, -1, y)), "y[2]", ["0..2", "-1"]),
    ("W wrong shape", lambda X, y, W: dict(W=W[:3]), "W", ["(4, 3)", "(3, 3)", "bias"]),
    ("W transposed", lambda X, y, W: dict(W=W.T), "W", ["(D + 1, C)", "(3, 4)"]),
    ("W NaN", lambda X, y, W: dict(W=np.where(np.arange(12).reshape(4, 3) == 5, np.nan, W)), "W[1, 2]", ["finite", "nan"]),
    ("W one class", lambda X, y, W: dict(W=W[:, :1], y=np.zeros(12, int)), "W", ["2..100", "(4, 1)"]),
    ("W object", lambda X, y, W: dict(W=np.array([None] * 12).reshape(4, 3)), "W", ["float", "object"]),
    ("reg negative", lambda X, y, W: dict(reg=-1.0), "reg", ["[0,", "-1"]),
    ("reg a string", lambda X, y, W: dict(reg="0.1"), "reg", ["number", "'0.1'"]),
    ("h zero", lambda X, y, W: dict(h=0.0), "h", ["1e-10", "0"]),
    ("h NaN", lambda X, y, W: dict(h=float("nan")), "h", ["nan"]),
    ("centered not bool", lambda X, y, W: dict(centered="yes"), "centered", ["True or False"]),
    ("loss unknown", lambda X, y, W: dict(loss="hinge"), "loss", ['"svm"', "'hinge'"]),
    ("only X", lambda X, y, W: dict(y=None), "X and y", ["together"]),
]


@pytest.mark.parametrize("what,change,name,words", CASES, ids=[c[0] for c in CASES])
def test_stepper_errors(arrays, what, change, name, words):
    X, y, W = arrays
    saved = [a.tobytes() for a in arrays]
    kw = dict(W=W, f=svm_loss_naive, X=X, y=y, reg=0.0)
    if name == "loss" or what == "h NaN":
        kw["f"] = None
        kw["loss"] = "svm"
    kw.update(change(X, y, W))
    with pytest.raises(LosslandError) as e:
        lossland.GradientStepper(**kw)
    check_message(e, name, *words)
    assert [a.tobytes() for a in arrays] == saved


def test_too_many_examples_and_values():
    with pytest.raises(LosslandError) as e:
        lossland.Notebook(np.zeros((100_001, 1)), np.zeros(100_001, int))
    check_message(e, "X", "100000", "100001")
    with pytest.raises(LosslandError) as e:
        lossland.Notebook(np.zeros((3000, 4000)), np.arange(3000) % 2)
    check_message(e, "X", "10000000", "12000000")
    with pytest.raises(LosslandError) as e:
        lossland.GradientStepper(np.zeros((400, 300)), lambda w: 0.0)
    check_message(e, "W", "100000", "120000")
    with pytest.raises(LosslandError) as e:
        lossland.Notebook(np.zeros((5, 2)), np.array([0, 1, 0, 1, 100]))
    check_message(e, "y", "2..100", "101")


def test_widget_option_rules(arrays):
    X, y, W = arrays
    with pytest.raises(LosslandError) as e:
        lossland.Optimizer(X, y, W, step_size=1e-7)
    check_message(e, "step_size", "[0.0001, 10]", "1e-07")
    with pytest.raises(LosslandError) as e:
        lossland.Optimizer(X, y, W, method="sgd", batch_size=13)
    check_message(e, "batch_size", "1..12", "13")
    with pytest.raises(LosslandError) as e:
        lossland.Optimizer(X, y, W, method="adam")
    check_message(e, "method", '"gd"', "'adam'")
    with pytest.raises(LosslandError) as e:
        lossland.Notebook(X, y, W, reg=11)
    check_message(e, "reg", "[0, 10]", "11")
    with pytest.raises(LosslandError) as e:
        lossland.Notebook(X, y, W, seed=1.5)
    check_message(e, "seed", "integer", "1.5")
    with pytest.raises(LosslandError) as e:
        lossland.Landscape(X, y, W, span=0.1)
    check_message(e, "span", "[0.25, 10]", "0.1")
    with pytest.raises(LosslandError) as e:
        lossland.Landscape(X, y, W, slice="3d")
    check_message(e, "slice", '"1d"', "'3d'")
    opt = lossland.Optimizer(X, y, W)
    with pytest.raises(LosslandError) as e:
        opt.W = W[:2]
    check_message(e, "W", "(4, 3)", "(2, 3)")
    assert opt.error.startswith("W must")


BAD_F = [
    ("raises", lambda W, X, y, reg: 1 / 0, "f raised ZeroDivisionError", "at W"),
    ("NaN loss", lambda W, X, y, reg: (float("nan"), np.zeros_like(W)), "f's loss must be finite", "nan"),
    ("inf loss", lambda W, X, y, reg: (np.inf, np.zeros_like(W)), "f's loss must be finite", "inf"),
    ("loss only", lambda W, X, y, reg: 1.0, "f's result must be (loss, dW)", "1"),
    ("string loss", lambda W, X, y, reg: ("1.0", np.zeros_like(W)), "f's loss must be a real number", "'1.0'"),
    ("array loss", lambda W, X, y, reg: (np.ones(3), np.zeros_like(W)), "f's loss must be a real number", "shape (3,)"),
    ("dW wrong shape", lambda W, X, y, reg: (1.0, np.zeros(3)), "f's dW must be an array of W's shape (4, 3)", "(3,)"),
    ("dW NaN", lambda W, X, y, reg: (1.0, np.full(W.shape, np.nan)), "f's dW[0, 0] must be finite", "nan"),
    ("None", lambda W, X, y, reg: None, "f's result must be (loss, dW)", "None"),
]


@pytest.mark.parametrize("what,f,start,word", BAD_F, ids=[c[0] for c in BAD_F])
def test_bad_learner_functions(arrays, what, f, start, word):
    X, y, W = arrays
    saved = [a.tobytes() for a in arrays]
    with pytest.raises(LosslandError) as e:
        lossland.GradientCheck(W, f, X, y)
    msg = str(e.value)
    assert msg.startswith(start) and word in msg and len(msg) <= 200, msg
    assert [a.tobytes() for a in arrays] == saved


def test_f_not_callable(arrays):
    X, y, W = arrays
    with pytest.raises(LosslandError) as e:
        lossland.GradientCheck(W, "svm", X, y)
    check_message(e, "f", "function", "'svm'")


def test_f_failing_midway_keeps_stepper_widget_and_w(arrays):
    X, y, W = arrays
    saved = W.tobytes()
    calls = []

    def flaky(w, X_, y_, reg):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("out of coffee")
        return svm_loss_vectorized(w, X_, y_, reg)

    st = lossland.GradientStepper(W, flaky, X, y)
    st.step()
    st.step()
    with pytest.raises(LosslandError) as e:
        st.step()
    assert re.match(r"f raised RuntimeError: out of coffee \(at W\[0, 2\] \+ h\)", str(e.value)), str(e.value)
    assert isinstance(e.value.__cause__, RuntimeError)
    assert st.error == str(e.value) and st.position == 2 and st.W.tobytes() == saved
    rec = st.step()  # the kernel and the stepper go on
    assert rec["index"] == 2 and st.error == ""
    # from the widget: the error goes to the trait, nothing is raised into the kernel's handler
    calls.clear()
    calls.extend([1, 1, 1])
    st.widget._message(st.widget, {"type": "step"}, [])
    assert st.widget.error.startswith("f raised RuntimeError") and st.position == 3
    assert W.tobytes() == saved


def test_error_messages_are_short_for_huge_messages(arrays):
    X, y, W = arrays

    def chatty(w, X_, y_, reg):
        raise ValueError("x" * 5000)

    with pytest.raises(LosslandError) as e:
        lossland.GradientCheck(W, chatty, X, y)
    assert len(str(e.value)) <= 200 and str(e.value).endswith("…")


def test_arrays_never_modified_by_any_class(arrays):
    X, y, W = arrays
    X32 = X.astype(np.float32)
    saved = [a.tobytes() for a in (X, y, W, X32)]
    lossland.Notebook(X, y, W)
    lossland.Notebook(X32, y)
    lossland.Landscape(X, y, W, f=svm_loss_naive, slice="1d").compute(size=5)
    lossland.Landscape(X, y, W).compute(size=4)
    opt = lossland.Optimizer(X, y, W, method="sgd", batch_size=4)
    opt.run(5)
    lossland.GradientCheck(W, svm_loss_naive, X, y, loss="svm", reg=0.1)
    st = lossland.GradientStepper(W, svm_loss_naive, X, y, reg=0.1)
    st.run_to_end()
    assert [a.tobytes() for a in (X, y, W, X32)] == saved
    assert not np.array_equal(opt.W, W)  # the optimizer moved its own copy


def test_learner_cannot_write_into_x(arrays):
    X, y, W = arrays

    def writes_x(w, X_, y_, reg):
        X_[0, 0] = 5.0
        return svm_loss_naive(w, X_, y_, reg)

    with pytest.raises(LosslandError) as e:
        lossland.GradientCheck(W, writes_x, X, y)
    assert "read-only" in str(e.value)
