//! `Classifier`: W and the loss settings, and what the page asks about one W.

use super::args::{count, error, f64_array, f64s, fail, flags, js_number, number, seed_of, set, strings, Opts, R};
use super::dataset::Dataset;
use crate::inspect;
use crate::limits as lim;
use crate::loss::{self, Hyper, LossKind};
use crate::numgrad::{self, RelFormula, Verdict};
use js_sys::{Float64Array, Object, Uint8Array};
use std::cell::{RefCell, RefMut};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A linear classifier s = W·[x; 1] on a data set, with its loss settings.
#[wasm_bindgen]
pub struct Classifier {
    pub(super) inner: Rc<RefCell<loss::Classifier>>,
}

/// The classifier for one call; a re-entrant call (from a getter run while reading an
/// argument) fails instead of aliasing.
pub(super) fn borrow(c: &Rc<RefCell<loss::Classifier>>) -> R<RefMut<'_, loss::Classifier>> {
    c.try_borrow_mut().map_err(|_| error("classifier is busy (a re-entrant call)"))
}

/// `{ loss, reg, delta }` over `base` (keys not given keep base's value).
fn parse_hyper(opts: &JsValue, base: Hyper) -> R<Hyper> {
    let o = Opts::new(opts, "options", &["loss", "reg", "delta"])?;
    Ok(Hyper {
        kind: o.choice("loss", base.kind, &LossKind::ALL, LossKind::name)?,
        reg: o.number("reg", base.reg, 0.0, lim::MAX_REG)?,
        delta: o.number("delta", base.delta, lim::MIN_DELTA, lim::MAX_DELTA)?,
    })
}

/// `{ h: 1e-5, centered }` (and `formula: "max"` when `check`) → (h, centered, formula).
pub(super) fn parse_h(options: &JsValue, check: bool) -> R<(f64, bool, RelFormula)> {
    let allowed: &[&str] = if check { &["h", "centered", "formula"] } else { &["h", "centered"] };
    let o = Opts::new(options, "options", allowed)?;
    let h = o.number("h", 1e-5, lim::MIN_H, lim::MAX_H)?;
    let centered = o.boolean("centered", check)?;
    let formula = if check { o.choice("formula", RelFormula::Max, &RelFormula::ALL, RelFormula::name)? } else { RelFormula::Max };
    Ok((h, centered, formula))
}

/// The JS surface.
#[wasm_bindgen]
impl Classifier {
    /// `new Classifier(dataset, { loss: "svm" | "softmax", reg: 0, delta: 1 })`; W starts at 0.
    /// The loss is (1/N) Σ L_i + reg · Σ W², the sum over every entry of W, bias included.
    #[wasm_bindgen(constructor)]
    pub fn new(dataset: &Dataset, options: JsValue) -> R<Classifier> {
        let hyper = parse_hyper(&options, Hyper::default())?;
        if dataset.inner.classes * (dataset.inner.dims() + 1) > lim::MAX_WEIGHTS {
            return fail(format!("dataset needs more than {} weights", lim::MAX_WEIGHTS));
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
        borrow(&self.inner)?.set_weights(&v).map_err(error)
    }

    /// W ~ scale · N(0, 1), seeded; `scale` defaults to 0.001.
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

    /// For 2-D data: the predicted class at each point of a size × size grid over
    /// [x0, x1] × [y0, y1] (row-major, row ↔ y ascending, column ↔ x ascending) → Uint8Array.
    #[wasm_bindgen(js_name = predictGrid)]
    pub fn predict_grid(&self, x0: JsValue, x1: JsValue, y0: JsValue, y1: JsValue, size: JsValue) -> R<Uint8Array> {
        let c = borrow(&self.inner)?;
        if c.data.dims() != 2 {
            return fail(format!("predictGrid needs a 2-D data set; this one has {} features", c.data.dims()));
        }
        let x = (number(&x0, "x0", -1e12, 1e12)?, number(&x1, "x1", -1e12, 1e12)?);
        let y = (number(&y0, "y0", -1e12, 1e12)?, number(&y1, "y1", -1e12, 1e12)?);
        let n = count(&size, "size", 2, lim::MAX_PLANE_SIZE)?;
        let grid = c.predict_grid(x, y, n).map_err(error)?;
        Ok(Uint8Array::from(&grid[..]))
    }

    /// Example `index`'s share of the loss and the gradient → `{ kind, delta, scores, loss,
    /// dscores, margins, active, probabilities, x, label }`: `kind` "svm" | "softmax"; `delta`
    /// the Δ setting (used by the SVM only); its scores s_j (Float64Array, C); its L_i (no
    /// regulariser); `dscores` ∂L_i/∂s_j (SVM: 1 per active margin, −count for the correct
    /// class; softmax: p_j − 1(j = y_i)); `margins` (SVM: s_j − s_{y_i} + Δ, NaN at j = y_i;
    /// softmax: all NaN); `active` (Uint8Array, SVM: 1 where margin > 0, j ≠ y_i; softmax all 0);
    /// `probabilities` (softmax: p_j, computed shifted by max s; SVM: all NaN); `x` its features
    /// with the bias 1 appended, so that ∇_{w_j} L_i = dscores[j] · x; `label` y_i.
    #[wasm_bindgen(js_name = exampleTerms)]
    pub fn example_terms(&self, index: JsValue) -> R<Object> {
        let c = borrow(&self.inner)?;
        let i = count(&index, "index", 0, c.data.len() - 1)?;
        let t = inspect::example_terms(&c, i);
        let o = Object::new();
        set(&o, "kind", t.kind.name());
        set(&o, "delta", t.delta);
        set(&o, "scores", f64s(&t.scores));
        set(&o, "loss", t.loss);
        set(&o, "dscores", f64s(&t.dscores));
        set(&o, "margins", f64s(&t.margins));
        set(&o, "active", flags(&t.active));
        set(&o, "probabilities", f64s(&t.probabilities));
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
        let (norm, pts) = inspect::batch_gradient_scatter(&c, b, k, s);
        let o = Object::new();
        set(&o, "norm", norm);
        set(&o, "points", f64s(&pts));
        Ok(o)
    }

    /// For the coordinate (row, col): the forward and centered finite-difference slopes for
    /// each h in `hs` (at most 1000, each in [minH, maxH]), beside the analytic gradient entry →
    /// `{ analytic, fx, forward, centered, roundOff, roundOffCentered }`: `fx` = L(W); the rest
    /// Float64Arrays, one entry per h; `roundOff` the forward slope's round-off scale 2ε·|fx|/h
    /// and `roundOffCentered` the centered one's ε·|fx|/h (the scale the gradient check uses).
    #[wasm_bindgen(js_name = slopesVersusH)]
    pub fn slopes_versus_h(&self, row: JsValue, col: JsValue, hs: JsValue) -> R<Object> {
        let mut c = borrow(&self.inner)?;
        let r = count(&row, "row", 0, c.rows() - 1)?;
        let k = count(&col, "col", 0, c.cols() - 1)?;
        let hs = f64_array(&hs, "hs", 1000)?;
        if let Some(i) = hs.iter().position(|&h| !(lim::MIN_H..=lim::MAX_H).contains(&h)) {
            return fail(format!("hs[{i}] must be in [{}, {}], got {}", js_number(lim::MIN_H), js_number(lim::MAX_H), js_number(hs[i])));
        }
        let analytic = c.gradient()[[r, k]];
        let s = numgrad::slopes_versus_h(&mut c, r, k, &hs);
        let o = Object::new();
        set(&o, "analytic", analytic);
        set(&o, "fx", s.fx);
        set(&o, "forward", f64s(&s.forward));
        set(&o, "centered", f64s(&s.centered));
        set(&o, "roundOff", f64s(&s.round_off));
        set(&o, "roundOffCentered", f64s(&s.round_off_centered));
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
    /// → `{ maxRelError, relErrors, kinks, verdicts, verdict, verdictNames, verdictDecides,
    /// roundOff, roundOffMultiple, roundOffLimit, analytic, numerical }`. `relErrors` is each
    /// entry's relative error as computed; `kinks` (Uint8Array) 1 where the entry's finite
    /// difference crossed a kink; `verdicts` a code per entry, an index into `verdictNames`
    /// (["good", "acceptable-with-kinks", "too-high", "uncomfortable", "wrong", "kink",
    /// "round-off"]; bands in `limits().verdicts`), `verdictDecides[code]` whether that verdict
    /// decides (kink and round-off do not); `verdict` is the name of the worst verdict among
    /// the entries that decide ("round-off", else "kink", when none does) and `maxRelError`
    /// the largest of their relative errors (0 when none does). `roundOff` is the finite
    /// difference's round-off scale (2ε·|f|/h forward, ε·|f|/h centered); an entry is
    /// "round-off" when it is not good and |a − n| ≤ `roundOffLimit` = `roundOffMultiple` ·
    /// `roundOff`.
    #[wasm_bindgen(js_name = gradCheck)]
    pub fn grad_check(&self, options: JsValue) -> R<Object> {
        let (h, centered, formula) = parse_h(&options, true)?;
        let mut c = borrow(&self.inner)?;
        Ok(check_object(&numgrad::grad_check(&mut c, h, centered, formula)))
    }
}

/// `gradCheck`'s result object (also `GradientStepper.check`'s).
pub(super) fn check_object(gc: &numgrad::GradCheck) -> Object {
    let o = Object::new();
    set(&o, "maxRelError", gc.max_rel_error);
    set(&o, "relErrors", f64s(&gc.rel_errors));
    set(&o, "kinks", flags(&gc.kinks));
    let verdicts: Vec<u8> = gc.verdicts.iter().map(|&v| v as u8).collect();
    set(&o, "verdicts", Uint8Array::from(&verdicts[..]));
    set(&o, "verdict", gc.verdict.name());
    set(&o, "verdictNames", strings(Verdict::ALL.iter().map(Verdict::name)));
    let decides: Vec<bool> = Verdict::ALL.iter().map(Verdict::decides).collect();
    set(&o, "verdictDecides", flags(&decides));
    set(&o, "roundOff", gc.round_off);
    set(&o, "roundOffMultiple", numgrad::ROUND_OFF_MULTIPLE);
    set(&o, "roundOffLimit", gc.round_off_limit);
    set(&o, "analytic", f64s(gc.analytic.as_slice().unwrap_or(&[])));
    set(&o, "numerical", f64s(gc.numerical.as_slice().unwrap_or(&[])));
    o
}
