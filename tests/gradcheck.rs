//! The gradient check's verdicts worked by hand (issue 11): an entry at the finite difference's
//! round-off level, an honest kink crossing, a genuinely wrong entry, and the overall verdict
//! as the worst of the entries that can decide.

mod common;

use common::{hand, hand_data, HAND_W};
use lossland::data::Dataset;
use lossland::loss::{Classifier, Hyper, LossKind};
use lossland::numgrad::{compare, grad_check, numerical_gradient, rel_error, round_off_floor, RelFormula, Stepper, Verdict, ROUND_OFF_MULTIPLE};
use std::rc::Rc;

const EPS: f64 = f64::EPSILON;

#[test]
fn a_tiny_entry_at_round_off_cannot_decide() {
    // f = 1, h = 1e-5, centered: the round-off scale is ε·|f|/h ≈ 2.22e-11 and the allowance
    // 4 scales ≈ 8.88e-11.
    let scale = round_off_floor(1.0, 1e-5, true);
    assert!((scale - EPS / 1e-5).abs() <= 1e-26, "{scale}");
    let limit = ROUND_OFF_MULTIPLE * scale;
    // a = 3e-12, n = 5e-12: relative error 2e-12 / 5e-12 = 0.4, "wrong" on its own, but
    // |a − n| = 2e-12 is far inside the allowance: the ratio is noise over noise.
    let e = rel_error(3e-12, 5e-12, RelFormula::Max);
    assert!((e - 0.4).abs() < 1e-12);
    assert_eq!(Verdict::of(e, false), Verdict::Wrong);
    assert_eq!(Verdict::judge(3e-12, 5e-12, e, false, limit), Verdict::RoundOff);
    // the same difference on a large entry is a tiny relative error: good, decided
    let e = rel_error(1e-3, 1e-3 + 2e-12, RelFormula::Max);
    assert_eq!(Verdict::judge(1e-3, 1e-3 + 2e-12, e, false, limit), Verdict::Good);
    // a difference 1e-9 beyond the allowance on a small entry decides: 1e-9 / 1e-6 = 1e-3
    let e = rel_error(1e-6, 1e-6 + 1e-9, RelFormula::Max);
    assert_eq!(Verdict::judge(1e-6, 1e-6 + 1e-9, e, false, limit), Verdict::Uncomfortable);
    // just inside and just outside the allowance
    assert_eq!(Verdict::judge(0.0, limit, 1.0, false, limit), Verdict::RoundOff);
    assert_eq!(Verdict::judge(0.0, 1.01 * limit, 1.0, false, limit), Verdict::Wrong);

    // a real classifier: the hand data with its second feature shrunk to ~1e-10, softmax.
    // Column 1 of dW is ~1e-11, inside the allowance (ε·L/h ≈ 2e-11 per scale): round-off.
    let mut f = common::HAND_FEATURES;
    for v in f.iter_mut().skip(1).step_by(2) {
        *v *= 1e-10;
    }
    let data = Dataset::from_arrays(&f, &common::HAND_LABELS, 2, 3, "tiny column").unwrap();
    let mut c = Classifier::new(Rc::new(data), Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
    c.set_weights(&HAND_W).unwrap();
    let gc = grad_check(&mut c, 1e-5, true, RelFormula::Max);
    let (a, n) = (gc.analytic.as_slice().unwrap(), gc.numerical.as_slice().unwrap());
    let mut at_round_off = 0;
    for j in 0..3 {
        let i = 3 * j + 1;
        assert!(a[i].abs() < 1e-10, "entry {i}: {}", a[i]);
        assert!((a[i] - n[i]).abs() <= gc.round_off_limit, "entry {i}: {} vs {}", a[i], n[i]);
        assert!(matches!(gc.verdicts[i], Verdict::RoundOff | Verdict::Good), "entry {i}: {:?}", gc.verdicts[i]);
        at_round_off += (gc.verdicts[i] == Verdict::RoundOff) as usize;
    }
    assert!(at_round_off > 0, "some tiny entry's relative error is above 1e-7: {:?}", gc.rel_errors);
    // the other columns are large and agree: the overall verdict is theirs
    assert_eq!(gc.verdict, Verdict::Good);
    assert!(gc.max_rel_error < 1e-7);
    assert!(gc.rel_errors.iter().zip(&gc.verdicts).any(|(&e, v)| *v == Verdict::RoundOff && e >= 1e-7), "relative errors are kept as computed");
}

#[test]
fn a_kink_crossing_is_honest_and_does_not_decide() {
    // The hand set, SVM: example 2's margin for class 1 is exactly 0 at W (tests/common).
    // Forward difference on W[1, 2] (class 1's bias): the bump +h switches that hinge on, so the
    // slope is 2/3 where the analytic gradient (1(margin > 0) = 0 for it) is 1/3.
    let mut c = hand(LossKind::Svm);
    let gc = grad_check(&mut c, 1e-5, false, RelFormula::Max);
    let idx = 5;
    assert!(gc.kinks[idx]);
    assert!((gc.rel_errors[idx] - 0.5).abs() < 1e-5, "{}", gc.rel_errors[idx]);
    assert_eq!(gc.verdicts[idx], Verdict::Kink);
    // W[2, 1] moves s_{y_2} by h·x_2 = −2h: the same hinge switches on, another honest crossing.
    // Every other entry crossed no kink and agrees: the kinks do not make the check "wrong".
    for i in 0..9 {
        assert_eq!(gc.kinks[i], i == 5 || i == 7, "entry {i}");
        let v = gc.verdicts[i];
        if gc.kinks[i] {
            assert!(!v.decides(), "entry {i}: {v:?}");
        } else {
            assert!(matches!(v, Verdict::Good | Verdict::RoundOff), "entry {i}: {v:?}");
        }
    }
    assert_eq!(gc.verdict, Verdict::Good);

    // Move the margin to m = −(1 − 1e-4)·h: the forward bump switches the hinge on for its last
    // 1e-4·h only, adding (m + h)/h · x_bias / N = 1e-4/3 to the slope. Relative error ≈
    // (1e-4/3) / (1/3 + 1e-4/3) ≈ 1e-4 / 1.0001 ≤ 1e-4: acceptable with kinks.
    let h = 1e-5;
    let mut w = HAND_W;
    w[5] -= (1.0 - 1e-4) * h;
    let mut c = Classifier::new(Rc::new(hand_data()), Hyper { kind: LossKind::Svm, reg: 0.0, delta: 1.0 });
    c.set_weights(&w).unwrap();
    let gc = grad_check(&mut c, h, false, RelFormula::Max);
    assert!(gc.kinks[idx]);
    let e = gc.rel_errors[idx];
    assert!((e - 1e-4 / 1.0001).abs() < 1e-8, "{e}");
    assert_eq!(gc.verdicts[idx], Verdict::AcceptableWithKinks);
    assert_eq!(gc.verdict, Verdict::AcceptableWithKinks, "a deciding verdict");

    // The same relative error on an entry that crossed no kink is too high (smooth there)
    assert_eq!(Verdict::judge(1.0 / 3.0, 1.0 / 3.0 * (1.0 + 1e-4), 1e-4 / 1.0001, false, 1e-12), Verdict::TooHigh);
}

#[test]
fn a_wrong_entry_decides_and_the_overall_verdict_is_the_worst_that_decides() {
    // Softmax on the hand set with reg = 0.1, and an analytic gradient that forgets the
    // regulariser's 2·reg·W: every entry with W ≠ 0 is off by 2·0.1·|W[j,k]| ≥ 0.02 (W[0,2] = 0.1),
    // far beyond round-off (~1e-10). W[1,2] = 0: that entry is right.
    let mut c = hand(LossKind::Softmax);
    c.hyper.reg = 0.1;
    let right = c.gradient();
    let fx = c.loss();
    let (numerical, kinks) = numerical_gradient(&mut c, 1e-5, true);
    let mut wrong = right.clone();
    for (g, &w) in wrong.iter_mut().zip(HAND_W.iter()) {
        *g -= 2.0 * 0.1 * w;
    }
    let scale = round_off_floor(fx, 1e-5, true);
    let gc = compare(wrong, numerical.clone(), kinks.clone(), scale, RelFormula::Max);
    assert_eq!(gc.verdicts[5], Verdict::Good, "W[1,2] = 0: no regulariser term to forget");
    let worst = (0..9).filter(|&i| HAND_W[i] != 0.0).map(|i| gc.verdicts[i]).max().unwrap();
    assert_eq!(worst, Verdict::Wrong);
    assert!(gc.verdicts.iter().all(|v| v.decides()));
    assert_eq!(gc.verdict, Verdict::Wrong);
    assert!(gc.max_rel_error > 1e-2);

    // With the right gradient the same numbers are good
    let gc = compare(right.clone(), numerical.clone(), kinks.clone(), scale, RelFormula::Max);
    assert_eq!(gc.verdict, Verdict::Good, "{:?}", gc.rel_errors);

    // The overall verdict ignores entries that do not decide: the right gradient with one
    // entry marked as kinked and off by half is still good, and a check where no entry decides
    // says so (round-off, else kink)
    let mut off = right.clone();
    off[[0, 0]] *= 2.0;
    let mut k = kinks.clone();
    k[0] = true;
    let gc = compare(off, numerical.clone(), k, scale, RelFormula::Max);
    assert_eq!(gc.verdicts[0], Verdict::Kink);
    assert_eq!(gc.verdict, Verdict::Good);
    assert!(gc.max_rel_error < 1e-7, "the kinked entry's error is not the check's maximum");
    let zeros = ndarray::Array2::<f64>::zeros((3, 3));
    let tiny = ndarray::Array2::from_elem((3, 3), 1e-12);
    let gc = compare(zeros.clone(), tiny, vec![false; 9], scale, RelFormula::Max);
    assert!(gc.verdicts.iter().all(|&v| v == Verdict::RoundOff));
    assert_eq!((gc.verdict, gc.max_rel_error), (Verdict::RoundOff, 0.0));
    let gc = compare(zeros.clone(), ndarray::Array2::from_elem((3, 3), 1.0), vec![true; 9], scale, RelFormula::Max);
    assert_eq!(gc.verdict, Verdict::Kink);
}

#[test]
fn digits_with_a_correct_gradient_never_reads_uncomfortable_or_wrong() {
    // the page's defaults: W ~ 0.01·N(0, 1) from seed 1, reg 0, h = 1e-5, centered
    for kind in [LossKind::Softmax, LossKind::Svm] {
        let mut c = common::classifier(Dataset::digits(), kind, 0.0, 1, 0.01);
        let gc = grad_check(&mut c, 1e-5, true, RelFormula::Max);
        let bad = gc.verdicts.iter().filter(|v| matches!(v, Verdict::TooHigh | Verdict::Uncomfortable | Verdict::Wrong)).count();
        assert_eq!(bad, 0, "{kind:?}");
        assert_eq!(gc.verdict, Verdict::Good, "{kind:?}");
        let kinks = gc.kinks.iter().filter(|&&k| k).count();
        let with_kinks = gc.verdicts.iter().filter(|&&v| v == Verdict::AcceptableWithKinks).count();
        assert!(with_kinks <= kinks, "{kind:?}: 'with kinks' only where a kink was crossed");
        let round_off = gc.verdicts.iter().filter(|&&v| v == Verdict::RoundOff).count();
        assert!(round_off > 0, "{kind:?}");
        eprintln!("{kind:?}: {round_off} round-off, {kinks} kinks, max deciding {:e}", gc.max_rel_error);
    }
}

#[test]
fn a_gradient_check_in_pieces_is_the_whole_check_bit_for_bit() {
    // The page's thread, where no Worker starts, checks a gradient a few coordinates at a time
    // (GradientStepper.steps, then check). Its result must be grad_check's, and grad_check's the
    // comparison of the numerical gradient with the analytic one and f(x) (its definition).
    let same = |a: &lossland::numgrad::GradCheck, b: &lossland::numgrad::GradCheck, what: &str| {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(a.numerical.as_slice().unwrap()), bits(b.numerical.as_slice().unwrap()), "{what}: numerical");
        assert_eq!(bits(a.analytic.as_slice().unwrap()), bits(b.analytic.as_slice().unwrap()), "{what}: analytic");
        assert_eq!(bits(&a.rel_errors), bits(&b.rel_errors), "{what}: relative errors");
        assert_eq!(a.kinks, b.kinks, "{what}: kinks");
        assert_eq!(a.verdicts, b.verdicts, "{what}: verdicts");
        assert_eq!((a.verdict, a.max_rel_error.to_bits(), a.round_off.to_bits()), (b.verdict, b.max_rel_error.to_bits(), b.round_off.to_bits()), "{what}: summary");
    };
    for kind in [LossKind::Svm, LossKind::Softmax] {
        for (name, data, scale) in [("hand", hand_data(), 0.0), ("spiral", Dataset::spiral(20, 3, 1).unwrap(), 0.5), ("digits", Dataset::digits(), 0.001)] {
            let mut c = Classifier::new(Rc::new(data), Hyper { kind, reg: 0.01, delta: 1.0 });
            if scale == 0.0 {
                c.set_weights(&HAND_W).unwrap(); // the SVM's hand W has an example on a kink
            } else {
                c.randomize(3, scale);
            }
            for centered in [true, false] {
                let what = format!("{name} {} centered {centered}", kind.name());
                let whole = grad_check(&mut c, 1e-5, centered, RelFormula::Max);
                let (numerical, kinks) = numerical_gradient(&mut c, 1e-5, centered);
                let (analytic, fx) = (c.gradient(), c.loss());
                same(&whole, &compare(analytic, numerical, kinks, round_off_floor(fx, 1e-5, centered), RelFormula::Max), &what);
                for piece in [1, 7, 100] {
                    let mut st = Stepper::new(&mut c, 1e-5, centered);
                    assert!(st.check(&mut c, RelFormula::Max).is_err(), "{what}: a check before every coordinate is done");
                    let mut left = st.len();
                    while left > 0 {
                        let now = st.steps(&mut c, piece).unwrap();
                        assert_eq!(now, left.saturating_sub(piece), "{what}: coordinates left");
                        left = now;
                    }
                    same(&whole, &st.check(&mut c, RelFormula::Max).unwrap(), &format!("{what}, pieces of {piece}"));
                }
                // W changed under the stepper: refused, not a check of a W that is no longer there
                let mut st = Stepper::new(&mut c, 1e-5, centered);
                st.steps(&mut c, usize::MAX).unwrap();
                let w = c.w.clone();
                c.set_weights(w.as_slice().unwrap()).unwrap();
                assert!(st.check(&mut c, RelFormula::Max).is_err(), "{what}: W set again after the steps");
            }
        }
    }
}
