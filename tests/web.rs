//! The JS facade in headless Chromium (wasm-bindgen-test): names, layouts, errors.
#![cfg(target_arch = "wasm32")]

use js_sys::{Float64Array, Object, Reflect, Uint32Array};
use lossland::web::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn opts(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn message(e: JsValue) -> String {
    let err: js_sys::Error = e.dyn_into().expect("a JS Error");
    err.message().into()
}

fn n(v: f64) -> JsValue {
    JsValue::from_f64(v)
}

#[wasm_bindgen_test]
fn classifier_layout_and_hand_checked_loss() {
    // W = 0: every SVM margin is Δ, so L = (C − 1)·Δ = 2 on the toy set; softmax gives log 3.
    let d = Dataset::toy(n(0.0)).unwrap();
    assert_eq!((d.len(), d.dims(), d.classes()), (9, 2, 3));
    let m = Classifier::new(&d, opts(&[("loss", "svm".into())])).unwrap();
    assert_eq!((m.rows(), m.cols()), (3, 3));
    assert_eq!(m.weights().unwrap().length(), 9);
    assert!((m.loss().unwrap() - 2.0).abs() < 1e-12);
    m.set_options(opts(&[("loss", "softmax".into())])).unwrap();
    assert!((m.loss().unwrap() - 3f64.ln()).abs() < 1e-12);
    // the bias is the last column: W with only biases (1, 0, 0) scores every example (1, 0, 0)
    let w = Float64Array::from(&[0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0][..]);
    m.set_weights(w.into()).unwrap();
    m.set_options(opts(&[("loss", "svm".into())])).unwrap();
    // class-0 examples: margins 0−1+1 = 0 twice → 0; other examples: 1−0+1 = 2 and 0−0+1 = 1 → 3
    assert!((m.loss().unwrap() - (3.0 * 0.0 + 6.0 * 3.0) / 9.0).abs() < 1e-12);
    assert!((m.accuracy().unwrap() - 3.0 / 9.0).abs() < 1e-12);
    let g = m.gradient().unwrap().to_vec();
    assert_eq!(g.len(), 9);
}

#[wasm_bindgen_test]
fn stepper_records_have_the_documented_fields() {
    let d = Dataset::toy(n(0.0)).unwrap();
    let m = Classifier::new(&d, JsValue::UNDEFINED).unwrap();
    m.randomize(n(3.0), n(0.5)).unwrap();
    let mut s = GradientStepper::new(&m, opts(&[("h", n(1e-5)), ("centered", true.into())])).unwrap();
    assert_eq!(s.evaluations(), 1);
    let r = s.step().unwrap();
    for k in ["index", "row", "col", "oldValue", "bumpedValue", "minusValue", "fx", "fxPlusH", "fxMinusH", "slope", "evaluations", "kink"] {
        assert!(!get(&r, k).is_undefined(), "field {k}");
    }
    assert_eq!(get(&r, "evaluations").as_f64(), Some(3.0));
    let slope = get(&r, "slope").as_f64().unwrap();
    let fp = get(&r, "fxPlusH").as_f64().unwrap();
    let fm = get(&r, "fxMinusH").as_f64().unwrap();
    assert_eq!(slope, (fp - fm) / 2e-5);
    let g = s.gradient().to_vec();
    assert!(g[0].is_finite() && g[1].is_nan());
    while !s.done() {
        s.step().unwrap();
    }
    assert!(s.step().unwrap().is_undefined());
    assert!(s.back());
    assert_eq!(s.position(), 8);
}

#[wasm_bindgen_test]
fn bad_input_throws_errors_naming_the_parameter() {
    let e = Dataset::spiral("ten".into(), n(3.0), n(0.0)).err().unwrap();
    assert!(message(e.into()).contains("pointsPerClass"));
    let e = Dataset::toy(n(-1.0)).err().unwrap();
    assert!(message(e.into()).contains("seed"));
    let e = Dataset::toy(n(2f64.powi(60))).err().unwrap();
    assert!(message(e.into()).contains("seed"));
    let d = Dataset::toy(n(0.0)).unwrap();
    let e = Classifier::new(&d, opts(&[("loss", "hinge".into())])).err().unwrap();
    assert!(message(e.into()).contains("options.loss"));
    let e = Classifier::new(&d, opts(&[("regularization", n(1.0))])).err().unwrap();
    assert!(message(e.into()).contains("unknown option"));
    let m = Classifier::new(&d, JsValue::UNDEFINED).unwrap();
    let e = GradientStepper::new(&m, opts(&[("h", n(0.0))])).err().unwrap();
    assert!(message(e.into()).contains("options.h"));
    let e = Optimizer::new(&m, opts(&[("method", "adam".into())])).err().unwrap();
    assert!(message(e.into()).contains("options.method"));
    let e = m.set_weights(Float64Array::new_with_length(4).into()).err().unwrap();
    assert!(message(e.into()).contains("weights"));
    let labels = Uint32Array::from(&[0u32, 7][..]);
    let e = Dataset::from_arrays(Float64Array::from(&[1.0, 2.0][..]).into(), labels.into(), n(1.0), n(2.0)).err().unwrap();
    assert!(message(e.into()).contains("labels[1]"));
    let l = Landscape::new(&m, JsValue::UNDEFINED).unwrap();
    let e = l.plane(n(1.0), n(100000.0)).err().unwrap();
    assert!(message(e.into()).contains("size"));
    // after all that the module still computes
    assert!((m.loss().unwrap() - 2.0).abs() < 1e-12);
}

#[wasm_bindgen_test]
fn landscape_and_optimizer_layouts() {
    let d = Dataset::spiral(n(20.0), n(3.0), n(1.0)).unwrap();
    let m = Classifier::new(&d, opts(&[("loss", "softmax".into()), ("reg", n(1e-3))])).unwrap();
    m.randomize(n(1.0), n(0.1)).unwrap();
    let l = Landscape::new(&m, opts(&[("seed", n(2.0)), ("normalize", true.into())])).unwrap();
    let plane = l.plane(n(1.0), n(7.0)).unwrap().to_vec();
    assert_eq!(plane.len(), 49);
    // centre of the grid is W0 itself
    assert!((plane[24] - m.loss().unwrap()).abs() < 1e-12);
    // row ↔ b, column ↔ a: element (row 3, col 6) is a = +1, b = 0
    let at = l.loss_at(n(1.0), n(0.0)).unwrap();
    assert!((plane[3 * 7 + 6] - at).abs() < 1e-12);
    let line = l.line(n(1.0), n(7.0)).unwrap().to_vec();
    assert!((line[6] - at).abs() < 1e-12);
    assert_eq!(l.direction(n(1.0)).unwrap().length(), 9);
    let mut o = Optimizer::new(&m, opts(&[("method", "gd".into()), ("stepSize", n(1.0))])).unwrap();
    let r = o.step().unwrap();
    for k in ["iteration", "loss", "accuracy", "accepted", "diverged"] {
        assert!(!get(&r.clone().into(), k).is_undefined(), "field {k}");
    }
    let losses = o.run(n(10.0)).unwrap().to_vec();
    assert_eq!(losses.len(), 10);
    assert!((losses[9] - m.loss().unwrap()).abs() < 1e-12, "the optimizer steps the classifier it was given");
    let p = l.project(m.weights().unwrap().into()).unwrap().to_vec();
    assert_eq!(p.len(), 3);
    assert!(p[2] > 0.0, "GD leaves the random plane");
}
