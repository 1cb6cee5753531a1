//! `Dataset`: the data sets, built from checked arguments.

use super::args::{count, describe, error, f64_array, f64s, fail, label_array, seed_of, R};
use crate::data;
use crate::limits as lim;
use js_sys::{ArrayBuffer, Float64Array, Uint32Array, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A labelled data set. Features are stored with the bias trick (a constant 1 appended).
#[wasm_bindgen]
pub struct Dataset {
    pub(super) inner: Rc<data::Dataset>,
}

// a Uint8Array copy made by the constructor, caught: a detached buffer is an error, not an
// exception unwinding through wasm (args.rs says why that matters)
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Uint8Array)]
    type U8Copy;
    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    fn new(src: &JsValue) -> Result<U8Copy, JsValue>;
}

/// The bytes of a Uint8Array (a Node Buffer is one) or of an ArrayBuffer, copied.
fn packed_bytes(v: &JsValue) -> R<Vec<u8>> {
    let what = || format!("bytes must be a Uint8Array or an ArrayBuffer holding digits.bin ({} bytes), got {}", data::DIGITS_LEN, describe(v));
    if !v.is_instance_of::<Uint8Array>() && !v.is_instance_of::<ArrayBuffer>() {
        return fail(what());
    }
    let copy: Uint8Array = U8Copy::new(v).map_err(|_| error("bytes could not be read (a detached buffer?)"))?.unchecked_into();
    Ok(copy.to_vec())
}

fn wrap(d: Result<data::Dataset, String>) -> R<Dataset> {
    d.map(|d| Dataset { inner: Rc::new(d) }).map_err(super::args::error)
}

/// The JS surface.
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
        wrap(data::Dataset::spiral(p, c, s))
    }

    /// The 8×8 handwritten digits: 1797 examples, 64 features (pixel / 16), 10 classes, from
    /// `bytes`: the contents of pkg/digits.bin (a Uint8Array or an ArrayBuffer), which ships
    /// beside the wasm instead of inside it (the page fetches it when the digits are chosen).
    pub fn digits(bytes: JsValue) -> R<Dataset> {
        wrap(data::Dataset::digits_from(&packed_bytes(&bytes)?))
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
        wrap(data::Dataset::from_arrays(&features, &labels, dims, classes, "custom"))
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
