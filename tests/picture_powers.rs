//! The softmax picture's tables of powers ρ_j^m (`Landscape::picture_rows`, colour only): a class
//! rising along a rectangle's rows has its powers anchored at the rectangle's right column, so the
//! entry there is 1 and the others fall to the left. Here a class rises by 1000 across the grid
//! (so ρ^−63 = e^{−1000} is below f64's range) and only ties the leader at the right edge: its
//! terms must still be there where it matters. (A table built as ρ^−63·ρ^m from the left had
//! every entry 0 here: the class was lost where it ties, off by ln 2 / 2 at the right edge.)

use lossland::data::Dataset;
use lossland::landscape::{axis, Landscape};
use lossland::loss::{Classifier, Hyper, LossKind};
use ndarray::Array2;
use std::rc::Rc;

fn range(v: &[f64]) -> f64 {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    hi - lo
}

/// ln(Σ_j e^{s_j}) with the largest exponent taken out, in f64.
fn log_sum_exp(s: &[f64]) -> f64 {
    let m = s.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    m + s.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

#[test]
fn a_class_rising_by_1000_across_the_grid_is_kept_where_it_ties() {
    // two examples, both label 0, three classes; columns of W: x1, x2, bias. k = 1000 / 6.
    //   A: x = (1, 0): s = (0, k·(a − 3), −1000): class 1 rises by 1000 over a ∈ [−3, 3] and
    //      ties class 0 at a = 3; L_A = ln(1 + e^{k(a − 3)} + e^{−1000}), from 0 to ln 2.
    //   B: x = (0, 1): s = (0, −3k, 5b): L_B = ln(1 + e^{−500} + e^{5b}), a range of ≈ 15 (so the
    //      picture is not flat and is drawn in f32, not by the f64 fallback).
    let k = 1000.0 / 6.0;
    let data = Dataset::from_arrays(&[1.0, 0.0, 0.0, 1.0], &[0, 0], 2, 3, "hand").expect("valid");
    let mut clf = Classifier::new(Rc::new(data), Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
    let w0 = Array2::from_shape_vec((3, 3), vec![0.0, 0.0, 0.0, 0.0, 0.0, -3.0 * k, -1000.0, 0.0, 0.0]).unwrap();
    clf.set_weights(w0.as_slice().unwrap()).unwrap();
    let w1 = Array2::from_shape_vec((3, 3), vec![0.0, 0.0, 0.0, k, 0.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
    let w2 = Array2::from_shape_vec((3, 3), vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 0.0]).unwrap();
    let l = Landscape::with_directions(&clf, w0, w1, w2);
    for size in [64, 37] {
        let ax = axis(3.0, size);
        let mut want = Vec::new();
        for &b in &ax {
            for &a in &ax {
                let la = log_sum_exp(&[0.0, k * (a - 3.0), -1000.0]);
                let lb = log_sum_exp(&[0.0, -3.0 * k, 5.0 * b]);
                want.push((la + lb) / 2.0);
            }
        }
        let pic = l.picture_rows(3.0, size, 0..size);
        let r = range(&want);
        for (p, (got, w)) in pic.iter().zip(&want).enumerate() {
            assert!((got - w).abs() <= 0.3e-4 * r, "size {size}, row {}, column {}: {got} against {w} (range {r})", p / size, p % size);
        }
        // at the right edge class 1 ties class 0: L_A = ln 2 there
        assert!((want[size - 1] - (2f64.ln() + log_sum_exp(&[0.0, -500.0, -15.0])) / 2.0).abs() < 1e-12);
        assert_eq!(l.picture_rows(3.0, size, 7..12), pic[7 * size..12 * size], "rows apart, size {size}");
    }
}
