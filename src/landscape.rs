//! Slices of the loss around a snapshot W0 along random directions W1, W2:
//! the line L(W0 + a·W1), the plane L(W0 + a·W1 + b·W2), one example's L_i along the line,
//! and the projection of any W onto the plane.
//!
//! Scores are linear in (a, b): s(W0 + a·W1 + b·W2) = S0 + a·S1 + b·S2 with S_k = Xa·W_kᵀ
//! computed once, so a grid point costs O(N·C) instead of O(N·D·C). The regulariser is a
//! quadratic in (a, b) from the Gram matrix G_kl = ⟨W_k, W_l⟩: Σ W² = Σ_kl c_k c_l G_kl, c = (1, a, b).

use crate::data::Dataset;
use crate::loss::{loss_grad, row_loss, Classifier, Hyper, LossKind, Workspace};
use crate::rng::Rng;
use crate::simd::{F32x4, F64x2, Lanes};
use ndarray::Array2;
use std::cell::RefCell;
use std::rc::Rc;

pub struct Landscape {
    pub data: Rc<Dataset>,
    pub hyper: Hyper,
    /// The snapshot W0 and the directions W1, W2 (each C × (D + 1)).
    pub w: [Array2<f64>; 3],
    /// S_k = Xa·W_kᵀ, N × C row-major, k = 0, 1, 2.
    s: [Vec<f64>; 3],
    /// Gram matrix of W0, W1, W2 under the Frobenius inner product.
    gram: [[f64; 3]; 3],
    /// Softmax: the ratios e^{Δ·S1} and e^{Δ·S2} of the last grid spacing Δ used (N × C each),
    /// kept so that a plane computed a few rows at a time pays for them once.
    ratios: RefCell<Ratios>,
}

/// e^{Δ·s1_ij} and e^{Δ·s2_ij} for one grid spacing Δ.
struct Ratios {
    step: f64,
    r: Vec<f64>,
    q: Vec<f64>,
}

/// ⟨A, B⟩ = Σ_jk A_jk·B_jk, the Frobenius inner product.
pub fn dot(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

/// ‖A‖ = √⟨A, A⟩, the Frobenius norm.
pub fn norm(a: &Array2<f64>) -> f64 {
    dot(a, a).sqrt()
}

/// A seeded unit direction orthogonal to `along` (Gram–Schmidt): V ~ N(0, 1) entry-wise,
/// V ← V − (⟨V, A⟩ / ⟨A, A⟩)·A, V ← V / ‖V‖. A zero `along` leaves V as drawn (normalised);
/// draws one Gaussian per entry from `rng`.
pub fn orthogonal_direction(along: &Array2<f64>, rng: &mut Rng) -> Array2<f64> {
    let mut v = Array2::zeros(along.dim());
    rng.fill_normal(v.as_slice_mut().expect("contiguous"), 1.0);
    let aa = dot(along, along);
    if aa > 0.0 {
        v.scaled_add(-dot(&v, along) / aa, along);
    }
    let n = norm(&v);
    if n > 0.0 {
        v /= n;
    }
    v
}

/// `points` evenly spaced values from −span to span, both ends included.
pub fn axis(span: f64, points: usize) -> Vec<f64> {
    if points == 1 {
        return vec![0.0];
    }
    (0..points).map(|i| -span + 2.0 * span * i as f64 / (points - 1) as f64).collect()
}

impl Landscape {
    /// Snapshots W0 = the classifier's W and draws W1, W2 ~ N(0, 1) from `seed`.
    /// With `normalize`, each row of W1 and W2 is rescaled to the norm of the same row of W0
    /// (filter normalization, Li et al. 2018); a row of W0 that is all zero leaves the
    /// direction's row as drawn.
    pub fn new(clf: &Classifier, seed: u64, normalize: bool) -> Landscape {
        let w0 = clf.w.clone();
        let mut rng = Rng::new(seed);
        let mut dirs = [Array2::zeros(w0.dim()), Array2::zeros(w0.dim())];
        for d in dirs.iter_mut() {
            rng.fill_normal(d.as_slice_mut().expect("contiguous"), 1.0);
            if normalize {
                for (mut row, row0) in d.rows_mut().into_iter().zip(w0.rows()) {
                    let n0 = row0.iter().map(|v| v * v).sum::<f64>().sqrt();
                    let n1 = row.iter().map(|v| v * v).sum::<f64>().sqrt();
                    if n0 > 0.0 && n1 > 0.0 {
                        row *= n0 / n1;
                    }
                }
            }
        }
        let [w1, w2] = dirs;
        Self::with_directions(clf, w0, w1, w2)
    }

    /// The slice of the gradient-descent section: W0 = the classifier's W, W1 = −dW (the full
    /// analytic gradient at W0, regulariser included: the direction a step of gradient descent
    /// takes), W2 a seeded direction orthogonal to W1 ([`orthogonal_direction`]) scaled to
    /// ‖W2‖ = ‖W1‖. If dW is exactly 0, W1 is a seeded N(0, 1) direction instead (drawn before W2
    /// from the same seed).
    pub fn downhill(clf: &Classifier, seed: u64) -> Landscape {
        let w0 = clf.w.clone();
        let mut dw = Array2::zeros(w0.dim());
        loss_grad(&w0, clf.data.xa.view(), &clf.data.y, &clf.hyper, &mut Workspace::default(), &mut dw);
        let mut rng = Rng::new(seed);
        let w1 = if dw.iter().all(|&v| v == 0.0) {
            let mut r = Array2::zeros(w0.dim());
            rng.fill_normal(r.as_slice_mut().expect("contiguous"), 1.0);
            r
        } else {
            -dw
        };
        let w2 = orthogonal_direction(&w1, &mut rng) * norm(&w1);
        Self::with_directions(clf, w0, w1, w2)
    }

    /// [‖W1‖, ‖W2‖], Frobenius norms of the two directions.
    pub fn direction_norms(&self) -> [f64; 2] {
        [self.gram[1][1].sqrt(), self.gram[2][2].sqrt()]
    }

    /// A landscape through W0 along given directions.
    pub fn with_directions(clf: &Classifier, w0: Array2<f64>, w1: Array2<f64>, w2: Array2<f64>) -> Landscape {
        let data = clf.data.clone();
        let w = [w0, w1, w2];
        let s = [0, 1, 2].map(|k| data.xa.dot(&w[k].t()).iter().cloned().collect::<Vec<f64>>());
        let mut gram = [[0.0; 3]; 3];
        for k in 0..3 {
            for l in 0..3 {
                gram[k][l] = dot(&w[k], &w[l]);
            }
        }
        Landscape { data, hyper: clf.hyper, w, s, gram, ratios: RefCell::new(Ratios { step: f64::NAN, r: Vec::new(), q: Vec::new() }) }
    }

    fn classes(&self) -> usize {
        self.data.classes
    }

    /// reg · Σ (W0 + a·W1 + b·W2)².
    fn reg_term(&self, a: f64, b: f64) -> f64 {
        if self.hyper.reg == 0.0 {
            return 0.0;
        }
        let c = [1.0, a, b];
        let mut q = 0.0;
        for k in 0..3 {
            for l in 0..3 {
                q += c[k] * c[l] * self.gram[k][l];
            }
        }
        self.hyper.reg * q.max(0.0)
    }

    /// L_i(W0 + a·W1 + b·W2) for one example, from the cached score rows.
    #[inline]
    fn example_loss(&self, i: usize, a: f64, b: f64, row: &mut [f64]) -> f64 {
        let c = self.classes();
        let (s0, s1, s2) = (&self.s[0][i * c..(i + 1) * c], &self.s[1][i * c..(i + 1) * c], &self.s[2][i * c..(i + 1) * c]);
        for j in 0..c {
            row[j] = s0[j] + a * s1[j] + b * s2[j];
        }
        row_loss(self.hyper.kind, row, self.data.y[i], self.hyper.delta)
    }

    /// The full loss L(W0 + a·W1 + b·W2).
    pub fn loss_at(&self, a: f64, b: f64) -> f64 {
        let mut row = vec![0.0; self.classes()];
        let n = self.data.len();
        let mut sum = 0.0;
        for i in 0..n {
            sum += self.example_loss(i, a, b, &mut row);
        }
        sum / n as f64 + self.reg_term(a, b)
    }

    /// L(W0 + a·W1) for a = −span … span (`points` values, both ends included).
    /// Computed as one row of the plane (b = 0), with the same fast paths.
    pub fn line(&self, span: f64, points: usize) -> Vec<f64> {
        let ax = axis(span, points);
        let mut out = vec![0.0; points];
        self.rows_into(&ax, &[0.0], 0..1, &mut out);
        out
    }

    /// L_i(W0 + a·W1) of example `index` alone (data loss, no regulariser).
    pub fn example_line(&self, index: usize, span: f64, points: usize) -> Vec<f64> {
        let mut row = vec![0.0; self.classes()];
        axis(span, points).into_iter().map(|a| self.example_loss(index, a, 0.0, &mut row)).collect()
    }

    /// Rows `rows` of the size × size plane (row r ↔ b ascending, column ↔ a ascending),
    /// row-major; used to compute a plane in chunks.
    pub fn plane_rows(&self, span: f64, size: usize, rows: std::ops::Range<usize>) -> Vec<f64> {
        let ax = axis(span, size);
        let rows = rows.start.min(size)..rows.end.min(size);
        let mut out = vec![0.0; rows.len() * size];
        self.rows_into(&ax, &ax, rows, &mut out);
        out
    }

    /// Rows `rows` of the size × size plane like [`Landscape::plane_rows`], **for colour
    /// only**: softmax (where [`Landscape::picture_in_f32`]; otherwise the f64 rows, which are
    /// then as fast) sums its exponentials in f32 lanes (4 grid columns per 128-bit vector,
    /// twice the f64 plane's 2; terms kept within e^{−80} of the largest, classes below f32's
    /// rounding left out); the product over the examples, the shifts, the correct-class scores,
    /// the logs and the result stay f64. The values differ from the f64 plane by about
    /// (C + size/16 + 8)·2⁻²³ at most (an estimate of the f32 roundings a value goes through;
    /// ~5e-7 on the digits): when that is more than 1e-4 of the range of the rows computed, the
    /// rows are computed in f64 instead, so a picture is always within 1e-4 of its range of the
    /// f64 plane (tested). Numbers shown to the learner (hover readouts, the minimum and
    /// maximum) come from [`Landscape::loss_at`] and the f64 plane. SVM: the f64 plane (already
    /// O(N·C + G) per row).
    pub fn picture_rows(&self, span: f64, size: usize, rows: std::ops::Range<usize>) -> Vec<f64> {
        let ax = axis(span, size);
        let rows = rows.start.min(size)..rows.end.min(size);
        let mut out = vec![0.0; rows.len() * size];
        // f32 terms must stay within e^{−80} of the largest (f64: e^{−300}), so where scores move
        // far across the grid the f32 tiles are many and small, each with its exps: then the
        // f64 rows are as fast, and exact
        if self.picture_in_f32(span, size) {
            self.softmax_sums::<F32x4>(&ax, &ax, rows.clone(), SOFTMAX_F32_SPREAD, &mut out);
            self.finish_rows(&ax, &ax[rows.clone()], &mut out);
            let bound = (self.classes() as f64 + size.div_ceil(16) as f64 + 8.0) * f32::EPSILON as f64;
            let (lo, hi) = out.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            if hi - lo >= 1e4 * bound {
                return out;
            }
        }
        self.rows_into(&ax, &ax, rows, &mut out);
        out
    }

    /// The whole size × size plane L(W0 + a·W1 + b·W2), row-major, row ↔ b, column ↔ a.
    pub fn plane(&self, span: f64, size: usize) -> Vec<f64> {
        self.plane_rows(span, size, 0..size)
    }

    /// The plane by evaluating the loss at each grid point from the cached scores
    /// (O(N·C) per point): the reference the fast row sweeps are tested against.
    pub fn plane_direct(&self, span: f64, size: usize) -> Vec<f64> {
        let ax = axis(span, size);
        let mut out = Vec::with_capacity(size * size);
        for &b in &ax {
            for &a in &ax {
                out.push(self.loss_at(a, b));
            }
        }
        out
    }

    /// Grid rows at b = `b_axis[r]`, r ∈ `rows`: L(W0 + a_k·W1 + b·W2) for every a_k in `ax`
    /// into `out` (row-major). `b_axis` is `ax` (a plane) or `[0.0]` (a line).
    fn rows_into(&self, ax: &[f64], b_axis: &[f64], rows: std::ops::Range<usize>, out: &mut [f64]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        let bs = &b_axis[rows.clone()];
        let g = ax.len();
        match self.hyper.kind {
            LossKind::Svm => {
                let mut work = RowWork::new(self, ax);
                for (&b, chunk) in bs.iter().zip(out.chunks_mut(g.max(1))) {
                    self.svm_row_sums(&mut work, ax, b, chunk);
                }
            }
            LossKind::Softmax => self.softmax_sums::<F64x2>(ax, b_axis, rows, SOFTMAX_F64_SPREAD, out),
        }
        self.finish_rows(ax, bs, out);
    }

    /// Σ_i L_i → L = Σ_i L_i / N + reg·Σ W², in place.
    fn finish_rows(&self, ax: &[f64], bs: &[f64], out: &mut [f64]) {
        let n = self.data.len() as f64;
        for (&b, chunk) in bs.iter().zip(out.chunks_mut(ax.len().max(1))) {
            for (v, &a) in chunk.iter_mut().zip(ax) {
                *v = *v / n + self.reg_term(a, b);
            }
        }
    }

    /// Σ_i L_i along one row, SVM. Each hinge max(0, m(a)) with m(a) = α + β·a,
    ///   α = (s0_j − s0_{y_i} + Δ) + b·(s2_j − s2_{y_i}),   β = s1_j − s1_{y_i},
    /// is active (m > 0; m = 0 counts as inactive, as in `svm_row`) on a run of grid columns
    /// that ends or begins at its breakpoint a = −α/β. A hinge adds (α, β) to the running
    /// (intercept, slope) sums at the first column where it becomes active, and takes them
    /// away at the first column where it stops being active (difference arrays), so the row
    /// costs O(N·C + G) instead of O(G·N·C); column k then gets Σ_active α + a_k·Σ_active β.
    /// Columns next to a breakpoint are exact by continuity: a hinge whose margin rounds to
    /// ±ulp on the wrong side of 0 contributes at most that ulp.
    fn svm_row_sums(&self, work: &mut RowWork, ax: &[f64], b: f64, out: &mut [f64]) {
        let g = ax.len();
        let hinges = work.hinges.as_ref().expect("SVM work");
        let (d_a, d_b) = (&mut work.d_a, &mut work.d_b);
        d_a.iter_mut().for_each(|v| *v = 0.0);
        d_b.iter_mut().for_each(|v| *v = 0.0);
        let (mut base_a, mut base_b) = (0.0, 0.0);
        // grid index of a: u(a) = (a − a_0)·sc
        let a0 = ax[0];
        let sc = if g > 1 { (g - 1) as f64 / (ax[g - 1] - a0) } else { 0.0 };
        let last = (g - 1) as f64;
        // β > 0: active for columns k > u (the breakpoint's grid position)
        for h in &hinges.pos {
            let u = (h.p + b * h.q - a0) * sc;
            if u < 0.0 {
                base_a += h.d0 + b * h.d2;
                base_b += h.d1;
            } else if u < last {
                let k0 = u as usize + 1; // floor(u) + 1 ≤ g − 1
                d_a[k0] += h.d0 + b * h.d2;
                d_b[k0] += h.d1;
            } // else: inactive on the whole row (or NaN: degenerate, skipped)
        }
        // β < 0: active for columns k < u
        for h in &hinges.neg {
            let u = (h.p + b * h.q - a0) * sc;
            if u > last {
                base_a += h.d0 + b * h.d2;
                base_b += h.d1;
            } else if u > 0.0 {
                let k1 = u.ceil() as usize; // 1 ≤ k1 ≤ g − 1: first inactive column
                let al = h.d0 + b * h.d2;
                base_a += al;
                base_b += h.d1;
                d_a[k1] -= al;
                d_b[k1] -= h.d1;
            }
        }
        // β = 0 (or a breakpoint too far to place): the hinge is constant along the row
        for h in &hinges.flat {
            let m = h.d0 + b * h.d2 + h.d1 * 0.5 * (a0 + ax[g - 1]);
            if m > 0.0 {
                base_a += h.d0 + b * h.d2;
                base_b += h.d1;
            }
        }
        // Prefix sums in compensated (Neumaier) form, so round-off does not grow along the row.
        let (mut sa, mut ca, mut sb, mut cb) = (base_a, 0.0, base_b, 0.0);
        for k in 0..g {
            neumaier(&mut sa, &mut ca, d_a[k]);
            neumaier(&mut sb, &mut cb, d_b[k]);
            out[k] += (sa + ca) + (sb + cb) * ax[k];
        }
    }

    /// Whether [`Landscape::picture_rows`] sums in f32 lanes at this span and size: softmax,
    /// unless the f32 tiles would be more than 2.5 times as many as the f64 ones.
    pub fn picture_in_f32(&self, span: f64, size: usize) -> bool {
        let ax = axis(span, size);
        self.hyper.kind == LossKind::Softmax
            && 2 * self.softmax_tiles(&ax, 16, SOFTMAX_F32_SPREAD.0) <= 5 * self.softmax_tiles(&ax, 8, SOFTMAX_F64_SPREAD.0)
    }

    /// The number of tiles [`Landscape::softmax_sums`] cuts the whole grid `ax` × `ax` into,
    /// over all examples, with groups of `gw` columns and at most `spread` per tile.
    fn softmax_tiles(&self, ax: &[f64], gw: usize, spread: f64) -> usize {
        let (g, c) = (ax.len(), self.classes());
        let da = if g > 1 { (ax[g - 1] - ax[0]) / (g - 1) as f64 } else { 0.0 };
        let mut tiles = 0;
        for i in 0..self.data.len() {
            let m1 = self.s[1][i * c..(i + 1) * c].iter().fold(0.0f64, |m, v| m.max(v.abs())) * da;
            let m2 = self.s[2][i * c..(i + 1) * c].iter().fold(0.0f64, |m, v| m.max(v.abs())) * da;
            let (tw, th) = tile_shape(m1, m2, g, g, gw, spread);
            tiles += g.div_ceil(tw) * g.div_ceil(th);
        }
        tiles
    }

    /// e^{Δ·s1_ij} and e^{Δ·s2_ij} (N × C each) for the grid spacing Δ, computed once per Δ.
    fn ratios(&self, step: f64) -> std::cell::Ref<'_, Ratios> {
        let fresh = self.ratios.borrow().step.to_bits() == step.to_bits();
        if !fresh {
            let mut r = self.ratios.borrow_mut();
            r.step = step;
            r.r = self.s[1].iter().map(|&v| (step * v).exp()).collect();
            r.q = self.s[2].iter().map(|&v| (step * v).exp()).collect();
        }
        self.ratios.borrow()
    }

    /// Σ_i (log Z_i) + shifts − Σ_i s_{y_i} — that is Σ_i L_i, softmax — at every point of rows
    /// b = `b_axis[r]`, r ∈ `rows`, × columns a = `ax[k]`, added into `out` (row-major, one row
    /// per r in `rows`). `b_axis` is `ax` itself (a plane) or `[0.0]` (a line).
    /// Each point's value depends only on the whole grid, not on `rows`: a plane computed a few
    /// rows at a time equals the whole plane bit for bit.
    ///
    /// On the grid s_ij(a_k, b_r) = c_ij + k·Δ·s1_ij + r·Δ·s2_ij, so within a tile (below) each
    /// term e^{s_ij − M} is E_ij(r)·ρ_ij^m, m = the column's offset in the tile, ρ_ij = e^{Δ·s1_ij}:
    /// E_ij is one exp per tile, advanced from row to row by e^{Δ·s2_ij}, and the powers ρ^m
    /// are a table made once per example. A term is then one multiply and one add, in vector
    /// lanes across grid columns (`V::N` columns per vector, 4 vectors per group: Z_i of a
    /// group accumulates in registers over the classes). Π_i Z_i is kept per point with its
    /// binary exponent carried apart (so the logs are taken once per point, not once per
    /// example), renormalised only when a running bound says a product could leave the element
    /// type's exponent range.
    ///
    /// Overflow safety: each example's grid is cut into tiles over which every score moves by
    /// at most `spread` in total (usually the whole stretch is one tile); a tile's shift M is
    /// its largest score at a corner (a linear function peaks at a corner), so every term is
    /// ≤ 1 and Z_i ≥ e^{−spread}, and every tile starts from fresh exps.
    fn softmax_sums<V: Lanes>(&self, ax: &[f64], b_axis: &[f64], rows: std::ops::Range<usize>, (spread, gap): (f64, f64), out: &mut [f64]) {
        const U: usize = 4;
        let (g, grid_rows, row_lo) = (ax.len(), b_axis.len(), rows.start);
        let bs = &b_axis[rows.clone()];
        let rows = bs.len();
        if g == 0 || rows == 0 {
            return;
        }
        let (n, c) = (self.data.len(), self.classes());
        let da = if g > 1 { (ax[g - 1] - ax[0]) / (g - 1) as f64 } else { 0.0 };
        let gw = U * V::N;
        let gpad = g.div_ceil(gw) * gw;
        // the product over the examples is f64 whatever the lanes of the sums (f32 sums are
        // widened): renormalised every ~1000 bits, not every ~120
        let mut prod = vec![1.0f64; rows * gpad];
        let mut expo = vec![F64x2::expo_zero(); rows * gpad / 2];
        let mut wide = [F64x2::splat(0.0); 2];
        let mut shift_pts: Vec<f64> = Vec::new();
        let mut shift_all = 0.0;
        // log2 bounds on every entry of prod: in [2^lo, 2^hi)
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        let log2c = (c as f64).log2() + 1e-6;
        let ratios = self.ratios(da);
        // ptab[j·tpad + m] = r_j^m, m < tpad (a tile's width rounded up to whole groups)
        let mut ptab = vec![V::elem_from_f64(0.0); c * gpad];
        let mut erow = vec![0.0f64; c];
        let (mut cmaxs, mut act) = (vec![0.0f64; c], Vec::with_capacity(c));
        let (mut sy0, mut sy1, mut sy2) = (0.0, 0.0, 0.0);
        let y = &self.data.y;
        for i in 0..n {
            let base = i * c;
            let (s0, s1, s2) = (&self.s[0][base..base + c], &self.s[1][base..base + c], &self.s[2][base..base + c]);
            let (r, q) = (&ratios.r[base..base + c], &ratios.q[base..base + c]);
            sy0 += s0[y[i]];
            sy1 += s1[y[i]];
            sy2 += s2[y[i]];
            let m1 = s1.iter().fold(0.0f64, |m, v| m.max(v.abs())) * da;
            let m2 = s2.iter().fold(0.0f64, |m, v| m.max(v.abs())) * da;
            let (tw, th) = tile_shape(m1, m2, g, grid_rows, gw, spread);
            let tpad = tw.div_ceil(gw) * gw;
            for (j, row) in ptab.chunks_exact_mut(tpad).take(c).enumerate() {
                // r^0 … r^(gw−1) one after the other, then r^m = r^(m−gw)·r^gw (independent
                // multiplies, not one long chain); in f64, each rounded once to the lane type
                let mut first = [0.0f64; 16];
                let mut p = 1.0;
                for v in first.iter_mut().take(gw) {
                    *v = p;
                    p *= r[j];
                }
                let mut cur = first;
                for (t, grp) in row.chunks_exact_mut(gw).enumerate() {
                    for (v, &x) in grp.iter_mut().zip(&cur) {
                        *v = V::elem_from_f64(x);
                    }
                    if (t + 1) * gw < tpad {
                        cur.iter_mut().take(gw).for_each(|x| *x *= p);
                    }
                }
            }
            // tiles over the whole grid (absolute rows t0..t1); this call does rows lo..hi of each
            let mut t0 = row_lo / th * th;
            while t0 < row_lo + rows {
                let t1 = (t0 + th).min(grid_rows);
                let (lo_r, hi_r) = (t0.max(row_lo) - row_lo, t1.min(row_lo + rows) - row_lo);
                let mut k0 = 0;
                while k0 < g {
                    let k1 = (k0 + tw).min(g);
                    let (al, ar, bl, br) = (ax[k0], ax[k1 - 1], b_axis[t0], b_axis[t1 - 1]);
                    // M = the largest score at a corner; floor = max_j (smallest corner score of j):
                    // Z_i ≥ e^{floor − M} over the tile
                    let (mut mx, mut floor) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                    for j in 0..c {
                        let (l, r_) = (s0[j] + al * s1[j], s0[j] + ar * s1[j]);
                        let corners = [l + bl * s2[j], l + br * s2[j], r_ + bl * s2[j], r_ + br * s2[j]];
                        let (cmax, cmin) = corners.iter().fold((f64::NEG_INFINITY, f64::INFINITY), |(a, b), &v| (a.max(v), b.min(v)));
                        mx = mx.max(cmax);
                        floor = floor.max(cmin);
                        cmaxs[j] = cmax;
                    }
                    // a class whose score stays `gap` below floor somewhere adds < e^{−gap} of Z
                    // at every point (f64: e^{−40} ≈ 4e-18; f32: e^{−20} ≈ 2e-9): left out
                    act.clear();
                    for j in 0..c {
                        if !(cmaxs[j] < floor - gap) {
                            act.push(j);
                        }
                    }
                    // E_j at this call's first row: fresh exps at the start of its block of
                    // FRESH_ROWS rows (counted from the tile's first row), then advanced by
                    // e^{Δ·s2} row by row, as the whole plane does (so chunks equal it bit for bit,
                    // and a chunk starting mid-tile costs at most FRESH_ROWS − 1 multiplies)
                    let first = t0.max(row_lo);
                    let fresh = |erow: &mut [f64], at: usize| {
                        for (e, &j) in erow.iter_mut().zip(&act) {
                            *e = (s0[j] + al * s1[j] + b_axis[at] * s2[j] - mx).exp();
                        }
                    };
                    let block = t0 + (first - t0) / FRESH_ROWS * FRESH_ROWS;
                    fresh(&mut erow, block);
                    for _ in block..first {
                        for (e, &j) in erow.iter_mut().zip(&act) {
                            *e *= q[j];
                        }
                    }
                    let bits = (mx - floor) / std::f64::consts::LN_2 + 1e-6;
                    if lo - bits < -F64x2::EXPO_BUDGET || hi + log2c > F64x2::EXPO_BUDGET {
                        for (v, e) in expo.iter_mut().enumerate() {
                            F64x2::load(&prod, v * 2).renorm(e).store(&mut prod, v * 2);
                        }
                        (lo, hi) = (0.0, 1.0);
                    }
                    lo -= bits;
                    hi += log2c;
                    if tw >= g && th >= grid_rows {
                        shift_all += mx;
                    } else {
                        if shift_pts.is_empty() {
                            shift_pts = vec![0.0; rows * g];
                        }
                        for row in lo_r..hi_r {
                            shift_pts[row * g + k0..row * g + k1].iter_mut().for_each(|v| *v += mx);
                        }
                    }
                    let aligned = k0 % gw == 0;
                    for row in lo_r..hi_r {
                        let mut k = k0;
                        while k < k1 {
                            // Z over the classes for the group's columns: Σ_j E_j·r_j^(k − k0 + m)
                            let o = k - k0;
                            let mut z = [V::splat(0.0); U];
                            for (&e, &j) in erow.iter().zip(&act) {
                                // one bounds check per class: the group's gw powers
                                let pt = &ptab[j * tpad + o..j * tpad + o + gw];
                                let e = V::splat(e);
                                for (u, zu) in z.iter_mut().enumerate() {
                                    *zu = zu.add(e.mul(V::load(pt, u * V::N)));
                                }
                            }
                            let at = row * gpad + k;
                            if aligned && (k + gw <= k1 || k1 == g) {
                                // whole group (columns past g are padding, never read)
                                let blk = &mut prod[at..at + gw];
                                for (u, zu) in z.iter().enumerate() {
                                    zu.widen(&mut wide);
                                    for (h, w2) in wide.iter().take(V::N / 2).enumerate() {
                                        let a2 = u * V::N + 2 * h;
                                        F64x2::load(blk, a2).mul(*w2).store(blk, a2);
                                    }
                                }
                            } else {
                                for m in 0..gw.min(k1 - k) {
                                    prod[at + m] *= z[m / V::N].lane(m % V::N);
                                }
                            }
                            k += gw;
                        }
                        let next = row_lo + row + 1;
                        if (next - t0) % FRESH_ROWS == 0 {
                            fresh(&mut erow, next.min(grid_rows - 1));
                        } else {
                            for (e, &j) in erow.iter_mut().zip(&act) {
                                *e *= q[j];
                            }
                        }
                    }
                    k0 = k1;
                }
                t0 = t1;
            }
        }
        // L summed over i = log Π_i Z_i + Σ_i M_i − Σ_i s_{y_i}; a last renormalisation makes
        // every product m·2^e with m ∈ [1, 2), whatever renormalisations came before (ln(m·2^k)
        // and ln(m) + k·ln 2 may round differently), so chunks equal the whole plane
        for (v, e) in expo.iter_mut().enumerate() {
            F64x2::load(&prod, v * 2).renorm(e).store(&mut prod, v * 2);
        }
        let ln2 = std::f64::consts::LN_2;
        for row in 0..rows {
            for k in 0..g {
                let idx = row * gpad + k;
                let e = F64x2::expo_lane(expo[idx / 2], idx % 2);
                let mut v = prod[idx].ln() + e as f64 * ln2 + shift_all;
                if !shift_pts.is_empty() {
                    v += shift_pts[row * g + k];
                }
                out[row * g + k] += v - (sy0 + ax[k] * sy1 + bs[row] * sy2);
            }
        }
    }

    /// Least-squares coordinates of W in the plane: W ≈ W0 + a·W1 + b·W2.
    /// Returns [a, b, ‖W − (W0 + a·W1 + b·W2)‖] (the distance off the plane, Frobenius norm).
    pub fn project(&self, w: &Array2<f64>) -> [f64; 3] {
        let v = w - &self.w[0];
        let (g11, g12, g22) = (self.gram[1][1], self.gram[1][2], self.gram[2][2]);
        let (r1, r2) = (dot(&v, &self.w[1]), dot(&v, &self.w[2]));
        let det = g11 * g22 - g12 * g12;
        let (a, b) = if det.abs() > 1e-300 && det.abs() > 1e-12 * g11 * g22 {
            ((r1 * g22 - r2 * g12) / det, (r2 * g11 - r1 * g12) / det)
        } else if g11 > 0.0 {
            (r1 / g11, 0.0)
        } else {
            (0.0, 0.0)
        };
        let resid = &v - &(&self.w[1] * a) - &(&self.w[2] * b);
        [a, b, resid.iter().map(|x| x * x).sum::<f64>().sqrt()]
    }
}

/// The largest total move of a score across one tile of the softmax kernel: f64 terms stay
/// ≥ e^{−300} (normal), f32 terms ≥ e^{−80} ≈ 1.8e-35 (normal; f32's least normal is 1.2e-38).
/// Rows between fresh exps in a softmax tile (between them, one multiply per row and class).
const FRESH_ROWS: usize = 8;

/// Paired with the gap below which a class is left out of a tile (its terms are < e^{−gap} of
/// Z: below f64's or f32's rounding).
const SOFTMAX_F64_SPREAD: (f64, f64) = (300.0, 40.0);
const SOFTMAX_F32_SPREAD: (f64, f64) = (80.0, 20.0);

/// The tile (columns, rows) of one example in the softmax kernel: each score moves by at most
/// m1 per column and m2 per row, so a tile of tw × th points spans m1·(tw − 1) + m2·(th − 1),
/// which must stay ≤ `spread`. The whole stretch if it fits; otherwise half the spread goes to
/// the columns (tiles a multiple of the group width `gw` wide where possible) and the rest to
/// the rows. Never less than one point; NaN spreads give one-point tiles.
fn tile_shape(m1: f64, m2: f64, g: usize, rows: usize, gw: usize, spread: f64) -> (usize, usize) {
    let (wf, hf) = (m1 * (g - 1) as f64, m2 * (rows - 1) as f64);
    if wf + hf <= spread {
        return (g, rows);
    }
    let tw = if wf <= spread / 2.0 {
        g
    } else {
        let t = (spread / 2.0 / m1).floor().min(g as f64).max(0.0) as usize + 1;
        if t >= gw { t / gw * gw } else { t }
    };
    let tw = tw.min(g);
    let rem = spread - m1 * (tw - 1) as f64;
    let th = if hf <= rem { rows } else { ((rem / m2).floor().min(rows as f64).max(0.0) as usize + 1).min(rows) };
    (tw, th)
}

/// s ← s + x with the round-off carried in `comp` (Neumaier's compensated summation).
#[inline]
fn neumaier(s: &mut f64, comp: &mut f64, x: f64) {
    let t = *s + x;
    if s.abs() >= x.abs() {
        *comp += (*s - t) + x;
    } else {
        *comp += (x - t) + *s;
    }
    *s = t;
}

/// One SVM hinge of one example along a row, in the row's own terms:
/// m(a, b) = (d0 + b·d2) + a·d1; its breakpoint a = p + b·q (p = −d0/d1, q = −d2/d1).
#[derive(Clone, Copy, Debug)]
struct Hinge {
    d0: f64,
    d1: f64,
    d2: f64,
    p: f64,
    q: f64,
}

/// Hinges grouped by the sign of their slope along the row.
#[derive(Default)]
struct Hinges {
    pos: Vec<Hinge>,
    neg: Vec<Hinge>,
    flat: Vec<Hinge>,
}

/// Buffers reused across the rows of one plane (no allocation per row).
struct RowWork {
    hinges: Option<Hinges>,
    d_a: Vec<f64>,
    d_b: Vec<f64>,
}

impl RowWork {
    fn new(l: &Landscape, ax: &[f64]) -> RowWork {
        let g = ax.len();
        let (n, c) = (l.data.len(), l.classes());
        let mut w = RowWork {
            hinges: None,
            d_a: Vec::new(),
            d_b: Vec::new(),
        };
        match l.hyper.kind {
            LossKind::Svm => {
                let (s0, s1, s2) = (&l.s[0], &l.s[1], &l.s[2]);
                let mut hs = Hinges::default();
                let width = if g > 1 { ax[g - 1] - ax[0] } else { 0.0 };
                for i in 0..n {
                    let yi = l.data.y[i];
                    let base = i * c;
                    for j in 0..c {
                        if j == yi {
                            continue;
                        }
                        let d0 = s0[base + j] - s0[base + yi] + l.hyper.delta;
                        let d1 = s1[base + j] - s1[base + yi];
                        let d2 = s2[base + j] - s2[base + yi];
                        let (p, q) = (-d0 / d1, -d2 / d1);
                        let h = Hinge { d0, d1, d2, p, q };
                        // a slope too small to move the hinge across the row is treated as flat
                        // only when the breakpoint cannot be placed (p or q not finite)
                        if d1 == 0.0 || !p.is_finite() || !q.is_finite() || width == 0.0 {
                            hs.flat.push(h);
                        } else if d1 > 0.0 {
                            hs.pos.push(h);
                        } else {
                            hs.neg.push(h);
                        }
                    }
                }
                w.hinges = Some(hs);
                w.d_a = vec![0.0; g + 1];
                w.d_b = vec![0.0; g + 1];
            }
            LossKind::Softmax => {}
        }
        w
    }
}
