//! The machine's own limit, measured on one core in the running engine, so the benchmark can
//! print each kernel's throughput as a fraction of it.
//!
//! * [`madd_rate`]: multiply-adds per second in 128-bit lanes (f64x2 or f32x4). WebAssembly's
//!   SIMD has no fused multiply-add, so a multiply-add is one multiply and one add, the same
//!   two instructions the kernels issue; the loop keeps several independent chains of each
//!   in flight (multiplies a ← a·m, adds b ← b + c) so that neither latency nor a dependency
//!   limits it, only how many multiplies and adds the core can issue per cycle.
//! * [`exp_rate`]: `f64::exp` calls per second (the exp the softmax kernels call: Rust's own,
//!   compiled into the wasm), on independent arguments.

use crate::simd::{F32x4, F64x2, Lanes};

/// Independent chains per operation (6 multiply chains + 6 add chains + 2 constants fit the
/// 16 vector registers of x86-64; a multiply or an add has 3–4 cycles of latency, so 6 chains
/// feed two pipes each).
const CHAINS: usize = 6;

#[inline(never)]
fn madd_loop<V: Lanes>(iters: usize, m: V, c: V, seed: f64) -> f64 {
    // read through volatile loads so that no constant reaches the loop
    let iters = unsafe { std::ptr::read_volatile(&iters) };
    let (m, c) = unsafe { (std::ptr::read_volatile(&m), std::ptr::read_volatile(&c)) };
    let mut a = [V::splat(1.0); CHAINS];
    let mut b = [V::splat(0.0); CHAINS];
    for (k, (a, b)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
        *a = V::splat(1.0 + seed * k as f64);
        *b = V::splat(seed * k as f64);
    }
    for _ in 0..iters {
        for k in 0..CHAINS {
            a[k] = a[k].mul(m);
            b[k] = b[k].add(c);
        }
    }
    let mut s = 0.0;
    for k in 0..CHAINS {
        for l in 0..V::N {
            s += a[k].lane(l) + b[k].lane(l);
        }
    }
    s
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.now()` (browsers, Workers, Node ≥ 16): sub-millisecond, unlike Date.now.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        performance_now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
    }
}

/// Runs `f(reps)` (which does `reps × unit` units of work) in rounds of at least 10 ms for
/// about `ms` milliseconds (at least 3 rounds) and returns the best units per second of a round;
/// rounds shorter than 10 ms (the engine's first, unoptimised code, or a too small `reps`)
/// double `reps` and do not count. Also returns a sum of `f`'s results, to be used.
fn best_rate(ms: f64, unit: usize, mut f: impl FnMut(usize) -> f64) -> (f64, f64) {
    let (mut reps, mut sink, mut best, mut rounds) = (1usize << 10, 0.0, 0.0f64, 0);
    let start = now_ms();
    while rounds < 3 || now_ms() - start < ms {
        let t0 = now_ms();
        sink += f(reps);
        let dt = now_ms() - t0;
        if dt < 10.0 && reps < 1 << 30 {
            reps *= 2;
            continue;
        }
        best = best.max((reps * unit) as f64 / (dt.max(1e-3) / 1e3));
        rounds += 1;
    }
    (best, sink)
}

/// Lane multiply-adds per second (one multiply and one add per lane) with `V`'s lanes, the
/// best of rounds over about `ms` milliseconds.
pub fn madd_rate<V: Lanes>(ms: f64) -> f64 {
    let seed = 1e-9 * (now_ms() % 7.0 + 1.0); // not a compile-time constant
    let (m, c) = (V::splat(1.0 - seed), V::splat(seed));
    let (rate, sink) = best_rate(ms, CHAINS * V::N, |reps| madd_loop(reps, m, c, seed));
    if sink.is_nan() {
        return f64::NAN; // never: keeps the loop's result used
    }
    rate
}

/// f64 multiply-adds per second in f64x2 lanes.
pub fn madd_rate_f64(ms: f64) -> f64 {
    madd_rate::<F64x2>(ms)
}

/// f32 multiply-adds per second in f32x4 lanes.
pub fn madd_rate_f32(ms: f64) -> f64 {
    madd_rate::<F32x4>(ms)
}

#[inline(never)]
fn exp_loop(reps: usize, x0: f64) -> f64 {
    let (reps, x0) = unsafe { (std::ptr::read_volatile(&reps), std::ptr::read_volatile(&x0)) };
    // 4 independent sums so the adds do not serialise the calls
    let mut s = [0.0f64; 4];
    let mut x = x0;
    for _ in 0..reps / 4 {
        for sk in s.iter_mut() {
            *sk += (-x).exp();
            x += 1e-7;
        }
    }
    s.iter().sum()
}

/// `f64::exp` calls per second on arguments in [−1, 0], the best of rounds over about `ms` ms.
pub fn exp_rate(ms: f64) -> f64 {
    let x0 = (now_ms() % 1000.0) * 1e-6;
    let (rate, sink) = best_rate(ms, 1, |reps| exp_loop(reps * 4, x0) / 4.0);
    if sink.is_nan() {
        return f64::NAN;
    }
    rate * 4.0
}
