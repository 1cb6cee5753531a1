//! Packs the shipped data sets into bytes, so the wasm carries neither their text nor the
//! code to parse decimals at run time (the CSV files stay the source):
//! * data/digits.csv (1797 rows of 64 pixel values 0..16 and a label): the 1797 labels (a byte
//!   each), then the pixels pixel by pixel (all examples' pixel 0, then pixel 1, …), two per
//!   byte (high nibble first; 15 and 16 are both stored as 15, and a bit per such pixel, in
//!   the same order, says which). Laid out so, the digits gzip to ~40 KB instead of 45.9 KB
//!   row by row: a pixel position is much alike across examples (the border is nearly always
//!   0). Written to OUT_DIR/digits.bin: the native build embeds it; the wasm does not (the web
//!   page fetches it as pkg/digits.bin when the digits are first chosen, scripts/build copies it
//!   there), and knows only its length and hash (OUT_DIR/digits_sum.rs) to check what it is given.
//! * data/iris.csv (150 rows of 4 lengths in cm with one decimal, and a label): each length
//!   as a byte of tenths of a cm, then the label.
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=data/digits.csv");
    println!("cargo:rerun-if-changed=data/iris.csv");
    let text = fs::read_to_string("data/digits.csv").expect("data/digits.csv is readable");
    let mut rows: Vec<Vec<u8>> = Vec::with_capacity(1797);
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let values: Vec<u8> = line.split(',').map(|v| v.trim().parse().unwrap_or_else(|_| panic!("digits.csv line {}: not a small integer", n + 1))).collect();
        assert_eq!(values.len(), 65, "digits.csv line {}: expected 64 pixels and a label", n + 1);
        assert!(values[..64].iter().all(|&v| v <= 16) && values[64] <= 9, "digits.csv line {}: value out of range", n + 1);
        rows.push(values);
    }
    // [n: u16 LE][labels: n bytes][nibbles: 64·n/2 bytes, pixel-major][bits: one per nibble
    // equal to 15, in order, set when the pixel is 16, most significant bit first]
    let n = rows.len();
    let mut bytes = Vec::with_capacity(2 + n + 32 * n + 2048);
    bytes.extend_from_slice(&(n as u16).to_le_bytes());
    bytes.extend(rows.iter().map(|r| r[64]));
    let flat: Vec<u8> = (0..64).flat_map(|k| rows.iter().map(move |r| r[k])).collect();
    for pair in flat.chunks(2) {
        bytes.push(pair[0].min(15) << 4 | pair.get(1).map_or(0, |&v| v.min(15)));
    }
    let tops: Vec<bool> = flat.iter().filter(|&&v| v >= 15).map(|&v| v == 16).collect();
    for chunk in tops.chunks(8) {
        bytes.push(chunk.iter().enumerate().fold(0u8, |b, (i, &t)| b | (u8::from(t) << (7 - i))));
    }
    let dir = env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    // The native build embeds digits.bin; the wasm does not (it is fetched as pkg/digits.bin,
    // copied there by scripts/build) and checks the bytes it is given against this length and
    // FNV-1a hash, so a stale or damaged file is refused rather than read as other digits.
    let sum = format!(
        "/// Length of data/digits.csv packed by build.rs (pkg/digits.bin).\npub const DIGITS_LEN: usize = {};\n/// Its 64-bit FNV-1a hash.\npub const DIGITS_FNV1A: u64 = {:#018x};\n",
        bytes.len(),
        fnv1a(&bytes)
    );
    fs::write(Path::new(&dir).join("digits_sum.rs"), sum).expect("OUT_DIR is writable");
    fs::write(Path::new(&dir).join("digits.bin"), bytes).expect("OUT_DIR is writable");

    let text = fs::read_to_string("data/iris.csv").expect("data/iris.csv is readable");
    let mut bytes = Vec::with_capacity(150 * 5);
    for (n, line) in text.lines().skip(1).filter(|l| !l.trim().is_empty()).enumerate() {
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        assert_eq!(cols.len(), 5, "iris.csv line {}: expected 4 lengths and a label", n + 2);
        for c in &cols[..4] {
            let tenths = (c.parse::<f64>().unwrap_or_else(|_| panic!("iris.csv line {}: {c} is not a number", n + 2)) * 10.0).round();
            assert!((0.0..=255.0).contains(&tenths) && (tenths / 10.0 - c.parse::<f64>().unwrap()).abs() < 1e-9, "iris.csv line {}: {c} is not a length with one decimal", n + 2);
            bytes.push(tenths as u8);
        }
        bytes.push(cols[4].parse().unwrap_or_else(|_| panic!("iris.csv line {}: bad label", n + 2)));
    }
    fs::write(Path::new(&dir).join("iris.bin"), bytes).expect("OUT_DIR is writable");
}

/// 64-bit FNV-1a (Fowler, Noll, Vo): the same formula as `data::fnv1a`, which checks the bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}
