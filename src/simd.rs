//! Two 128-bit lane types for the landscape kernels: [`F64x2`] (two f64) and [`F32x4`] (four
//! f32). On wasm32 they are `v128` values operated on with `core::arch::wasm32` SIMD
//! instructions (`simd128` is enabled for the wasm build, see .cargo/config.toml); natively they
//! are plain arrays operated on lane by lane. Both forms do the same IEEE operations in the same
//! order (add, multiply, exact bit manipulation; no fused multiply-add), so a native test of a
//! kernel written with them checks the numbers the wasm build computes.

/// What a kernel needs of a vector of lanes.
pub trait Lanes: Copy {
    /// The element type (f64 or f32).
    type Elem: Copy + Default;
    /// The exponent accumulator, one integer per lane (i64x2 or i32x4).
    type Expo: Copy;
    /// Lanes per vector.
    const N: usize;
    /// The largest binary exponent a running product may reach before it is renormalised.
    const EXPO_BUDGET: f64;
    fn splat(x: f64) -> Self;
    /// Lane l ← f(l), each value rounded to the element type.
    fn from_fn(f: impl Fn(usize) -> f64) -> Self;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// Lane l as f64 (exact: f32 → f64 widens).
    fn lane(self, l: usize) -> f64;
    /// Loads N elements from `p[at..at + N]`.
    fn load(p: &[Self::Elem], at: usize) -> Self;
    /// Stores into `p[at..at + N]`.
    fn store(self, p: &mut [Self::Elem], at: usize);
    fn expo_zero() -> Self::Expo;
    fn expo_lane(e: Self::Expo, l: usize) -> i64;
    /// Splits each (positive, normal) lane into 2^e·m with m ∈ [1, 2): returns m, adds e to
    /// `expo`. Exact.
    fn renorm(self, expo: &mut Self::Expo) -> Self;
    fn elem_to_f64(x: Self::Elem) -> f64;
    fn elem_from_f64(x: f64) -> Self::Elem;
    /// The lanes as f64x2 vectors (N / 2 of them, lane order kept; exact), into `out`.
    fn widen(self, out: &mut [F64x2]);
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::Lanes;
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub struct F64x2(v128);
    #[derive(Clone, Copy)]
    pub struct F32x4(v128);

    impl Lanes for F64x2 {
        type Elem = f64;
        type Expo = v128;
        const N: usize = 2;
        const EXPO_BUDGET: f64 = 1000.0;
        #[inline(always)]
        fn splat(x: f64) -> Self {
            F64x2(f64x2_splat(x))
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> f64) -> Self {
            F64x2(f64x2(f(0), f(1)))
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            F64x2(f64x2_add(self.0, o.0))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            F64x2(f64x2_mul(self.0, o.0))
        }
        #[inline(always)]
        fn lane(self, l: usize) -> f64 {
            if l == 0 {
                f64x2_extract_lane::<0>(self.0)
            } else {
                f64x2_extract_lane::<1>(self.0)
            }
        }
        #[inline(always)]
        fn load(p: &[f64], at: usize) -> Self {
            let s = &p[at..at + 2];
            // SAFETY: s has 2 elements; v128_load needs no alignment.
            F64x2(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        fn store(self, p: &mut [f64], at: usize) {
            let s = &mut p[at..at + 2];
            // SAFETY: s has 2 elements; v128_store needs no alignment.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        fn expo_zero() -> v128 {
            i64x2_splat(0)
        }
        fn expo_lane(e: v128, l: usize) -> i64 {
            if l == 0 {
                i64x2_extract_lane::<0>(e)
            } else {
                i64x2_extract_lane::<1>(e)
            }
        }
        #[inline(always)]
        fn renorm(self, expo: &mut v128) -> Self {
            let biased = v128_and(u64x2_shr(self.0, 52), i64x2_splat(0x7ff));
            *expo = i64x2_add(*expo, i64x2_sub(biased, i64x2_splat(1023)));
            F64x2(v128_or(v128_and(self.0, i64x2_splat(0x000f_ffff_ffff_ffff)), i64x2_splat(0x3ff0_0000_0000_0000)))
        }
        #[inline(always)]
        fn elem_to_f64(x: f64) -> f64 {
            x
        }
        #[inline(always)]
        fn elem_from_f64(x: f64) -> f64 {
            x
        }
        #[inline(always)]
        fn widen(self, out: &mut [F64x2]) {
            out[0] = self;
        }
    }

    impl F64x2 {
        /// Lane l ← if self_l < o_l { o_l } else { self_l } (wasm's pmax; NaN-free inputs).
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F64x2(f64x2_pmax(self.0, o.0))
        }
        /// self − o, lane by lane.
        #[inline(always)]
        pub fn minus(self, o: Self) -> Self {
            F64x2(f64x2_sub(self.0, o.0))
        }
        /// Bit l set where lane l < limit (NaN: clear).
        #[inline(always)]
        pub fn below(self, limit: f64) -> u32 {
            i64x2_bitmask(f64x2_lt(self.0, f64x2_splat(limit))) as u32
        }
        /// Bit l set where lane l > limit (NaN: clear).
        #[inline(always)]
        pub fn above(self, limit: f64) -> u32 {
            i64x2_bitmask(f64x2_gt(self.0, f64x2_splat(limit))) as u32
        }
        /// |self|, lane by lane (the sign bit cleared, as f64::abs).
        #[inline(always)]
        pub fn abs(self) -> Self {
            F64x2(f64x2_abs(self.0))
        }
        /// Lane l ← x_l where self_l > limit, else +0.
        #[inline(always)]
        pub fn above_or_zero(self, limit: f64, x: Self) -> Self {
            F64x2(v128_and(f64x2_gt(self.0, f64x2_splat(limit)), x.0))
        }
        /// Lane l ← x_l where self_l < limit, else +0.
        #[inline(always)]
        pub fn below_or_zero(self, limit: f64, x: Self) -> Self {
            F64x2(v128_and(f64x2_lt(self.0, f64x2_splat(limit)), x.0))
        }
        /// The bits of self or o (with one of them +0 in each lane: the other one).
        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            F64x2(v128_or(self.0, o.0))
        }
        /// (self_0, o_0) and (self_1, o_1).
        #[inline(always)]
        pub fn zip(self, o: Self) -> (Self, Self) {
            (F64x2(i64x2_shuffle::<0, 2>(self.0, o.0)), F64x2(i64x2_shuffle::<1, 3>(self.0, o.0)))
        }
        /// 2^n for lanes holding whole numbers n in [−1022, 1023]: the exponent field built
        /// directly (exact).
        #[inline(always)]
        pub fn pow2(self) -> Self {
            let n = i64x2_extend_low_i32x4(i32x4_trunc_sat_f64x2_zero(self.0));
            F64x2(i64x2_shl(i64x2_add(n, i64x2_splat(1023)), 52))
        }
    }

    impl F32x4 {
        /// Every lane x (already an f32: no rounding here).
        #[inline(always)]
        pub fn splat_f32(x: f32) -> Self {
            F32x4(f32x4_splat(x))
        }
        /// The lanes of `lo` then `hi`, each rounded to f32.
        #[inline(always)]
        pub fn from_f64x2(lo: F64x2, hi: F64x2) -> Self {
            F32x4(i32x4_shuffle::<0, 1, 4, 5>(f32x4_demote_f64x2_zero(lo.0), f32x4_demote_f64x2_zero(hi.0)))
        }
        /// Lane l ← if self_l < o_l { o_l } else { self_l } (wasm's pmax; NaN-free inputs).
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F32x4(f32x4_pmax(self.0, o.0))
        }
        /// Lane l ← if o_l < self_l { o_l } else { self_l } (wasm's pmin).
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            F32x4(f32x4_pmin(self.0, o.0))
        }
        /// 2^n for lanes holding whole numbers n in [−126, 127]: the exponent field built
        /// directly (exact).
        #[inline(always)]
        pub fn pow2(self) -> Self {
            let n = i32x4_trunc_sat_f32x4(self.0);
            F32x4(i32x4_shl(i32x4_add(n, i32x4_splat(127)), 23))
        }
        /// The largest lane.
        #[inline(always)]
        pub fn max_lane(self) -> f32 {
            let m = f32x4_pmax(self.0, i32x4_shuffle::<2, 3, 0, 1>(self.0, self.0));
            let m = f32x4_pmax(m, i32x4_shuffle::<1, 0, 3, 2>(m, m));
            f32x4_extract_lane::<0>(m)
        }
    }

    impl Lanes for F32x4 {
        type Elem = f32;
        type Expo = v128;
        const N: usize = 4;
        const EXPO_BUDGET: f64 = 120.0;
        #[inline(always)]
        fn splat(x: f64) -> Self {
            F32x4(f32x4_splat(x as f32))
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> f64) -> Self {
            F32x4(f32x4(f(0) as f32, f(1) as f32, f(2) as f32, f(3) as f32))
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            F32x4(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            F32x4(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        fn lane(self, l: usize) -> f64 {
            (match l {
                0 => f32x4_extract_lane::<0>(self.0),
                1 => f32x4_extract_lane::<1>(self.0),
                2 => f32x4_extract_lane::<2>(self.0),
                _ => f32x4_extract_lane::<3>(self.0),
            }) as f64
        }
        #[inline(always)]
        fn load(p: &[f32], at: usize) -> Self {
            let s = &p[at..at + 4];
            // SAFETY: s has 4 elements; v128_load needs no alignment.
            F32x4(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        #[inline(always)]
        fn store(self, p: &mut [f32], at: usize) {
            let s = &mut p[at..at + 4];
            // SAFETY: s has 4 elements; v128_store needs no alignment.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        fn expo_zero() -> v128 {
            i32x4_splat(0)
        }
        fn expo_lane(e: v128, l: usize) -> i64 {
            (match l {
                0 => i32x4_extract_lane::<0>(e),
                1 => i32x4_extract_lane::<1>(e),
                2 => i32x4_extract_lane::<2>(e),
                _ => i32x4_extract_lane::<3>(e),
            }) as i64
        }
        #[inline(always)]
        fn renorm(self, expo: &mut v128) -> Self {
            let biased = v128_and(u32x4_shr(self.0, 23), i32x4_splat(0xff));
            *expo = i32x4_add(*expo, i32x4_sub(biased, i32x4_splat(127)));
            F32x4(v128_or(v128_and(self.0, i32x4_splat(0x007f_ffff)), i32x4_splat(0x3f80_0000)))
        }
        #[inline(always)]
        fn elem_to_f64(x: f32) -> f64 {
            x as f64
        }
        #[inline(always)]
        fn elem_from_f64(x: f64) -> f32 {
            x as f32
        }
        #[inline(always)]
        fn widen(self, out: &mut [F64x2]) {
            out[0] = F64x2(f64x2_promote_low_f32x4(self.0));
            out[1] = F64x2(f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 2, 3>(self.0, self.0)));
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::Lanes;

    #[derive(Clone, Copy)]
    pub struct F64x2([f64; 2]);
    #[derive(Clone, Copy)]
    pub struct F32x4([f32; 4]);

    impl Lanes for F64x2 {
        type Elem = f64;
        type Expo = [i64; 2];
        const N: usize = 2;
        const EXPO_BUDGET: f64 = 1000.0;
        #[inline(always)]
        fn splat(x: f64) -> Self {
            F64x2([x; 2])
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> f64) -> Self {
            F64x2([f(0), f(1)])
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            F64x2([self.0[0] + o.0[0], self.0[1] + o.0[1]])
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            F64x2([self.0[0] * o.0[0], self.0[1] * o.0[1]])
        }
        #[inline(always)]
        fn lane(self, l: usize) -> f64 {
            self.0[l]
        }
        #[inline(always)]
        fn load(p: &[f64], at: usize) -> Self {
            F64x2([p[at], p[at + 1]])
        }
        #[inline(always)]
        fn store(self, p: &mut [f64], at: usize) {
            p[at..at + 2].copy_from_slice(&self.0);
        }
        fn expo_zero() -> [i64; 2] {
            [0; 2]
        }
        fn expo_lane(e: [i64; 2], l: usize) -> i64 {
            e[l]
        }
        #[inline(always)]
        fn renorm(self, expo: &mut [i64; 2]) -> Self {
            F64x2([0, 1].map(|l| {
                let bits = self.0[l].to_bits();
                expo[l] += ((bits >> 52) & 0x7ff) as i64 - 1023;
                f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000)
            }))
        }
        #[inline(always)]
        fn elem_to_f64(x: f64) -> f64 {
            x
        }
        #[inline(always)]
        fn elem_from_f64(x: f64) -> f64 {
            x
        }
        #[inline(always)]
        fn widen(self, out: &mut [F64x2]) {
            out[0] = self;
        }
    }

    impl F64x2 {
        /// Lane l ← if self_l < o_l { o_l } else { self_l } (wasm's pmax; NaN-free inputs).
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F64x2([0, 1].map(|l| if self.0[l] < o.0[l] { o.0[l] } else { self.0[l] }))
        }
        /// self − o, lane by lane.
        #[inline(always)]
        pub fn minus(self, o: Self) -> Self {
            F64x2([self.0[0] - o.0[0], self.0[1] - o.0[1]])
        }
        /// Bit l set where lane l < limit (NaN: clear).
        #[inline(always)]
        pub fn below(self, limit: f64) -> u32 {
            (self.0[0] < limit) as u32 | ((self.0[1] < limit) as u32) << 1
        }
        /// Bit l set where lane l > limit (NaN: clear).
        #[inline(always)]
        pub fn above(self, limit: f64) -> u32 {
            (self.0[0] > limit) as u32 | ((self.0[1] > limit) as u32) << 1
        }
        /// |self|, lane by lane (the sign bit cleared, as f64::abs).
        #[inline(always)]
        pub fn abs(self) -> Self {
            F64x2([self.0[0].abs(), self.0[1].abs()])
        }
        /// Lane l ← x_l where self_l > limit, else +0.
        #[inline(always)]
        pub fn above_or_zero(self, limit: f64, x: Self) -> Self {
            F64x2([0, 1].map(|l| if self.0[l] > limit { x.0[l] } else { 0.0 }))
        }
        /// Lane l ← x_l where self_l < limit, else +0.
        #[inline(always)]
        pub fn below_or_zero(self, limit: f64, x: Self) -> Self {
            F64x2([0, 1].map(|l| if self.0[l] < limit { x.0[l] } else { 0.0 }))
        }
        /// The bits of self or o (with one of them +0 in each lane: the other one).
        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            F64x2([0, 1].map(|l| f64::from_bits(self.0[l].to_bits() | o.0[l].to_bits())))
        }
        /// (self_0, o_0) and (self_1, o_1).
        #[inline(always)]
        pub fn zip(self, o: Self) -> (Self, Self) {
            (F64x2([self.0[0], o.0[0]]), F64x2([self.0[1], o.0[1]]))
        }
        /// 2^n for lanes holding whole numbers n in [−1022, 1023]: the exponent field built
        /// directly (exact).
        #[inline(always)]
        pub fn pow2(self) -> Self {
            F64x2([0, 1].map(|l| f64::from_bits(((self.0[l] as i64 + 1023) as u64) << 52)))
        }
    }

    impl F32x4 {
        /// Every lane x (already an f32: no rounding here).
        #[inline(always)]
        pub fn splat_f32(x: f32) -> Self {
            F32x4([x; 4])
        }
        /// The lanes of `lo` then `hi`, each rounded to f32.
        #[inline(always)]
        pub fn from_f64x2(lo: F64x2, hi: F64x2) -> Self {
            F32x4([lo.0[0] as f32, lo.0[1] as f32, hi.0[0] as f32, hi.0[1] as f32])
        }
        /// Lane l ← if self_l < o_l { o_l } else { self_l } (wasm's pmax; NaN-free inputs).
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F32x4([0, 1, 2, 3].map(|l| if self.0[l] < o.0[l] { o.0[l] } else { self.0[l] }))
        }
        /// Lane l ← if o_l < self_l { o_l } else { self_l } (wasm's pmin).
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            F32x4([0, 1, 2, 3].map(|l| if o.0[l] < self.0[l] { o.0[l] } else { self.0[l] }))
        }
        /// 2^n for lanes holding whole numbers n in [−126, 127]: the exponent field built
        /// directly (exact).
        #[inline(always)]
        pub fn pow2(self) -> Self {
            F32x4([0, 1, 2, 3].map(|l| f32::from_bits(((self.0[l] as i32 + 127) as u32) << 23)))
        }
        /// The largest lane (the same pairings as the wasm form).
        #[inline(always)]
        pub fn max_lane(self) -> f32 {
            let p = |a: f32, b: f32| if a < b { b } else { a };
            let m = [p(self.0[0], self.0[2]), p(self.0[1], self.0[3])];
            p(m[0], m[1])
        }
    }

    impl Lanes for F32x4 {
        type Elem = f32;
        type Expo = [i32; 4];
        const N: usize = 4;
        const EXPO_BUDGET: f64 = 120.0;
        #[inline(always)]
        fn splat(x: f64) -> Self {
            F32x4([x as f32; 4])
        }
        #[inline(always)]
        fn from_fn(f: impl Fn(usize) -> f64) -> Self {
            F32x4([f(0) as f32, f(1) as f32, f(2) as f32, f(3) as f32])
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            F32x4([0, 1, 2, 3].map(|l| self.0[l] + o.0[l]))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            F32x4([0, 1, 2, 3].map(|l| self.0[l] * o.0[l]))
        }
        #[inline(always)]
        fn lane(self, l: usize) -> f64 {
            self.0[l] as f64
        }
        #[inline(always)]
        fn load(p: &[f32], at: usize) -> Self {
            F32x4([p[at], p[at + 1], p[at + 2], p[at + 3]])
        }
        #[inline(always)]
        fn store(self, p: &mut [f32], at: usize) {
            p[at..at + 4].copy_from_slice(&self.0);
        }
        fn expo_zero() -> [i32; 4] {
            [0; 4]
        }
        fn expo_lane(e: [i32; 4], l: usize) -> i64 {
            e[l] as i64
        }
        #[inline(always)]
        fn renorm(self, expo: &mut [i32; 4]) -> Self {
            F32x4([0, 1, 2, 3].map(|l| {
                let bits = self.0[l].to_bits();
                expo[l] += ((bits >> 23) & 0xff) as i32 - 127;
                f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000)
            }))
        }
        #[inline(always)]
        fn elem_to_f64(x: f32) -> f64 {
            x as f64
        }
        #[inline(always)]
        fn elem_from_f64(x: f64) -> f32 {
            x as f32
        }
        #[inline(always)]
        fn widen(self, out: &mut [F64x2]) {
            out[0] = F64x2([self.0[0] as f64, self.0[1] as f64]);
            out[1] = F64x2([self.0[2] as f64, self.0[3] as f64]);
        }
    }
}

pub use imp::{F32x4, F64x2};

/// e^r for |r| ≤ ln 2 / 2 in f32 lanes: Cephes' `expf` polynomial (S. L. Moshier's
/// coefficients, relative error ~1e-7 on that interval), 1 + r + r²·P(r), by multiplies and
/// adds only (so the wasm and native forms agree bit for bit).
#[inline(always)]
pub fn exp_poly(r: F32x4) -> F32x4 {
    let mut p = F32x4::splat(1.987_569_150_0e-4);
    for c in [1.398_199_950_7e-3, 8.333_451_907_3e-3, 4.166_579_589_4e-2, 1.666_666_545_9e-1, 5.000_000_120_1e-1] {
        p = p.mul(r).add(F32x4::splat(c));
    }
    p.mul(r.mul(r)).add(r).add(F32x4::splat(1.0))
}

/// e^x in f32 lanes, x clamped to [−87, 88] (so e^x stays normal: e^−87 ≈ 1.6e-38):
/// x = n·ln 2 + r with n = round(x·log₂e) (by the 1.5·2²³ trick: the add rounds to a whole
/// number, ties to even) and r = x − n·ln 2 in two parts (Cody–Waite: n·ln2_hi is exact), then
/// e^x = 2^n·e^r. Relative error ~1e-7 for |x| ≲ 1, growing to ~|x|·2⁻²⁴ (the rounding of x
/// itself) for larger |x|.
#[inline(always)]
pub fn exp_f32x4(x: F32x4) -> F32x4 {
    const MAGIC: f64 = 12_582_912.0; // 1.5·2²³
    let x = x.pmax(F32x4::splat(-87.0)).pmin(F32x4::splat(88.0));
    let n = x.mul(F32x4::splat(std::f64::consts::LOG2_E)).add(F32x4::splat(MAGIC)).add(F32x4::splat(-MAGIC));
    // ln 2 = 0.693359375 − 2.12194440e-4 (the first part has 9 significant bits: n·it is exact)
    let r = x.add(n.mul(F32x4::splat(-0.693_359_375))).add(n.mul(F32x4::splat(2.121_944_4e-4)));
    exp_poly(r).mul(n.pow2())
}
