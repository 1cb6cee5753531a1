//! What the page shows about one W, against hand-worked values: one example's terms (scores,
//! margins, active hinges, probabilities, ∂L_i/∂s), the mini-batch scatter, and the downhill
//! slice W1 = −dW with its orthogonal W2.

mod common;

use common::{classifier, hand};
use lossland::data::Dataset;
use lossland::inspect::{batch_gradient_scatter, example_terms};
use lossland::landscape::{dot, norm, orthogonal_direction, Landscape};
use lossland::loss::{Classifier, Hyper, LossKind};
use lossland::rng::Rng;
use ndarray::Array2;
use std::rc::Rc;

#[test]
fn example_terms_follow_the_lecture_formula() {
    // scores (0.2, 1.3, 0.0) with y = 0 (worked in src/loss.rs): both margins active,
    // margins 1.3 − 0.2 + 1 = 2.1 and 0 − 0.2 + 1 = 0.8, L_0 = 2.9
    let c = hand(LossKind::Svm);
    let t = example_terms(&c, 0);
    assert_eq!(t.kind, LossKind::Svm);
    assert_eq!(t.delta, 1.0);
    assert!((t.scores[1] - 1.3).abs() < 1e-12 && (t.loss - 2.9).abs() < 1e-12);
    assert_eq!(t.dscores, vec![-2.0, 1.0, 1.0]);
    assert!(t.margins[0].is_nan(), "no margin for the correct class");
    assert!((t.margins[1] - 2.1).abs() < 1e-12 && (t.margins[2] - 0.8).abs() < 1e-12);
    assert_eq!(t.active, vec![false, true, true]);
    assert!(t.probabilities.iter().all(|p| p.is_nan()), "the SVM has no probabilities");
    // example 2: scores (0.5, −1.6, −0.6), y = 2: margin of class 0 is 0.5 + 0.6 + 1 = 2.1,
    // of class 1 −1.6 + 0.6 + 1 = 0 (to round-off) → inactive
    let t = example_terms(&c, 2);
    assert!((t.loss - 2.1).abs() < 1e-12);
    assert_eq!(t.dscores, vec![1.0, 0.0, -1.0]);
    assert!((t.margins[0] - 2.1).abs() < 1e-12 && t.margins[1].abs() < 1e-12 && t.margins[2].is_nan());
    assert_eq!(t.active, vec![true, false, false]);
    // a Δ of 2 moves every margin by 1
    let mut c2 = hand(LossKind::Svm);
    c2.hyper.delta = 2.0;
    let t = example_terms(&c2, 0);
    assert_eq!(t.delta, 2.0);
    assert!((t.margins[1] - 3.1).abs() < 1e-12 && (t.margins[2] - 1.8).abs() < 1e-12);
}

#[test]
fn softmax_example_terms_give_probabilities() {
    // example 0, scores (0.2, 1.3, 0.0): e^0.2 = 1.2214028, e^1.3 = 3.6692967, e^0 = 1,
    // Σ = 5.8906995, p = (0.207344, 0.622897, 0.169759); L_0 = log 5.8906995 − 0.2 = 1.573375
    let c = hand(LossKind::Softmax);
    let t = example_terms(&c, 0);
    assert_eq!(t.kind, LossKind::Softmax);
    let want = [0.207344, 0.622897, 0.169759];
    for (p, w) in t.probabilities.iter().zip(want) {
        assert!((p - w).abs() < 1e-6, "{:?}", t.probabilities);
    }
    assert!((t.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    assert!((t.loss - 1.573375).abs() < 1e-6);
    // dscores = p − 1(j = y_i)
    for j in 0..3 {
        let want = t.probabilities[j] - if j == 0 { 1.0 } else { 0.0 };
        assert!((t.dscores[j] - want).abs() < 1e-15);
    }
    assert!(t.margins.iter().all(|m| m.is_nan()));
    assert_eq!(t.active, vec![false; 3]);
    // stable for huge scores: W scaled by 1e4 gives scores in the thousands
    let mut big = hand(LossKind::Softmax);
    big.w.mapv_inplace(|v| v * 1e4);
    let t = example_terms(&big, 0);
    assert!(t.probabilities.iter().all(|p| p.is_finite()));
    assert!((t.probabilities[1] - 1.0).abs() < 1e-12, "class 1 wins by 11000: {:?}", t.probabilities);
}

#[test]
fn full_batch_gradients_land_on_the_full_gradient_and_small_batches_scatter_around_it() {
    let c = classifier(Dataset::spiral(40, 3, 1).unwrap(), LossKind::Softmax, 0.0, 2, 1.0);
    let (norm, pts) = batch_gradient_scatter(&c, 120, 3, 5);
    for k in 0..3 {
        assert!((pts[2 * k] - norm).abs() < 1e-9 && pts[2 * k + 1].abs() < 1e-9);
    }
    let (norm, pts) = batch_gradient_scatter(&c, 8, 400, 5);
    let mean_x = pts.iter().step_by(2).sum::<f64>() / 400.0;
    let mean_y = pts.iter().skip(1).step_by(2).sum::<f64>() / 400.0;
    // mini-batch gradients are unbiased: their mean is near the full gradient
    assert!((mean_x - norm).abs() < 0.15 * norm, "{mean_x} vs {norm}");
    assert!(mean_y.abs() < 0.15 * norm);
    let spread = pts.iter().step_by(2).map(|x| (x - norm).powi(2)).sum::<f64>() / 400.0;
    assert!(spread > 0.0);
}

#[test]
fn gram_schmidt_gives_a_seeded_unit_direction_orthogonal_to_the_given_one() {
    // hand-worked: along = (3, 4) · e's; any result v has 3·v0 + 4·v1 = 0 and ‖v‖ = 1
    let along = Array2::from_shape_vec((1, 2), vec![3.0, 4.0]).unwrap();
    let v = orthogonal_direction(&along, &mut Rng::new(1));
    assert!(dot(&v, &along).abs() < 1e-14 && (norm(&v) - 1.0).abs() < 1e-14);
    // in 2-D the orthogonal unit direction is ±(4, −3)/5
    assert!((v[[0, 0]].abs() - 0.8).abs() < 1e-14 && (v[[0, 1]].abs() - 0.6).abs() < 1e-14);
    assert_eq!(v, orthogonal_direction(&along, &mut Rng::new(1)), "seeded");
    // a zero direction leaves the draw as it is, normalised
    let v = orthogonal_direction(&Array2::zeros((2, 3)), &mut Rng::new(2));
    assert!((norm(&v) - 1.0).abs() < 1e-14);
}

#[test]
fn downhill_slice_goes_along_minus_the_gradient_with_an_orthogonal_w2_of_equal_norm() {
    for (kind, reg) in [(LossKind::Svm, 0.0), (LossKind::Softmax, 0.1)] {
        let mut c = classifier(Dataset::spiral(20, 3, 4).unwrap(), kind, reg, 3, 0.5);
        let dw = c.gradient();
        let l = Landscape::downhill(&c, 7);
        assert_eq!(l.w[0], c.w, "W0 is the classifier's W");
        assert_eq!(l.w[1], -&dw, "W1 = −dW, regulariser included");
        let [n1, n2] = l.direction_norms();
        assert!((n1 - norm(&dw)).abs() < 1e-15 * n1.max(1.0));
        assert!((n2 - n1).abs() < 1e-12 * n1, "|W2| = |W1|: {n2} vs {n1}");
        assert!(dot(&l.w[1], &l.w[2]).abs() < 1e-12 * n1 * n1, "⟨W1, W2⟩ = 0");
        // a small step along W1 lowers the loss: it is downhill
        assert!(l.loss_at(1e-3, 0.0) < c.loss());
        // the same seed gives the same slice; another seed another W2
        let again = Landscape::downhill(&c, 7);
        assert_eq!(again.w[2], l.w[2]);
        assert_ne!(Landscape::downhill(&c, 8).w[2], l.w[2]);
    }
}

#[test]
fn downhill_at_a_zero_gradient_takes_a_seeded_random_w1() {
    // two examples with the same features and different labels under softmax at W = 0:
    // dW = (1/N) Σ (p − 1(j = y_i)) x_i = 0 (p = (½, ½) for both, the ±½ cancel)
    let d = Dataset::from_arrays(&[1.0, 1.0], &[0, 1], 1, 2, "tie").unwrap();
    let c = Classifier::new(Rc::new(d), Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
    assert!(c.clone().gradient().iter().all(|&v| v == 0.0));
    let l = Landscape::downhill(&c, 3);
    let [n1, n2] = l.direction_norms();
    assert!(n1 > 0.0 && (n2 - n1).abs() < 1e-12 * n1);
    assert!(dot(&l.w[1], &l.w[2]).abs() < 1e-12 * n1 * n1);
    let mut r = Rng::new(3);
    let mut want = Array2::zeros(c.w.dim());
    r.fill_normal(want.as_slice_mut().unwrap(), 1.0);
    assert_eq!(l.w[1], want, "W1 ~ N(0, 1) from the seed");
}
