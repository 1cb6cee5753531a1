//! The fast paths are exact: every one is compared with the plain evaluation it replaces.
//!
//! * SVM and softmax planes and lines (row sweeps over breakpoints / geometric exponentials)
//!   against the loss evaluated directly at each grid point (`Classifier::loss` at
//!   W0 + a·W1 + b·W2), to 1e-9 relative — including grid points that sit exactly on an
//!   SVM breakpoint (built deliberately from integers, so margins are exactly 0 there).
//! * The numerical gradient through the bump cache against `numerical_gradient_plain`,
//!   |diff| ≤ 1e-6 · max(1, |slope|) at h = 1e-5, including coordinates whose bump crosses
//!   a kink.
//! * The SVM's linearised bump (linear part from the hinge activities plus an exact correction
//!   over hinges near their kink) against the column pass and against hinge states
//!   recomputed from scratch, including margins a fraction of h away from 0.
//! * Gradient descent through the optimizer against W ← W − η·dW with `Classifier::gradient`.

mod common;

use common::classifier;
use lossland::data::Dataset;
use lossland::landscape::{axis, Landscape};
use lossland::loss::{Classifier, Hyper, LossKind};
use lossland::numgrad::{numerical_gradient, numerical_gradient_plain, BumpCache};
use lossland::optim::{Config, Method, Optimizer};
use lossland::rng::Rng;
use ndarray::Array2;
use std::rc::Rc;

/// The loss at W0 + a·W1 + b·W2 by full recomputation.
fn direct(c: &mut Classifier, l: &Landscape, a: f64, b: f64) -> f64 {
    let w: Array2<f64> = &l.w[0] + &(&l.w[1] * a) + &(&l.w[2] * b);
    let old = c.w.clone();
    c.w.assign(&w);
    let v = c.loss();
    c.w.assign(&old);
    v
}

fn assert_close(v: f64, want: f64, what: &str) {
    assert!(v.is_finite(), "{what}: {v} not finite (want {want})");
    assert!((v - want).abs() <= 1e-9 * want.abs().max(1e-300), "{what}: {v} vs {want} (rel {:e})", (v - want).abs() / want.abs());
}

/// Plane and line against the direct loss at every grid point (or every `stride`-th point).
fn check_plane(c: &mut Classifier, l: &Landscape, span: f64, size: usize, stride: usize) {
    let plane = l.plane(span, size);
    let ax = axis(span, size);
    for r in (0..size).step_by(stride) {
        for k in (0..size).step_by(stride) {
            let want = direct(c, l, ax[k], ax[r]);
            assert_close(plane[r * size + k], want, &format!("{:?} plane({span},{size}) at ({k},{r})", c.hyper.kind));
        }
    }
    // plane_rows chunks agree with the whole plane bit for bit
    let mid = l.plane_rows(span, size, size / 3..size / 3 + 2);
    assert_eq!(&mid[..], &plane[(size / 3) * size..(size / 3 + 2) * size]);
    let line = l.line(span, size);
    for k in (0..size).step_by(stride) {
        assert_close(line[k], direct(c, l, ax[k], 0.0), "line");
    }
}

#[test]
fn digits_planes_equal_direct_evaluation() {
    for kind in [LossKind::Svm, LossKind::Softmax] {
        for (seed, scale, reg, span) in [(1, 0.001, 0.0, 1.0), (2, 0.05, 0.0, 3.0), (3, 0.5, 0.1, 2.0)] {
            let mut c = classifier(Dataset::digits(), kind, reg, seed, scale);
            let l = Landscape::new(&c, seed + 10, seed == 2);
            check_plane(&mut c, &l, span, 33, 4);
        }
    }
}

#[test]
fn full_size_plane_equals_per_point_evaluation_from_cached_scores() {
    // 128 × 128 on the digits, every point, against the O(N·C)-per-point evaluation.
    for kind in [LossKind::Svm, LossKind::Softmax] {
        let c = classifier(Dataset::digits(), kind, 0.0, 7, 0.01);
        let l = Landscape::new(&c, 8, false);
        let fast = l.plane(1.0, 128);
        let slow = l.plane_direct(1.0, 128);
        for (i, (v, w)) in fast.iter().zip(slow.iter()).enumerate() {
            assert_close(*v, *w, &format!("{kind:?} point {i}"));
        }
    }
}

/// Integer features, integer W0, W1, W2 and integer grid values: every margin is an exact
/// integer, so many hinges sit exactly at 0 on grid points (on their breakpoints).
fn integer_case(seed: u64, kind: LossKind) -> (Classifier, Landscape) {
    let (n, d, classes) = (60, 3, 4);
    let mut rng = Rng::new(seed);
    let mut int = |lo: i64, hi: i64| lo + rng.below((hi - lo + 1) as usize) as i64;
    let f: Vec<f64> = (0..n * d).map(|_| int(-2, 2) as f64).collect();
    let y: Vec<usize> = (0..n).map(|_| int(0, classes as i64 - 1) as usize).collect();
    let data = Dataset::from_arrays(&f, &y, d, classes, "integers").unwrap();
    let mut c = Classifier::new(Rc::new(data), Hyper { kind, reg: 0.0, delta: 1.0 });
    let mut m = |_: ()| Array2::from_shape_fn((classes, d + 1), |_| int(-2, 2) as f64);
    let (w0, w1, w2) = (m(()), m(()), m(()));
    c.w.assign(&w0);
    let l = Landscape::with_directions(&c, w0, w1, w2);
    (c, l)
}

#[test]
fn svm_plane_is_exact_on_breakpoints() {
    let mut on_breakpoint = 0;
    for seed in 0..6 {
        let (mut c, l) = integer_case(seed, LossKind::Svm);
        // axis(3, 7) = −3, −2, …, 3 exactly; axis(3, 13) adds the halves (also exact)
        for size in [7, 13] {
            let ax = axis(3.0, size);
            assert!(ax.iter().all(|v| (v * 2.0).fract() == 0.0));
            check_plane(&mut c, &l, 3.0, size, 1);
        }
        // count the hinges whose margin is exactly 0 at a grid point
        let ax = axis(3.0, 7);
        for &b in &ax {
            for &a in &ax {
                let w: Array2<f64> = &l.w[0] + &(&l.w[1] * a) + &(&l.w[2] * b);
                let s = c.data.xa.dot(&w.t());
                for (i, row) in s.rows().into_iter().enumerate() {
                    let yi = c.data.y[i];
                    on_breakpoint += (0..row.len()).filter(|&j| j != yi && row[j] - row[yi] + 1.0 == 0.0).count();
                }
            }
        }
    }
    assert!(on_breakpoint > 500, "the case must put many hinges exactly on grid points: {on_breakpoint}");
}

#[test]
fn softmax_plane_is_overflow_safe_and_exact_with_huge_scores() {
    // scores in the hundreds and a wide span: exp would overflow without the shift, and the
    // row has to be cut into blocks (score spread across the row ≫ 300)
    for (scale, span) in [(5.0, 50.0), (0.1, 1000.0), (50.0, 1.0)] {
        let mut c = classifier(Dataset::spiral(20, 3, 1).unwrap(), LossKind::Softmax, 0.0, 4, scale);
        let l = Landscape::new(&c, 9, false);
        check_plane(&mut c, &l, span, 17, 1);
    }
    let (mut c, l) = integer_case(3, LossKind::Softmax);
    check_plane(&mut c, &l, 3.0, 13, 1);
}

#[test]
fn degenerate_grids_and_zero_directions() {
    // one point per side, and a zero direction (every hinge flat along the row)
    for kind in [LossKind::Svm, LossKind::Softmax] {
        let mut c = classifier(Dataset::spiral(10, 3, 2).unwrap(), kind, 0.01, 5, 1.0);
        let w0 = c.w.clone();
        let z = Array2::zeros(w0.dim());
        let l = Landscape::with_directions(&c, w0.clone(), z.clone(), w0.clone());
        check_plane(&mut c, &l, 1.5, 9, 1);
        let l = Landscape::new(&c, 1, false);
        let one = l.plane(1.0, 1);
        assert_close(one[0], direct(&mut c, &l, 0.0, 0.0), "1×1 plane");
        let two = l.line(1.0, 2);
        assert_close(two[1], direct(&mut c, &l, 1.0, 0.0), "2-point line");
    }
}

fn check_numgrad(c: &mut Classifier, centered: bool) -> usize {
    let h = 1e-5;
    let (fast, kinks) = numerical_gradient(c, h, centered);
    let plain = numerical_gradient_plain(c, h, centered);
    for (i, (f, p)) in fast.iter().zip(plain.iter()).enumerate() {
        assert!((f - p).abs() <= 1e-6 * p.abs().max(1.0), "coordinate {i}: fast {f} vs plain {p}");
    }
    kinks.iter().filter(|&&k| k).count()
}

#[test]
fn numerical_gradient_equals_plain_recomputation_on_digits() {
    for kind in [LossKind::Svm, LossKind::Softmax] {
        for (seed, scale, reg) in [(1, 0.001, 0.0), (2, 0.1, 0.05)] {
            let mut c = classifier(Dataset::digits(), kind, reg, seed, scale);
            for centered in [false, true] {
                check_numgrad(&mut c, centered);
            }
        }
    }
}

#[test]
fn numerical_gradient_equals_plain_recomputation_across_kinks() {
    // integer case: margins exactly 0 at W, so bumps switch hinges on (forward) or
    // straddle them (centered)
    let mut kinked = 0;
    for seed in 0..4 {
        let (mut c, _) = integer_case(seed, LossKind::Svm);
        for centered in [false, true] {
            kinked += check_numgrad(&mut c, centered);
        }
    }
    assert!(kinked > 10, "the case must cross kinks: {kinked}");
}

/// Hinge states (margin > 0) of every (i, l ≠ y_i), from scores recomputed from scratch.
fn hinge_states(c: &Classifier) -> Vec<bool> {
    let s = c.data.xa.dot(&c.w.t());
    let mut out = Vec::new();
    for (i, row) in s.rows().into_iter().enumerate() {
        let yi = c.data.y[i];
        for l in 0..row.len() {
            if l != yi {
                out.push(row[l] - row[yi] + c.hyper.delta > 0.0);
            }
        }
    }
    out
}

/// The SVM's linearised bump (after `prepare`) against the column pass (without), and its kink
/// flags against hinge states recomputed from scratch at W and W + d·e_jk. Returns how many
/// (coordinate, d) pairs crossed a kink.
fn check_linearised(c: &mut Classifier, h: f64) -> usize {
    let plain = BumpCache::new(c);
    let mut fast = BumpCache::new(c);
    fast.prepare(2.0 * h);
    let at_w = hinge_states(c);
    let mut crossed = 0;
    for j in 0..c.rows() {
        for k in 0..c.cols() {
            let old = c.w[[j, k]];
            for d in [h, -h, 0.37 * h] {
                let (fp, kp) = plain.loss_bumped_kink(j, k, old, d);
                let (ff, kf) = fast.loss_bumped_kink(j, k, old, d);
                assert!((ff - fp).abs() <= 1e-13 * fp.abs().max(1.0), "({j},{k}) d={d:e}: linearised {ff} vs column pass {fp}");
                c.w[[j, k]] = old + d;
                let switched = hinge_states(c) != at_w;
                c.w[[j, k]] = old;
                assert_eq!(kf, switched, "({j},{k}) d={d:e}: kink flag {kf}, hinge states switched: {switched}");
                assert_eq!(kp, kf, "({j},{k}) d={d:e}: column pass and linearised kink flags");
                assert_eq!(plain.kink(c, j, k, -d, d), fast.kink(c, j, k, -d, d), "({j},{k}) ±{d:e}: straddle flags");
                crossed += kf as usize;
            }
        }
    }
    crossed
}

#[test]
fn svm_linearised_bump_equals_column_pass_and_recomputed_hinges() {
    let h = 1e-5;
    let mut crossed = 0;
    for seed in 0..4 {
        // margins exactly 0 (integers) ...
        let (mut c, _) = integer_case(seed, LossKind::Svm);
        crossed += check_linearised(&mut c, h);
        // ... and a fraction of h away from 0: the bias column moves every margin of a class
        for j in 0..c.rows() {
            let b = c.cols() - 1;
            c.w[[j, b]] += [0.3, -0.6, 0.9, -0.2][j % 4] * h;
        }
        crossed += check_linearised(&mut c, h);
        for centered in [false, true] {
            check_numgrad(&mut c, centered);
        }
    }
    assert!(crossed > 50, "the cases must cross kinks: {crossed}");
    // digits near a trained W (some margins close to 0) and with reg
    let mut c = classifier(Dataset::digits(), LossKind::Svm, 0.01, 5, 0.01);
    let mut opt = Optimizer::new(&c, Config { method: Method::Gd, step_size: 0.5, batch_size: 1, scale: 1.0, seed: 0 });
    for _ in 0..30 {
        opt.step(&mut c);
    }
    check_linearised(&mut c, h);
    for centered in [false, true] {
        check_numgrad(&mut c, centered);
    }
}

#[test]
fn large_weights_take_the_column_pass_and_agree() {
    // |w| ≫ h: fl(w + h) − w is far from h, beyond the prepared reach
    let mut c = classifier(Dataset::toy(1), LossKind::Svm, 0.0, 1, 1.0);
    c.w.mapv_inplace(|v| v * 1e12);
    let (fast, _) = numerical_gradient(&mut c, 1e-5, false);
    let plain = numerical_gradient_plain(&mut c, 1e-5, false);
    for (f, p) in fast.iter().zip(plain.iter()) {
        assert!((f - p).abs() <= 1e-6 * p.abs().max(1.0), "{f} vs {p}");
    }
}

#[test]
fn gradient_descent_steps_equal_the_plain_update() {
    for kind in [LossKind::Svm, LossKind::Softmax] {
        let mut c = classifier(Dataset::digits(), kind, 0.01, 3, 0.01);
        let mut plain = c.clone();
        let cfg = Config { method: Method::Gd, step_size: 0.05, batch_size: 1, scale: 1.0, seed: 0 };
        let mut o = Optimizer::new(&c, cfg);
        for it in 0..30 {
            let rec = o.step(&mut c);
            let g = plain.gradient();
            plain.w.scaled_add(-0.05, &g);
            let want = plain.loss();
            assert!((rec.loss - want).abs() <= 1e-9 * want, "{kind:?} step {it}: {} vs {want}", rec.loss);
            for (a, b) in c.w.iter().zip(plain.w.iter()) {
                assert!((a - b).abs() <= 1e-9 * b.abs().max(1e-3), "{kind:?} step {it}: W {a} vs {b}");
            }
        }
    }
}
