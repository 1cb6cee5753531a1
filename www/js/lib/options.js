// Every setting of every widget, declared once. One row per option: its key, the name it has in
// a URL and as an element attribute, its type and allowed values, its default, the widgets that
// use it, and (for the ones a learner sets on the page) the control that shows it. The notebook's
// URL (read and written), embed.html's query, the custom elements' attributes and the Python
// widget's traits all read this table; a section receives its options as data (`w.options`) and
// never has to be driven through its own <input>. Adding a setting is adding a row.
//
// Rows hold plain data except `default` and `values`, which may be functions of the settings
// (`{ dataset, len }`) and the widget's name when they depend on the data set.

import { fmtH } from "./format.js";

/** Step sizes, scales and learning rates on a log slider: 1, 2, 5 × 10^k from 1e-4 to 10. */
export const LOG_STEPS = niceLogValues(-4, 1);

/**
 * Hyperparameters that give a readable run on each data set (measured with seed 1, reg 0):
 * rsScale: random search's W scale; lsStep: random local search's step; gdStep: a good learning
 * rate; trio (per loss): too small / good / too large learning rates for 60 steps, measured with
 * seed 1 at every reg of the settings bar (0 … 1): the small one crawls (under half the good
 * one's drop), the good one never rises, the large one rises (overshoots or blows up).
 */
export const TUNING = {
  toy: { rsScale: 1, lsStep: 0.1, gdStep: 0.1, trio: { svm: [1e-3, 0.1, 100], softmax: [1e-3, 0.5, 100] } },
  spiral: { rsScale: 1, lsStep: 0.05, gdStep: 0.5, trio: { svm: [1e-3, 0.2, 10], softmax: [1e-3, 0.5, 10] } },
  iris: { rsScale: 1, lsStep: 0.05, gdStep: 0.01, trio: { svm: [1e-4, 0.01, 1], softmax: [1e-4, 0.05, 1] } },
  digits: { rsScale: 0.01, lsStep: 0.01, gdStep: 0.1, trio: { svm: [1e-4, 0.02, 10], softmax: [1e-3, 0.5, 10] } },
};
export const tuning = (dataset) => TUNING[dataset] ?? TUNING.digits;

/** The built-in data sets, as the settings bar lists them. */
export const DATASETS = [
  ["toy", "toy (9 points, 2-D, 3 classes)"],
  ["spiral", "spiral (300 points, 2-D, 3 classes)"],
  ["iris", "iris (150 flowers, 4 features, 3 classes)"],
  ["digits", "digits (1797 images, 8×8, 10 classes)"],
];

/** The regularisation strengths the settings bar's slider offers (any value in range is valid). */
export const REGS = [0, 1e-4, 1e-3, 1e-2, 0.1, 1];

const POW10_H = Array.from({ length: 10 }, (_, i) => Number(`1e${i - 10}`)); // 1e-10 … 1e-1

/**
 * The table. Fields:
 *   key       the name in JS and Python (camelCase) and in `w.options`
 *   attr      the name in a URL query and as an element attribute (kebab-case; default: key)
 *   type      "enum" | "boolean" | "number" | "integer" | "pow10"
 *   values    enum: the allowed values; number/integer: optional list the slider offers
 *   min, max  number/integer/pow10: the allowed range (inclusive)
 *   default   a value, or (settings, widget) => value
 *   perDataset  the default depends on the data set: a change of data set returns to it
 *   shared    one value for the whole page (the settings bar), else per widget
 *   widgets   the widgets that use it ("*" for all)
 *   control   how a section shows it: { kind: "slider" | "steps" (a slider over `values`) |
 *             "exponent" (a slider over log10 of a pow10 value) | "check" | "select", label,
 *             labels (per widget), choices ([value, text] for selects), format }
 *   doc       one line for the README, the Python docstrings and the error message
 *   state     a section's own state that changes the picture (a count of "New directions", a
 *             chord's ends, a run's progress), not a setting: it has no control of its own (the
 *             section draws its own buttons and sets it with w.setState); a link carries it
 *   progress  (state rows) a run's progress: back to the default whenever the run starts over
 *             (a rebuild, Reset, a change of an option whose effect is "build" or "reset")
 *   view      (shared rows) how the page looks, not what it computes: written to a link only
 *             when it differs from the default
 */
export const OPTIONS = [
  { key: "dataset", type: "enum", values: ["toy", "spiral", "iris", "digits"], default: "toy", shared: true, widgets: "*",
    doc: "the data set" },
  { key: "loss", type: "enum", values: ["svm", "softmax"], default: "svm", shared: true, widgets: "*",
    doc: "the loss: multiclass SVM (hinge, Δ = 1) or softmax (cross-entropy)" },
  { key: "reg", type: "number", min: 0, max: 10, default: 0, shared: true, widgets: "*",
    doc: "regularisation strength: L = data loss + reg · Σ W²" },
  { key: "seed", type: "integer", min: 0, max: 1000000, default: 1, shared: true, widgets: "*",
    doc: "the seed of every random draw (W, directions, mini-batches)" },
  { key: "present", type: "boolean", default: false, shared: true, view: true, widgets: "*",
    doc: "presentation mode: large type and thick lines, each widget's main part on one 1024 × 768 screen" },
  { key: "predict", type: "boolean", default: true, shared: true, view: true, widgets: "*",
    doc: "predict, then see: each section asks for a prediction before it shows the answer (off: every answer shown at once, e.g. for a live demo)" },

  { key: "span", type: "number", min: 0.25, max: 10, default: 3, widgets: ["landscape", "line"],
    control: { kind: "slider", labels: { landscape: "Span of a and b", line: "Span of a" }, step: 0.25, format: (v) => `±${v}` },
    doc: "half-width of the slice: a (and b) run from −span to span" },
  { key: "resolution", type: "enum", values: [16, 32, 64, 128], default: 64, widgets: ["landscape"],
    control: { kind: "select", label: "Resolution", format: (v) => `${v} × ${v}` },
    doc: "grid points per side of the 2-D slice" },
  { key: "normalize", type: "boolean", default: false, widgets: ["landscape"],
    control: { kind: "check", label: "Filter-normalised directions" },
    doc: "scale each row of W1 and W2 to the norm of W's row (Li et al. 2018)" },
  { key: "scale", type: "number", min: 1e-4, max: 10, values: LOG_STEPS, default: (s) => tuning(s.dataset).rsScale, perDataset: true, widgets: ["random-search"],
    control: { kind: "steps", label: "Scale of a random W (std)" },
    doc: "standard deviation of each random W" },
  { key: "stepSize", attr: "step-size", type: "number", min: 1e-4, max: 10, values: LOG_STEPS, perDataset: true, widgets: ["local-search", "gd", "sgd"],
    default: (s, widget) => (widget === "local-search" ? tuning(s.dataset).lsStep : tuning(s.dataset).gdStep),
    control: { kind: "steps", label: "Step size (log scale)" },
    doc: "the step size (learning rate)" },
  { key: "batchSize", attr: "batch-size", type: "integer", min: 1, max: 100000, perDataset: true, widgets: ["sgd"],
    values: (s) => powersOfTwoUpTo(s.len), default: (s) => 2 ** Math.max(0, Math.min(5, Math.floor(Math.log2(s.len / 8)))),
    control: { kind: "steps", label: "Batch size (log scale)", format: String },
    doc: "examples per mini-batch (1: stochastic gradient descent)" },
  { key: "h", type: "pow10", min: 1e-10, max: 0.1, values: POW10_H, default: 1e-5, widgets: ["stepper", "gradcheck"],
    control: { kind: "exponent", label: "h (log scale)" },
    doc: "the finite-difference step h, a power of ten" },
  { key: "centered", type: "boolean", default: (_, widget) => widget === "gradcheck", widgets: ["stepper", "gradcheck"],
    control: { kind: "check", label: "Centered difference (f(x+h) − f(x−h)) / 2h" },
    doc: "centered difference instead of the forward one" },
  { key: "formula", type: "enum", values: ["max", "sum"], default: "max", widgets: ["gradcheck"],
    control: { kind: "select", label: "Relative error", choices: [["max", "|a − n| / max(|a|, |n|) (notes)"], ["sum", "|a − n| / (|a| + |n|) (assignment)"]] },
    doc: "relative error: the notes' max form or the assignment's sum form" },
  { key: "regOn", attr: "reg-on", type: "boolean", default: true, widgets: ["gradcheck"],
    control: { kind: "check", label: "Regularisation on (uses reg from the settings)" },
    doc: "include the regulariser in the checked loss" },
  { key: "budget", type: "enum", values: [200, 1000, 3000, 10000], default: 1000, widgets: ["scoreboard"],
    control: { kind: "select", label: "Budget of loss evaluations" },
    doc: "loss evaluations each strategy may spend" },

  // the sections' own state (no control from the table: each section draws its own buttons)
  { key: "directions", type: "integer", min: 0, max: 1000000, default: 0, state: true, widgets: ["line", "landscape"],
    doc: "how many times New direction(s) was pressed: the random directions' seed is seed · 1000 (+ 500 for the 2-D slice) + this" },
  { key: "chordStart", attr: "chord-start", type: "number", min: -1, max: 1, default: -0.5, state: true, widgets: ["line"],
    doc: "the chord's first end a₁, as a fraction of the span" },
  { key: "chordEnd", attr: "chord-end", type: "number", min: -1, max: 1, default: 0.33, state: true, widgets: ["line"],
    doc: "the chord's second end a₂, as a fraction of the span" },
  { key: "newW", attr: "new-w", type: "integer", min: 0, max: 1000000, default: 0, state: true, widgets: ["gradcheck"],
    doc: "how many times New W was pressed: the checked W is drawn from seed + 100 · this" },
  { key: "example", type: "integer", min: 0, max: 100000, default: 0, state: true, widgets: ["gradcheck"],
    doc: "the example i whose terms are shown (0 when the data set has fewer)" },
  { key: "stepped", type: "integer", min: 0, max: 5000, default: 0, state: true, progress: true, widgets: ["stepper"],
    doc: "coordinates already stepped by the numerical-gradient loop (replayed on load)" },
  { key: "steps", type: "integer", min: 0, max: 5000, default: 0, state: true, progress: true, widgets: ["random-search", "local-search", "gd", "sgd"],
    doc: "steps (or tries) the run has taken, replayed from the seed on load" },
];

/** The row for `key` (or its attribute name), or undefined. */
export function optionRow(key) {
  return OPTIONS.find((r) => r.key === key || attrOf(r) === key);
}
export const attrOf = (row) => row.attr ?? row.key;
export const SHARED_KEYS = OPTIONS.filter((r) => r.shared).map((r) => r.key);

/** The rows a widget uses (shared ones excluded). */
export function widgetOptions(widget) {
  return OPTIONS.filter((r) => !r.shared && (r.widgets === "*" || r.widgets.includes(widget)));
}

/** A row's default for a widget on the given settings ({ dataset, len }). */
export function defaultOf(row, settings = {}, widget) {
  return typeof row.default === "function" ? row.default(settings, widget) : row.default;
}

/** The values a row's slider offers on the given settings (numbers only), or undefined. */
export function valuesOf(row, settings = {}) {
  return typeof row.values === "function" ? row.values(settings) : row.values;
}

/** What a row allows, in words: for error messages and docs. */
export function allowed(row) {
  switch (row.type) {
    case "enum": return `one of ${row.values.join(", ")}`;
    case "boolean": return "true or false";
    case "pow10": return `a power of ten from ${fmtH(row.min)} to ${fmtH(row.max)}`;
    case "integer": return `an integer in ${row.min}..=${row.max}`;
    default: return `a number in [${row.min}, ${row.max}]`;
  }
}

/**
 * Parses a value from a URL, an attribute or a program (string, number or boolean) by the
 * row's rules. Returns { value } or { error } (a short message naming the option, what is
 * allowed and what was given). A present but empty boolean attribute reads as true.
 */
export function parseOption(row, raw) {
  const name = attrOf(row);
  const given = typeof raw === "string" ? JSON.stringify(raw.slice(0, 40)) : String(raw);
  const bad = () => ({ error: `${name} must be ${allowed(row)}, got ${given}` });
  if (raw === null || raw === undefined) return bad();
  if (row.type === "boolean") {
    if (raw === true || raw === false) return { value: raw };
    const s = String(raw).trim().toLowerCase();
    if (s === "" || s === "true" || s === "1" || s === "on") return { value: true };
    if (s === "false" || s === "0" || s === "off") return { value: false };
    return bad();
  }
  if (row.type === "enum") {
    const hit = row.values.find((v) => String(v) === String(raw).trim());
    return hit === undefined ? bad() : { value: hit };
  }
  const s = typeof raw === "number" ? raw : String(raw).trim() === "" ? NaN : Number(String(raw).trim());
  if (!Number.isFinite(s) || s < row.min || s > row.max) return bad();
  if (row.type === "integer" && !Number.isSafeInteger(s)) return bad();
  if (row.type === "pow10") {
    const k = Math.round(Math.log10(s));
    if (Math.abs(Math.log10(s) - k) > 1e-9) return bad();
    return { value: Number(`1e${k}`) };
  }
  return { value: s };
}

/** A value as text for a URL or an attribute (the inverse of parseOption). */
export function formatOption(row, value) {
  if (row.type === "pow10") return fmtH(value);
  if (row.key === "predict") return value ? "on" : "off";
  return String(value);
}

/**
 * Reads the shared settings and `widget`'s options through `get(name)` (an element's
 * getAttribute, URLSearchParams.get, a Python trait…), where `prefix` is put before every
 * widget option's name (the notebook's URL says `gd.step-size=0.5`). Returns
 * { settings, options, warnings }: settings complete (defaults filled in), options only those
 * given and valid, warnings one message per invalid value (which is then ignored).
 */
export function readOptions(get, widget = null, { prefix = "" } = {}) {
  const settings = {};
  const options = {};
  const warnings = [];
  for (const row of OPTIONS) {
    if (!row.shared && (widget === null || !(row.widgets === "*" || row.widgets.includes(widget)))) continue;
    const name = row.shared ? attrOf(row) : prefix + attrOf(row);
    const raw = get(name);
    if (raw === null || raw === undefined) {
      if (row.shared) settings[row.key] = defaultOf(row);
      continue;
    }
    const r = parseOption(row, raw);
    if (r.error) {
      warnings.push(`lossland: ignored ${name}: ${r.error.slice(attrOf(row).length + 1)}`);
      if (row.shared) settings[row.key] = defaultOf(row);
    } else if (row.shared) settings[row.key] = r.value;
    else options[row.key] = r.value;
  }
  return { settings, options, warnings };
}

/**
 * [name, text] pairs for a URL query or attributes: every key of `values` that has a row
 * (shared settings by their own name, widget options with `prefix` before theirs).
 */
export function optionEntries(values, { prefix = "" } = {}) {
  const out = [];
  for (const row of OPTIONS) {
    if (!Object.hasOwn(values, row.key) || values[row.key] === undefined) continue;
    if (row.view && values[row.key] === defaultOf(row)) continue; // presentation off: not in the link
    out.push([row.shared ? attrOf(row) : prefix + attrOf(row), formatOption(row, values[row.key])]);
  }
  return out;
}

/** 1, 2, 5, 10, 20, 50, … from 10^minExp to 10^maxExp (both included). */
export function niceLogValues(minExp, maxExp) {
  const out = [];
  for (let k = minExp; k <= maxExp; k++) for (const m of [1, 2, 5]) if (k < maxExp || m === 1) out.push(Number((m * 10 ** k).toPrecision(3)));
  return out;
}

/** 1, 2, 4, … up to n, and n itself. */
export function powersOfTwoUpTo(n) {
  const out = [];
  for (let v = 1; v < n; v *= 2) out.push(v);
  out.push(n);
  return out;
}
