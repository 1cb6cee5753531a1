//! `Optimizer`: the lecture's search strategies and (mini-batch) gradient descent.

use super::args::{count, f64s, number, set, Opts, R};
use super::classifier::{borrow, Classifier};
use crate::limits as lim;
use crate::loss;
use crate::optim::{self, Method};
use js_sys::{Float64Array, Object};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Random search, random local search, gradient descent or mini-batch SGD, stepping the
/// classifier it was given.
#[wasm_bindgen]
pub struct Optimizer {
    clf: Rc<RefCell<loss::Classifier>>,
    opt: optim::Optimizer,
}

fn record(r: &optim::Record) -> Object {
    let o = Object::new();
    set(&o, "iteration", r.iteration as f64);
    set(&o, "loss", r.loss);
    set(&o, "accuracy", r.accuracy);
    set(&o, "accepted", r.accepted);
    set(&o, "tryLoss", r.try_loss);
    set(&o, "diverged", r.diverged);
    set(&o, "evaluations", r.evaluations as f64);
    o
}

impl Optimizer {
    /// Up to `steps` steps of `step`, stopping at a blow-up; `value` picks what each step reports.
    fn steps_until_diverged(
        &mut self,
        steps: &JsValue,
        step: impl Fn(&mut optim::Optimizer, &mut loss::Classifier) -> optim::Record,
        value: impl Fn(&optim::Record) -> f64,
    ) -> R<Float64Array> {
        let n = count(steps, "steps", 0, lim::MAX_RUN_STEPS)?;
        let mut c = borrow(&self.clf)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let r = step(&mut self.opt, &mut c);
            if r.diverged {
                break;
            }
            out.push(value(&r));
        }
        Ok(f64s(&out))
    }
}

/// The JS surface.
#[wasm_bindgen]
impl Optimizer {
    /// `new Optimizer(classifier, { method: "random-search" | "random-local-search" | "gd" |
    /// "sgd", stepSize: 1e-3, batchSize: 32, scale: 1e-3, seed: 0 })`; stepSize and scale in
    /// [minStepSize, maxStepSize] of `limits()`, batchSize in 1..=N.
    #[wasm_bindgen(constructor)]
    pub fn new(classifier: &Classifier, options: JsValue) -> R<Optimizer> {
        let o = Opts::new(&options, "options", &["method", "stepSize", "batchSize", "scale", "seed"])?;
        let method = o.choice("method", Method::Gd, &Method::ALL, Method::name)?;
        let c = borrow(&classifier.inner)?;
        let config = optim::Config {
            method,
            step_size: o.number("stepSize", 1e-3, lim::MIN_STEP_SIZE, lim::MAX_STEP_SIZE)?,
            batch_size: o.integer("batchSize", 32f64.min(c.data.len() as f64), 1.0, c.data.len() as f64)? as usize,
            scale: o.number("scale", 1e-3, lim::MIN_STEP_SIZE, lim::MAX_STEP_SIZE)?,
            seed: o.integer("seed", 0.0, 0.0, lim::MAX_SEED)? as u64,
        };
        let opt = optim::Optimizer::new(&c, config);
        drop(c);
        Ok(Optimizer { clf: classifier.inner.clone(), opt })
    }

    /// One step → `{ iteration, loss, accuracy, accepted, tryLoss, diverged, evaluations }`.
    /// `loss` and `accuracy` are on the whole data set after the step (random search: of
    /// the best W so far). When `diverged` is true W stays at its last finite value.
    pub fn step(&mut self) -> R<Object> {
        let mut c = borrow(&self.clf)?;
        let r = self.opt.step(&mut c);
        Ok(record(&r))
    }

    /// `steps` steps → Float64Array of the loss after each (shorter if the run diverged).
    pub fn run(&mut self, steps: JsValue) -> R<Float64Array> {
        self.steps_until_diverged(&steps, |o, c| o.step(c), |r| r.loss)
    }

    /// `steps` gradient-descent or mini-batch steps without the full-data loss after each →
    /// Float64Array of the mini-batch loss before each step (shorter if the run diverged).
    /// What a training loop pays per step; evaluate the full loss (`m.loss()`) as bookkeeping.
    #[wasm_bindgen(js_name = runSteps)]
    pub fn run_steps(&mut self, steps: JsValue) -> R<Float64Array> {
        self.steps_until_diverged(&steps, |o, c| o.step_without_full_loss(c), |r| r.try_loss)
    }

    /// Sets the step size for the steps from now on: W, the step count and the random
    /// stream are kept, so the run goes on from where it is (after a blow-up, from the last
    /// finite W, and `diverged` becomes false). `stepSize` in [minStepSize, maxStepSize].
    #[wasm_bindgen(js_name = setStepSize)]
    pub fn set_step_size(&mut self, step_size: JsValue) -> R<()> {
        let eta = number(&step_size, "stepSize", lim::MIN_STEP_SIZE, lim::MAX_STEP_SIZE)?;
        self.opt.set_step_size(eta);
        Ok(())
    }

    /// The step size in use.
    #[wasm_bindgen(getter, js_name = stepSize)]
    pub fn step_size(&self) -> f64 {
        self.opt.config.step_size
    }

    /// Steps done so far.
    #[wasm_bindgen(getter)]
    pub fn iteration(&self) -> usize {
        self.opt.iteration()
    }

    /// Whether the loss blew up (W then stays at its last finite value).
    #[wasm_bindgen(getter)]
    pub fn diverged(&self) -> bool {
        self.opt.diverged()
    }

    /// Loss evaluations spent so far.
    #[wasm_bindgen(getter)]
    pub fn evaluations(&self) -> usize {
        self.opt.evaluations()
    }

    /// The W tried by the last random-search or random-local-search step (row-major),
    /// whether it was kept or not.
    #[wasm_bindgen(js_name = lastTry)]
    pub fn last_try(&self) -> Float64Array {
        f64s(self.opt.last_try().as_slice().unwrap_or(&[]))
    }

    /// The method's name.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.opt.config.method.name().into()
    }
}
