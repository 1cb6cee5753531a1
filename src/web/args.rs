//! Argument checking and conversion for the facade: every JS value that comes in is read
//! here, checked against its range, and turned into a Rust value, or rejected with an `Error`
//! whose message names the parameter and the allowed range (numbers printed as JS prints
//! them, at most [`MAX_MESSAGE`] characters).

use crate::limits as lim;
use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use crate::jsnum::js_number;

pub type R<T> = Result<T, JsError>;

/// Longest error message, in characters: long enough for a parameter, its range and a short
/// description of the bad value; a message is cut (with "…") beyond it.
pub const MAX_MESSAGE: usize = 200;

/// A JS `Error` with `msg`, at most [`MAX_MESSAGE`] characters.
pub fn error(msg: impl AsRef<str>) -> JsError {
    let m = msg.as_ref();
    if m.chars().count() <= MAX_MESSAGE {
        JsError::new(m)
    } else {
        let cut: String = m.chars().take(MAX_MESSAGE - 1).collect();
        JsError::new(&format!("{cut}…"))
    }
}

pub fn fail<T>(msg: impl AsRef<str>) -> R<T> {
    Err(error(msg))
}

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

pub fn is_array(v: &JsValue) -> bool {
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
pub fn array_items(v: &JsValue, name: &str, max: usize, what: &str) -> R<Vec<JsValue>> {
    let n = js_length(v, name)?;
    if n > max {
        return fail(format!("{name} may hold at most {max} {what}, got {n}"));
    }
    (0..n as u32).map(|i| Reflect::get_u32(v, i).map_err(|_| error(format!("{name}[{i}] could not be read")))).collect()
}

/// A fresh copy of a typed array of at most `max` `what`, made by `copy` (a catching typed-array
/// constructor): the copy reads the source's internal slots, not its (overridable) getters, and
/// a detached buffer is an error, not an unwind.
fn typed_copy<A>(v: &JsValue, name: &str, max: usize, what: &str, copy: fn(&JsValue) -> Result<A, JsValue>, len: fn(&A) -> u32) -> R<A> {
    let n = js_length(v, name)?;
    if n > max {
        return fail(format!("{name} may hold at most {max} {what}, got {n}"));
    }
    let a = copy(v).map_err(|_| error(format!("{name} could not be read (a detached buffer?)")))?;
    if len(&a) as usize > max {
        return fail(format!("{name} may hold at most {max} {what}, got {}", len(&a)));
    }
    Ok(a)
}

fn typed_f64(v: &JsValue, name: &str, max: usize) -> R<Vec<f64>> {
    Ok(typed_copy(v, name, max, "values", js_copy_f64, Float64Array::length)?.to_vec())
}

/// A string cut to 40 characters and quoted, its escapes cut to 60 characters.
fn quoted(s: &str) -> String {
    let q = format!("{:?}", s.chars().take(40).collect::<String>());
    if q.chars().count() <= 60 {
        q
    } else {
        format!("{}…\"", q.chars().take(58).collect::<String>())
    }
}

/// A short description of a bad value for an error message (at most ~70 characters).
pub fn describe(v: &JsValue) -> String {
    if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else if let Some(s) = v.as_string() {
        format!("the string {}", quoted(&s))
    } else if let Some(n) = v.as_f64() {
        js_number(n)
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
pub fn number(v: &JsValue, name: &str, lo: f64, hi: f64) -> R<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
        _ => fail(format!("{name} must be a number in [{}, {}], got {}", js_number(lo), js_number(hi), describe(v))),
    }
}

/// A JS number that is an integer in lo..=hi.
pub fn integer(v: &JsValue, name: &str, lo: f64, hi: f64) -> R<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x >= lo && x <= hi => Ok(x),
        _ => fail(format!("{name} must be an integer in {}..={}, got {}", js_number(lo), js_number(hi), describe(v))),
    }
}

pub fn seed_of(v: &JsValue, name: &str) -> R<u64> {
    Ok(integer(v, name, 0.0, lim::MAX_SEED)? as u64)
}

pub fn count(v: &JsValue, name: &str, lo: usize, hi: usize) -> R<usize> {
    Ok(integer(v, name, lo as f64, hi as f64)? as usize)
}

/// "a, b, c" from an enum's `ALL` and its `name`.
pub fn names<T: Copy>(all: &[T], name: fn(&T) -> &'static str) -> String {
    all.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// An options object: `undefined`/`null` (all defaults) or a plain object whose keys are all known.
pub struct Opts {
    obj: Option<Object>,
    what: &'static str,
}

impl Opts {
    pub fn new(v: &JsValue, what: &'static str, allowed: &[&str]) -> R<Opts> {
        if v.is_undefined() || v.is_null() {
            return Ok(Opts { obj: None, what });
        }
        if !v.is_object() || is_array(v) || v.is_function() {
            return fail(format!("{what} must be an object like {{ {} }}, got {}", allowed.join(", "), describe(v)));
        }
        let keys = js_keys(v).map_err(|_| error(format!("{what} could not be read (its keys threw)")))?;
        let obj: Object = v.clone().unchecked_into();
        for key in keys.iter() {
            let k = key.as_string().unwrap_or_default();
            if !allowed.contains(&k.as_str()) {
                return fail(format!("{what} has an unknown option {}; allowed: {}", quoted(&k), allowed.join(", ")));
            }
        }
        Ok(Opts { obj: Some(obj), what })
    }

    /// An object whose known keys are read and whose other keys are ignored (a value the
    /// facade returned, such as a chart transform, possibly with the caller's own additions).
    pub fn lenient(v: &JsValue, what: &'static str, keys: &[&str]) -> R<Opts> {
        if !v.is_object() || is_array(v) || v.is_function() {
            return fail(format!("{what} must be an object like {{ {} }}, got {}", keys.join(", "), describe(v)));
        }
        Ok(Opts { obj: Some(v.clone().unchecked_into()), what })
    }

    pub fn get(&self, key: &str) -> JsValue {
        match &self.obj {
            Some(o) => Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED),
            None => JsValue::UNDEFINED,
        }
    }

    pub fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.what)
    }

    pub fn number(&self, key: &str, default: f64, lo: f64, hi: f64) -> R<f64> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        number(&v, &self.name(key), lo, hi)
    }

    /// A number that must be given.
    pub fn required(&self, key: &str, lo: f64, hi: f64) -> R<f64> {
        number(&self.get(key), &self.name(key), lo, hi)
    }

    pub fn integer(&self, key: &str, default: f64, lo: f64, hi: f64) -> R<f64> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        integer(&v, &self.name(key), lo, hi)
    }

    pub fn boolean(&self, key: &str, default: bool) -> R<bool> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        v.as_bool().ok_or_else(|| error(format!("{} must be true or false, got {}", self.name(key), describe(&v))))
    }

    /// One of an enum's values by its name, listed from the enum's `ALL` in the error.
    pub fn choice<T: Copy>(&self, key: &str, default: T, all: &[T], name: fn(&T) -> &'static str) -> R<T> {
        let v = self.get(key);
        if v.is_undefined() {
            return Ok(default);
        }
        let s = v.as_string().unwrap_or_default();
        match all.iter().find(|a| name(a) == s) {
            Some(a) => Ok(*a),
            None => fail(format!("{} must be one of {}, got {}", self.name(key), names(all, name), describe(&v))),
        }
    }

    pub fn string(&self, key: &str, max_len: usize) -> R<String> {
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
pub fn f64_array(v: &JsValue, name: &str, max: usize) -> R<Vec<f64>> {
    let out = f64_array_lenient_max(v, name, max)?;
    if let Some(i) = out.iter().position(|x| !x.is_finite()) {
        return fail(format!("{name}[{i}] must be a finite number, got {}", js_number(out[i])));
    }
    Ok(out)
}

/// A Float64Array, or an array of numbers (NaN and ±Infinity included), of at most `max` values.
pub fn f64_array_lenient_max(v: &JsValue, name: &str, max: usize) -> R<Vec<f64>> {
    if v.dyn_ref::<Float64Array>().is_some() {
        typed_f64(v, name, max)
    } else if is_array(v) {
        array_items(v, name, max, "values")?
            .iter()
            .enumerate()
            .map(|(i, x)| x.as_f64().ok_or_else(|| error(format!("{name}[{i}] must be a number, got {}", describe(x)))))
            .collect()
    } else {
        fail(format!("{name} must be a Float64Array or an array of numbers, got {}", describe(v)))
    }
}

/// A Uint32Array or an array of non-negative integers, at most `max` of them.
pub fn label_array(v: &JsValue, name: &str, max: usize) -> R<Vec<usize>> {
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
                fail(format!("{name}[{i}] must be a non-negative integer, got {}", js_number(x)))
            }
        })
        .collect()
}

/// A row-major C × (D + 1) matrix of finite values with `dim`'s shape.
pub fn matrix(v: &JsValue, name: &str, dim: (usize, usize)) -> R<ndarray::Array2<f64>> {
    let a = f64_array(v, name, lim::MAX_WEIGHTS)?;
    if a.len() != dim.0 * dim.1 {
        return fail(format!("{name} must have {} values, got {}", dim.0 * dim.1, a.len()));
    }
    ndarray::Array2::from_shape_vec(dim, a).map_err(|e| error(e.to_string()))
}

/// `o[k] = v` on a fresh plain object.
pub fn set(o: &Object, k: &str, v: impl Into<JsValue>) {
    // Reflect::set on a fresh plain object cannot fail
    let _ = Reflect::set(o, &JsValue::from_str(k), &v.into());
}

/// A fresh Float64Array copy.
pub fn f64s(v: &[f64]) -> Float64Array {
    Float64Array::from(v)
}

/// A fresh Uint8Array of 0/1 flags.
pub fn flags(v: &[bool]) -> js_sys::Uint8Array {
    let b: Vec<u8> = v.iter().map(|&x| x as u8).collect();
    js_sys::Uint8Array::from(&b[..])
}

/// A JS array of strings.
pub fn strings(v: impl IntoIterator<Item = &'static str>) -> Array {
    v.into_iter().map(JsValue::from_str).collect()
}
