//! Slices of the loss around a snapshot W0 along random directions W1, W2:
//! the line L(W0 + a·W1), the plane L(W0 + a·W1 + b·W2), one example's L_i along the line,
//! and the projection of any W onto the plane.
//!
//! Scores are linear in (a, b): s(W0 + a·W1 + b·W2) = S0 + a·S1 + b·S2 with S_k = Xa·W_kᵀ
//! computed once, so a grid point costs O(N·C) instead of O(N·D·C). The regulariser is a
//! quadratic in (a, b) from the Gram matrix G_kl = ⟨W_k, W_l⟩: Σ W² = Σ_kl c_k c_l G_kl, c = (1, a, b).

use crate::data::Dataset;
use crate::loss::{loss_grad_by_design, row_loss, Classifier, Hyper, LossKind, Workspace};
use crate::rng::Rng;
use crate::simd::{exp_f32x4, exp_poly, F32x4, F64x2, Lanes};
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
    /// |S1|, |S2| entry-wise (the picture's bounds).
    abs_s: [Vec<f64>; 2],
    /// Gram matrix of W0, W1, W2 under the Frobenius inner product.
    gram: [[f64; 3]; 3],
    /// Softmax: the ratios e^{Δ·S1} and e^{Δ·S2} of the last grid spacing Δ used (N × C each),
    /// kept so that a plane computed a few rows at a time pays for them once.
    ratios: RefCell<Ratios>,
    /// The picture's gap and its lower bound on the grid's range, for the last grid asked
    /// ([`Landscape::picture_gap`]): a plane computed a few rows at a time pays for them once.
    pic_gap: RefCell<PicGap>,
    /// The picture's fast-moving examples down the quadtree instead of the row sweep
    /// ([`Landscape::set_picture_quadtree`]).
    pic_quadtree: std::cell::Cell<bool>,
    /// The picture's rectangles bounded class by class rather than two classes at a time
    /// ([`Landscape::set_picture_keep_one_by_one`]).
    pic_keep_one_by_one: std::cell::Cell<bool>,
}

/// [`Landscape::picture_gap`] for the grid `key` = (its first and last axis values' bits, size).
struct PicGap {
    key: (u64, u64, usize),
    gap: f64,
    range_lb: f64,
}

/// e^{Δ·s1_ij} and e^{Δ·s2_ij} for one grid spacing Δ.
struct Ratios {
    step: f64,
    r: Vec<f64>,
    q: Vec<f64>,
    /// per example: its C ratios of `step` are in r and q (the picture makes them only for the
    /// examples whose rectangles use them: [`PicWork::geometric`])
    done: Vec<bool>,
}

impl Ratios {
    /// Example i's C ratios of `step` from its score rows s1, s2 (its own slices), marked done.
    fn fill(&mut self, i: usize, s1: &[f64], s2: &[f64]) {
        let at = i * s1.len();
        for (j, (&u, &v)) in s1.iter().zip(s2).enumerate() {
            self.r[at + j] = (self.step * u).exp();
            self.q[at + j] = (self.step * v).exp();
        }
        self.done[i] = true;
    }
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
        let f = -dot(&v, along) / aa;
        crate::loss::add_scaled(&mut v, f, along);
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
        loss_grad_by_design(&w0, &clf.design(), &clf.hyper, &mut Workspace::default(), &mut dw);
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
        // S_k = Xa·W_kᵀ through the classifier's design (the zero-skipping products GD uses):
        // ndarray's general `dot` took 17–27 ms for the digits' three in wasm, this ~1 ms
        let design = clf.design();
        let (c, d1) = w[0].dim();
        let s = [0, 1, 2].map(|k| {
            let mut wt = vec![0.0; d1 * c];
            for ((j, col), &v) in w[k].indexed_iter() {
                wt[col * c + j] = v;
            }
            let mut out = vec![0.0; data.xa.nrows() * c];
            design.scores(&wt, c, &mut out);
            out
        });
        let mut gram = [[0.0; 3]; 3];
        for k in 0..3 {
            for l in 0..3 {
                gram[k][l] = dot(&w[k], &w[l]);
            }
        }
        let abs_s = [1, 2].map(|k| s[k].iter().map(|v| v.abs()).collect());
        Landscape { data, hyper: clf.hyper, w, s, abs_s, gram, ratios: RefCell::new(Ratios { step: f64::NAN, r: Vec::new(), q: Vec::new(), done: Vec::new() }),
            pic_gap: RefCell::new(PicGap { key: (0, 0, 0), gap: PIC_GAP, range_lb: 0.0 }),
            pic_quadtree: std::cell::Cell::new(false),
            pic_keep_one_by_one: std::cell::Cell::new(false),
        }
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
    /// only**. Softmax: `picture_sums` (each example's grid in rectangles; one where a class
    /// stays more than a gap γ above the rest adds that class's score, a linear function, with
    /// no exp at all; elsewhere sums of exponentials in f32 lanes over the classes that matter).
    /// The product over the examples, the shifts, the correct-class scores, the logs and the
    /// result stay f64. The values differ from the f64 plane by at most about
    /// (2C + size/16 + 8)·2⁻²³ + C·e^{−γ} (the f32 roundings a value goes through, ~4e-6 with
    /// 10 classes, and the classes left out). γ is 17 (e^{−17} ≈ 4e-8), or smaller where a lower
    /// bound R on the whole grid's range allows: C·e^{−γ} ≈ three quarters of
    /// [`PICTURE_TOLERANCE`]·R ([`Landscape::picture_gap`]; the digits at spans 3–8: γ ≈ 4.7–5.7).
    /// When the bound is more than [`PICTURE_TOLERANCE`] of the larger of R and the range of the
    /// rows computed, the rows are computed in f64 instead, so a picture is always within
    /// [`PICTURE_TOLERANCE`] of its range of the f64 plane (tested). Numbers shown to the learner
    /// (hover readouts, the minimum and maximum) come from [`Landscape::loss_at`] and the f64
    /// plane. SVM: the f64 plane (already O(N·C + G) per row).
    pub fn picture_rows(&self, span: f64, size: usize, rows: std::ops::Range<usize>) -> Vec<f64> {
        let ax = axis(span, size);
        let rows = rows.start.min(size)..rows.end.min(size);
        let mut out = vec![0.0; rows.len() * size];
        if self.picture_in_f32(span, size) {
            let (gap, range_lb) = self.picture_gap(&ax);
            self.picture_sums(&ax, rows.clone(), gap, &mut out);
            self.finish_rows(&ax, &ax[rows.clone()], &mut out);
            // range_lb is the same for every call on this grid, so where it decides, rows
            // computed apart decide alike
            if self.picture_fits(&out, size, gap, range_lb) {
                return out;
            }
        }
        self.rows_into(&ax, &ax, rows, &mut out);
        out
    }

    /// The whole picture ([`Landscape::picture_rows`] of rows 0..size) a few examples at a
    /// time, for a caller that must stop between pieces (the page's thread, a frame at a time):
    /// `None` where the picture is not summed in f32 (SVM: [`Landscape::plane_rows`] is the
    /// picture, already cheap in row pieces).
    pub fn picture_run(&self, span: f64, size: usize) -> Option<PictureRun> {
        if !self.picture_in_f32(span, size) || size == 0 {
            return None;
        }
        let ax = axis(span, size);
        let (gap, range_lb) = self.picture_gap(&ax);
        Some(PictureRun { span, size, gap, range_lb, acc: PicAcc::new(size, 0..size) })
    }

    /// The next `examples` examples into `run`; returns how many are left.
    pub fn picture_run_step(&self, run: &mut PictureRun, examples: usize) -> usize {
        let ax = axis(run.span, run.size);
        let until = run.acc.next.saturating_add(examples);
        self.picture_examples(&ax, run.gap, &mut run.acc, until);
        run.left(self)
    }

    /// The finished picture (any examples left are added first), or `None` where its range is
    /// too flat for the f32 sums: then the f64 plane is the picture ([`Landscape::picture_rows`]
    /// computes it itself in that case; a caller working in pieces computes
    /// [`Landscape::plane_rows`] in pieces).
    pub fn picture_run_finish(&self, mut run: PictureRun) -> Option<Vec<f64>> {
        let ax = axis(run.span, run.size);
        self.picture_examples(&ax, run.gap, &mut run.acc, self.data.len());
        let mut out = vec![0.0; run.size * run.size];
        let (gap, range_lb) = (run.gap, run.range_lb);
        self.picture_out(&ax, run.acc, &mut out);
        self.finish_rows(&ax, &ax, &mut out);
        self.picture_fits(&out, run.size, gap, range_lb).then_some(out)
    }

    /// Whether f32 sums `out` (finished rows) are within [`PICTURE_TOLERANCE`] of the grid's range: the range
    /// is at least the larger of the rows' own and the lower bound `range_lb`.
    fn picture_fits(&self, out: &[f64], size: usize, gap: f64, range_lb: f64) -> bool {
        let bound = picture_rounding(self.classes(), size) + self.classes() as f64 * (-gap).exp();
        let (lo, hi) = out.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        fmax(hi - lo, range_lb) * PICTURE_TOLERANCE >= bound
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

    /// Sends the picture's fast-moving examples down the quadtree ([`PicWork::node`]) instead of
    /// the row sweep ([`PicWork::sweep`]): the picture as before the sweep, for tests and A/B
    /// measurements. Either is within the picture's bound of the f64 plane.
    #[doc(hidden)]
    pub fn set_picture_quadtree(&self, on: bool) {
        self.pic_quadtree.set(on);
    }

    /// Bounds the picture's rectangles class by class ([`PicWork::keep_all_one_by_one`])
    /// instead of two classes at a time in f64x2 lanes: for tests (the two give the same bits).
    #[doc(hidden)]
    pub fn set_picture_keep_one_by_one(&self, on: bool) {
        self.pic_keep_one_by_one.set(on);
    }

    /// Whether [`Landscape::picture_rows`] sums in f32 lanes at this span and size: softmax,
    /// at any span (the picture's blocks shrink to single vectors of 4 points where scores move
    /// fast, and there most blocks need no exp at all; no case is slower than the f64 plane).
    /// The picture still falls back to the f64 rows where its range is too flat for f32.
    pub fn picture_in_f32(&self, _span: f64, _size: usize) -> bool {
        self.hyper.kind == LossKind::Softmax
    }

    /// The gap below which [`Landscape::picture_rows`] leaves a class out of a rectangle, and a
    /// lower bound on the range of the whole grid `ax` × `ax` (0 if none is found), computed
    /// once per grid.
    ///
    /// A class left out at gap γ is below some kept class by more than γ at every point of the
    /// rectangle, so each one left out adds less than e^{−γ}·Z_kept to Z and log Z is short by
    /// less than (C − 1)·e^{−γ}; so is L, a mean over the examples. The colour needs L within
    /// [`PICTURE_TOLERANCE`] (ε) of the grid's range R; the bound C·e^{−γ} that
    /// [`Landscape::picture_rows`] checks gets three quarters of ε·R ([`PIC_DROP_SHARE`]), or
    /// less where the f32 roundings need more than the rest (twice their bound is kept for them):
    /// γ = ln(C / min(¾·ε·R, ε·R − 2·rounding)), R a lower bound on the range, between
    /// [`PIC_GAP_MIN`] and [`PIC_GAP`] (17, below f32's rounding: where no bound is found).
    /// R comes with no exp from the grid's corners and centre: per example
    /// max_j s_j − s_y ≤ L_i ≤ max_j s_j − s_y + ln C, so L(P) ∈ [ℓ(P), ℓ(P) + ln C] with ℓ the
    /// mean of the left side (plus the regulariser), and R = max_P ℓ(P) − min_P ℓ(P) − ln C.
    fn picture_gap(&self, ax: &[f64]) -> (f64, f64) {
        let g = ax.len();
        let (n, c) = (self.data.len(), self.classes());
        if g == 0 || n == 0 || c < 2 {
            return (PIC_GAP, 0.0);
        }
        let key = (ax[0].to_bits(), ax[g - 1].to_bits(), g);
        if self.pic_gap.borrow().key == key {
            let p = self.pic_gap.borrow();
            return (p.gap, p.range_lb);
        }
        let (mut top, mut bottom) = (f64::NEG_INFINITY, f64::INFINITY);
        for (ka, kb) in [(0, 0), (g - 1, 0), (0, g - 1), (g - 1, g - 1), (g / 2, g / 2)] {
            let (a, b) = (ax[ka], ax[kb]);
            let mut sum = 0.0;
            for i in 0..n {
                let at = i * c;
                let s = |j: usize| self.s[0][at + j] + a * self.s[1][at + j] + b * self.s[2][at + j];
                let m = (0..c).map(s).fold(f64::NEG_INFINITY, fmax);
                sum += m - s(self.data.y[i]);
            }
            let l = sum / n as f64 + self.reg_term(a, b);
            top = fmax(top, l);
            bottom = if l < bottom { l } else { bottom };
        }
        let range_lb = top - bottom - (c as f64).ln();
        let tol = PICTURE_TOLERANCE * range_lb;
        let budget = (PIC_DROP_SHARE * tol).min(tol - 2.0 * picture_rounding(c, g));
        let (gap, range_lb) = if range_lb > 0.0 && range_lb.is_finite() && budget > 0.0 {
            ((c as f64 / budget).ln().clamp(PIC_GAP_MIN, PIC_GAP), range_lb)
        } else {
            (PIC_GAP, 0.0)
        };
        *self.pic_gap.borrow_mut() = PicGap { key, gap, range_lb };
        (gap, range_lb)
    }

    /// e^{Δ·s1_ij} and e^{Δ·s2_ij} (N × C each) for the grid spacing Δ, computed once per Δ.
    fn ratios(&self, step: f64) -> std::cell::Ref<'_, Ratios> {
        {
            // every example's (those a picture of this Δ made already are kept)
            let mut r = self.ratios_for(step);
            let c = self.classes();
            for i in 0..self.data.len() {
                if !r.done[i] {
                    r.fill(i, &self.s[1][i * c..(i + 1) * c], &self.s[2][i * c..(i + 1) * c]);
                }
            }
        }
        self.ratios.borrow()
    }

    /// The ratios' cache for grid spacing `step`, each example's made when first needed
    /// (`done`): a new Δ (every grid of a span drag) costs no exp for the examples that do not
    /// use them.
    fn ratios_for(&self, step: f64) -> std::cell::RefMut<'_, Ratios> {
        let mut r = self.ratios.borrow_mut();
        if r.step.to_bits() != step.to_bits() || r.done.len() != self.data.len() {
            let nc = self.s[1].len();
            r.step = step;
            r.r.resize(nc, 0.0);
            r.q.resize(nc, 0.0);
            r.done.clear();
            r.done.resize(self.data.len(), false);
        }
        r
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

    /// Σ_i L_i (softmax) at every point of rows `rows` of the grid `ax` × `ax`, added into `out`,
    /// for the picture (colour only; see [`Landscape::picture_rows`] for the accuracy).
    ///
    /// L_i = log Σ_j e^{s_ij} − s_{y_i}. Over a rectangle of the grid score j lies in
    /// cen_j ± rad_j (linear in (a, b): its centre value ± |slope|·half-extent), so
    /// floor = max_j (cen_j − rad_j) bounds the largest from below (the leader ℓ reaches it); a
    /// class j with s_ℓ − s_j > γ at every point of the rectangle (`gap`, [`Landscape::picture_gap`];
    /// the difference is linear, its least value exact) adds < e^{−γ} of Z there and is left out
    /// ([`PicWork::keep`]); M = max (cen_j + rad_j) over the classes kept bounds their scores from
    /// above. A rectangle is then
    ///
    /// * "clean" if one class j is left: log Z = s_j (to C·e^{−γ}), linear in (a, b): its
    ///   coefficients are summed per 4 columns of a row, no exp;
    /// * else, where M − floor ≤ [`PIC_GEO_LIMIT`], summed as geometric sequences, as in the
    ///   plane kernel: e^{s_j − M} = E_j(row)·ρ_j^(m − m_j) (m the column in the rectangle,
    ///   ρ_j = e^{Δ·s1_j}, m_j the column where class j peaks on the row: the left one if it
    ///   falls, the right one if it rises) in f32x4 lanes over the classes kept; E_j fresh at the
    ///   rectangle's first row and advanced by e^{Δ·s2_j} per row; M goes to the points' shift.
    ///   A class that matters somewhere on a row has E_j ≥ e^{floor − γ − M} ≥ e^{−87} (a normal
    ///   f32; γ ≤ 17), and every power is ≤ 1;
    /// * or, for one group of 4 columns in one row where neither holds, per point:
    ///   m = max_j s_j and Z' = Σ_j e^{s_j − m} over the classes within γ of m
    ///   ([`crate::simd::exp_f32x4`]); m goes to the point's shift.
    ///
    /// An example whose scores move moderately is cut into tiles of the plane kernel's f32 shape
    /// (every score moves by ≤ 80 across one, at least 4 columns wide; at most
    /// [`PIC_TILES_MAX`] on the grid), each summed whole ([`PicWork::tile`]; halved if
    /// M − floor > 70): wasm's lanes go fastest on long rows. One whose scores
    /// move fast (unstandardised features, large spans) is swept row by row along its scores'
    /// upper envelope ([`PicWork::sweep`]), or, with more than 64 classes, goes down a quadtree ([`PicWork::node`]):
    /// a rectangle is halved (columns in whole groups of 4) until it is clean, or its terms
    /// stay within f32's range for geometric sums, or it is one group in one row; most of such
    /// a grid is clean, and costs no exp.
    ///
    /// The product Π_i Z_i is kept per point in f64 with its exponent apart (as in the plane
    /// kernel) and the log taken once per point. Every choice depends on the example and the
    /// rectangle's place in the whole grid only, never on `rows`: rows computed apart equal the
    /// whole picture bit for bit.
    fn picture_sums(&self, ax: &[f64], rows: std::ops::Range<usize>, gap: f64, out: &mut [f64]) {
        if ax.is_empty() || rows.is_empty() {
            return;
        }
        let mut acc = PicAcc::new(ax.len(), rows);
        self.picture_examples(ax, gap, &mut acc, self.data.len());
        self.picture_out(ax, acc, out);
    }

    /// Examples `acc.next..until` of a picture (see [`Landscape::picture_sums`]) multiplied
    /// into `acc`'s products, in order: the products after the last example are the same
    /// whether the examples came in one call or in many.
    fn picture_examples(&self, ax: &[f64], gap: f64, acc: &mut PicAcc, until: usize) {
        let (g, row_lo, nrows) = (ax.len(), acc.rows.start, acc.rows.len());
        let until = until.min(self.data.len());
        if g == 0 || nrows == 0 || acc.next >= until {
            return;
        }
        let c = self.classes();
        let da = if g > 1 { (ax[g - 1] - ax[0]) / (g - 1) as f64 } else { 0.0 };
        let (gv, gp) = (g.div_ceil(4), g.div_ceil(4) * 4);
        let root_w = gp.next_power_of_two().max(4);
        let root_h = g.next_power_of_two();
        let (first, [mut sy0, mut sy1, mut sy2]) = (acc.next, acc.sy);
        let ratios = self.ratios_for(da);
        let mut w = PicWork {
            g,
            gv,
            gp,
            row_lo,
            nrows,
            a0: ax[0],
            da,
            ax,
            gap,
            acc: std::mem::replace(acc, PicAcc::new(0, 0..0)),
            ptab: vec![0.0f32; c * root_w],
            ptab_w: 0,
            pt_stride: root_w,
            stack: Vec::with_capacity(c * 24),
            // (a last −1e300 where C is odd: `phase_end` reads classes in pairs and masks that
            // one's lane off; s1p, s2p its 0)
            cen: vec![-1e300; c.div_ceil(2) * 2],
            s1p: vec![0.0; c.div_ceil(2) * 2],
            s2p: vec![0.0; c.div_ceil(2) * 2],
            e: vec![0.0; c + 1],
            ef: vec![0.0; PIC_ROWS * (c + 1)],
            qk: vec![0.0; c + 1],
            base: vec![0; c],
            drop: 0.0,
            sc: vec![0.0; c * 4],
            order: Vec::with_capacity(c),
            hull: Vec::with_capacity(c),
            terms: Terms { tk: Vec::new(), td: Vec::new(), n: 0 },
            tz: Vec::new(),
            kb: Vec::with_capacity(c + 1),
            hl: Vec::with_capacity(c),
            vx: Vec::with_capacity(c),
            vd: Vec::with_capacity(c),
            cands: Vec::new(),
            cand_at: Vec::with_capacity(c + 1),
            gl0: Vec::new(),
            gl1: Vec::new(),
            ratios,
            ex_i: 0,
            one_by_one: self.pic_keep_one_by_one.get(),
        };
        // log2 bounds on every product: each example multiplies by Z ∈ [e^{−PIC_GEO_LIMIT}, C]
        // (its geometric sums' Z ≥ e^{floor − M}, M − floor ≤ PIC_GEO_LIMIT; the others' ≥ 1):
        // renormalised when the next example could leave f64's range, the lower bound lowered
        // by the example's actual largest M − floor once it is done. Renormalising is exact,
        // so when it happens (which depends on the rectangles this call visits, and on where a
        // run's pieces of examples begin) changes no bit
        let (mut lo, mut hi) = (w.acc.lo, w.acc.hi);
        let log2c = (c as f64).log2() + 1e-6;
        let ex_bits = PIC_GEO_LIMIT / std::f64::consts::LN_2 + 1.0;
        let y = &self.data.y;
        for i in first..until {
            let at = i * c;
            let ex = PicExample {
                s0: &self.s[0][at..at + c],
                s1: &self.s[1][at..at + c],
                s2: &self.s[2][at..at + c],
                a1: &self.abs_s[0][at..at + c],
                a2: &self.abs_s[1][at..at + c],
            };
            sy0 += ex.s0[y[i]];
            sy1 += ex.s1[y[i]];
            sy2 += ex.s2[y[i]];
            if lo - ex_bits < -F64x2::EXPO_BUDGET || hi + log2c > F64x2::EXPO_BUDGET {
                let PicAcc { prod, expo, .. } = &mut w.acc;
                for (v, e) in expo.iter_mut().enumerate() {
                    F64x2::load(prod, v * 2).renorm(e).store(prod, v * 2);
                }
                (lo, hi) = (0.0, 1.0);
            }
            hi += log2c;
            w.drop = 0.0;
            w.ptab_w = 0;
            w.ex_i = i;
            w.stack.clear();
            w.stack.extend(0..c);
            // scores moving moderately: the plane kernel's f32 tiles (every score moves by ≤ 80
            // across one; few per example) summed whole, as fast as wasm's lanes go; moving
            // fast: the quadtree, whose clean leaves need no exp at all
            let m1 = ex.a1.iter().fold(0.0, |m, &v| fmax(m, v)) * da;
            let m2 = ex.a2.iter().fold(0.0, |m, &v| fmax(m, v)) * da;
            let (tw, th) = tile_shape(m1, m2, g, g, 16, PIC_TILE_SPREAD);
            let tw = tw / 4 * 4;
            if tw >= 4 && gp.div_ceil(tw) * g.div_ceil(th) <= PIC_TILES_MAX {
                let mut r0 = row_lo / th * th;
                while r0 < row_lo + nrows {
                    let mut k0 = 0;
                    while k0 < gp {
                        w.tile(&ex, k0, tw, r0, th);
                        k0 += tw;
                    }
                    r0 += th;
                }
            } else if g >= 2 && c <= 64 && !self.pic_quadtree.get() {
                w.sweep(&ex);
            } else {
                w.node(&ex, 0, root_w, 0, root_h, 0..c);
            }
            // + 1 bit for Z's f32 rounding
            lo -= w.drop / std::f64::consts::LN_2 + 1.0;
        }
        *acc = PicAcc { lo, hi, sy: [sy0, sy1, sy2], next: until, ..w.acc };
    }

    /// The picture's sums from `acc` once every example is in (see [`Landscape::picture_sums`]),
    /// added into `out` (row-major, `acc`'s rows).
    fn picture_out(&self, ax: &[f64], acc: PicAcc, out: &mut [f64]) {
        let g = ax.len();
        let (row_lo, nrows, gv, gp) = (acc.rows.start, acc.rows.len(), g.div_ceil(4), g.div_ceil(4) * 4);
        let [sy0, sy1, sy2] = acc.sy;
        // as in the plane kernel: a last renormalisation makes every product m·2^e, m ∈ [1, 2)
        let PicAcc { mut prod, mut expo, lin_a, lin_b, lin_row, pts, env_c, env_u, .. } = acc;
        for (v, e) in expo.iter_mut().enumerate() {
            F64x2::load(&prod, v * 2).renorm(e).store(&mut prod, v * 2);
        }
        let ln2 = std::f64::consts::LN_2;
        for row in 0..nrows {
            let b = ax[row_lo + row];
            for k in 0..g {
                let idx = row * gp + k;
                let e = F64x2::expo_lane(expo[idx / 2], idx % 2);
                let mut v = prod[idx].ln() + e as f64 * ln2 + (lin_a[row * gv + k / 4] + lin_row[row]) + ax[k] * lin_b[row * gv + k / 4];
                if !pts.is_empty() {
                    v += pts[idx];
                }
                out[row * g + k] += v - (sy0 + ax[k] * sy1 + b * sy2);
            }
            if !env_c.is_empty() {
                let at = row * (g + 1);
                let (mut c0, mut u0) = (0.0, 0.0);
                for k in 0..g {
                    c0 += env_c[at + k];
                    u0 += env_u[at + k];
                    out[row * g + k] += c0 + ax[k] * u0;
                }
            }
        }
    }

    /// Least-squares coordinates of W in the plane: W ≈ W0 + a·W1 + b·W2.
    /// Returns [a, b, ‖W − (W0 + a·W1 + b·W2)‖] (the distance off the plane, Frobenius norm).
    /// Panics unless W has W0's shape (the wasm facade checks it first).
    pub fn project(&self, w: &Array2<f64>) -> [f64; 3] {
        assert_eq!(w.dim(), self.w[0].dim(), "project: W's shape");
        // V = W − W0 entry by entry, in the arrays' order (no temporary matrices: ndarray's
        // arithmetic between arrays cost ~6 KB of wasm here)
        let v = || w.iter().zip(self.w[0].iter()).map(|(x, y)| x - y);
        let (g11, g12, g22) = (self.gram[1][1], self.gram[1][2], self.gram[2][2]);
        let r1: f64 = v().zip(self.w[1].iter()).map(|(x, y)| x * y).sum();
        let r2: f64 = v().zip(self.w[2].iter()).map(|(x, y)| x * y).sum();
        let det = g11 * g22 - g12 * g12;
        let (a, b) = if det.abs() > 1e-300 && det.abs() > 1e-12 * g11 * g22 {
            ((r1 * g22 - r2 * g12) / det, (r2 * g11 - r1 * g12) / det)
        } else if g11 > 0.0 {
            (r1 / g11, 0.0)
        } else {
            (0.0, 0.0)
        };
        let resid: f64 = v().zip(self.w[1].iter()).zip(self.w[2].iter()).map(|((x, p), q)| (x - p * a) - q * b).map(|e| e * e).sum();
        [a, b, resid.sqrt()]
    }
}

/// The largest total move of a score across one tile of the softmax kernel: f64 terms stay
/// ≥ e^{−300} (normal), f32 terms ≥ e^{−80} ≈ 1.8e-35 (normal; f32's least normal is 1.2e-38).
/// Rows between fresh exps in a softmax tile (between them, one multiply per row and class).
const FRESH_ROWS: usize = 8;

/// Paired with the gap below which a class is left out of a tile (its terms are < e^{−gap} of
/// Z: below f64's rounding).
const SOFTMAX_F64_SPREAD: (f64, f64) = (300.0, 40.0);

/// Tiles of the plane kernel's f32 shape (total move ≤ 80 per tile, half of it along the rows),
/// used where an example has at most [`PIC_TILES_MAX`] of them on the grid; more go to the row
/// sweep. (wasm A/B at 512: the 1900 × 256 N(0, 1) CSV's picture 0.74× at span 8, the 0–16
/// CSV's 0.94× at span 3, the rest within noise; at 16 the N(0, 1) CSVs' pictures took 1.5–2.4×.)
const PIC_TILE_SPREAD: f64 = 80.0;
const PIC_TILES_MAX: usize = 128;
/// The largest gap: a class more than this below another over a rectangle is left out of it,
/// e^{−17} ≈ 4.1e-8 < 2⁻²⁴ (where no bound on the range allows a smaller one).
const PIC_GAP: f64 = 17.0;
/// How far the picture ([`Landscape::picture_rows`], colour only) may be from the f64 plane, as
/// a fraction of the grid's range: a quarter of one step of the heat map's 256-colour viridis
/// table (`render::heatmap`, a step being 1/255 of the range). The page colours a picture
/// between the f64 losses at its darkest and brightest points, so a cell's colour is the f64
/// plane's or, rarely, one of its neighbours in the table (measured on every cell in
/// tests/picture.rs). Stops up to 24 held the picture to 1e-4 (with a quarter of it for the
/// classes left out, and γ ≥ 6); 1e-3 lets γ go down to 3 on the unstandardised CSVs, whose
/// ranges are in the hundreds (the page bench's CSV at span 3: R ≥ 531, γ 6.5 → 3.2; at spans 5
/// and 8, 3; its picture ~1.33× faster over a drag). Where γ reaches its floor of 3, 1.5
/// measured 2–4% faster at spans 5–8 and no faster at 3: not taken.
pub const PICTURE_TOLERANCE: f64 = 1e-3;
/// The share of [`PICTURE_TOLERANCE`] given to the classes left out (the f32 roundings, ~4e-6
/// with 10 classes, need little of the rest; 0.25 until stop 24: the page bench's CSV's picture
/// 0.87× at span 3 with 0.75, 0.93× over a drag), and the least gap (e^{−3} ≈ 0.05: reached
/// where the range is over ~670 with 10 classes).
const PIC_DROP_SHARE: f64 = 0.75;
const PIC_GAP_MIN: f64 = 3.0;
/// Geometric sums only where M − floor ≤ 70: the E_j of every class that matters (its largest
/// term on a row, ≥ e^{floor − γ − M}, γ ≤ 17) is then ≥ e^{−87}, a normal f32 (the least is e^{−87.3}).
const PIC_GEO_LIMIT: f64 = 70.0;
/// Rows summed together in the geometric sums (each class's powers loaded once for them all;
/// 3 and 4 were slower; `geometric` lays the rows' E_j out for 1 or 2).
const PIC_ROWS: usize = 2;
/// Vectors of 4 columns summed together (2 × 4 sums in registers; more spill in V8 on x64).
const PIC_VECS: usize = 4;

/// One example's cached scores and ratios, for [`PicWork::node`].
struct PicExample<'a> {
    s0: &'a [f64],
    s1: &'a [f64],
    s2: &'a [f64],
    /// |s1_j|, |s2_j|
    a1: &'a [f64],
    a2: &'a [f64],
}

/// What a picture carries from one example to the next ([`Landscape::picture_examples`]): the
/// products Π_i Z_i of its rows with their exponents apart, the shifts, the bounds that decide
/// a renormalisation, the correct-class score sums and the next example. Kept between calls, it
/// lets a grid be computed a few examples at a time at the cost of one call for all of them
/// (row pieces set each example's rectangles up again for every piece: 16 pieces of 4 rows
/// cost 2–4× one call for the whole grid).
struct PicAcc {
    rows: std::ops::Range<usize>,
    /// Π_i Z_i per point (row-major, gp columns), its binary exponents apart
    prod: Vec<f64>,
    expo: Vec<<F64x2 as Lanes>::Expo>,
    /// shifts: lin_a + a·lin_b per 4 columns of a row; pts per point (allocated when needed)
    lin_a: Vec<f64>,
    lin_b: Vec<f64>,
    /// shifts of rectangles as wide as the grid: one per row
    lin_row: Vec<f64>,
    pts: Vec<f64>,
    /// shifts of swept examples ([`PicWork::sweep`]): per row, differences along the columns
    /// (g + 1 each) of the intercepts and slopes (in a) of the envelope's segments
    env_c: Vec<f64>,
    env_u: Vec<f64>,
    lo: f64,
    hi: f64,
    sy: [f64; 3],
    next: usize,
}

impl PicAcc {
    fn new(g: usize, rows: std::ops::Range<usize>) -> PicAcc {
        let (gv, gp, nrows) = (g.div_ceil(4), g.div_ceil(4) * 4, rows.len());
        PicAcc {
            rows,
            prod: vec![1.0f64; nrows * gp],
            expo: vec![F64x2::expo_zero(); nrows * gp / 2],
            lin_a: vec![0.0f64; nrows * gv],
            lin_b: vec![0.0f64; nrows * gv],
            lin_row: vec![0.0f64; nrows],
            pts: Vec::new(),
            env_c: Vec::new(),
            env_u: Vec::new(),
            lo: 0.0,
            hi: 1.0,
            sy: [0.0; 3],
            next: 0,
        }
    }
}

/// A whole picture computed a few examples at a time: [`Landscape::picture_run`],
/// [`Landscape::picture_run_step`], [`Landscape::picture_run_finish`]. Its values are
/// [`Landscape::picture_rows`] of every row, bit for bit.
pub struct PictureRun {
    span: f64,
    size: usize,
    gap: f64,
    range_lb: f64,
    acc: PicAcc,
}

impl PictureRun {
    /// Examples not yet in.
    pub fn left(&self, l: &Landscape) -> usize {
        l.data.len() - self.acc.next.min(l.data.len())
    }
}

/// The buffers of one picture ([`Landscape::picture_sums`]); rows are this call's rows.
struct PicWork<'a> {
    g: usize,
    gv: usize,
    gp: usize,
    row_lo: usize,
    nrows: usize,
    a0: f64,
    da: f64,
    ax: &'a [f64],
    /// classes more than this below another over a rectangle are left out of it
    /// ([`Landscape::picture_gap`])
    gap: f64,
    /// the products and shifts of this call's rows, carried from example to example
    acc: PicAcc,
    /// ptab[j·pt_stride + m], m < ptab_w: this example's powers of ρ_j for rectangles ptab_w
    /// columns wide (see `geometric`)
    ptab: Vec<f32>,
    ptab_w: usize,
    pt_stride: usize,
    /// the classes kept, one slice per level of the quadtree
    stack: Vec<usize>,
    /// each class's value at the centre of the rectangle being bounded
    cen: Vec<f64>,
    e: Vec<f64>,
    /// up to [`PIC_ROWS`] rows' E_j rounded to f32 (class by class), for [`geo_block`]
    ef: Vec<f32>,
    /// e^{Δ·s2_j} of the kept classes, in their order
    qk: Vec<f64>,
    /// where each kept class's powers for the rectangle start in `ptab`
    base: Vec<usize>,
    /// the largest M − floor of this example's geometric sums so far (their Z ≥ e^{floor − M})
    drop: f64,
    sc: Vec<f64>,
    /// [`PicWork::sweep`]: the classes by slope along a row; the row's upper envelope (its
    /// classes left to right), its segments' columns, its kinks (a, and their rate in b); the
    /// phase's classes that may come within γ of each segment ([j, first row, end row]; segment
    /// t's from cand_at[t]); the (point, −gap) of every class within reach of the envelope off
    /// its own segment, the example's, and each point's Σ e^{−gap}
    order: Vec<usize>,
    hull: Vec<usize>,
    kb: Vec<usize>,
    hl: Vec<[f64; 5]>,
    /// the example's s1, s2, padded to pairs of classes with 0
    s1p: Vec<f64>,
    s2p: Vec<f64>,
    vx: Vec<f64>,
    vd: Vec<f64>,
    cands: Vec<[u32; 3]>,
    cand_at: Vec<usize>,
    /// [`PicWork::phase_end`]'s gap lines, for `phase_cands`: at the phase's point i (kink i − 1
    /// for 0 < i < n; points 0 and n, the grid's first and last columns, only where the hull is
    /// one line), class j's gap below the envelope is gl0[i·C' + j] + gl1[i·C' + j]·(b − b_r)
    /// (C' the classes padded to pairs)
    gl0: Vec<f64>,
    gl1: Vec<f64>,
    /// e^{Δ·s1_ij}, e^{Δ·s2_ij} of this grid's Δ, example i's made by [`PicWork::geometric`]
    /// when it first needs them; `ex_i` the example being added
    ratios: std::cell::RefMut<'a, Ratios>,
    ex_i: usize,
    /// [`Landscape::set_picture_keep_one_by_one`]
    one_by_one: bool,
    terms: Terms,
    tz: Vec<f32>,
}

impl PicWork<'_> {
    /// The classes of `self.stack[act]` that matter over the rectangle `(hw, hh, ac, bc)` (its
    /// half-widths and centre in (a, b), [`PicWork::rect`]), pushed onto the stack; returns
    /// (M, floor, their range on the stack). Each score is linear, so over the rectangle s_j lies
    /// within mid_j ± rad_j (mid_j at the centre, rad_j = |s1_j|·hw + |s2_j|·hh); the leader ℓ
    /// is the class whose lower end is highest, floor = mid_ℓ − rad_ℓ: no point of the rectangle
    /// has a largest score below it. Class j is left out when s_ℓ − s_j > gap at every point —
    /// the difference is linear too, so its least value is exact: (mid_ℓ − mid_j) −
    /// |s1_ℓ − s1_j|·hw − |s2_ℓ − s2_j|·hh (tighter than comparing the two ends, as two scores
    /// often move together). M = the largest upper end mid_j + rad_j of the classes kept.
    fn keep(&mut self, ex: &PicExample, act: std::ops::Range<usize>, (hw, hh, ac, bc): (f64, f64, f64, f64)) -> (f64, f64, std::ops::Range<usize>) {
        if act.start == 0 && act.end == ex.s0.len() {
            // every class (each example's stack starts as 0..C): the same sums over the
            // per-class slices side by side, without looking each class up
            return self.keep_all(ex, (hw, hh, ac, bc));
        }
        let mut floor = f64::NEG_INFINITY;
        let mut lead = self.stack[act.start];
        for t in act.clone() {
            let j = self.stack[t];
            let mid = ex.s0[j] + ac * ex.s1[j] + bc * ex.s2[j];
            self.cen[j] = mid;
            let low = mid - (ex.a1[j] * hw + ex.a2[j] * hh);
            if low > floor {
                floor = low;
                lead = j;
            }
        }
        let (ml, s1l, s2l) = (self.cen[lead], ex.s1[lead], ex.s2[lead]);
        let start = self.stack.len();
        let mut mx = f64::NEG_INFINITY;
        for t in act {
            let j = self.stack[t];
            let least = (ml - self.cen[j]) - (s1l - ex.s1[j]).abs() * hw - (s2l - ex.s2[j]).abs() * hh;
            if !(least > self.gap) {
                self.stack.push(j);
                mx = fmax(mx, self.cen[j] + ex.a1[j] * hw + ex.a2[j] * hh);
            }
        }
        (mx, floor, start..self.stack.len())
    }

    /// [`PicWork::keep`] of all the classes, in the same order (the same result): two classes
    /// at a time in f64x2 lanes where C is even and at most 64 (each lane's operations those of
    /// [`PicWork::keep_all_one_by_one`] in the same order, so the same bits; the branches on
    /// which class leads and which are kept, which no predictor guesses, become a maximum and a
    /// bit mask). The standardised page CSV at span 8 asks for ~43 of these an example; pic-ab,
    /// 5 rounds: the tile-heavy pictures 0.82–0.92× (the standardised page CSV 0.85× at span 8,
    /// 0.91× over a drag; the N(0, 1) CSVs 0.82–0.91×), the digits 0.83–0.99×, the row-swept
    /// 0–16 CSVs unchanged.
    fn keep_all(&mut self, ex: &PicExample, (hw, hh, ac, bc): (f64, f64, f64, f64)) -> (f64, f64, std::ops::Range<usize>) {
        let c = ex.s0.len();
        if c % 2 != 0 || c > 64 || self.one_by_one {
            return self.keep_all_one_by_one(ex, (hw, hh, ac, bc));
        }
        let (s0, s1, s2, a1, a2) = (ex.s0, &ex.s1[..c], &ex.s2[..c], &ex.a1[..c], &ex.a2[..c]);
        let (acv, bcv, hwv, hhv) = (F64x2::splat(ac), F64x2::splat(bc), F64x2::splat(hw), F64x2::splat(hh));
        let (low, hi) = self.sc[..2 * c].split_at_mut(c);
        let mut fl = F64x2::splat(f64::NEG_INFINITY);
        for q in (0..c).step_by(2) {
            // mid = s0 + ac·s1 + bc·s2, low = mid − (a1·hw + a2·hh), hi = mid + a1·hw + a2·hh
            let mid = F64x2::load(s0, q).add(acv.mul(F64x2::load(s1, q))).add(bcv.mul(F64x2::load(s2, q)));
            mid.store(&mut self.cen, q);
            let (r1, r2) = (F64x2::load(a1, q).mul(hwv), F64x2::load(a2, q).mul(hhv));
            let lo = mid.minus(r1.add(r2));
            lo.store(low, q);
            mid.add(r1).add(r2).store(hi, q);
            fl = fl.pmax(lo);
        }
        // the leader: the first class whose lower end is the highest
        let floor = fmax(fl.lane(0), fl.lane(1));
        let lead = low.iter().position(|&v| v == floor).unwrap_or(0);
        let (ml, s1l, s2l) = (self.cen[lead], s1[lead], s2[lead]);
        let (mlv, s1v, s2v) = (F64x2::splat(ml), F64x2::splat(s1l), F64x2::splat(s2l));
        let mut out = 0u64;
        for q in (0..c).step_by(2) {
            // least = (ml − mid) − |s1ℓ − s1|·hw − |s2ℓ − s2|·hh; left out where least > γ
            let d1 = s1v.minus(F64x2::load(s1, q)).abs();
            let d2 = s2v.minus(F64x2::load(s2, q)).abs();
            let least = mlv.minus(F64x2::load(&self.cen, q)).minus(d1.mul(hwv)).minus(d2.mul(hhv));
            out |= (least.above(self.gap) as u64) << q;
        }
        let start = self.stack.len();
        let mut mx = f64::NEG_INFINITY;
        let mut kept = !out & if c == 64 { u64::MAX } else { (1u64 << c) - 1 };
        while kept != 0 {
            let j = kept.trailing_zeros() as usize;
            kept &= kept - 1;
            self.stack.push(j);
            mx = fmax(mx, hi[j]);
        }
        (mx, floor, start..self.stack.len())
    }

    /// [`PicWork::keep_all`] class by class (an odd C, or more than 64).
    fn keep_all_one_by_one(&mut self, ex: &PicExample, (hw, hh, ac, bc): (f64, f64, f64, f64)) -> (f64, f64, std::ops::Range<usize>) {
        let c = ex.s0.len();
        let (s0, s1, s2, a1, a2) = (ex.s0, &ex.s1[..c], &ex.s2[..c], &ex.a1[..c], &ex.a2[..c]);
        let cen = &mut self.cen[..c];
        let mut floor = f64::NEG_INFINITY;
        let mut lead = 0;
        for j in 0..c {
            let mid = s0[j] + ac * s1[j] + bc * s2[j];
            cen[j] = mid;
            let low = mid - (a1[j] * hw + a2[j] * hh);
            if low > floor {
                floor = low;
                lead = j;
            }
        }
        let (ml, s1l, s2l) = (cen[lead], s1[lead], s2[lead]);
        let start = self.stack.len();
        let mut mx = f64::NEG_INFINITY;
        for j in 0..c {
            let least = (ml - cen[j]) - (s1l - s1[j]).abs() * hw - (s2l - s2[j]).abs() * hh;
            if !(least > self.gap) {
                self.stack.push(j);
                mx = fmax(mx, cen[j] + a1[j] * hw + a2[j] * hh);
            }
        }
        (mx, floor, start..self.stack.len())
    }

    /// The rectangle of columns k0..k0 + kw and rows r0..r0 + rh as (hw, hh, ac, bc): its
    /// half-widths and its centre in (a, b).
    fn rect(&self, k0: usize, kw: usize, r0: usize, rh: usize) -> (f64, f64, f64, f64) {
        let (hw, hh) = (self.da * (kw - 1) as f64 / 2.0, self.da * (rh - 1) as f64 / 2.0);
        (hw, hh, self.a0 + k0 as f64 * self.da + hw, self.a0 + r0 as f64 * self.da + hh)
    }

    /// The rectangle of columns k0..k0 + kw (kw a multiple of 4; halves keep whole groups of 4)
    /// and rows r0..r0 + rh of the
    /// whole grid (cut at its edges), for the classes `self.stack[act]` (those its parent kept:
    /// a class left out of a rectangle stays out of its halves, whose floors are no lower).
    fn node(&mut self, ex: &PicExample, k0: usize, kw: usize, r0: usize, rh: usize, act: std::ops::Range<usize>) {
        let (g, row_lo) = (self.g, self.row_lo);
        if k0 >= self.gp || r0 >= g || r0 + rh <= row_lo || r0 >= row_lo + self.nrows {
            return; // outside the grid or outside this call's rows: nothing to add here
        }
        // the nominal rectangle (full size even where the grid cuts it: the bounds still hold)
        let rect = self.rect(k0, kw, r0, rh);
        let (mx, floor, kept) = self.keep(ex, act, rect);
        let start = kept.start;
        // where a kept class matters (within γ ≤ 17 of the point's largest, which is ≥ floor)
        // its term is ≥ e^{floor − 17 − M}, and so is its E_j (its largest term on the row): with
        // M − floor ≤ 70, E_j ≥ e^{−87}, a normal f32
        let geo = mx - floor <= PIC_GEO_LIMIT;
        if kept.len() == 1 {
            self.clean(ex, self.stack[start], k0, kw, r0, rh);
        } else if geo {
            self.drop = fmax(self.drop, mx - floor);
            self.geometric(ex, kept.clone(), mx, k0, kw, r0, rh);
        } else if kw == 4 && rh == 1 {
            self.per_point(ex, kept.clone(), k0, r0);
        } else {
            // halve the side along which the scores move most (columns in whole groups of 4)
            let m1 = kept.clone().map(|t| ex.s1[self.stack[t]].abs()).fold(0.0, fmax) * kw as f64;
            let m2 = kept.clone().map(|t| ex.s2[self.stack[t]].abs()).fold(0.0, fmax) * rh as f64;
            if rh == 1 || (kw > 4 && m1 >= m2) {
                let left = kw / 8 * 4;
                self.node(ex, k0, left, r0, rh, kept.clone());
                self.node(ex, k0 + left, kw - left, r0, rh, kept.clone());
            } else {
                let top = rh / 2;
                self.node(ex, k0, kw, r0, top, kept.clone());
                self.node(ex, k0, kw, r0 + top, rh - top, kept.clone());
            }
        }
        self.stack.truncate(start);
    }

    /// One tile of the plane kernel's shape (every score moves by ≤ [`PIC_TILE_SPREAD`] across
    /// it): the classes more than γ below its leader left out, then one class (clean) or the geometric
    /// sums where M − floor ≤ [`PIC_GEO_LIMIT`] (every term that matters then has its E_j normal
    /// in f32), else two tiles of half the width (at 4 columns, the quadtree).
    fn tile(&mut self, ex: &PicExample, k0: usize, kw: usize, r0: usize, rh: usize) {
        if k0 >= self.gp {
            return; // a half past the grid's last column
        }
        let c = ex.s0.len();
        let rect = self.rect(k0, kw, r0, rh);
        let (mx, floor, kept) = self.keep(ex, 0..c, rect);
        let start = kept.start;
        if kept.len() == 1 {
            self.clean(ex, self.stack[start], k0, kw, r0, rh);
        } else if mx - floor <= PIC_GEO_LIMIT {
            self.drop = fmax(self.drop, mx - floor);
            self.geometric(ex, kept, mx, k0, kw, r0, rh);
        } else if kw >= 8 {
            // a term that matters could be below f32's normal range (see `node`): halve the
            // tile's width and try again
            let left = kw / 8 * 4;
            self.tile(ex, k0, left, r0, rh);
            self.tile(ex, k0 + left, kw - left, r0, rh);
        } else {
            self.node(ex, k0, kw, r0, rh, kept);
        }
        self.stack.truncate(start);
    }

    /// This call's rows of the rectangle, cut to the grid: (first row, end row) relative to
    /// the call, and the vectors of 4 columns v0..v1.
    fn span(&self, k0: usize, kw: usize, r0: usize, rh: usize) -> (usize, usize, usize, usize) {
        let (lo, hi) = (r0.max(self.row_lo), (r0 + rh).min(self.g).min(self.row_lo + self.nrows));
        (lo - self.row_lo, hi - self.row_lo, k0 / 4, (k0 + kw).min(self.gp) / 4)
    }

    /// log Z_i = s_j = (s0_j + b·s2_j) + a·s1_j over the rectangle.
    fn clean(&mut self, ex: &PicExample, j: usize, k0: usize, kw: usize, r0: usize, rh: usize) {
        let (rl, rh_, v0, v1) = self.span(k0, kw, r0, rh);
        for row in rl..rh_ {
            let al = ex.s0[j] + self.ax[self.row_lo + row] * ex.s2[j];
            let at = row * self.gv;
            self.acc.lin_a[at + v0..at + v1].iter_mut().for_each(|v| *v += al);
            self.acc.lin_b[at + v0..at + v1].iter_mut().for_each(|v| *v += ex.s1[j]);
        }
    }

    /// Z = Σ_j e^{s_j − M} over the rectangle, as geometric sequences along its rows.
    #[allow(clippy::too_many_arguments)]
    fn geometric(&mut self, ex: &PicExample, kept: std::ops::Range<usize>, mx: f64, k0: usize, kw: usize, r0: usize, rh: usize) {
        let (rl, rh_, v0, v1) = self.span(k0, kw, r0, rh);
        let width = (v1 - v0) * 4;
        let st = self.pt_stride;
        let c = ex.s1.len();
        let at = self.ex_i * c;
        if !self.ratios.done[self.ex_i] {
            // the example's ratios e^{Δ·s1_j}, e^{Δ·s2_j}: only examples with such rectangles
            // use them (on the unstandardised CSVs most are swept row by row instead), so they
            // are made here, not for every example of the data set at each new Δ (2·N·C exps,
            // ~1 ms of every grid of a CSV's span drag)
            self.ratios.fill(self.ex_i, ex.s1, ex.s2);
        }
        let (rr, rq) = (&self.ratios.r[at..at + c], &self.ratios.q[at..at + c]);
        if self.ptab_w < width {
            // each class's powers anchored where its row peaks: ρ_j^m for a class falling along
            // the row (s1_j ≤ 0; E_j at the left column), ρ_j^(m − width + 1) = (1/ρ_j)^(width − 1 − m)
            // for a rising one (E_j at the right column, the table filled from the right):
            // every entry ≤ 1, and every E_j is the class's largest term on its row. Built
            // once per example at the widest rectangle asked: a narrower one reads the first
            // `width` entries (falling) or the last (rising), the same values as a table of its
            // own width (each entry is the same chain's same step)
            for (j, &rho) in rr.iter().enumerate() {
                let row = &mut self.ptab[j * st..j * st + width];
                if ex.s1[j] > 0.0 {
                    powers_into(1.0 / rho, true, row);
                } else {
                    powers_into(rho, false, row);
                }
            }
            self.ptab_w = width;
        }
        let act = &self.stack[kept];
        for (bj, &j) in self.base.iter_mut().zip(act) {
            *bj = j * st + if ex.s1[j] > 0.0 { self.ptab_w - width } else { 0 };
        }
        let base = &self.base[..act.len()];
        // E_j = e^{s_j(anchor column, b_r0) − M}, then row by row to this call's first row
        let b = self.a0 + r0 as f64 * self.da;
        let (a_left, a_right) = (self.a0 + k0 as f64 * self.da, self.a0 + (k0 + width - 1) as f64 * self.da);
        for (t, js) in act.chunks(4).enumerate() {
            let d = [0, 1, 2, 3].map(|l| {
                js.get(l).map_or(0.0, |&j| {
                    let a = if ex.s1[j] > 0.0 { a_right } else { a_left };
                    ex.s0[j] + a * ex.s1[j] + b * ex.s2[j] - mx
                })
            });
            let x = exp4(d);
            self.e[t * 4..t * 4 + js.len()].copy_from_slice(&x[..js.len()]);
        }
        let na = act.len();
        // the kept classes' e^{Δ·s2_j} side by side (the row loops below then run over plain
        // slices, which the compiler puts in vector lanes)
        for (qt, &j) in self.qk.iter_mut().zip(act) {
            *qt = rq[j];
        }
        // an odd count is padded to pairs with a 0 (E and e^{Δ·s2} alike: its sums, never read,
        // stay 0)
        let np = na.div_ceil(2) * 2;
        self.e[na] = 0.0;
        self.qk[na] = 0.0;
        let (e, qk) = (&mut self.e[..np], &self.qk[..np]);
        for _ in r0..self.row_lo + rl {
            for (ej, &qj) in e.iter_mut().zip(qk) {
                *ej *= qj;
            }
        }
        let gp = self.gp;
        // the shift M: per row where the rectangle is the grid's whole width (one add), else
        // per 4 columns
        let whole = v0 == 0 && v1 == self.gv;
        // PIC_ROWS rows at a time: each class's powers are loaded once for all of them (the
        // sums' loads and splats per term fall by that factor); every point's Z is the same
        // sum, in the same order
        let mut row = rl;
        while row < rh_ {
            let nr = (rh_ - row).min(PIC_ROWS);
            // the rows' E_j in f32, class by class (ef[t·nr + r]), E advanced past them in f64
            if nr == 2 {
                for t in (0..np).step_by(2) {
                    let (ev, qv) = (F64x2::load(e, t), F64x2::load(qk, t));
                    let e1 = ev.mul(qv);
                    e1.mul(qv).store(e, t);
                    let (lo, hi) = ev.zip(e1);
                    F32x4::from_f64x2(lo, hi).store(&mut self.ef, 2 * t);
                }
            } else {
                // one row (PIC_ROWS = 2: the last of an odd count)
                for ((ej, fj), &qj) in e.iter_mut().zip(self.ef.iter_mut()).zip(qk) {
                    *fj = *ej as f32;
                    *ej *= qj;
                }
            }
            let ef = &self.ef[..nr * na];
            let prod = &mut self.acc.prod[row * gp..(row + nr - 1) * gp + v1 * 4];
            let mut v = v0;
            while v < v1 {
                let nv = (v1 - v).min(PIC_VECS);
                let off = (v - v0) * 4;
                macro_rules! block {
                    ($r:literal) => {
                        match nv {
                            6 => geo_block::<$r, 6>(ef, base, &self.ptab, off, prod, gp, v * 4),
                            5 => geo_block::<$r, 5>(ef, base, &self.ptab, off, prod, gp, v * 4),
                            4 => geo_block::<$r, 4>(ef, base, &self.ptab, off, prod, gp, v * 4),
                            3 => geo_block::<$r, 3>(ef, base, &self.ptab, off, prod, gp, v * 4),
                            2 => geo_block::<$r, 2>(ef, base, &self.ptab, off, prod, gp, v * 4),
                            _ => geo_block::<$r, 1>(ef, base, &self.ptab, off, prod, gp, v * 4),
                        }
                    };
                }
                // (PIC_ROWS = 2)
                match nr {
                    1 => block!(1),
                    _ => block!(2),
                }
                v += nv;
            }
            for r in row..row + nr {
                if whole {
                    self.acc.lin_row[r] += mx;
                } else {
                    let at = r * self.gv;
                    self.acc.lin_a[at + v0..at + v1].iter_mut().for_each(|x| *x += mx);
                }
            }
            row += nr;
        }
    }

    /// One example whose scores move fast (unstandardised features, large spans), row by row:
    /// the picture's way for the examples the plane kernel's tiles cannot take (up to 64
    /// classes; more go down the quadtree, [`PicWork::node`]). Along a row every score is a
    /// line in a, so log Z = M(a) + log Σ_j e^{s_j − M}, M the lines' upper envelope: convex,
    /// piecewise linear, a few segments. M goes to the row's differences (`env_c`, `env_u`: a
    /// segment adds its intercept and slope from its first column to its end; summed in
    /// [`Landscape::picture_out`]), no exp. Where another class comes within γ of the envelope
    /// — on a segment its gap is linear, so such a class is within γ at one of the segment's
    /// ends and its columns are one run from that end — e^{s_j − M} is summed per point in
    /// f32x4 `exp` and the point's product takes 1 + that sum (≤ C, like every Z). A class
    /// more than γ below the envelope at a point is left out there, as in [`PicWork::keep`].
    ///
    /// The envelope is found from the classes sorted by slope ([`PicWork::hull_of`]) at the
    /// first row of a *phase*: rows over which it stays the envelope, worked out from b alone
    /// ([`PicWork::phase_end`]: the envelope's kinks move linearly with b, so does each class's
    /// gap below it at a kink, and the phase ends before the first row where a segment would
    /// shrink below nothing or a class would rise above a kink). The envelope is taken over
    /// every a, not only the grid's columns: a class then enters the grid's columns as a kink
    /// moves in, which ends no phase (on the page bench's CSV, 45% of the phases had ended
    /// where a class rose above the grid's first or last column). Which classes come
    /// within γ of which segment, and on which rows, is worked out once per phase too
    /// ([`PicWork::phase_cands`]); a row then costs its segments' columns and its runs (a
    /// segment off the grid's columns has none). Phases always start at the grid's first
    /// row whatever this call's rows, so rows computed apart equal the whole picture bit for
    /// bit. On the page bench's 0–16 CSV (5000 × 60): ~2.2–2.5 phases of ~3.6 segments per
    /// example, 2–5 terms per row (spans 8 to 3).
    #[cfg_attr(feature = "profile-split", inline(never))]
    fn sweep(&mut self, ex: &PicExample) {
        let (c, g, gp) = (ex.s0.len(), self.g, self.gp);
        if self.acc.env_c.is_empty() {
            self.acc.env_c = vec![0.0; self.nrows * (g + 1)];
            self.acc.env_u = vec![0.0; self.nrows * (g + 1)];
        }
        if self.tz.len() < self.nrows * gp {
            self.tz = vec![0.0; self.nrows * gp];
        }
        let s1 = ex.s1;
        self.s1p[..c].copy_from_slice(s1);
        self.s2p[..c].copy_from_slice(ex.s2);
        // by slope, ascending (insertion: ≤ 64 classes; the library's sort adds ~6 KB of wasm)
        self.order.clear();
        for j in 0..c {
            let mut at = self.order.len();
            while at > 0 && s1[self.order[at - 1]] > s1[j] {
                at -= 1;
            }
            self.order.insert(at, j);
        }
        self.terms.n = 0;
        let end = self.row_lo + self.nrows;
        let mut r = 0;
        while r < end {
            let b = self.ax[r];
            for j in 0..c {
                self.cen[j] = ex.s0[j] + b * ex.s2[j];
            }
            self.hull_of(ex);
            let r1 = self.phase_end(ex, r).min(end);
            let ra = r.max(self.row_lo);
            if ra < r1 {
                self.phase_cands(ex, r, ra..r1);
                self.phase_rows(ex, ra..r1);
            }
            r = r1;
        }
        let Terms { tk, td, n } = &mut self.terms;
        let n = *n;
        if n == 0 {
            return;
        }
        td[n..n.div_ceil(4) * 4].fill(-100.0);
        let mut e = [0.0f32; 4];
        for q in 0..n.div_ceil(4) {
            exp_f32x4(F32x4::load(td, q * 4)).store(&mut e, 0);
            for l in 0..4.min(n - q * 4) {
                self.tz[tk[q * 4 + l] as usize] += e[l];
            }
        }
        let prod = &mut self.acc.prod;
        // (a point's later terms find its sum taken: they multiply by 1, exactly, without a branch)
        for &k in &tk[..n] {
            let z = &mut self.tz[k as usize];
            prod[k as usize] *= 1.0 + *z as f64;
            *z = 0.0;
        }
    }

    /// The upper envelope of the row's lines cen_j + a·s1_j over every a (the classes leading
    /// somewhere, left to right: slopes ascending) into `self.hull`, and its kinks (`vx`:
    /// where each segment meets the next, in a; `vd`: how fast that moves with b).
    #[cfg_attr(feature = "profile-split", inline(never))]
    fn hull_of(&mut self, ex: &PicExample) {
        let (cen, s1, hull) = (&self.cen, ex.s1, &mut self.hull);
        hull.clear();
        for &j in &self.order {
            let (cj, uj) = (cen[j], s1[j]);
            if let Some(&t) = hull.last() {
                if s1[t] == uj {
                    if cen[t] >= cj {
                        continue;
                    }
                    hull.pop();
                }
            }
            while hull.len() >= 2 {
                let (t0, t1) = (hull[hull.len() - 2], hull[hull.len() - 1]);
                // t1 never leads if j overtakes t0 no later than t1 does
                if (cen[t0] - cj) * (s1[t1] - s1[t0]) <= (cen[t0] - cen[t1]) * (uj - s1[t0]) {
                    hull.pop();
                } else {
                    break;
                }
            }
            hull.push(j);
        }
        self.vx.clear();
        self.vd.clear();
        for t in 0..hull.len() - 1 {
            let (p, q) = (hull[t], hull[t + 1]);
            let den = s1[q] - s1[p];
            self.vx.push((cen[p] - cen[q]) / den);
            self.vd.push((ex.s2[p] - ex.s2[q]) / den);
        }
    }

    /// The first row after `r` (the row `self.hull` was found on) where it may no longer be
    /// the envelope. Along b everything about it is linear: a kink at a(b) = vx + vd·(b − b_r),
    /// a segment's length, and a class's gap below the envelope at a kink (along a row the gap
    /// is convex, and grows without bound away from the kinks: the first and last segments'
    /// lines have the least and greatest slopes; so it is least at a kink). The hull stays
    /// the envelope while every segment is no shorter than nothing and no class off it rises
    /// above it at a kink by more than the rounding tolerance the envelope is found with; each
    /// of these that decreases is solved for the b where it fails, and the phase ends at the
    /// first row at or after the least such b. A hull of one line (every class's slope the
    /// same) has no kink: there the checks are at the grid's first and last columns.
    ///
    /// Each class's gap line at each of these points is kept (`gl0`, `gl1`) for
    /// [`PicWork::phase_cands`].
    #[cfg_attr(feature = "profile-split", inline(never))]
    fn phase_end(&mut self, ex: &PicExample, r: usize) -> usize {
        let (cen, s1, s2, hull, vx, vd) = (&self.cen, ex.s1, ex.s2, &self.hull, &self.vx, &self.vd);
        let cp = cen.len();
        if self.gl0.len() < (hull.len() + 1) * cp {
            self.gl0.resize((hull.len() + 1) * cp, 0.0);
            self.gl1.resize((hull.len() + 1) * cp, 0.0);
        }
        let (gl0, gl1) = (&mut self.gl0, &mut self.gl1);
        let (n, bc) = (hull.len(), self.ax[r]);
        debug_assert!(self.s1p.len() == self.cen.len());
        let (lo, hi) = (self.ax[0], self.ax[self.g - 1]);
        let mut until = f64::INFINITY;
        // f0 + f1·(b − b_r) ≥ 0 fails past b_r + f0/(−f1) when f1 < 0
        // (divided out only where it would come before the least so far)
        let fails = |until: &mut f64, f0: f64, f1: f64| {
            if f1 < 0.0 && !(f0 >= (*until - bc) * -f1) {
                let b = bc + f0 / -f1;
                if b < *until {
                    *until = b;
                }
            }
        };
        for t in 1..n.saturating_sub(1) {
            fails(&mut until, vx[t] - vx[t - 1], vd[t] - vd[t - 1]);
        }
        let mut on = 0u64;
        for &m in hull.iter() {
            on |= 1 << m;
        }
        // at each kink and end, the classes off the hull two at a time in f64x2 lanes (C
        // padded to pairs: cen's −1e300, slopes 0, its lane masked off below): a pair goes on
        // one by one only where a gap decreases and would fail before the least b so far
        let (cen2, s1p, s2p) = (&self.cen, &self.s1p, &self.s2p);
        for i in 0..=n {
            if !checked_point(n, i) {
                continue;
            }
            // the envelope's line at the point, the point's a and its rate in b
            let (p, x, xd) = if i == 0 {
                (hull[0], lo, 0.0)
            } else if i == n {
                (hull[n - 1], hi, 0.0)
            } else {
                (hull[i - 1], vx[i - 1], vd[i - 1])
            };
            let env = cen[p] + x * s1[p];
            let tol = 1e-9 * (1.0 + env.abs());
            let (env2, tol2, x2, xd2) = (F64x2::splat(env), F64x2::splat(tol), F64x2::splat(x), F64x2::splat(xd));
            let (s1v, s2v) = (F64x2::splat(s1[p]), F64x2::splat(s2[p]));
            for q in (0..cen2.len()).step_by(2) {
                // (the same operations in the same order as `fails`'s arguments below)
                let d0 = env2.minus(F64x2::load(cen2, q).add(x2.mul(F64x2::load(s1p, q))));
                let f0 = d0.add(tol2);
                let f1 = s2v.minus(F64x2::load(s2p, q)).add(xd2.mul(s1v.minus(F64x2::load(s1p, q))));
                d0.store(gl0, i * cp + q);
                f1.store(gl1, i * cp + q);
                // f1 < 0 and f0 < (until − b_r)·(−f1) in some lane
                let lim = F64x2::splat(until - bc);
                // (not the hull's classes, nor the padding where C is odd: −1e300 is far below
                // the envelope, but before any b is found the bound is infinite)
                let real = if q + 1 < s1.len() { 3 } else { 1 };
                let mut go = (f1.below(0.0) & f0.minus(lim.mul(F64x2::splat(0.0).minus(f1))).below(0.0)) as u64 & !(on >> q) & real;
                while go != 0 {
                    let j = q + go.trailing_zeros() as usize;
                    go &= go - 1;
                    fails(&mut until, env - (cen[j] + x * s1[j]) + tol, (s2[p] - s2[j]) + xd * (s1[p] - s1[j]));
                }
            }
        }
        let mut e = r + 1;
        while e < self.g && self.ax[e] < until {
            e += 1;
        }
        e
    }

    /// For the phase that starts at row `r`, on its rows `rows`: for each segment of
    /// `self.hull`, the classes that come within γ of it on some of those rows, with those
    /// rows (`cands`, one run of rows each, a row to spare at its inner ends; segment t's
    /// from `cand_at[t]`). A class's gap on a segment is least at one of its ends (a kink;
    /// the first and last segments have one), and there it is linear in b; its rows within γ
    /// are those below or above where that line meets γ. More rows than needed cost a run
    /// that stops at its first column; none are missed.
    #[cfg_attr(feature = "profile-split", inline(never))]
    fn phase_cands(&mut self, ex: &PicExample, r: usize, rows: std::ops::Range<usize>) {
        let (hull, gl0, gl1) = (&self.hull, &self.gl0, &self.gl1);
        let (n, c, cp, bc, gap) = (hull.len(), ex.s1.len(), self.cen.len(), self.ax[r], self.gap);
        let (a0, inv) = (self.a0, 1.0 / self.da);
        // the rows of `rows` where d0 + d1·(b − b_r) < γ (one run; those within γ·(1 + 1e-9)
        // where the line is on one side of it at both ends)
        let (bf, bl) = (self.ax[rows.start] - bc, self.ax[rows.end - 1] - bc);
        let wide = gap * (1.0 + 1e-9);
        let within = |d0: f64, d1: f64| -> (usize, usize) {
            let (df, dl) = (d0 + d1 * bf, d0 + d1 * bl);
            if df < wide && dl < wide {
                return (rows.start, rows.end);
            }
            if !(df < wide) && !(dl < wide) {
                return (rows.start, rows.start);
            }
            let x = (bc + (gap - d0) / d1 - a0) * inv;
            if !x.is_finite() {
                return (rows.start, rows.end);
            }
            if d1 > 0.0 {
                let e = if x < 0.0 { 0 } else { (x.ceil() as usize).saturating_add(1) };
                (rows.start, e.clamp(rows.start, rows.end))
            } else {
                let s = if x < 1.0 { 0 } else { x.floor() as usize - 1 };
                (s.clamp(rows.start, rows.end), rows.end)
            }
        };
        // at each of the phase's points (phase_end's), the classes whose gap line is within γ
        // at the phase's first or last row: the others are within γ on none of its rows there
        let (wide2, bf2, bl2) = (F64x2::splat(wide), F64x2::splat(bf), F64x2::splat(bl));
        let real = if c >= 64 { u64::MAX } else { (1u64 << c) - 1 };
        let mut near = [0u64; 65];
        for (i, near) in near.iter_mut().enumerate().take(n + 1) {
            if !checked_point(n, i) {
                continue;
            }
            let mut bits = 0u64;
            for q in (0..cp).step_by(2) {
                let (d0, d1) = (F64x2::load(gl0, i * cp + q), F64x2::load(gl1, i * cp + q));
                // (the same operations as `within`'s df, dl)
                let first = d0.add(d1.mul(bf2)).minus(wide2).below(0.0);
                let last = d0.add(d1.mul(bl2)).minus(wide2).below(0.0);
                bits |= ((first | last) as u64) << q;
            }
            *near = bits & real;
        }
        self.cands.clear();
        self.cand_at.clear();
        for (t, &m) in hull.iter().enumerate() {
            self.cand_at.push(self.cands.len());
            // (not the lines it meets at its ends: `phase_rows` takes those at each row)
            let prev = if t > 0 { hull[t - 1] } else { m };
            let next = if t + 1 < n { hull[t + 1] } else { m };
            let mut go = (near[t] | near[t + 1]) & !(1u64 << m | 1u64 << prev | 1u64 << next);
            while go != 0 {
                let j = go.trailing_zeros() as usize;
                go &= go - 1;
                // its gap on the segment is least at one of the segment's ends: points t, t + 1
                let (l0, l1) = if near[t] >> j & 1 != 0 { within(gl0[t * cp + j], gl1[t * cp + j]) } else { (rows.start, rows.start) };
                let (h0, h1) = if near[t + 1] >> j & 1 != 0 { within(gl0[(t + 1) * cp + j], gl1[(t + 1) * cp + j]) } else { (rows.start, rows.start) };
                let (l1, h1) = (if l1 > l0 { l1 } else { l0 }, if h1 > h0 { h1 } else { h0 });
                match (l0 < l1, h0 < h1) {
                    (false, false) => {}
                    (true, false) => self.cands.push([j as u32, l0 as u32, l1 as u32]),
                    (false, true) => self.cands.push([j as u32, h0 as u32, h1 as u32]),
                    (true, true) => {
                        if l1 < h0 || h1 < l0 {
                            self.cands.push([j as u32, l0 as u32, l1 as u32]);
                            self.cands.push([j as u32, h0 as u32, h1 as u32]);
                        } else {
                            self.cands.push([j as u32, l0.min(h0) as u32, l1.max(h1) as u32]);
                        }
                    }
                }
            }
        }
        self.cand_at.push(self.cands.len());
    }

    /// The phase's rows `rows` of one example ([`PicWork::sweep`]): each row's segments'
    /// columns (`kb`, h + 1 per row: segment t has columns kb[t]..kb[t + 1], empty where two
    /// kinks fall between the same columns or out of order, or a kink is off the grid) and
    /// the envelope's differences; then, segment by segment and class by class (`cands`), the
    /// runs of columns where the class is within γ of the envelope, as (point, −gap) in `tk`,
    /// `td` — per point in the same order of classes as row by row.
    #[cfg_attr(feature = "profile-split", inline(never))]
    fn phase_rows(&mut self, ex: &PicExample, rows: std::ops::Range<usize>) {
        let (s0, s1, s2) = (ex.s0, ex.s1, ex.s2);
        let (g, gp, gap, a0, inv) = (self.g, self.gp, self.gap, self.a0, 1.0 / self.da);
        let (hull, h) = (&self.hull, self.hull.len());
        let (ax, terms) = (self.ax, &mut self.terms);
        // each segment's line (s0, s1, s2) side by side, with 1 / (s1_q − s1_m) of the kink
        // at its end (the columns: a multiply a row, not a divide) and (s1_q − s1_m)·Δ, how
        // much the two lines part per column from it
        self.hl.clear();
        for t in 0..h {
            let m = hull[t];
            let (rec, w) = if t + 1 < h { (1.0 / (s1[hull[t + 1]] - s1[m]), (s1[hull[t + 1]] - s1[m]) * self.da) } else { (0.0, 0.0) };
            self.hl.push([s0[m], s1[m], s2[m], rec, w]);
        }
        let wide = gap * (1.0 + 1e-9);
        let hl = &self.hl[..h];
        self.kb.clear();
        self.kb.resize(rows.len() * (h + 1), 0);
        for (i, grid_row) in rows.clone().enumerate() {
            let b = ax[grid_row];
            let at = (grid_row - self.row_lo) * (g + 1);
            let base = (grid_row - self.row_lo) * gp;
            let kb = &mut self.kb[i * (h + 1)..(i + 1) * (h + 1)];
            let mut k0 = 0;
            let mut cm = hl[0][0] + b * hl[0][2];
            let (mut cp, mut pp) = (0.0, 0.0);
            let (mut ec, mut eu) = (0.0, 0.0); // the line of the row's last segment with columns
            for t in 0..h {
                let [_, um, _, rec, w] = hl[t];
                let (k1, cq, pos) = if t + 1 < h {
                    let cq = hl[t + 1][0] + b * hl[t + 1][2];
                    let pos = ((cm - cq) * rec - a0) * inv;
                    let k1 = if pos > 0.0 {
                        if pos < g as f64 { (pos.ceil() as usize).max(k0) } else { g }
                    } else {
                        k0
                    };
                    (k1, cq, pos)
                } else {
                    (g, 0.0, 0.0)
                };
                kb[t + 1] = k1;
                if k1 > k0 {
                    // the envelope's line changes at k0 from the last segment's (the segments
                    // with columns tile the row); nothing is written past the row's last column
                    self.acc.env_c[at + k0] += cm - ec;
                    self.acc.env_u[at + k0] += um - eu;
                    (ec, eu) = (cm, um);
                    // the two lines this one meets at its ends (kinks at columns pp and pos):
                    // equal to it there, each below it by w per column away. Where w > γ only
                    // the column next to the kink can be within γ: its gap is then taken from
                    // the kink's position, and no run
                    terms.room(2);
                    if t > 0 {
                        let wp = hl[t - 1][4];
                        if wp > wide {
                            terms.one(base + k0, (k0 as f64 - pp) * wp, gap);
                        } else {
                            terms.run(ax, base, (k0, k1), cm - cp, um - hl[t - 1][1], gap);
                        }
                    }
                    if t + 1 < h {
                        if w > wide {
                            terms.one(base + k1 - 1, (pos - (k1 - 1) as f64) * w, gap);
                        } else {
                            terms.run(ax, base, (k0, k1), cm - cq, um - hl[t + 1][1], gap);
                        }
                    }
                }
                (k0, cp, cm, pp) = (k1, cm, cq, pos);
            }
        }
        for (t, &m) in hull.iter().enumerate() {
            let um = s1[m];
            for &[j, q0, q1] in &self.cands[self.cand_at[t]..self.cand_at[t + 1]] {
                let j = j as usize;
                let du = um - s1[j];
                let lines = [s0[m], s2[m], s0[j], s2[j]];
                let at = CandRows { kb: &self.kb, rows: q0 as usize..q1 as usize, first: rows.start, stride: h + 1, t, row_lo: self.row_lo, gp };
                if du.abs() * self.da > wide {
                    // its gap grows by more than γ a column from the segment's end nearest to
                    // it, so only that end's column can be within γ: one term or none a row,
                    // as `run` would find, without its call
                    terms.room(q1 as usize - q0 as usize);
                    at.each(ax, lines, |base, k0, k1, dc| {
                        let first = if du >= 0.0 { k0 } else { k1 - 1 };
                        terms.one(base + first, dc + ax[first] * du, gap);
                    });
                } else {
                    at.each(ax, lines, |base, k0, k1, dc| terms.run(ax, base, (k0, k1), dc, du, gap));
                }
            }
        }
    }

    /// Per point of one group of 4 columns in one row: m = max_j s_j, Z' = Σ_j e^{s_j − m} ≥ 1.
    fn per_point(&mut self, ex: &PicExample, kept: std::ops::Range<usize>, k0: usize, r0: usize) {
        if self.acc.pts.is_empty() {
            self.acc.pts = vec![0.0; self.nrows * self.gp];
        }
        let (g, row) = (self.g, r0 - self.row_lo);
        let b = self.ax[r0];
        // lanes past the grid's last column repeat it (padding, never read)
        let ks = [0, 1, 2, 3].map(|l| (k0 + l).min(g - 1));
        let act = &self.stack[kept];
        let mut m = [f64::NEG_INFINITY; 4];
        for (t, &j) in act.iter().enumerate() {
            let bj = ex.s0[j] + b * ex.s2[j];
            for l in 0..4 {
                let sj = bj + self.ax[ks[l]] * ex.s1[j];
                self.sc[t * 4 + l] = sj;
                m[l] = fmax(m[l], sj);
            }
        }
        let mut z = F32x4::splat(0.0);
        for t in 0..act.len() {
            let d = F32x4::from_fn(|l| self.sc[t * 4 + l] - m[l]);
            if d.max_lane() as f64 > -self.gap {
                z = z.add(exp_f32x4(d));
            }
        }
        let at = row * self.gp + k0;
        let mut wide = [F64x2::splat(0.0); 2];
        z.widen(&mut wide);
        F64x2::load(&self.acc.prod, at).mul(wide[0]).store(&mut self.acc.prod, at);
        F64x2::load(&self.acc.prod, at + 2).mul(wide[1]).store(&mut self.acc.prod, at + 2);
        for l in 0..4 {
            self.acc.pts[at + l] += m[l];
        }
    }
}

/// Whether [`PicWork::phase_end`]'s point i of a hull of n lines (0 and n: the grid's first and
/// last columns; 0 < i < n: kink i − 1) is one where a class off the hull is checked. The hull
/// is the envelope over every a, so with two lines or more a class off it first rises above it
/// at a kink, never at the grid's ends, and a segment's gap is least at one of its kinks; a
/// hull of one line has no kink, and its checks are at the grid's ends.
#[inline(always)]
fn checked_point(n: usize, i: usize) -> bool {
    n < 2 || (i != 0 && i != n)
}

/// The f32 roundings a picture's value goes through, at most (2C + size/16 + 8)·2⁻²³ (see
/// [`Landscape::picture_rows`]).
fn picture_rounding(classes: usize, size: usize) -> f64 {
    (2.0 * classes as f64 + size.div_ceil(16) as f64 + 8.0) * f32::EPSILON as f64
}

/// max(a, b) for values that are never NaN, as one compare: Rust's `f64::max` is a call to
/// libm's `fmax` in wasm (NaN and signed-zero rules), a quarter of the picture's time when it
/// was used in the bounds.
#[inline(always)]
fn fmax(a: f64, b: f64) -> f64 {
    if a < b { b } else { a }
}

/// A candidate class's rows on one segment of a phase ([`PicWork::phase_rows`]): the rows
/// `rows` of the grid, the segment's columns on each from `kb` (row r's at (r − first)·stride + t).
struct CandRows<'a> {
    kb: &'a [usize],
    rows: std::ops::Range<usize>,
    first: usize,
    stride: usize,
    t: usize,
    row_lo: usize,
    gp: usize,
}

impl CandRows<'_> {
    /// `f(base, k0, k1, dc)` on each row where the segment has columns k0..k1: base the row's
    /// first point, dc the class's gap below the segment's line at a = 0 (lines: the segment's
    /// s0, s2 and the class's).
    #[inline(always)]
    fn each(&self, ax: &[f64], [s0m, s2m, s0j, s2j]: [f64; 4], mut f: impl FnMut(usize, usize, usize, f64)) {
        for grid_row in self.rows.clone() {
            let i = (grid_row - self.first) * self.stride + self.t;
            let (k0, k1) = (self.kb[i], self.kb[i + 1]);
            if k1 <= k0 {
                continue;
            }
            let b = ax[grid_row];
            f((grid_row - self.row_lo) * self.gp, k0, k1, (s0m + b * s2m) - (s0j + b * s2j));
        }
    }
}

/// [`PicWork::sweep`]'s terms: (point, −gap) of each class within γ of the envelope at a point,
/// the first `n` of `tk`, `td` (their lengths are room, grown as needed, never shrunk).
struct Terms {
    tk: Vec<u32>,
    td: Vec<f32>,
    n: usize,
}

impl Terms {
    /// Room for `more` terms after the first `n`, and for the last 4's padding.
    #[inline(always)]
    fn room(&mut self, more: usize) {
        if self.n + more + 4 > self.tk.len() {
            let len = (self.n + more + 4).max(2 * self.tk.len()).max(1024);
            self.tk.resize(len, 0);
            self.td.resize(len, 0.0);
        }
    }

    /// One term at point `k` whose gap is `v`, if v < γ (written in any case; `n` moves past
    /// it only then). Needs [`Terms::room`] for it.
    #[inline(always)]
    fn one(&mut self, k: usize, v: f64, gap: f64) {
        self.tk[self.n] = k as u32;
        self.td[self.n] = -v as f32;
        self.n += (v < gap) as usize;
    }

    /// One class's run of columns on a segment of the envelope: its gap below the segment's
    /// line is dc + a·du, linear, so within γ on the columns from one end of `ks` (the first
    /// where du ≥ 0, the last where du < 0) up to the first where it is not. Most runs have
    /// no column or one: the first two columns are written whether or not they count (`n`
    /// moves past those that do), without a branch on the gap, which no predictor guesses.
    #[inline(never)]
    fn run(&mut self, ax: &[f64], base: usize, (k0, k1): (usize, usize), dc: f64, du: f64, gap: f64) {
        self.room(2);
        let len = k1 - k0;
        // the run's columns k0 + i·step (i = 0, 1, …), step ±1 as a wrapping add
        let (first, step) = if du >= 0.0 { (k0, 1usize) } else { (k1 - 1, usize::MAX) };
        let v = dc + ax[first] * du;
        let n = self.n;
        // (the two columns' room as one slice each: one bounds check, not four)
        let (tk, td) = (&mut self.tk[n..n + 2], &mut self.td[n..n + 2]);
        tk[0] = (base + first) as u32;
        td[0] = -v as f32;
        let go = v < gap;
        if len < 2 {
            self.n = n + go as usize;
            return;
        }
        let k = first.wrapping_add(step);
        let v = dc + ax[k] * du;
        tk[go as usize] = (base + k) as u32;
        td[go as usize] = -v as f32;
        let go2 = go & (v < gap);
        self.n = n + go as usize + go2 as usize;
        if !go2 {
            return;
        }
        let mut k = k;
        for _ in 2..len {
            k = k.wrapping_add(step);
            let v = dc + ax[k] * du;
            if !(v < gap) {
                break;
            }
            self.room(1);
            self.tk[self.n] = (base + k) as u32;
            self.td[self.n] = -v as f32;
            self.n += 1;
        }
    }
}

/// R rows of a picture rectangle, NV vectors of 4 columns from column `off` of the rectangle:
/// Z = Σ_j E_j·ρ_j^m over the classes kept (class t's E_j on row r rounded to f32 in
/// `ef[t·R + r]`; its powers for this rectangle from `ptab[base[t]..]`), each group of 4
/// summed in a register; row r's points from `prod[at + r·stride..]` ← themselves·Z. Each power
/// is loaded once for the R rows.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // z[r][u]: both indices run in the inner loops
fn geo_block<const R: usize, const NV: usize>(ef: &[f32], base: &[usize], ptab: &[f32], off: usize, prod: &mut [f64], stride: usize, at: usize) {
    let mut z = [[F32x4::splat(0.0); NV]; R];
    for (t, &bt) in base.iter().enumerate() {
        let pt = &ptab[bt + off..bt + off + 4 * NV];
        let e: [F32x4; R] = std::array::from_fn(|r| F32x4::splat_f32(ef[t * R + r]));
        for u in 0..NV {
            let p = F32x4::load(pt, u * 4);
            for r in 0..R {
                z[r][u] = z[r][u].add(e[r].mul(p));
            }
        }
    }
    for (r, zr) in z.iter().enumerate() {
        let a = at + r * stride;
        times_z(zr, &mut prod[a..a + 4 * NV]);
    }
}

/// `prod` ← `prod`·Z, Z widened to f64 (exact), NV vectors of 4.
#[inline(always)]
fn times_z<const NV: usize>(z: &[F32x4; NV], prod: &mut [f64]) {
    let mut wide = [F64x2::splat(0.0); 2];
    for (u, zu) in z.iter().enumerate() {
        zu.widen(&mut wide);
        F64x2::load(prod, 4 * u).mul(wide[0]).store(prod, 4 * u);
        F64x2::load(prod, 4 * u + 2).mul(wide[1]).store(prod, 4 * u + 2);
    }
}

/// out_m ← f32(x^m), m = 0, 1, …, out.len() − 1 (a multiple of 4), or with `reversed` out_m ←
/// f32(x^(len − 1 − m)): four chains x^c·(x⁴)^k side by side in f64 lanes (a single chain of
/// multiplies waits on each one's latency), each entry within a few f64 roundings of its power
/// before its one rounding to f32.
#[inline(always)]
fn powers_into(x: f64, reversed: bool, out: &mut [f32]) {
    let x2 = x * x;
    let x4 = F64x2::splat(x2 * x2);
    let w = out.len();
    if reversed {
        // entries w − 4 − 4k … w − 1 − 4k hold x^(4k + 3), x^(4k + 2), x^(4k + 1), x^(4k)
        let mut p = [F64x2::from_fn(|l| [x2 * x, x2][l]), F64x2::from_fn(|l| [x, 1.0][l])];
        for k in 0..w / 4 {
            F32x4::from_f64x2(p[0], p[1]).store(out, w - 4 - 4 * k);
            p = p.map(|v| v.mul(x4));
        }
    } else {
        let mut p = [F64x2::from_fn(|l| [1.0, x][l]), F64x2::from_fn(|l| [x2, x2 * x][l])];
        for k in 0..w / 4 {
            F32x4::from_f64x2(p[0], p[1]).store(out, 4 * k);
            p = p.map(|v| v.mul(x4));
        }
    }
}

/// e^{d_l} for 4 values d_l ≤ 0 (the picture's fresh exps): d = n·ln 2 + r reduced in f64
/// (so large |d| lose nothing), e^r by [`exp_poly`] in f32 lanes (relative error ~1e-7), times
/// 2^n in f64 (exact). n is held at −1000 or above (there r = 0: e^d < 2^−999 gives 2^−1000).
/// In f64 lanes, two values per vector.
fn exp4(d: [f64; 4]) -> [f64; 4] {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵²: x + MAGIC − MAGIC rounds x to a whole number
    let dv = [F64x2::from_fn(|l| d[l]), F64x2::from_fn(|l| d[2 + l])];
    let n = dv.map(|x| x.mul(F64x2::splat(std::f64::consts::LOG2_E)).add(F64x2::splat(MAGIC)).add(F64x2::splat(-MAGIC)).pmax(F64x2::splat(-1000.0)));
    let r = [0, 1].map(|h| n[h].above_or_zero(-1000.0, dv[h].add(n[h].mul(F64x2::splat(-std::f64::consts::LN_2)))));
    let mut p = [F64x2::splat(0.0); 2];
    exp_poly(F32x4::from_f64x2(r[0], r[1])).widen(&mut p);
    let x = [p[0].mul(n[0].pow2()), p[1].mul(n[1].pow2())];
    [x[0].lane(0), x[0].lane(1), x[1].lane(0), x[1].lane(1)]
}

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


