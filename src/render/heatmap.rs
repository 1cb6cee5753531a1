//! Heat maps as RGBA pixels, coloured with viridis (perceptually uniform and readable with
//! the common forms of colour blindness).

use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};

/// A 256-entry viridis lookup table, RGB.
pub fn viridis_lut() -> Vec<[u8; 3]> {
    (0..256)
        .map(|i| {
            let c = ViridisRGB.get_color(i as f32 / 255.0);
            [c.0, c.1, c.2]
        })
        .collect()
}

/// Colour of `v` on [lo, hi] (clamped; NaN is drawn as mid grey).
pub fn color_of(lut: &[[u8; 3]], v: f64, lo: f64, hi: f64) -> [u8; 3] {
    if !v.is_finite() {
        return [128, 128, 128];
    }
    let t = if hi > lo { ((v - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 };
    lut[(t * 255.0).round() as usize]
}

/// Upsamples a `gw` × `gh` grid (row-major, row 0 at the **bottom**, i.e. b ascending) to
/// `w` × `h` RGBA pixels (row 0 at the top), nearest neighbour, each grid value coloured on
/// [lo, hi]. `values.len()` must be gw·gh; returns an empty buffer otherwise.
pub fn heatmap_rgba(values: &[f64], gw: usize, gh: usize, w: usize, h: usize, lo: f64, hi: f64) -> Vec<u8> {
    if gw == 0 || gh == 0 || values.len() != gw * gh || w == 0 || h == 0 {
        return Vec::new();
    }
    // each grid cell is coloured once (gw·gh colours, not w·h), each pixel row is a run of
    // those colours, and a pixel row that shows the same grid row as the one above is a copy of it
    let lut = viridis_lut();
    let colours: Vec<[u8; 4]> = values.iter().map(|&v| {
        let c = color_of(&lut, v, lo, hi);
        [c[0], c[1], c[2], 255]
    }).collect();
    let mut out = vec![0u8; w * h * 4];
    let cols: Vec<usize> = (0..w).map(|px| (px * gw / w).min(gw - 1)).collect();
    let line_len = w * 4;
    let mut prev_gy = usize::MAX;
    for py in 0..h {
        let gy = gh - 1 - (py * gh / h).min(gh - 1);
        let at = py * line_len;
        if gy == prev_gy {
            out.copy_within(at - line_len..at, at);
            continue;
        }
        prev_gy = gy;
        let row = &colours[gy * gw..(gy + 1) * gw];
        for (px, &gx) in out[at..at + line_len].chunks_exact_mut(4).zip(&cols) {
            px.copy_from_slice(&row[gx]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_runs_from_purple_to_yellow() {
        let lut = viridis_lut();
        // viridis starts dark purple (68, 1, 84) and ends yellow (253, 231, 37)
        let (a, b) = (lut[0], lut[255]);
        assert!(a[2] > a[1] && a[0] < 100, "{a:?}");
        assert!(b[0] > 200 && b[1] > 200 && b[2] < 100, "{b:?}");
    }

    #[test]
    fn heatmap_puts_row_zero_at_the_bottom() {
        // 2 × 2 grid: bottom row low, top row high
        let px = heatmap_rgba(&[0.0, 0.0, 1.0, 1.0], 2, 2, 4, 4, 0.0, 1.0);
        assert_eq!(px.len(), 64);
        let lut = viridis_lut();
        assert_eq!(&px[0..3], &lut[255]); // top-left pixel is the high value
        assert_eq!(&px[60..63], &lut[0]); // bottom-right pixel is the low value
        assert!(heatmap_rgba(&[0.0], 2, 2, 4, 4, 0.0, 1.0).is_empty());
        let nan = heatmap_rgba(&[f64::NAN], 1, 1, 1, 1, 0.0, 1.0);
        assert_eq!(&nan[0..3], &[128, 128, 128]);
    }
    #[test]
    fn every_pixel_is_its_nearest_cells_colour() {
        // against a per-pixel loop written here: pixel (px, py) shows cell
        // (⌊px·gw/w⌋, gh − 1 − ⌊py·gh/h⌋), coloured by color_of; sizes that do not divide
        for &(gw, gh, w, h) in &[(5, 3, 17, 11), (64, 64, 451, 449), (3, 7, 2, 5), (1, 1, 3, 2)] {
            let values: Vec<f64> = (0..gw * gh)
                .map(|i| match i % 11 {
                    3 => f64::NAN,
                    7 => -5.0,
                    9 => f64::INFINITY,
                    _ => (i as f64 * 0.37).sin(),
                })
                .collect();
            let got = heatmap_rgba(&values, gw, gh, w, h, -0.5, 0.8);
            let lut = viridis_lut();
            for py in 0..h {
                for px in 0..w {
                    let (gx, gy) = ((px * gw / w).min(gw - 1), gh - 1 - (py * gh / h).min(gh - 1));
                    let c = color_of(&lut, values[gy * gw + gx], -0.5, 0.8);
                    let at = (py * w + px) * 4;
                    assert_eq!(&got[at..at + 4], &[c[0], c[1], c[2], 255], "{gw}×{gh} → {w}×{h}, pixel ({px}, {py})");
                }
            }
        }
    }
}
