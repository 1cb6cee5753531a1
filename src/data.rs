//! Data sets: a fixed toy set, the CS231n spiral, the 8×8 digits, Fisher's iris, and
//! caller-supplied arrays; plus seeded mini-batch sampling.
//!
//! Every data set is stored with the bias trick already applied: `xa` is N × (D + 1) and
//! its last column is all ones, so the scores of a linear classifier are `s = W·[x; 1]`.

use crate::jsnum::js_number;
use crate::limits;
use crate::rng::Rng;
use ndarray::Array2;

// DIGITS_LEN and DIGITS_FNV1A: the length and hash of build.rs's digits.bin
include!(concat!(env!("OUT_DIR"), "/digits_sum.rs"));

/// data/digits.csv packed by build.rs, for the native tests and benches ([`Dataset::digits`]).
/// The wasm facade never uses it, so the linker leaves it out of the shipped wasm, ~40 KB of
/// gzip smaller (tests/js/digits.test.mjs checks that no run of it is there): the page fetches
/// the same bytes as pkg/digits.bin when a learner first picks the digits.
pub const DIGITS_PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/digits.bin"));

/// 64-bit FNV-1a (Fowler, Noll, Vo), the hash build.rs writes as DIGITS_FNV1A.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

/// A labelled classification data set, stored bias-augmented.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// N × (D + 1), row-major; column D is the constant 1 of the bias trick.
    pub xa: Array2<f64>,
    /// N labels, each in 0..classes.
    pub y: Vec<usize>,
    /// Number of classes C.
    pub classes: usize,
    /// A short name ("toy", "spiral", "digits", "iris", "custom").
    pub name: String,
    /// The data arranged for full-batch products, shared by every classifier on this data set
    /// ([`crate::loss::Classifier::design`]); weak, so it goes with the last of them.
    pub(crate) design: std::cell::RefCell<std::rc::Weak<crate::design::Design>>,
}

impl Dataset {
    /// Builds a data set from N × D row-major features and N labels.
    /// Errors name the offending argument and the allowed range.
    pub fn from_arrays(
        features: &[f64],
        labels: &[usize],
        dims: usize,
        classes: usize,
        name: &str,
    ) -> Result<Dataset, String> {
        if dims == 0 || dims > limits::MAX_DIMS {
            return Err(format!("dims must be an integer in 1..={}, got {dims}", limits::MAX_DIMS));
        }
        if classes < 2 || classes > limits::MAX_CLASSES {
            return Err(format!("classes must be an integer in 2..={}, got {classes}", limits::MAX_CLASSES));
        }
        let n = labels.len();
        if n == 0 || n > limits::MAX_EXAMPLES {
            return Err(format!("labels must hold 1..={} examples, got {n}", limits::MAX_EXAMPLES));
        }
        if n.checked_mul(dims).map_or(true, |v| v > limits::MAX_VALUES) {
            return Err(format!("features must hold at most {} values (examples × dims)", limits::MAX_VALUES));
        }
        if features.len() != n * dims {
            return Err(format!(
                "features must have labels.length × dims = {} × {} = {} values, got {}",
                n,
                dims,
                n * dims,
                features.len()
            ));
        }
        if classes * (dims + 1) > limits::MAX_WEIGHTS {
            return Err(format!(
                "classes × (dims + 1) must be at most {}, got {}",
                limits::MAX_WEIGHTS,
                classes * (dims + 1)
            ));
        }
        if let Some(i) = features.iter().position(|v| !v.is_finite()) {
            return Err(format!("features[{i}] must be a finite number, got {}", js_number(features[i])));
        }
        if let Some(i) = features.iter().position(|v| v.abs() > 1e100) {
            return Err(format!("features[{i}] must lie in [-1e+100, 1e+100], got {}", js_number(features[i])));
        }
        if let Some(i) = labels.iter().position(|&l| l >= classes) {
            return Err(format!("labels[{i}] must be in 0..{}, got {}", classes, labels[i]));
        }
        let mut xa = Array2::<f64>::ones((n, dims + 1));
        for i in 0..n {
            for k in 0..dims {
                xa[[i, k]] = features[i * dims + k];
            }
        }
        Ok(Dataset { xa, y: labels.to_vec(), classes, name: name.to_string(), design: Default::default() })
    }

    /// Number of examples N.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Number of features D (without the bias column).
    pub fn dims(&self) -> usize {
        self.xa.ncols() - 1
    }

    /// The features without the bias column, N × D row-major.
    pub fn features(&self) -> Vec<f64> {
        let d = self.dims();
        let mut out = Vec::with_capacity(self.len() * d);
        for row in self.xa.rows() {
            out.extend(row.iter().take(d));
        }
        out
    }

    /// The toy set: 2-D points, 3 classes, 3 points each (9 examples, so W is 3 × 3).
    /// Seed 0 gives the fixed points; any other seed jitters them by N(0, 0.05²).
    pub fn toy(seed: u64) -> Dataset {
        // Three clusters around three directions, in the spirit of the CS231n
        // linear-classification demo.
        const POINTS: [([f64; 2], usize); 9] = [
            ([0.5, 0.4], 0),
            ([0.8, 0.3], 0),
            ([0.3, 0.8], 0),
            ([-0.4, 0.3], 1),
            ([-0.3, 0.7], 1),
            ([-0.7, 0.2], 1),
            ([0.7, -0.4], 2),
            ([0.5, -0.6], 2),
            ([-0.4, -0.5], 2),
        ];
        let mut rng = Rng::new(seed);
        let mut f = Vec::with_capacity(18);
        let mut y = Vec::with_capacity(9);
        for (p, label) in POINTS {
            for v in p {
                let jitter = if seed == 0 { 0.0 } else { 0.05 * rng.normal() };
                f.push(v + jitter);
            }
            y.push(label);
        }
        Dataset::from_arrays(&f, &y, 2, 3, "toy").expect("toy data is valid")
    }

    /// The CS231n spiral: for class j, radius r = linspace(0, 1, P) and angle
    /// t = linspace(4j, 4(j + 1), P) + 0.2·N(0, 1); the point is (r·sin t, r·cos t).
    pub fn spiral(points_per_class: usize, classes: usize, seed: u64) -> Result<Dataset, String> {
        if points_per_class == 0 || points_per_class > limits::MAX_POINTS_PER_CLASS {
            return Err(format!(
                "pointsPerClass must be an integer in 1..={}, got {points_per_class}",
                limits::MAX_POINTS_PER_CLASS
            ));
        }
        if !(2..=limits::MAX_CLASSES).contains(&classes) {
            return Err(format!("classes must be an integer in 2..={}, got {classes}", limits::MAX_CLASSES));
        }
        if points_per_class * classes > limits::MAX_EXAMPLES {
            return Err(format!(
                "pointsPerClass × classes must be at most {}, got {}",
                limits::MAX_EXAMPLES,
                points_per_class * classes
            ));
        }
        let mut rng = Rng::new(seed);
        let p = points_per_class;
        let mut f = Vec::with_capacity(p * classes * 2);
        let mut y = Vec::with_capacity(p * classes);
        for j in 0..classes {
            for i in 0..p {
                let frac = if p == 1 { 0.0 } else { i as f64 / (p - 1) as f64 };
                let r = frac;
                let t = 4.0 * j as f64 + 4.0 * frac + 0.2 * rng.normal();
                f.push(r * t.sin());
                f.push(r * t.cos());
                y.push(j);
            }
        }
        Dataset::from_arrays(&f, &y, 2, classes, "spiral")
    }

    /// The 8×8 handwritten digits (1797 × 64, 10 classes; features pixel / 16) from `bytes`,
    /// data/digits.csv as build.rs packs it (OUT_DIR/digits.bin, shipped to the web page as
    /// pkg/digits.bin): [n: u16 LE][n labels][64·n pixels, pixel by pixel, two 4-bit values per
    /// byte, high nibble first, 16 stored as 15][a bit per stored 15, most significant first:
    /// set when it is 16]. Bytes of another length or content than this build's file (a stale
    /// or damaged download) are refused, not read as other digits.
    pub fn digits_from(bytes: &[u8]) -> Result<Dataset, String> {
        if bytes.len() != DIGITS_LEN {
            return Err(format!("bytes must be the {DIGITS_LEN} bytes of digits.bin, got {}", bytes.len()));
        }
        if fnv1a(bytes) != DIGITS_FNV1A {
            return Err(format!("bytes must be this build's digits.bin: {DIGITS_LEN} bytes of the right length but other content"));
        }
        let n = u16::from_le_bytes([bytes[0], bytes[1]]) as usize;
        let y: Vec<usize> = bytes[2..2 + n].iter().map(|&l| l as usize).collect();
        let nib = &bytes[2 + n..2 + n + (64 * n).div_ceil(2)];
        let bits = &bytes[2 + n + (64 * n).div_ceil(2)..];
        let mut f = vec![0.0; n * 64];
        let mut top = 0; // index of the next bit
        for idx in 0..64 * n {
            let byte = nib[idx / 2];
            let mut v = if idx % 2 == 0 { byte >> 4 } else { byte & 15 };
            if v == 15 {
                v += (bits[top / 8] >> (7 - top % 8)) & 1;
                top += 1;
            }
            // idx runs pixel by pixel: pixel idx / n of example idx % n
            f[(idx % n) * 64 + idx / n] = v as f64 / 16.0;
        }
        Dataset::from_arrays(&f, &y, 64, 10, "digits")
    }

    /// The digits from the embedded bytes ([`DIGITS_PACKED`]): native code and tests only (the
    /// wasm facade takes the bytes from JS instead, see `web::Dataset::digits`).
    pub fn digits() -> Dataset {
        Dataset::digits_from(DIGITS_PACKED).expect("the embedded digits.bin is this build's")
    }

    /// Fisher's iris (150 × 4, 3 classes), features in cm as measured.
    pub fn iris() -> Dataset {
        // 150 rows of 5 bytes: the 4 lengths in tenths of a cm, then the label, packed from
        // data/iris.csv by build.rs
        const PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/iris.bin"));
        let mut f = Vec::with_capacity(600);
        let mut y = Vec::with_capacity(150);
        for row in PACKED.chunks_exact(5) {
            f.extend(row[..4].iter().map(|&v| v as f64 / 10.0));
            y.push(row[4] as usize);
        }
        Dataset::from_arrays(&f, &y, 4, 3, "iris").expect("shipped iris data is valid")
    }
}

/// Draws a seeded mini-batch of `batch` distinct example indices (without replacement,
/// by a partial Fisher–Yates shuffle of `pool`, which must hold 0..N in any order).
pub fn sample_batch(rng: &mut Rng, pool: &mut [usize], batch: usize, out: &mut Vec<usize>) {
    let n = pool.len();
    let batch = batch.min(n);
    out.clear();
    for i in 0..batch {
        let j = i + rng.below(n - i);
        pool.swap(i, j);
        out.push(pool[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_equal_the_csv_value_for_value() {
        // the packed form (labels, pixel-major nibbles, a bit per 15/16) read back against the
        // text of data/digits.csv, every pixel and label
        let d = Dataset::digits();
        let text = include_str!("../data/digits.csv");
        let mut sixteens = 0;
        for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let v: Vec<u8> = line.split(',').map(|c| c.trim().parse().unwrap()).collect();
            for k in 0..64 {
                assert_eq!(d.xa[[i, k]], v[k] as f64 / 16.0, "row {i}, pixel {k}");
                sixteens += usize::from(v[k] == 16);
            }
            assert_eq!(d.y[i], v[64] as usize, "row {i}");
        }
        assert!(sixteens > 1000, "the file has many 16s: the 15/16 bit is exercised");
    }

    #[test]
    fn digits_from_refuses_other_bytes_naming_them() {
        // the length, then the content: a byte cut off, a byte added, one bit changed
        let e = Dataset::digits_from(&DIGITS_PACKED[1..]).unwrap_err();
        assert_eq!(e, format!("bytes must be the {} bytes of digits.bin, got {}", DIGITS_LEN, DIGITS_LEN - 1));
        let mut longer = DIGITS_PACKED.to_vec();
        longer.push(0);
        assert!(Dataset::digits_from(&longer).unwrap_err().starts_with("bytes must be the "));
        assert!(Dataset::digits_from(&[]).unwrap_err().ends_with("got 0"));
        let mut flipped = DIGITS_PACKED.to_vec();
        flipped[DIGITS_LEN / 2] ^= 1; // a pixel value: would read as another digit
        let e = Dataset::digits_from(&flipped).unwrap_err();
        assert!(e.starts_with("bytes must be this build's digits.bin"), "{e}");
        // the packed size: 2 + 1797 labels + 1797 · 64 / 2 nibble bytes + a bit per 15 or 16
        let text = include_str!("../data/digits.csv");
        let tops = text.split(|c| c == ',' || c == '\n').enumerate().filter(|(i, v)| i % 65 != 64 && (v.trim() == "15" || v.trim() == "16")).count();
        assert_eq!(DIGITS_LEN, 2 + 1797 + 1797 * 32 + tops.div_ceil(8));
    }

    #[test]
    fn fnv1a_matches_published_test_vectors() {
        // FNV-1a 64-bit: the offset basis for no bytes; "a" and "foobar" from the reference
        // test suite of Fowler, Noll and Vo
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn digits_shape_and_first_row() {
        let d = Dataset::digits();
        assert_eq!((d.len(), d.dims(), d.classes), (1797, 64, 10));
        // first row of the file: 0,0,5,13,9,1,0,0,... label 0
        assert_eq!(d.xa[[0, 2]], 5.0 / 16.0);
        assert_eq!(d.xa[[0, 3]], 13.0 / 16.0);
        assert_eq!(d.xa[[0, 64]], 1.0);
        assert_eq!(d.y[0], 0);
        assert_eq!(d.y[1], 1);
        // every class present
        for c in 0..10 {
            assert!(d.y.iter().filter(|&&l| l == c).count() > 150);
        }
        assert!(d.xa.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn iris_shape() {
        let d = Dataset::iris();
        assert_eq!((d.len(), d.dims(), d.classes), (150, 4, 3));
        assert_eq!(d.xa[[0, 0]], 5.1);
        assert_eq!(d.y.iter().filter(|&&l| l == 2).count(), 50);
    }

    #[test]
    fn toy_is_fixed_at_seed_zero_and_jittered_otherwise() {
        let a = Dataset::toy(0);
        assert_eq!((a.len(), a.dims(), a.classes), (9, 2, 3));
        assert_eq!(a.xa[[1, 0]], 0.8);
        let b = Dataset::toy(3);
        assert_ne!(b.xa[[1, 0]], 0.8);
        assert!((b.xa[[1, 0]] - 0.8).abs() < 0.3);
        assert_eq!(Dataset::toy(3).xa, b.xa);
    }

    #[test]
    fn spiral_follows_the_course_recipe() {
        let d = Dataset::spiral(100, 3, 0).unwrap();
        assert_eq!((d.len(), d.dims(), d.classes), (300, 2, 3));
        // the first point of each class sits at the origin (r = 0)
        assert_eq!(d.xa[[0, 0]], 0.0);
        assert_eq!(d.xa[[100, 1]], 0.0);
        // the last point of each class is at radius 1
        let r = (d.xa[[99, 0]].powi(2) + d.xa[[99, 1]].powi(2)).sqrt();
        assert!((r - 1.0).abs() < 1e-12);
        assert_eq!(Dataset::spiral(100, 3, 0).unwrap().xa, d.xa);
        assert_ne!(Dataset::spiral(100, 3, 1).unwrap().xa, d.xa);
    }

    #[test]
    fn from_arrays_rejects_bad_input_with_named_errors() {
        let e = Dataset::from_arrays(&[1.0, 2.0], &[0], 2, 1, "x").unwrap_err();
        assert!(e.contains("classes"), "{e}");
        let e = Dataset::from_arrays(&[1.0], &[0], 2, 2, "x").unwrap_err();
        assert!(e.contains("features") && e.contains("2"), "{e}");
        let e = Dataset::from_arrays(&[1.0, 2.0], &[5], 2, 2, "x").unwrap_err();
        assert!(e.contains("labels[0]"), "{e}");
        let e = Dataset::from_arrays(&[f64::NAN, 2.0], &[0], 2, 2, "x").unwrap_err();
        assert!(e.contains("features[0]"), "{e}");
        let e = Dataset::from_arrays(&[], &[], 2, 2, "x").unwrap_err();
        assert!(e.contains("labels"), "{e}");
    }

    #[test]
    fn batches_are_distinct_and_seeded() {
        let mut rng = Rng::new(1);
        let mut pool: Vec<usize> = (0..50).collect();
        let mut out = Vec::new();
        sample_batch(&mut rng, &mut pool, 20, &mut out);
        let mut s = out.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 20);
        let mut rng2 = Rng::new(1);
        let mut pool2: Vec<usize> = (0..50).collect();
        let mut out2 = Vec::new();
        sample_batch(&mut rng2, &mut pool2, 20, &mut out2);
        assert_eq!(out, out2);
    }
}
