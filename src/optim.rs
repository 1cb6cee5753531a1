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
use crate::loss::{evaluate, evaluate_scored, loss_grad, loss_grad_sparse_from_scores, scores_sparse_into, Classifier, Eval, SparseRows, Workspace};
use crate::data::Dataset;
use std::rc::Rc;
use crate::rng::Rng;
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
    /// `ws.scores` holds Xa·Wᵀ for this W on this data set (full batch), so the next
    /// gradient-descent step can skip recomputing them.
    scores_for: Option<(Rc<Dataset>, Array2<f64>)>,
    /// The full data set's rows without their zeros, for gradient descent.
    sparse: Option<(Rc<Dataset>, SparseRows)>,
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
            scores_for: None,
            sparse: None,
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
            let e = evaluate(&clf.w, clf.data.xa.view(), &clf.data.y, &clf.hyper, &mut self.ws);
            self.remember_scores(clf);
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
        let data = clf.data.clone();
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
                let e = evaluate(&self.w_try, data.xa.view(), &data.y, &h, &mut self.ws);
                self.scores_for = None; // ws.scores now hold the try's scores
                self.evaluations += 1;
                // random search compares with the best so far (+∞ at first, as in the lecture);
                // local search with the current W's loss
                let bar = if local { before.loss } else { self.best };
                let accepted = e.loss.is_finite() && e.loss < bar;
                if accepted {
                    clf.w.assign(&self.w_try);
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
        {
            {
                let try_loss;
                if self.config.method == Method::Gd {
                    if !matches!(&self.sparse, Some((d, _)) if Rc::ptr_eq(d, &data)) {
                        self.sparse = Some((data.clone(), SparseRows::new(data.xa.view())));
                    }
                    let x = &self.sparse.as_ref().expect("set above").1;
                    if !self.scores_valid(clf) {
                        scores_sparse_into(&clf.w, x, &mut self.ws);
                    }
                    let e = loss_grad_sparse_from_scores(&clf.w, x, &data.y, &h, &mut self.ws, &mut self.dw);
                    self.scores_for = None; // ws.scores now hold dS
                    try_loss = e.loss;
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
                    let e = loss_grad(&clf.w, self.batch_x.view(), &self.batch_y, &h, &mut self.ws, &mut self.dw);
                    self.scores_for = None; // ws.scores now hold the batch's dS
                    try_loss = e.loss;
                }
                // W ← W − stepSize·dW, keeping W_old to undo a divergent step
                self.w_try.assign(&clf.w);
                clf.w.scaled_add(-self.config.step_size, &self.dw);
                if !full_loss {
                    if !try_loss.is_finite() || clf.w.iter().any(|v| !v.is_finite()) {
                        clf.w.assign(&self.w_try);
                        self.diverged = true;
                        self.iteration -= 1;
                        return self.record(before, false, try_loss);
                    }
                    self.evaluations += 1;
                    self.mark_changed(clf);
                    self.current = None;
                    return self.record(before, true, try_loss);
                }
                let e = match &self.sparse {
                    Some((d, x)) if Rc::ptr_eq(d, &data) => {
                        scores_sparse_into(&clf.w, x, &mut self.ws);
                        evaluate_scored(&clf.w, &data.y, &h, &self.ws)
                    }
                    _ => evaluate(&clf.w, data.xa.view(), &data.y, &h, &mut self.ws),
                };
                self.remember_scores(clf);
                self.evaluations += 1;
                if !e.loss.is_finite() || clf.w.iter().any(|v| !v.is_finite()) {
                    clf.w.assign(&self.w_try);
                    self.diverged = true;
                    self.iteration -= 1;
                    return self.record(before, false, try_loss);
                }
                self.mark_changed(clf);
                self.current = Some(e);
                self.record(e, true, try_loss)
            }
        }
    }

    /// Notes that `ws.scores` now holds the full-data scores of the classifier's W.
    fn remember_scores(&mut self, clf: &Classifier) {
        match &mut self.scores_for {
            Some((d, w)) if w.dim() == clf.w.dim() => {
                *d = clf.data.clone();
                w.assign(&clf.w);
            }
            _ => self.scores_for = Some((clf.data.clone(), clf.w.clone())),
        }
    }

    /// Whether `ws.scores` holds the full-data scores of exactly this W (compared entry by
    /// entry, so no change from outside can slip through).
    fn scores_valid(&self, clf: &Classifier) -> bool {
        match &self.scores_for {
            Some((d, w)) => {
                Rc::ptr_eq(d, &clf.data)
                    && self.ws.scores.dim() == (clf.data.len(), clf.rows())
                    && w.dim() == clf.w.dim()
                    && w.iter().zip(clf.w.iter()).all(|(a, b)| a.to_bits() == b.to_bits())
            }
            None => false,
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
