//! The numerical gradient by finite differences, as the lecture does it: for each coordinate
//! of W in turn, remember the old value, add h, evaluate f, take the slope, restore the old
//! value, go to the next coordinate. Forward difference (f(x+h) − f(x)) / h (the lecture,
//! h = 1e-5) or centered (f(x+h) − f(x−h)) / 2h (the assignment's gradient check).
//!
//! Bumping W[j,k] changes only class j's scores, by h·x_{ik}; so f(x + h) is computed from
//! cached scores in O(N) per coordinate instead of O(N·D·C) for a full recomputation
//! ([`BumpCache`]). For the SVM it goes further: every hinge max(0, m) is linear in the bump
//! unless the bump carries its margin m across 0, which only a hinge with |m| ≤ |d|·max_k|x_ik|
//! can do. So f(x + d) − f(x) = d·Σ_i c_ij·x_ik (the same sum as the analytic gradient, with
//! c_ij the hinge-activity coefficients) plus an exact correction over the few hinges near
//! their kink; O(1 + near) per coordinate ([`BumpCache::prepare`]). The correction is the
//! exact max(0, m + δ) − max(0, m) of each such hinge, so the value is f(x + d) itself, not the
//! analytic gradient: a coordinate whose bump crosses a kink gets the kinked finite difference,
//! as the lecture's loop would. [`numerical_gradient_plain`] is the literal recomputing loop,
//! kept as the reference the fast paths are tested against.

use crate::data::Dataset;
use crate::design::Design;
use crate::loss::{sum_sq, Classifier, LossKind};
use ndarray::Array2;
use std::rc::Rc;

/// A hinge of the SVM that a bump of some class moves: example i, its margin m at W, and
/// whether the bumped class is the hinge's own class l (+1: m moves by +δ) or the example's
/// label y_i (−1: m moves by −δ).
#[derive(Clone, Copy, Debug)]
struct Hinge {
    i: u32,
    sign: f64,
    m: f64,
}

/// The SVM's linearised bump (see the module notes), valid for bumps |d| ≤ `reach`.
#[derive(Clone, Debug)]
struct SvmLinear {
    reach: f64,
    /// C × (D + 1), row-major: Σ_i c_ij·x_ik with c_ij = [m_ij > 0] for j ≠ y_i and
    /// −#{l ≠ y_i : m_il > 0} for j = y_i, so that the hinges' linear change is d·lin[j,k].
    lin: Vec<f64>,
    /// For each class j, the hinges a bump of class j moves whose margin is within
    /// reach·max_k|x_ik| of 0: the only ones that can switch.
    near: Vec<Vec<Hinge>>,
}

/// Xa by columns with its zeros left out: column k is `rows[start[k]..start[k + 1]]` with values
/// in `vals` (bumping W[j,k] moves only the examples with x_ik ≠ 0; the digits are half blank).
#[derive(Clone, Debug)]
struct Columns {
    start: Vec<u32>,
    rows: Vec<u32>,
    vals: Vec<f64>,
}

impl Columns {
    fn new(data: &Dataset) -> Columns {
        let d1 = data.xa.ncols();
        // columns of Xa without zeros, built in two passes over its (contiguous) rows
        let mut start = vec![0u32; d1 + 1];
        for row in data.xa.rows() {
            for (k, &x) in row.iter().enumerate() {
                start[k + 1] += (x != 0.0) as u32;
            }
        }
        for k in 0..d1 {
            start[k + 1] += start[k];
        }
        let nnz = start[d1] as usize;
        let (mut rows, mut vals) = (vec![0u32; nnz], vec![0.0; nnz]);
        let mut fill: Vec<u32> = start[..d1].to_vec();
        for (i, row) in data.xa.rows().into_iter().enumerate() {
            for (k, &x) in row.iter().enumerate() {
                if x != 0.0 {
                    let at = fill[k] as usize;
                    rows[at] = i as u32;
                    vals[at] = x;
                    fill[k] += 1;
                }
            }
        }
        Columns { start, rows, vals }
    }
}

/// Scores and per-example quantities at one W, for O(N) loss updates after a one-coordinate bump.
#[derive(Clone, Debug)]
pub struct BumpCache {
    n: usize,
    c: usize,
    kind: LossKind,
    reg: f64,
    /// N × C scores at W.
    scores: Vec<f64>,
    /// N × C: SVM margins s_l − s_{y_i} + Δ (the entry l = y_i unused);
    /// softmax probabilities p_l.
    per_class: Vec<f64>,
    /// Labels.
    y: Vec<u32>,
    /// Xa by columns with its zeros left out, built on first use (the SVM's linearised bump
    /// needs it only for bumps beyond its reach).
    columns: std::cell::OnceCell<Columns>,
    /// Σ_i L_i at W.
    data_sum: f64,
    /// Σ W² at W.
    sum_sq: f64,
    /// f(x) = L(W), exactly as `Classifier::loss` computes it.
    pub fx: f64,
    /// The data (for x_ik of the few hinges near their kink).
    data: Rc<Dataset>,
    /// The data arranged for the products S = Xa·Wᵀ and Xaᵀ·dS.
    design: Rc<Design>,
    /// SVM only, after [`BumpCache::prepare`].
    svm: Option<SvmLinear>,
}

impl BumpCache {
    pub fn new(clf: &mut Classifier) -> Self {
        let data = clf.data.clone();
        let (n, c) = (data.len(), clf.rows());
        // S = Xa·Wᵀ skipping the zeros of Xa: each s_ij adds the same nonzero terms in the same
        // order as `evaluate`, so fx is bit for bit L(W)
        let design = clf.design();
        let mut wt = vec![0.0; clf.w.len()];
        for ((j, k), &v) in clf.w.indexed_iter() {
            wt[k * c + j] = v;
        }
        let mut scores = vec![0.0; n * c];
        design.scores(&wt, c, &mut scores);
        let mut per_class = vec![0.0; n * c];
        let mut data_sum = 0.0;
        for i in 0..n {
            let row = &scores[i * c..(i + 1) * c];
            let yi = data.y[i];
            data_sum += crate::loss::row_loss(clf.hyper.kind, row, yi, clf.hyper.delta);
            let out = &mut per_class[i * c..(i + 1) * c];
            match clf.hyper.kind {
                LossKind::Svm => {
                    for l in 0..c {
                        out[l] = row[l] - row[yi] + clf.hyper.delta;
                    }
                }
                LossKind::Softmax => {
                    let m = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let z: f64 = row.iter().map(|v| (v - m).exp()).sum();
                    for l in 0..c {
                        out[l] = (row[l] - m).exp() / z;
                    }
                }
            }
        }
        let sum_sq = sum_sq(&clf.w);
        let fx = data_sum / n as f64 + clf.hyper.reg * sum_sq;
        BumpCache {
            n,
            c,
            kind: clf.hyper.kind,
            reg: clf.hyper.reg,
            scores,
            per_class,
            y: data.y.iter().map(|&v| v as u32).collect(),
            columns: std::cell::OnceCell::new(),
            data_sum,
            sum_sq,
            fx,
            data,
            design,
            svm: None,
        }
    }

    /// SVM: gets bumps of size |d| ≤ `reach` ready to cost O(1 + hinges near their kink) per
    /// coordinate instead of a pass over the column (O(N·C + N·(D+1)·C) once). Larger bumps,
    /// and softmax, keep the column pass. Results are the same either way, to round-off.
    pub fn prepare(&mut self, reach: f64) {
        if self.kind != LossKind::Svm || !(reach.is_finite() && reach > 0.0) {
            return;
        }
        let (n, c) = (self.n, self.c);
        let xa = self.data.xa.view();
        let d1 = xa.ncols();
        // the hinge-activity coefficients c_il as a "dS" matrix, then lin = dSᵀ·Xa by the
        // gradient product (which skips the zeros)
        let mut coef = vec![0.0; n * c];
        let mut near: Vec<Vec<Hinge>> = vec![Vec::new(); c];
        {
            for i in 0..n {
                let yi = self.y[i] as usize;
                let m = &self.per_class[i * c..(i + 1) * c];
                let xmax = xa.row(i).iter().fold(0.0f64, |a, &x| a.max(x.abs()));
                // with |δ| ≤ reach·xmax, a hinge can switch only if |m| ≤ |δ|; twice that, for margin
                let within = 2.0 * reach * xmax;
                let out = &mut coef[i * c..(i + 1) * c];
                let mut active = 0.0;
                for l in 0..c {
                    out[l] = 0.0;
                    if l == yi {
                        continue;
                    }
                    if m[l] > 0.0 {
                        out[l] = 1.0;
                        active += 1.0;
                    }
                    if m[l].abs() <= within {
                        near[l].push(Hinge {
                            i: i as u32,
                            sign: 1.0,
                            m: m[l],
                        });
                        near[yi].push(Hinge {
                            i: i as u32,
                            sign: -1.0,
                            m: m[l],
                        });
                    }
                }
                out[yi] = -active;
            }
        }
        let mut gt = vec![0.0; d1 * c];
        self.design.gradient(&coef, c, &mut gt);
        // lin is C × (D + 1): the transpose of Xaᵀ·dS
        let mut lin = vec![0.0; c * d1];
        for (k, g) in gt.chunks_exact(c).enumerate() {
            for (j, &v) in g.iter().enumerate() {
                lin[j * d1 + k] = v;
            }
        }
        self.svm = Some(SvmLinear { reach, lin, near });
    }

    /// The nonzero entries (i, x_ik) of column k of Xa.
    #[inline]
    fn column(&self, k: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let cols = self.columns.get_or_init(|| Columns::new(&self.data));
        let (a, b) = (cols.start[k] as usize, cols.start[k + 1] as usize);
        cols.rows[a..b].iter().zip(&cols.vals[a..b]).map(|(&i, &x)| (i as usize, x))
    }

    /// L(W + d·e_{jk}) where W[j,k] = `w_old`: only class j's scores move, by d·x_{ik}.
    pub fn loss_bumped(&self, _clf: &Classifier, j: usize, k: usize, w_old: f64, d: f64) -> f64 {
        self.bumped(j, k, w_old, d, false).0
    }

    /// [`BumpCache::loss_bumped`] and, for the forward difference, whether the bump from W
    /// to W + d·e_{jk} switches any hinge ([`BumpCache::kink`] with d_a = 0), in one pass.
    pub fn loss_bumped_kink(&self, j: usize, k: usize, w_old: f64, d: f64) -> (f64, bool) {
        self.bumped(j, k, w_old, d, true)
    }

    fn bumped(&self, j: usize, k: usize, w_old: f64, d: f64, want_kink: bool) -> (f64, bool) {
        let c = self.c;
        let mut change = 0.0;
        let mut kink = false;
        match self.kind {
            LossKind::Svm if self.svm.as_ref().is_some_and(|s| d.abs() <= s.reach) => {
                let s = self.svm.as_ref().expect("checked");
                let d1 = self.data.xa.ncols();
                let mut corr = 0.0;
                for hinge in &s.near[j] {
                    let x = self.data.xa[[hinge.i as usize, k]];
                    if x == 0.0 {
                        continue;
                    }
                    let (m, dm) = (hinge.m, hinge.sign * d * x);
                    let linear = if m > 0.0 { dm } else { 0.0 };
                    corr += ((m + dm).max(0.0) - m.max(0.0)) - linear;
                    kink |= (m + dm > 0.0) != (m > 0.0);
                }
                change = d * s.lin[j * d1 + k] + corr;
            }
            LossKind::Svm => {
                for (i, x) in self.column(k) {
                    let dl = d * x; // Δs_{ij}
                    let yi = self.y[i] as usize;
                    let m = &self.per_class[i * c..(i + 1) * c];
                    if yi != j {
                        // only the hinge max(0, s_j − s_{y_i} + Δ) moves
                        let mj = m[j];
                        change += (mj + dl).max(0.0) - mj.max(0.0);
                        kink |= (mj + dl > 0.0) != (mj > 0.0);
                    } else {
                        // s_{y_i} moves: every hinge of example i moves by −Δs
                        let mut acc = 0.0;
                        for (l, &ml) in m.iter().enumerate() {
                            if l != j {
                                acc += (ml - dl).max(0.0) - ml.max(0.0);
                                kink |= (ml - dl > 0.0) != (ml > 0.0);
                            }
                        }
                        change += acc;
                    }
                }
            }
            LossKind::Softmax => {
                for (i, x) in self.column(k) {
                    let dl = d * x;
                    let yi = self.y[i] as usize;
                    let own = if yi == j { dl } else { 0.0 };
                    change += if dl.abs() < 30.0 {
                        // log Σ e^{s'} − log Σ e^{s} = log(1 + p_j·(e^{Δs} − 1))
                        (self.per_class[i * c + j] * dl.exp_m1()).ln_1p() - own
                    } else {
                        let s = &self.scores[i * c..(i + 1) * c];
                        let mut row = s.to_vec();
                        row[j] += dl;
                        crate::loss::softmax_row(&row, yi) - crate::loss::softmax_row(s, yi)
                    };
                }
            }
        }
        let w_new = w_old + d;
        let f = (self.data_sum + change) / self.n as f64 + self.reg * (self.sum_sq - w_old * w_old + w_new * w_new);
        (f, want_kink && kink)
    }

    /// Whether any hinge max(0, ·) switches between active (> 0) and inactive between
    /// W + d_a·e_{jk} and W + d_b·e_{jk}: the finite difference then straddles a kink.
    /// Always false for softmax, which is smooth.
    pub fn kink(&self, _clf: &Classifier, j: usize, k: usize, d_a: f64, d_b: f64) -> bool {
        if self.kind != LossKind::Svm {
            return false;
        }
        if let Some(s) = self.svm.as_ref().filter(|s| d_a.abs().max(d_b.abs()) <= s.reach) {
            return s.near[j].iter().any(|hinge| {
                let x = self.data.xa[[hinge.i as usize, k]];
                let m = hinge.m;
                x != 0.0 && (m + hinge.sign * d_a * x > 0.0) != (m + hinge.sign * d_b * x > 0.0)
            });
        }
        let c = self.c;
        for (i, x) in self.column(k) {
            let yi = self.y[i] as usize;
            let m = &self.per_class[i * c..(i + 1) * c];
            if yi != j {
                let mj = m[j];
                if (mj + d_a * x > 0.0) != (mj + d_b * x > 0.0) {
                    return true;
                }
            } else {
                for (l, &ml) in m.iter().enumerate() {
                    if l != j && (ml - d_a * x > 0.0) != (ml - d_b * x > 0.0) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// Everything one step of the coordinate-by-coordinate numerical gradient computed.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    /// Flat row-major index of the coordinate, row · cols + col.
    pub index: usize,
    pub row: usize,
    pub col: usize,
    /// x[i] before the step (and after it: restored bit for bit).
    pub old_value: f64,
    /// x[i] + h.
    pub bumped_value: f64,
    /// x[i] − h (centered only).
    pub minus_value: Option<f64>,
    /// f(x).
    pub fx: f64,
    /// f(x + h).
    pub fx_plus_h: f64,
    /// f(x − h) (centered only).
    pub fx_minus_h: Option<f64>,
    /// (f(x+h) − f(x)) / h, or (f(x+h) − f(x−h)) / 2h when centered.
    pub slope: f64,
    /// Loss evaluations so far, f(x) included.
    pub evaluations: usize,
    /// Whether this coordinate's finite difference straddles a kink (SVM).
    pub kink: bool,
}

/// The numerical gradient one coordinate per step, in row-major order.
#[derive(Clone, Debug)]
pub struct Stepper {
    pub h: f64,
    pub centered: bool,
    cache: BumpCache,
    grad: Vec<f64>,
    history: Vec<StepRecord>,
    evaluations: usize,
    rows: usize,
    cols: usize,
    version: u64,
    /// The first coordinate visited; the order is start, start + 1, …, wrapping to 0.
    start: usize,
}

/// The first coordinate (row 0) whose feature column is not 0 in every example, so its slope
/// depends on the data; the bias column (all 1s) if every feature column is all 0. On digits
/// the first pixels are 0 in every image: their gradient is the regularisation term alone.
pub fn first_data_coordinate(clf: &Classifier) -> usize {
    let xa = &clf.data.xa;
    (0..xa.ncols()).find(|&k| xa.column(k).iter().any(|&v| v != 0.0)).unwrap_or(xa.ncols().saturating_sub(1))
}

impl Stepper {
    /// Evaluates f(x) once (one loss evaluation) and gets ready at coordinate 0.
    pub fn new(clf: &mut Classifier, h: f64, centered: bool) -> Self {
        Self::starting_at(clf, h, centered, 0)
    }

    /// Like [`Stepper::new`], visiting coordinate `start` (row-major, taken modulo the number
    /// of coordinates) first, then the following ones, wrapping around to 0.
    pub fn starting_at(clf: &mut Classifier, h: f64, centered: bool, start: usize) -> Self {
        let mut cache = BumpCache::new(clf);
        // bumps are fl(w + h) − w: at most 2h unless |w| ≫ h, which takes the column pass
        cache.prepare(2.0 * h.abs());
        let total = clf.rows() * clf.cols();
        Stepper {
            h,
            centered,
            cache,
            grad: vec![f64::NAN; total],
            history: Vec::new(),
            evaluations: 1,
            rows: clf.rows(),
            cols: clf.cols(),
            version: clf.version,
            start: if total == 0 { 0 } else { start % total },
        }
    }

    /// The first coordinate visited (row-major index).
    pub fn start(&self) -> usize {
        self.start
    }

    fn per_step(&self) -> usize {
        if self.centered {
            2
        } else {
            1
        }
    }

    /// Number of coordinates done.
    pub fn position(&self) -> usize {
        self.history.len()
    }

    pub fn len(&self) -> usize {
        self.grad.len()
    }

    pub fn is_empty(&self) -> bool {
        self.grad.is_empty()
    }

    pub fn done(&self) -> bool {
        self.position() == self.grad.len()
    }

    pub fn evaluations(&self) -> usize {
        self.evaluations
    }

    pub fn fx(&self) -> f64 {
        self.cache.fx
    }

    /// The gradient so far: NaN where not yet visited.
    pub fn gradient(&self) -> &[f64] {
        &self.grad
    }

    /// The record of the last step done, if any.
    pub fn last(&self) -> Option<&StepRecord> {
        self.history.last()
    }

    /// Does the next coordinate: bump, evaluate, restore. `None` when every coordinate is done.
    /// Errors if W or the loss settings were changed from outside since the stepper began.
    pub fn step(&mut self, clf: &mut Classifier) -> Result<Option<StepRecord>, String> {
        self.unchanged(clf)?;
        if self.position() >= self.grad.len() {
            return Ok(None);
        }
        let index = (self.start + self.position()) % self.grad.len();
        let (j, k) = (index / self.cols, index % self.cols);
        let h = self.h;
        // old_value = x[ix]
        let old = clf.w[[j, k]];
        // x[ix] = old_value + h ; fxph = f(x)
        let bumped = old + h;
        clf.w[[j, k]] = bumped;
        let (fx_plus_h, fwd_kink) = self.cache.loss_bumped_kink(j, k, old, bumped - old);
        let (minus_value, fx_minus_h) = if self.centered {
            let minus = old - h;
            clf.w[[j, k]] = minus;
            (Some(minus), Some(self.cache.loss_bumped(clf, j, k, old, minus - old)))
        } else {
            (None, None)
        };
        // x[ix] = old_value (restore)
        clf.w[[j, k]] = old;
        let slope = match fx_minus_h {
            Some(fm) => (fx_plus_h - fm) / (2.0 * h),
            None => (fx_plus_h - self.cache.fx) / h,
        };
        let kink = match minus_value {
            Some(m) => self.cache.kink(clf, j, k, m - old, bumped - old),
            None => fwd_kink,
        };
        self.grad[index] = slope;
        self.evaluations += self.per_step();
        let rec = StepRecord {
            index,
            row: j,
            col: k,
            old_value: old,
            bumped_value: bumped,
            minus_value,
            fx: self.cache.fx,
            fx_plus_h,
            fx_minus_h,
            slope,
            evaluations: self.evaluations,
            kink,
        };
        self.history.push(rec.clone());
        Ok(Some(rec))
    }

    /// Each coordinate's kink flag (row-major; false where not yet visited).
    pub fn kinks(&self) -> Vec<bool> {
        let mut kinks = vec![false; self.grad.len()];
        for r in &self.history {
            kinks[r.index] = r.kink;
        }
        kinks
    }

    /// An error unless `clf` has the W and settings this stepper began with.
    fn unchanged(&self, clf: &Classifier) -> Result<(), String> {
        if clf.version != self.version || clf.rows() != self.rows || clf.cols() != self.cols {
            return Err("the classifier's weights or settings changed since this GradientStepper was created; create a new one".into());
        }
        Ok(())
    }

    /// Undoes the last step (its gradient entry becomes NaN again). False if at the start.
    pub fn back(&mut self) -> bool {
        match self.history.pop() {
            Some(rec) => {
                self.grad[rec.index] = f64::NAN;
                self.evaluations -= self.per_step();
                true
            }
            None => false,
        }
    }
}

/// The whole numerical gradient through the O(N)-per-coordinate cache.
/// Returns the gradient and the kink flags (row-major).
pub fn numerical_gradient(clf: &mut Classifier, h: f64, centered: bool) -> (Array2<f64>, Vec<bool>) {
    let mut st = Stepper::new(clf, h, centered);
    let mut kinks = Vec::with_capacity(st.len());
    while let Ok(Some(rec)) = st.step(clf) {
        kinks.push(rec.kink);
    }
    let g = Array2::from_shape_vec(clf.w.dim(), st.grad).expect("shape matches");
    (g, kinks)
}

/// The lecture's loop, literally: full loss recomputation for every f(x ± h).
pub fn numerical_gradient_plain(clf: &mut Classifier, h: f64, centered: bool) -> Array2<f64> {
    let fx = clf.loss();
    let mut g = Array2::zeros(clf.w.dim());
    for j in 0..clf.rows() {
        for k in 0..clf.cols() {
            let old = clf.w[[j, k]];
            let fxph = clf.loss_with(j, k, old + h);
            g[[j, k]] = if centered {
                let fxmh = clf.loss_with(j, k, old - h);
                (fxph - fxmh) / (2.0 * h)
            } else {
                (fxph - fx) / h
            };
        }
    }
    g
}

/// What [`slopes_versus_h`] computes for one coordinate (j, k), one entry per h.
#[derive(Clone, Debug, PartialEq)]
pub struct SlopesVersusH {
    /// f(x) = L(W).
    pub fx: f64,
    /// (f(x + h) − f(x)) / h.
    pub forward: Vec<f64>,
    /// (f(x + h) − f(x − h)) / 2h.
    pub centered: Vec<f64>,
    /// The round-off scale of the forward slope at each h, [`round_off_floor`]`(fx, h, false)`
    /// = 2ε·|f(x)|/h: the same scale the gradient check uses.
    pub round_off: Vec<f64>,
    /// The same for the centered slope, [`round_off_floor`]`(fx, h, true)` = ε·|f(x)|/h.
    pub round_off_centered: Vec<f64>,
}

/// Forward and centered slopes of coordinate (j, k) for each h, by full recomputation
/// (the lecture's literal f(x ± h)), with the round-off scale of each; for the error-versus-h plot.
pub fn slopes_versus_h(clf: &mut Classifier, j: usize, k: usize, hs: &[f64]) -> SlopesVersusH {
    let fx = clf.loss();
    let old = clf.w[[j, k]];
    let mut out = SlopesVersusH {
        fx,
        forward: Vec::with_capacity(hs.len()),
        centered: Vec::with_capacity(hs.len()),
        round_off: Vec::with_capacity(hs.len()),
        round_off_centered: Vec::with_capacity(hs.len()),
    };
    for &h in hs {
        let fp = clf.loss_with(j, k, old + h);
        let fm = clf.loss_with(j, k, old - h);
        out.forward.push((fp - fx) / h);
        out.centered.push((fp - fm) / (2.0 * h));
        out.round_off.push(round_off_floor(fx, h, false));
        out.round_off_centered.push(round_off_floor(fx, h, true));
    }
    out
}

/// How to turn an analytic value a and a numerical value n into a relative error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelFormula {
    /// |a − n| / max(|a|, |n|) — the course notes.
    Max,
    /// |a − n| / (|a| + |n|) — the assignment's code.
    Sum,
}

impl RelFormula {
    /// Both formulas, the notes' first.
    pub const ALL: [RelFormula; 2] = [RelFormula::Max, RelFormula::Sum];

    /// The JS name: "max" or "sum".
    pub fn name(&self) -> &'static str {
        match self {
            RelFormula::Max => "max",
            RelFormula::Sum => "sum",
        }
    }

    /// The formula whose [`RelFormula::name`] is `s`.
    pub fn parse(s: &str) -> Option<RelFormula> {
        Self::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// Relative error; 0 where both values are 0.
pub fn rel_error(a: f64, n: f64, f: RelFormula) -> f64 {
    let den = match f {
        RelFormula::Max => a.abs().max(n.abs()),
        RelFormula::Sum => a.abs() + n.abs(),
    };
    if den == 0.0 {
        0.0
    } else {
        (a - n).abs() / den
    }
}

/// How a verdict depends on whether the entry's finite difference crossed a kink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KinkRule {
    /// Only entries whose finite difference crossed a kink (a hinge switched between the two
    /// evaluations of f).
    Crossed,
    /// Only entries that crossed no kink (every entry of a smooth loss such as softmax).
    NotCrossed,
    /// Either.
    Either,
}

impl KinkRule {
    /// The JS name: "crossed", "not-crossed" or "either".
    pub fn name(&self) -> &'static str {
        match self {
            KinkRule::Crossed => "crossed",
            KinkRule::NotCrossed => "not-crossed",
            KinkRule::Either => "either",
        }
    }

    fn admits(&self, kink: bool) -> bool {
        match self {
            KinkRule::Crossed => kink,
            KinkRule::NotCrossed => !kink,
            KinkRule::Either => true,
        }
    }
}

/// The round-off test's allowance: an entry whose |a − n| is within this many round-off
/// scales ([`round_off_floor`]) is at the finite difference's round-off level. The scale counts
/// one rounding of f per evaluation; the loss is a long sum, so its actual error is a few of
/// those (measured: |a − n| ≤ 0.9 scales on every entry of digits, both losses, h = 1e-5 and
/// 1e-7, forward and centered, wherever truncation is negligible).
pub const ROUND_OFF_MULTIPLE: f64 = 4.0;

/// CS231n's reading of one entry of the gradient check (the notes: > 1e-2 probably wrong;
/// 1e-2 … 1e-4 uncomfortable; ≤ 1e-4 acceptable with kinks, too high without; < 1e-7 happy),
/// read entry by entry, plus the two cases where the check cannot decide:
///
/// * the finite difference crossed a kink in that entry and the error is beyond the kink
///   band: the numerical slope mixes two linear pieces, so it is not the derivative there;
/// * the entry is at the finite difference's round-off level: |a − n| ≤
///   [`ROUND_OFF_MULTIPLE`] · (ε·|f|/h-type scale, [`round_off_floor`]). The numerical value
///   carries an absolute error of about that scale, so a difference within it is noise and the
///   ratio |a − n| / max(|a|, |n|) of a small entry says nothing (the notes: stay in the active
///   range of floating point; compare against the round-off scale).
///
/// Codes 0–4 are verdicts that decide, best to worst; 5 and 6 do not decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// < 1e-7: the gradient is right ("happy").
    Good = 0,
    /// ≤ 1e-4 where the entry's finite difference crossed a kink.
    AcceptableWithKinks = 1,
    /// ≤ 1e-4 where no kink was crossed: too high for a smooth piece.
    TooHigh = 2,
    /// ≤ 1e-2, no kink crossed: uncomfortable.
    Uncomfortable = 3,
    /// > 1e-2 (and NaN), no kink crossed: the gradient is probably wrong.
    Wrong = 4,
    /// > 1e-4 where a kink was crossed: the finite difference is not the derivative; cannot decide.
    Kink = 5,
    /// |a − n| within the round-off allowance (and not good): cannot decide.
    RoundOff = 6,
}

impl Verdict {
    /// Every verdict: those that decide from best to worst, then the two that do not; a
    /// verdict's code is its index here.
    pub const ALL: [Verdict; 7] = [
        Verdict::Good,
        Verdict::AcceptableWithKinks,
        Verdict::TooHigh,
        Verdict::Uncomfortable,
        Verdict::Wrong,
        Verdict::Kink,
        Verdict::RoundOff,
    ];

    /// The upper end of this verdict's relative errors: (bound, inclusive), e < bound, or
    /// e ≤ bound when inclusive. The lower end is the previous band's upper end
    /// ([`Verdict::from`]).
    pub fn below(&self) -> (f64, bool) {
        match self {
            Verdict::Good => (1e-7, false),
            Verdict::AcceptableWithKinks | Verdict::TooHigh => (1e-4, true),
            Verdict::Uncomfortable => (1e-2, true),
            Verdict::Wrong | Verdict::Kink | Verdict::RoundOff => (f64::INFINITY, true),
        }
    }

    /// The lower end of this verdict's relative errors: (bound, inclusive), e > bound, or
    /// e ≥ bound when inclusive.
    pub fn from(&self) -> (f64, bool) {
        match self {
            Verdict::Good => (0.0, true),
            Verdict::AcceptableWithKinks | Verdict::TooHigh | Verdict::RoundOff => (1e-7, true),
            Verdict::Uncomfortable | Verdict::Kink => (1e-4, false),
            Verdict::Wrong => (1e-2, false),
        }
    }

    /// Which entries the verdict applies to, by whether their finite difference crossed a kink.
    pub fn kink_rule(&self) -> KinkRule {
        match self {
            Verdict::Good | Verdict::RoundOff => KinkRule::Either,
            Verdict::AcceptableWithKinks | Verdict::Kink => KinkRule::Crossed,
            Verdict::TooHigh | Verdict::Uncomfortable | Verdict::Wrong => KinkRule::NotCrossed,
        }
    }

    /// Whether this verdict applies only where a kink was crossed.
    pub fn kinks_only(&self) -> bool {
        self.kink_rule() == KinkRule::Crossed
    }

    /// Whether the check can decide with this verdict (false for [`Verdict::Kink`] and
    /// [`Verdict::RoundOff`]); the overall verdict is the worst of those that decide.
    pub fn decides(&self) -> bool {
        !matches!(self, Verdict::Kink | Verdict::RoundOff)
    }

    /// Whether this verdict is the round-off one (its test is |a − n| ≤
    /// [`ROUND_OFF_MULTIPLE`] · scale, besides its band).
    pub fn round_off(&self) -> bool {
        *self == Verdict::RoundOff
    }

    /// The verdict of a relative error `e` alone, for an entry that did (`kink`) or did not
    /// cross a kink, with no round-off test: the first verdict in [`Verdict::ALL`] that is not
    /// the round-off one, admits the entry's kink and holds `e` in its band. NaN is wrong
    /// (or kink, where one was crossed).
    pub fn of(e: f64, kink: bool) -> Verdict {
        if e.is_nan() {
            return if kink { Verdict::Kink } else { Verdict::Wrong };
        }
        for v in Self::ALL {
            if v.round_off() || !v.kink_rule().admits(kink) {
                continue;
            }
            let ((lo, lo_in), (hi, hi_in)) = (v.from(), v.below());
            if (e > lo || (lo_in && e == lo)) && (e < hi || (hi_in && e == hi)) {
                return v;
            }
        }
        if kink {
            Verdict::Kink
        } else {
            Verdict::Wrong
        }
    }

    /// One entry's verdict: analytic a, numerical n, their relative error `e`, whether its
    /// finite difference crossed a kink, and the round-off allowance `limit` = [`ROUND_OFF_MULTIPLE`]
    /// · [`round_off_floor`]. Good (e < 1e-7) first; then round-off where |a − n| ≤ limit;
    /// then [`Verdict::of`].
    pub fn judge(a: f64, n: f64, e: f64, kink: bool, limit: f64) -> Verdict {
        let v = Verdict::of(e, kink);
        if v != Verdict::Good && (a - n).abs() <= limit {
            Verdict::RoundOff
        } else {
            v
        }
    }

    /// The JS name: "good", "acceptable-with-kinks", "too-high", "uncomfortable", "wrong",
    /// "kink" or "round-off".
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::AcceptableWithKinks => "acceptable-with-kinks",
            Verdict::TooHigh => "too-high",
            Verdict::Uncomfortable => "uncomfortable",
            Verdict::Wrong => "wrong",
            Verdict::Kink => "kink",
            Verdict::RoundOff => "round-off",
        }
    }

    /// The verdict whose [`Verdict::name`] is `s`.
    pub fn parse(s: &str) -> Option<Verdict> {
        Self::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// The result of comparing the analytic gradient with the numerical one.
#[derive(Clone, Debug)]
pub struct GradCheck {
    pub analytic: Array2<f64>,
    pub numerical: Array2<f64>,
    /// The relative error of every entry, as computed (round-off entries included).
    pub rel_errors: Vec<f64>,
    /// Whether each entry's finite difference crossed a kink.
    pub kinks: Vec<bool>,
    /// Each entry's verdict ([`Verdict::judge`]).
    pub verdicts: Vec<Verdict>,
    /// The largest relative error among the entries whose verdict decides (0 if none does).
    pub max_rel_error: f64,
    /// The worst verdict among the entries that decide; if none does, [`Verdict::RoundOff`]
    /// when any entry is at round-off, else [`Verdict::Kink`].
    pub verdict: Verdict,
    /// The round-off scale of the finite difference, [`round_off_floor`]: 2ε·|f(x)|/h
    /// (forward) or ε·|f(x)|/h (centered).
    pub round_off: f64,
    /// The round-off allowance, [`ROUND_OFF_MULTIPLE`] · `round_off`.
    pub round_off_limit: f64,
}

/// Analytic vs numerical gradient, entry by entry: the numerical gradient with step `h`
/// (centered or forward) and its kinks, then [`compare`]: the numbers [`Stepper::check`] gives
/// once a stepper has done every coordinate, in one call or in pieces.
pub fn grad_check(clf: &mut Classifier, h: f64, centered: bool, formula: RelFormula) -> GradCheck {
    let (numerical, kinks) = numerical_gradient(clf, h, centered);
    against_analytic(clf, numerical, kinks, h, centered, formula)
}

/// [`compare`] of a numerical gradient of `clf` (step `h`, centered or forward; its kinks
/// row-major) with `clf`'s analytic gradient, at f(x)'s round-off scale: the end of
/// [`grad_check`] and of [`Stepper::check`] (the bumps leave W bit for bit as it was).
fn against_analytic(clf: &mut Classifier, numerical: Array2<f64>, kinks: Vec<bool>, h: f64, centered: bool, formula: RelFormula) -> GradCheck {
    let analytic = clf.gradient();
    let fx = clf.loss();
    compare(analytic, numerical, kinks, round_off_floor(fx, h, centered), formula)
}

impl Stepper {
    /// Does up to `n` more coordinates (as [`Stepper::step`] does each); → the coordinates left.
    pub fn steps(&mut self, clf: &mut Classifier, n: usize) -> Result<usize, String> {
        for _ in 0..n {
            if self.step(clf)?.is_none() {
                break;
            }
        }
        Ok(self.grad.len() - self.position())
    }

    /// The gradient check of this stepper's numerical gradient once every coordinate is done
    /// ([`grad_check`]'s numbers, bit for bit, whether the steps came in one call or many):
    /// the analytic gradient and f(x) of `clf`, whose W and settings must be unchanged.
    pub fn check(&self, clf: &mut Classifier, formula: RelFormula) -> Result<GradCheck, String> {
        self.unchanged(clf)?;
        if !self.done() {
            return Err("check needs every coordinate done (steps until 0 are left)".into());
        }
        let numerical = Array2::from_shape_vec((self.rows, self.cols), self.grad.clone()).expect("shape matches");
        Ok(against_analytic(clf, numerical, self.kinks(), self.h, self.centered, formula))
    }
}

/// Reads an analytic gradient against a numerical one (same shape, row-major `kinks` per
/// entry) whose round-off scale is `round_off` ([`round_off_floor`]): each entry's relative
/// error and [`Verdict::judge`], the worst verdict among the entries that decide.
pub fn compare(analytic: Array2<f64>, numerical: Array2<f64>, kinks: Vec<bool>, round_off: f64, formula: RelFormula) -> GradCheck {
    assert_eq!(analytic.dim(), numerical.dim(), "gradients of the same shape");
    assert_eq!(kinks.len(), analytic.len(), "one kink flag per entry");
    let limit = ROUND_OFF_MULTIPLE * round_off;
    let rel_errors: Vec<f64> = analytic.iter().zip(numerical.iter()).map(|(&a, &n)| rel_error(a, n, formula)).collect();
    let verdicts: Vec<Verdict> = analytic
        .iter()
        .zip(numerical.iter())
        .zip(rel_errors.iter().zip(kinks.iter()))
        .map(|((&a, &n), (&e, &k))| Verdict::judge(a, n, e, k, limit))
        .collect();
    let deciding = || verdicts.iter().zip(rel_errors.iter()).filter(|(v, _)| v.decides());
    let max_rel_error = deciding().map(|(_, &e)| e).fold(0.0, f64::max);
    let verdict = match deciding().map(|(&v, _)| v).max() {
        Some(v) => v,
        None if verdicts.contains(&Verdict::RoundOff) => Verdict::RoundOff,
        None => Verdict::Kink,
    };
    GradCheck { analytic, numerical, rel_errors, kinks, verdicts, max_rel_error, verdict, round_off, round_off_limit: limit }
}

/// The round-off of a finite-difference slope: each evaluation of f is off by about ε·|f|,
/// so the slope is off by about 2ε|f|/h (forward) or 2ε|f|/2h (centered).
pub fn round_off_floor(fx: f64, h: f64, centered: bool) -> f64 {
    let e = 2.0 * f64::EPSILON * fx.abs().max(1e-300);
    if centered {
        e / (2.0 * h)
    } else {
        e / h
    }
}
