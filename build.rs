//! Packs the shipped data sets into bytes, so the wasm carries neither their text nor the
//! code to parse decimals at run time (the CSV files stay the source):
//! * data/digits.csv (1797 rows of 64 pixel values 0..16 and a label): one byte per value;
//! * data/iris.csv (150 rows of 4 lengths in cm with one decimal, and a label): each length
//!   as a byte of tenths of a cm, then the label.
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=data/digits.csv");
    println!("cargo:rerun-if-changed=data/iris.csv");
    let text = fs::read_to_string("data/digits.csv").expect("data/digits.csv is readable");
    let mut bytes = Vec::with_capacity(1797 * 65);
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let values: Vec<u8> = line.split(',').map(|v| v.trim().parse().unwrap_or_else(|_| panic!("digits.csv line {}: not a small integer", n + 1))).collect();
        assert_eq!(values.len(), 65, "digits.csv line {}: expected 64 pixels and a label", n + 1);
        assert!(values[..64].iter().all(|&v| v <= 16) && values[64] <= 9, "digits.csv line {}: value out of range", n + 1);
        bytes.extend_from_slice(&values);
    }
    let dir = env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
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
