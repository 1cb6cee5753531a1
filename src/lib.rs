//! # lossland
//!
//! The maths of CS231n's *Optimization* lecture, written to be read next to the lecture's
//! formulas and driven from a web page.
//!
//! * [`data`] — the data sets (toy, spiral, digits, iris, caller-supplied) and mini-batches.
//! * [`design`] — the data matrix arranged for the full-batch products S = Xa·Wᵀ and
//!   Xaᵀ·dS (zeros left out when there are many), and when their sums are exact.
//! * [`loss`] — the linear classifier with the bias trick, the multiclass SVM and softmax
//!   losses with their analytic gradients, and L2 regularisation.
//! * [`numgrad`] — the numerical gradient (forward and centered), as a whole and one
//!   coordinate at a time, and the gradient check with kink detection.
//! * [`optim`] — random search, random local search, gradient descent and mini-batch SGD.
//! * [`landscape`] — 1-D and 2-D slices of the loss along random directions or downhill
//!   (W1 = −dW), and the Gram–Schmidt helper for orthogonal directions.
//! * [`simd`] — the 128-bit lane types (f64x2, f32x4) of the landscape kernels: wasm SIMD
//!   instructions in the wasm build, the same operations lane by lane natively.
//! * [`peak`] — this core's multiply-add and exp rates, for the benchmark's fraction of peak.
//! * [`inspect`] — what the page shows about one W: one example's gradient terms (scores,
//!   margins or probabilities, ∂L_i/∂s), mini-batch gradients scattered on a plane.
//! * [`render`] — charts drawn against plotters' generic backend (with their pixel ↔ data
//!   transform), and heat maps as RGBA.
//! * [`jsnum`] — numbers printed as JavaScript's `String(x)` does, for error messages.
//! * `web` (wasm32 only) — the `#[wasm_bindgen]` facade, one file per class under `src/web/`:
//!   argument checking, conversions and JS names, no maths.
//!
//! Everything except `web` is plain Rust, compiled and tested natively.

/// Calls `$f::<C>` for the class counts the data sets use (a fixed C keeps the C running
/// sums in registers and lets the compiler vectorise them), else the runtime-C version.
/// Defined before the modules so that `design` and `loss` share it.
macro_rules! by_classes {
    ($c:expr, $f:ident, $g:ident, ($($arg:expr),*)) => {
        match $c {
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            8 => $f::<8>($($arg),*),
            10 => $f::<10>($($arg),*),
            _ => $g($($arg),*),
        }
    };
}

pub mod data;
pub mod design;
pub mod inspect;
pub mod jsnum;
pub mod landscape;
pub mod limits;
pub mod loss;
pub mod numgrad;
pub mod optim;
pub mod render;
pub mod peak;
pub mod rng;
pub mod simd;

#[cfg(target_arch = "wasm32")]
pub mod web;
