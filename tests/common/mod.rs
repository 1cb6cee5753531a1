//! Fixtures shared by the native integration tests: the hand-worked classifier and the
//! seeded classifier builders (one copy, so the suites cannot drift apart).
#![allow(dead_code)] // each test crate uses a different subset

use lossland::data::Dataset;
use lossland::loss::{Classifier, Hyper, LossKind};
use std::rc::Rc;

/// 3 examples in 2-D, one per class, small enough to work by hand (worked in src/loss.rs):
/// x0 = (1, 2), x1 = (−1, 0.5), x2 = (0, −2), row-major.
pub const HAND_FEATURES: [f64; 6] = [1.0, 2.0, -1.0, 0.5, 0.0, -2.0];
pub const HAND_LABELS: [usize; 3] = [0, 1, 2];
/// W (3 × 3, rows class 0, 1, 2; columns x1, x2, bias). Scores s = W·[x; 1]:
/// x0 → (0.2, 1.3, 0.0), x1 → (−0.5, 0.7, −0.55), x2 → (0.5, −1.6, −0.6). With Δ = 1 example
/// 2's margin for class 1 is exactly 0 (s_1 − s_2 + Δ = −1.6 + 0.6 + 1): a kink at W.
pub const HAND_W: [f64; 9] = [0.5, -0.2, 0.1, -0.3, 0.8, 0.0, 0.2, 0.1, -0.4];

pub fn hand_data() -> Dataset {
    Dataset::from_arrays(&HAND_FEATURES, &HAND_LABELS, 2, 3, "hand").expect("the hand data set is valid")
}

/// The hand-worked classifier: W = [`HAND_W`], reg 0, Δ = 1.
pub fn hand(kind: LossKind) -> Classifier {
    let mut c = Classifier::new(Rc::new(hand_data()), Hyper { kind, reg: 0.0, delta: 1.0 });
    c.set_weights(&HAND_W).expect("HAND_W has 9 values");
    c
}

/// A classifier on `data` with Δ = 1 and W ~ scale · N(0, 1) from `seed`.
pub fn classifier(data: Dataset, kind: LossKind, reg: f64, seed: u64, scale: f64) -> Classifier {
    classifier_with(data, Hyper { kind, reg, delta: 1.0 }, seed, scale)
}

/// A classifier on `data` with the given settings and W ~ scale · N(0, 1) from `seed`.
pub fn classifier_with(data: Dataset, hyper: Hyper, seed: u64, scale: f64) -> Classifier {
    let mut c = Classifier::new(Rc::new(data), hyper);
    c.randomize(seed, scale);
    c
}

/// The first `n` digits.
pub fn small_digits(n: usize) -> Dataset {
    let d = Dataset::digits();
    let f = d.features();
    Dataset::from_arrays(&f[..n * 64], &d.y[..n], 64, 10, "digits-head").expect("a head of the digits is valid")
}
