//! `GradientStepper`: the numerical gradient one coordinate per call.

use super::args::{count, f64s, fail, set, Opts, R};
use super::classifier::{borrow, Classifier};
use crate::limits as lim;
use crate::loss;
use crate::numgrad;
use js_sys::{Float64Array, Object};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The numerical gradient one coordinate per `step()`, in row-major order, on the
/// classifier it was given (W is bumped and restored bit for bit at each step).
#[wasm_bindgen]
pub struct GradientStepper {
    clf: Rc<RefCell<loss::Classifier>>,
    st: numgrad::Stepper,
}

fn step_record(r: &numgrad::StepRecord) -> Object {
    let o = Object::new();
    set(&o, "index", r.index as f64);
    set(&o, "row", r.row as f64);
    set(&o, "col", r.col as f64);
    set(&o, "oldValue", r.old_value);
    set(&o, "bumpedValue", r.bumped_value);
    if let Some(m) = r.minus_value {
        set(&o, "minusValue", m);
    }
    set(&o, "fx", r.fx);
    set(&o, "fxPlusH", r.fx_plus_h);
    if let Some(m) = r.fx_minus_h {
        set(&o, "fxMinusH", m);
    }
    set(&o, "slope", r.slope);
    set(&o, "evaluations", r.evaluations as f64);
    set(&o, "kink", r.kink);
    o
}

/// The JS surface.
#[wasm_bindgen]
impl GradientStepper {
    /// `new GradientStepper(classifier, { h: 1e-5, centered: false, start: 0 })`; evaluates
    /// f(x) once. `start` is the first coordinate visited (row-major index; the order wraps
    /// around to 0 after the last), or `"data"`: the first coordinate whose feature column is
    /// not 0 in every example (digits' first pixels are 0 in every image).
    #[wasm_bindgen(constructor)]
    pub fn new(classifier: &Classifier, options: JsValue) -> R<GradientStepper> {
        let o = Opts::new(&options, "options", &["h", "centered", "start"])?;
        let h = o.number("h", 1e-5, lim::MIN_H, lim::MAX_H)?;
        let centered = o.boolean("centered", false)?;
        let mut c = borrow(&classifier.inner)?;
        let total = c.rows() * c.cols();
        let start = if o.get("start").as_string().as_deref() == Some("data") {
            numgrad::first_data_coordinate(&c)
        } else if o.get("start").is_string() {
            return fail("options.start must be a coordinate index or \"data\"");
        } else {
            o.integer("start", 0.0, 0.0, total.saturating_sub(1) as f64)? as usize
        };
        let st = numgrad::Stepper::starting_at(&mut c, h, centered, start);
        drop(c);
        Ok(GradientStepper { clf: classifier.inner.clone(), st })
    }

    /// Does the next coordinate → `{ index, row, col, oldValue, bumpedValue, fx, fxPlusH,
    /// fxMinusH (centered), minusValue (centered), slope, evaluations, kink }`,
    /// or `undefined` when every coordinate is done.
    pub fn step(&mut self) -> R<JsValue> {
        let mut c = borrow(&self.clf)?;
        match self.st.step(&mut c) {
            Ok(Some(r)) => Ok(step_record(&r).into()),
            Ok(None) => Ok(JsValue::UNDEFINED),
            Err(e) => fail(e),
        }
    }

    /// Undoes the last step; false when already at the start.
    pub fn back(&mut self) -> bool {
        self.st.back()
    }

    /// The record of the last step done, or `undefined`.
    pub fn last(&self) -> JsValue {
        self.st.last().map(|r| step_record(r).into()).unwrap_or(JsValue::UNDEFINED)
    }

    /// Whether every coordinate is done.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.st.done()
    }

    /// Loss evaluations so far: f(x) once, then 1 per coordinate (forward) or 2 (centered).
    #[wasm_bindgen(getter)]
    pub fn evaluations(&self) -> usize {
        self.st.evaluations()
    }

    /// The first coordinate visited (row-major index).
    #[wasm_bindgen(getter)]
    pub fn start(&self) -> usize {
        self.st.start()
    }

    /// Coordinates done so far.
    #[wasm_bindgen(getter)]
    pub fn position(&self) -> usize {
        self.st.position()
    }

    /// Number of coordinates, C × (D + 1).
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.st.len()
    }

    /// f(x), the loss at the unbumped W.
    #[wasm_bindgen(getter)]
    pub fn fx(&self) -> f64 {
        self.st.fx()
    }

    /// The step h.
    #[wasm_bindgen(getter)]
    pub fn h(&self) -> f64 {
        self.st.h
    }

    /// Whether the difference is centered.
    #[wasm_bindgen(getter)]
    pub fn centered(&self) -> bool {
        self.st.centered
    }

    /// The gradient so far, row-major; NaN where not yet visited.
    pub fn gradient(&self) -> Float64Array {
        f64s(self.st.gradient())
    }

    /// Does up to `n` more coordinates, as `step()` does each, without their records → the
    /// coordinates left (a gradient check in pieces: `steps` until 0, then `check`).
    pub fn steps(&mut self, n: JsValue) -> R<usize> {
        let n = count(&n, "n", 1, u32::MAX as usize)?;
        let mut c = borrow(&self.clf)?;
        self.st.steps(&mut c, n).or_else(fail)
    }

    /// Once every coordinate is done: `classifier.gradCheck({ h, centered, formula })`'s
    /// result for this stepper's h and difference, the same numbers bit for bit (from any
    /// `start`: each coordinate's slope is its own). `options`: `{ formula: "max" }`.
    pub fn check(&self, options: JsValue) -> R<Object> {
        let o = Opts::new(&options, "options", &["formula"])?;
        let formula = o.choice("formula", numgrad::RelFormula::Max, &numgrad::RelFormula::ALL, numgrad::RelFormula::name)?;
        let mut c = borrow(&self.clf)?;
        self.st.check(&mut c, formula).map(|gc| super::classifier::check_object(&gc)).or_else(fail)
    }
}
