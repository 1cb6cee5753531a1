// The notebook: loads the wasm once, builds the shared settings bar and mounts each widget.
import { loadLossland } from "./lib/wasm.js";
import { createContext, settingsFromUrl, urlAskedForUpload, DATASETS } from "./lib/state.js";
import { select, slider, el, button, checkbox, nextTurn } from "./lib/ui.js";
import { fmt } from "./lib/format.js";
import { addPngButtons, exportBar, csvText, saveText } from "./lib/exports.js";
// The 2-D landscape is part of this module's own graph (loaded with it, ready when main runs):
// as a dynamic import it waited ~50 ms for the browser to resolve it even when preloaded.
import * as planeSection from "./sections/plane.js";

const WIDGETS = {
  line: () => import("./sections/line.js"),
  plane: () => Promise.resolve(planeSection),
  "random-search": () => import("./sections/randomsearch.js"),
  "local-search": () => import("./sections/localsearch.js"),
  stepper: () => import("./sections/stepper.js"),
  gradcheck: () => import("./sections/gradcheck.js"),
  gd: () => import("./sections/gd.js"),
  sgd: () => import("./sections/sgd.js"),
  scoreboard: () => import("./sections/scoreboard.js"),
};

const REGS = [0, 1e-4, 1e-3, 1e-2, 0.1, 1];

function settingsBar(ctx, host) {
  const s = ctx.settings;
  const ds = select({ label: "Data set", options: DATASETS, value: s.dataset, onChange: (v) => ctx.set({ dataset: v }) });
  const loss = select({ label: "Loss", options: [["svm", "multiclass SVM (Δ = 1)"], ["softmax", "softmax"]], value: s.loss, onChange: (v) => ctx.set({ loss: v }) });
  const regIdx = Math.max(0, REGS.findIndex((r) => r >= s.reg));
  const reg = slider({ label: "Regularisation reg", min: 0, max: REGS.length - 1, step: 1, value: regIdx, format: (i) => fmt(REGS[i]), onInput: (i) => ctx.set({ reg: REGS[i] }) });
  const seedIn = el("input", { id: "seed", type: "number", min: 0, max: 1000000, step: 1, value: s.seed });
  seedIn.addEventListener("change", () => {
    const v = Number(seedIn.value);
    if (Number.isSafeInteger(v) && v >= 0 && v <= 1000000) ctx.set({ seed: v });
    else seedIn.value = ctx.settings.seed;
  });
  const seed = el("div", { class: "control" }, el("label", { for: "seed" }, "Seed"), seedIn);
  host.append(ds.wrap, loss.wrap, reg.wrap, seed, csvControl(ctx, ds.input));
}

/**
 * "Load CSV…": a button that opens a (hidden) file input, and "standardise". A good file becomes
 * the "custom" data set and every section switches to it; a bad one shows an error naming the
 * line (role=alert) and changes nothing else on the page.
 */
function csvControl(ctx, datasetSelect) {
  const errorBox = document.getElementById("csv-error");
  const statusBox = document.getElementById("csv-status");
  const file = el("input", { type: "file", id: "csv-file", accept: ".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain", hidden: true, "aria-label": "CSV file of features then label per row" });
  const load = button("Load CSV…", () => file.click(), { id: "csv-load", "aria-describedby": "csv-help" });
  const std = checkbox({ label: "standardise features", checked: false });
  const fail = (name, message) => {
    errorBox.textContent = `Could not load ${name}: ${message}. The data set was not changed.`;
    errorBox.hidden = false;
  };
  let loading = 0; // the latest file chosen wins over one still being parsed
  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    file.value = ""; // the same file can be chosen again
    if (!f) return;
    const my = ++loading;
    // the parser is loaded on first use, not with the page
    const { parseCsvInPieces, standardize, CSV_LIMITS } = await import("./lib/csvdata.js");
    if (my !== loading) return;
    if (f.size > CSV_LIMITS.maxBytes) return fail(f.name, `the file is too large: at most ${CSV_LIMITS.maxBytes / (1024 * 1024)} MB (${CSV_LIMITS.maxBytes} bytes) is allowed, it has ${f.size} bytes`);
    let parsed, dataset;
    try {
      // in pieces of ~8 ms (a file at the caps takes ~100 ms to parse), each in its own task
      parsed = await parseCsvInPieces(await f.text(), nextTurn);
      if (my !== loading) return;
      if (std.checked) standardize(parsed.features, parsed.dims);
      dataset = ctx.L.Dataset.fromArrays(parsed.features, parsed.labels, parsed.dims, parsed.classes);
    } catch (e) {
      if (my !== loading) return;
      return fail(f.name, e && e.message ? e.message : String(e));
    }
    errorBox.hidden = true;
    errorBox.textContent = "";
    const label = `your CSV (${parsed.n} × ${parsed.dims}, ${parsed.classes} classes)`;
    let opt = datasetSelect.querySelector('option[value="custom"]');
    if (!opt) datasetSelect.append((opt = el("option", { value: "custom" })));
    opt.textContent = label;
    datasetSelect.value = "custom";
    ctx.setCustomDataset(dataset, label);
    const names = parsed.classNames ? ` Classes: ${parsed.classNames.map((c, i) => `${i} = ${c}`).join(", ")}.` : "";
    statusBox.textContent = `Loaded ${f.name}: ${label}${parsed.header ? ", first line read as a header" : ""}${std.checked ? ", features standardised" : ", features as given"}.${names}`;
  });
  document.getElementById("csv-example")?.addEventListener("click", () => {
    // made here from the built-in iris data, so it works offline and in the one-file build too
    const iris = ctx.dataset("iris");
    const f = iris.features(), y = iris.labels(), names = ["setosa", "versicolor", "virginica"];
    const rows = Array.from(y, (c, i) => [...f.subarray(4 * i, 4 * i + 4), names[c]]);
    saveText(csvText(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"], rows), "lossland-example-iris.csv");
  });
  return el("div", { class: "control csv", role: "group", "aria-labelledby": "csv-group" },
    el("span", { class: "control-label", id: "csv-group" }, "Your data"),
    el("div", { class: "csv-row" }, load, std.wrap, file));
}

async function main() {
  const root = document.documentElement;
  root.dataset.status = "loading";
  try {
    for (const load of Object.values(WIDGETS)) load(); // start fetching widget code alongside the wasm
    const L = await loadLossland();
    performance.mark("lossland:wasm-ready");
    const ctx = createContext(L, settingsFromUrl());
    settingsBar(ctx, document.getElementById("settings"));
    if (urlAskedForUpload()) {
      document.getElementById("csv-status").textContent = "This link was made with a data set loaded from a CSV file, which a link cannot carry: the toy data is shown instead. Load the file again with Load CSV…; the other settings from the link are kept.";
    }
    performance.mark("lossland:settings-bar");
    const hosts = [...document.querySelectorAll("[data-widget]")].filter((h) => WIDGETS[h.dataset.widget]);
    // fetch every widget's module at once, then mount them
    const modules = hosts.map((h) => WIDGETS[h.dataset.widget]());
    const widgets = [];
    // the 2-D landscape first (the page's centre piece and its slowest first draw), then page order
    const order = [...hosts.keys()].sort((a, b) => (hosts[b].dataset.widget === "plane") - (hosts[a].dataset.widget === "plane") || a - b);
    for (const i of order) {
      const mod = await modules[i];
      if (i === order[0]) performance.mark("lossland:first-module");
      const t0 = performance.now();
      // each section sees the settings its own objects were built from (see ctx.view)
      const view = ctx.view();
      const w = await mod.mount(hosts[i], view);
      widgets[i] = w;
      addPngButtons(hosts[i], hosts[i].dataset.widget);
      if (w && w.exports) exportBar(hosts[i], hosts[i].dataset.widget, view, w.exports);
      performance.measure(`lossland:mount:${hosts[i].dataset.widget}`, { start: t0 });
    }
    ctx.onChange(() => {
      const url = new URL(window.location.href);
      for (const k of ["dataset", "loss", "reg", "seed"]) url.searchParams.set(k, String(ctx.settings[k]));
      history.replaceState(null, "", url);
    }, { instant: true });
    await Promise.all(widgets.map((w) => w && w.ready));
    root.dataset.status = "ready";
  } catch (e) {
    root.dataset.status = "error";
    const box = document.getElementById("error");
    box.hidden = false;
    box.textContent = `lossland could not start: ${e && e.message ? e.message : e}`;
    console.error(e);
  }
}

main();
