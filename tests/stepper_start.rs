//! The gradient stepper's start option: where it begins, the wrapped row-major order after it,
//! and the first coordinate whose feature column is not all 0 (on digits, pixel 0 is 0 in every
//! image, so W[0, x0]'s slope is the regularisation term alone).

mod common;

use common::{classifier, hand};
use lossland::data::Dataset;
use lossland::loss::LossKind;
use lossland::numgrad::{first_data_coordinate, Stepper};

#[test]
fn a_stepper_started_at_k_visits_k_then_wraps_and_matches_the_plain_one() {
    let mut c = hand(LossKind::Softmax);
    let mut plain = Stepper::new(&mut c, 1e-5, true);
    let mut from4 = Stepper::starting_at(&mut c, 1e-5, true, 4);
    assert_eq!((plain.start(), from4.start()), (0, 4));
    let a: Vec<_> = (0..9).map(|_| plain.step(&mut c).unwrap().unwrap()).collect();
    let b: Vec<_> = (0..9).map(|_| from4.step(&mut c).unwrap().unwrap()).collect();
    assert_eq!(b.iter().map(|r| r.index).collect::<Vec<_>>(), vec![4, 5, 6, 7, 8, 0, 1, 2, 3]);
    assert!(from4.done() && from4.step(&mut c).unwrap().is_none());
    for r in &b {
        assert_eq!((r.row, r.col), (r.index / 3, r.index % 3));
        assert_eq!(r.slope.to_bits(), a[r.index].slope.to_bits(), "same slope whatever the order");
    }
    assert_eq!(from4.gradient(), plain.gradient());
    assert_eq!(from4.evaluations(), 1 + 2 * 9);
    // back undoes the last visited coordinate (3), then 2
    assert!(from4.back());
    assert!(from4.gradient()[3].is_nan() && from4.gradient()[4].is_finite());
    assert_eq!(from4.step(&mut c).unwrap().unwrap().index, 3);
    // a start past the end is taken modulo the number of coordinates
    assert_eq!(Stepper::starting_at(&mut c, 1e-5, false, 9 + 2).start(), 2);
}

#[test]
fn the_first_data_coordinate_skips_feature_columns_that_are_zero_everywhere() {
    // hand data: column x1 = (1, −1, 0) is not all 0
    assert_eq!(first_data_coordinate(&hand(LossKind::Svm)), 0);
    // digits: the first pixels are 0 in every image; the first one that is not
    let d = Dataset::digits();
    let first = (0..64).find(|&k| d.xa.column(k).iter().any(|&v| v != 0.0)).unwrap();
    assert!(first > 0, "digits' pixel 0 is 0 in every image");
    let mut c = classifier(d, LossKind::Svm, 0.1, 1, 0.01);
    assert_eq!(first_data_coordinate(&c), first);
    // there the slope is not the regularisation term alone (2·reg·w); at pixel 0 it is
    let g = c.gradient();
    let reg_only = |k: usize| (g[[0, k]] - 2.0 * 0.1 * c.w[[0, k]]).abs() < 1e-12;
    assert!(reg_only(0) && !reg_only(first));
    let mut st = Stepper::starting_at(&mut c, 1e-5, false, first);
    assert_eq!(st.step(&mut c).unwrap().unwrap().col, first);
    // every column all 0: the bias (always 1) speaks
    let zeros = Dataset::from_arrays(&[0.0; 6], &[0, 1, 0], 2, 2, "zeros").unwrap();
    assert_eq!(first_data_coordinate(&classifier(zeros, LossKind::Svm, 0.0, 1, 1.0)), 2);
}
