//! The softmax picture (`Landscape::picture_rows`: f32 sums, colour only) at the spans of a
//! drag and far beyond, where its rectangles go from the plane kernel's tiles to quadtree leaves
//! that are clean (one class, no exp), geometric sums, or per point:
//!
//! * against a direct f64 loop written here (W = W0 + a·W1 + b·W2, scores X·Wᵀ, log-sum-exp
//!   with the largest score taken out), independent of the landscape's cached scores and of
//!   both kernels: within 1e-3 of the grid's range (a quarter of one of the heat map's 255 colour
//!   steps), spans 1, 3, 8 and 200, on the spiral, the
//!   digits and two seeded CSVs (features ≈ N(0, 1) like the bench's, and unstandardised 0–16);
//! * the page's grid (64²) against `plane_direct` at spans 3 and 8;
//! * rows computed apart equal the whole picture bit for bit, whichever kind of rectangle;
//! * extreme spans give finite values;
//! * the f32x4 exp the per-point leaves use, against f64's exp.

mod common;

use common::classifier;
use lossland::data::Dataset;
use lossland::landscape::{axis, Landscape};
use lossland::limits::{MAX_SPAN, MIN_SPAN};
use lossland::loss::LossKind;
use lossland::simd::{exp_f32x4, F32x4, Lanes};

/// L(W0 + a·W1 + b·W2) at every grid point, row ↔ b, column ↔ a, straight from the data and
/// the three matrices: per example s = W·x, L_i = m + ln Σ_j e^{s_j − m} − s_{y_i} (m = max_j s_j).
fn direct(l: &Landscape, span: f64, size: usize) -> Vec<f64> {
    let ax = axis(span, size);
    let (x, y) = (&l.data.xa, &l.data.y);
    let (n, d1) = x.dim();
    let c = l.w[0].nrows();
    let mut out = Vec::with_capacity(size * size);
    let mut s = vec![0.0; c];
    for &b in &ax {
        for &a in &ax {
            let w = &l.w[0] + &(&l.w[1] * a) + &(&l.w[2] * b);
            let mut sum = 0.0;
            for i in 0..n {
                for (j, sj) in s.iter_mut().enumerate() {
                    *sj = (0..d1).map(|k| w[[j, k]] * x[[i, k]]).sum();
                }
                let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = s.iter().map(|v| (v - m).exp()).sum();
                sum += m + z.ln() - s[y[i]];
            }
            out.push(sum / n as f64 + l.hyper.reg * w.iter().map(|v| v * v).sum::<f64>());
        }
    }
    out
}

fn range(v: &[f64]) -> f64 {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    hi - lo
}

/// The picture within 1e-3 of `want`'s range, everywhere finite (a flat grid, range ~0, is the
/// f64 plane: then within its rounding, 1e-12 of the values).
fn within(l: &Landscape, span: f64, size: usize, want: &[f64], what: &str) {
    let pic = l.picture_rows(span, size, 0..size);
    assert!(pic.iter().all(|v| v.is_finite()), "{what}: picture({span}, {size}) not finite");
    let err = pic.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let r = range(want);
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(err <= 1e-3 * r || err <= 1e-12 * scale, "{what}: picture({span}, {size}) off by {err:e}, range {r:e} ({:e} of it)", err / r);
}

/// N × D seeded features: `kind` 0 ≈ N(0, 1) (a sum of three uniforms, as bench/bench.mjs's
/// CSVs), 1 whole numbers 0–16 (unstandardised, like a digits-style CSV); 10 classes.
fn seeded(n: usize, d: usize, seed: u32, kind: u8) -> Dataset {
    seeded_classes(n, d, seed, kind, 10)
}

/// [`seeded`] with `classes` classes.
fn seeded_classes(n: usize, d: usize, seed: u32, kind: u8, classes: usize) -> Dataset {
    let mut s = seed;
    let mut u = move || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        s as f64 / 4_294_967_296.0
    };
    let mut x = vec![0.0; n * d];
    for v in x.iter_mut() {
        *v = if kind == 0 { (u() + u() + u() - 1.5) * 2.0 } else { (u() * 17.0).floor() };
    }
    let y: Vec<usize> = (0..n).map(|_| (u() * classes as f64) as usize).collect();
    Dataset::from_arrays(&x, &y, d, classes, "seeded").expect("valid")
}

/// The page's defaults: W = 0.01·N(0, 1), directions N(0, 1), not normalised.
fn page(data: Dataset, reg: f64) -> Landscape {
    Landscape::new(&classifier(data, LossKind::Softmax, reg, 1, 0.01), 2, false)
}

#[test]
fn picture_against_a_direct_f64_loop() {
    let sets = [
        ("spiral", Dataset::spiral(30, 3, 1).unwrap(), 0.001),
        ("digits", Dataset::digits(), 0.0),
        ("CSV ≈ N(0, 1)", seeded(1500, 60, 7, 0), 0.0),
        ("CSV 0–16", seeded(800, 60, 9, 1), 0.0),
    ];
    for (name, data, reg) in sets {
        let l = page(data, reg);
        for span in [1.0, 3.0, 8.0, 200.0] {
            let size = 17;
            let want = direct(&l, span, size);
            // the reference itself agrees with the exact f64 plane
            let plane = l.plane(span, size);
            let rel = plane.iter().zip(&want).map(|(a, b)| (a - b).abs() / b.abs().max(1e-3)).fold(0.0, f64::max);
            assert!(rel <= 1e-9, "{name}: plane vs direct {rel:e} at span {span}");
            within(&l, span, size, &want, name);
        }
    }
}

#[test]
fn the_page_grid_at_drag_spans() {
    for (name, data) in [("digits", Dataset::digits()), ("CSV ≈ N(0, 1)", seeded(2000, 60, 7, 0)), ("CSV 0–16", seeded(600, 60, 9, 1))] {
        let l = page(data, 0.0);
        for span in [3.0, 8.0] {
            within(&l, span, 64, &l.plane_direct(span, 64), name);
        }
    }
}

#[test]
fn rows_computed_apart_equal_the_whole_picture_bit_for_bit() {
    // the spiral at small spans (tiles), the 0–16 CSV (quadtree: clean, geometric and per-point
    // leaves), span 200 (per-point leaves nearly everywhere), a size that is no multiple of 4
    for (name, data) in [("spiral", Dataset::spiral(20, 3, 1).unwrap()), ("digits", Dataset::digits()), ("CSV 0–16", seeded(400, 60, 9, 1))] {
        let l = page(data, 0.0);
        for (span, size) in [(1.0, 64), (3.0, 64), (8.0, 64), (200.0, 64), (8.0, 37)] {
            let whole = l.picture_rows(span, size, 0..size);
            for (a, b) in [(0, 1), (1, 5), (5, 13), (13, 30), (30, size)] {
                assert_eq!(l.picture_rows(span, size, a..b), whole[a * size..b * size], "{name}: rows {a}..{b}, span {span}, size {size}");
            }
        }
    }
}

#[test]
fn a_picture_run_in_example_pieces_equals_the_whole_picture_bit_for_bit() {
    // the page's drag computes a grid a few examples at a time (picture_run): whatever the
    // pieces, the same numbers as picture_rows of every row
    for (name, data) in [("spiral", Dataset::spiral(20, 3, 1).unwrap()), ("digits", Dataset::digits()), ("CSV 0–16", seeded(400, 60, 9, 1))] {
        let l = page(data, 0.0);
        let n = l.data.len();
        for (span, size) in [(1.0, 64), (3.0, 64), (8.0, 64), (200.0, 64), (8.0, 37)] {
            let whole = l.picture_rows(span, size, 0..size);
            for piece in [1, 7, 64, n - 1, n, n + 5] {
                let mut run = l.picture_run(span, size).expect("softmax: a picture run");
                let mut left = n;
                let mut steps = 0;
                while left > 0 && steps < 3 {
                    let now = l.picture_run_step(&mut run, piece);
                    assert_eq!(now, left.saturating_sub(piece), "{name}: examples left after a piece of {piece}");
                    left = now;
                    steps += 1;
                }
                // the rest, if any, comes in with the finish
                let got = l.picture_run_finish(run).expect("not flat");
                assert_eq!(got, whole, "{name}: pieces of {piece} examples, span {span}, size {size}");
            }
        }
    }
    // where the f32 sums are too flat for the colour, the run says so (None) and picture_rows
    // is the f64 plane; the SVM has no run (its f64 rows are cheap)
    let l = page(Dataset::spiral(15, 3, 2).unwrap(), 0.001);
    let run = l.picture_run(MIN_SPAN, 9).expect("softmax");
    assert!(l.picture_run_finish(run).is_none(), "a grid of range ~0 is too flat for f32 sums");
    assert_eq!(l.picture_rows(MIN_SPAN, 9, 0..9), l.plane_rows(MIN_SPAN, 9, 0..9));
    let svm = Landscape::new(&classifier(Dataset::spiral(15, 3, 2).unwrap(), LossKind::Svm, 0.001, 1, 0.01), 2, false);
    assert!(svm.picture_run(3.0, 16).is_none());
}

#[test]
fn pictures_one_span_after_another_equal_a_fresh_landscapes_bit_for_bit() {
    // a span drag asks for a new grid spacing at every grid: the ratios e^{Δ·s1}, e^{Δ·s2} kept
    // for one Δ (made per example when its rectangles first need them) must never serve another
    // Δ, nor go missing for examples an f64 plane, a piece of a run or a run of other rows left
    // out. Each picture is compared with that of a landscape made afresh for it
    for (name, data) in [("spiral", Dataset::spiral(20, 3, 1).unwrap()), ("digits", Dataset::digits()), ("CSV ≈ N(0, 1)", seeded(300, 60, 7, 0))] {
        let make = || page(data.clone(), 0.0);
        let l = make();
        let n = l.data.len();
        for (k, span) in [1.0, 3.0, 1.0, 3.25, 8.0, 3.0, 1.0].into_iter().enumerate() {
            let want = make().picture_rows(span, 64, 0..64);
            let got = match k % 3 {
                0 => l.picture_rows(span, 64, 0..64),
                1 => {
                    // a run in pieces, then rows apart (the same Δ, the cache half made)
                    let mut run = l.picture_run(span, 64).expect("a run");
                    l.picture_run_step(&mut run, n / 3);
                    let whole = l.picture_run_finish(run).expect("not flat");
                    assert_eq!(l.picture_rows(span, 64, 20..40), whole[20 * 64..40 * 64], "{name}: rows apart at span {span}");
                    whole
                }
                _ => {
                    // the f64 plane first (it makes every example's ratios of its own Δ)
                    let _ = l.plane(span, 64);
                    l.picture_rows(span, 64, 0..64)
                }
            };
            assert_eq!(got, want, "{name}: picture {k} at span {span}");
        }
    }
}

#[test]
fn extreme_spans_give_finite_pictures_within_range() {
    for (name, data) in [("spiral", Dataset::spiral(15, 3, 2).unwrap()), ("CSV 0–16", seeded(200, 60, 9, 1))] {
        let l = page(data, 0.001);
        for span in [MIN_SPAN, 1e-8, 1e3, MAX_SPAN] {
            // 64: the page's grid, where fast-moving examples are swept row by row
            for size in [1, 2, 9, 17, 64] {
                within(&l, span, size, &l.plane_direct(span, size), name);
            }
        }
    }
}

#[test]
fn f32x4_exp_against_f64() {
    // x rounded to f32 first (the argument the lanes hold): the error is the algorithm's
    let mut worst = 0.0f64;
    for k in 0..=17_500 {
        let x = -87.0 + k as f64 * 0.01;
        let xs = x as f32 as f64;
        let e = exp_f32x4(F32x4::from_fn(|l| xs + l as f64 * 0.0)).lane(0);
        worst = worst.max((e - xs.exp()).abs() / xs.exp());
    }
    assert!(worst <= 4e-7, "exp_f32x4 relative error {worst:e}");
    let v = exp_f32x4(F32x4::from_fn(|l| [0.0, -1000.0, 1000.0, -17.0][l]));
    assert_eq!(v.lane(0), 1.0);
    assert!(v.lane(1) > 0.0 && v.lane(1) <= 2e-38, "clamped below: {}", v.lane(1));
    assert!(v.lane(2).is_finite() && v.lane(2) >= 1e38, "clamped above: {}", v.lane(2));
    assert!((v.lane(3) - (-17.0f64).exp()).abs() <= 4e-7 * (-17.0f64).exp());
}

/// The picture with its fast-moving examples swept row by row (the default) and down the
/// quadtree, against the f64 plane.
fn both_ways(l: &Landscape, span: f64, size: usize, what: &str) -> (Vec<f64>, Vec<f64>) {
    let want = l.plane(span, size);
    let swept = l.picture_rows(span, size, 0..size);
    l.set_picture_quadtree(true);
    let tree = l.picture_rows(span, size, 0..size);
    l.set_picture_quadtree(false);
    within(l, span, size, &want, what);
    let r = range(&want);
    let err = |p: &[f64]| p.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) / r;
    // the sweep leaves out no more than the quadtree: within a few times its error (both
    // inside the colour's 1e-3)
    assert!(err(&swept) <= 4.0 * err(&tree) + 1e-7, "{what}: span {span}: swept off by {:e} of the range, the quadtree {:e}", err(&swept), err(&tree));
    (swept, tree)
}

#[test]
fn the_row_sweep_against_the_f64_plane_and_the_quadtree() {
    // the 0–16 CSV's examples move fast at the drag's spans and beyond: the sweep takes them
    // (its sums round differently from the quadtree's: the pictures differ in the last bits)
    let l = page(seeded(600, 60, 9, 1), 0.0);
    for span in [3.0, 8.0, 30.0, 200.0] {
        let (swept, tree) = both_ways(&l, span, 64, "CSV 0–16");
        assert_ne!(swept, tree, "span {span}: the sweep was not used");
    }
    // two classes with the same scores everywhere (equal rows of W0, W1, W2): their lines are
    // parallel, one stands for both on the envelope and the other is within reach at every
    // point (the pair adds ln 2 wherever they lead)
    let clf = classifier(seeded(300, 60, 5, 1), LossKind::Softmax, 0.0, 1, 0.01);
    let mut rng = lossland::rng::Rng::new(4);
    let mut w = [clf.w.clone(), clf.w.clone(), clf.w.clone()];
    for m in &mut w[1..] {
        rng.fill_normal(m.as_slice_mut().unwrap(), 1.0);
    }
    for m in &mut w {
        let row = m.row(3).to_owned();
        m.row_mut(7).assign(&row);
    }
    let [w0, w1, w2] = w;
    let twin = Landscape::with_directions(&clf, w0, w1, w2);
    for span in [3.0, 8.0] {
        let (swept, tree) = both_ways(&twin, span, 64, "twin classes");
        assert_ne!(swept, tree, "twin classes, span {span}: the sweep was not used");
    }
}

#[test]
fn the_row_sweep_with_an_odd_count_of_classes() {
    // `phase_end` takes the classes off the envelope two at a time, an odd count padded with a
    // class that is never near it (cen −1e300, slopes 0): taken for a class, it would be read
    // past the example's C classes (before stop 21's fix, this test's 3- and 7-class pictures
    // panicked there) or end phases for nothing
    for classes in [3, 7] {
        let l = page(seeded_classes(400, 60, 11 + classes as u32, 1, classes), 0.0);
        for span in [3.0, 8.0] {
            let what = format!("{classes} classes");
            let (swept, tree) = both_ways(&l, span, 64, &what);
            assert_ne!(swept, tree, "{what}, span {span}: the sweep was not used");
            let apart: Vec<f64> = (0..64).step_by(16).flat_map(|r| l.picture_rows(span, 64, r..r + 16)).collect();
            assert_eq!(apart, swept, "{what}, span {span}: rows apart differ from the whole picture");
        }
    }
}

#[test]
fn the_row_sweep_where_every_class_has_the_same_slope_in_a() {
    // W1's rows all equal: along a row every class's score has the same slope, so the envelope
    // over every a is one line and has no kink; `phase_end` then checks the other classes at
    // the grid's first and last columns (with the envelope over every a, elsewhere only the
    // kinks are checked). W2 is large, so the classes overtake one another as b moves.
    let clf = classifier(seeded(300, 60, 6, 1), LossKind::Softmax, 0.0, 1, 0.01);
    let mut rng = lossland::rng::Rng::new(8);
    let (w0, mut w1, mut w2) = (clf.w.clone(), clf.w.clone(), clf.w.clone());
    rng.fill_normal(w1.as_slice_mut().unwrap(), 1.0);
    rng.fill_normal(w2.as_slice_mut().unwrap(), 1.0);
    let row = w1.row(0).to_owned();
    for mut r in w1.rows_mut() {
        r.assign(&row);
    }
    let flat = Landscape::with_directions(&clf, w0, w1, w2);
    for span in [3.0, 8.0] {
        let (swept, tree) = both_ways(&flat, span, 64, "one slope in a");
        assert_ne!(swept, tree, "one slope in a, span {span}: the sweep was not used");
    }
}

/// The heat map's colour of `v` between `lo` and `hi` as an index into its 256-entry table:
/// round(255·t), t = (v − lo)/(hi − lo) clamped to [0, 1] (`render::heatmap::color_of`).
fn colour_index(v: f64, lo: f64, hi: f64) -> i64 {
    (((v - lo) / (hi - lo)).clamp(0.0, 1.0) * 255.0).round() as i64
}

/// The page bench's CSV (bench/lib/csv.mjs `csvArrays`), `n` rows: 60 whole-number features
/// 0–16, a bump of 5 on 3 in 11 of them (which ones depending on the class), labels i mod 10.
fn page_csv(n: usize) -> Dataset {
    let d = 60;
    let mut s = 7u32;
    let mut u = move || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        s as f64 / 4_294_967_296.0
    };
    let y: Vec<usize> = (0..n).map(|i| i % 10).collect();
    let mut x = vec![0.0; n * d];
    for i in 0..n {
        for j in 0..d {
            let bump = if (j * 7 + y[i] * 3) % 11 < 3 { 5.0 } else { 0.0 };
            x[i * d + j] = (u() * 12.0 + bump).floor().min(16.0);
        }
    }
    Dataset::from_arrays(&x, &y, d, 10, "page CSV").expect("valid")
}

#[test]
fn every_cells_colour_is_the_f64_planes_or_the_next_one_in_the_table() {
    // Coloured as the page colours them: the f64 plane between its least and greatest values;
    // the picture between the f64 losses at its own darkest and brightest cells
    // (www/js/lib/jobs.js `extremes`). The picture may be 1e-3 of the range off, a quarter of a
    // step of the table; ends taken from other cells can add to that, so the bound is one step,
    // and most cells must be the same colour. The page bench's CSV at span 3 and beyond has
    // ranges in the hundreds, where γ goes down to 3–4.
    let sets = [
        ("digits", Dataset::digits()),
        ("page CSV", page_csv(1500)),
        ("CSV ≈ N(0, 1)", seeded(1500, 60, 7, 0)),
        ("CSV 0–16", seeded(800, 60, 9, 1)),
    ];
    let (mut cells, mut moved) = (0usize, 0usize);
    for (name, data) in sets {
        let l = Landscape::new(&classifier(data, LossKind::Softmax, 0.0, 1, 0.01), 500, false);
        for span in [1.0, 3.0, 8.0, 30.0] {
            let plane = l.plane(span, 64);
            let pic = l.picture_rows(span, 64, 0..64);
            // the f32 sums, not the f64 plane they fall back to where a grid is too flat
            assert_ne!(pic, plane, "{name}, span {span}: the picture is the f64 plane");
            let (lo, hi) = plane.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            let dark = (0..pic.len()).fold(0, |m, i| if pic[i] < pic[m] { i } else { m });
            let bright = (0..pic.len()).fold(0, |m, i| if pic[i] > pic[m] { i } else { m });
            let (plo, phi) = (plane[dark], plane[bright]);
            let mut here = 0;
            for (&p, &f) in pic.iter().zip(&plane) {
                let d = (colour_index(p, plo, phi) - colour_index(f, lo, hi)).abs();
                assert!(d <= 1, "{name}, span {span}: a cell {d} colours away (picture {p}, plane {f}, range {lo}..{hi})");
                here += usize::from(d != 0);
            }
            assert!(here * 10 <= pic.len(), "{name}, span {span}: {here} of {} cells a colour away", pic.len());
            (cells, moved) = (cells + pic.len(), moved + here);
        }
    }
    eprintln!("{moved} of {cells} cells one colour away from the f64 plane's");
}

#[test]
fn rectangles_bounded_two_classes_at_a_time_give_the_picture_of_one_by_one_bit_for_bit() {
    // `keep_all` in f64x2 lanes (an even C up to 64) against class by class: the same leader
    // (the first of the highest lower ends), the same classes kept, the same bounds; the spiral
    // with 4 and 6 classes, the digits, an N(0, 1) CSV and a standardised-like 0–16 one, at
    // spans where tiles, geometric sums and quadtree leaves all occur, with and without reg
    let std016 = {
        let raw = seeded(600, 40, 21, 1);
        let (n, d) = (raw.len(), raw.xa.ncols() - 1);
        let mut x: Vec<f64> = (0..n).flat_map(|i| (0..d).map(move |k| (i, k))).map(|(i, k)| raw.xa[[i, k]]).collect();
        for k in 0..d {
            let m = (0..n).map(|i| x[i * d + k]).sum::<f64>() / n as f64;
            let sd = ((0..n).map(|i| (x[i * d + k] - m).powi(2)).sum::<f64>() / n as f64).sqrt();
            for i in 0..n {
                x[i * d + k] = (x[i * d + k] - m) / sd;
            }
        }
        Dataset::from_arrays(&x, &raw.y, d, 10, "standardised").expect("valid")
    };
    let sets = [
        ("spiral, 4 classes", Dataset::spiral(30, 4, 1).unwrap()),
        ("spiral, 6 classes", Dataset::spiral(20, 6, 2).unwrap()),
        ("digits", Dataset::digits()),
        ("CSV ≈ N(0, 1)", seeded(800, 60, 7, 0)),
        ("CSV 0–16 standardised", std016),
    ];
    for (name, data) in sets {
        for reg in [0.0, 0.01] {
            let l = page(data.clone(), reg);
            for (span, size) in [(0.5, 64), (3.0, 64), (8.0, 64), (30.0, 37)] {
                let lanes = l.picture_rows(span, size, 0..size);
                l.set_picture_keep_one_by_one(true);
                let one = l.picture_rows(span, size, 0..size);
                l.set_picture_keep_one_by_one(false);
                assert!(lanes.iter().zip(&one).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}, reg {reg}: span {span}, size {size}");
                assert_ne!(lanes, l.plane(span, size), "{name}, reg {reg}, span {span}: the f32 picture was not used");
            }
        }
    }
}
