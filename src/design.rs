//! The data matrix Xa (N × (D + 1), the bias column included) arranged for the two products a
//! full-batch gradient needs: the scores S = Xa·Wᵀ (N × C) and the unscaled gradient
//! G = Xaᵀ·dS ((D + 1) × C, so that dW = Gᵀ/N + 2·reg·W).
//!
//! Both products are written C-wide: W is handed over transposed ((D + 1) × C, row k holding the
//! C weights of feature k), so a nonzero x_ik is one C-wide multiply-add `s_i += x_ik · (Wᵀ)_k`
//! with the C sums in registers; and G is filled column by column, `G_k = Σ_i x_ik · dS_i`,
//! again with its C sums in registers.
//!
//! Data with many zeros (the digits are half blank) is stored without them, as compressed
//! rows (for S) and compressed columns (for G); dense data keeps its rows and a transposed copy.
//! Which one is chosen by the measured fraction of nonzeros ([`SPARSE_BELOW`]). Zeros left out
//! do not change any sum: x·w = ±0 and a + ±0 = a, and the terms that remain are added in the
//! same order (ascending k for S, ascending i for G), so both layouts give the same bits.
//!
//! [`Design::exact_sums`] tells whether every sum Σ_i x_ik·d_i with small integer d_i (the
//! SVM's dS) is computed exactly in f64, in any order; gradient descent then keeps G up to date
//! by adding only the rows whose dS changed (see `optim`).

use crate::data::Dataset;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

/// Data whose fraction of nonzero entries is below this is stored without its zeros. Measured
/// in wasm (Node, one core, C = 10, 1797 × 65, medians of µs per product, S / G): seeded data
/// with zeros at random places, density 1.0: compressed 252 / 269, dense 170 / 173; 0.8:
/// 220 / 225 vs 176 / 178; 0.65: 233 / 203 vs 178 / 184; 0.52: 168 / 177 vs 182 / 187; 0.4:
/// 136 / 150 vs 181 / 184. The digits (0.52): compressed ≈ 115 / 120, dense ≈ 133 / 137. A
/// nonzero costs the compressed layout ≈ 1.6× what an entry costs the dense one (its index
/// load and address), so the break-even lies between 0.52 and 0.65.
pub const SPARSE_BELOW: f64 = 0.6;

/// Xa arranged for S = Xa·Wᵀ and G = Xaᵀ·dS (see the module notes).
#[derive(Clone, Debug)]
pub struct Design {
    /// The data set these are the rows of (kept for the dense layout's rows and the labels).
    pub data: Rc<Dataset>,
    n: usize,
    d1: usize,
    /// Fraction of nonzero entries of Xa.
    density: f64,
    layout: Layout,
    /// See [`Design::exact_sums`] (worked out when first asked).
    exact: OnceCell<bool>,
}

#[derive(Clone, Debug)]
enum Layout {
    /// Rows are Xa's own (row-major, contiguous); `xt` is Xaᵀ ((D + 1) × N, row-major), made
    /// by the first gradient product: a classifier's losses need only the rows, and a data set
    /// at the caps (1900 × 257) would otherwise copy 3.9 MB when it is loaded.
    Dense { xt: OnceCell<Vec<f64>> },
    /// Zeros left out. Row i is `idx[ptr[i]..ptr[i + 1]]` (ascending column numbers) with values
    /// `val[…]`; column k is `cidx[cptr[k]..cptr[k + 1]]` (ascending row numbers) with `cval[…]`.
    Sparse { ptr: Vec<u32>, idx: Vec<u32>, val: Vec<f64>, cptr: Vec<u32>, cidx: Vec<u32>, cval: Vec<f64>, products: Option<Box<Products>> },
}

/// The score product by table, for data whose nonzeros take few distinct (column, value) pairs
/// (the digits: 827 pairs, the bias included, for 60,533 nonzeros). Each product x·(Wᵀ)_k is
/// formed once per pair into `table` (pairs × C) and a row's scores only add table rows:
/// s_i = Σ table[pair of x_ik] — the same products (x·w is x·w however often it is formed)
/// added in the same order, so the same bits, with no multiply per nonzero.
#[derive(Clone, Debug)]
struct Products {
    /// Per nonzero of the rows (as `idx`), the number of its (k, x) pair.
    pair: Vec<u32>,
    /// Each pair's column k and value x.
    k: Vec<u32>,
    x: Vec<f64>,
    /// pairs × C, refilled by each score product (scratch: `scores` takes `&self`).
    table: RefCell<Vec<f64>>,
}

/// The table is used when the nonzeros are at least this many times the pairs (the table's
/// multiplies then cost at most 1/this of the product's), …
pub const PRODUCTS_REUSE: usize = 8;
/// … and has at most this many pairs (× C × 8 bytes: 4096 pairs at C = 10 is 320 KB, the
/// processor's second-level cache).
pub const PRODUCTS_MAX_PAIRS: usize = 4096;

impl Design {
    /// Measures the density and arranges the data accordingly ([`SPARSE_BELOW`]).
    pub fn new(data: Rc<Dataset>) -> Design {
        let nnz = data.xa.iter().filter(|&&v| v != 0.0).count();
        let density = nnz as f64 / data.xa.len().max(1) as f64;
        Self::arranged(data, density < SPARSE_BELOW, nnz)
    }

    /// With the layout chosen by the caller (for tests and measurements): `sparse` leaves the
    /// zeros out.
    pub fn with_layout(data: Rc<Dataset>, sparse: bool) -> Design {
        let nnz = data.xa.iter().filter(|&&v| v != 0.0).count();
        Self::arranged(data, sparse, nnz)
    }

    fn arranged(data: Rc<Dataset>, sparse: bool, nnz: usize) -> Design {
        let xa = data.xa.view();
        let (n, d1) = xa.dim();
        let density = nnz as f64 / xa.len().max(1) as f64;
        let layout = if sparse {
            let mut ptr = Vec::with_capacity(n + 1);
            let (mut idx, mut val) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
            // column counts first, so the columns can be filled in one more pass over the rows
            let mut cptr = vec![0u32; d1 + 1];
            for row in xa.rows() {
                ptr.push(idx.len() as u32);
                for (k, &x) in row.iter().enumerate() {
                    if x != 0.0 {
                        idx.push(k as u32);
                        val.push(x);
                        cptr[k + 1] += 1;
                    }
                }
            }
            ptr.push(idx.len() as u32);
            for k in 0..d1 {
                cptr[k + 1] += cptr[k];
            }
            let (mut cidx, mut cval) = (vec![0u32; nnz], vec![0.0; nnz]);
            let mut fill: Vec<u32> = cptr[..d1].to_vec();
            for i in 0..n {
                for at in ptr[i] as usize..ptr[i + 1] as usize {
                    let k = idx[at] as usize;
                    cidx[fill[k] as usize] = i as u32;
                    cval[fill[k] as usize] = val[at];
                    fill[k] += 1;
                }
            }
            let products = Products::of(&idx, &val).map(Box::new);
            Layout::Sparse { ptr, idx, val, cptr, cidx, cval, products }
        } else {
            Layout::Dense { xt: OnceCell::new() }
        };
        Design { n, d1, density, layout, exact: OnceCell::new(), data }
    }

    /// N.
    pub fn rows(&self) -> usize {
        self.n
    }

    /// D + 1.
    pub fn cols(&self) -> usize {
        self.d1
    }

    /// Fraction of nonzero entries of Xa.
    pub fn density(&self) -> f64 {
        self.density
    }

    /// Whether the zeros are left out.
    pub fn is_sparse(&self) -> bool {
        matches!(self.layout, Layout::Sparse { .. })
    }

    /// Xaᵀ ((D + 1) × N, row-major).
    fn transposed(&self) -> Vec<f64> {
        let mut xt = vec![0.0; self.n * self.d1];
        for (i, row) in self.data.xa.rows().into_iter().enumerate() {
            for (k, &x) in row.iter().enumerate() {
                xt[k * self.n + i] = x;
            }
        }
        xt
    }

    /// Whether every sum Σ_i x_ik·d_i over any subset of the rows, with integers |d_i| ≤ 2(C − 1)
    /// (the SVM's dS entries, 1 or −#active, and differences of two of them), is exact in f64
    /// whatever the order of the additions. True when every x_ik is an integer multiple of one
    /// power of two 2^q and (N + 2)·2(C − 1)·max|x| ≤ 2^53·2^q: every partial sum is then an
    /// integer multiple of 2^q below 2^53 of them. The digits (pixel/16, q = −4) qualify;
    /// measured or standardised values generally do not.
    pub fn exact_sums(&self) -> bool {
        *self.exact.get_or_init(|| exact_integer_sums(self.data.xa.iter().copied(), self.n, self.data.classes))
    }

    /// S = Xa·Wᵀ into `s` (N × C, row-major), `wt` = Wᵀ ((D + 1) × C, row-major). Row i's
    /// C sums add their terms in ascending k.
    ///
    /// Compressed rows have a copy written out for C = 10 (the digits) and the loop over any C
    /// for the rest, not one copy per C as the other products: the wasm's size is budgeted
    /// (the page's transfer ≤ 250 KB) and these two paths serve few data sets.
    pub fn scores(&self, wt: &[f64], c: usize, s: &mut [f64]) {
        assert_eq!(wt.len(), self.d1 * c, "Wᵀ is (D + 1) × C");
        assert_eq!(s.len(), self.n * c, "S is N × C");
        match &self.layout {
            Layout::Dense { .. } => {
                let x = self.data.xa.as_slice().expect("a data set's rows are contiguous");
                dense_scores_into(x, self.d1, wt, c, s)
            }
            Layout::Sparse { ptr, products: Some(p), .. } => {
                let mut table = p.table.borrow_mut();
                p.fill(wt, c, &mut table);
                match c {
                    10 => table_scores::<10>(ptr, &p.pair, &table, s),
                    _ => table_scores_any(ptr, &p.pair, &table, s),
                }
            }
            // data with zeros and many distinct values (rare: standardising fills the zeros)
            Layout::Sparse { ptr, idx, val, .. } => match c {
                10 => sparse_scores::<10>(ptr, idx, val, wt, s),
                _ => sparse_scores_any(ptr, idx, val, wt, s),
            },
        }
    }

    /// Whether the score product goes by a table of products (see [`Products`]).
    pub fn uses_products(&self) -> bool {
        matches!(self.layout, Layout::Sparse { products: Some(_), .. })
    }

    /// The same, switched off or on again (for tests and measurements).
    pub fn set_products(&mut self, on: bool) {
        if let Layout::Sparse { idx, val, products, .. } = &mut self.layout {
            *products = if on { Products::of(idx, val).map(Box::new) } else { None };
        }
    }

    /// G = Xaᵀ·dS into `g` ((D + 1) × C, row-major), `ds` N × C row-major. Entry (k, j) adds
    /// x_ik·dS_ij in ascending i.
    pub fn gradient(&self, ds: &[f64], c: usize, g: &mut [f64]) {
        assert_eq!(ds.len(), self.n * c, "dS is N × C");
        assert_eq!(g.len(), self.d1 * c, "G is (D + 1) × C");
        match &self.layout {
            Layout::Dense { xt } => {
                let xt = xt.get_or_init(|| self.transposed());
                by_classes!(c, dense_gradient, dense_gradient_any, (xt, self.n, ds, g))
            }
            Layout::Sparse { cptr, cidx, cval, .. } => by_classes!(c, sparse_gradient, sparse_gradient_any, (cptr, cidx, cval, ds, g)),
        }
    }

    /// G += x_i ⊗ d: row i's contribution to G changed by `d` (C values).
    pub fn add_row(&self, i: usize, d: &[f64], g: &mut [f64]) {
        let c = d.len();
        let mut axpy = |k: usize, x: f64| {
            for (o, &v) in g[k * c..(k + 1) * c].iter_mut().zip(d) {
                *o += x * v;
            }
        };
        match &self.layout {
            Layout::Dense { .. } => {
                for (k, &x) in self.data.xa.row(i).iter().enumerate() {
                    axpy(k, x);
                }
            }
            Layout::Sparse { ptr, idx, val, .. } => {
                let (a, b) = (ptr[i] as usize, ptr[i + 1] as usize);
                for (&k, &x) in idx[a..b].iter().zip(&val[a..b]) {
                    axpy(k as usize, x);
                }
            }
        }
    }
}

impl Products {
    /// The pairs of the nonzeros `idx`/`val` (the rows' order), or None when they are too many
    /// for a table to pay ([`PRODUCTS_REUSE`], [`PRODUCTS_MAX_PAIRS`]).
    fn of(idx: &[u32], val: &[f64]) -> Option<Products> {
        // each column's pairs so far, found by a linear search over their values' bits (−0
        // never occurs: zeros are left out); a column with more values than this gives up
        const PER_COLUMN: usize = 64;
        let cols = idx.iter().map(|&k| k as usize + 1).max().unwrap_or(0);
        let mut of_col: Vec<Vec<u32>> = vec![Vec::new(); cols];
        let (mut k, mut x) = (Vec::new(), Vec::<f64>::new());
        let mut pair = Vec::with_capacity(idx.len());
        for (&col, &v) in idx.iter().zip(val) {
            let known = &mut of_col[col as usize];
            let p = match known.iter().find(|&&p| x[p as usize].to_bits() == v.to_bits()) {
                Some(&p) => p,
                None if known.len() < PER_COLUMN && k.len() < PRODUCTS_MAX_PAIRS => {
                    k.push(col);
                    x.push(v);
                    known.push(k.len() as u32 - 1);
                    k.len() as u32 - 1
                }
                None => return None,
            };
            pair.push(p);
        }
        if k.len() * PRODUCTS_REUSE > idx.len() {
            return None;
        }
        Some(Products { pair, k, x, table: RefCell::new(Vec::new()) })
    }

    /// table[p] = x_p · (Wᵀ)_{k_p}.
    fn fill(&self, wt: &[f64], c: usize, table: &mut Vec<f64>) {
        table.resize(self.k.len() * c, 0.0);
        for ((o, &k), &x) in table.chunks_exact_mut(c.max(1)).zip(&self.k).zip(&self.x) {
            let k = k as usize;
            for (o, &w) in o.iter_mut().zip(&wt[k * c..(k + 1) * c]) {
                *o = x * w;
            }
        }
    }
}

/// See [`Design::exact_sums`].
fn exact_integer_sums(values: impl Iterator<Item = f64>, n: usize, classes: usize) -> bool {
    // q = the exponent of the lowest set bit over all nonzero values: each is m·2^q, m integer
    let (mut q, mut amax) = (i32::MAX, 0.0f64);
    for x in values {
        if x == 0.0 {
            continue;
        }
        if !x.is_finite() {
            return false;
        }
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        // x = mantissa · 2^e with an integer mantissa (implicit 1 for normal numbers)
        let (mantissa, e) = if biased == 0 { (frac, -1074) } else { (frac | (1u64 << 52), biased - 1075) };
        q = q.min(e + mantissa.trailing_zeros() as i32);
        amax = amax.max(x.abs());
    }
    if q == i32::MAX {
        return true; // all zero
    }
    let dmax = 2.0 * classes.saturating_sub(1).max(1) as f64;
    let bound = (n as f64 + 2.0) * dmax * amax;
    // bound ≤ 2^53·2^q, written so that 2^(53 + q) is formed only when representable
    bound.is_finite() && (53 + q >= 1023 || bound <= 2f64.powi(53 + q))
}


/// S = X·Wᵀ for dense rows `x` (N × d1, row-major), `wt` = Wᵀ (d1 × C): the dense layout's
/// product, and [`crate::loss::scores_into`]'s (mini-batches, one example's rows).
pub(crate) fn dense_scores_into(x: &[f64], d1: usize, wt: &[f64], c: usize, s: &mut [f64]) {
    by_classes!(c, dense_scores, dense_scores_any, (x, d1, wt, s))
}

/// s_i = Σ_k x_ik · (Wᵀ)_k over every k of row i.
fn dense_scores<const C: usize>(x: &[f64], d1: usize, wt: &[f64], s: &mut [f64]) {
    let w: &[[f64; C]] = as_rows(wt);
    for (row, o) in x.chunks_exact(d1).zip(s.chunks_exact_mut(C)) {
        let mut acc = [0.0f64; C];
        for (&x, w) in row.iter().zip(w) {
            for j in 0..C {
                acc[j] += x * w[j];
            }
        }
        o.copy_from_slice(&acc);
    }
}

fn dense_scores_any(x: &[f64], d1: usize, wt: &[f64], s: &mut [f64]) {
    let c = wt.len() / d1.max(1);
    for (row, o) in x.chunks_exact(d1).zip(s.chunks_exact_mut(c)) {
        o.fill(0.0);
        for (&x, w) in row.iter().zip(wt.chunks_exact(c)) {
            for (o, &w) in o.iter_mut().zip(w) {
                *o += x * w;
            }
        }
    }
}

/// s_i = Σ_k x_ik · (Wᵀ)_k over the nonzero x_ik of row i (ascending k). (Measured in wasm:
/// two rows interleaved, or the loss's margins computed right after each row, are slower:
/// the engine then runs out of vector registers.)
fn sparse_scores<const C: usize>(ptr: &[u32], idx: &[u32], val: &[f64], wt: &[f64], s: &mut [f64]) {
    let w: &[[f64; C]] = as_rows(wt);
    for (o, p) in s.chunks_exact_mut(C).zip(ptr.windows(2)) {
        let (a, b) = (p[0] as usize, p[1] as usize);
        let mut acc = [0.0f64; C];
        for (&k, &x) in idx[a..b].iter().zip(&val[a..b]) {
            let w = &w[k as usize];
            for j in 0..C {
                acc[j] += x * w[j];
            }
        }
        o.copy_from_slice(&acc);
    }
}

/// s_i = Σ table[pair of x_ik] over the nonzeros of row i (ascending k): [`sparse_scores`]'s
/// terms and order, the products read rather than formed.
fn table_scores<const C: usize>(ptr: &[u32], pair: &[u32], table: &[f64], s: &mut [f64]) {
    let t: &[[f64; C]] = as_rows(table);
    for (o, p) in s.chunks_exact_mut(C).zip(ptr.windows(2)) {
        let mut acc = [0.0f64; C];
        for &q in &pair[p[0] as usize..p[1] as usize] {
            let t = &t[q as usize];
            for j in 0..C {
                acc[j] += t[j];
            }
        }
        o.copy_from_slice(&acc);
    }
}

fn table_scores_any(ptr: &[u32], pair: &[u32], table: &[f64], s: &mut [f64]) {
    let c = s.len() / (ptr.len() - 1).max(1);
    for (o, p) in s.chunks_exact_mut(c).zip(ptr.windows(2)) {
        o.fill(0.0);
        for &q in &pair[p[0] as usize..p[1] as usize] {
            let q = q as usize;
            for (o, &t) in o.iter_mut().zip(&table[q * c..(q + 1) * c]) {
                *o += t;
            }
        }
    }
}

fn sparse_scores_any(ptr: &[u32], idx: &[u32], val: &[f64], wt: &[f64], s: &mut [f64]) {
    let c = s.len() / (ptr.len() - 1).max(1);
    for (o, p) in s.chunks_exact_mut(c).zip(ptr.windows(2)) {
        let (a, b) = (p[0] as usize, p[1] as usize);
        o.fill(0.0);
        for (&k, &x) in idx[a..b].iter().zip(&val[a..b]) {
            let k = k as usize;
            for (o, &w) in o.iter_mut().zip(&wt[k * c..(k + 1) * c]) {
                *o += x * w;
            }
        }
    }
}

/// G_k = Σ_i x_ik · dS_i over every i, column k of Xa being row k of Xaᵀ.
fn dense_gradient<const C: usize>(xt: &[f64], n: usize, ds: &[f64], g: &mut [f64]) {
    let ds: &[[f64; C]] = as_rows(ds);
    for (col, o) in xt.chunks_exact(n.max(1)).zip(g.chunks_exact_mut(C)) {
        let mut acc = [0.0f64; C];
        for (&x, d) in col.iter().zip(ds) {
            for j in 0..C {
                acc[j] += x * d[j];
            }
        }
        o.copy_from_slice(&acc);
    }
}

fn dense_gradient_any(xt: &[f64], n: usize, ds: &[f64], g: &mut [f64]) {
    let c = ds.len() / n.max(1);
    for (col, o) in xt.chunks_exact(n.max(1)).zip(g.chunks_exact_mut(c)) {
        o.fill(0.0);
        for (&x, d) in col.iter().zip(ds.chunks_exact(c)) {
            for (o, &d) in o.iter_mut().zip(d) {
                *o += x * d;
            }
        }
    }
}

/// G_k = Σ_i x_ik · dS_i over the nonzero x_ik of column k (ascending i).
fn sparse_gradient<const C: usize>(cptr: &[u32], cidx: &[u32], cval: &[f64], ds: &[f64], g: &mut [f64]) {
    let ds: &[[f64; C]] = as_rows(ds);
    for (o, p) in g.chunks_exact_mut(C).zip(cptr.windows(2)) {
        let (a, b) = (p[0] as usize, p[1] as usize);
        let mut acc = [0.0f64; C];
        for (&i, &x) in cidx[a..b].iter().zip(&cval[a..b]) {
            let d = &ds[i as usize];
            for j in 0..C {
                acc[j] += x * d[j];
            }
        }
        o.copy_from_slice(&acc);
    }
}

fn sparse_gradient_any(cptr: &[u32], cidx: &[u32], cval: &[f64], ds: &[f64], g: &mut [f64]) {
    let c = g.len() / (cptr.len() - 1).max(1);
    for (o, p) in g.chunks_exact_mut(c).zip(cptr.windows(2)) {
        let (a, b) = (p[0] as usize, p[1] as usize);
        o.fill(0.0);
        for (&i, &x) in cidx[a..b].iter().zip(&cval[a..b]) {
            let i = i as usize;
            for (o, &d) in o.iter_mut().zip(&ds[i * c..(i + 1) * c]) {
                *o += x * d;
            }
        }
    }
}

/// A row-major matrix with C columns as a slice of C-arrays (one bounds check per row).
fn as_rows<const C: usize>(m: &[f64]) -> &[[f64; C]] {
    let (rows, rest) = m.as_chunks::<C>();
    debug_assert!(rest.is_empty());
    rows
}
