// Exports: any canvas as PNG, a section's history as CSV, the data set as CSV, and "copy as
// NumPy", a Python snippet with the current W, dW and settings in the CS231n assignment's
// conventions that recomputes the loss and gradient with NumPy.
//
// The text builders (pyNumber, numpySnippet, csvText, datasetCsv, Records) are pure functions
// of plain arrays, unit-tested under Node; the rest touches the DOM only when called.
import { el, button, nextId } from "./ui.js";

// ---------------------------------------------------------------- pure text builders

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

/** A number for a CSV cell: the shortest round-trip form; empty when there is no value. */
export function csvNumber(x) {
  if (x === undefined || x === null) return "";
  if (typeof x === "boolean") return x ? "1" : "0";
  if (typeof x !== "number") return String(x);
  return Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : String(x);
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

/** A CSV text: a header row of `columns`, then one line per row (numbers round-trip). */
export function csvText(columns, rows) {
  const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const out = [columns.map(quote).join(",")];
  for (const r of rows) out.push(r.map((v) => quote(csvNumber(v))).join(","));
  return `${out.join("\n")}\n`;
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

/**
 * A bounded table of what a section recorded (one row per step), for "Save CSV". Keeps the
 * last `cap` rows, so a long run never grows memory without bound.
 */
export class Records {
  constructor(columns, cap = 50000) {
    this.columns = columns;
    this.cap = cap;
    this.rows = [];
    this.dropped = 0;
  }
  push(row) {
    this.rows.push(row);
    if (this.rows.length > this.cap) {
      const k = this.rows.length - this.cap;
      this.rows.splice(0, k);
      this.dropped += k;
    }
  }
  clear() {
    this.rows.length = 0;
    this.dropped = 0;
  }
  get length() {
    return this.rows.length;
  }
  csv() {
    return csvText(this.columns, this.rows);
  }
}

// ---------------------------------------------------------------- the DOM side

/** Saves a Blob as a file through a temporary <a download> with a blob: URL. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Saves text as a file. */
export function saveText(text, filename, type = "text/csv") {
  saveBlob(new Blob([text], { type: `${type};charset=utf-8` }), filename);
}

/** Saves a canvas's backing store (its real pixels) as a PNG; resolves when the download starts. */
export function savePng(canvas, filename) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error("the canvas could not be encoded as PNG"));
      saveBlob(blob, filename);
      resolve();
    }, "image/png");
  });
}

const slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "chart";

/**
 * Adds a "Save PNG" button under every canvas in `host` (named after the canvas's aria-label,
 * so each button's accessible name says which chart it saves).
 */
export function addPngButtons(host, widgetName) {
  const canvases = [...host.querySelectorAll("canvas")];
  canvases.forEach((canvas, i) => {
    if (canvas.nextElementSibling?.classList.contains("canvas-tools")) return;
    const what = canvas.getAttribute("aria-label") || `chart ${i + 1}`;
    const file = `lossland-${widgetName}-${i + 1}-${slug(what)}.png`;
    const status = el("span", { class: "export-note", "aria-live": "polite" });
    const btn = button("Save PNG", async () => {
      try {
        await savePng(canvas, file);
        status.textContent = "";
      } catch (e) {
        status.textContent = `Could not save: ${e.message}`;
      }
    }, { class: "small", "aria-label": `Save PNG of: ${what}`, "data-file": file });
    canvas.after(el("div", { class: "canvas-tools" }, btn, status));
  });
}

/**
 * Copies text to the clipboard; if the browser refuses, shows it in a selectable text box
 * inside `fallbackHost` (labelled, focused and selected) with a Close button. Resolves to
 * "clipboard" or "fallback".
 */
export async function copyText(text, fallbackHost, label) {
  try {
    if (!navigator.clipboard?.writeText) throw new Error("no clipboard API");
    await navigator.clipboard.writeText(text);
    fallbackHost.replaceChildren();
    return "clipboard";
  } catch {
    const id = nextId("copy");
    const area = el("textarea", { id, class: "copy-box", readonly: true, rows: 12, spellcheck: "false" });
    area.value = text;
    const close = button("Close", () => fallbackHost.replaceChildren());
    fallbackHost.replaceChildren(
      el("label", { for: id }, `${label}: the browser did not allow copying, so select it here and copy (Ctrl+C or ⌘C)`),
      area,
      el("div", { class: "controls" }, close),
    );
    area.focus();
    area.select();
    return "fallback";
  }
}

/**
 * The export bar of an optimisation section: "Save CSV" of its history, "Copy as NumPy" of its
 * current W, and "Download data (CSV)". `source` (from the section's mount) has
 *   history(): { columns, rows, file } or null;  model(): { clf, where } or null.
 */
export function exportBar(host, widgetName, ctx, source) {
  const note = el("p", { class: "readout export-note", "aria-live": "polite" });
  const fallback = el("div", { class: "copy-fallback" });
  const items = [];
  if (source.history) {
    items.push(button("Save CSV", () => {
      const h = source.history();
      if (!h) return;
      saveText(csvText(h.columns, h.rows), `lossland-${widgetName}-${slug(ctx.dataset().name)}-${ctx.settings.loss}.csv`);
      note.textContent = `Saved ${h.rows.length} rows (${h.columns.join(", ")})${h.dropped ? `; the first ${h.dropped} steps were not kept` : ""}.`;
    }, { "aria-label": "Save CSV of this section's history", class: "small" }));
  }
  if (source.model) {
    items.push(button("Copy as NumPy", async () => {
      try {
        const text = snippetFor(ctx, source.model());
        const how = await copyText(text, fallback, "The NumPy snippet");
        note.textContent = how === "clipboard"
          ? `Copied a Python snippet (${text.split("\n").length} lines) with W, dW and the settings; paste it into Python with NumPy to recompute the loss.${needsFile(ctx) ? " It loads the data from a file: use Download data (CSV)." : ""}`
          : "";
      } catch (e) {
        note.textContent = `Could not build the snippet: ${e.message}`;
      }
    }, { class: "small", title: "W, dW and the settings as Python in CS231n's conventions" }));
    items.push(button("Download data (CSV)", () => {
      const ds = ctx.dataset();
      saveText(datasetCsv(ds.features(), ds.labels(), ds.dims), dataFileName(ds.name));
      note.textContent = `Saved ${dataFileName(ds.name)}: ${ds.len} rows of ${ds.dims} features, then the label.`;
    }, { class: "small" }));
  }
  host.append(el("div", { class: "controls exports", role: "group", "aria-label": "Export" }, el("span", { class: "export-label" }, "Export:"), ...items), note, fallback);
}

/** True if the current data set is too big for the snippet to hold. */
function needsFile(ctx) {
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
