//! Property tests of the core with seeded random inputs at the edges of what the facade lets
//! through (its argument checks keep everything else out): nothing panics, and every loss,
//! gradient and landscape value is a finite number or a reported divergence.

mod common;

use common::classifier_with;
use lossland::data::Dataset;
use lossland::landscape::Landscape;
use lossland::loss::{Hyper, LossKind};
use lossland::numgrad::{grad_check, RelFormula, Stepper};
use lossland::optim::{Config, Method, Optimizer};
use lossland::rng::Rng;

fn pick<T: Copy>(r: &mut Rng, xs: &[T]) -> T {
    xs[r.below(xs.len())]
}

#[test]
fn random_data_and_settings_at_the_edges_never_panic_and_stay_finite() {
    let mut r = Rng::new(2026);
    for case in 0..300 {
        let n = pick(&mut r, &[1, 2, 3, 17, 64]);
        let dims = pick(&mut r, &[1, 2, 5, 30]);
        let classes = pick(&mut r, &[2, 3, 10]);
        let scale = pick(&mut r, &[0.0, 1e-300, 1e-8, 1.0, 1e3, 1e8]);
        let features: Vec<f64> = (0..n * dims).map(|_| scale * r.normal()).collect();
        let labels: Vec<usize> = (0..n).map(|_| r.below(classes)).collect();
        let d = Dataset::from_arrays(&features, &labels, dims, classes, "prop").expect("valid by construction");
        let kind = pick(&mut r, &[LossKind::Svm, LossKind::Softmax]);
        let reg = pick(&mut r, &[0.0, 1e-6, 1.0, 1e3]);
        let delta = pick(&mut r, &[1e-12, 1.0, 1e3]);
        let wscale = pick(&mut r, &[0.0, 1e-3, 1.0, 1e4]);
        let mut c = classifier_with(d, Hyper { kind, reg, delta }, case, wscale);
        let l = c.loss();
        assert!(l.is_finite() && l >= 0.0, "case {case}: loss {l}");
        assert!(c.gradient().iter().all(|v| v.is_finite()), "case {case}: gradient");
        let h = pick(&mut r, &[1e-10, 1e-5, 1e-1, 1.0]);
        let centered = r.uniform() < 0.5;
        let gc = grad_check(&mut c, h, centered, RelFormula::Max);
        assert!(gc.rel_errors.iter().all(|e| e.is_finite() && *e >= 0.0), "case {case}: rel errors");
        let mut st = Stepper::new(&mut c, h, centered);
        for _ in 0..3 {
            if let Ok(Some(rec)) = st.step(&mut c) {
                assert!(rec.fx_plus_h.is_finite() && rec.slope.is_finite(), "case {case}: step {rec:?}");
            }
        }
        let land = Landscape::new(&c, case, r.uniform() < 0.5);
        let span = pick(&mut r, &[1e-9, 1.0, 1e3]);
        assert!(land.plane(span, 5).iter().all(|v| v.is_finite()), "case {case}: plane");
        assert!(land.line(span, 7).iter().all(|v| v.is_finite()), "case {case}: line");
        let [a, b, dist] = land.project(&c.w);
        assert!(a.is_finite() && b.is_finite() && dist.is_finite());
        let method = pick(&mut r, &[Method::RandomSearch, Method::RandomLocalSearch, Method::Gd, Method::Sgd]);
        let step_size = pick(&mut r, &[1e-300, 1e-3, 1.0, 1e6]);
        let mut o = Optimizer::new(&c, Config { method, step_size, batch_size: 1 + r.below(n), scale: 1.0, seed: case });
        for _ in 0..20 {
            let rec = o.step(&mut c);
            assert!(rec.loss.is_finite() || rec.diverged, "case {case}: {rec:?}");
            assert!(c.w.iter().all(|v| v.is_finite()), "case {case}: W must stay finite");
        }
    }
}
