//! The softmax picture's gap (`Landscape::picture_rows`, colour only): a class is left out of a
//! rectangle where another stays more than γ above it at every point, γ ≤ 17 chosen from a lower
//! bound on the grid's range so that the classes left out cost at most three quarters of the 1e-3
//! of the range the colour may be off (a quarter of one of the heat map's 255 colour steps).
//!
//! * a hand-made case where two classes move together, one 30 below the other (the pairwise
//!   test leaves it out everywhere, comparing the two scores' ends would not), against the loss
//!   worked by hand;
//! * the digits and a seeded CSV over a drag (spans 3 … 8), against the f64 plane: within the
//!   three quarters of 1e-3 of the range given to the classes left out, plus f32 rounding.

mod common;

use common::classifier;
use lossland::data::Dataset;
use lossland::landscape::{axis, Landscape};
use lossland::loss::{Classifier, Hyper, LossKind};
use ndarray::Array2;
use std::rc::Rc;

fn range(v: &[f64]) -> f64 {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    hi - lo
}

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

#[test]
fn a_class_moving_with_another_30_below_it_is_left_out_and_the_picture_holds() {
    // one example x = 1 (label 0), three classes; columns of W: x, bias. Scores along the plane:
    // s0 = 10a, s1 = 10a − 30 (always 30 below s0), s2 = 5b, so
    // L(a, b) = ln(e^{10a} + e^{10a − 30} + e^{5b}) − 10a.
    let data = Dataset::from_arrays(&[1.0], &[0], 1, 3, "hand").expect("valid");
    let mut clf = Classifier::new(Rc::new(data), Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
    let w0 = Array2::from_shape_vec((3, 2), vec![0.0, 0.0, 0.0, -30.0, 0.0, 0.0]).unwrap();
    clf.set_weights(w0.as_slice().unwrap()).unwrap();
    let w1 = Array2::from_shape_vec((3, 2), vec![10.0, 0.0, 10.0, 0.0, 0.0, 0.0]).unwrap();
    let w2 = Array2::from_shape_vec((3, 2), vec![0.0, 0.0, 0.0, 0.0, 5.0, 0.0]).unwrap();
    let l = Landscape::with_directions(&clf, w0, w1, w2);
    for (span, size) in [(3.0, 64), (3.0, 37), (0.8, 64)] {
        let ax = axis(span, size);
        let mut want = Vec::new();
        for &b in &ax {
            for &a in &ax {
                // the largest of the three exponents taken out by hand: max(10a, 5b)
                let m = f64::max(10.0 * a, 5.0 * b);
                want.push(m + ((10.0 * a - m).exp() + (10.0 * a - 30.0 - m).exp() + (5.0 * b - m).exp()).ln() - 10.0 * a);
            }
        }
        let pic = l.picture_rows(span, size, 0..size);
        let (err, r) = (max_diff(&pic, &want), range(&want));
        assert!(err <= 0.8e-3 * r, "span {span}, size {size}: off by {err:e}, range {r:e}");
        // rows apart are the whole picture
        assert_eq!(l.picture_rows(span, size, 5..9), pic[5 * size..9 * size], "span {span}, size {size}");
    }
}

#[test]
fn the_gap_follows_the_range_classes_just_above_it_left_out_just_below_kept() {
    // one example x = 1 (label 0), C = 10 classes; columns of W: x, bias. Along the plane
    // s0 = 10a, classes 1–2 at s0 − (γ + 0.05), classes 3–8 at s0 − (γ − 1) (each moving with
    // class 0), s9 = 5b. γ by hand, as documented: ℓ(P) = max_j s_j − s_0 at the corners and the
    // centre of the 64² grid over [−3, 3]² is 15, 0, 45, 0 and 0 (s0 leads at the centre:
    // a = b = 3/63), so R = 45 − 0 − ln 10 ≈ 42.697 and γ = ln(10 / (0.75·1e-3·R)) = ln(312.3) ≈ 5.744
    // (the f32 roundings' twice (2·10 + 4 + 8)·2⁻²³ ≈ 7.6e-6 leave more than ¾ of 1e-3·R ≈ 0.043).
    let gap = (10.0 / (0.75e-3 * (45.0 - 10f64.ln()))).ln();
    assert!((gap - 5.7440).abs() < 1e-3, "γ worked by hand: {gap}");
    let offs: Vec<f64> = (0..10).map(|j| match j {
        1 | 2 => gap + 0.05,
        3..=8 => gap - 1.0,
        _ => 0.0,
    }).collect();
    let data = Dataset::from_arrays(&[1.0], &[0], 1, 10, "hand").expect("valid");
    let mut w0 = Array2::zeros((10, 2));
    let mut w1 = Array2::zeros((10, 2));
    let mut w2 = Array2::zeros((10, 2));
    for j in 0..9 {
        w0[[j, 1]] = -offs[j];
        w1[[j, 0]] = 10.0;
    }
    w2[[9, 0]] = 5.0;
    let mut clf = Classifier::new(Rc::new(data), Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
    clf.set_weights(w0.as_slice().unwrap()).unwrap();
    let l = Landscape::with_directions(&clf, w0, w1, w2);
    let ax = axis(3.0, 64);
    let mut want = Vec::new();
    for &b in &ax {
        for &a in &ax {
            // L = ln(e^{10a}·(1 + Σ_{j=1..8} e^{−off_j}) + e^{5b}) − 10a, the larger of 10a, 5b taken out
            let m = f64::max(10.0 * a, 5.0 * b);
            let tied: f64 = offs[..9].iter().map(|o| (-o).exp()).sum();
            want.push(m + ((10.0 * a - m).exp() * tied + (5.0 * b - m).exp()).ln() - 10.0 * a);
        }
    }
    let pic = l.picture_rows(3.0, 64, 0..64);
    let (err, r) = (max_diff(&pic, &want), range(&want));
    // classes 1–2 left out where s0 leads: L short by ≈ 2·e^{−γ−0.05} ≈ 6.1e-3 ≈ 1.4e-4 of the
    // range; classes 3–8 left out as well (a gap below γ − 1) would add ≈ 6·e^{−γ+1} ≈ 5.2e-2,
    // ≈ 1.2e-3 of it
    assert!(err <= 0.8e-3 * r, "off by {err:e}, range {r:e} ({:e} of it)", err / r);
    assert!(err >= 1e-6 * r, "classes 1–2 (γ + 0.05 below class 0) seem kept: off by only {err:e}");
}

#[test]
fn over_a_drag_the_picture_is_within_0_8e_3_of_the_range() {
    // a CSV ≈ N(0, 1) features (a sum of three uniforms), 10 classes, seeded here
    let (n, d) = (1200, 40);
    let mut s = 12345u32;
    let mut u = move || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        s as f64 / 4_294_967_296.0
    };
    let x: Vec<f64> = (0..n * d).map(|_| (u() + u() + u() - 1.5) * 2.0).collect();
    let y: Vec<usize> = (0..n).map(|_| (u() * 10.0) as usize).collect();
    let csv = Dataset::from_arrays(&x, &y, d, 10, "seeded").expect("valid");
    for (name, data) in [("digits", Dataset::digits()), ("CSV", csv)] {
        // the page's defaults: W = 0.01·N(0, 1), directions N(0, 1)
        let l = Landscape::new(&classifier(data, LossKind::Softmax, 0.0, 1, 0.01), 2, false);
        for span in [3.0, 4.5, 6.0, 8.0] {
            let plane = l.plane(span, 64);
            let pic = l.picture_rows(span, 64, 0..64);
            let (err, r) = (max_diff(&pic, &plane), range(&plane));
            assert!(err <= 0.8e-3 * r, "{name} at span {span}: off by {err:e}, range {r:e} ({:e} of it)", err / r);
        }
    }
}
