//! What the notebook shows about one W that training itself does not need: one example's
//! gradient terms (scores, margins or probabilities, ∂L_i/∂s), and mini-batch gradients seen
//! on a plane for the SGD section. (The slice directions live in [`crate::landscape`].)

use crate::data::sample_batch;
use crate::landscape::{dot, norm, orthogonal_direction};
use crate::loss::{loss_grad, loss_grad_by_design, Classifier, LossKind, Workspace};
use crate::rng::Rng;
use ndarray::Array2;

/// Mini-batch gradients seen on a plane: e1 = g / ‖g‖ along the full gradient g, e2 a seeded
/// random unit direction orthogonal to it ([`orthogonal_direction`]). Returns ‖g‖ (the full
/// gradient sits at (‖g‖, 0)) and, for each of `count` seeded mini-batches of `batch` examples,
/// the coordinates (⟨g_b, e1⟩, ⟨g_b, e2⟩) of its gradient g_b, flattened [x0, y0, x1, y1, …].
pub fn batch_gradient_scatter(clf: &Classifier, batch: usize, count: usize, seed: u64) -> (f64, Vec<f64>) {
    let data = clf.data.clone();
    let mut ws = Workspace::default();
    let mut g = Array2::zeros(clf.w.dim());
    loss_grad_by_design(&clf.w, &clf.design(), &clf.hyper, &mut ws, &mut g);
    let g_norm = norm(&g);
    let mut rng = Rng::new(seed);
    let mut e1 = g.clone();
    if g_norm > 0.0 {
        e1 /= g_norm;
    }
    let e2 = orthogonal_direction(&e1, &mut rng);
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
        out.push(dot(&gb, &e1));
        out.push(dot(&gb, &e2));
    }
    (g_norm, out)
}

/// One example's part of the loss and the gradient, as the page explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleTerms {
    pub kind: LossKind,
    /// The SVM margin Δ of the settings (unused by softmax).
    pub delta: f64,
    /// s_j = w_j · x_i, C values.
    pub scores: Vec<f64>,
    /// L_i (no regulariser).
    pub loss: f64,
    /// ∂L_i/∂s_j: SVM 1 for each active margin j ≠ y_i, −(number active) for y_i, else 0;
    /// softmax p_j − 1(j = y_i). Then ∇_{w_j} L_i = (∂L_i/∂s_j) · x_i.
    pub dscores: Vec<f64>,
    /// SVM: s_j − s_{y_i} + Δ for j ≠ y_i, NaN for j = y_i. Softmax: all NaN.
    pub margins: Vec<f64>,
    /// SVM: margin_j > 0 (j ≠ y_i), the hinges that count. Softmax: all false.
    pub active: Vec<bool>,
    /// Softmax: p_j = e^{s_j − m} / Σ_l e^{s_l − m}, m = max_l s_l (shifted for stability).
    /// SVM: all NaN.
    pub probabilities: Vec<f64>,
}

/// Example i's terms at the classifier's W.
pub fn example_terms(clf: &Classifier, i: usize) -> ExampleTerms {
    let data = &clf.data;
    let x = data.xa.row(i);
    let yi = data.y[i];
    let scores: Vec<f64> = clf.w.rows().into_iter().map(|w| w.dot(&x)).collect();
    let view = data.xa.slice(ndarray::s![i..i + 1, ..]);
    let mut ws = Workspace::default();
    let mut g = Array2::zeros(clf.w.dim());
    let mut h = clf.hyper;
    h.reg = 0.0;
    let e = loss_grad(&clf.w, view, &data.y[i..i + 1], &h, &mut ws, &mut g);
    // loss_grad leaves ∂L_i/∂s in its workspace scores (N = 1, so no 1/N scaling there)
    let dscores = ws.scores.row(0).to_vec();
    let c = scores.len();
    let (margins, active, probabilities) = match h.kind {
        LossKind::Svm => {
            // margin_j = s_j − s_{y_i} + Δ, active when > 0 (j ≠ y_i)
            let m: Vec<f64> = (0..c).map(|j| if j == yi { f64::NAN } else { scores[j] - scores[yi] + h.delta }).collect();
            let a = m.iter().map(|&v| v > 0.0).collect();
            (m, a, vec![f64::NAN; c])
        }
        LossKind::Softmax => {
            // p_j = e^{s_j − m} / Σ_l e^{s_l − m}
            let mx = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let ex: Vec<f64> = scores.iter().map(|&s| (s - mx).exp()).collect();
            let z: f64 = ex.iter().sum();
            (vec![f64::NAN; c], vec![false; c], ex.iter().map(|v| v / z).collect())
        }
    };
    ExampleTerms { kind: h.kind, delta: h.delta, scores, loss: e.data_loss, dscores, margins, active, probabilities }
}
