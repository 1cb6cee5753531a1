"""GradientStepper: the notes' loop on the learner's f, checked against a hand loop; W restored
bit for bit; the learner's arrays never modified, even by an f that writes into its argument."""

import numpy as np
import pytest

import lossland
from conftest import softmax_loss_vectorized, svm_loss_naive, with_ones


def hand_loop(f, W, h, centered):
    """The notes' loop, literally, on copies."""
    x = W.copy()
    fx = f(x.copy())
    out = []
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = f(x.copy())
        if centered:
            x[ix] = old - h
            fxmh = f(x.copy())
            slope = (fxph - fxmh) / (2 * h)
        else:
            fxmh = None
            slope = (fxph - fx) / h
        x[ix] = old
        out.append((ix, fx, fxph, fxmh, slope))
        it.iternext()
    return out


@pytest.mark.parametrize("centered", [False, True])
def test_steps_match_hand_loop_and_restore_w(data, centered):
    X, y, W = data
    Xb = with_ones(X)
    reg = 0.1
    W_before, X_before, y_before = W.tobytes(), X.tobytes(), y.tobytes()
    st = lossland.GradientStepper(W, softmax_loss_vectorized, X, y, reg=reg, h=1e-5, centered=centered)
    expected = hand_loop(lambda w: softmax_loss_vectorized(w, Xb, y, reg)[0], W, 1e-5, centered)
    assert st.evaluations == 1
    assert np.isnan(st.gradient).all() and st.gradient.shape == W.shape
    for k, (ix, fx, fxph, fxmh, slope) in enumerate(expected):
        rec = st.step()
        assert (rec["row"], rec["col"]) == ix and rec["index"] == k
        assert rec["old_value"] == W[ix] and rec["bumped_value"] == W[ix] + 1e-5
        assert rec["fx"] == fx and rec["fx_plus_h"] == fxph and rec["fx_minus_h"] == fxmh
        assert rec["slope"] == slope  # the same operations: bit for bit
        assert rec["evaluations"] == 1 + (k + 1) * (2 if centered else 1)
        # W restored bit for bit after each step
        assert np.array_equal(st.W, W) and st.W.tobytes() == W_before
        assert set(rec) >= {"index", "row", "col", "old_value", "bumped_value", "fx", "fx_plus_h", "fx_minus_h", "slope", "evaluations"}
    assert st.step() is None and st.done
    assert np.array_equal(st.gradient, np.array([e[4] for e in expected]).reshape(W.shape))
    # the learner's arrays are unchanged
    assert W.tobytes() == W_before and X.tobytes() == X_before and y.tobytes() == y_before


def test_back_and_reset(data):
    X, y, W = data
    st = lossland.GradientStepper(W, svm_loss_naive, X, y, reg=0.0)
    a = st.step()
    b = st.step()
    assert st.evaluations == 3 and st.position == 2
    assert st.back() is True
    assert st.evaluations == 2 and np.isnan(st.gradient.reshape(-1)[1]) and st.gradient.reshape(-1)[0] == a["slope"]
    again = st.step()
    assert again == b
    st.reset()
    assert st.position == 0 and st.evaluations == 1 and np.isnan(st.gradient).all()
    assert st.back() is False


def test_f_of_w_alone_loss_or_tuple():
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    quad = lambda w: float(np.sum(w ** 2))  # noqa: E731
    st = lossland.GradientStepper(W, quad, h=1e-6, centered=True)
    g = st.run_to_end()
    assert np.allclose(g, 2 * W, rtol=1e-8)
    st2 = lossland.GradientStepper(W, lambda w: (np.sum(w ** 2), 2 * w))
    assert st2.step()["slope"] == pytest.approx(2.0, rel=1e-4)
    one_d = lossland.GradientStepper(np.array([1.0, 2.0, 3.0]), quad)
    rec = one_d.step()
    assert (rec["row"], rec["col"]) == (0, 0) and one_d.gradient.shape == (3,)


def test_f_that_mutates_its_argument_cannot_corrupt(data):
    X, y, W = data
    Xb = with_ones(X)
    W_before = W.tobytes()

    def vandal(w, X_, y_, reg):
        loss, dW = svm_loss_naive(w, X_, y_, reg)
        w += 1.0  # writes into the array it was given
        w[0, 0] = np.nan
        return loss, dW

    st = lossland.GradientStepper(W, vandal, X, y, reg=0.05)
    expected = hand_loop(lambda w: svm_loss_naive(w, Xb, y, 0.05)[0], W, 1e-5, False)
    for ix, fx, fxph, _, slope in expected[:8]:
        rec = st.step()
        assert rec["slope"] == slope
        assert st.W.tobytes() == W_before
    assert W.tobytes() == W_before


def test_x_with_ones_column_is_recognised(data):
    X, y, W = data
    Xb = with_ones(X)
    seen = []

    def f(w, X_, y_, reg):
        seen.append(X_.shape)
        return svm_loss_naive(w, X_, y_, reg)

    a = lossland.GradientStepper(W, f, Xb, y).step()
    b = lossland.GradientStepper(W, f, X, y).step()
    assert a == b and seen[0] == seen[-1] == Xb.shape  # f sees the ones column either way


def test_stepper_widget_messages(data):
    X, y, W = data
    st = lossland.GradientStepper(W, svm_loss_naive, X, y, reg=0.1)
    w = st.widget
    assert w.widget == "kernel-stepper" and w.kernel["position"] == 0
    w._message(w, {"type": "step"}, [])
    w._message(w, {"type": "step"}, [])
    k = w.kernel
    assert k["position"] == 2 and k["record"]["index"] == 1 and k["evaluations"] == 3
    # lossland's layout: gradient is C x (D + 1); the learner's W[0, 1] is class 1, feature 0
    assert len(k["gradient"]) == W.size and k["at"] == [1, 0]
    grad_ll = np.array([np.nan if v is None else v for v in k["gradient"]]).reshape(W.shape[1], W.shape[0])
    assert np.array_equal(grad_ll.T, st.gradient, equal_nan=True)
    w._message(w, {"type": "back"}, [])
    assert w.kernel["position"] == 1
    w._message(w, {"type": "run_to_end"}, [])  # no running loop: runs at once
    assert w.kernel["done"] and st.done and w.error == ""
    w._message(w, {"type": "reset"}, [])
    assert w.kernel["position"] == 0
    assert np.frombuffer(w.W, "<f8").reshape(W.shape[1], W.shape[0]).T.tobytes() == W.tobytes()


def test_optimizer_reads_w_back_from_the_widget(data):
    """Optimizer.W is what the widget last wrote (lossland's layout, C x (D + 1), in the W trait,
    W_from_js counted up), else the start W; setting .W writes the trait."""
    X, y, W = data
    opt = lossland.Optimizer(X, y, W, method="sgd", step_size=0.5, batch_size=8, seed=3, loss="softmax", reg=0.01)
    w = opt.widget
    assert w.widget == "sgd" and w.options == {"stepSize": 0.5, "batchSize": 8}
    assert w.settings == {"loss": "softmax", "reg": 0.01, "seed": 3, "delta": 1.0, "predict": True}
    assert np.array_equal(opt.W, W) and opt.W is not opt.W
    moved = W - 0.25
    # as a comm message from the front end arrives: the bytes as a buffer (memoryview)
    w.set_state({"W": memoryview(np.ascontiguousarray(moved.T).tobytes()), "W_from_js": 1})
    assert np.array_equal(opt.W, moved) and opt.moved_by_widget == 1
    opt.W = W
    assert np.frombuffer(w.W, "<f8").tolist() == np.ascontiguousarray(W.T).reshape(-1).tolist()
    losses = opt.run(20)  # the Python-side run (NumPy), not the widget's
    assert losses[-1] < losses[0] and not np.array_equal(opt.W, W)


def test_placeholder_front_end_until_built():
    from lossland import widgets
    esm = widgets._esm()
    if widgets.STATIC.is_file():
        assert esm == widgets.STATIC
    else:
        assert "lossland front end not built: run scripts/wheel" in esm
