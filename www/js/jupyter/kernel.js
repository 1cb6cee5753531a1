// The Jupyter widget's views of the learner's own function f, which runs in the kernel (Python):
// the stepper (the lecture's loop, one coordinate per Step), the gradient check (their dW against
// the numerical gradient of their f, and against lossland's maths when loss= names it) and a
// slice of f evaluated in chunks. Each view draws the `kernel` trait's state with the page's
// drawing code (matrix.js, canvas.js) and sends the buttons as messages (docs/JUPYTER.md).
// Matrices arrive in lossland's layout (C × (D + 1): one row per class, the bias column last);
// the learner's index W[i, j] (their layout, (D + 1) × C) is the cell (class j, feature i).
import { el, button, select, checkbox } from "../lib/ui.js";
import { drawGrid, colName } from "../lib/matrix.js";
import { lineChart, heatMap, PALETTE } from "../lib/canvas.js";
import { fmt, fmtLong, fmtH } from "../lib/format.js";

export const KERNEL_VIEWS = {
  "kernel-stepper": stepperView,
  "kernel-gradcheck": gradcheckView,
  "kernel-slice": sliceView,
};

const num = (v) => (typeof v === "number" ? v : NaN); // null (not yet computed) → NaN: hatched, "—"
const nums = (list) => Float64Array.from(list ?? [], num);

/** W's shape in lossland's layout: the kernel state's [rows, cols], the `shape` trait, or one row. */
function layout(model, length, k = {}) {
  if (Array.isArray(k.shape) && k.shape[0] * k.shape[1] === length) return { rows: k.shape[0], cols: k.shape[1] };
  const { d, c } = model.get("shape") ?? {};
  if (c > 0 && d >= 0 && c * (d + 1) === length) return { rows: c, cols: d + 1 };
  return { rows: 1, cols: Math.max(1, length) };
}

/** The learner's name for lossland's cell k: W[i, j] with i the feature (bias last), j the class. */
const yourIndex = ({ cols }, k) => `W[${k % cols}, ${Math.floor(k / cols)}]`;

/** The parts every kernel view has: a title, an intro, a status line, redraw on resize. */
function frame({ model, root, listen }, title, intro, draw) {
  const status = el("p", { class: "status", "aria-live": "polite" });
  root.append(el("h3", { class: "jl-title" }, title), el("p", { class: "jl-intro" }, intro));
  let frameAsked = false;
  const redraw = () => {
    if (frameAsked) return;
    frameAsked = true;
    requestAnimationFrame(() => {
      frameAsked = false;
      try {
        draw(model.get("kernel") ?? {});
      } catch (e) {
        status.textContent = `Error: ${e && e.message ? e.message : e}`;
      }
    });
  };
  const send = (msg) => {
    status.textContent = "Sent to the kernel; it answers when no cell is running.";
    model.send(msg);
  };
  listen("change:kernel", () => {
    status.textContent = "";
    redraw();
  });
  const resize = new ResizeObserver(() => redraw());
  resize.observe(root);
  return { status, redraw, send, destroy: () => resize.disconnect() };
}

/** A two-column table of [name, value] rows (values are text). */
function valueTable(label, rows) {
  return el("table", { class: "vals", "aria-label": label },
    ...rows.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v))));
}

// --- the stepper ---------------------------------------------------------------------------------

function stepperView(ctx) {
  const { root } = ctx;
  const canvas = el("canvas", { class: "grid big", role: "img", "aria-label": "The numerical gradient so far, the current entry outlined" });
  const values = el("div", { class: "jl-values" });
  const caption = el("p", { class: "readout" });
  const stepBtn = button("Step", () => f.send({ type: "step" }));
  const backBtn = button("Back", () => f.send({ type: "back" }));
  const endBtn = button("Run to end", () => f.send({ type: "run_to_end" }));
  const resetBtn = button("Reset", () => f.send({ type: "reset" }));
  const cancelBtn = button("Cancel", () => f.send({ type: "cancel" }), { hidden: true });
  const f = frame(ctx, "Your f, one coordinate at a time",
    "Each Step runs in the kernel: one entry of W is bumped by h, your f is called, the entry is put back bit for bit, and the slope is that entry of the numerical gradient.",
    draw);
  root.append(el("div", { class: "controls" }, stepBtn, backBtn, endBtn, resetBtn, cancelBtn), f.status,
    el("div", { class: "row" }, el("div", { class: "col" }, values), el("div", { class: "col" }, canvas, caption)));

  function draw(k) {
    const r = k.record;
    const grad = nums(k.gradient);
    const shape = layout(ctx.model, grad.length, k);
    const centered = !!k.centered;
    const h = num(k.h);
    // their W[row, col] is our (class col, feature row); `at` says so when the kernel sends it
    const at = Array.isArray(k.at) ? k.at[0] * shape.cols + k.at[1] : r ? r.col * shape.cols + r.row : -1;
    const done = !!k.done, position = k.position ?? 0, length = k.length ?? grad.length, running = !!k.running;
    stepBtn.disabled = done || running;
    endBtn.disabled = done || running;
    backBtn.disabled = position <= 0 || running;
    cancelBtn.hidden = !running;
    const rows = [
      ["steps taken", `${position} of ${length}${done ? " (done)" : running ? " (running to the end…)" : ""}`],
      ["h", Number.isFinite(h) ? fmtH(h) : "—"],
      ["difference", centered ? "centered: (f(W + h) − f(W − h)) / 2h" : "forward: (f(W + h) − f(W)) / h"],
      ["f(W)", fmtLong(num(k.fx))],
      ["calls of f so far", String(k.evaluations ?? 0)],
    ];
    if (r) {
      rows.push(
        ["this step's entry", `W[${r.row}, ${r.col}] (flat index ${r.index})`],
        ["its value", fmtLong(num(r.old_value))],
        ["bumped to W[i, j] + h", fmtLong(num(r.bumped_value))],
        ["f(W + h)", fmtLong(num(r.fx_plus_h))],
      );
      if (centered) rows.push(["f(W − h)", fmtLong(num(r.fx_minus_h))]);
      rows.push(
        [centered ? "slope = (f(W + h) − f(W − h)) / 2h" : "slope = (f(W + h) − f(W)) / h", fmtLong(num(r.slope))],
        ["W[i, j] after the step", `${fmtLong(num(r.old_value))} (put back)`],
      );
    } else rows.push(["this step's entry", "none yet: press Step"]);
    values.replaceChildren(valueTable("The stepper's values", rows));
    drawGrid(canvas, {
      values: grad, ...shape, highlight: at,
      rowLabel: (i) => `class ${i}`, colLabel: colName(shape.cols),
      showValues: (v) => fmt(v, 2),
    });
    const known = grad.filter(Number.isFinite).length;
    caption.textContent = `${known} of ${grad.length} entries of the numerical gradient computed (hatched: not yet). Drawn as lossland draws W: one row per class (your column j), one column per feature (your row i), the bias last.`;
  }
  f.redraw();
  return { destroy: f.destroy };
}

// --- the gradient check --------------------------------------------------------------------------

const VERDICT = {
  good: { color: "#009e73", words: "good" },
  acceptable: { color: "#56b4e9", words: "acceptable (kinks)" },
  "acceptable-with-kinks": { color: "#56b4e9", words: "acceptable (kinks)" },
  "too-high": { color: "#f0e442", words: "too high (no kink)" },
  uncomfortable: { color: "#e69f00", words: "uncomfortable" },
  wrong: { color: "#d55e00", words: "wrong" },
  "round-off": { color: "#cccccc", words: "within round-off" },
  kink: { color: "#999999", words: "kink" },
  "": { color: "#ffffff", words: "not checked" },
};
const verdictOf = (v) => VERDICT[v] ?? { color: "#d9d9d9", words: String(v ?? "—") };

function gradcheckView(ctx) {
  const { root } = ctx;
  const canvases = {
    analytic: el("canvas", { class: "grid", role: "img", "aria-label": "Your analytic dW" }),
    numerical: el("canvas", { class: "grid", role: "img", "aria-label": "The numerical gradient of your f" }),
    errors: el("canvas", { class: "grid", role: "img", "aria-label": "Relative error per entry, coloured by verdict, kinks marked" }),
    reference: el("canvas", { class: "grid", role: "img", "aria-label": "lossland's dW, entries where yours departs marked" }),
  };
  const verdictText = el("p", { class: "big-number", "data-testid": "verdict" });
  const counts = el("p", { class: "readout" });
  const refText = el("p", { class: "readout" });
  const refBox = el("div", { class: "col", hidden: true }, el("h3", {}, "lossland's dW (the definition)"), canvases.reference);
  const table = el("table", { class: "score", "aria-label": "Every entry of the gradient check" });
  const k0 = ctx.model.get("kernel") ?? {};
  const H = Array.from({ length: 10 }, (_, i) => `1e-${10 - i}`);
  const hSel = select({ label: "h", options: H.map((v) => [v, v]), value: H.find((v) => Number(v) === k0.h) ?? "1e-5" });
  const centered = checkbox({ label: "Centered difference", checked: k0.centered ?? true });
  const formula = select({ label: "Relative error", options: [["max", "|a − n| / max(|a|, |n|) (notes)"], ["sum", "|a − n| / (|a| + |n|) (assignment)"]], value: k0.formula ?? "max" });
  const again = button("Check again", () => f.send({ type: "check", h: Number(hSel.value), centered: centered.checked, formula: formula.value }));
  const progress = el("progress", { max: 1, value: 1, "aria-label": "Entries checked", hidden: true });
  const cancel = button("Cancel", () => f.send({ type: "cancel" }), { hidden: true });
  // the legend lists the verdicts this check gave (all seven exist: see VERDICT), plus the mark
  const legend = el("div", { class: "legend" });
  const showLegend = (verdicts) => legend.replaceChildren(
    ...Object.keys(VERDICT).filter((v) => v && verdicts.includes(v)).map((v) => el("span", {}, el("span", { class: "swatch", style: `background:${VERDICT[v].color}` }), VERDICT[v].words)),
    el("span", {}, el("span", { class: "swatch sw-kink" }), "corner mark: kink (or, on lossland's dW, where yours departs)"));
  const f = frame(ctx, "Your gradient, checked entry by entry",
    "Your analytic dW against the centered numerical gradient of your own f, computed in the kernel. A kink (the one-sided slopes at ±h disagree) explains a large error; elsewhere a large error means the formula is wrong.",
    draw);
  root.append(el("div", { class: "controls" }, hSel.wrap, centered.wrap, formula.wrap, again, progress, cancel), f.status, verdictText, counts,
    el("div", { class: "row" },
      el("div", { class: "col" }, el("h3", {}, "your analytic dW"), canvases.analytic),
      el("div", { class: "col" }, el("h3", {}, "numerical dW"), canvases.numerical),
      el("div", { class: "col" }, el("h3", {}, "relative error"), canvases.errors),
      refBox),
    legend,
    refText,
    el("details", {}, el("summary", {}, "Every entry"), table));

  function draw(k) {
    if (!k.analytic) {
      verdictText.textContent = "No check yet.";
      return;
    }
    const running = k.done === false;
    progress.hidden = cancel.hidden = !running;
    progress.value = num(k.progress) || 0;
    again.disabled = running;
    if (running) f.status.textContent = `Checking in the kernel: ${Math.round(100 * (num(k.progress) || 0))}% of the entries…`;
    else if (k.cancelled) f.status.textContent = "Cancelled: the check below is the last complete one.";
    const a = nums(k.analytic), n = nums(k.numerical), e = nums(k.rel_errors);
    const shape = layout(ctx.model, a.length, k);
    const verdicts = k.verdicts ?? [];
    const kinks = Uint8Array.from(k.kinks ?? [], Boolean);
    const departs = k.departs ? Uint8Array.from(k.departs, Boolean) : null;
    const ref = k.reference ? nums(k.reference.dW) : null;
    const maxAbs = Math.max(...[...a, ...n].filter(Number.isFinite).map(Math.abs), 0);
    const common = { ...shape, rowLabel: (i) => `class ${i}`, colLabel: colName(shape.cols), maxAbs };
    drawGrid(canvases.analytic, { values: a, ...common, showValues: (v) => fmt(v, 2) });
    drawGrid(canvases.numerical, { values: n, ...common, showValues: (v) => fmt(v, 2) });
    drawGrid(canvases.errors, { values: e, ...common, colors: (_, i) => verdictOf(verdicts[i]).color, marks: kinks, showValues: (v) => (v === 0 ? "0" : v.toExponential(0)) });
    refBox.hidden = !ref;
    if (ref) drawGrid(canvases.reference, { values: ref, ...common, marks: departs, showValues: (v) => fmt(v, 2) });

    showLegend(verdicts);
    const tally = {};
    for (const v of verdicts) tally[verdictOf(v).words] = (tally[verdictOf(v).words] ?? 0) + 1;
    verdictText.textContent = `max relative error ${fmt(num(k.max_rel_error))}: ${verdictOf(k.verdict).words}`;
    const wrong = verdicts.map((v, i) => (v === "wrong" ? yourIndex(shape, i) : null)).filter(Boolean);
    counts.textContent = `${Object.entries(tally).map(([w, c]) => `${c} ${w}`).join(", ")}; ${kinks.reduce((s, b) => s + b, 0)} of ${a.length} entries crossed a kink.` +
      (wrong.length ? ` Wrong at ${wrong.length > 12 ? `${wrong.slice(0, 12).join(", ")} and ${wrong.length - 12} more` : wrong.join(", ")} (your layout).` : "");
    if (ref) {
      const off = departs ? departs.reduce((s, b) => s + b, 0) : 0;
      refText.textContent = `lossland's loss at this W: ${fmtLong(num(k.reference.loss))}. Your dW departs from lossland's at ${off} of ${a.length} entries${off ? " (marked on lossland's dW)" : ""}.`;
    } else refText.textContent = "Pass loss=\"svm\" or loss=\"softmax\" to see lossland's own dW beside yours.";

    const head = ["entry (your layout)", "analytic", "numerical", "relative error", "verdict", "kink"];
    if (ref) head.push("lossland's dW", "departs");
    const rows = [el("tr", {}, ...head.map((c) => el("th", { scope: "col" }, c)))];
    for (let i = 0; i < a.length; i++) {
      const cells = [fmtLong(a[i]), fmtLong(n[i]), fmt(e[i]), verdictOf(verdicts[i]).words, kinks[i] ? "yes" : "no"];
      if (ref) cells.push(fmtLong(ref[i]), departs?.[i] ? "yes" : "no");
      rows.push(el("tr", {}, el("th", { scope: "row" }, yourIndex(shape, i)), ...cells.map((c) => el("td", {}, c))));
    }
    table.replaceChildren(...rows);
  }
  f.redraw();
  return { destroy: f.destroy };
}

// --- a slice of the learner's f ------------------------------------------------------------------

function sliceView(ctx) {
  const { root } = ctx;
  const canvas = el("canvas", { class: "square", role: "img", "aria-label": "Your f over a slice through W" });
  const progress = el("progress", { max: 1, value: 0, "aria-label": "Values of the slice computed" });
  const progressText = el("span", { class: "readout" });
  const summary = el("p", { class: "readout" });
  const evaluate = button("Evaluate slice", () => {
    const k = ctx.model.get("kernel") ?? {};
    f.send({ type: "slice", span: k.span ?? ctx.model.get("options")?.span ?? 1, size: k.size ?? 21 });
  });
  const cancel = button("Cancel", () => f.send({ type: "cancel" }));
  const f = frame(ctx, "Your f over a slice through W",
    "Your f evaluated in the kernel on a grid through W along random directions, a chunk at a time: the notebook stays responsive, and Cancel stops it.",
    draw);
  root.append(el("div", { class: "controls" }, evaluate, cancel, progress, progressText), f.status, canvas, summary);

  function draw(k) {
    const values = nums(k.values);
    const size = k.size ?? 0, span = num(k.span);
    const plane = k.slice ? k.slice === "2d" : values.length === size * size && size > 1;
    const p = Math.max(0, Math.min(1, num(k.progress) || 0));
    progress.value = p;
    const known = values.filter(Number.isFinite).length;
    progressText.textContent = `${known} of ${values.length} values${k.cancelled ? ", cancelled" : k.done ? ", done" : k.running ? ", computing…" : ""}`;
    cancel.disabled = !k.running;
    evaluate.disabled = !!k.running;
    if (k.cancelled) f.status.textContent = "Cancelled.";
    if (!size || !values.length || !Number.isFinite(span)) {
      summary.textContent = "No slice yet: press Evaluate slice.";
      return;
    }
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (plane) {
      canvas.className = "square";
      heatMap(ctx.L, canvas, values, size, size, {
        title: "your f around W", xLabel: "a (along W1)", yLabel: "b (along W2)", xRange: [-span, span], yRange: [-span, span], colorbarLabel: "f",
        markers: [{ x: 0, y: 0, color: "#ffffff", size: 6, filled: true, label: "W" }],
      });
    } else {
      canvas.className = "chart";
      const xs = Array.isArray(k.axis) && k.axis.length === values.length ? k.axis : Array.from(values, (_, i) => (values.length > 1 ? -span + (2 * span * i) / (values.length - 1) : 0));
      lineChart(ctx.L, canvas, { title: "your f along a direction W1", xLabel: "a", yLabel: "f(W + a·W1)", xRange: [-span, span], series: [{ xs, ys: [...values], color: PALETTE.blue, width: 3, label: "f" }] });
    }
    summary.textContent = known ? `${known} values from ${fmt(lo)} to ${fmt(hi)}, a and b from −${fmt(span)} to ${fmt(span)}.` : "No values yet.";
  }
  f.redraw();
  return { destroy: f.destroy };
}
