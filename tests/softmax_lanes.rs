//! The softmax landscape kernel in vector lanes (`softmax_sums` in src/landscape.rs, the lane
//! types of src/simd.rs). Natively a lane type is an array operated on lane by lane with the
//! same IEEE operations, in the same order, as the wasm SIMD instructions, so these tests
//! check the numbers the wasm build computes:
//!
//! * the f64 plane (f64x2 lanes) against `plane_direct` (the loss evaluated at each grid point
//!   from the cached scores) to 1e-9 relative (absolute below a loss of 1e-3), on hand-made data at every size from 1 to 20
//!   and sizes around the lane groups (8 columns), on the digits and on a CSV at the caps;
//! * the picture (f32x4 lanes, for colour only) within 1e-3 of the plane's range of the f64
//!   plane, including spans where scores move by ≫ 80 across the grid (the picture's quadtree;
//!   more of the picture in tests/picture.rs);
//! * extreme spans: everything finite, plane still exact;
//! * a plane or picture computed a few rows at a time equals the whole one bit for bit;
//! * the peak microbenchmark measures something finite and positive.

mod common;

use common::{classifier, hand, small_digits};
use lossland::data::Dataset;
use lossland::landscape::Landscape;
use lossland::limits::{MAX_SPAN, MIN_SPAN};
use lossland::loss::{Classifier, LossKind};
use lossland::rng::Rng;
use std::rc::Rc;

/// Largest |v − want| / max(|want|, 1e-3): relative, except for losses below 1e-3, which the
/// kernels (old and new) compute as a difference of O(1) terms, log Z_i + M_i − s_{y_i}, and so
/// hold to ~1e-14 absolute, not relative (main's kernel: 5e-8 relative at a loss of 6e-7 in the
/// hand-made case below; this one 2e-8).
fn max_rel(v: &[f64], want: &[f64]) -> f64 {
    v.iter().zip(want).map(|(a, b)| (a - b).abs() / b.abs().max(1e-3)).fold(0.0, f64::max)
}

fn range(v: &[f64]) -> f64 {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    hi - lo
}

/// plane = plane_direct to 1e-9 relative, picture within 1e-3 of the range (a quarter of one
/// of the heat map's 255 colour steps), all finite.
fn check(l: &Landscape, span: f64, size: usize, what: &str) {
    let plane = l.plane(span, size);
    let direct = l.plane_direct(span, size);
    assert!(plane.iter().all(|v| v.is_finite()), "{what}: plane({span}, {size}) not finite");
    let rel = max_rel(&plane, &direct);
    assert!(rel <= 1e-9, "{what}: plane({span}, {size}) vs direct: max relative {rel:e}");
    let pic = l.picture_rows(span, size, 0..size);
    assert!(pic.iter().all(|v| v.is_finite()), "{what}: picture({span}, {size}) not finite");
    let err = pic.iter().zip(&plane).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let r = range(&plane);
    assert!(err <= 1e-3 * r || err == 0.0, "{what}: picture({span}, {size}) off by {err:e}, range {r:e}");
}

#[test]
fn hand_made_planes_at_every_small_size_and_around_the_lane_groups() {
    let c = hand(LossKind::Softmax);
    let l = Landscape::new(&c, 3, false);
    for size in (1..=20).chain([23, 24, 25, 31, 32, 33, 40, 47, 48, 49]) {
        for span in [0.5, 3.0, 40.0] {
            check(&l, span, size, "hand");
        }
    }
    // a 1 × 1 plane is the loss at W0; a 2-point line its two ends
    assert!((l.plane(1.0, 1)[0] - l.loss_at(0.0, 0.0)).abs() <= 1e-12 * l.loss_at(0.0, 0.0));
    let two = l.line(2.0, 2);
    assert!(max_rel(&two, &[l.loss_at(-2.0, 0.0), l.loss_at(2.0, 0.0)]) <= 1e-9);
}

#[test]
fn f32_tiles_are_cut_where_scores_move_far_and_stay_within_range() {
    // scores in the tens to thousands across the grid: the f64 plane's tiles (≤ 300) are cut
    // into many at the widest, some narrower than a group; the picture goes down its quadtree
    for (scale, span, size) in [(1.0, 5.0, 33), (5.0, 50.0, 17), (0.1, 1000.0, 17), (50.0, 1.0, 24), (3.0, 20.0, 64)] {
        let c = classifier(Dataset::spiral(20, 3, 1).unwrap(), LossKind::Softmax, 0.0, 4, scale);
        let l = Landscape::new(&c, 9, false);
        check(&l, span, size, &format!("spiral scale {scale}"));
    }
}

#[test]
fn digits_planes_and_pictures() {
    let c = classifier(Dataset::digits(), LossKind::Softmax, 0.0, 1, 1e-3);
    for (seed, normalize) in [(2, false), (5, true)] {
        let l = Landscape::new(&c, seed, normalize);
        for (span, size) in [(1.0, 64), (10.0, 33)] {
            check(&l, span, size, "digits");
        }
    }
    // the page's defaults (W = 0.01·N(0, 1), span 3): the picture sums in f32
    let c = classifier(Dataset::digits(), LossKind::Softmax, 0.0, 1, 0.01);
    let l = Landscape::new(&c, 2, false);
    assert!(l.picture_in_f32(3.0, 64));
    check(&l, 3.0, 64, "digits, page defaults");
    // a trained-looking W (larger scores) with regularisation
    let c = classifier(small_digits(400), LossKind::Softmax, 0.01, 7, 0.3);
    let l = Landscape::downhill(&c, 3);
    check(&l, 2.0, 40, "digits head, downhill");
}

#[test]
fn csv_at_the_caps() {
    // 5000 × 60, 10 classes: the largest CSV the page loads (also 1900 × 256)
    for (n, d) in [(5000usize, 60usize), (1900, 256)] {
        let mut rng = Rng::new(11);
        let mut x = vec![0.0; n * d];
        rng.fill_normal(&mut x, 1.0);
        let y: Vec<usize> = (0..n).map(|i| (i * 7 + i / 13) % 10).collect();
        let data = Dataset::from_arrays(&x, &y, d, 10, "caps").unwrap();
        let c = classifier(data, LossKind::Softmax, 0.0, 2, 0.05);
        let l = Landscape::new(&c, 4, false);
        check(&l, 1.0, 24, &format!("CSV {n} × {d}"));
    }
}

#[test]
fn extreme_spans_stay_finite_and_exact() {
    let c = classifier(Dataset::spiral(15, 3, 2).unwrap(), LossKind::Softmax, 0.001, 3, 1.0);
    let l = Landscape::new(&c, 1, false);
    for span in [MIN_SPAN, 1e-8, 1e3, MAX_SPAN] {
        for size in [1, 2, 9, 17] {
            check(&l, span, size, "spiral, extreme span");
            assert!(l.line(span, size).iter().all(|v| v.is_finite()));
        }
    }
}

#[test]
fn rows_computed_apart_equal_the_whole_bit_for_bit() {
    let c = classifier(Dataset::spiral(20, 3, 1).unwrap(), LossKind::Softmax, 0.0, 4, 3.0);
    let l = Landscape::new(&c, 9, false);
    for span in [1.0, 20.0] {
        let size = 37;
        let (plane, pic) = (l.plane(span, size), l.picture_rows(span, size, 0..size));
        for (a, b) in [(0, 1), (5, 9), (11, 12), (20, 37)] {
            assert_eq!(l.plane_rows(span, size, a..b), plane[a * size..b * size], "plane rows {a}..{b}, span {span}");
            assert_eq!(l.picture_rows(span, size, a..b), pic[a * size..b * size], "picture rows {a}..{b}, span {span}");
        }
    }
}

#[test]
fn a_flat_picture_falls_back_to_f64() {
    // W = 0 and directions so small that the plane is flat to ~1e-12: f32 sums could not
    // resolve it, so the picture is the f64 plane
    let data = Rc::new(Dataset::spiral(10, 3, 1).unwrap());
    let c = Classifier::new(data, lossland::loss::Hyper { kind: LossKind::Softmax, reg: 0.0, delta: 1.0 });
    let l = Landscape::new(&c, 2, false);
    let (plane, pic) = (l.plane(1e-12, 16), l.picture_rows(1e-12, 16, 0..16));
    assert_eq!(plane, pic);
}

#[test]
fn svm_picture_is_the_plane() {
    let c = classifier(Dataset::spiral(20, 3, 1).unwrap(), LossKind::Svm, 0.0, 4, 1.0);
    let l = Landscape::new(&c, 9, false);
    assert_eq!(l.picture_rows(2.0, 21, 3..8), l.plane_rows(2.0, 21, 3..8));
}

#[test]
fn peak_rates_are_finite_and_positive() {
    for r in [lossland::peak::madd_rate_f64(5.0), lossland::peak::madd_rate_f32(5.0), lossland::peak::exp_rate(5.0)] {
        assert!(r.is_finite() && r > 1e6, "rate {r}");
    }
}
