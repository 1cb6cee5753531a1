// The Jupyter widget's front end (anywidget ≥ 0.11: `export default { render({ model, el }) }`),
// bundled by scripts/wheel into python/lossland/static/widget.js with the wasm inlined. It is the
// notebook's own code: one page (lib/page.js) whose data set is the learner's arrays, the
// sections mounted by the skeleton (lib/section.js) with the options from Python, and the kernel
// views (jupyter/kernel.js) for what runs the learner's own function in the kernel. The traits
// and messages are docs/JUPYTER.md's. Everything lives in a shadow root inside `el`, with the
// page's stylesheet inlined, so JupyterLab's styles and lossland's do not leak into each other.
import { loadLossland } from "./lib/wasm.js";
import { createPage } from "./lib/page.js";
import { mountSection } from "./lib/section.js";
import { WIDGETS, widget } from "./lib/widgets.js";
import { optionRow, parseOption, widgetOptions } from "./lib/options.js";
import { el } from "./lib/ui.js";
import { fmt, pct } from "./lib/format.js";
import { KERNEL_VIEWS } from "./jupyter/kernel.js";
import pageCss from "../css/lossland.css"; // text: esbuild's "text" loader (scripts/wheel.mjs)
import ownCss from "../css/jupyter.css";

const OPTIMIZERS = new Set(["gd", "sgd"]); // the sections whose W goes back to Python
const WRITE_EVERY_MS = 250; // while Play runs, W is written back at most this often

// --- traits ------------------------------------------------------------------------------------

/** A fresh, aligned copy of a Bytes trait (DataView, ArrayBuffer or typed array) as `Type`. */
function typed(value, Type) {
  if (!value) return new Type(0);
  const view = ArrayBuffer.isView(value) ? value : new DataView(value);
  if (view.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new Error(`a buffer of ${view.byteLength} bytes is not a whole number of ${Type.name} values`);
  // slice() copies into a new buffer: aligned, and no longer tied to the message's memory
  return new Type(new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice().buffer);
}

/** The shared settings from the `settings` trait, each checked by its row of the options table. */
function readSettings(raw = {}) {
  const settings = { dataset: "custom" };
  const problems = [];
  for (const key of ["loss", "reg", "seed", "predict"]) {
    const row = optionRow(key);
    if (raw[key] === undefined || raw[key] === null) { settings[key] = row.default; continue; }
    const r = parseOption(row, raw[key]);
    if (r.error) { problems.push(r.error); settings[key] = row.default; } else settings[key] = r.value;
  }
  if (typeof raw.delta === "number" && raw.delta > 0) settings.delta = raw.delta;
  return { settings, problems };
}

/** Widget `name`'s options from the `options` trait (keys of the options table; others ignored). */
function readWidgetOptions(raw = {}, name) {
  const options = {};
  const problems = [];
  for (const row of widgetOptions(name)) {
    const v = raw[row.key] ?? raw[row.attr ?? row.key];
    if (v === undefined || v === null) continue;
    const r = parseOption(row, v);
    if (r.error) problems.push(r.error); else options[row.key] = r.value;
  }
  return { options, problems };
}

/** The learner's data set and W from the traits (lossland's layout, docs/JUPYTER.md). */
function readData(L, model) {
  const { n, d, c } = model.get("shape") ?? {};
  if (!(n > 0 && d > 0 && c > 1)) throw new Error("the widget has no data yet (shape is missing)");
  const X = typed(model.get("X"), Float64Array);
  const y = typed(model.get("y"), Uint32Array);
  if (X.length !== n * d) throw new Error(`X holds ${X.length} numbers, shape says ${n} × ${d}`);
  if (y.length !== n) throw new Error(`y holds ${y.length} labels, shape says ${n}`);
  const W = typed(model.get("W"), Float64Array);
  const dataset = L.Dataset.fromArrays(X, y, d, c);
  return { dataset, W: W.length === c * (d + 1) ? W : null, n, d, c, label: `your data (${n} × ${d}, ${c} classes)` };
}

const sameBits = (a, b) => {
  if (!a || !b || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), z = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== z[i]) return false;
  return true;
};

// --- the widget --------------------------------------------------------------------------------

async function render({ model, el: cell }) {
  // data-lm-suppress-shortcuts: JupyterLab's keyboard shortcuts (Lumino's) leave the keys pressed
  // inside the widget alone; without it the arrow keys on a slider moved nothing in JupyterLab 4
  // (tests/jupyter: the span slider of a Landscape)
  const host = el("div", { class: "lossland-jupyter-host", "data-lm-suppress-shortcuts": "true" });
  cell.append(host);
  const shadow = host.attachShadow({ mode: "open" });
  const errorBox = el("p", { class: "status error", role: "alert", hidden: true });
  const head = el("div", { class: "jl-head" });
  const body = el("div", { class: "jl-body" });
  const root = el("div", { class: "lossland-jupyter" }, errorBox, head, body);
  shadow.append(el("style", {}, `${pageCss}\n${ownCss}`), root);

  const listeners = [];
  const listen = (event, f) => {
    const g = (...args) => {
      try {
        f(...args);
      } catch (e) {
        showError(e);
      }
    };
    model.on(event, g);
    listeners.push(() => model.off(event, g));
  };
  let localProblems = []; // what the front end found wrong in the traits
  const showError = (e) => {
    if (e) localProblems = [...localProblems, e && e.message ? e.message : String(e)];
    const text = [model.get("error"), ...localProblems].filter(Boolean).join(" ");
    errorBox.textContent = text ? `Error: ${text}` : "";
    errorBox.hidden = !text;
  };
  listen("change:error", () => showError());
  showError();

  let L;
  try {
    L = await loadLossland();
  } catch (e) {
    showError(e);
    return () => host.remove();
  }

  const name = model.get("widget") || "notebook";
  const kernelView = KERNEL_VIEWS[name];
  if (kernelView) {
    // views of the learner's f: state from the kernel, buttons send messages
    const view = kernelView({ L, model, root: body, listen, showError });
    return () => {
      view.destroy?.();
      for (const off of listeners.splice(0)) off();
      host.remove();
    };
  }

  let data, page = null;
  const handles = [];
  const cleanup = () => {
    for (const h of handles.splice(0)) h.destroy();
    page?.destroy();
    for (const off of listeners.splice(0)) off();
    host.remove();
  };
  try {
    const rows = name === "notebook" ? WIDGETS : [widget(name)].filter(Boolean);
    if (!rows.length) throw new Error(`widget must be notebook, kernel-stepper, kernel-gradcheck, kernel-slice or one of ${WIDGETS.map((r) => r.name).join(", ")}`);
    data = readData(L, model);
    const s = readSettings(model.get("settings"));
    localProblems = s.problems;
    page = createPage(L, s.settings);
    page.initialWeights = data.W;
    page.setCustomDataset(data.dataset, data.label);
    const summary = el("p", { class: "jl-summary", "aria-live": "polite" });
    head.append(el("p", { class: "jl-what" }, `lossland on ${data.label}. The widget computes with lossland's WebAssembly core in your browser; your arrays in Python are not modified.`), summary);

    // the loss at the learner's W, with lossland's maths (what NumPy should give for the same W)
    const showSummary = () => {
      const st = page.settings;
      const clf = new L.Classifier(page.dataset(), { loss: st.loss, reg: st.reg, ...(st.delta ? { delta: st.delta } : {}) });
      try {
        if (page.initialWeights) clf.setWeights(page.initialWeights);
        const what = page.initialWeights ? "your W" : `a random W (seed ${st.seed})`;
        summary.textContent = `Loss at ${what}: ${clf.loss().toPrecision(12)} (${st.loss === "svm" ? "multiclass SVM" : "softmax"}, reg ${fmt(st.reg)}); accuracy ${pct(clf.accuracy())}.`;
      } finally {
        clf.free();
      }
    };
    showSummary();
    showError();

    for (const row of rows) {
      const mod = await row.load();
      const o = readWidgetOptions(model.get("options"), row.name);
      localProblems = [...localProblems, ...o.problems];
      const box = el("div", { class: "widget" });
      if (name === "notebook") body.append(el("h2", {}, row.title), el("p", { class: "jl-intro" }, row.intro), box);
      else body.append(box); // the section's own heading says what it is
      handles.push(mountSection(box, page, mod.default, o.options));
    }
    showError();

    // W back to Python after the optimizer moved it (docs/JUPYTER.md: W, W_from_js), and shown
    // as Python will hold it: (D + 1) × C, every value in full (JS prints the shortest text
    // that reads back as the same double, as Python's repr does)
    const wTable = el("table", { class: "vals jl-w", "aria-label": "W as sent to Python" });
    const wNote = el("summary", {});
    const wBox = el("details", { hidden: true }, wNote, wTable);
    head.append(wBox);
    const showW = (W, sent, where) => {
      const C = data.c, K = data.d + 1;
      const rows = [el("tr", {}, el("th", {}, ""), ...Array.from({ length: C }, (_, j) => el("th", { scope: "col" }, `class ${j}`)))];
      for (let i = 0; i < K; i++) {
        rows.push(el("tr", {}, el("th", { scope: "row" }, i === K - 1 ? `W[${i}] (bias)` : `W[${i}]`),
          ...Array.from({ length: C }, (_, j) => el("td", {}, String(W[j * K + i])))));
      }
      wTable.replaceChildren(...rows);
      wNote.textContent = `Your W now (${where}), as sent to Python as opt.W (${sent} times so far)`;
      wBox.hidden = false;
    };
    let lastWritten = null, lastTime = 0, timer = null;
    const writeW = (handle) => {
      clearTimeout(timer);
      timer = null;
      const m = handle.exports?.model?.();
      if (!m?.clf) return;
      const W = m.clf.weights();
      if (sameBits(W, lastWritten)) return;
      lastWritten = W;
      lastTime = performance.now();
      model.set("W", new DataView(W.buffer.slice(0)));
      const sent = (model.get("W_from_js") ?? 0) + 1;
      model.set("W_from_js", sent);
      model.save_changes();
      showW(W, sent, m.where ?? handle.name);
    };
    page.onPlayer = (section, what) => {
      if (!OPTIMIZERS.has(section)) return;
      const handle = handles.find((h) => h.name === section);
      if (!handle) return;
      if (what !== "step" || performance.now() - lastTime > WRITE_EVERY_MS) writeW(handle);
      else if (!timer) timer = setTimeout(() => writeW(handle), WRITE_EVERY_MS);
    };
    listeners.push(() => clearTimeout(timer));

    // Python → JS: a new W (opt.W = …), new settings, options or data
    listen("change:W", () => {
      const W = typed(model.get("W"), Float64Array);
      if (sameBits(W, lastWritten)) return; // our own write coming back
      if (sameBits(W, page.initialWeights)) return;
      page.initialWeights = W.length === data.c * (data.d + 1) ? W : null;
      lastWritten = null;
      showSummary();
      page.set({}); // every section rebuilds from the new start W
    });
    listen("change:settings", () => {
      const r = readSettings(model.get("settings"));
      localProblems = r.problems;
      showError();
      page.set(r.settings).then(showSummary);
    });
    listen("change:options", () => {
      localProblems = [];
      for (const h of handles) {
        const o = readWidgetOptions(model.get("options"), h.name);
        localProblems.push(...o.problems);
        for (const [k, v] of Object.entries(o.options)) if (h.options[k] !== v) h.setOption(k, v);
      }
      showError();
    });
    const newData = () => {
      const next = readData(L, model);
      data = next;
      page.initialWeights = next.W;
      page.setCustomDataset(next.dataset, next.label).then(showSummary);
    };
    let dataQueued = false; // X, y and shape usually change together: one new data set
    for (const t of ["X", "y", "shape"]) {
      listen(`change:${t}`, () => {
        if (dataQueued) return;
        dataQueued = true;
        queueMicrotask(() => {
          dataQueued = false;
          try {
            newData();
          } catch (e) {
            showError(e);
          }
        });
      });
    }
  } catch (e) {
    showError(e);
  }
  return cleanup;
}

export default { render };
