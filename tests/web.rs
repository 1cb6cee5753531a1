//! The JS facade in headless Chromium (wasm-bindgen-test): names, layouts, errors.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
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

fn f64s_of(o: &JsValue, k: &str) -> Vec<f64> {
    get(o, k).dyn_into::<Float64Array>().unwrap_or_else(|_| panic!("{k} is a Float64Array")).to_vec()
}

#[wasm_bindgen_test]
fn limits_lists_the_caps_and_the_verdict_table() {
    let l: JsValue = limits().into();
    for (k, v) in [("maxSpan", 1e6), ("maxReg", 1e6), ("maxDelta", 1e6), ("maxStepSize", 1e6), ("minStepSize", 1e-300), ("minH", 1e-10), ("epsilon", f64::EPSILON)] {
        assert_eq!(get(&l, k).as_f64(), Some(v), "{k}");
    }
    let v: Array = get(&l, "verdicts").dyn_into().expect("verdicts is an array");
    let rows: Vec<(String, f64, bool)> = v.iter().map(|e| (get(&e, "name").as_string().unwrap(), get(&e, "below").as_f64().unwrap(), get(&e, "inclusive").as_bool().unwrap())).collect();
    assert_eq!(
        rows,
        vec![
            ("good".into(), 1e-7, false),
            ("acceptable-with-kinks".into(), 1e-4, true),
            ("too-high".into(), 1e-4, true),
            ("uncomfortable".into(), 1e-2, true),
            ("wrong".into(), f64::INFINITY, true),
            ("kink".into(), f64::INFINITY, true),
            ("round-off".into(), f64::INFINITY, true)
        ]
    );
    assert_eq!(get(&v.get(1), "kinksOnly").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn example_terms_have_margins_active_hinges_and_probabilities() {
    // W = 0 on the toy set: every score 0, every SVM margin Δ = 1 (all active), softmax p = 1/3
    let d = Dataset::toy(n(0.0)).unwrap();
    let m = Classifier::new(&d, opts(&[("loss", "svm".into()), ("delta", n(1.0))])).unwrap();
    let t: JsValue = m.example_terms(n(0.0)).unwrap().into();
    assert_eq!(get(&t, "kind").as_string().as_deref(), Some("svm"));
    assert_eq!(get(&t, "delta").as_f64(), Some(1.0));
    let y = get(&t, "label").as_f64().unwrap() as usize;
    let margins = f64s_of(&t, "margins");
    assert_eq!(margins.len(), 3);
    for (j, &mj) in margins.iter().enumerate() {
        assert!(if j == y { mj.is_nan() } else { mj == 1.0 }, "{margins:?}");
    }
    let active = get(&t, "active").dyn_into::<Uint8Array>().expect("active is a Uint8Array").to_vec();
    assert_eq!(active.iter().map(|&a| a as usize).sum::<usize>(), 2);
    assert!(f64s_of(&t, "probabilities").iter().all(|p| p.is_nan()));
    for k in ["scores", "dscores", "x"] {
        assert!(get(&t, k).is_instance_of::<Float64Array>(), "{k}");
    }
    m.set_options(opts(&[("loss", "softmax".into())])).unwrap();
    let t: JsValue = m.example_terms(n(0.0)).unwrap().into();
    assert_eq!(get(&t, "kind").as_string().as_deref(), Some("softmax"));
    assert!(f64s_of(&t, "probabilities").iter().all(|&p| (p - 1.0 / 3.0).abs() < 1e-15));
    assert!(f64s_of(&t, "margins").iter().all(|m| m.is_nan()));
}

#[wasm_bindgen_test]
fn slopes_versus_h_return_fx_and_round_off_per_h() {
    let d = Dataset::toy(n(0.0)).unwrap();
    let m = Classifier::new(&d, JsValue::UNDEFINED).unwrap();
    m.randomize(n(1.0), n(1.0)).unwrap();
    let hs = Float64Array::from(&[1e-8, 1e-5, 1e-2][..]);
    let s: JsValue = m.slopes_versus_h(n(0.0), n(0.0), hs.into()).unwrap().into();
    let fx = get(&s, "fx").as_f64().unwrap();
    assert_eq!(fx, m.loss().unwrap());
    let (r, rc) = (f64s_of(&s, "roundOff"), f64s_of(&s, "roundOffCentered"));
    for (i, h) in [1e-8, 1e-5, 1e-2].into_iter().enumerate() {
        assert!((r[i] - 2.0 * f64::EPSILON * fx / h).abs() <= 1e-15 * r[i], "forward: 2ε|f|/h");
        assert!((rc[i] - f64::EPSILON * fx / h).abs() <= 1e-15 * rc[i], "centered: ε|f|/h");
    }
    assert_eq!(f64s_of(&s, "forward").len(), 3);
    assert_eq!(f64s_of(&s, "centered").len(), 3);
    assert!(get(&s, "analytic").as_f64().is_some());
}

#[wasm_bindgen_test]
fn downhill_landscape_goes_along_minus_the_gradient() {
    let d = Dataset::toy(n(0.0)).unwrap();
    let m = Classifier::new(&d, opts(&[("loss", "softmax".into()), ("reg", n(0.01))])).unwrap();
    m.randomize(n(2.0), n(1.0)).unwrap();
    let l = Landscape::downhill(&m, opts(&[("seed", n(5.0))])).unwrap();
    let g = m.gradient().unwrap().to_vec();
    let w1 = l.direction(n(0.0)).unwrap().to_vec();
    assert!(w1.iter().zip(&g).all(|(a, b)| *a == -*b), "W1 = −dW");
    let w2 = l.direction(n(1.0)).unwrap().to_vec();
    let norms = l.direction_norms().to_vec();
    let n1 = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert_eq!(norms.len(), 2);
    assert!((norms[0] - n1).abs() < 1e-12 * n1 && (norms[1] - n1).abs() < 1e-12 * n1);
    assert!(w1.iter().zip(&w2).map(|(a, b)| a * b).sum::<f64>().abs() < 1e-12 * n1 * n1);
    assert_eq!(l.origin().to_vec(), m.weights().unwrap().to_vec());
    let e = Landscape::downhill(&m, opts(&[("seed", n(-1.0))])).err().unwrap();
    assert!(message(e.into()).contains("options.seed"));
}

#[wasm_bindgen_test]
fn chart_transform_maps_pixels_to_data_and_back() {
    let t = opts(&[
        ("left", n(50.0)),
        ("top", n(10.0)),
        ("width", n(400.0)),
        ("height", n(200.0)),
        ("xMin", n(-2.0)),
        ("xMax", n(2.0)),
        ("yMin", n(0.0)),
        ("yMax", n(10.0)),
        ("logX", false.into()),
        ("logY", false.into()),
    ]);
    let p = chart_to_data(t.clone(), n(250.0), n(110.0)).unwrap();
    assert_eq!((get(&p, "x").as_f64(), get(&p, "y").as_f64()), (Some(0.0), Some(5.0)));
    assert!(chart_to_data(t.clone(), n(20.0), n(110.0)).unwrap().is_undefined(), "left of the plot area");
    let q: JsValue = chart_to_pixel(t.clone(), n(1.0), n(2.5)).unwrap().into();
    assert_eq!((get(&q, "px").as_f64(), get(&q, "py").as_f64()), (Some(350.0), Some(160.0)));
    let e = chart_to_data(opts(&[("left", n(0.0))]), n(1.0), n(1.0)).err().unwrap();
    assert!(message(e.into()).contains("transform.top"));
}

#[wasm_bindgen_test]
fn grad_check_names_its_verdicts() {
    let d = Dataset::toy(n(0.0)).unwrap();
    let m = Classifier::new(&d, opts(&[("loss", "softmax".into())])).unwrap();
    m.randomize(n(3.0), n(0.5)).unwrap();
    let g: JsValue = m.grad_check(JsValue::UNDEFINED).unwrap().into();
    let names: Vec<String> = get(&g, "verdictNames").dyn_into::<Array>().unwrap().iter().map(|v| v.as_string().unwrap()).collect();
    assert_eq!(names, ["good", "acceptable-with-kinks", "too-high", "uncomfortable", "wrong", "kink", "round-off"]);
    let codes = get(&g, "verdicts").dyn_into::<Uint8Array>().unwrap().to_vec();
    assert_eq!(codes.len(), 9);
    let decides = get(&g, "verdictDecides").dyn_into::<Uint8Array>().unwrap().to_vec();
    let worst = *codes.iter().filter(|&&c| decides[c as usize] == 1).max().unwrap() as usize;
    assert_eq!(get(&g, "verdict").as_string().unwrap(), names[worst]);
}

#[wasm_bindgen_test]
fn range_messages_print_numbers_as_javascript_does_and_stay_short() {
    let d = Dataset::toy(n(0.0)).unwrap();
    let m = Classifier::new(&d, JsValue::UNDEFINED).unwrap();
    let e = Optimizer::new(&m, opts(&[("stepSize", n(1e300))])).err().unwrap();
    assert_eq!(message(e.into()), "options.stepSize must be a number in [1e-300, 1000000], got 1e+300");
    let long = "x".repeat(10_000);
    let e = Classifier::new(&d, opts(&[("loss", long.as_str().into())])).err().unwrap();
    let msg = message(e.into());
    assert!(msg.starts_with("options.loss must be one of svm, softmax, got the string \"xxx"), "{msg}");
    assert!(msg.chars().count() <= 200, "{msg}");
}

#[wasm_bindgen_test]
fn grad_check_tells_round_off_and_kinks_from_disagreement() {
    // limits(): each verdict's band, kink rule and whether it decides (issue 11)
    let l: JsValue = limits().into();
    assert_eq!(get(&l, "roundOffMultiple").as_f64(), Some(4.0));
    let v: Array = get(&l, "verdicts").dyn_into().unwrap();
    let row = |name: &str| v.iter().find(|e| get(e, "name").as_string().as_deref() == Some(name)).unwrap_or_else(|| panic!("{name}"));
    let good = row("good");
    assert_eq!((get(&good, "from").as_f64(), get(&good, "fromInclusive").as_bool(), get(&good, "kink").as_string().as_deref()), (Some(0.0), Some(true), Some("either")));
    let ok = row("acceptable-with-kinks");
    assert_eq!((get(&ok, "from").as_f64(), get(&ok, "kink").as_string().as_deref(), get(&ok, "decides").as_bool()), (Some(1e-7), Some("crossed"), Some(true)));
    assert_eq!(get(&row("too-high"), "kink").as_string().as_deref(), Some("not-crossed"));
    assert_eq!(get(&row("wrong"), "from").as_f64(), Some(1e-2));
    assert_eq!(get(&row("wrong"), "fromInclusive").as_bool(), Some(false));
    let kink = row("kink");
    assert_eq!((get(&kink, "from").as_f64(), get(&kink, "kink").as_string().as_deref(), get(&kink, "decides").as_bool()), (Some(1e-4), Some("crossed"), Some(false)));
    let ro = row("round-off");
    assert_eq!((get(&ro, "decides").as_bool(), get(&ro, "roundOff").as_bool()), (Some(false), Some(true)));
    assert_eq!(get(&good, "roundOff").as_bool(), Some(false));

    // digits, softmax, the page's W (0.01·N(0, 1), seed 1), h = 1e-5 centered: the tiny
    // blank-border entries are round-off, nothing is worse than good
    // the bytes the page fetches as pkg/digits.bin (build.rs's OUT_DIR/digits.bin)
    let bytes = Uint8Array::from(&include_bytes!(concat!(env!("OUT_DIR"), "/digits.bin"))[..]);
    let d = Dataset::digits(bytes.into()).unwrap();
    let m = Classifier::new(&d, opts(&[("loss", "softmax".into())])).unwrap();
    m.randomize(n(1.0), n(0.01)).unwrap();
    let g: JsValue = m.grad_check(JsValue::UNDEFINED).unwrap().into();
    let names: Vec<String> = get(&g, "verdictNames").dyn_into::<Array>().unwrap().iter().map(|v| v.as_string().unwrap()).collect();
    let decides = get(&g, "verdictDecides").dyn_into::<Uint8Array>().unwrap().to_vec();
    assert_eq!(decides, [1, 1, 1, 1, 1, 0, 0]);
    let codes = get(&g, "verdicts").dyn_into::<Uint8Array>().unwrap().to_vec();
    assert_eq!(codes.len(), 650);
    let count = |name: &str| codes.iter().filter(|&&c| names[c as usize] == name).count();
    assert!(count("round-off") > 0);
    assert_eq!(count("too-high") + count("uncomfortable") + count("wrong") + count("kink"), 0);
    assert_eq!(get(&g, "verdict").as_string().as_deref(), Some("good"));
    assert!(get(&g, "maxRelError").as_f64().unwrap() < 1e-7);
    let scale = get(&g, "roundOff").as_f64().unwrap();
    assert_eq!(get(&g, "roundOffMultiple").as_f64(), Some(4.0));
    assert_eq!(get(&g, "roundOffLimit").as_f64(), Some(4.0 * scale));
    let (a, nu, e) = (f64s_of(&g, "analytic"), f64s_of(&g, "numerical"), f64s_of(&g, "relErrors"));
    for i in 0..650 {
        if names[codes[i] as usize] == "round-off" {
            assert!((a[i] - nu[i]).abs() <= 4.0 * scale && e[i] >= 1e-7, "entry {i}");
        }
    }
    assert!(get(&g, "belowRoundOff").is_undefined(), "replaced by the round-off verdict");
}
