//! Slices of the loss around a snapshot W0 along random directions W1, W2:
//! the line L(W0 + a·W1), the plane L(W0 + a·W1 + b·W2), one example's L_i along the line,
//! and the projection of any W onto the plane.
//!
//! Scores are linear in (a, b): s(W0 + a·W1 + b·W2) = S0 + a·S1 + b·S2 with S_k = Xa·W_kᵀ
//! computed once, so a grid point costs O(N·C) instead of O(N·D·C). The regulariser is a
//! quadratic in (a, b) from the Gram matrix G_kl = ⟨W_k, W_l⟩: Σ W² = Σ_kl c_k c_l G_kl, c = (1, a, b).

use crate::data::Dataset;
use crate::loss::{row_loss, Classifier, Hyper, LossKind};
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

fn dot(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
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
    pub fn line(&self, span: f64, points: usize) -> Vec<f64> {
        axis(span, points).into_iter().map(|a| self.loss_at(a, 0.0)).collect()
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
        let mut out = Vec::with_capacity(rows.len() * size);
        for r in rows {
            let b = ax[r];
            match self.hyper.kind {
                LossKind::Svm | LossKind::Softmax => {
                    for &a in &ax {
                        out.push(self.loss_at(a, b));
                    }
                }
            }
        }
        out
    }

    /// The whole size × size plane L(W0 + a·W1 + b·W2), row-major, row ↔ b, column ↔ a.
    pub fn plane(&self, span: f64, size: usize) -> Vec<f64> {
        self.plane_rows(span, size, 0..size)
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
