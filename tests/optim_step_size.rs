//! Changing the step size mid-run (issue 11): the run goes on from the current W with the new
//! step size, the step count keeps going, and a run that blew up goes on from its last finite W.

mod common;

use common::classifier as clf;
use lossland::data::Dataset;
use lossland::loss::LossKind;
use lossland::optim::{Config, Method, Optimizer};

fn gd(c: &lossland::loss::Classifier, eta: f64) -> Optimizer {
    Optimizer::new(c, Config { method: Method::Gd, step_size: eta, batch_size: 1, scale: 1.0, seed: 1 })
}

#[test]
fn a_new_step_size_continues_from_the_current_w() {
    let mut c = clf(Dataset::spiral(50, 3, 2).unwrap(), LossKind::Softmax, 1e-3, 1, 0.5);
    let mut o = gd(&c, 0.5);
    for _ in 0..10 {
        o.step(&mut c);
    }
    o.set_step_size(0.05);
    assert_eq!(o.config.step_size, 0.05);
    for it in 11..=20 {
        // W ← W − 0.05·dW(W), from the W the first ten steps left
        let mut expect = c.w.clone();
        expect.scaled_add(-0.05, &c.gradient());
        let r = o.step(&mut c);
        assert_eq!(r.iteration, it, "the step count goes on");
        assert!(!r.diverged);
        let err = c.w.iter().zip(expect.iter()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(err < 1e-12, "step {it}: W differs from W − 0.05·dW by {err}");
        assert!((r.loss - c.loss()).abs() < 1e-12);
    }
}

#[test]
fn a_blown_up_run_goes_on_from_its_last_finite_w_with_a_smaller_step() {
    let mut c = clf(Dataset::toy(0), LossKind::Svm, 1.0, 1, 1.0);
    let mut o = gd(&c, 1000.0);
    let mut blew = None;
    for _ in 0..200 {
        let r = o.step(&mut c);
        if r.diverged {
            blew = Some(r);
            break;
        }
    }
    let r = blew.expect("with reg 1, W is multiplied by 1 − 2·1000 each step: it overflows");
    let w_last = c.w.clone();
    assert!(w_last.iter().all(|v| v.is_finite()));
    assert!(o.diverged());
    o.set_step_size(0.1);
    assert!(!o.diverged(), "a new step size clears the blow-up");
    let mut expect = w_last.clone();
    expect.scaled_add(-0.1, &c.gradient());
    let next = o.step(&mut c);
    assert!(!next.diverged);
    assert_eq!(next.iteration, r.iteration + 1, "the step count goes on from the last finite step");
    assert!(c.w.iter().zip(expect.iter()).all(|(a, b)| (a - b).abs() <= 1e-9 * b.abs().max(1.0)), "the step starts from the last finite W");
    // with η = 0.1 and reg = 1, the regulariser shrinks W by (1 − 0.2) a step: the loss falls back
    let mut prev = next.loss;
    for _ in 0..200 {
        prev = o.step(&mut c).loss;
    }
    assert!(prev.is_finite() && prev < 0.01 * next.loss, "the run recovers: {} → {prev}", next.loss);
}

#[test]
fn steps_without_the_full_loss_move_w_exactly_as_full_steps_do() {
    for method in [Method::Sgd, Method::Gd] {
        let mut a = clf(Dataset::spiral(50, 3, 2).unwrap(), LossKind::Svm, 1e-3, 1, 0.5);
        let mut b = a.clone();
        let cfg = Config { method, step_size: 0.3, batch_size: 8, scale: 1.0, seed: 4 };
        let (mut oa, mut ob) = (Optimizer::new(&a, cfg), Optimizer::new(&b, cfg));
        for it in 1..=30 {
            let full = oa.step(&mut a);
            let fast = ob.step_without_full_loss(&mut b);
            assert_eq!(fast.iteration, it);
            assert!(fast.loss.is_nan() && fast.accuracy.is_nan(), "the full loss is not evaluated");
            assert_eq!(fast.try_loss.to_bits(), full.try_loss.to_bits(), "{method:?} step {it}: the same batch loss");
            assert_eq!(a.w, b.w, "{method:?} step {it}: the same W");
        }
        let (r, l) = (oa.step(&mut a), ob.step(&mut b));
        assert_eq!(r.loss.to_bits(), l.loss.to_bits(), "a full step after fast ones evaluates as usual");
    }
}
