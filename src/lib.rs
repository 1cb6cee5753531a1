//! # lossland
//!
//! The maths of CS231n's *Optimization* lecture, written to be read next to the lecture's
//! formulas and driven from a web page.
//!
//! * [`data`] — the data sets (toy, spiral, digits, iris, caller-supplied) and mini-batches.
//! * [`loss`] — the linear classifier with the bias trick, the multiclass SVM and softmax
//!   losses with their analytic gradients, and L2 regularisation.
//! * [`numgrad`] — the numerical gradient (forward and centered), as a whole and one
//!   coordinate at a time, and the gradient check with kink detection.
//! * [`optim`] — random search, random local search, gradient descent and mini-batch SGD.
//! * [`landscape`] — 1-D and 2-D slices of the loss along random directions.
//! * [`explore`] — mini-batch gradients seen on a plane, for the SGD section.
//! * [`render`] — charts drawn against plotters' generic backend, and heat maps as RGBA.
//! * `web` (wasm32 only) — the `#[wasm_bindgen]` facade: argument checking and JS names.
//!
//! Everything except `web` is plain Rust, compiled and tested natively.

pub mod data;
pub mod explore;
pub mod landscape;
pub mod limits;
pub mod loss;
pub mod numgrad;
pub mod optim;
pub mod render;
pub mod rng;

#[cfg(target_arch = "wasm32")]
pub mod web;
