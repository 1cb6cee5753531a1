//! `GradientStepper`: the numerical gradient one coordinate per call.

use super::args::{f64s, fail, set, R};
use super::classifier::{borrow, parse_h, Classifier};
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
    /// `new GradientStepper(classifier, { h: 1e-5, centered: false })`; evaluates f(x) once.
    #[wasm_bindgen(constructor)]
    pub fn new(classifier: &Classifier, options: JsValue) -> R<GradientStepper> {
        let (h, centered, _) = parse_h(&options, false)?;
        let st = numgrad::Stepper::new(&mut *borrow(&classifier.inner)?, h, centered);
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
}
