//! The f64x2 helpers of the picture's fresh exps and rows' E_j (src/simd.rs), against values worked by hand.
//! (Natively these run the array form; the wasm form does the same IEEE operations and the
//! pictures built on it are compared with the f64 plane in tests/picture*.rs.)

use lossland::simd::{F32x4, F64x2, Lanes};

fn lanes(v: F64x2) -> [f64; 2] {
    [v.lane(0), v.lane(1)]
}

#[test]
fn pow2_builds_the_exponent_field() {
    // 2^−1000 and 2^3, 2^0 and 2^−1022 (the least normal), exact
    assert_eq!(lanes(F64x2::from_fn(|l| [-1000.0, 3.0][l]).pow2()), [2f64.powi(-1000), 8.0]);
    assert_eq!(lanes(F64x2::from_fn(|l| [0.0, -1022.0][l]).pow2()), [1.0, f64::MIN_POSITIVE]);
}

#[test]
fn pmax_above_or_zero_and_the_f32_rounding() {
    let a = F64x2::from_fn(|l| [-1200.0, -3.5][l]);
    assert_eq!(lanes(a.pmax(F64x2::splat(-1000.0))), [-1000.0, -3.5]);
    // kept where the lane is above −1000 (strictly), else +0
    let n = F64x2::from_fn(|l| [-1000.0, -999.0][l]);
    let got = lanes(n.above_or_zero(-1000.0, F64x2::splat(0.25)));
    assert_eq!(got, [0.0, 0.25]);
    assert!(got[0].is_sign_positive());
    // lo's lanes then hi's, each rounded to the nearest f32
    let v = F32x4::from_f64x2(F64x2::from_fn(|l| [0.1, 1.0 + 2f64.powi(-30)][l]), F64x2::from_fn(|l| [-3.0, 1e-50][l]));
    assert_eq!([v.lane(0), v.lane(1), v.lane(2), v.lane(3)], [0.1f32 as f64, 1.0, -3.0, 0.0]);
}

#[test]
fn zip_pairs_the_lanes() {
    let (lo, hi) = F64x2::from_fn(|l| [1.0, 2.0][l]).zip(F64x2::from_fn(|l| [3.0, 4.0][l]));
    assert_eq!((lanes(lo), lanes(hi)), ([1.0, 3.0], [2.0, 4.0]));
}

#[test]
fn abs_clears_the_sign_and_above_is_strict() {
    assert_eq!(lanes(F64x2::from_fn(|l| [-2.5, 7.0][l]).abs()), [2.5, 7.0]);
    let z = F64x2::from_fn(|l| [-0.0, 0.0][l]).abs();
    assert!(z.lane(0).is_sign_positive() && z.lane(1).is_sign_positive(), "−0 → +0, as f64::abs");
    // bit l where lane l > limit: equal is not above, NaN never
    assert_eq!(F64x2::from_fn(|l| [3.0, 3.0 + 1e-15][l]).above(3.0), 0b10);
    assert_eq!(F64x2::from_fn(|l| [f64::NAN, 4.0][l]).above(3.0), 0b10);
    assert_eq!(F64x2::from_fn(|l| [5.0, -1.0][l]).above(3.0), 0b01);
}

#[test]
fn below_or_zero_is_strict_and_or_merges_lanes_with_plus_zero() {
    // kept where the lane is below 0.5 (strictly), else +0; NaN is not below
    let k = F64x2::from_fn(|l| [0.0, 0.5][l]);
    let got = lanes(k.below_or_zero(0.5, F64x2::from_fn(|l| [-0.0, 9.0][l])));
    assert!(got[0] == 0.0 && got[0].is_sign_negative(), "−0 kept as −0");
    assert!(got[1] == 0.0 && got[1].is_sign_positive());
    assert_eq!(lanes(F64x2::from_fn(|l| [f64::NAN, 0.4][l]).below_or_zero(0.5, F64x2::splat(2.0))), [0.0, 2.0]);
    // with +0 in one of each pair of lanes, or gives the other, −0 included
    let a = F64x2::from_fn(|l| [-3.0, 0.0][l]);
    let b = F64x2::from_fn(|l| [0.0, -0.0][l]);
    let m = a.or(b);
    assert_eq!(m.lane(0), -3.0);
    assert!(m.lane(1) == 0.0 && m.lane(1).is_sign_negative());
}
