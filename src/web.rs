//! The JavaScript API (`#[wasm_bindgen]` facade). Thin: it checks every argument, converts
//! between JS values and the Rust core, and names things the JS way.
//!
//! Conventions: every number is a JS number; every array returned is a fresh typed-array
//! copy; W is row-major C × (D + 1) with the bias in the last column. Invalid input throws a
//! JS `Error` whose message names the parameter and the allowed range. No input reachable
//! from JS panics: every index is checked here or in the core before use.

use crate::data;
use crate::landscape;
use crate::limits as lim;
use crate::loss::{self, Hyper, LossKind};
use crate::numgrad::{self, RelFormula};
use crate::optim::{self, Method};
use crate::render::chart::{self, ChartSpec, HeatmapSpec, Marker, Series, Transform};
use crate::render::heatmap;
use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array, Uint8ClampedArray};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type R<T> = Result<T, JsError>;

fn fail<T>(msg: impl AsRef<str>) -> R<T> {
    Err(JsError::new(msg.as_ref()))
}

// ---------------------------------------------------------------- argument checking

// Argument checking calls into JS only through these catching imports (plus `Reflect`, which
// js-sys already declares with `catch`). A hostile argument — a Proxy, a getter, a typed array on a
// detached buffer — can throw from inside `Array.isArray`, `Object.keys`, `.length` or `a[i]`, and a
// JS exception unwinding through wasm skips Rust's cleanup: the classifier's RefCell stays borrowed
// ("busy" for ever) and the shadow-stack pointer is not restored, so a few hundred such calls run
// the stack into the heap ("memory access out of bounds"). Caught, the call fails with an Error.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn js_is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn js_keys(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_name = Float64Array)]
    type F64Copy;
    #[wasm_bindgen(catch, constructor, js_class = "Float64Array")]
    fn new(src: &JsValue) -> Result<F64Copy, JsValue>;
    #[wasm_bindgen(js_name = Uint32Array)]
    type U32Copy;
    #[wasm_bindgen(catch, constructor, js_class = "Uint32Array")]
    fn new(src: &JsValue) -> Result<U32Copy, JsValue>;
}

fn js_copy_f64(v: &JsValue) -> Result<Float64Array, JsValue> {
    F64Copy::new(v).map(|a| a.unchecked_into())
}

fn js_copy_u32(v: &JsValue) -> Result<Uint32Array, JsValue> {
    U32Copy::new(v).map(|a| a.unchecked_into())
}

fn is_array(v: &JsValue) -> bool {
    js_is_array(v).unwrap_or(false)
}

/// `v.length` without letting a throwing getter unwind through wasm.
fn js_length(v: &JsValue, name: &str) -> R<usize> {
    match Reflect::get(v, &JsValue::from_str("length")).ok().and_then(|l| l.as_f64()) {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
        _ => fail(format!("{name} has no readable length")),
    }
}

/// The items of a JS array (at most `max`), each read with a catching `Reflect.get`.
fn array_items(v: &JsValue, name: &str, max: usize, what: &str) -> R<Vec<JsValue>> {
    let n = js_length(v, name)?;
    if n > max {
        return fail(format!("{name} may hold at most {max} {what}, got {n}"));
    }
    (0..n as u32).map(|i| Reflect::get_u32(v, i).map_err(|_| JsError::new(&format!("{name}[{i}] could not be read")))).collect()
}

/// A fresh copy of a typed array of at most `max` `what`, made by `copy` (a catching typed-array
/// constructor): the copy reads the source's internal slots, not its (overridable) getters, and
/// a detached buffer is an error, not an unwind.
fn typed_copy<A>(v: &JsValue, name: &str, max: usize, what: &str, copy: fn(&JsValue) -> Result<A, JsValue>, len: fn(&A) -> u32) -> R<A> {
    let n = js_length(v, name)?;
    if n > max {
        return fail(format!("{name} may hold at most {max} {what}, got {n}"));
    }
    let a = copy(v).map_err(|_| JsError::new(&format!("{name} could not be read (a detached buffer?)")))?;
    if len(&a) as usize > max {
        return fail(format!("{name} may hold at most {max} {what}, got {}", len(&a)));
    }
    Ok(a)
}

fn typed_f64(v: &JsValue, name: &str, max: usize) -> R<Vec<f64>> {
    Ok(typed_copy(v, name, max, "values", js_copy_f64, Float64Array::length)?.to_vec())
}


fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else if let Some(s) = v.as_string() {
        let s: String = s.chars().take(40).collect();
        format!("the string {s:?}")
    } else if let Some(n) = v.as_f64() {
        format!("{n}")
    } else if let Some(b) = v.as_bool() {
        format!("{b}")
    } else if is_array(v) {
        "an array".into()
    } else if v.is_function() {
        "a function".into()
    } else {
        "an object".into()
    }
}

/// A finite JS number in [lo, hi].
fn number(v: &JsValue, name: &str, lo: f64, hi: f64) -> R<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
        _ => fail(format!("{name} must be a number in [{lo}, {hi}], got {}", describe(v))),
    }
}

/// A JS number that is an integer in lo..=hi.
fn integer(v: &JsValue, name: &str, lo: f64, hi: f64) -> R<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x >= lo && x <= hi => Ok(x),
        _ => fail(format!("{name} must be an integer in {lo}..={hi}, got {}", describe(v))),
    }
}

fn seed_of(v: &JsValue, name: &str) -> R<u64> {
    Ok(integer(v, name, 0.0, lim::MAX_SEED)? as u64)
}

fn count(v: &JsValue, name: &str, lo: usize, hi: usize) -> R<usize> {
    Ok(integer(v, name, lo as f64, hi as f64)? as usize)
}

/// An options object: `undefined`/`null` (all defaults) or a plain object whose keys are all known.
struct Opts {
    obj: Option<Object>,
    what: &'static str,
}

impl Opts {
    fn new(v: &JsValue, what: &'static str, allowed: &[&str]) -> R<Opts> {
        if v.is_undefined() || v.is_null() {
            return Ok(Opts { obj: None, what });
        }
        if !v.is_object() || is_array(v) || v.is_function() {
            return fail(format!("{what} must be an object like {{ {} }}, got {}", allowed.join(", "), describe(v)));
        }
        let keys = js_keys(v).map_err(|_| JsError::new(&format!("{what} could not be read (its keys threw)")))?;
        let obj: Object = v.clone().unchecked_into();
        for key in keys.iter() {
            let k = key.as_string().unwrap_or_default();
            if !allowed.contains(&k.as_str()) {
                let k: String = k.chars().take(40).collect();
                return fail(format!("{what} has an unknown option {k:?}; allowed: {}", allowed.join(", ")));
            }
        }
        Ok(Opts { obj: Some(obj), what })
    }

    fn get(&self, key: &str) -> JsValue {
        match &self.obj {
            Some(o) => Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED),
            None => JsValue::UNDEFINED,
        }
    }

    fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.what)
    }

    fn number(&self, key: &str, default: f64, lo: f64, hi: f64) -> R<f64> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        number(&v, &self.name(key), lo, hi)
    }

    fn integer(&self, key: &str, default: f64, lo: f64, hi: f64) -> R<f64> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        integer(&v, &self.name(key), lo, hi)
    }

    fn boolean(&self, key: &str, default: bool) -> R<bool> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        v.as_bool().ok_or_else(|| JsError::new(&format!("{} must be true or false, got {}", self.name(key), describe(&v))))
    }

    fn choice(&self, key: &str, default: &'static str, allowed: &[&'static str]) -> R<&'static str> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        let s = v.as_string().unwrap_or_default();
        match allowed.iter().find(|a| **a == s) {
            Some(a) => Ok(a),
            None => fail(format!("{} must be one of {}, got {}", self.name(key), allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", "), describe(&v))),
        }
    }

    fn string(&self, key: &str, max_len: usize) -> R<String> {
        let v = self.get(key);
        if v.is_undefined() || v.is_null() {
            return Ok(String::new());
        }
        match v.as_string() {
            Some(s) if s.chars().count() <= max_len => Ok(s),
            _ => fail(format!("{} must be a string of at most {max_len} characters, got {}", self.name(key), describe(&v))),
        }
    }
}

/// A Float64Array, or an array of numbers, of at most `max` finite values.
fn f64_array(v: &JsValue, name: &str, max: usize) -> R<Vec<f64>> {
    let out = f64_array_lenient_max(v, name, max)?;
    if let Some(i) = out.iter().position(|x| !x.is_finite()) {
        return fail(format!("{name}[{i}] must be a finite number, got {}", out[i]));
    }
    Ok(out)
}

/// A Float64Array, or an array of numbers (NaN and ±Infinity included), of at most `max` values.
fn f64_array_lenient_max(v: &JsValue, name: &str, max: usize) -> R<Vec<f64>> {
    if v.dyn_ref::<Float64Array>().is_some() {
        typed_f64(v, name, max)
    } else if is_array(v) {
        array_items(v, name, max, "values")?
            .iter()
            .enumerate()
            .map(|(i, x)| x.as_f64().ok_or_else(|| JsError::new(&format!("{name}[{i}] must be a number, got {}", describe(x)))))
            .collect()
    } else {
        fail(format!("{name} must be a Float64Array or an array of numbers, got {}", describe(v)))
    }
}

fn label_array(v: &JsValue, name: &str, max: usize) -> R<Vec<usize>> {
    let raw: Vec<f64> = if v.dyn_ref::<Uint32Array>().is_some() {
        typed_copy(v, name, max, "labels", js_copy_u32, Uint32Array::length)?.to_vec().into_iter().map(|x| x as f64).collect()
    } else if is_array(v) || v.dyn_ref::<Float64Array>().is_some() {
        f64_array(v, name, max)?
    } else {
        return fail(format!("{name} must be a Uint32Array or an array of integers, got {}", describe(v)));
    };
    raw.iter()
        .enumerate()
        .map(|(i, &x)| {
            if x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x) {
                Ok(x as usize)
            } else {
                fail(format!("{name}[{i}] must be a non-negative integer, got {x}"))
            }
        })
        .collect()
}

fn set(o: &Object, k: &str, v: impl Into<JsValue>) {
    // Reflect::set on a fresh plain object cannot fail
    let _ = Reflect::set(o, &JsValue::from_str(k), &v.into());
}

fn f64s(v: &[f64]) -> Float64Array {
    Float64Array::from(v)
}

// ---------------------------------------------------------------- Dataset

/// A labelled data set. Features are stored with the bias trick (a constant 1 appended).
#[wasm_bindgen]
pub struct Dataset {
    inner: Rc<data::Dataset>,
}

#[wasm_bindgen]
impl Dataset {
    /// The toy set: 9 points in 2-D, 3 classes (W is 3 × 3). Seed 0 gives the fixed points;
    /// other seeds jitter them by N(0, 0.05²).
    pub fn toy(seed: JsValue) -> R<Dataset> {
        Ok(Dataset { inner: Rc::new(data::Dataset::toy(seed_of(&seed, "seed")?)) })
    }

    /// The CS231n spiral: `pointsPerClass` points for each of `classes` arms, noise 0.2, seeded.
    pub fn spiral(points_per_class: JsValue, classes: JsValue, seed: JsValue) -> R<Dataset> {
        let p = count(&points_per_class, "pointsPerClass", 1, lim::MAX_POINTS_PER_CLASS)?;
        let c = count(&classes, "classes", 2, lim::MAX_CLASSES)?;
        let s = seed_of(&seed, "seed")?;
        data::Dataset::spiral(p, c, s).map(|d| Dataset { inner: Rc::new(d) }).map_err(|e| JsError::new(&e))
    }

    /// The 8×8 handwritten digits: 1797 examples, 64 features (pixel / 16), 10 classes.
    pub fn digits() -> Dataset {
        Dataset { inner: Rc::new(data::Dataset::digits()) }
    }

    /// Fisher's iris: 150 examples, 4 features in cm, 3 classes.
    pub fn iris() -> Dataset {
        Dataset { inner: Rc::new(data::Dataset::iris()) }
    }

    /// A data set from `features` (N × dims, row-major) and `labels` (N integers < classes).
    #[wasm_bindgen(js_name = fromArrays)]
    pub fn from_arrays(features: JsValue, labels: JsValue, dims: JsValue, classes: JsValue) -> R<Dataset> {
        let dims = count(&dims, "dims", 1, lim::MAX_DIMS)?;
        let classes = count(&classes, "classes", 2, lim::MAX_CLASSES)?;
        let labels = label_array(&labels, "labels", lim::MAX_EXAMPLES)?;
        let features = f64_array(&features, "features", lim::MAX_VALUES)?;
        data::Dataset::from_arrays(&features, &labels, dims, classes, "custom")
            .map(|d| Dataset { inner: Rc::new(d) })
            .map_err(|e| JsError::new(&e))
    }

    /// Number of examples N.
    #[wasm_bindgen(getter)]
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Number of features D (the bias column not counted).
    #[wasm_bindgen(getter)]
    pub fn dims(&self) -> usize {
        self.inner.dims()
    }

    /// Number of classes C.
    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> usize {
        self.inner.classes
    }

    /// "toy", "spiral", "digits", "iris" or "custom".
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The features, N × D row-major (without the bias column).
    pub fn features(&self) -> Float64Array {
        f64s(&self.inner.features())
    }

    /// The labels, N values in 0..C.
    pub fn labels(&self) -> Uint32Array {
        let v: Vec<u32> = self.inner.y.iter().map(|&y| y as u32).collect();
        Uint32Array::from(&v[..])
    }
}

// ---------------------------------------------------------------- Classifier

fn parse_hyper(opts: &JsValue, base: Hyper) -> R<Hyper> {
    let o = Opts::new(opts, "options", &["loss", "reg", "delta"])?;
    let default_loss = base.kind.name();
    let kind = match o.choice("loss", if default_loss == "svm" { "svm" } else { "softmax" }, &["svm", "softmax"])? {
        "svm" => LossKind::Svm,
        _ => LossKind::Softmax,
    };
    Ok(Hyper { kind, reg: o.number("reg", base.reg, 0.0, lim::MAX_REG)?, delta: o.number("delta", base.delta, 1e-12, lim::MAX_DELTA)? })
}

/// A linear classifier s = W·[x; 1] on a data set, with its loss settings.
#[wasm_bindgen]
pub struct Classifier {
    inner: Rc<RefCell<loss::Classifier>>,
}

fn borrow(c: &Rc<RefCell<loss::Classifier>>) -> R<std::cell::RefMut<'_, loss::Classifier>> {
    c.try_borrow_mut().map_err(|_| JsError::new("the classifier is busy (re-entrant call)"))
}

#[wasm_bindgen]
impl Classifier {
    /// `new Classifier(dataset, { loss: "svm" | "softmax", reg: 0, delta: 1 })`; W starts at 0.
    /// The loss is (1/N) Σ L_i + reg · Σ W², the sum over every entry of W, bias included.
    #[wasm_bindgen(constructor)]
    pub fn new(dataset: &Dataset, options: JsValue) -> R<Classifier> {
        let hyper = parse_hyper(&options, Hyper::default())?;
        if dataset.inner.classes * (dataset.inner.dims() + 1) > lim::MAX_WEIGHTS {
            return fail(format!("the data set needs more than {} weights", lim::MAX_WEIGHTS));
        }
        Ok(Classifier { inner: Rc::new(RefCell::new(loss::Classifier::new(dataset.inner.clone(), hyper))) })
    }

    /// Changes loss, reg or delta (any subset) and keeps W.
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(&self, options: JsValue) -> R<()> {
        let mut c = borrow(&self.inner)?;
        c.hyper = parse_hyper(&options, c.hyper)?;
        c.version += 1;
        Ok(())
    }

    /// The loss settings: { loss, reg, delta }.
    pub fn options(&self) -> R<Object> {
        let c = borrow(&self.inner)?;
        let o = Object::new();
        set(&o, "loss", c.hyper.kind.name());
        set(&o, "reg", c.hyper.reg);
        set(&o, "delta", c.hyper.delta);
        Ok(o)
    }

    /// Rows of W: the number of classes C.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.inner.try_borrow().map(|c| c.rows()).unwrap_or(0)
    }

    /// Columns of W: D + 1 (the last is the bias).
    #[wasm_bindgen(getter)]
    pub fn cols(&self) -> usize {
        self.inner.try_borrow().map(|c| c.cols()).unwrap_or(0)
    }

    /// W, row-major C × (D + 1).
    pub fn weights(&self) -> R<Float64Array> {
        Ok(f64s(borrow(&self.inner)?.w.as_slice().unwrap_or(&[])))
    }

    /// Replaces W (row-major C × (D + 1), finite values).
    #[wasm_bindgen(js_name = setWeights)]
    pub fn set_weights(&self, w: JsValue) -> R<()> {
        let v = f64_array(&w, "weights", lim::MAX_WEIGHTS)?;
        borrow(&self.inner)?.set_weights(&v).map_err(|e| JsError::new(&e))
    }

    /// W ~ scale · N(0, 1), seeded.
    pub fn randomize(&self, seed: JsValue, scale: JsValue) -> R<()> {
        let seed = seed_of(&seed, "seed")?;
        let scale = if scale.is_undefined() { 0.001 } else { number(&scale, "scale", 0.0, lim::MAX_STEP_SIZE)? };
        borrow(&self.inner)?.randomize(seed, scale);
        Ok(())
    }

    /// The full loss L(W).
    pub fn loss(&self) -> R<f64> {
        Ok(borrow(&self.inner)?.loss())
    }

    /// The fraction of examples classified correctly (argmax of the scores).
    pub fn accuracy(&self) -> R<f64> {
        Ok(borrow(&self.inner)?.accuracy())
    }

    /// The analytic gradient dW, row-major C × (D + 1).
    pub fn gradient(&self) -> R<Float64Array> {
        let g = borrow(&self.inner)?.gradient();
        Ok(f64s(g.as_slice().unwrap_or(&[])))
    }

    /// The loss with W[row, col] replaced by `value` (W itself is left unchanged).
    #[wasm_bindgen(js_name = lossWith)]
    pub fn loss_with(&self, row: JsValue, col: JsValue, value: JsValue) -> R<f64> {
        let mut c = borrow(&self.inner)?;
        let r = count(&row, "row", 0, c.rows() - 1)?;
        let k = count(&col, "col", 0, c.cols() - 1)?;
        let v = number(&value, "value", -1e150, 1e150)?;
        Ok(c.loss_with(r, k, v))
    }

    /// L_i of each example at W (N values, no regulariser).
    #[wasm_bindgen(js_name = exampleLosses)]
    pub fn example_losses(&self) -> R<Float64Array> {
        let c = borrow(&self.inner)?;
        let s = c.data.xa.dot(&c.w.t());
        let out: Vec<f64> = s.rows().into_iter().enumerate().map(|(i, r)| loss::row_loss(c.hyper.kind, &r.to_vec(), c.data.y[i], c.hyper.delta)).collect();
        Ok(f64s(&out))
    }

    /// For 2-D data: the predicted class at each point of a size × size grid over
    /// [x0, x1] × [y0, y1] (row-major, row ↔ y ascending, column ↔ x ascending).
    #[wasm_bindgen(js_name = predictGrid)]
    pub fn predict_grid(&self, x0: JsValue, x1: JsValue, y0: JsValue, y1: JsValue, size: JsValue) -> R<Uint8Array> {
        let c = borrow(&self.inner)?;
        if c.data.dims() != 2 {
            return fail(format!("predictGrid needs a 2-D data set; this one has {} features", c.data.dims()));
        }
        let x0 = number(&x0, "x0", -1e12, 1e12)?;
        let x1 = number(&x1, "x1", -1e12, 1e12)?;
        let y0 = number(&y0, "y0", -1e12, 1e12)?;
        let y1 = number(&y1, "y1", -1e12, 1e12)?;
        let n = count(&size, "size", 2, lim::MAX_PLANE_SIZE)?;
        let mut out = Vec::with_capacity(n * n);
        let mut s = vec![0.0; c.rows()];
        for r in 0..n {
            let y = y0 + (y1 - y0) * r as f64 / (n - 1) as f64;
            for q in 0..n {
                let x = x0 + (x1 - x0) * q as f64 / (n - 1) as f64;
                for (j, sj) in s.iter_mut().enumerate() {
                    *sj = c.w[[j, 0]] * x + c.w[[j, 1]] * y + c.w[[j, 2]];
                }
                out.push(loss::argmax(&s) as u8);
            }
        }
        Ok(Uint8Array::from(&out[..]))
    }

    /// Example `index`'s share of the gradient → `{ scores, loss, dscores, x }`:
    /// its scores s_j, its L_i, ∂L_i/∂s_j per class (SVM: 1 per active margin, −count for the
    /// correct class; softmax: p_j − 1(j = y_i)), and its features with the bias 1 appended,
    /// so that ∇_{w_j} L_i = dscores[j] · x.
    #[wasm_bindgen(js_name = exampleTerms)]
    pub fn example_terms(&self, index: JsValue) -> R<Object> {
        let c = borrow(&self.inner)?;
        let i = count(&index, "index", 0, c.data.len() - 1)?;
        let (scores, l, ds) = crate::explore::example_terms(&c, i);
        let o = Object::new();
        set(&o, "scores", f64s(&scores));
        set(&o, "loss", l);
        set(&o, "dscores", f64s(&ds));
        set(&o, "x", f64s(&c.data.xa.row(i).to_vec()));
        set(&o, "label", c.data.y[i] as f64);
        Ok(o)
    }

    /// Mini-batch gradients on a plane: `count` seeded batches of `batchSize` examples →
    /// `{ norm, points }`: the full gradient sits at (norm, 0) (e1 along it), each batch
    /// gradient at (points[2k], points[2k+1]) (e2 a seeded random direction orthogonal to e1).
    #[wasm_bindgen(js_name = batchGradientScatter)]
    pub fn batch_gradient_scatter(&self, batch_size: JsValue, count_: JsValue, seed: JsValue) -> R<Object> {
        let c = borrow(&self.inner)?;
        let b = count(&batch_size, "batchSize", 1, c.data.len())?;
        let k = count(&count_, "count", 1, 1000)?;
        let s = seed_of(&seed, "seed")?;
        let (norm, pts) = crate::explore::batch_gradient_scatter(&c, b, k, s);
        let o = Object::new();
        set(&o, "norm", norm);
        set(&o, "points", f64s(&pts));
        Ok(o)
    }

    /// For the current coordinate (row, col): the forward and centered finite-difference
    /// slopes for each h in `hs`, beside the analytic gradient entry →
    /// `{ analytic, forward: Float64Array, centered: Float64Array }`.
    #[wasm_bindgen(js_name = slopesVersusH)]
    pub fn slopes_versus_h(&self, row: JsValue, col: JsValue, hs: JsValue) -> R<Object> {
        let mut c = borrow(&self.inner)?;
        let r = count(&row, "row", 0, c.rows() - 1)?;
        let k = count(&col, "col", 0, c.cols() - 1)?;
        let hs = f64_array(&hs, "hs", 1000)?;
        if let Some(i) = hs.iter().position(|&h| !(lim::MIN_H..=lim::MAX_H).contains(&h)) {
            return fail(format!("hs[{i}] must be in [{}, {}], got {}", lim::MIN_H, lim::MAX_H, hs[i]));
        }
        let analytic = c.gradient()[[r, k]];
        let (fwd, cen) = crate::numgrad::slopes_versus_h(&mut c, r, k, &hs);
        let o = Object::new();
        set(&o, "analytic", analytic);
        set(&o, "forward", f64s(&fwd));
        set(&o, "centered", f64s(&cen));
        Ok(o)
    }

    /// The whole numerical gradient: `{ h: 1e-5, centered: false }`.
    #[wasm_bindgen(js_name = numericalGradient)]
    pub fn numerical_gradient(&self, options: JsValue) -> R<Float64Array> {
        let (h, centered, _) = parse_h(&options, false)?;
        let mut c = borrow(&self.inner)?;
        let (g, _) = numgrad::numerical_gradient(&mut c, h, centered);
        Ok(f64s(g.as_slice().unwrap_or(&[])))
    }

    /// Analytic vs numerical gradient: `{ h: 1e-5, centered: true, formula: "max" | "sum" }`
    /// → `{ maxRelError, relErrors, kinks, verdicts, verdict, analytic, numerical }`.
    /// Verdict codes: 0 good (< 1e-7), 1 acceptable with kinks (≤ 1e-4, SVM),
    /// 2 uncomfortable (≤ 1e-2), 3 wrong (> 1e-2).
    #[wasm_bindgen(js_name = gradCheck)]
    pub fn grad_check(&self, options: JsValue) -> R<Object> {
        let (h, centered, formula) = parse_h(&options, true)?;
        let mut c = borrow(&self.inner)?;
        let gc = numgrad::grad_check(&mut c, h, centered, formula);
        let o = Object::new();
        set(&o, "maxRelError", gc.max_rel_error);
        set(&o, "relErrors", f64s(&gc.rel_errors));
        let kinks: Vec<u8> = gc.kinks.iter().map(|&k| k as u8).collect();
        set(&o, "kinks", Uint8Array::from(&kinks[..]));
        let verdicts: Vec<u8> = gc.verdicts.iter().map(|&v| v as u8).collect();
        set(&o, "verdicts", Uint8Array::from(&verdicts[..]));
        set(&o, "verdict", gc.verdict.name());
        let below: Vec<u8> = gc.below_round_off.iter().map(|&b| b as u8).collect();
        set(&o, "belowRoundOff", Uint8Array::from(&below[..]));
        set(&o, "roundOff", gc.round_off);
        set(&o, "analytic", f64s(gc.analytic.as_slice().unwrap_or(&[])));
        set(&o, "numerical", f64s(gc.numerical.as_slice().unwrap_or(&[])));
        Ok(o)
    }
}

fn parse_h(options: &JsValue, check: bool) -> R<(f64, bool, RelFormula)> {
    let allowed: &[&str] = if check { &["h", "centered", "formula"] } else { &["h", "centered"] };
    let o = Opts::new(options, "options", allowed)?;
    let h = o.number("h", 1e-5, lim::MIN_H, lim::MAX_H)?;
    let centered = o.boolean("centered", check)?;
    let formula = if check {
        match o.choice("formula", "max", &["max", "sum"])? {
            "max" => RelFormula::Max,
            _ => RelFormula::Sum,
        }
    } else {
        RelFormula::Max
    };
    Ok((h, centered, formula))
}

// ---------------------------------------------------------------- GradientStepper

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

    #[wasm_bindgen(getter)]
    pub fn h(&self) -> f64 {
        self.st.h
    }

    #[wasm_bindgen(getter)]
    pub fn centered(&self) -> bool {
        self.st.centered
    }

    /// The gradient so far, row-major; NaN where not yet visited.
    pub fn gradient(&self) -> Float64Array {
        f64s(self.st.gradient())
    }
}

// ---------------------------------------------------------------- Optimizer

/// Random search, random local search, gradient descent or mini-batch SGD, stepping the
/// classifier it was given.
#[wasm_bindgen]
pub struct Optimizer {
    clf: Rc<RefCell<loss::Classifier>>,
    opt: optim::Optimizer,
}

#[wasm_bindgen]
impl Optimizer {
    /// `new Optimizer(classifier, { method: "random-search" | "random-local-search" | "gd" |
    /// "sgd", stepSize: 1e-3, batchSize: 32, scale: 1e-3, seed: 0 })`.
    #[wasm_bindgen(constructor)]
    pub fn new(classifier: &Classifier, options: JsValue) -> R<Optimizer> {
        let o = Opts::new(&options, "options", &["method", "stepSize", "batchSize", "scale", "seed"])?;
        let method = Method::parse(o.choice("method", "gd", &["random-search", "random-local-search", "gd", "sgd"])?).unwrap_or(Method::Gd);
        let c = borrow(&classifier.inner)?;
        let config = optim::Config {
            method,
            step_size: o.number("stepSize", 1e-3, f64::MIN_POSITIVE, lim::MAX_STEP_SIZE)?,
            batch_size: o.integer("batchSize", 32f64.min(c.data.len() as f64), 1.0, c.data.len() as f64)? as usize,
            scale: o.number("scale", 1e-3, f64::MIN_POSITIVE, lim::MAX_STEP_SIZE)?,
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
        let n = count(&steps, "steps", 0, lim::MAX_RUN_STEPS)?;
        let mut c = borrow(&self.clf)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let r = self.opt.step(&mut c);
            if r.diverged {
                break;
            }
            out.push(r.loss);
        }
        Ok(f64s(&out))
    }

    #[wasm_bindgen(getter)]
    pub fn iteration(&self) -> usize {
        self.opt.iteration()
    }

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

    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.opt.config.method.name().into()
    }
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

// ---------------------------------------------------------------- Landscape

/// Slices of the loss around a snapshot W0 of a classifier along seeded directions W1, W2.
#[wasm_bindgen]
pub struct Landscape {
    inner: landscape::Landscape,
}

fn span_points(span: &JsValue, points: &JsValue, max: usize) -> R<(f64, usize)> {
    Ok((number(span, "span", f64::MIN_POSITIVE, lim::MAX_SPAN)?, count(points, "points", 2, max)?))
}

#[wasm_bindgen]
impl Landscape {
    /// `new Landscape(classifier, { seed: 0, normalize: false })`: snapshots W0 = W and
    /// draws W1, W2 ~ N(0, 1) (rows rescaled to W0's row norms when `normalize`).
    #[wasm_bindgen(constructor)]
    pub fn new(classifier: &Classifier, options: JsValue) -> R<Landscape> {
        let o = Opts::new(&options, "options", &["seed", "normalize"])?;
        let seed = o.integer("seed", 0.0, 0.0, lim::MAX_SEED)? as u64;
        let normalize = o.boolean("normalize", false)?;
        let c = borrow(&classifier.inner)?;
        Ok(Landscape { inner: landscape::Landscape::new(&c, seed, normalize) })
    }

    /// A landscape through the classifier's W along given directions (row-major, each
    /// C × (D + 1)); e.g. W1 = −dW to see the path of gradient descent.
    pub fn through(classifier: &Classifier, w1: JsValue, w2: JsValue) -> R<Landscape> {
        let c = borrow(&classifier.inner)?;
        let dim = c.w.dim();
        let mut dirs = Vec::new();
        for (v, name) in [(&w1, "w1"), (&w2, "w2")] {
            let a = f64_array(v, name, lim::MAX_WEIGHTS)?;
            if a.len() != dim.0 * dim.1 {
                return fail(format!("{name} must have {} values, got {}", dim.0 * dim.1, a.len()));
            }
            dirs.push(ndarray::Array2::from_shape_vec(dim, a).map_err(|e| JsError::new(&e.to_string()))?);
        }
        let w2 = dirs.pop().unwrap_or_else(|| ndarray::Array2::zeros(dim));
        let w1 = dirs.pop().unwrap_or_else(|| ndarray::Array2::zeros(dim));
        Ok(Landscape { inner: landscape::Landscape::with_directions(&c, c.w.clone(), w1, w2) })
    }

    /// W0 (k = 0 is not allowed here: use `origin()`), W1 (k = 0) or W2 (k = 1), row-major.
    pub fn direction(&self, k: JsValue) -> R<Float64Array> {
        let k = count(&k, "k", 0, 1)?;
        Ok(f64s(self.inner.w[k + 1].as_slice().unwrap_or(&[])))
    }

    /// The snapshot W0, row-major.
    pub fn origin(&self) -> Float64Array {
        f64s(self.inner.w[0].as_slice().unwrap_or(&[]))
    }

    /// L(W0 + a·W1 + b·W2) at one point.
    #[wasm_bindgen(js_name = lossAt)]
    pub fn loss_at(&self, a: JsValue, b: JsValue) -> R<f64> {
        Ok(self.inner.loss_at(number(&a, "a", -lim::MAX_SPAN, lim::MAX_SPAN)?, number(&b, "b", -lim::MAX_SPAN, lim::MAX_SPAN)?))
    }

    /// L(W0 + a·W1) for `points` values of a from −span to span, both ends included.
    pub fn line(&self, span: JsValue, points: JsValue) -> R<Float64Array> {
        let (s, p) = span_points(&span, &points, lim::MAX_LINE_POINTS)?;
        Ok(f64s(&self.inner.line(s, p)))
    }

    /// L_i(W0 + a·W1) for example `index` alone (its data loss, no regulariser).
    #[wasm_bindgen(js_name = exampleLine)]
    pub fn example_line(&self, index: JsValue, span: JsValue, points: JsValue) -> R<Float64Array> {
        let i = count(&index, "index", 0, self.inner.data.len() - 1)?;
        let (s, p) = span_points(&span, &points, lim::MAX_LINE_POINTS)?;
        Ok(f64s(&self.inner.example_line(i, s, p)))
    }

    /// The size × size plane L(W0 + a·W1 + b·W2), row-major, row ↔ b ascending, column ↔ a ascending.
    pub fn plane(&self, span: JsValue, size: JsValue) -> R<Float64Array> {
        let (s, n) = span_points(&span, &size, lim::MAX_PLANE_SIZE).map_err(|_| JsError::new(&format!("span must be a number in (0, {}] and size an integer in 2..={}", lim::MAX_SPAN, lim::MAX_PLANE_SIZE)))?;
        Ok(f64s(&self.inner.plane(s, n)))
    }

    /// Rows start..end of the plane (to compute it in chunks without freezing the page).
    #[wasm_bindgen(js_name = planeRows)]
    pub fn plane_rows(&self, span: JsValue, size: JsValue, start: JsValue, end: JsValue) -> R<Float64Array> {
        let (s, n) = span_points(&span, &size, lim::MAX_PLANE_SIZE)?;
        let a = count(&start, "start", 0, n)?;
        let b = count(&end, "end", a, n)?;
        Ok(f64s(&self.inner.plane_rows(s, n, a..b)))
    }

    /// [a, b, distance off the plane] of W (row-major C × (D + 1)).
    pub fn project(&self, w: JsValue) -> R<Float64Array> {
        let v = f64_array(&w, "w", lim::MAX_WEIGHTS)?;
        let dim = self.inner.w[0].dim();
        if v.len() != dim.0 * dim.1 {
            return fail(format!("w must have {} values, got {}", dim.0 * dim.1, v.len()));
        }
        let m = ndarray::Array2::from_shape_vec(dim, v).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(f64s(&self.inner.project(&m)))
    }
}

// ---------------------------------------------------------------- drawing

fn color(v: &JsValue, name: &str, default: RGBColor) -> R<RGBColor> {
    if v.is_undefined() {
        return Ok(default);
    }
    let s = v.as_string().unwrap_or_default();
    let hex = s.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let p = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
        return Ok(RGBColor(p(0), p(2), p(4)));
    }
    fail(format!("{name} must be a colour like \"#1f77b4\", got {}", describe(v)))
}

fn range(o: &Opts, key: &str) -> R<Option<(f64, f64)>> {
    let v = o.get(key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let a = f64_array(&v, &o.name(key), 2)?;
    if a.len() != 2 || !(a[1] > a[0]) {
        return fail(format!("{} must be [min, max] with min < max", o.name(key)));
    }
    Ok(Some((a[0], a[1])))
}

fn list(o: &Opts, key: &str, max: usize) -> R<Vec<JsValue>> {
    let v = o.get(key);
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if !is_array(&v) {
        return fail(format!("{} must be an array", o.name(key)));
    }
    array_items(&v, &o.name(key), max, "items")
}

fn series(v: &JsValue, name: &'static str) -> R<Series> {
    let o = Opts::new(v, name, &["xs", "ys", "color", "width", "label", "dots"])?;
    let xs = f64_array_lenient(&o.get("xs"), "series.xs")?;
    let ys = f64_array_lenient(&o.get("ys"), "series.ys")?;
    if xs.len() != ys.len() {
        return fail(format!("series.xs and series.ys must have the same length, got {} and {}", xs.len(), ys.len()));
    }
    Ok(Series {
        xs,
        ys,
        color: color(&o.get("color"), "series.color", RGBColor(31, 119, 180))?,
        width: o.integer("width", 2.0, 1.0, 40.0)? as u32,
        label: Some(o.string("label", 80)?).filter(|s| !s.is_empty()),
        dots: o.boolean("dots", false)?,
    })
}

/// Like `f64_array` but NaN/±Infinity are allowed (charts skip them).
fn f64_array_lenient(v: &JsValue, name: &str) -> R<Vec<f64>> {
    f64_array_lenient_max(v, name, 1_000_000)
}

fn marker(v: &JsValue) -> R<Marker> {
    let o = Opts::new(v, "marker", &["x", "y", "color", "size", "filled", "label"])?;
    Ok(Marker {
        x: o.number("x", 0.0, -1e300, 1e300)?,
        y: o.number("y", 0.0, -1e300, 1e300)?,
        color: color(&o.get("color"), "marker.color", RGBColor(0, 0, 0))?,
        size: o.integer("size", 4.0, 1.0, 60.0)? as u32,
        filled: o.boolean("filled", true)?,
        label: Some(o.string("label", 80)?).filter(|s| !s.is_empty()),
    })
}

fn transform(t: &Transform) -> Object {
    let o = Object::new();
    set(&o, "left", t.left);
    set(&o, "top", t.top);
    set(&o, "width", t.width);
    set(&o, "height", t.height);
    set(&o, "xMin", t.x_min);
    set(&o, "xMax", t.x_max);
    set(&o, "yMin", t.y_min);
    set(&o, "yMax", t.y_max);
    set(&o, "logX", t.log_x);
    set(&o, "logY", t.log_y);
    o
}

/// plotters-canvas, except that text is measured with the canvas's own `measureText`.
/// (plotters' browser font code measures text by inserting a styled `<span>` into the page,
/// which a strict Content-Security-Policy blocks and which has no `document` in a Worker.)
struct Canvas {
    inner: CanvasBackend,
    ctx: web_sys::CanvasRenderingContext2d,
}

use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;
    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(a, b, s)
    }
    fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S, fill: bool) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(a, b, s, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, s: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, s)
    }
    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, s: &S, fill: bool) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(c, r, s, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, v: I, s: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(v, s)
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, s: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_text(text, s, pos)
    }
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, s: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.ctx.set_font(&format!("{} {}px {}", s.style().as_str(), s.size(), s.family().as_str()));
        let w = self.ctx.measure_text(text).map(|m| m.width()).unwrap_or(s.size() * 0.6 * text.chars().count() as f64);
        Ok((w.ceil().max(0.0) as u32, (s.size() * 1.2).ceil().max(0.0) as u32))
    }
}

fn backend(canvas: &JsValue) -> R<Canvas> {
    let c = canvas.dyn_ref::<web_sys::HtmlCanvasElement>().ok_or_else(|| JsError::new("canvas must be an HTMLCanvasElement"))?;
    if c.width() == 0 || c.height() == 0 || c.width() > 8192 || c.height() > 8192 {
        return fail(format!("canvas width and height must be in 1..=8192 pixels, got {} × {}", c.width(), c.height()));
    }
    let ctx: web_sys::CanvasRenderingContext2d =
        c.get_context("2d").ok().flatten().and_then(|x| x.dyn_into().ok()).ok_or_else(|| JsError::new("canvas has no 2d context"))?;
    let inner = CanvasBackend::with_canvas_object(c.clone()).ok_or_else(|| JsError::new("canvas has no 2d context"))?;
    Ok(Canvas { inner, ctx })
}

/// Draws a line chart on a canvas (plotters + plotters-canvas) and returns its transform
/// `{ left, top, width, height, xMin, xMax, yMin, yMax, logX, logY }` (pixels of the canvas
/// backing store; with log axes the ranges are log10 values).
///
/// `spec = { title, xLabel, yLabel, fontPx, logX, logY, xRange: [min, max], yRange,
///   series: [{ xs, ys, color: "#rrggbb", width, label, dots }],
///   markers: [{ x, y, color, size, filled, label }] }`
#[wasm_bindgen(js_name = drawChart)]
pub fn draw_chart(canvas: JsValue, spec: JsValue) -> R<Object> {
    let o = Opts::new(&spec, "spec", &["title", "xLabel", "yLabel", "fontPx", "logX", "logY", "xRange", "yRange", "series", "markers"])?;
    let spec = ChartSpec {
        title: o.string("title", 200)?,
        x_label: o.string("xLabel", 200)?,
        y_label: o.string("yLabel", 200)?,
        font_px: o.number("fontPx", 14.0, 6.0, 96.0)?,
        log_x: o.boolean("logX", false)?,
        log_y: o.boolean("logY", false)?,
        x_range: range(&o, "xRange")?,
        y_range: range(&o, "yRange")?,
        series: list(&o, "series", 64)?.iter().map(|s| series(s, "series")).collect::<R<_>>()?,
        markers: list(&o, "markers", 10_000)?.iter().map(marker).collect::<R<_>>()?,
    };
    let root = backend(&canvas)?.into_drawing_area();
    let t = chart::draw_chart(&root, &spec).map_err(|e| JsError::new(&e))?;
    root.present().map_err(|e| JsError::new(&e.to_string()))?;
    Ok(transform(&t))
}

/// Draws a heat map of `values` (gridW × gridH, row-major, row 0 at the bottom) with axes,
/// a viridis colour bar and overlays; the pixels go on with one `putImageData`.
///
/// `spec = { title, xLabel, yLabel, xRange, yRange, lo, hi, colorbarLabel, fontPx,
///   paths: [{ xs, ys, color, width, label }], markers: [...] }`
#[wasm_bindgen(js_name = drawHeatmap)]
pub fn draw_heatmap(canvas: JsValue, values: JsValue, grid_w: JsValue, grid_h: JsValue, spec: JsValue) -> R<Object> {
    let gw = count(&grid_w, "gridW", 1, lim::MAX_PLANE_SIZE)?;
    let gh = count(&grid_h, "gridH", 1, lim::MAX_PLANE_SIZE)?;
    let vals = f64_array_lenient(&values, "values")?;
    if vals.len() != gw * gh {
        return fail(format!("values must hold gridW × gridH = {} numbers, got {}", gw * gh, vals.len()));
    }
    let o = Opts::new(&spec, "spec", &["title", "xLabel", "yLabel", "xRange", "yRange", "lo", "hi", "colorbarLabel", "fontPx", "paths", "markers"])?;
    let finite = || vals.iter().cloned().filter(|v| v.is_finite());
    let lo = o.number("lo", finite().fold(f64::INFINITY, f64::min).min(1e300), -1e300, 1e300)?;
    let hi = o.number("hi", finite().fold(f64::NEG_INFINITY, f64::max).max(-1e300), -1e300, 1e300)?;
    let hs = HeatmapSpec {
        title: o.string("title", 200)?,
        x_label: o.string("xLabel", 200)?,
        y_label: o.string("yLabel", 200)?,
        x_range: range(&o, "xRange")?.unwrap_or((-1.0, 1.0)),
        y_range: range(&o, "yRange")?.unwrap_or((-1.0, 1.0)),
        lo,
        hi,
        colorbar_label: o.string("colorbarLabel", 80)?,
        paths: list(&o, "paths", 64)?.iter().map(|s| series(s, "path")).collect::<R<_>>()?,
        markers: list(&o, "markers", 10_000)?.iter().map(marker).collect::<R<_>>()?,
        font_px: o.number("fontPx", 14.0, 6.0, 96.0)?,
    };
    let el: web_sys::HtmlCanvasElement = canvas.dyn_ref::<web_sys::HtmlCanvasElement>().ok_or_else(|| JsError::new("canvas must be an HTMLCanvasElement"))?.clone();
    let ctx: web_sys::CanvasRenderingContext2d = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| JsError::new("canvas has no 2d context"))?;
    let root = backend(&canvas)?.into_drawing_area();
    let t = chart::draw_heatmap_frame(&root, &hs, |x, y, w, h| {
        let px = heatmap::heatmap_rgba(&vals, gw, gh, w as usize, h as usize, lo, hi);
        let img = web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&px), w, h).map_err(|_| "ImageData failed".to_string())?;
        ctx.put_image_data(&img, x as f64, y as f64).map_err(|_| "putImageData failed".to_string())
    })
    .map_err(|e| JsError::new(&e))?;
    root.present().map_err(|e| JsError::new(&e.to_string()))?;
    Ok(transform(&t))
}

/// Viridis RGBA pixels for a grid (see `drawHeatmap`), for callers that place them themselves.
#[wasm_bindgen(js_name = heatmapRgba)]
pub fn heatmap_rgba(values: JsValue, grid_w: JsValue, grid_h: JsValue, width: JsValue, height: JsValue, lo: JsValue, hi: JsValue) -> R<Uint8ClampedArray> {
    let gw = count(&grid_w, "gridW", 1, lim::MAX_PLANE_SIZE)?;
    let gh = count(&grid_h, "gridH", 1, lim::MAX_PLANE_SIZE)?;
    let w = count(&width, "width", 1, 4096)?;
    let h = count(&height, "height", 1, 4096)?;
    let vals = f64_array_lenient(&values, "values")?;
    if vals.len() != gw * gh {
        return fail(format!("values must hold gridW × gridH = {} numbers, got {}", gw * gh, vals.len()));
    }
    let lo = number(&lo, "lo", -1e300, 1e300)?;
    let hi = number(&hi, "hi", -1e300, 1e300)?;
    Ok(Uint8ClampedArray::from(&heatmap::heatmap_rgba(&vals, gw, gh, w, h, lo, hi)[..]))
}

/// The resource caps enforced by this API.
pub fn limits() -> Object {
    let o = Object::new();
    set(&o, "maxExamples", lim::MAX_EXAMPLES as f64);
    set(&o, "maxDims", lim::MAX_DIMS as f64);
    set(&o, "maxClasses", lim::MAX_CLASSES as f64);
    set(&o, "maxValues", lim::MAX_VALUES as f64);
    set(&o, "maxWeights", lim::MAX_WEIGHTS as f64);
    set(&o, "maxPointsPerClass", lim::MAX_POINTS_PER_CLASS as f64);
    set(&o, "maxLinePoints", lim::MAX_LINE_POINTS as f64);
    set(&o, "maxPlaneSize", lim::MAX_PLANE_SIZE as f64);
    set(&o, "maxRunSteps", lim::MAX_RUN_STEPS as f64);
    set(&o, "maxSeed", lim::MAX_SEED);
    set(&o, "minH", lim::MIN_H);
    set(&o, "maxH", lim::MAX_H);
    o
}
