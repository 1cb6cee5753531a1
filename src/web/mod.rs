//! The JavaScript API (`#[wasm_bindgen]` facade), one file per class. Thin: each file converts
//! JS values (checked in [`args`]), calls the Rust core and converts the result back; no maths
//! lives here.
//!
//! Conventions: every number is a JS number; every array returned is a fresh typed-array
//! copy; W is row-major C × (D + 1) with the bias in the last column. Invalid input throws a
//! JS `Error` whose message names the parameter and the allowed range (at most 200
//! characters, numbers printed as JS prints them). No input reachable from JS panics: every
//! index is checked here or in the core before use.
//!
//! * [`args`] — argument checking and conversion, the catching JS imports
//! * [`dataset`] — `Dataset`
//! * [`classifier`] — `Classifier`
//! * [`stepper`] — `GradientStepper`
//! * [`optimizer`] — `Optimizer`
//! * [`landscape`] — `Landscape`
//! * [`draw`] — `drawChart`, `drawHeatmap`, `chartToData`, `chartToPixel`, the canvas backend
//! * `limits()` (here) — the caps and thresholds the API enforces
//! * `peakRates(ms)` (here) — this core's multiply-add and exp rates, for the benchmark

mod args;
mod classifier;
mod dataset;
mod draw;
mod landscape;
mod optimizer;
mod stepper;

pub use classifier::Classifier;
pub use dataset::Dataset;
pub use draw::{chart_to_data, chart_to_pixel, draw_chart, draw_heatmap};
pub use landscape::Landscape;
pub use optimizer::Optimizer;
pub use stepper::GradientStepper;

use crate::limits as lim;
use crate::numgrad::Verdict;
use args::set;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// This core's limits, measured now for about `ms` milliseconds each (1 to 10,000; the
/// benchmark's fraction of peak): `{ fmaPerSecond, fmaPerSecondF32, expPerSecond }` — lane
/// multiply-adds per second (one multiply and one add: wasm SIMD has no fused multiply-add)
/// with f64x2 and with f32x4 lanes, and `f64::exp` calls per second (the exp the softmax
/// kernels call). Blocks the thread for ~3·ms.
#[wasm_bindgen(js_name = peakRates)]
pub fn peak_rates(ms: JsValue) -> args::R<Object> {
    let ms = args::number(&ms, "ms", 1.0, 10_000.0)?;
    let o = Object::new();
    set(&o, "fmaPerSecond", crate::peak::madd_rate_f64(ms));
    set(&o, "fmaPerSecondF32", crate::peak::madd_rate_f32(ms));
    set(&o, "expPerSecond", crate::peak::exp_rate(ms));
    Ok(o)
}

/// The caps and thresholds enforced or used by this API:
/// `{ maxExamples, maxDims, maxClasses, maxValues, maxWeights, maxPointsPerClass,
/// maxLinePoints, maxPlaneSize, maxRunSteps, maxSeed, minH, maxH, maxSpan, minSpan, maxReg,
/// minDelta, maxDelta, minStepSize, maxStepSize, epsilon, roundOffMultiple, verdicts }`.
/// `minStepSize`/`maxStepSize` bound both `stepSize` and `scale` of the Optimizer (a mini-batch
/// has no cap of its own: `batchSize` is at most the data set's size). `epsilon` is f64's
/// machine ε (the round-off scale's unit). `verdicts` lists the gradient check's readings of
/// one entry (index = verdict code): those that decide from best to worst, then "kink" and
/// "round-off", which do not: `{ name, from, fromInclusive, below, inclusive, kink, kinksOnly,
/// decides, roundOff }`. A relative error e is in a verdict's band when e > from (≥ when
/// `fromInclusive`) and e < below (≤ when `inclusive`); `kink` is "crossed", "not-crossed" or
/// "either": which entries the verdict applies to, by whether their finite difference crossed
/// a kink (`kinksOnly` = "crossed"). An entry is "good" when e < 1e-7; otherwise "round-off"
/// (`roundOff`) when |a − n| ≤ `roundOffMultiple` × the round-off scale (gradCheck's
/// `roundOff`); otherwise the verdict whose band and kink rule hold it.
#[wasm_bindgen]
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
    set(&o, "maxSpan", lim::MAX_SPAN);
    set(&o, "minSpan", lim::MIN_SPAN);
    set(&o, "maxReg", lim::MAX_REG);
    set(&o, "minDelta", lim::MIN_DELTA);
    set(&o, "maxDelta", lim::MAX_DELTA);
    set(&o, "minStepSize", lim::MIN_STEP_SIZE);
    set(&o, "maxStepSize", lim::MAX_STEP_SIZE);
    set(&o, "epsilon", f64::EPSILON);
    set(&o, "roundOffMultiple", crate::numgrad::ROUND_OFF_MULTIPLE);
    let verdicts: Array = Verdict::ALL
        .iter()
        .map(|v| {
            let (below, inclusive) = v.below();
            let (from, from_inclusive) = v.from();
            let e = Object::new();
            set(&e, "name", v.name());
            set(&e, "from", from);
            set(&e, "fromInclusive", from_inclusive);
            set(&e, "below", below);
            set(&e, "inclusive", inclusive);
            set(&e, "kink", v.kink_rule().name());
            set(&e, "kinksOnly", v.kinks_only());
            set(&e, "decides", v.decides());
            set(&e, "roundOff", v.round_off());
            JsValue::from(e)
        })
        .collect();
    set(&o, "verdicts", verdicts);
    o
}
