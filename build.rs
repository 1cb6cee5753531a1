//! Packs data/digits.csv (1797 rows of 64 pixel values 0..16 and a label) into one byte per
//! value, so the wasm carries 117 KB instead of the 265 KB of text (the CSV stays the source).
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=data/digits.csv");
    let text = fs::read_to_string("data/digits.csv").expect("data/digits.csv is readable");
    let mut bytes = Vec::with_capacity(1797 * 65);
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let values: Vec<u8> = line.split(',').map(|v| v.trim().parse().unwrap_or_else(|_| panic!("digits.csv line {}: not a small integer", n + 1))).collect();
        assert_eq!(values.len(), 65, "digits.csv line {}: expected 64 pixels and a label", n + 1);
        assert!(values[..64].iter().all(|&v| v <= 16) && values[64] <= 9, "digits.csv line {}: value out of range", n + 1);
        bytes.extend_from_slice(&values);
    }
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR is set by cargo")).join("digits.bin");
    fs::write(out, bytes).expect("OUT_DIR is writable");
}
