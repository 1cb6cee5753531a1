//! The full-batch products and gradient descent built on them, against plain f64 loops
//! written here (no code of the crate's products is used for the expected values):
//!
//! * S = Xa·Wᵀ and G = Xaᵀ·dS in both layouts (zeros left out, dense) on seeded data with and
//!   without zeros, all-zero rows and columns, one class, N = 1, and class counts with and
//!   without a fixed-size kernel;
//! * `add_row` (the incremental update) against the change of the plain sum;
//! * when sums are exact, and the layout chosen by density;
//! * gradient descent through the optimizer against W ← W − η·dW with dW from a plain loop,
//!   within 1e-12, for the SVM (the incremental G on the digits, the full one on other data)
//!   and softmax, through changes of settings and of W from outside.

mod common;

use common::{classifier, small_digits};
use lossland::data::Dataset;
use lossland::design::Design;
use lossland::loss::{Classifier, Hyper, LossKind};
use lossland::optim::{Config, Method, Optimizer};
use lossland::rng::Rng;
use std::rc::Rc;

/// A seeded N × D data set; each feature is 0 with probability `zeros`, else N(0, 1) (or a
/// small integer / 16 when `dyadic`).
fn seeded(n: usize, d: usize, classes: usize, zeros: f64, dyadic: bool, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut f = vec![0.0; n * d];
    let u: Vec<f64> = (0..n * d).map(|_| rng.uniform()).collect();
    rng.fill_normal(&mut f, 1.0);
    for (v, &p) in f.iter_mut().zip(&u) {
        if p < zeros {
            *v = 0.0;
        } else if dyadic {
            *v = (v.abs() * 8.0).floor().clamp(1.0, 16.0) / 16.0;
        }
    }
    let y: Vec<usize> = (0..n).map(|_| rng.below(classes)).collect();
    Dataset::from_arrays(&f, &y, d, classes, "seeded").unwrap()
}

/// Xa (with its bias column) as plain rows.
fn rows_of(d: &Dataset) -> Vec<Vec<f64>> {
    d.xa.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// S_ij = Σ_k x_ik·W_jk, a plain triple loop (W is C × (D + 1)).
fn plain_scores(x: &[Vec<f64>], w: &[Vec<f64>]) -> Vec<Vec<f64>> {
    x.iter().map(|xi| w.iter().map(|wj| xi.iter().zip(wj).map(|(a, b)| a * b).sum()).collect()).collect()
}

/// G_kj = Σ_i x_ik·dS_ij, a plain triple loop.
fn plain_gradient(x: &[Vec<f64>], ds: &[Vec<f64>], c: usize) -> Vec<Vec<f64>> {
    let d1 = x[0].len();
    let mut g = vec![vec![0.0; c]; d1];
    for (xi, di) in x.iter().zip(ds) {
        for k in 0..d1 {
            for j in 0..c {
                g[k][j] += xi[k] * di[j];
            }
        }
    }
    g
}

fn random_matrix(rows: usize, cols: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Rng::new(seed);
    (0..rows)
        .map(|_| {
            let mut r = vec![0.0; cols];
            rng.fill_normal(&mut r, 1.0);
            r
        })
        .collect()
}

fn max_rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300).max(1.0)
}

/// Both products, both layouts, against the plain loops; returns the largest relative difference.
fn check_products(data: &Dataset, c: usize, seed: u64) -> f64 {
    let data = Rc::new(data.clone());
    let x = rows_of(&data);
    let (n, d1) = (x.len(), x[0].len());
    let w = random_matrix(c, d1, seed);
    let ds = random_matrix(n, c, seed + 1);
    let want_s = plain_scores(&x, &w);
    let want_g = plain_gradient(&x, &ds, c);
    let mut worst: f64 = 0.0;
    for sparse in [true, false] {
        let design = Design::with_layout(data.clone(), sparse);
        assert_eq!(design.is_sparse(), sparse);
        let mut wt = vec![0.0; d1 * c];
        for j in 0..c {
            for k in 0..d1 {
                wt[k * c + j] = w[j][k];
            }
        }
        let mut s = vec![f64::NAN; n * c];
        design.scores(&wt, c, &mut s);
        let flat_ds: Vec<f64> = ds.iter().flatten().copied().collect();
        let mut g = vec![f64::NAN; d1 * c];
        design.gradient(&flat_ds, c, &mut g);
        for i in 0..n {
            for j in 0..c {
                let e = max_rel(s[i * c + j], want_s[i][j]);
                assert!(e <= 1e-13, "sparse={sparse} C={c} S[{i},{j}] = {} vs {}", s[i * c + j], want_s[i][j]);
                worst = worst.max(e);
            }
        }
        for k in 0..d1 {
            for j in 0..c {
                let e = max_rel(g[k * c + j], want_g[k][j]);
                assert!(e <= 1e-12, "sparse={sparse} C={c} G[{k},{j}] = {} vs {}", g[k * c + j], want_g[k][j]);
                worst = worst.max(e);
            }
        }
        // add_row: G + x_i ⊗ d equals the plain sum with row i's dS_i replaced by dS_i + d
        let i = n / 2;
        let d: Vec<f64> = (0..c).map(|j| j as f64 - 1.5).collect();
        let mut ds2 = ds.clone();
        for j in 0..c {
            ds2[i][j] += d[j];
        }
        let want2 = plain_gradient(&x, &ds2, c);
        design.add_row(i, &d, &mut g);
        for k in 0..d1 {
            for j in 0..c {
                assert!(max_rel(g[k * c + j], want2[k][j]) <= 1e-12, "add_row: G[{k},{j}] = {} vs {}", g[k * c + j], want2[k][j]);
            }
        }
    }
    worst
}

#[test]
fn products_equal_plain_loops_with_and_without_zeros() {
    for (zeros, seed) in [(0.0, 1), (0.5, 2), (0.9, 3)] {
        for c in [2, 3, 7, 10, 11] {
            check_products(&seeded(37, 9, c.max(2), zeros, false, seed), c, seed * 10 + c as u64);
        }
    }
    for c in [1, 4, 10] {
        check_products(&Dataset::digits(), c, 40 + c as u64);
    }
    // few distinct values (k/16): the score product by a table of products
    for c in [2, 3, 10, 11] {
        let data = seeded(400, 9, c, 0.5, true, 90 + c as u64);
        assert!(Design::with_layout(Rc::new(data.clone()), true).uses_products());
        check_products(&data, c, 95 + c as u64);
    }
}

/// S by the table of products and by a multiply per nonzero, bit for bit.
fn scores_by_table_and_by_multiplies(data: &Rc<Dataset>, c: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut design = Design::with_layout(data.clone(), true);
    assert!(design.uses_products(), "{}: the table is expected here", data.name);
    let d1 = design.cols();
    let wt: Vec<f64> = random_matrix(d1, c, seed).into_iter().flatten().collect();
    let mut by_table = vec![f64::NAN; design.rows() * c];
    design.scores(&wt, c, &mut by_table);
    design.set_products(false);
    assert!(!design.uses_products());
    let mut by_mul = vec![f64::NAN; design.rows() * c];
    design.scores(&wt, c, &mut by_mul);
    (by_table, by_mul)
}

#[test]
fn score_table_gives_the_multiplies_bits_and_is_chosen_for_few_distinct_values() {
    let digits = Rc::new(Dataset::digits());
    assert!(Design::new(digits.clone()).uses_products(), "the digits: 827 (column, value) pairs for 60,533 nonzeros");
    let dyadic = Rc::new(seeded(400, 9, 3, 0.5, true, 3));
    for (data, c) in [(&digits, 10), (&digits, 1), (&digits, 3), (&digits, 12), (&dyadic, 3), (&dyadic, 10)] {
        let (t, m) = scores_by_table_and_by_multiplies(data, c, 7 + c as u64);
        for (i, (a, b)) in t.iter().zip(&m).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "{} C={c} S[{}] by table {a} vs by multiplies {b}", data.name, i);
        }
    }
    // N(0, 1) values: every nonzero its own pair, no table
    let normal = Design::with_layout(Rc::new(seeded(400, 9, 3, 0.5, false, 3)), true);
    assert!(!normal.uses_products());
    // few rows: the same values but fewer than 8 nonzeros a pair, no table
    let few = Design::with_layout(Rc::new(seeded(20, 9, 3, 0.5, true, 3)), true);
    assert!(!few.uses_products());
    // the dense layout has none
    assert!(!Design::with_layout(digits, false).uses_products());
}

#[test]
fn products_handle_zero_rows_and_columns_one_class_and_one_example() {
    // every feature of row 1 and every example's feature 2 is 0 (the bias column stays 1)
    let mut f = seeded(6, 4, 3, 0.3, false, 5).features();
    for k in 0..4 {
        f[4 + k] = 0.0;
    }
    for i in 0..6 {
        f[i * 4 + 2] = 0.0;
    }
    let y = [0, 1, 2, 0, 1, 2];
    let data = Dataset::from_arrays(&f, &y, 4, 3, "holes").unwrap();
    for c in [1, 2, 3, 5, 10] {
        check_products(&data, c, 60 + c as u64);
    }
    // all features zero: only the bias column is left
    let zero = Dataset::from_arrays(&[0.0; 12], &[0, 1, 0, 1, 0, 1], 2, 2, "zero").unwrap();
    for c in [1, 2, 10] {
        check_products(&zero, c, 70);
    }
    // N = 1
    let one = Dataset::from_arrays(&[0.5, 0.0, -2.0], &[1], 3, 2, "one").unwrap();
    for c in [1, 2, 3, 10, 13] {
        check_products(&one, c, 80);
    }
}

#[test]
fn layout_follows_the_measured_density_and_exact_sums_the_values() {
    let digits = Design::new(Rc::new(Dataset::digits()));
    assert!((digits.density() - 0.518).abs() < 0.01, "digits density {}", digits.density());
    assert!(digits.is_sparse(), "the digits are half blank");
    assert!(digits.exact_sums(), "pixel/16 sums are exact");
    let dense = Design::new(Rc::new(seeded(50, 6, 3, 0.0, false, 9)));
    assert!(!dense.is_sparse() && dense.density() == 1.0);
    assert!(!dense.exact_sums(), "N(0, 1) values are not on a common grid");
    assert!(Design::new(Rc::new(seeded(50, 6, 3, 0.0, true, 9))).exact_sums());
    // tenths are not dyadic
    let tenths = Dataset::from_arrays(&[0.1, 0.2, 0.3, 0.4], &[0, 1], 2, 2, "tenths").unwrap();
    assert!(!Design::new(Rc::new(tenths)).exact_sums());
    // integers too large for exact sums: (N + 2)·2(C − 1)·max|x| = 4·2·2^51 > 2^53
    let big = Dataset::from_arrays(&[2f64.powi(51), 1.0], &[0, 1], 1, 2, "big").unwrap();
    assert!(!Design::new(Rc::new(big)).exact_sums());
    let fits = Dataset::from_arrays(&[2f64.powi(45), 1.0], &[0, 1], 1, 2, "fits").unwrap();
    assert!(Design::new(Rc::new(fits)).exact_sums());
}

/// The loss's dW at W by plain loops (SVM or softmax), C × (D + 1).
fn plain_dw(x: &[Vec<f64>], y: &[usize], w: &[Vec<f64>], h: &Hyper) -> Vec<Vec<f64>> {
    let (n, c) = (x.len(), w.len());
    let s = plain_scores(x, w);
    let mut ds = vec![vec![0.0; c]; n];
    for i in 0..n {
        let yi = y[i];
        match h.kind {
            LossKind::Svm => {
                // dS_ij = 1(s_j − s_{y_i} + Δ > 0), j ≠ y_i; dS_{i,y_i} = −Σ of those
                for j in 0..c {
                    if j != yi && s[i][j] - s[i][yi] + h.delta > 0.0 {
                        ds[i][j] = 1.0;
                        ds[i][yi] -= 1.0;
                    }
                }
            }
            LossKind::Softmax => {
                let m = s[i].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = s[i].iter().map(|v| (v - m).exp()).sum();
                for j in 0..c {
                    ds[i][j] = (s[i][j] - m).exp() / z - if j == yi { 1.0 } else { 0.0 };
                }
            }
        }
    }
    let g = plain_gradient(x, &ds, c);
    (0..c).map(|j| (0..x[0].len()).map(|k| g[k][j] / n as f64 + 2.0 * h.reg * w[j][k]).collect()).collect()
}

fn w_rows(c: &Classifier) -> Vec<Vec<f64>> {
    c.w.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// `steps` GD steps through the optimizer (alternating full steps and steps without the full
/// loss) against the plain update; returns the largest |W − W_plain|.
fn check_descent(c: &mut Classifier, o: &mut Optimizer, plain: &mut [Vec<f64>], eta: f64, steps: usize) -> f64 {
    let x = rows_of(&c.data);
    let y = c.data.y.clone();
    let mut worst: f64 = 0.0;
    for t in 0..steps {
        let dw = plain_dw(&x, &y, plain, &c.hyper);
        for (wr, dr) in plain.iter_mut().zip(&dw) {
            for (w, d) in wr.iter_mut().zip(dr) {
                *w -= eta * d;
            }
        }
        let r = if t % 3 == 2 { o.step_without_full_loss(c) } else { o.step(c) };
        assert!(!r.diverged && r.accepted);
        for (a, b) in c.w.iter().zip(plain.iter().flatten()) {
            worst = worst.max((a - b).abs());
        }
        assert!(worst <= 1e-12, "{:?} step {t}: max |W − W_plain| = {worst:e}", c.hyper.kind);
    }
    worst
}

#[test]
fn gradient_descent_equals_the_plain_update_within_1e_12() {
    let cases: Vec<(&str, Dataset, f64)> = vec![
        // the digits: zeros left out, exact sums (G kept up to date row by row)
        ("digits", small_digits(300), 0.05),
        // dense N(0, 1) data: dense layout, G summed afresh when dS changed
        ("dense", seeded(120, 12, 4, 0.0, false, 11), 0.02),
        // sparse but not dyadic: zeros left out, G summed afresh
        ("sparse", seeded(150, 20, 5, 0.7, false, 12), 0.02),
        // sparse and dyadic with 7 classes (the runtime-C kernels), exact sums
        ("dyadic", seeded(140, 16, 7, 0.6, true, 13), 0.05),
    ];
    for (name, data, eta) in cases {
        for kind in [LossKind::Svm, LossKind::Softmax] {
            let mut c = classifier(data.clone(), kind, 0.001, 3, 0.01);
            let mut plain = w_rows(&c);
            let cfg = Config { method: Method::Gd, step_size: eta, batch_size: 1, scale: 1.0, seed: 0 };
            let mut o = Optimizer::new(&c, cfg);
            let worst = check_descent(&mut c, &mut o, &mut plain, eta, 60);
            eprintln!("{name} {kind:?}: max |W − W_plain| after 60 steps = {worst:e}");
        }
    }
}

#[test]
fn gradient_descent_stays_exact_through_outside_changes() {
    // settings and W changed between steps: the optimizer's kept dS and G must follow
    let mut c = classifier(small_digits(200), LossKind::Svm, 0.0, 4, 0.01);
    let eta = 0.05;
    let cfg = Config { method: Method::Gd, step_size: eta, batch_size: 1, scale: 1.0, seed: 0 };
    let mut o = Optimizer::new(&c, cfg);
    let mut plain = w_rows(&c);
    check_descent(&mut c, &mut o, &mut plain, eta, 25);
    // Δ changes: the hinge pattern changes in many rows at once
    c.hyper.delta = 3.0;
    c.version += 1;
    check_descent(&mut c, &mut o, &mut plain, eta, 10);
    // to softmax and back: dS is no longer an integer pattern
    c.hyper.kind = LossKind::Softmax;
    c.version += 1;
    check_descent(&mut c, &mut o, &mut plain, eta, 5);
    c.hyper.kind = LossKind::Svm;
    c.version += 1;
    check_descent(&mut c, &mut o, &mut plain, eta, 10);
    // W replaced from outside
    c.randomize(77, 0.02);
    plain = w_rows(&c);
    check_descent(&mut c, &mut o, &mut plain, eta, 10);
    // W changed in place without a version bump: the pass is keyed by W's bits, not the version
    c.w[[2, 10]] += 0.5;
    plain[2][10] += 0.5;
    check_descent(&mut c, &mut o, &mut plain, eta, 10);
    // a step size change goes on from the current W
    o.set_step_size(0.01);
    check_descent(&mut c, &mut o, &mut plain, 0.01, 10);
}

#[test]
fn gradient_descent_reports_the_loss_of_a_plain_evaluation() {
    // the record's loss after a step against the loss evaluated by plain loops at that W
    let mut c = classifier(small_digits(250), LossKind::Svm, 0.01, 6, 0.01);
    let x = rows_of(&c.data);
    let y = c.data.y.clone();
    let cfg = Config { method: Method::Gd, step_size: 0.1, batch_size: 1, scale: 1.0, seed: 0 };
    let mut o = Optimizer::new(&c, cfg);
    for _ in 0..40 {
        let r = o.step(&mut c);
        let w = w_rows(&c);
        let s = plain_scores(&x, &w);
        let mut sum = 0.0;
        let mut correct = 0;
        for i in 0..x.len() {
            for j in 0..w.len() {
                if j != y[i] {
                    sum += (s[i][j] - s[i][y[i]] + 1.0).max(0.0);
                }
            }
            let best = (0..w.len()).fold(0, |b, j| if s[i][j] > s[i][b] { j } else { b });
            correct += usize::from(best == y[i]);
        }
        let reg: f64 = w.iter().flatten().map(|v| v * v).sum::<f64>() * 0.01;
        let want = sum / x.len() as f64 + reg;
        assert!((r.loss - want).abs() <= 1e-12 * want, "loss {} vs {want}", r.loss);
        assert_eq!(r.accuracy, correct as f64 / x.len() as f64);
    }
}

#[test]
fn the_classifiers_loss_and_gradient_by_the_design_equal_the_dense_rows_bit_for_bit() {
    use lossland::loss::{evaluate, loss_grad, Workspace};
    use ndarray::Array2;
    // the digits (table of products), zeros with N(0, 1) values (rows without their zeros),
    // dense N(0, 1) data (rows as they are); C = 10, 3 and 5
    let sets = [Dataset::digits(), seeded(300, 9, 3, 0.6, false, 21), seeded(200, 7, 5, 0.0, false, 22), seeded(500, 8, 10, 0.5, true, 23)];
    for data in sets {
        for kind in [LossKind::Svm, LossKind::Softmax] {
            let mut c = classifier(data.clone(), kind, 0.01, 5, 0.05);
            let name = format!("{} {kind:?}", data.name);
            let by_design = c.evaluate();
            let dense = evaluate(&c.w, c.data.xa.view(), &c.data.y, &c.hyper, &mut Workspace::default());
            assert_eq!(by_design.loss.to_bits(), dense.loss.to_bits(), "{name}: loss {} vs {}", by_design.loss, dense.loss);
            assert_eq!(by_design.accuracy, dense.accuracy, "{name}: accuracy");
            let g = c.gradient();
            let mut want = Array2::zeros(c.w.dim());
            loss_grad(&c.w, c.data.xa.view(), &c.data.y, &c.hyper, &mut Workspace::default(), &mut want);
            assert!(g.iter().zip(want.iter()).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}: dW");
        }
    }
}

#[test]
fn classifiers_on_one_data_set_share_its_design_and_a_copy_gets_its_own() {
    let data = Rc::new(Dataset::digits());
    let a = Classifier::new(data.clone(), Hyper { kind: LossKind::Svm, reg: 0.0, delta: 1.0 });
    let b = Classifier::new(data.clone(), Hyper { kind: LossKind::Softmax, reg: 0.1, delta: 1.0 });
    let (da, db) = (a.design(), b.design());
    assert!(Rc::ptr_eq(&da, &db), "one arrangement for both");
    assert!(Rc::ptr_eq(&da.data, &data));
    // a copy of the data set is another data set: its own design, over its own rows
    let copy = Rc::new((*data).clone());
    let c = Classifier::new(copy.clone(), Hyper { kind: LossKind::Svm, reg: 0.0, delta: 1.0 });
    let dc = c.design();
    assert!(!Rc::ptr_eq(&dc, &da) && Rc::ptr_eq(&dc.data, &copy));
    // the data set holds it weakly: gone with the last classifier, then made again
    drop((a, b, da, db));
    let again = Classifier::new(data.clone(), Hyper { kind: LossKind::Svm, reg: 0.0, delta: 1.0 }).design();
    assert!(Rc::ptr_eq(&again.data, &data) && again.uses_products());
}
