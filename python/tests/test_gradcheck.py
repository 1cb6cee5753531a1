"""GradientCheck on the assignment's functions written from the formulas, and on deliberately
wrong ones: the correct ones pass, the wrong ones are marked "wrong" at exactly the entries whose
dW differs (the set derived here from the formulas, not from lossland), kinks found from f's values
alone, and lossland's reference beside the learner's dW."""

import numpy as np
import pytest

import lossland
from conftest import (CORRECT, missing_1_over_n, reg_bug, rel_max, sign_bug, softmax_loss_vectorized,
                      svm_loss_naive, svm_loss_vectorized, with_ones)

# a correct gradient: good, or acceptable where a kink was crossed; the two verdicts that do not
# decide (kink: a kink crossed, error beyond 1e-4; round-off) are allowed too
ALLOWED_CORRECT = {"good", "round-off", "acceptable", "kink"}


@pytest.fixture
def clear():
    """Data where every bug moves every entry it touches by far more than 1e-2 relative: W's
    entries are 0 (two of them) or of size 0.05..0.3, reg = 1."""
    rng = np.random.default_rng(11)
    n, d, c = 30, 4, 3
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, n)
    W = rng.choice([-1, 1], size=(d + 1, c)) * rng.uniform(0.05, 0.3, size=(d + 1, c))
    W[0, 1] = 0.0
    W[2, 2] = 0.0
    return X, y, W, 1.0


def assert_passes(ck):
    v = ck.verdicts
    assert set(v.reshape(-1)) <= ALLOWED_CORRECT, v
    assert not (((v == "acceptable") | (v == "kink")) & ~ck.kinks).any(), "acceptable/kink only where a kink was crossed"
    assert ck.verdict in {"good", "acceptable", "round-off", "kink"}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_functions_pass(clear, name):
    X, y, W, reg = clear
    f = CORRECT[name]
    ck = lossland.GradientCheck(W, f, X, y, reg=reg, loss=name.split("_")[0])
    assert_passes(ck)
    assert ck.max_rel_error < 1e-7 and ck.verdict == "good"
    assert not ck.departs.any() and not ck.loss_departs
    assert ck.analytic.shape == ck.numerical.shape == ck.rel_errors.shape == ck.verdicts.shape == ck.kinks.shape == W.shape
    # the reference is lossland's own maths: equal to the learner's correct dW to round-off
    ref = ck.reference
    assert ref["loss"] == pytest.approx(f(W, with_ones(X), y, reg)[0], rel=1e-13)
    assert np.allclose(ref["dW"], ck.analytic, rtol=1e-12, atol=1e-15)


def bugs(f, cls):
    return {"reg W instead of 2 reg W": reg_bug(f), "missing 1/N": missing_1_over_n(f), f"sign of class {cls}": sign_bug(f, cls)}


@pytest.mark.parametrize("name", sorted(CORRECT))
@pytest.mark.parametrize("bug", ["reg W instead of 2 reg W", "missing 1/N", "sign of class 1"])
def test_wrong_functions_marked_exactly(clear, name, bug):
    X, y, W, _ = clear
    # the reg bug shows with a strong regulariser; the others where the data term dominates
    reg = 1.0 if bug.startswith("reg") else 0.01
    f = CORRECT[name]
    wrong_f = bugs(f, 1)[bug]
    Xb = with_ones(X)
    # the exact set, from the formulas: where the buggy dW differs from the correct one
    _, good_dW = f(W, Xb, y, reg)
    _, bad_dW = wrong_f(W, Xb, y, reg)
    differs = bad_dW != good_dW
    rel = rel_max(bad_dW, good_dW)
    # the data is chosen so that every difference is far beyond the "wrong" threshold 1e-2 ...
    assert (rel[differs] > 2e-2).all()  # twice the threshold; the numerical gradient is good to ~1e-8
    # ... and each bug touches what its formula says
    if bug.startswith("reg"):
        assert np.array_equal(differs, W != 0)
    elif bug.startswith("sign"):
        assert differs[:, 1].all() and not differs[:, [0, 2]].any()
    else:
        assert differs.all()
    ck = lossland.GradientCheck(W, wrong_f, X, y, reg=reg, loss=name.split("_")[0])
    assert np.array_equal(ck.verdicts == "wrong", differs), (bug, ck.verdicts, differs)
    assert set(ck.verdicts[~differs]) <= ALLOWED_CORRECT
    assert ck.verdict == "wrong" and ck.max_rel_error > 1e-2
    # beside lossland's definition: departs exactly where the bug changed dW
    assert np.array_equal(ck.departs, differs)
    assert not ck.loss_departs  # the loss itself is right in every bug here


def test_sum_formula_and_centered_flag(clear):
    X, y, W, reg = clear
    ck = lossland.GradientCheck(W, reg_bug(softmax_loss_vectorized), X, y, reg=reg, formula="sum")
    a, n = ck.analytic, ck.numerical
    expect = np.abs(a - n) / (np.abs(a) + np.abs(n))
    assert np.allclose(ck.rel_errors, expect, rtol=1e-12)
    fwd = lossland.GradientCheck(W, softmax_loss_vectorized, X, y, reg=reg, centered=False)
    # forward differences of a smooth f: error O(h), far above the centered one
    ck2 = lossland.GradientCheck(W, softmax_loss_vectorized, X, y, reg=reg)
    assert fwd.max_rel_error > 10 * ck2.max_rel_error


def kink_set(X, y, W, h):
    """From the SVM's formula: entry (k, j) straddles a kink iff bumping W[k, j] by t, |t| <= h,
    switches some hinge max(0, m_il): the bump moves s_ij by t x_ik, so the hinge (i, j) (j != y_i)
    moves by t x_ik and every hinge (i, l) of an example with y_i = j moves by -t x_ik."""
    Xb = with_ones(X)
    s = Xb @ W
    n, c = s.shape
    m = s - s[np.arange(n), y][:, None] + 1.0
    m[np.arange(n), y] = np.inf  # the label's own entry is no hinge
    out = np.zeros(W.shape, dtype=bool)
    for k in range(W.shape[0]):
        reach = h * np.abs(Xb[:, k])
        near = np.abs(m) < reach[:, None]  # (i, l): hinge l of example i switches within the bump
        for j in range(c):
            out[k, j] = (near[:, j] & (y != j)).any() or near[y == j].any()
    return out


@pytest.mark.parametrize("n", [50, 100000])
def test_kinks_found_from_values_alone(n):
    """A hinge put 0.4 h from its kink: the entries whose bump crosses it are flagged, nothing else;
    softmax at the same W (smooth) has no kinks."""
    h = 1e-5
    rng = np.random.default_rng(3)
    d, c = 3, 3
    X = rng.standard_normal((n, d)) + 1.0  # off-centre: the gradient stays O(1) for large N
    X[0] = [1.0, -1.5, 2.0]
    y = rng.integers(0, c, n)
    y[0] = 0
    W = 0.5 * rng.standard_normal((d + 1, c))
    s = with_ones(X) @ W
    m0 = s[0, 2] - s[0, 0] + 1.0
    W[-1, 2] += -m0 + 0.4 * h  # example 0's hinge for class 2 now sits 0.4 h above its kink
    expected = kink_set(X, y, W, h)
    assert expected[:, 0].all() and expected[:, 2].all()  # the engineered hinge: classes 2 and y_0 = 0
    if n == 50:
        assert not expected[:, 1].any()  # (among 100000 examples other hinges may sit within h by chance)
    f = svm_loss_vectorized if n > 100 else svm_loss_naive
    ck = lossland.GradientCheck(W, f, X, y, h=h)
    assert np.array_equal(ck.kinks, expected)
    smooth = lossland.GradientCheck(W, softmax_loss_vectorized, X, y, h=h)
    assert not smooth.kinks.any() and smooth.verdict == "good"
    if n > 100:
        # with many examples one hinge's jump (|x_ik| / N) is small: CS231n's "acceptable with kinks"
        assert_passes(ck)
        assert (ck.verdicts == "acceptable").any()


def test_literal_one_sided_rule_would_call_softmax_kinked(clear):
    """Why lossland's kink test uses third differences: the one-sided slopes at +-h of a smooth f
    differ by f''.h, far above round-off (so "differ beyond round-off" alone flags every entry)."""
    X, y, W, reg = clear
    Xb = with_ones(X)
    f = lambda w: softmax_loss_vectorized(w, Xb, y, reg)[0]  # noqa: E731
    h = 1e-5
    fx = f(W)
    w = W.copy()
    w[0, 0] += h
    fp = f(w)
    w[0, 0] = W[0, 0] - h
    fm = f(w)
    disagreement = abs((fp - fx) / h - (fx - fm) / h)
    round_off = 4 * np.finfo(float).eps * abs(fx) / h
    assert disagreement > 100 * round_off
    ck = lossland.GradientCheck(W, softmax_loss_vectorized, X, y, reg=reg)
    assert not ck.kinks.any()


def test_round_off_entries():
    """A feature of size 1e-9: its gradient entries (~1e-10) are below what a finite difference at
    h = 1e-5 can resolve (eps |f| / h ~ 2e-11 per evaluation), so their relative error is noise.
    src/numgrad.rs (issue 11) calls an entry "round-off" when it is not good and
    |a - n| <= 4 eps |f| / h (centered); it does not count in the verdict or max_rel_error."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 2))
    X[:, 1] *= 1e-9
    y = rng.integers(0, 3, 20)
    W = 0.1 * rng.standard_normal((3, 3))
    ck = lossland.GradientCheck(W, softmax_loss_vectorized, X, y, reg=0.0)
    a, n = ck.analytic, ck.numerical
    limit = 4 * np.finfo(float).eps * abs(ck.fx) / 1e-5
    assert ck.round_off_limit == pytest.approx(limit, rel=1e-15)
    e = ck.rel_errors
    expect = np.where(e < 1e-7, "good", np.where(np.abs(a - n) <= limit, "round-off", "?"))
    assert np.array_equal(ck.verdicts, expect), (ck.verdicts, e)
    assert (ck.verdicts[1] == "round-off").all() and (e[1] > 1e-4).any()  # noise over noise
    assert ck.verdict == "good" and ck.max_rel_error < 1e-7  # round-off entries do not decide


def test_verdict_table_mirrors_numgrad():
    from lossland._learner import judge, overall, verdict_of
    cases = [(0.0, False, "good"), (9.9e-8, True, "good"), (1e-7, True, "acceptable"), (1e-4, True, "acceptable"),
             (1.1e-4, True, "kink"), (float("nan"), True, "kink"), (1e-7, False, "too-high"), (1e-4, False, "too-high"),
             (1.1e-4, False, "uncomfortable"), (1e-2, False, "uncomfortable"), (1.1e-2, False, "wrong"),
             (float("nan"), False, "wrong"), (float("inf"), False, "wrong")]
    for e, kink, v in cases:
        assert verdict_of(e, kink) == v, (e, kink)
    assert judge(1.0, 1.0 + 1e-12, 1e-12, False, 0.0) == "good"
    assert judge(1e-10, 2e-10, 0.5, False, 1e-9) == "round-off"
    assert judge(1e-10, 2e-10, 0.5, False, 1e-11) == "wrong"
    assert overall(["good", "round-off", "too-high"]) == "too-high"
    assert overall(["round-off", "kink"]) == "round-off" and overall(["kink"]) == "kink"


def test_sparse_entries(clear):
    X, y, W, reg = clear
    ck = lossland.GradientCheck(W, reg_bug(svm_loss_vectorized), X, y, reg=reg, entries=4, seed=1)
    checked = ck.verdicts != ""
    assert checked.sum() == 4 and np.isnan(ck.numerical[~checked]).all()
    assert np.array_equal(ck.verdicts[checked] == "wrong", (W != 0)[checked])


def test_reference_without_learner_f(clear):
    X, y, W, reg = clear
    ck = lossland.GradientCheck(W, None, X, y, reg=reg, loss="svm")
    assert ck.verdict == "good" and not ck.departs.any()
    with pytest.raises(lossland.LosslandError, match="^f must be"):
        lossland.GradientCheck(W, None, X, y, reg=reg)


def test_gradcheck_widget_state_and_recheck(clear):
    X, y, W, reg = clear
    ck = lossland.GradientCheck(W, reg_bug(svm_loss_naive), X, y, reg=reg, loss="svm")
    k = ck.widget.kernel
    c, d1 = W.shape[1], W.shape[0]
    assert ck.widget.widget == "kernel-gradcheck" and k["verdict"] == "wrong" and k["shape"] == [c, d1]
    # lossland's layout: flat C x (D + 1)
    assert np.array_equal(np.array(k["verdicts"]).reshape(c, d1).T, ck.verdicts)
    assert np.array_equal(np.array(k["departs"]).reshape(c, d1).T, ck.departs)
    assert np.allclose(np.array(k["reference"]["dW"]).reshape(c, d1).T, ck.reference["dW"])
    ck.widget._message(ck.widget, {"type": "check", "formula": "sum"}, [])
    assert ck.widget.kernel["formula"] == "sum" and ck.formula == "sum" and ck.widget.kernel["done"]
    ck.widget._message(ck.widget, {"type": "check", "h": 0.3}, [])
    assert "h must be a power of ten" in ck.widget.error
