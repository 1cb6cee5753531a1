//! The linear classifier and its losses.
//!
//! Scores use the bias trick: `s_i = W·[x_i; 1]`, W is C × (D + 1), its last column the bias.
//! The full loss is the assignment's
//!
//! `L(W) = (1/N) Σ_i L_i + reg · Σ_{j,k} W_{j,k}²`,
//!
//! where the regularisation sum runs over **every** entry of W, bias column included (this is
//! what the CS231n assignment's code does through the bias trick).

use crate::data::Dataset;
use crate::design::{dense_scores_into, Design};
use ndarray::{Array2, ArrayView2, Axis};
use std::cell::RefCell;
use std::rc::Rc;

/// Which data loss L_i to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossKind {
    /// Multiclass SVM (Weston–Watkins): L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + Δ).
    Svm,
    /// Softmax cross-entropy: L_i = −log(e^{s_{y_i}} / Σ_j e^{s_j}).
    Softmax,
}

impl LossKind {
    /// Every loss, in the order the page lists them.
    pub const ALL: [LossKind; 2] = [LossKind::Svm, LossKind::Softmax];

    /// The JS name: "svm" or "softmax".
    pub fn name(&self) -> &'static str {
        match self {
            LossKind::Svm => "svm",
            LossKind::Softmax => "softmax",
        }
    }

    /// The loss whose [`LossKind::name`] is `s`.
    pub fn parse(s: &str) -> Option<LossKind> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Loss hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    pub kind: LossKind,
    /// L2 strength `reg` in `reg · Σ W²` (≥ 0).
    pub reg: f64,
    /// SVM margin Δ (> 0); unused by softmax.
    pub delta: f64,
}

impl Default for Hyper {
    fn default() -> Self {
        Hyper { kind: LossKind::Svm, reg: 0.0, delta: 1.0 }
    }
}

/// SVM loss of one example from its score row: Σ_{j≠y} max(0, s_j − s_y + Δ).
#[inline]
pub fn svm_row(s: &[f64], y: usize, delta: f64) -> f64 {
    let sy = s[y];
    let mut l = 0.0;
    for (j, &sj) in s.iter().enumerate() {
        if j != y {
            let m = sj - sy + delta;
            if m > 0.0 {
                l += m;
            }
        }
    }
    l
}

/// Softmax loss of one example, shifted by the max score for stability:
/// L_i = log Σ_j e^{s_j − m} − (s_y − m), m = max_j s_j.
#[inline]
pub fn softmax_row(s: &[f64], y: usize) -> f64 {
    let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = s.iter().map(|&v| (v - m).exp()).sum();
    z.ln() - (s[y] - m)
}

#[inline]
pub fn row_loss(kind: LossKind, s: &[f64], y: usize, delta: f64) -> f64 {
    match kind {
        LossKind::Svm => svm_row(s, y, delta),
        LossKind::Softmax => softmax_row(s, y),
    }
}

/// Index of the largest score (the first one on a tie; NaN scores are never taken after the
/// first).
#[inline]
pub fn argmax(s: &[f64]) -> usize {
    // the best value is carried along rather than read back as s[best]: reading it back puts
    // a load on the chain from one comparison to the next (measured in wasm: the SVM's pass
    // over 1797 rows of 10 scores took 48 µs with it, 41 µs without)
    let (mut best, mut top) = (0, s.first().copied().unwrap_or(f64::NAN));
    for (j, &v) in s.iter().enumerate().skip(1) {
        if v > top {
            best = j;
            top = v;
        }
    }
    best
}

/// Σ W² over every entry.
pub fn sum_sq(w: &Array2<f64>) -> f64 {
    w.iter().map(|v| v * v).sum()
}

/// Y ← Y + a·X, entry by entry (what ndarray's `scaled_add` does, the same operations, without
/// its general strided and broadcasting code: ~4 KB of wasm for each of it and `assign`).
/// Panics unless X has Y's shape.
pub fn add_scaled(y: &mut Array2<f64>, a: f64, x: &Array2<f64>) {
    assert_eq!(y.dim(), x.dim(), "add_scaled: shapes");
    for (v, &u) in y.iter_mut().zip(x.iter()) {
        *v += a * u;
    }
}

/// Y ← X, entry by entry (ndarray's `assign`, see [`add_scaled`]). Panics unless X has Y's shape.
pub fn copy_into(y: &mut Array2<f64>, x: &Array2<f64>) {
    assert_eq!(y.dim(), x.dim(), "copy_into: shapes");
    for (v, &u) in y.iter_mut().zip(x.iter()) {
        *v = u;
    }
}

/// Loss value, its data part and the accuracy at one W.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Eval {
    /// Full loss (1/N) Σ L_i + reg Σ W².
    pub loss: f64,
    /// Data loss (1/N) Σ L_i.
    pub data_loss: f64,
    /// Fraction of examples whose highest score is their label.
    pub accuracy: f64,
}

/// Reusable buffers for loss and gradient evaluation (no allocation in the inner loop).
#[derive(Default, Clone, Debug)]
pub struct Workspace {
    /// N × C scores, then overwritten with ∂L/∂S by `loss_grad`.
    pub scores: Array2<f64>,
    /// Wᵀ, (D + 1) × C row-major, for the score kernel; then dWᵀ for the gradient kernel.
    wt: Vec<f64>,
}

impl Workspace {
    pub(crate) fn ensure(&mut self, n: usize, c: usize) {
        if self.scores.dim() != (n, c) {
            self.scores = Array2::zeros((n, c));
        }
    }
}


/// Scores S = Xa · Wᵀ (N × C) into `ws.scores`.
pub fn scores_into(w: &Array2<f64>, xa: ArrayView2<f64>, ws: &mut Workspace) {
    let (c, d1) = w.dim();
    ws.ensure(xa.nrows(), c);
    ws.wt.resize(c * d1, 0.0);
    for ((j, k), &v) in w.indexed_iter() {
        ws.wt[k * c + j] = v;
    }
    let out = ws.scores.as_slice_mut().expect("scores are contiguous");
    // the dense layout's kernel (rows as they are, zeros not skipped: the branch measured
    // slower in wasm than the multiply-adds it saves; the Design skips them by leaving them out)
    match xa.as_slice() {
        Some(x) => dense_scores_into(x, d1, &ws.wt, c, out),
        None => dense_scores_into(xa.to_owned().as_slice().expect("an owned array is contiguous"), d1, &ws.wt, c, out),
    }
}

/// dW = scale · dSᵀ · Xa with dS in `ws.scores` (C × (D + 1) into `dw`):
/// row j of dW gets dS_ij · x_i for each example i with dS_ij ≠ 0 only. For the SVM most
/// dS_ij are 0 once most margins are inactive (and a whole example with no active margin
/// adds nothing), so this costs O(active margins · D) instead of O(N · C · D).
fn grad_into(xa: ArrayView2<f64>, ws: &mut Workspace, scale: f64, dw: &mut Array2<f64>) {
    let (c, d1) = dw.dim();
    dw.fill(0.0);
    let ds = ws.scores.as_slice().expect("scores are contiguous");
    let out = dw.as_slice_mut().expect("dW is contiguous");
    match xa.as_slice() {
        Some(x) => {
            for (row, g) in x.chunks_exact(d1).zip(ds.chunks_exact(c)) {
                for (j, &gj) in g.iter().enumerate() {
                    if gj != 0.0 {
                        // ∇_{w_j} += dS_ij · x_i
                        for (o, &v) in out[j * d1..(j + 1) * d1].iter_mut().zip(row) {
                            *o += gj * v;
                        }
                    }
                }
            }
        }
        None => {
            for (row, g) in xa.rows().into_iter().zip(ds.chunks_exact(c)) {
                for (j, &gj) in g.iter().enumerate() {
                    if gj != 0.0 {
                        for (o, &v) in out[j * d1..(j + 1) * d1].iter_mut().zip(row.iter()) {
                            *o += gj * v;
                        }
                    }
                }
            }
        }
    }
    out.iter_mut().for_each(|v| *v *= scale);
}

/// Loss and accuracy at W on the rows `xa`, labels `y`.
pub fn evaluate(w: &Array2<f64>, xa: ArrayView2<f64>, y: &[usize], h: &Hyper, ws: &mut Workspace) -> Eval {
    scores_into(w, xa, ws);
    evaluate_scored(w, y, h, ws)
}

/// [`evaluate`] when `ws.scores` already holds the scores of W.
pub fn evaluate_scored(w: &Array2<f64>, y: &[usize], h: &Hyper, ws: &Workspace) -> Eval {
    let n = y.len();
    let mut sum = 0.0;
    let mut correct = 0usize;
    for (i, row) in ws.scores.axis_iter(Axis(0)).enumerate() {
        let s = row.as_slice().expect("scores are contiguous");
        sum += row_loss(h.kind, s, y[i], h.delta);
        if argmax(s) == y[i] {
            correct += 1;
        }
    }
    let data_loss = sum / n as f64;
    Eval { loss: data_loss + h.reg * sum_sq(w), data_loss, accuracy: correct as f64 / n as f64 }
}

/// Loss, accuracy and the analytic gradient dW (written into `dw`, C × (D + 1)).
///
/// SVM, for each example i and each class j ≠ y_i with margin s_j − s_{y_i} + Δ > 0:
///   ∇_{w_j} L_i += x_i   and   ∇_{w_{y_i}} L_i −= x_i
/// (so ∇_{w_{y_i}} L_i = −(Σ_{j≠y_i} 1(margin_j > 0)) · x_i, as in the lecture).
/// Softmax: ∇_{w_j} L_i = (p_j − 1(j = y_i)) · x_i with p = softmax(s_i).
/// Then dW = (1/N) Σ_i ∇L_i + 2·reg·W.
pub fn loss_grad(
    w: &Array2<f64>,
    xa: ArrayView2<f64>,
    y: &[usize],
    h: &Hyper,
    ws: &mut Workspace,
    dw: &mut Array2<f64>,
) -> Eval {
    scores_into(w, xa, ws);
    loss_grad_from_scores(w, xa, y, h, ws, dw)
}

/// S = Xa·Wᵀ into `ws.scores` by the data's [`Design`]: its rows without their zeros or its
/// table of products (the digits), the same terms added in the same order as
/// [`scores_into`], so the same bits, in about a third of the time on the digits.
fn scores_by_design(w: &Array2<f64>, design: &Design, ws: &mut Workspace) {
    let (c, d1) = w.dim();
    ws.ensure(design.rows(), c);
    ws.wt.resize(c * d1, 0.0);
    for ((j, k), &v) in w.indexed_iter() {
        ws.wt[k * c + j] = v;
    }
    design.scores(&ws.wt, c, ws.scores.as_slice_mut().expect("scores are contiguous"));
}

/// [`evaluate`] on the whole data set of `design`, its scores by [`scores_by_design`].
pub fn evaluate_by_design(w: &Array2<f64>, design: &Design, h: &Hyper, ws: &mut Workspace) -> Eval {
    scores_by_design(w, design, ws);
    evaluate_scored(w, &design.data.y, h, ws)
}

/// [`loss_grad`] on the whole data set of `design`, its scores by [`scores_by_design`].
pub fn loss_grad_by_design(w: &Array2<f64>, design: &Design, h: &Hyper, ws: &mut Workspace, dw: &mut Array2<f64>) -> Eval {
    scores_by_design(w, design, ws);
    loss_grad_from_scores(w, design.data.xa.view(), &design.data.y, h, ws, dw)
}

/// [`loss_grad`] when `ws.scores` already holds the scores Xa·Wᵀ of this W on these rows
/// (gradient descent reuses the scores computed to report the loss after the previous step).
pub fn loss_grad_from_scores(
    w: &Array2<f64>,
    xa: ArrayView2<f64>,
    y: &[usize],
    h: &Hyper,
    ws: &mut Workspace,
    dw: &mut Array2<f64>,
) -> Eval {
    let (sum, correct) = scores_to_dscores(y, h, ws);
    let n = y.len();
    if dw.dim() != w.dim() {
        *dw = Array2::zeros(w.dim());
    }
    // dW = dSᵀ · Xa / N + 2·reg·W
    grad_into(xa, ws, 1.0 / n as f64, dw);
    finish_grad(w, h, dw, sum, correct, n)
}

fn finish_grad(w: &Array2<f64>, h: &Hyper, dw: &mut Array2<f64>, sum: f64, correct: usize, n: usize) -> Eval {
    if h.reg != 0.0 {
        add_scaled(dw, 2.0 * h.reg, w);
    }
    let data_loss = sum / n as f64;
    Eval { loss: data_loss + h.reg * sum_sq(w), data_loss, accuracy: correct as f64 / n as f64 }
}

/// Overwrites each score row with ∂L_i/∂s (dS), returning Σ_i L_i and the number correct.
fn scores_to_dscores(y: &[usize], h: &Hyper, ws: &mut Workspace) -> (f64, usize) {
    let mut sum = 0.0;
    let mut correct = 0usize;
    // Overwrite each score row with ∂L_i/∂s (dS), computing L_i on the way.
    for (i, mut row) in ws.scores.axis_iter_mut(Axis(0)).enumerate() {
        let s = row.as_slice_mut().expect("scores are contiguous");
        let yi = y[i];
        if argmax(s) == yi {
            correct += 1;
        }
        match h.kind {
            LossKind::Svm => {
                let sy = s[yi];
                let mut active = 0.0;
                for j in 0..s.len() {
                    if j == yi {
                        continue;
                    }
                    let m = s[j] - sy + h.delta;
                    // 1(s_j − s_{y_i} + Δ > 0)
                    if m > 0.0 {
                        sum += m;
                        s[j] = 1.0;
                        active += 1.0;
                    } else {
                        s[j] = 0.0;
                    }
                }
                s[yi] = -active;
            }
            LossKind::Softmax => {
                let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let sy_shifted = s[yi] - m;
                let mut z = 0.0;
                for v in s.iter_mut() {
                    *v = (*v - m).exp();
                    z += *v;
                }
                // L_i = log Σ_j e^{s_j − m} − (s_{y_i} − m)
                sum += z.ln() - sy_shifted;
                for v in s.iter_mut() {
                    *v /= z;
                }
                s[yi] -= 1.0;
            }
        }
    }
    (sum, correct)
}

/// A linear classifier on a data set: the weights and the loss settings.
#[derive(Clone, Debug)]
pub struct Classifier {
    pub data: Rc<Dataset>,
    pub hyper: Hyper,
    /// C × (D + 1), last column the bias.
    pub w: Array2<f64>,
    /// Bumped whenever W or the hyperparameters are replaced from outside an algorithm,
    /// so that cached state (a gradient stepper) can tell it is stale.
    pub version: u64,
    ws: Workspace,
    /// The data arranged for full-batch products, built on first use (see [`Classifier::design`]).
    design: RefCell<Option<Rc<Design>>>,
}

impl Classifier {
    /// A classifier with W = 0.
    pub fn new(data: Rc<Dataset>, hyper: Hyper) -> Self {
        let w = Array2::zeros((data.classes, data.dims() + 1));
        Classifier { data, hyper, w, version: 0, ws: Workspace::default(), design: RefCell::new(None) }
    }

    /// The data set arranged for full-batch products (zeros left out when there are many),
    /// built once per data set and shared by gradient descent and the numerical gradient.
    ///
    /// Every classifier on the same data set shares one (the page's sections each have their
    /// own classifier; the digits' arrangement takes ~1.5 ms in wasm).
    pub fn design(&self) -> Rc<Design> {
        let mut slot = self.design.borrow_mut();
        if let Some(d) = &*slot {
            if Rc::ptr_eq(&d.data, &self.data) {
                return d.clone();
            }
        }
        let shared = self.data.design.borrow().upgrade().filter(|d| Rc::ptr_eq(&d.data, &self.data));
        let d = shared.unwrap_or_else(|| {
            let d = Rc::new(Design::new(self.data.clone()));
            *self.data.design.borrow_mut() = Rc::downgrade(&d);
            d
        });
        *slot = Some(d.clone());
        d
    }

    pub fn rows(&self) -> usize {
        self.w.nrows()
    }

    pub fn cols(&self) -> usize {
        self.w.ncols()
    }

    /// Replaces W (row-major C × (D + 1)).
    pub fn set_weights(&mut self, w: &[f64]) -> Result<(), String> {
        let want = self.rows() * self.cols();
        if w.len() != want {
            return Err(format!(
                "weights must have rows × cols = {} × {} = {} values, got {}",
                self.rows(),
                self.cols(),
                want,
                w.len()
            ));
        }
        if let Some(i) = w.iter().position(|v| !v.is_finite()) {
            return Err(format!("weights[{i}] must be a finite number, got {}", crate::jsnum::js_number(w[i])));
        }
        self.w.as_slice_mut().expect("W is contiguous").copy_from_slice(w);
        self.version += 1;
        Ok(())
    }

    /// W ~ scale · N(0, 1), seeded.
    pub fn randomize(&mut self, seed: u64, scale: f64) {
        let mut rng = crate::rng::Rng::new(seed);
        rng.fill_normal(self.w.as_slice_mut().expect("W is contiguous"), scale);
        self.version += 1;
    }

    pub fn evaluate(&mut self) -> Eval {
        evaluate_by_design(&self.w, &self.design(), &self.hyper, &mut self.ws)
    }

    pub fn loss(&mut self) -> f64 {
        self.evaluate().loss
    }

    pub fn accuracy(&mut self) -> f64 {
        self.evaluate().accuracy
    }

    /// The analytic gradient dW, C × (D + 1).
    pub fn gradient(&mut self) -> Array2<f64> {
        let mut dw = Array2::zeros(self.w.dim());
        loss_grad_by_design(&self.w, &self.design(), &self.hyper, &mut self.ws, &mut dw);
        dw
    }

    /// For 2-D data, the predicted class argmax_j s_j at each point of an `n` × `n` grid over
    /// [x0, x1] × [y0, y1]: row-major, row r ↔ y = y0 + (y1 − y0)·r/(n − 1) ascending, column
    /// q ↔ x = x0 + (x1 − x0)·q/(n − 1) ascending (n = 1: the point (x0, y0)), with
    /// s_j = W[j,0]·x + W[j,1]·y + W[j,2] (the bias trick). Ties go to the lower class.
    /// Errors if the data set does not have exactly 2 features.
    pub fn predict_grid(&self, (x0, x1): (f64, f64), (y0, y1): (f64, f64), n: usize) -> Result<Vec<u8>, String> {
        if self.data.dims() != 2 {
            return Err(format!("a 2-D data set is needed; this one has {} features", self.data.dims()));
        }
        let at = |a: f64, b: f64, i: usize| if n > 1 { a + (b - a) * i as f64 / (n - 1) as f64 } else { a };
        let mut out = Vec::with_capacity(n * n);
        let mut s = vec![0.0; self.rows()];
        for r in 0..n {
            let y = at(y0, y1, r);
            for q in 0..n {
                let x = at(x0, x1, q);
                // s_j = w_j · [x, y, 1]
                for (j, sj) in s.iter_mut().enumerate() {
                    *sj = self.w[[j, 0]] * x + self.w[[j, 1]] * y + self.w[[j, 2]];
                }
                out.push(argmax(&s) as u8);
            }
        }
        Ok(out)
    }

    /// The loss at W with entry (j, k) replaced by `value`, by full recomputation — the
    /// lecture's literal f(x + h). W is restored afterwards.
    pub fn loss_with(&mut self, j: usize, k: usize, value: f64) -> f64 {
        let old = self.w[[j, k]];
        self.w[[j, k]] = value;
        let l = self.loss();
        self.w[[j, k]] = old;
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy_classifier(kind: LossKind, reg: f64) -> Classifier {
        // 3 examples, 2 features, 3 classes: small enough to work by hand.
        let f = [1.0, 2.0, -1.0, 0.5, 0.0, -2.0];
        let d = Dataset::from_arrays(&f, &[0, 1, 2], 2, 3, "hand").unwrap();
        let mut c = Classifier::new(Rc::new(d), Hyper { kind, reg, delta: 1.0 });
        // rows: class 0, 1, 2; columns: x1, x2, bias
        c.set_weights(&[0.5, -0.2, 0.1, -0.3, 0.8, 0.0, 0.2, 0.1, -0.4]).unwrap();
        c
    }

    #[test]
    fn svm_loss_matches_hand_worked_value() {
        // scores by hand (s = W·[x;1]):
        // x0 = (1, 2):   s = (0.5−0.4+0.1, −0.3+1.6, 0.2+0.2−0.4) = (0.2, 1.3, 0.0), y = 0
        //   L0 = max(0, 1.3−0.2+1) + max(0, 0−0.2+1) = 2.1 + 0.8 = 2.9
        // x1 = (−1, .5): s = (−0.5−0.1+0.1, 0.3+0.4, −0.2+0.05−0.4) = (−0.5, 0.7, −0.55), y = 1
        //   L1 = max(0, −0.5−0.7+1) + max(0, −0.55−0.7+1) = 0 + 0 = 0
        // x2 = (0, −2):  s = (0.4+0.1, −1.6, −0.2−0.4) = (0.5, −1.6, −0.6), y = 2
        //   L2 = max(0, 0.5+0.6+1) + max(0, −1.6+0.6+1) = 2.1 + 0 (margin exactly 0) = 2.1
        // L = (2.9 + 0 + 2.1) / 3 = 5/3
        let mut c = toy_classifier(LossKind::Svm, 0.0);
        assert!((c.loss() - 5.0 / 3.0).abs() < 1e-12, "{}", c.loss());
        // accuracy: argmax(x0) = 1 ≠ 0, argmax(x1) = 1 ✓, argmax(x2) = 0 ≠ 2 → 1/3
        assert!((c.accuracy() - 1.0 / 3.0).abs() < 1e-15);
        // with reg = 0.1: Σ W² = .25+.04+.01+.09+.64+0+.04+.01+.16 = 1.24
        c.hyper.reg = 0.1;
        assert!((c.loss() - (5.0 / 3.0 + 0.124)).abs() < 1e-12);
    }

    #[test]
    fn svm_gradient_matches_hand_worked_value() {
        // From the scores above, active margins: x0: classes 1 and 2 (y=0) ; x2: class 0 (y=2).
        // dW row 0: −2·[1,2,1] (x0, two active) + [0,−2,1] (x2, j=0 active) = [−2, −6, −1]
        // dW row 1: +[1,2,1]                                            = [ 1,  2,  1]
        // dW row 2: +[1,2,1] (x0) − 1·[0,−2,1] (x2, one active)           = [ 1,  4,  0]
        // divided by N = 3.
        let mut c = toy_classifier(LossKind::Svm, 0.0);
        let g = c.gradient();
        let want = [-2.0, -6.0, -1.0, 1.0, 2.0, 1.0, 1.0, 4.0, 0.0];
        for (a, b) in g.iter().zip(want.iter()) {
            assert!((a - b / 3.0).abs() < 1e-12, "{g:?}");
        }
    }

    #[test]
    fn softmax_loss_matches_hand_worked_value() {
        // L_i = log Σ e^{s_j} − s_{y_i}, with the scores worked out above.
        let rows = [([0.2, 1.3, 0.0], 0usize), ([-0.5, 0.7, -0.55], 1), ([0.5, -1.6, -0.6], 2)];
        let mut want = 0.0;
        for (s, y) in rows {
            let z: f64 = s.iter().map(|v: &f64| v.exp()).sum();
            want += z.ln() - s[y];
        }
        want /= 3.0;
        let mut c = toy_classifier(LossKind::Softmax, 0.0);
        assert!((c.loss() - want).abs() < 1e-12);
        // a value worked on paper: example 0 alone, e^.2 + e^1.3 + e^0 = 1.2214+3.6693+1 = 5.8907,
        // log 5.8907 − 0.2 = 1.5733
        assert!((softmax_row(&[0.2, 1.3, 0.0], 0) - 1.5733).abs() < 1e-4);
    }

    #[test]
    fn softmax_is_stable_for_huge_scores() {
        let l = softmax_row(&[1000.0, 0.0, -1000.0], 0);
        assert!(l.is_finite() && l.abs() < 1e-12);
        let l = softmax_row(&[1000.0, 0.0, -1000.0], 2);
        assert!((l - 2000.0).abs() < 1e-9);
    }

    #[test]
    fn svm_with_equal_scores_is_c_minus_1_times_delta() {
        // W = 0 → every score 0 → every margin Δ → L_i = (C − 1)·Δ: the lecture's sanity check.
        let d = Dataset::digits();
        let mut c = Classifier::new(Rc::new(d), Hyper::default());
        assert!((c.loss() - 9.0).abs() < 1e-12);
        c.hyper.kind = LossKind::Softmax;
        assert!((c.loss() - 10f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn reg_gradient_is_two_reg_w() {
        let mut a = toy_classifier(LossKind::Softmax, 0.0);
        let mut b = toy_classifier(LossKind::Softmax, 0.3);
        let ga = a.gradient();
        let gb = b.gradient();
        let diff = &gb - &ga;
        let want = &b.w * 0.6;
        for (x, y) in diff.iter().zip(want.iter()) {
            assert!((x - y).abs() < 1e-14);
        }
    }

    #[test]
    fn set_weights_validates() {
        let mut c = toy_classifier(LossKind::Svm, 0.0);
        let e = c.set_weights(&[1.0; 4]).unwrap_err();
        assert!(e.contains("9"), "{e}");
        let mut w = [0.0; 9];
        w[4] = f64::INFINITY;
        let e = c.set_weights(&w).unwrap_err();
        assert!(e.contains("weights[4]"), "{e}");
    }
}
