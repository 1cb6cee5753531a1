// "Copy as NumPy" and "Download data (CSV)": a Python snippet with the current W, dW and settings
// in the CS231n assignment's conventions that recomputes the loss and gradient with NumPy, and
// the data set as CSV for it to load. Loaded on the first click (not at page load), so the page
// does not pay for it until a learner asks. Pure text builders, unit-tested under Node.
import { csvNumber } from "./downloads.js";

/**
 * A number as Python source that parses back to the same double: JS's Number → string is the
 * shortest string that round-trips, and Python's float() reads it to the same value. Integers
 * get ".0" so they stay floats; non-finite values become float('nan') / float('inf').
 */
export function pyNumber(x) {
  if (Number.isNaN(x)) return "float('nan')";
  if (x === Infinity) return "float('inf')";
  if (x === -Infinity) return "-float('inf')";
  if (Object.is(x, -0)) return "-0.0";
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A row-major `rows` × `cols` matrix as a Python list of lists, one row per line. */
function pyMatrix(get, rows, cols, indent = "    ") {
  const lines = [];
  for (let r = 0; r < rows; r++) {
    const cells = [];
    for (let c = 0; c < cols; c++) cells.push(pyNumber(get(r, c)));
    lines.push(`${indent}[${cells.join(", ")}],`);
  }
  return `[\n${lines.join("\n")}\n]`;
}

/** The data set as CSV text, no header: D features then the integer label on each row. */
export function datasetCsv(features, labels, dims) {
  const out = new Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const row = new Array(dims + 1);
    for (let k = 0; k < dims; k++) row[k] = csvNumber(features[i * dims + k]);
    row[dims] = String(labels[i]);
    out[i] = row.join(",");
  }
  return `${out.join("\n")}\n`;
}

/** The file name "Download data (CSV)" saves a data set under (the snippet loads this name). */
export const dataFileName = (name) => `lossland-${String(name).replace(/[^\w-]+/g, "_")}.csv`;

/** Data sets whose X is written into the snippet when N × (D + 1) is at most this many numbers. */
export const INLINE_VALUES = 5000;

/**
 * The NumPy snippet. `spec`:
 *   W, dW: lossland's row-major C × (D + 1) arrays (last column the bias); rows = C, cols = D + 1
 *   loss: "svm" | "softmax"; reg; delta; seed; value: lossland's loss at W
 *   data: { name, label (what the page calls it), n, dims, classes, features?, labels? }; the
 *     features and labels are inlined when given and small, else the snippet loads
 *     dataFileName(name) with np.loadtxt
 *   where: a phrase saying where on the page W comes from (e.g. "gradient descent, step 12")
 * The snippet prints the loss, lossland's loss, and the largest relative difference of dW.
 */
export function numpySnippet(spec) {
  const { W, dW, rows: C, cols, loss, reg, delta = 1, seed, value, data, where } = spec;
  const D = cols - 1;
  if (data.dims !== D) throw new Error(`numpySnippet: W has ${cols} columns but the data has ${data.dims} features (+ 1 bias)`);
  if (loss !== "svm" && loss !== "softmax") throw new Error(`numpySnippet: loss must be "svm" or "softmax", got ${loss}`);
  // lossland W[j, k] (class j, feature k) is CS231n's W[k, j]
  const T = (a) => (k, j) => a[j * cols + k];
  const inline = data.features && data.labels && data.n * (D + 1) <= INLINE_VALUES;
  const file = dataFileName(data.name);
  const L = [];
  L.push("# lossland -> NumPy: the loss and gradient shown on the page, recomputed the CS231n way.");
  if (where) L.push(`# W comes from: ${where}.`);
  L.push(`# Data set: ${data.label ?? data.name} (N = ${data.n}, D = ${D}, C = ${C}). Loss: ${loss === "svm" ? `multiclass SVM, delta = ${delta}` : "softmax"}; reg = ${reg}; seed = ${seed}.`);
  L.push("#");
  L.push("# Conventions (the CS231n assignment's, not lossland's own layout):");
  L.push("#   X is N x (D + 1): the features with a column of ones appended as the LAST column (bias trick);");
  L.push("#   W is (D + 1) x C: lossland's W (C x (D + 1), last column = bias) transposed, so its last ROW is the bias;");
  L.push("#   loss = mean over the examples of L_i + reg * np.sum(W * W)  (the bias is regularised too);");
  L.push("#   dW is the gradient of that loss, (D + 1) x C.");
  L.push("# Every number below is written with enough digits to read back exactly.");
  L.push("import numpy as np");
  L.push("");
  L.push(`loss_name = ${JSON.stringify(loss)}`);
  L.push(`reg = ${pyNumber(reg)}`);
  L.push(`delta = ${pyNumber(delta)}`);
  L.push(`seed = ${Number.isSafeInteger(seed) ? seed : "None"}  # the page's seed (W below was drawn from it, then changed by the page)`);
  L.push("");
  if (inline) {
    L.push(`X = np.array(${pyMatrix((r, c) => data.features[r * D + c], data.n, D)})`);
    L.push(`y = np.array([${Array.from(data.labels, String).join(", ")}])`);
  } else {
    L.push(`# ${data.label ?? data.name}: ${data.n} x ${D} is too big to write out here. Save it with the page's`);
    L.push(`# "Download data (CSV)" button as ${file} (one example per row: the ${D} features, then the`);
    L.push("# label) in the folder you run this from.");
    L.push(`data = np.loadtxt(${JSON.stringify(file)}, delimiter=",", ndmin=2)`);
    L.push("X = data[:, :-1]");
    L.push("y = data[:, -1].astype(int)");
  }
  L.push("X = np.hstack([X, np.ones((X.shape[0], 1))])  # the bias trick: ones as the last column");
  L.push("");
  L.push(`W = np.array(${pyMatrix(T(W), D + 1, C)})  # (D + 1) x C`);
  L.push("");
  L.push(`dW_lossland = np.array(${pyMatrix(T(dW), D + 1, C)})`);
  L.push(`loss_lossland = ${pyNumber(value)}`);
  L.push("");
  L.push(...PY_FUNCTIONS);
  L.push("");
  L.push('if loss_name == "svm":');
  L.push("    loss, dW = svm_loss_naive(W, X, y, reg, delta)");
  L.push("else:");
  L.push("    loss, dW = softmax_loss_naive(W, X, y, reg)");
  L.push("");
  L.push("scale = max(np.max(np.abs(dW_lossland)), 1e-300)");
  L.push("rel = np.abs(dW - dW_lossland) / np.maximum(np.maximum(np.abs(dW), np.abs(dW_lossland)), 1e-12 * scale)");
  L.push('print("loss (NumPy):   ", repr(float(loss)))');
  L.push('print("loss (lossland):", repr(loss_lossland))');
  L.push('print("relative difference of the loss:", abs(loss - loss_lossland) / max(abs(loss_lossland), 1e-300))');
  L.push('print("largest relative difference of dW:", float(np.max(rel)))');
  return `${L.join("\n")}\n`;
}

const PY_FUNCTIONS = [
  "def svm_loss_naive(W, X, y, reg, delta=1.0):",
  '    """Multiclass SVM loss and gradient with loops, as in the assignment\'s linear_svm.py."""',
  "    dW = np.zeros(W.shape)",
  "    num_classes = W.shape[1]",
  "    num_train = X.shape[0]",
  "    loss = 0.0",
  "    for i in range(num_train):",
  "        scores = X[i].dot(W)",
  "        correct_class_score = scores[y[i]]",
  "        for j in range(num_classes):",
  "            if j == y[i]:",
  "                continue",
  "            margin = scores[j] - correct_class_score + delta",
  "            if margin > 0:",
  "                loss += margin",
  "                dW[:, j] += X[i]",
  "                dW[:, y[i]] -= X[i]",
  "    loss /= num_train",
  "    dW /= num_train",
  "    loss += reg * np.sum(W * W)",
  "    dW += 2 * reg * W",
  "    return loss, dW",
  "",
  "",
  "def softmax_loss_naive(W, X, y, reg):",
  '    """Softmax (cross-entropy) loss and gradient with loops, as in the assignment\'s softmax.py.',
  "    Scores are shifted by their max, and L_i = log(sum_j exp(s_j)) - s_{y_i} is computed in that",
  '    shifted form, which is exact maths and keeps exp from overflowing."""',
  "    dW = np.zeros_like(W)",
  "    num_classes = W.shape[1]",
  "    num_train = X.shape[0]",
  "    loss = 0.0",
  "    for i in range(num_train):",
  "        scores = X[i].dot(W)",
  "        scores = scores - np.max(scores)",
  "        exp_scores = np.exp(scores)",
  "        total = np.sum(exp_scores)",
  "        loss += np.log(total) - scores[y[i]]",
  "        for j in range(num_classes):",
  "            p = exp_scores[j] / total",
  "            dW[:, j] += (p - (j == y[i])) * X[i]",
  "    loss /= num_train",
  "    dW /= num_train",
  "    loss += reg * np.sum(W * W)",
  "    dW += 2 * reg * W",
  "    return loss, dW",
];

/** True if the current data set is too big for the snippet to hold. */
export function needsFile(ctx) {
  const ds = ctx.dataset();
  return ds.len * (ds.dims + 1) > INLINE_VALUES;
}

/** The snippet for a section's classifier on the current data set. */
export function snippetFor(ctx, { clf, where }) {
  const ds = ctx.dataset();
  const inline = ds.len * (ds.dims + 1) <= INLINE_VALUES;
  const o = clf.options();
  return numpySnippet({
    W: clf.weights(), dW: clf.gradient(), rows: clf.rows, cols: clf.cols,
    loss: o.loss, reg: o.reg, delta: o.delta, seed: ctx.settings.seed, value: clf.loss(), where,
    data: { name: ds.name, label: ctx.datasetLabel?.() ?? ds.name, n: ds.len, dims: ds.dims, classes: ds.classes, features: inline ? ds.features() : null, labels: inline ? ds.labels() : null },
  });
}
