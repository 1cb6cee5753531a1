//! Resource caps. Asking for more is a clear error, never an out-of-memory trap or a
//! frozen tab. The facade checks every request against these.

/// Most examples in a data set.
pub const MAX_EXAMPLES: usize = 100_000;
/// Most features per example (before the bias column).
pub const MAX_DIMS: usize = 4_096;
/// Most classes.
pub const MAX_CLASSES: usize = 100;
/// Most feature values in a data set (examples × dims).
pub const MAX_VALUES: usize = 10_000_000;
/// Most weights (classes × (dims + 1)).
pub const MAX_WEIGHTS: usize = 100_000;
/// Most points per class for the spiral.
pub const MAX_POINTS_PER_CLASS: usize = 10_000;
/// Most points on a 1-D slice.
pub const MAX_LINE_POINTS: usize = 10_000;
/// Most points per side of a 2-D slice.
pub const MAX_PLANE_SIZE: usize = 512;
/// Most optimizer steps in one `run` call.
pub const MAX_RUN_STEPS: usize = 100_000;
/// Largest seed: JS numbers are exact integers up to 2^53 − 1.
pub const MAX_SEED: f64 = 9_007_199_254_740_991.0;
/// Range of the finite-difference step h.
pub const MIN_H: f64 = 1e-10;
pub const MAX_H: f64 = 1.0;
/// Range of the regularisation strength.
pub const MAX_REG: f64 = 1e6;
/// Range of the SVM margin Δ.
pub const MIN_DELTA: f64 = 1e-12;
pub const MAX_DELTA: f64 = 1e6;
/// Range of the optimizer step size and random-search scale (any positive number would do
/// for the maths; the lower end is a readable one).
pub const MIN_STEP_SIZE: f64 = 1e-300;
pub const MAX_STEP_SIZE: f64 = 1e6;
/// Range of the half-width of a slice.
pub const MIN_SPAN: f64 = 1e-300;
pub const MAX_SPAN: f64 = 1e6;
