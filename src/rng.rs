//! Seeded randomness. Every random draw in lossland comes from a `StdRng` seeded with a
//! caller-given `u64`, so the same seed gives the same picture on every machine.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A seeded generator with a standard-normal sampler (Box–Muller, both values used).
pub struct Rng {
    inner: StdRng,
    spare: Option<f64>,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { inner: StdRng::seed_from_u64(seed), spare: None }
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.inner.random::<f64>()
    }

    /// Uniform integer in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.inner.random_range(0..n)
    }

    /// One draw of N(0, 1).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // Box–Muller: u1 in (0, 1] so that ln(u1) is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let t = std::f64::consts::TAU * u2;
        self.spare = Some(r * t.sin());
        r * t.cos()
    }

    /// Fills `out` with scale · N(0, 1).
    pub fn fill_normal(&mut self, out: &mut [f64], scale: f64) {
        for v in out.iter_mut() {
            *v = scale * self.normal();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws_and_moments_are_standard() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<f64> = (0..20000).map(|_| a.normal()).collect();
        let ys: Vec<f64> = (0..20000).map(|_| b.normal()).collect();
        assert_eq!(xs, ys);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64;
        // standard error of the mean is 1/sqrt(20000) ≈ 0.007
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
        let mut c = Rng::new(8);
        assert_ne!(xs[0], c.normal());
    }
}
