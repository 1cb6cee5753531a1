//! Quantities the notebook shows that are not part of training itself.

use crate::data::sample_batch;
use crate::loss::{loss_grad, Classifier, Workspace};
use crate::rng::Rng;
use ndarray::Array2;

/// Mini-batch gradients seen on a plane: e1 = g / ‖g‖ along the full gradient g, e2 a seeded
/// random unit direction orthogonal to it. Returns ‖g‖ (the full gradient sits at (‖g‖, 0))
/// and, for each of `count` seeded mini-batches of `batch` examples, the coordinates
/// (⟨g_b, e1⟩, ⟨g_b, e2⟩) of its gradient g_b, flattened [x0, y0, x1, y1, …].
pub fn batch_gradient_scatter(clf: &Classifier, batch: usize, count: usize, seed: u64) -> (f64, Vec<f64>) {
    let data = clf.data.clone();
    let mut ws = Workspace::default();
    let mut g = Array2::zeros(clf.w.dim());
    loss_grad(&clf.w, data.xa.view(), &data.y, &clf.hyper, &mut ws, &mut g);
    let norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    let mut rng = Rng::new(seed);
    let mut e1 = g.clone();
    if norm > 0.0 {
        e1 /= norm;
    }
    // e2: Gaussian, minus its component along e1 (Gram–Schmidt), normalised
    let mut e2 = Array2::zeros(g.dim());
    rng.fill_normal(e2.as_slice_mut().expect("contiguous"), 1.0);
    let along: f64 = e2.iter().zip(e1.iter()).map(|(a, b)| a * b).sum();
    e2.scaled_add(-along, &e1);
    let n2 = e2.iter().map(|v| v * v).sum::<f64>().sqrt();
    if n2 > 0.0 {
        e2 /= n2;
    }
    let b = batch.clamp(1, data.len());
    let mut pool: Vec<usize> = (0..data.len()).collect();
    let mut idx = Vec::with_capacity(b);
    let mut bx = Array2::zeros((b, data.xa.ncols()));
    let mut by = vec![0; b];
    let mut gb = Array2::zeros(g.dim());
    let mut out = Vec::with_capacity(2 * count);
    for _ in 0..count {
        sample_batch(&mut rng, &mut pool, b, &mut idx);
        for (r, &i) in idx.iter().enumerate() {
            bx.row_mut(r).assign(&data.xa.row(i));
            by[r] = data.y[i];
        }
        loss_grad(&clf.w, bx.view(), &by, &clf.hyper, &mut ws, &mut gb);
        out.push(gb.iter().zip(e1.iter()).map(|(a, b)| a * b).sum());
        out.push(gb.iter().zip(e2.iter()).map(|(a, b)| a * b).sum());
    }
    (norm, out)
}

/// One example's part of the gradient: its scores s, L_i, and ∂L_i/∂s_j for each class
/// (SVM: 1 for each active margin j ≠ y_i, −(number active) for y_i, else 0;
/// softmax: p_j − 1(j = y_i)). Then ∇_{w_j} L_i = (∂L_i/∂s_j) · x_i.
pub fn example_terms(clf: &Classifier, i: usize) -> (Vec<f64>, f64, Vec<f64>) {
    let data = &clf.data;
    let x = data.xa.row(i);
    let scores: Vec<f64> = clf.w.rows().into_iter().map(|w| w.dot(&x)).collect();
    let view = data.xa.slice(ndarray::s![i..i + 1, ..]);
    let mut ws = Workspace::default();
    let mut g = Array2::zeros(clf.w.dim());
    let mut h = clf.hyper;
    h.reg = 0.0;
    let e = loss_grad(&clf.w, view, &data.y[i..i + 1], &h, &mut ws, &mut g);
    // loss_grad leaves ∂L_i/∂s in its workspace scores (N = 1, so no 1/N scaling there)
    let ds = ws.scores.row(0).to_vec();
    (scores, e.data_loss, ds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;
    use crate::loss::{Hyper, LossKind};
    use std::rc::Rc;

    #[test]
    fn example_terms_follow_the_lecture_formula() {
        // scores (0.2, 1.3, 0.0) with y = 0 (worked in loss.rs): both margins active
        let d = Dataset::from_arrays(&[1.0, 2.0, -1.0, 0.5, 0.0, -2.0], &[0, 1, 2], 2, 3, "hand").unwrap();
        let mut c = Classifier::new(Rc::new(d), Hyper::default());
        c.set_weights(&[0.5, -0.2, 0.1, -0.3, 0.8, 0.0, 0.2, 0.1, -0.4]).unwrap();
        let (s, l, ds) = example_terms(&c, 0);
        assert!((s[1] - 1.3).abs() < 1e-12 && (l - 2.9).abs() < 1e-12);
        assert_eq!(ds, vec![-2.0, 1.0, 1.0]);
        // example 2: margin of class 1 is exactly 0 → inactive
        let (_, l, ds) = example_terms(&c, 2);
        assert!((l - 2.1).abs() < 1e-12);
        assert_eq!(ds, vec![1.0, 0.0, -1.0]);
    }

    #[test]
    fn full_batch_gradients_land_on_the_full_gradient_and_small_batches_scatter_around_it() {
        let d = Dataset::spiral(40, 3, 1).unwrap();
        let mut c = Classifier::new(Rc::new(d), Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
        c.randomize(2, 1.0);
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
}
