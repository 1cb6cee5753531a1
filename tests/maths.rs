//! Native tests of the maths against hand-worked values and independent methods.

mod common;

use common::{classifier as clf, hand, small_digits};
use lossland::data::Dataset;
use lossland::landscape::{axis, Landscape};
use lossland::loss::{Classifier, LossKind};
use lossland::numgrad::{grad_check, numerical_gradient, numerical_gradient_plain, rel_error, RelFormula, Stepper, Verdict};
use lossland::optim::{Config, Method, Optimizer};
use ndarray::Array2;

#[test]
fn softmax_analytic_gradient_matches_centered_numerical() {
    for (seed, data) in [(1, Dataset::toy(0)), (2, Dataset::spiral(30, 3, 5).unwrap()), (3, small_digits(60))] {
        for reg in [0.0, 0.1] {
            let scale = if data.dims() > 2 { 0.05 } else { 0.5 };
            let mut c = clf(data.clone(), LossKind::Softmax, reg, seed, scale);
            let a = c.gradient();
            let n = numerical_gradient_plain(&mut c, 1e-5, true);
            let mut worst: f64 = 0.0;
            // The finite difference carries round-off of about ε·|L|/h ≈ 1e-10 (absolute), so
            // relative errors are judged where |gradient| > 1e-3 and the rest by that floor.
            for (&x, &y) in a.iter().zip(n.iter()) {
                if x.abs().max(y.abs()) > 1e-3 {
                    worst = worst.max(rel_error(x, y, RelFormula::Max));
                } else {
                    assert!((x - y).abs() < 1e-9, "{x} vs {y}");
                }
            }
            assert!(worst < 1e-7, "{} reg {reg}: worst relative error {worst:e}", data.name);
        }
    }
}

#[test]
fn svm_analytic_gradient_matches_numerical_away_from_kinks() {
    for (seed, data) in [(4, Dataset::toy(0)), (5, Dataset::spiral(30, 3, 6).unwrap()), (6, small_digits(60))] {
        for reg in [0.0, 0.05] {
            let scale = if data.dims() > 2 { 0.05 } else { 0.5 };
            let mut c = clf(data.clone(), LossKind::Svm, reg, seed, scale);
            let a = c.gradient();
            let gc = grad_check(&mut c, 1e-5, true, RelFormula::Max);
            let mut checked = 0;
            for i in 0..a.len() {
                if gc.kinks[i] {
                    continue;
                }
                let (x, y) = (gc.analytic.iter().nth(i).copied().unwrap(), gc.numerical.iter().nth(i).copied().unwrap());
                if x.abs().max(y.abs()) > 1e-3 {
                    assert!(rel_error(x, y, RelFormula::Max) < 1e-7, "{} entry {i}: {x} vs {y}", data.name);
                    checked += 1;
                } else {
                    assert!((x - y).abs() < 1e-9, "{} entry {i}: {x} vs {y}", data.name);
                }
            }
            assert!(checked > a.len() / 3, "{}: too few entries away from kinks ({checked})", data.name);
        }
    }
}

#[test]
fn kink_is_detected_where_a_hinge_switches_on() {
    // the 3-example set worked by hand in src/loss.rs (tests/common): example 2 has an SVM
    // margin exactly 0 for class 1 (s_1 − s_2 + Δ = −1.6 + 0.6 + 1 = 0)
    let mut c = hand(LossKind::Svm);
    // Bumping the bias of class 1 by +h lifts s_1 of example 2 by h: its margin goes from
    // 0 (inactive) to h (active). The forward slope then counts that hinge (+1/3 of x's bias),
    // the analytic gradient (1(margin > 0)) does not.
    let gc = grad_check(&mut c, 1e-5, false, RelFormula::Max);
    let idx = 3 + 2; // row 1, column 2 (bias)
    assert!(gc.kinks[idx]);
    let an = gc.analytic[[1, 2]];
    let nu = gc.numerical[[1, 2]];
    assert!((an - 1.0 / 3.0).abs() < 1e-12, "analytic {an}");
    assert!((nu - 2.0 / 3.0).abs() < 1e-6, "numerical {nu}");
    // an honest kink crossing: the check cannot decide there, and it does not count as wrong
    assert_eq!(gc.verdicts[idx], Verdict::Kink);
    assert!(!Verdict::Kink.decides());
    // W[1,0] multiplies x_0 = 0 for example 2: no kink there, and the two agree.
    assert!(!gc.kinks[3]);
    assert!(rel_error(gc.analytic[[1, 0]], gc.numerical[[1, 0]], RelFormula::Max) < 1e-7);
    // softmax has no kinks
    c.hyper.kind = LossKind::Softmax;
    let gc = grad_check(&mut c, 1e-5, true, RelFormula::Sum);
    assert!(gc.kinks.iter().all(|&k| !k));
    assert!(gc.max_rel_error < 1e-7);
    assert_eq!(gc.verdict, Verdict::Good);
}

#[test]
fn entries_at_round_off_are_not_called_wrong() {
    // digits, SVM and softmax: some pixel columns are almost always blank, so their gradient
    // entries are tiny; a correct analytic gradient must not get a verdict worse than
    // "acceptable" from noise over noise: those entries are "round-off", which does not decide.
    for kind in [LossKind::Svm, LossKind::Softmax] {
        let mut c = clf(Dataset::digits(), kind, 0.0, 1, 0.01);
        let gc = grad_check(&mut c, 1e-5, true, RelFormula::Max);
        let limit = gc.round_off_limit;
        assert!(gc.round_off > 0.0 && gc.round_off < 1e-8, "{}", gc.round_off);
        assert_eq!(limit, lossland::numgrad::ROUND_OFF_MULTIPLE * gc.round_off);
        let (a, n) = (gc.analytic.as_slice().unwrap(), gc.numerical.as_slice().unwrap());
        for i in 0..gc.rel_errors.len() {
            assert_eq!(gc.rel_errors[i], rel_error(a[i], n[i], RelFormula::Max), "relative errors are reported as computed");
            if gc.verdicts[i] == Verdict::RoundOff {
                assert!((a[i] - n[i]).abs() <= limit && gc.rel_errors[i] >= 1e-7);
            }
        }
        assert!(gc.verdicts.contains(&Verdict::RoundOff), "{kind:?}: the blank-border entries are at round-off");
        assert_eq!(gc.verdict, Verdict::Good, "{kind:?}: max over deciding entries {}", gc.max_rel_error);
        assert!(gc.max_rel_error < 1e-7);
    }
}

#[test]
fn relative_error_formulas_and_verdicts() {
    assert_eq!(rel_error(0.0, 0.0, RelFormula::Max), 0.0);
    assert_eq!(rel_error(1.0, 3.0, RelFormula::Max), 2.0 / 3.0);
    assert_eq!(rel_error(1.0, 3.0, RelFormula::Sum), 0.5);
    assert_eq!(Verdict::of(1e-8, false), Verdict::Good);
    assert_eq!(Verdict::of(1e-5, true), Verdict::AcceptableWithKinks);
    assert_eq!(Verdict::of(1e-5, false), Verdict::TooHigh);
    assert_eq!(Verdict::of(1e-3, false), Verdict::Uncomfortable);
    assert_eq!(Verdict::of(1e-3, true), Verdict::Kink);
    assert_eq!(Verdict::of(0.5, true), Verdict::Kink);
    assert_eq!(Verdict::of(0.5, false), Verdict::Wrong);
}

#[test]
fn fast_numerical_gradient_equals_the_plain_recomputation() {
    // |fast − plain| ≤ 1e-6 · max(1, |slope|) at h = 1e-5, on the digits, both losses,
    // forward and centered, with and without reg.
    let d = Dataset::digits();
    for kind in [LossKind::Svm, LossKind::Softmax] {
        for (reg, centered) in [(0.0, false), (0.1, true)] {
            let mut c = clf(d.clone(), kind, reg, 11, 0.01);
            let w_before = c.w.clone();
            let (fast, _) = numerical_gradient(&mut c, 1e-5, centered);
            let plain = numerical_gradient_plain(&mut c, 1e-5, centered);
            assert_eq!(c.w, w_before, "W is left as it was");
            for (i, (&f, &p)) in fast.iter().zip(plain.iter()).enumerate() {
                assert!((f - p).abs() <= 1e-6 * p.abs().max(1.0), "{kind:?} entry {i}: fast {f} plain {p}");
            }
        }
    }
}

#[test]
fn forward_error_is_first_order_centered_second_order() {
    let mut c = clf(Dataset::spiral(20, 3, 1).unwrap(), LossKind::Softmax, 0.0, 9, 1.0);
    let a = c.gradient();
    let err = |c: &mut Classifier, h: f64, centered: bool| {
        let n = numerical_gradient_plain(c, h, centered);
        (&n - &a).iter().map(|v| v.abs()).fold(0.0, f64::max)
    };
    let (f1, f2) = (err(&mut c, 1e-2, false), err(&mut c, 1e-3, false));
    let (c1, c2) = (err(&mut c, 1e-2, true), err(&mut c, 1e-3, true));
    // shrinking h tenfold shrinks the forward error ~10× and the centered error ~100×
    assert!((f1 / f2) > 7.0 && (f1 / f2) < 13.0, "forward ratio {}", f1 / f2);
    assert!((c1 / c2) > 70.0 && (c1 / c2) < 130.0, "centered ratio {}", c1 / c2);
}

#[test]
fn stepper_does_one_coordinate_per_step_and_restores_it_bit_for_bit() {
    let mut c = clf(Dataset::toy(0), LossKind::Svm, 0.1, 3, 0.3);
    let bits: Vec<u64> = c.w.iter().map(|v| v.to_bits()).collect();
    let fx = c.loss();
    let mut s = Stepper::new(&mut c, 1e-5, false);
    assert_eq!(s.evaluations(), 1, "f(x) once");
    assert_eq!(s.len(), 9);
    for k in 0..9 {
        let r = s.step(&mut c).unwrap().unwrap();
        assert_eq!((r.index, r.row, r.col), (k, k / 3, k % 3), "row-major order");
        assert_eq!(r.old_value.to_bits(), bits[k]);
        assert_eq!(r.bumped_value, r.old_value + 1e-5);
        assert_eq!(r.fx, fx);
        let literal = c.loss_with(r.row, r.col, r.bumped_value);
        assert!((r.fx_plus_h - literal).abs() < 1e-12, "f(x+h) is the real loss");
        assert_eq!(r.slope, (r.fx_plus_h - r.fx) / 1e-5);
        assert_eq!(r.evaluations, 2 + k);
        let now: Vec<u64> = c.w.iter().map(|v| v.to_bits()).collect();
        assert_eq!(now, bits, "restored bit for bit");
        // visited entries are numbers, the rest NaN
        let g = s.gradient();
        assert!(g[..=k].iter().all(|v| v.is_finite()) && g[k + 1..].iter().all(|v| v.is_nan()));
    }
    assert!(s.done());
    assert!(s.step(&mut c).unwrap().is_none());
    assert!(s.back());
    assert_eq!(s.evaluations(), 9);
    assert!(s.gradient()[8].is_nan());
    let again = s.step(&mut c).unwrap().unwrap();
    assert_eq!(again.index, 8);
    // centered: two evaluations a coordinate
    let mut s = Stepper::new(&mut c, 1e-3, true);
    let r = s.step(&mut c).unwrap().unwrap();
    assert_eq!(r.evaluations, 3);
    assert_eq!(r.minus_value, Some(r.old_value - 1e-3));
    assert!((r.fx_minus_h.unwrap() - c.loss_with(0, 0, r.old_value - 1e-3)).abs() < 1e-12);
    while s.back() {}
    assert_eq!(s.evaluations(), 1);
    assert!(!s.back());
    // a stepper refuses to go on after W was replaced from outside
    c.randomize(99, 1.0);
    assert!(s.step(&mut c).is_err());
}

#[test]
fn gradient_descent_lowers_the_loss_and_sgd_with_the_full_batch_equals_it() {
    let d = Dataset::spiral(50, 3, 2).unwrap();
    let mut a = clf(d.clone(), LossKind::Softmax, 1e-3, 1, 0.01);
    let mut b = a.clone();
    let l0 = a.loss();
    let mut gd = Optimizer::new(&a, Config { method: Method::Gd, step_size: 0.5, batch_size: 1, scale: 1.0, seed: 1 });
    let mut sgd = Optimizer::new(&b, Config { method: Method::Sgd, step_size: 0.5, batch_size: 150, scale: 1.0, seed: 1 });
    let mut prev = l0;
    for it in 1..=100 {
        let r = gd.step(&mut a);
        let q = sgd.step(&mut b);
        assert_eq!(r.iteration, it);
        assert!(r.loss <= prev + 1e-12, "GD with a small step never goes up");
        assert!((r.loss - q.loss).abs() < 1e-9 * r.loss.max(1.0), "full-batch SGD = GD");
        assert!((r.loss - a.loss()).abs() < 1e-12, "record reports the loss after the step");
        prev = r.loss;
    }
    assert!(prev < 0.8 * l0);
}

#[test]
fn random_search_keeps_the_best_and_local_search_never_goes_up() {
    let d = Dataset::digits();
    let mut c = clf(d, LossKind::Svm, 0.0, 1, 0.001);
    let mut rs = Optimizer::new(&c, Config { method: Method::RandomSearch, step_size: 1.0, batch_size: 1, scale: 0.001, seed: 7 });
    let first = rs.step(&mut c);
    assert!(first.accepted, "the first try beats +∞");
    let mut best = first.loss;
    for _ in 0..30 {
        let r = rs.step(&mut c);
        assert!(r.loss <= best);
        assert_eq!(r.accepted, r.try_loss < best);
        best = r.loss;
        assert!((c.loss() - best).abs() < 1e-12);
    }
    let mut ls = Optimizer::new(&c, Config { method: Method::RandomLocalSearch, step_size: 0.001, batch_size: 1, scale: 1.0, seed: 8 });
    let mut cur = c.loss();
    let mut accepted = 0;
    for _ in 0..50 {
        let r = ls.step(&mut c);
        assert!(r.loss <= cur);
        accepted += r.accepted as usize;
        cur = r.loss;
    }
    assert!(accepted > 0);
}

#[test]
fn divergence_is_reported_and_the_last_finite_w_is_kept() {
    let mut c = clf(Dataset::toy(0), LossKind::Svm, 1000.0, 1, 1.0);
    let mut o = Optimizer::new(&c, Config { method: Method::Gd, step_size: 1000.0, batch_size: 1, scale: 1.0, seed: 1 });
    let mut last = None;
    for _ in 0..200 {
        let r = o.step(&mut c);
        if r.diverged {
            last = Some(r);
            break;
        }
    }
    let r = last.expect("W grows ×2e6 a step: the loss overflows");
    assert!(c.w.iter().all(|v| v.is_finite()));
    assert!(r.loss.is_finite());
    let w = c.w.clone();
    let again = o.step(&mut c);
    assert!(again.diverged);
    assert_eq!(c.w, w, "W no longer changes");
}

#[test]
fn landscape_equals_the_loss_evaluated_directly() {
    for kind in [LossKind::Svm, LossKind::Softmax] {
        let mut c = clf(small_digits(200), kind, 0.05, 3, 0.01);
        let l = Landscape::new(&c, 5, false);
        let w0 = c.w.clone();
        let (span, size) = (2.0, 5);
        let plane = l.plane(span, size);
        let ax = axis(span, size);
        for (r, &b) in ax.iter().enumerate() {
            for (col, &a) in ax.iter().enumerate() {
                let w: Array2<f64> = &w0 + &(&l.w[1] * a) + &(&l.w[2] * b);
                c.set_weights(w.as_slice().unwrap()).unwrap();
                let direct = c.loss();
                let v = plane[r * size + col];
                assert!((v - direct).abs() <= 1e-9 * direct.abs().max(1.0), "{kind:?} ({a},{b}): {v} vs {direct}");
            }
        }
        c.set_weights(w0.as_slice().unwrap()).unwrap();
        let line = l.line(span, size);
        assert_eq!(line.len(), 5);
        assert!((line[2] - c.loss()).abs() < 1e-12, "a = 0 is W0");
        // the average of the per-example lines is the data loss along the line
        let reg_free = {
            let mut c2 = c.clone();
            c2.hyper.reg = 0.0;
            Landscape::new(&c2, 5, false).line(span, size)
        };
        let n = c.data.len();
        for p in 0..size {
            let avg: f64 = (0..n).map(|i| l.example_line(i, span, size)[p]).sum::<f64>() / n as f64;
            assert!((avg - reg_free[p]).abs() < 1e-9);
        }
    }
}

#[test]
fn the_svm_line_is_convex_chords_lie_above() {
    let c = clf(Dataset::spiral(40, 3, 3).unwrap(), LossKind::Svm, 0.0, 2, 1.0);
    let l = Landscape::new(&c, 1, false);
    for (a1, a2, t) in [(-3.0, 2.0, 0.3), (-1.0, 0.5, 0.5), (0.2, 4.0, 0.9)] {
        let mid = l.loss_at(t * a1 + (1.0 - t) * a2, 0.0);
        let chord = t * l.loss_at(a1, 0.0) + (1.0 - t) * l.loss_at(a2, 0.0);
        assert!(mid <= chord + 1e-12);
    }
}

#[test]
fn projection_recovers_plane_coordinates_and_normalization_scales_rows() {
    let c = clf(Dataset::toy(0), LossKind::Svm, 0.0, 4, 1.0);
    let l = Landscape::new(&c, 2, false);
    let w = &l.w[0] + &(&l.w[1] * 0.3) - &(&l.w[2] * 0.2);
    let [a, b, dist] = l.project(&w);
    assert!((a - 0.3).abs() < 1e-12 && (b + 0.2).abs() < 1e-12 && dist < 1e-12);
    let off = &w + &Array2::from_elem(w.dim(), 0.0);
    let mut off = off;
    // move off the plane along a direction orthogonal to W1 and W2: distance must show it
    off[[0, 0]] += 1.0;
    let [_, _, d2] = l.project(&off);
    assert!(d2 > 0.1 && d2 <= 1.0 + 1e-12);
    let n = Landscape::new(&c, 2, true);
    for (r0, r1) in n.w[0].rows().into_iter().zip(n.w[1].rows()) {
        let a: f64 = r0.iter().map(|v| v * v).sum::<f64>().sqrt();
        let b: f64 = r1.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((a - b).abs() < 1e-12);
    }
}

#[test]
fn predicted_classes_over_a_grid_match_the_hand_worked_argmax() {
    // s_j = W[j,0]·x + W[j,1]·y + W[j,2] with the hand W (rows (0.5, −0.2, 0.1), (−0.3, 0.8, 0),
    // (0.2, 0.1, −0.4)) on the 3 × 3 grid x, y ∈ {−1, 0, 1}:
    // y = −1: x = −1 (−0.2, −0.5, −0.7) → 0; x = 0 (0.3, −0.8, −0.5) → 0; x = 1 (0.8, −1.1, −0.3) → 0
    // y = 0:  x = −1 (−0.4, 0.3, −0.6) → 1;  x = 0 (0.1, 0, −0.4) → 0;     x = 1 (0.6, −0.3, −0.2) → 0
    // y = 1:  x = −1 (−0.6, 1.1, −0.5) → 1;  x = 0 (−0.1, 0.8, −0.3) → 1;  x = 1 (0.4, 0.5, −0.1) → 1
    let c = hand(LossKind::Svm);
    assert_eq!(c.predict_grid((-1.0, 1.0), (-1.0, 1.0), 3).unwrap(), vec![0, 0, 0, 1, 0, 0, 1, 1, 1]);
    // one point: (x0, y0)
    assert_eq!(c.predict_grid((-1.0, 1.0), (1.0, 2.0), 1).unwrap(), vec![1]);
    // only for 2-D data
    let d = clf(small_digits(10), LossKind::Svm, 0.0, 1, 0.1);
    assert!(d.predict_grid((0.0, 1.0), (0.0, 1.0), 4).unwrap_err().contains("64 features"));
}

#[test]
fn verdict_table_is_the_one_the_verdicts_are_read_from() {
    // names and order, best to worst; a verdict's code is its index
    let names: Vec<&str> = Verdict::ALL.iter().map(|v| v.name()).collect();
    assert_eq!(names, ["good", "acceptable-with-kinks", "too-high", "uncomfortable", "wrong", "kink", "round-off"]);
    for (code, v) in Verdict::ALL.iter().enumerate() {
        assert_eq!(*v as usize, code);
        assert_eq!(Verdict::parse(v.name()), Some(*v));
        // the deciding verdicts come first, best to worst
        assert_eq!(v.decides(), code < 5, "{}", v.name());
    }
    assert_eq!(Verdict::parse("fine"), None);
    // the notes' thresholds and their edges: < 1e-7 good, ≤ 1e-4 with kinks (too high without),
    // ≤ 1e-2 uncomfortable, beyond wrong
    assert_eq!(Verdict::Good.below(), (1e-7, false));
    assert_eq!(Verdict::AcceptableWithKinks.below(), (1e-4, true));
    assert_eq!(Verdict::TooHigh.below(), (1e-4, true));
    assert_eq!(Verdict::Uncomfortable.below(), (1e-2, true));
    assert_eq!(Verdict::Wrong.below(), (f64::INFINITY, true));
    assert_eq!(Verdict::Wrong.from(), (1e-2, false));
    assert_eq!(Verdict::Kink.from(), (1e-4, false));
    assert_eq!(Verdict::of(1e-7, true), Verdict::AcceptableWithKinks, "1e-7 itself is not good");
    assert_eq!(Verdict::of(1e-7, false), Verdict::TooHigh);
    assert_eq!(Verdict::of(1e-4, true), Verdict::AcceptableWithKinks, "1e-4 itself is acceptable");
    assert_eq!(Verdict::of(1e-4, false), Verdict::TooHigh);
    assert_eq!(Verdict::of(2e-4, true), Verdict::Kink);
    assert_eq!(Verdict::of(1e-2, false), Verdict::Uncomfortable, "1e-2 itself is uncomfortable");
    assert_eq!(Verdict::of(0.011, false), Verdict::Wrong);
    assert_eq!(Verdict::of(f64::INFINITY, false), Verdict::Wrong);
    assert_eq!(Verdict::of(f64::NAN, false), Verdict::Wrong);
    assert_eq!(Verdict::of(f64::NAN, true), Verdict::Kink);
    assert_eq!(Verdict::of(0.0, false), Verdict::Good);
    assert_eq!(Verdict::of(0.0, true), Verdict::Good);
    let crossed: Vec<Verdict> = Verdict::ALL.iter().copied().filter(Verdict::kinks_only).collect();
    assert_eq!(crossed, [Verdict::AcceptableWithKinks, Verdict::Kink]);
    assert!(Verdict::ALL.iter().filter(|v| v.round_off()).eq([Verdict::RoundOff].iter()));
}

#[test]
fn enums_name_and_parse_themselves() {
    for k in LossKind::ALL {
        assert_eq!(LossKind::parse(k.name()), Some(k));
    }
    for m in Method::ALL {
        assert_eq!(Method::parse(m.name()), Some(m));
    }
    for f in RelFormula::ALL {
        assert_eq!(RelFormula::parse(f.name()), Some(f));
    }
    assert_eq!(LossKind::ALL.map(|k| k.name()), ["svm", "softmax"]);
    assert_eq!(Method::ALL.map(|m| m.name()), ["random-search", "random-local-search", "gd", "sgd"]);
    assert_eq!(RelFormula::ALL.map(|f| f.name()), ["max", "sum"]);
    assert_eq!(LossKind::parse("hinge"), None);
    assert_eq!(Method::parse("adam"), None);
    assert_eq!(RelFormula::parse("Max"), None);
}

#[test]
fn slopes_versus_h_report_fx_and_the_gradient_checks_round_off_scale() {
    // hand SVM, coordinate (0, 0): L = 5/3 at W; dL/dW[0,0] = −2/3 (worked in src/loss.rs)
    let mut c = hand(LossKind::Svm);
    let hs = [1e-8, 1e-5, 1e-2];
    let s = lossland::numgrad::slopes_versus_h(&mut c, 0, 0, &hs);
    assert!((s.fx - 5.0 / 3.0).abs() < 1e-15);
    for (i, &h) in hs.iter().enumerate() {
        // round-off: 2ε·|f|/h forward, ε·|f|/h centered (the numbers grad_check uses)
        let eps = f64::EPSILON;
        assert!((s.round_off[i] - 2.0 * eps * (5.0 / 3.0) / h).abs() <= 1e-15 * s.round_off[i]);
        assert!((s.round_off_centered[i] - eps * (5.0 / 3.0) / h).abs() <= 1e-15 * s.round_off_centered[i]);
        assert_eq!(s.round_off[i], lossland::numgrad::round_off_floor(s.fx, h, false));
        assert_eq!(s.round_off_centered[i], lossland::numgrad::round_off_floor(s.fx, h, true));
        // away from the kink both slopes are −2/3 within the round-off plus the step's error
        assert!((s.forward[i] + 2.0 / 3.0).abs() < 10.0 * s.round_off[i] + 1e-9, "h {h}: {}", s.forward[i]);
        assert!((s.centered[i] + 2.0 / 3.0).abs() < 10.0 * s.round_off_centered[i] + 1e-9, "h {h}: {}", s.centered[i]);
    }
    // the gradient check's round-off at the same h is the same number
    let gc = grad_check(&mut c, 1e-5, false, RelFormula::Max);
    assert_eq!(gc.round_off, s.round_off[1]);
}
