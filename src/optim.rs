//! The lecture's three strategies for finding W, plus mini-batch SGD.
//!
//! * random search: W ~ scale·N(0, 1); keep it if its loss beats the best so far;
//! * random local search: W_try = W + stepSize·N(0, 1); keep it only if the loss goes down;
//! * gradient descent: W ← W − stepSize·∇L(W) on the whole data set;
//! * mini-batch SGD: the same with ∇L on a seeded mini-batch of batchSize examples.
//!
//! Each `step` returns a [`Record`]. If a step makes the loss (or W) non-finite, the step is
//! undone, the optimizer reports `diverged` and stops changing W from then on.

use crate::data::sample_batch;
use crate::design::Design;
use crate::loss::{add_scaled, argmax, copy_into, evaluate_by_design, loss_grad, sum_sq, Classifier, Eval, Hyper, LossKind, Workspace};
use std::rc::Rc;
use crate::rng::Rng;
use crate::simd::{F64x2, Lanes};
use ndarray::Array2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    RandomSearch,
    RandomLocalSearch,
    Gd,
    Sgd,
}

impl Method {
    /// Every method, in the lecture's order.
    pub const ALL: [Method; 4] = [Method::RandomSearch, Method::RandomLocalSearch, Method::Gd, Method::Sgd];

    /// The JS name: "random-search", "random-local-search", "gd" or "sgd".
    pub fn name(&self) -> &'static str {
        match self {
            Method::RandomSearch => "random-search",
            Method::RandomLocalSearch => "random-local-search",
            Method::Gd => "gd",
            Method::Sgd => "sgd",
        }
    }

    /// The method whose [`Method::name`] is `s`.
    pub fn parse(s: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub method: Method,
    /// Learning rate (gd, sgd) or the size of a local-search try.
    pub step_size: f64,
    /// Mini-batch size for sgd (1 = SGD proper), clamped to N.
    pub batch_size: usize,
    /// Standard deviation of random search's draws.
    pub scale: f64,
    pub seed: u64,
}

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    /// 1 for the first step.
    pub iteration: usize,
    /// Full-data loss of the classifier's W after the step (for random search: the best so far).
    pub loss: f64,
    /// Full-data accuracy after the step.
    pub accuracy: f64,
    /// Whether the try was kept (random searches); true for gd/sgd steps that were taken.
    pub accepted: bool,
    /// Loss of the try (random searches), or the mini-batch loss before the step (sgd),
    /// or the full loss before the step (gd).
    pub try_loss: f64,
    /// Whether the loss has blown up; W then stays at the last finite value.
    pub diverged: bool,
    /// Loss evaluations so far: one per try for the searches; one forward+backward pass per
    /// gradient step (the analytic gradient's cost is a small multiple of one loss).
    pub evaluations: usize,
}

pub struct Optimizer {
    pub config: Config,
    rng: Rng,
    iteration: usize,
    evaluations: usize,
    diverged: bool,
    /// Evaluation of the classifier's current W, valid while `version` matches.
    current: Option<Eval>,
    version: u64,
    /// Best loss so far (random search starts at +∞, as in the lecture).
    best: f64,
    ws: Workspace,
    dw: Array2<f64>,
    w_try: Array2<f64>,
    noise: Vec<f64>,
    pool: Vec<usize>,
    batch: Vec<usize>,
    batch_x: Array2<f64>,
    batch_y: Vec<usize>,
    /// Gradient descent's pass over the full data set, kept from step to step.
    full: Option<FullBatch>,
}

impl Optimizer {
    pub fn new(clf: &Classifier, config: Config) -> Self {
        let dim = clf.w.dim();
        Optimizer {
            config,
            rng: Rng::new(config.seed),
            iteration: 0,
            evaluations: 0,
            diverged: false,
            current: None,
            version: clf.version,
            best: f64::INFINITY,
            ws: Workspace::default(),
            dw: Array2::zeros(dim),
            w_try: Array2::zeros(dim),
            noise: vec![0.0; dim.0 * dim.1],
            pool: (0..clf.data.len()).collect(),
            batch: Vec::new(),
            batch_x: Array2::zeros((0, dim.1)),
            batch_y: Vec::new(),
            full: None,
        }
    }

    pub fn iteration(&self) -> usize {
        self.iteration
    }

    pub fn diverged(&self) -> bool {
        self.diverged
    }

    pub fn evaluations(&self) -> usize {
        self.evaluations
    }

    /// Changes the step size (learning rate, or the size of a local-search try) for the steps
    /// from now on, keeping W, the step count and the random stream: the run goes on from
    /// where it is. After a blow-up W is its last finite value, and the run goes on from
    /// that W (`diverged` is cleared) with the new step size. `step_size` must be finite and
    /// > 0 (the facade checks the range).
    pub fn set_step_size(&mut self, step_size: f64) {
        self.config.step_size = step_size;
        self.diverged = false;
    }

    /// The W tried by the last random-search step (kept or not).
    pub fn last_try(&self) -> &Array2<f64> {
        &self.w_try
    }

    fn current_eval(&mut self, clf: &Classifier) -> Eval {
        if self.version != clf.version || self.current.is_none() {
            let e = if self.config.method == Method::Gd {
                // the pass that evaluates W also gets its gradient ready for the first step
                self.ensure_full_batch(clf);
                let full = self.full.as_mut().expect("made above");
                full.pass(&clf.w, &clf.hyper);
                full.eval
            } else {
                evaluate_by_design(&clf.w, &clf.design(), &clf.hyper, &mut self.ws)
            };
            self.current = Some(e);
            self.version = clf.version;
            if self.config.method == Method::RandomLocalSearch {
                self.evaluations += 1;
            }
        }
        self.current.expect("set above")
    }

    /// One step on `clf` (its W changes when a step is taken).
    pub fn step(&mut self, clf: &mut Classifier) -> Record {
        let before = self.current_eval(clf);
        if self.diverged {
            return self.record(before, false, f64::NAN);
        }
        self.iteration += 1;
        let h = clf.hyper;
        match self.config.method {
            Method::RandomSearch | Method::RandomLocalSearch => {
                let local = self.config.method == Method::RandomLocalSearch;
                let scale = if local { self.config.step_size } else { self.config.scale };
                self.rng.fill_normal(&mut self.noise, scale);
                for ((t, &z), &w) in self.w_try.iter_mut().zip(self.noise.iter()).zip(clf.w.iter()) {
                    // random search: W_try = scale·N(0,1); local: W_try = W + stepSize·N(0,1)
                    *t = if local { w + z } else { z };
                }
                let e = evaluate_by_design(&self.w_try, &clf.design(), &h, &mut self.ws);
                self.evaluations += 1;
                // random search compares with the best so far (+∞ at first, as in the lecture);
                // local search with the current W's loss
                let bar = if local { before.loss } else { self.best };
                let accepted = e.loss.is_finite() && e.loss < bar;
                if accepted {
                    copy_into(&mut clf.w, &self.w_try);
                    self.mark_changed(clf);
                    self.current = Some(e);
                    self.best = e.loss;
                }
                let now = self.current.expect("set");
                self.record(now, accepted, e.loss)
            }
            Method::Gd | Method::Sgd => self.descend(clf, before, true),
        }
    }

    /// One gradient-descent or mini-batch step without the full-data loss after it: what a
    /// training loop pays for a step (the gradient on the batch and the update), with the full
    /// loss left to the caller as bookkeeping. The record's `loss` and `accuracy` are NaN (not
    /// evaluated); `try_loss` is the batch's loss before the step. A step that makes W or the
    /// batch loss non-finite is undone and the run reports `diverged`. Searches take a full step.
    pub fn step_without_full_loss(&mut self, clf: &mut Classifier) -> Record {
        if !matches!(self.config.method, Method::Gd | Method::Sgd) {
            return self.step(clf);
        }
        let nothing = Eval { loss: f64::NAN, data_loss: f64::NAN, accuracy: f64::NAN };
        if self.diverged {
            return self.record(nothing, false, f64::NAN);
        }
        self.iteration += 1;
        self.descend(clf, nothing, false)
    }

    /// W ← W − stepSize·dW (dW on the full data for gd, on a seeded batch for sgd); with
    /// `full_loss` the full-data loss after the step is evaluated and recorded.
    fn descend(&mut self, clf: &mut Classifier, before: Eval, full_loss: bool) -> Record {
        let data = clf.data.clone();
        let h = clf.hyper;
        let gd = self.config.method == Method::Gd;
        let try_loss = if gd {
            self.ensure_full_batch(clf);
            let full = self.full.as_mut().expect("made above");
            if !full.is_at(&clf.w, &h) {
                full.pass(&clf.w, &h);
            }
            full.gradient_into(&clf.w, &h, &mut self.dw);
            full.eval.loss
        } else {
            let b = self.config.batch_size.min(data.len()).max(1);
            sample_batch(&mut self.rng, &mut self.pool, b, &mut self.batch);
            if self.batch_x.nrows() != b {
                self.batch_x = Array2::zeros((b, data.xa.ncols()));
                self.batch_y = vec![0; b];
            }
            for (r, &i) in self.batch.iter().enumerate() {
                self.batch_x.row_mut(r).assign(&data.xa.row(i));
                self.batch_y[r] = data.y[i];
            }
            loss_grad(&clf.w, self.batch_x.view(), &self.batch_y, &h, &mut self.ws, &mut self.dw).loss
        };
        // W ← W − stepSize·dW, keeping W_old to undo a divergent step
        copy_into(&mut self.w_try, &clf.w);
        add_scaled(&mut clf.w, -self.config.step_size, &self.dw);
        let after = if !full_loss {
            None
        } else if gd {
            // evaluates the new W and gets its gradient ready for the next step, in one pass
            let full = self.full.as_mut().expect("made above");
            full.pass(&clf.w, &h);
            Some(full.eval)
        } else {
            Some(evaluate_by_design(&clf.w, &clf.design(), &h, &mut self.ws))
        };
        if after.is_some() {
            self.evaluations += 1;
        }
        let loss = after.map_or(try_loss, |e| e.loss);
        if !loss.is_finite() || clf.w.iter().any(|v| !v.is_finite()) {
            copy_into(&mut clf.w, &self.w_try);
            if let Some(full) = &mut self.full {
                full.at = None;
            }
            self.diverged = true;
            self.iteration -= 1;
            return self.record(before, false, try_loss);
        }
        self.mark_changed(clf);
        match after {
            Some(e) => {
                self.current = Some(e);
                self.record(e, true, try_loss)
            }
            None => {
                self.evaluations += 1;
                self.current = None;
                self.record(before, true, try_loss)
            }
        }
    }

    /// Gradient descent's pass state for the classifier's data set (made anew when the data
    /// set or the number of classes changed).
    fn ensure_full_batch(&mut self, clf: &Classifier) {
        let fits = |f: &FullBatch| Rc::ptr_eq(&f.design.data, &clf.data) && f.c == clf.rows();
        if !self.full.as_ref().is_some_and(fits) {
            self.full = Some(FullBatch::new(clf.design(), clf.rows()));
        }
    }

    /// W was changed by this optimizer: others holding cached state (a stepper) must see it.
    fn mark_changed(&mut self, clf: &mut Classifier) {
        clf.version += 1;
        self.version = clf.version;
    }

    fn record(&self, e: Eval, accepted: bool, try_loss: f64) -> Record {
        Record {
            iteration: self.iteration,
            loss: e.loss,
            accuracy: e.accuracy,
            accepted,
            try_loss,
            diverged: self.diverged,
            evaluations: self.evaluations,
        }
    }
}

/// Gradient descent's pass over the full data set at one W: its loss and accuracy, dS = ∂L/∂S
/// and the unscaled gradient G = Xaᵀ·dS ((D + 1) × C), so that dW = Gᵀ/N + 2·reg·W.
///
/// The SVM's dS is the pattern of active margins (dS_ij = 1(m_ij > 0) for j ≠ y_i, minus
/// their count at y_i), and from one step to the next it changes in few rows (on the digits
/// at stepSize 0.001: none for the first ~150 steps, at most ~25 of 1797 rows after). So the
/// pass keeps G from the previous W and:
/// * leaves it as it is when no row of dS changed (the same sum of the same terms);
/// * else, when the data's sums are exact ([`Design::exact_sums`]: every partial sum of
///   x_ik·(integer) is exact, as for the digits' pixel/16), adds x_i ⊗ (dS_i,new − dS_i,old) for
///   the rows that changed: exact, so G is bit for bit the full sum;
/// * else (and always for softmax) sums G = Xaᵀ·dS afresh.
struct FullBatch {
    design: Rc<Design>,
    c: usize,
    /// The W and loss settings that `eval`, `ds` and `g` belong to (None: none).
    at: Option<(Array2<f64>, Hyper)>,
    eval: Eval,
    /// Wᵀ ((D + 1) × C) for the score product.
    wt: Vec<f64>,
    /// S = Xa·Wᵀ (N × C).
    scores: Vec<f64>,
    /// dS (N × C) of the last pass.
    ds: Vec<f64>,
    /// G = Xaᵀ·ds, (D + 1) × C.
    g: Vec<f64>,
    /// Whether `g` is Xaᵀ·`ds` with `ds` an SVM pattern (integers), so it can be updated row by row.
    g_svm: bool,
    /// Whether `g` is Xaᵀ·`ds` at all.
    g_valid: bool,
    /// A change of one row of dS (C).
    change: Vec<f64>,
}

impl FullBatch {
    fn new(design: Rc<Design>, c: usize) -> FullBatch {
        let (n, d1) = (design.rows(), design.cols());
        FullBatch {
            design,
            c,
            at: None,
            eval: Eval { loss: f64::NAN, data_loss: f64::NAN, accuracy: f64::NAN },
            wt: vec![0.0; d1 * c],
            scores: vec![0.0; n * c],
            ds: vec![0.0; n * c],
            g: vec![0.0; d1 * c],
            g_svm: false,
            g_valid: false,
            change: vec![0.0; c],
        }
    }

    /// Whether the last pass was at exactly this W (bit for bit) and these settings.
    fn is_at(&self, w: &Array2<f64>, h: &Hyper) -> bool {
        match &self.at {
            Some((at, ah)) => ah == h && at.dim() == w.dim() && at.iter().zip(w.iter()).all(|(a, b)| a.to_bits() == b.to_bits()),
            None => false,
        }
    }

    /// The pass at W: S = Xa·Wᵀ, then row by row L_i, whether argmax s_i = y_i, and dS_i;
    /// then G brought up to date (see the type's notes).
    fn pass(&mut self, w: &Array2<f64>, h: &Hyper) {
        let (c, design) = (self.c, self.design.clone());
        let n = design.rows();
        let y = &design.data.y;
        for ((j, k), &v) in w.indexed_iter() {
            self.wt[k * c + j] = v;
        }
        let incremental = h.kind == LossKind::Svm && self.g_valid && self.g_svm && design.exact_sums();
        let (sum, correct, changed) = match h.kind {
            LossKind::Svm => {
                let g = &mut self.g;
                // G += x_i ⊗ (dS_i,new − dS_i,old) for a row whose pattern changed
                let update = |i: usize, change: &[f64]| {
                    if incremental {
                        design.add_row(i, change, g)
                    }
                };
                design.scores(&self.wt, c, &mut self.scores);
                // written out for the class counts of the page's data sets (2 and 3 for the toy
                // sets, iris and many CSVs, 10 for the digits) and 4; the rest by the loop over
                // any C (each copy costs the budgeted wasm ~0.3–0.5 KB gzipped)
                let args = (&self.scores[..], &y[..], h.delta, &mut self.ds[..], &mut self.change[..]);
                match c {
                    2 => svm_rows::<2>(args.0, args.1, args.2, args.3, args.4, update),
                    3 => svm_rows::<3>(args.0, args.1, args.2, args.3, args.4, update),
                    4 => svm_rows::<4>(args.0, args.1, args.2, args.3, args.4, update),
                    10 => svm_rows::<10>(args.0, args.1, args.2, args.3, args.4, update),
                    _ => svm_rows_any(args.0, args.1, args.2, args.3, args.4, update),
                }
            }
            LossKind::Softmax => {
                design.scores(&self.wt, c, &mut self.scores);
                softmax_rows(&self.scores, y, &mut self.ds)
            }
        };
        if !self.g_valid || (changed && !incremental) {
            design.gradient(&self.ds, c, &mut self.g);
        }
        self.g_valid = true;
        self.g_svm = h.kind == LossKind::Svm;
        let data_loss = sum / n as f64;
        self.eval = Eval { loss: data_loss + h.reg * sum_sq(w), data_loss, accuracy: correct as f64 / n as f64 };
        match &mut self.at {
            Some((at, ah)) if at.dim() == w.dim() => {
                copy_into(at, w);
                *ah = *h;
            }
            _ => self.at = Some((w.clone(), *h)),
        }
    }

    /// dW = Gᵀ/N + 2·reg·W at the W of the last pass.
    fn gradient_into(&self, w: &Array2<f64>, h: &Hyper, dw: &mut Array2<f64>) {
        if dw.dim() != w.dim() {
            *dw = Array2::zeros(w.dim());
        }
        let (c, scale) = (self.c, 1.0 / self.design.rows() as f64);
        for ((j, k), v) in dw.indexed_iter_mut() {
            *v = scale * self.g[k * c + j];
        }
        if h.reg != 0.0 {
            add_scaled(dw, 2.0 * h.reg, w);
        }
    }
}

/// The SVM's rows of the pass: for each example i, from its scores s (C),
/// L_i = Σ_{j≠y_i} max(0, m_j) with m_j = s_j − s_{y_i} + Δ (summed as `svm_row` does), whether
/// argmax_j s_j = y_i, and dS_i: 1(m_j > 0) for j ≠ y_i and −Σ_{j≠y_i} 1(m_j > 0) at y_i. A row of
/// `ds` that changes is passed to `update` as (i, new − old) before being overwritten.
/// Returns (Σ_i L_i, number correct, whether any row changed).
fn svm_rows<const C: usize>(
    scores: &[f64],
    y: &[usize],
    delta: f64,
    ds: &mut [f64],
    change: &mut [f64],
    update: impl FnMut(usize, &[f64]),
) -> (f64, usize, bool) {
    if C % 2 == 0 && C <= 32 {
        return svm_rows_lanes::<C>(scores, y, delta, ds, change, update);
    }
    // an odd C class by class, C written out: the shared loop below inlined with an array of C
    // (the loop over any C took 1.3× as long for 200 steps on a 5000 × 60 CSV with 3 classes)
    svm_rows_class_by_class(scores, y, delta, ds, change, &mut [0.0; C], update)
}

/// [`svm_rows`] for an even C ≤ 32, two classes per f64x2: the same margins (s_j − s_y) + Δ,
/// the same active ones, the loss added in the same order (j ascending, +0 for the inactive,
/// so the same bits), and argmax_j s_j = y_i read off two comparison masks — y_i is the first
/// largest score when every earlier score is below s_y and no later one above it — with
/// `argmax` itself for a row holding a NaN (its rules for NaN are its own).
fn svm_rows_lanes<const C: usize>(
    scores: &[f64],
    y: &[usize],
    delta: f64,
    ds: &mut [f64],
    change: &mut [f64],
    mut update: impl FnMut(usize, &[f64]),
) -> (f64, usize, bool) {
    let (mut sum, mut correct, mut changed) = (0.0, 0usize, false);
    let (dv, one, zero) = (F64x2::splat(delta), F64x2::splat(1.0), F64x2::splat(0.0));
    // the class numbers of each vector's lanes (arrays of C, of which C / 2 are used: stable
    // Rust has no [_; C / 2])
    let classes: [F64x2; C] = std::array::from_fn(|q| F64x2::from_fn(|l| (2 * q + l) as f64));
    // every row's values stay in vectors, never stored lane by lane and read back whole (a
    // load that needs two stores is not forwarded: each costs a stall)
    let mut d = [zero; C];
    for (i, (s, &yi)) in scores.chunks_exact(C).zip(y).enumerate() {
        let sy = s[yi];
        let (syv, yv) = (F64x2::splat(sy), F64x2::splat(yi as f64));
        let (mut l, mut active) = (0.0, zero);
        let (mut above, mut below, mut total) = (0u32, 0u32, zero);
        for q in 0..C / 2 {
            let v = F64x2::load(s, 2 * q);
            let m = v.minus(syv).add(dv);
            // m_j where m_j > 0 and j ≠ y_i, else +0
            let hinge = classes[q].minus(yv).abs().above_or_zero(0.5, m.above_or_zero(0.0, m));
            l = (l + hinge.lane(0)) + hinge.lane(1);
            d[q] = hinge.above_or_zero(0.0, one);
            active = active.add(d[q]);
            above |= v.above(sy) << (2 * q);
            below |= v.below(sy) << (2 * q);
            total = total.add(v);
        }
        sum += l;
        let at_y = F64x2::splat(-(active.lane(0) + active.lane(1)));
        let first_largest = if (total.lane(0) + total.lane(1)).is_nan() {
            argmax(s) == yi
        } else {
            let earlier = (1u32 << yi) - 1;
            above == 0 && below & earlier == earlier
        };
        correct += usize::from(first_largest);
        // dS_i (−#active at y_i) and what changed since the last pass
        let old = &mut ds[i * C..(i + 1) * C];
        let mut differs = 0u32;
        for q in 0..C / 2 {
            let off_y = classes[q].minus(yv).abs();
            d[q] = off_y.above_or_zero(0.5, d[q]).or(off_y.below_or_zero(0.5, at_y));
            differs |= d[q].minus(F64x2::load(old, 2 * q)).abs().above(0.0);
        }
        if differs != 0 {
            changed = true;
            for q in 0..C / 2 {
                d[q].minus(F64x2::load(old, 2 * q)).store(change, 2 * q);
                d[q].store(old, 2 * q);
            }
            update(i, change);
        }
    }
    (sum, correct, changed)
}

/// [`svm_rows`] for any number of classes.
fn svm_rows_any(
    scores: &[f64],
    y: &[usize],
    delta: f64,
    ds: &mut [f64],
    change: &mut [f64],
    update: impl FnMut(usize, &[f64]),
) -> (f64, usize, bool) {
    svm_rows_class_by_class(scores, y, delta, ds, change, &mut vec![0.0; change.len()], update)
}

/// [`svm_rows`] class by class, C = `d.len()` (`d` the row's dS being made): inlined, so that
/// where the caller's `d` is an array its length is a constant the compiler unrolls by.
#[inline(always)]
fn svm_rows_class_by_class(
    scores: &[f64],
    y: &[usize],
    delta: f64,
    ds: &mut [f64],
    change: &mut [f64],
    d: &mut [f64],
    mut update: impl FnMut(usize, &[f64]),
) -> (f64, usize, bool) {
    let c = d.len();
    let (mut sum, mut correct, mut changed) = (0.0, 0usize, false);
    for (i, ((s, old), &yi)) in scores.chunks_exact(c).zip(ds.chunks_exact_mut(c)).zip(y).enumerate() {
        correct += usize::from(argmax(s) == yi);
        let sy = s[yi];
        let (mut l, mut active) = (0.0, 0.0);
        // without branches: which margins are active does not follow a pattern the
        // processor could predict
        for (j, (d, &sj)) in d.iter_mut().zip(s).enumerate() {
            let m = sj - sy + delta;
            let on = (m > 0.0) & (j != yi);
            l += if on { m } else { 0.0 };
            *d = if on { 1.0 } else { 0.0 };
            active += *d;
        }
        d[yi] = -active;
        sum += l;
        if d.iter().zip(old.iter()).fold(false, |a, (x, o)| a | (x != o)) {
            changed = true;
            for ((ch, &a), &b) in change.iter_mut().zip(d.iter()).zip(old.iter()) {
                *ch = a - b;
            }
            update(i, change);
            old.copy_from_slice(d);
        }
    }
    (sum, correct, changed)
}

/// The softmax's rows of the pass: for each example i, from its scores s (C),
/// L_i = log Σ_j e^{s_j − m} − (s_{y_i} − m) with m = max_j s_j (the same operations in the same
/// order as `softmax_row`), whether argmax_j s_j = y_i, and dS_i = p − 1(j = y_i) with
/// p = softmax(s). Returns (Σ_i L_i, number correct, true: every row changes).
fn softmax_rows(scores: &[f64], y: &[usize], ds: &mut [f64]) -> (f64, usize, bool) {
    let c = scores.len() / y.len().max(1);
    let (mut sum, mut correct) = (0.0, 0usize);
    for ((s, d), &yi) in scores.chunks_exact(c).zip(ds.chunks_exact_mut(c)).zip(y) {
        correct += usize::from(argmax(s) == yi);
        let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let mut z = 0.0;
        for (d, &sj) in d.iter_mut().zip(s) {
            *d = (sj - m).exp();
            z += *d;
        }
        sum += z.ln() - (s[yi] - m);
        for d in d.iter_mut() {
            *d /= z;
        }
        d[yi] -= 1.0;
    }
    (sum, correct, true)
}

#[cfg(test)]
mod tests {
    use super::{svm_rows, svm_rows_any};
    use crate::rng::Rng;

    /// (Σ L_i, correct, changed, dS after, every (i, change) passed to `update`)
    type Pass = (f64, usize, bool, Vec<f64>, Vec<(usize, Vec<f64>)>);

    /// `svm_rows::<C>`: in lanes for an even C, class by class for an odd one.
    fn lanes<const C: usize>(s: &[f64], y: &[usize], old: &[f64]) -> Pass {
        let (mut ds, mut change, mut seen) = (old.to_vec(), vec![0.0; C], Vec::new());
        let (l, correct, changed) = svm_rows::<C>(s, y, 1.0, &mut ds, &mut change, |i, d| seen.push((i, d.to_vec())));
        (l, correct, changed, ds, seen)
    }

    fn one_by_one(c: usize, s: &[f64], y: &[usize], old: &[f64]) -> Pass {
        let (mut ds, mut change, mut seen) = (old.to_vec(), vec![0.0; c], Vec::new());
        let (l, correct, changed) = svm_rows_any(s, y, 1.0, &mut ds, &mut change, |i, d| seen.push((i, d.to_vec())));
        (l, correct, changed, ds, seen)
    }

    fn bits(p: &Pass) -> (u64, usize, bool, Vec<u64>, Vec<(usize, Vec<u64>)>) {
        let b = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        (p.0.to_bits(), p.1, p.2, b(&p.3), p.4.iter().map(|(i, d)| (*i, b(d))).collect())
    }

    #[test]
    fn svm_rows_in_lanes_hand_worked_ties_nan_and_infinity() {
        let inf = f64::INFINITY;
        // C = 4, Δ = 1; per row: scores, label, L_i, first largest = label, dS_i
        let rows: [([f64; 4], usize, f64, bool, [f64; 4]); 7] = [
            ([1.0, 1.0, 0.0, 0.0], 1, 1.0, false, [1.0, -1.0, 0.0, 0.0]), // tie with an earlier class: argmax is 0
            ([1.0, 1.0, 0.0, 0.0], 0, 1.0, true, [-1.0, 1.0, 0.0, 0.0]),  // tie with a later class: still 0
            ([0.0, 2.0, 3.0, 1.0], 2, 0.0, true, [0.0; 4]),                // margins −2, 0, −1: none active
            ([f64::NAN, 0.0, 1.0, 0.0], 2, 0.0, false, [0.0; 4]),          // argmax stays at a leading NaN
            ([0.0, f64::NAN, 1.0, 0.0], 2, 0.0, true, [0.0; 4]),           // a NaN after the first is passed over
            ([inf, 0.0, inf, 0.0], 2, 0.0, false, [0.0; 4]),               // ∞ − ∞ + 1 is NaN: not active
            ([-0.0, -0.5, 0.0, -0.25], 2, 2.25, false, [1.0, 1.0, -3.0, 1.0]), // −0 ties +0; L = 1 + 0.5 + 0.75
        ];
        for (s, y, l, first, d) in rows {
            let (got_l, correct, _, ds, _) = lanes::<4>(&s, &[y], &[0.0; 4]);
            assert_eq!(got_l, l, "{s:?} y={y}");
            assert_eq!(correct, usize::from(first), "{s:?} y={y}: first largest");
            assert_eq!(ds, d, "{s:?} y={y}: dS");
        }
    }

    #[test]
    fn svm_rows_in_lanes_equal_the_class_by_class_pass_bit_for_bit() {
        let mut rng = Rng::new(11);
        for round in 0..40 {
            let n = 1 + rng.below(60);
            // scores on a coarse grid (many ties and margins of exactly 0) in even rounds, off it
            // in odd ones (sums whose order shows in their bits); some rounds with NaN and ±∞
            let mut s: Vec<f64> = (0..n * 10).map(|_| (rng.below(9) as f64 - 4.0) * 0.5 + (round % 2) as f64 * rng.uniform()).collect();
            if round % 4 == 3 {
                for _ in 0..n {
                    let at = rng.below(s.len());
                    s[at] = [f64::NAN, f64::INFINITY, -f64::INFINITY, -0.0][rng.below(4)];
                }
            }
            let y: Vec<usize> = (0..n).map(|_| rng.below(10)).collect();
            // an earlier dS: the last pass's on some rows, zeros or another pattern on others
            let mut old = one_by_one(10, &s, &y, &vec![0.0; n * 10]).3;
            for v in old.iter_mut() {
                if rng.below(5) == 0 {
                    *v = rng.below(3) as f64;
                }
            }
            assert_eq!(bits(&lanes::<10>(&s, &y, &old)), bits(&one_by_one(10, &s, &y, &old)), "round {round}");
            let s4: Vec<f64> = s.chunks(10).flat_map(|r| r[..4].to_vec()).collect();
            let y4: Vec<usize> = y.iter().map(|&v| v % 4).collect();
            let old4: Vec<f64> = old.chunks(10).flat_map(|r| r[..4].to_vec()).collect();
            assert_eq!(bits(&lanes::<4>(&s4, &y4, &old4)), bits(&one_by_one(4, &s4, &y4, &old4)), "round {round}, C = 4");
            // an odd C: class by class with C written out, against the loop over any C
            let s3: Vec<f64> = s.chunks(10).flat_map(|r| r[..3].to_vec()).collect();
            let y3: Vec<usize> = y.iter().map(|&v| v % 3).collect();
            let old3: Vec<f64> = old.chunks(10).flat_map(|r| r[..3].to_vec()).collect();
            assert_eq!(bits(&lanes::<3>(&s3, &y3, &old3)), bits(&one_by_one(3, &s3, &y3, &old3)), "round {round}, C = 3");
        }
    }
}
