//! `Landscape`: slices of the loss around a snapshot of W.

use super::args::{count, error, f64s, integer, js_number, matrix, number, Opts, R};
use super::classifier::{borrow, Classifier};
use crate::landscape;
use crate::limits as lim;
use js_sys::Float64Array;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// Slices of the loss around a snapshot W0 of a classifier along directions W1, W2.
#[wasm_bindgen]
pub struct Landscape {
    inner: landscape::Landscape,
    /// The picture being computed a few examples at a time (`pictureStart`), with its id.
    run: RefCell<Option<(u32, landscape::PictureRun)>>,
    runs: Cell<u32>,
}

impl Landscape {
    fn wrap(inner: landscape::Landscape) -> Landscape {
        Landscape { inner, run: RefCell::new(None), runs: Cell::new(0) }
    }
}

fn span_points(span: &JsValue, points: &JsValue, max: usize) -> R<(f64, usize)> {
    Ok((number(span, "span", lim::MIN_SPAN, lim::MAX_SPAN)?, count(points, "points", 2, max)?))
}

/// The JS surface.
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
        Ok(Landscape::wrap(landscape::Landscape::new(&c, seed, normalize)))
    }

    /// A landscape through the classifier's W along given directions (row-major, each
    /// C × (D + 1)).
    pub fn through(classifier: &Classifier, w1: JsValue, w2: JsValue) -> R<Landscape> {
        let c = borrow(&classifier.inner)?;
        let dim = c.w.dim();
        let w1 = matrix(&w1, "w1", dim)?;
        let w2 = matrix(&w2, "w2", dim)?;
        Ok(Landscape::wrap(landscape::Landscape::with_directions(&c, c.w.clone(), w1, w2)))
    }

    /// `Landscape.downhill(classifier, { seed: 0 })`: the gradient-descent slice. W0 = the
    /// classifier's W, W1 = −dW (the full analytic gradient, regulariser included; a seeded
    /// N(0, 1) direction if dW is exactly 0), W2 a seeded direction orthogonal to W1 with
    /// ‖W2‖ = ‖W1‖ (Frobenius norms, see `directionNorms`).
    pub fn downhill(classifier: &Classifier, options: JsValue) -> R<Landscape> {
        let o = Opts::new(&options, "options", &["seed"])?;
        let seed = o.integer("seed", 0.0, 0.0, lim::MAX_SEED)? as u64;
        let c = borrow(&classifier.inner)?;
        Ok(Landscape::wrap(landscape::Landscape::downhill(&c, seed)))
    }

    /// [‖W1‖, ‖W2‖], the Frobenius norms of the directions (Float64Array of 2).
    #[wasm_bindgen(getter, js_name = directionNorms)]
    pub fn direction_norms(&self) -> Float64Array {
        f64s(&self.inner.direction_norms())
    }

    /// W1 (k = 0) or W2 (k = 1), row-major (W0 is `origin()`).
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
        let (s, n) = span_points(&span, &size, lim::MAX_PLANE_SIZE).map_err(|_| {
            error(format!("span must be a number in [{}, {}] and size an integer in 2..={}", js_number(lim::MIN_SPAN), js_number(lim::MAX_SPAN), lim::MAX_PLANE_SIZE))
        })?;
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

    /// Rows start..end of the plane **for colour only** (same arguments and layout as
    /// `planeRows`, a Float64Array): softmax sums its exponentials in f32 lanes and leaves out
    /// the classes too far below the leading one to change the colour; values always within
    /// 1e-3 of the rows' range, a quarter of one of the heat map's 255 colour steps (rows too
    /// flat for that are computed in f64).
    /// SVM: `planeRows` itself. Numbers shown to the learner (readouts, minimum, maximum)
    /// should come from `lossAt` and `planeRows`, which are f64 throughout.
    pub fn picture(&self, span: JsValue, size: JsValue, start: JsValue, end: JsValue) -> R<Float64Array> {
        let (s, n) = span_points(&span, &size, lim::MAX_PLANE_SIZE)?;
        let a = count(&start, "start", 0, n)?;
        let b = count(&end, "end", a, n)?;
        Ok(f64s(&self.inner.picture_rows(s, n, a..b)))
    }

    /// `pictureStart(span, size)`: begins the whole size × size picture (as
    /// `picture(span, size, 0, size)`) to be computed a few examples at a time with
    /// `pictureStep`, for a page that must stop between pieces; pieces of rows would set every
    /// example up again for each piece (2–4× the work at 4 rows a piece). Returns the run's id,
    /// or 0 where there is no run (SVM: its `picture` is cheap in row pieces). A landscape has
    /// one run: a newer `pictureStart` replaces it.
    #[wasm_bindgen(js_name = pictureStart)]
    pub fn picture_start(&self, span: JsValue, size: JsValue) -> R<u32> {
        let s = number(&span, "span", lim::MIN_SPAN, lim::MAX_SPAN)?;
        let n = count(&size, "size", 2, lim::MAX_PLANE_SIZE)?;
        let Some(run) = self.inner.picture_run(s, n) else {
            *self.run.borrow_mut() = None;
            return Ok(0);
        };
        let id = self.runs.get().wrapping_add(1).max(1);
        self.runs.set(id);
        *self.run.borrow_mut() = Some((id, run));
        Ok(id)
    }

    /// `pictureStep(id, examples)`: the next `examples` examples into run `id`; returns how
    /// many are left, or −1 if `id` is not this landscape's run (a newer one replaced it).
    #[wasm_bindgen(js_name = pictureStep)]
    pub fn picture_step(&self, id: JsValue, examples: JsValue) -> R<f64> {
        let id = integer(&id, "id", 1.0, u32::MAX as f64)? as u32;
        let k = count(&examples, "examples", 1, u32::MAX as usize)?;
        let mut run = self.run.borrow_mut();
        match run.as_mut() {
            Some((now, r)) if *now == id => Ok(self.inner.picture_run_step(r, k) as f64),
            _ => Ok(-1.0),
        }
    }

    /// `pictureFinish(id)`: run `id`'s picture (a Float64Array like `picture(span, size, 0,
    /// size)`, bit for bit; examples not yet stepped are added first), or undefined where the
    /// grid is too flat for its f32 sums: then `planeRows` is the picture. The run ends.
    #[wasm_bindgen(js_name = pictureFinish)]
    pub fn picture_finish(&self, id: JsValue) -> R<Option<Float64Array>> {
        let id = integer(&id, "id", 1.0, u32::MAX as f64)? as u32;
        let mut slot = self.run.borrow_mut();
        match slot.take() {
            Some((now, r)) if now == id => Ok(self.inner.picture_run_finish(r).map(|v| f64s(&v))),
            other => {
                let have = other.as_ref().map(|(n, _)| *n);
                *slot = other;
                Err(error(format!("id must be this landscape's picture run{}, got {id}", have.map(|n| format!(" ({n})")).unwrap_or_else(|| " (none is under way)".into()))))
            }
        }
    }

    /// [a, b, distance off the plane] of W (row-major C × (D + 1)).
    pub fn project(&self, w: JsValue) -> R<Float64Array> {
        let m = matrix(&w, "w", self.inner.w[0].dim())?;
        Ok(f64s(&self.inner.project(&m)))
    }
}
