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
use ndarray::Array2;
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
        Landscape { data, hyper: clf.hyper, w, s, gram }
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
        let mut fast = RowWork::new(self, &ax);
        self.row_into(&mut fast, &ax, 0.0, &mut out);
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
        let mut work = RowWork::new(self, &ax);
        for (r, chunk) in rows.zip(out.chunks_mut(size.max(1))) {
            self.row_into(&mut work, &ax, ax[r], chunk);
        }
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

    /// One grid row at this b: L(W0 + a_k·W1 + b·W2) for every a_k in `ax` into `out`.
    fn row_into(&self, work: &mut RowWork, ax: &[f64], b: f64, out: &mut [f64]) {
        out.iter_mut().for_each(|v| *v = 0.0);
        match self.hyper.kind {
            LossKind::Svm => self.svm_row_sums(work, ax, b, out),
            LossKind::Softmax => self.softmax_row_sums(work, ax, b, out),
        }
        let n = self.data.len() as f64;
        for (v, &a) in out.iter_mut().zip(ax) {
            *v = *v / n + self.reg_term(a, b);
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

    /// Σ_i L_i along one row, softmax. Along the row s_ij(a_k) = c_ij + a_k·s1_ij, so
    /// e^{s_ij(a_k) − M} is a geometric sequence in k with ratio r_ij = e^{Δa·s1_ij}: one
    /// multiply per term instead of an exp. Overflow safety: the shift M is the largest score
    /// at either end of a block of columns (a linear function peaks at an end), so every term
    /// is ≤ 1 and Z_i ≥ e^{−V} with V the spread of a score across the block; blocks are cut so
    /// that V ≤ 300 (usually the whole row is one block) and each block starts from fresh exps.
    /// Σ_i log Z_i is taken as log Π_i Z_i with the product's binary exponent carried apart.
    fn softmax_row_sums(&self, work: &mut RowWork, ax: &[f64], b: f64, out: &mut [f64]) {
        let g = ax.len();
        let (n, c) = (self.data.len(), self.classes());
        let (s0, s1, s2) = (&self.s[0], &self.s[1], &self.s[2]);
        let y = &self.data.y;
        let da = if g > 1 { (ax[g - 1] - ax[0]) / (g - 1) as f64 } else { 0.0 };
        let ratio = &work.ratio;
        let (prod, expo, shift) = (&mut work.prod, &mut work.expo, &mut work.shift);
        prod.iter_mut().for_each(|v| *v = 1.0);
        expo.iter_mut().for_each(|v| *v = 0);
        shift.iter_mut().for_each(|v| *v = 0.0);
        let (cs, e) = (&mut work.cs, &mut work.e);
        let (mut sum_cy, mut sum_s1y) = (0.0, 0.0);
        for i in 0..n {
            let base = i * c;
            let yi = y[i];
            let mut smax = 0.0f64;
            for j in 0..c {
                cs[j] = s0[base + j] + b * s2[base + j];
                smax = smax.max(s1[base + j].abs());
            }
            sum_cy += cs[yi];
            sum_s1y += s1[base + yi];
            let r = &ratio[base..base + c];
            // columns per block so that the score spread V = smax·(len − 1)·Δa ≤ 300
            let spread = smax * da;
            let len = if spread <= 300.0 / (g as f64) { g } else { ((300.0 / spread).floor() as usize + 1).max(1) };
            let mut ks = 0;
            while ks < g {
                let ke = (ks + len).min(g);
                let (al, ar) = (ax[ks], ax[ke - 1]);
                let mut m = f64::NEG_INFINITY;
                for j in 0..c {
                    m = m.max(cs[j] + al * s1[base + j]).max(cs[j] + ar * s1[base + j]);
                }
                for j in 0..c {
                    e[j] = (cs[j] + al * s1[base + j] - m).exp();
                }
                for k in ks..ke {
                    let mut z = 0.0;
                    for j in 0..c {
                        z += e[j];
                    }
                    for j in 0..c {
                        e[j] *= r[j];
                    }
                    // prod_k ← prod_k·Z, renormalised to [1, 2) with the exponent carried apart
                    let p = prod[k] * z;
                    let bits = p.to_bits();
                    expo[k] += ((bits >> 52) & 0x7ff) as i64 - 1023;
                    prod[k] = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
                    shift[k] += m;
                }
                ks = ke;
            }
        }
        // L_i = log Z_i + M_i − s_{y_i}
        for k in 0..g {
            let log_sum = prod[k].ln() + expo[k] as f64 * std::f64::consts::LN_2;
            out[k] += log_sum + shift[k] - (sum_cy + ax[k] * sum_s1y);
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
    ratio: Vec<f64>,
    prod: Vec<f64>,
    expo: Vec<i64>,
    shift: Vec<f64>,
    cs: Vec<f64>,
    e: Vec<f64>,
}

impl RowWork {
    fn new(l: &Landscape, ax: &[f64]) -> RowWork {
        let g = ax.len();
        let (n, c) = (l.data.len(), l.classes());
        let mut w = RowWork {
            hinges: None,
            d_a: Vec::new(),
            d_b: Vec::new(),
            ratio: Vec::new(),
            prod: Vec::new(),
            expo: Vec::new(),
            shift: Vec::new(),
            cs: vec![0.0; c],
            e: vec![0.0; c],
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
            LossKind::Softmax => {
                let da = if g > 1 { (ax[g - 1] - ax[0]) / (g - 1) as f64 } else { 0.0 };
                w.ratio = l.s[1].iter().map(|&v| (da * v).exp()).collect();
                w.prod = vec![1.0; g];
                w.expo = vec![0; g];
                w.shift = vec![0.0; g];
            }
        }
        w
    }
}
