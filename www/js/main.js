// The notebook: loads the wasm once, builds the shared settings bar, mounts every section named
// by a data-widget element (widgets.js), and keeps the URL in step with every setting and
// option (options.js), so a link reproduces the page.
import { loadLossland } from "./lib/wasm.js";
import { createPage, startPage, prefetchDataset } from "./lib/page.js";
import { DATASETS, REGS, readOptions, optionRow } from "./lib/options.js";
import { widget } from "./lib/widgets.js";
import { mountSection } from "./lib/section.js";
import { select, el, button, checkbox, choiceSlider, nextTurn } from "./lib/ui.js";
import { fmt } from "./lib/format.js";
import { addPngButtons, exportBar, csvText, saveText, copyText } from "./lib/downloads.js";
import { shareBar, notebookUrl, anchorOf } from "./lib/share.js";
import { predictionTools } from "./lib/predict.js";
import { parseCsv, adoptDataset, jobKey } from "./lib/compute.js";
// The 2-D landscape is part of this module's own graph (loaded with it, ready when main runs):
// as a dynamic import it waited ~50 ms for the browser to resolve it even when preloaded.
import landscape from "./sections/landscape.js";

const FIRST = "landscape"; // mounted first: the page's centre piece and its slowest first draw

/** The shared settings bar: one control per shared row of the options table. */
function settingsBar(page, host) {
  const s = page.settings;
  const ds = select({ label: "Data set", options: DATASETS, value: s.dataset, onChange: (v) => chooseDataset(page, v, ds.input) });
  const loss = select({ label: "Loss", options: [["svm", "multiclass SVM (Δ = 1)"], ["softmax", "softmax"]], value: s.loss, onChange: (v) => page.set({ loss: v }) });
  // the slider offers REGS; a valid reg from a link that is not one of them is shown as it is
  const regs = [...new Set([...REGS, s.reg])].sort((a, b) => a - b);
  const reg = choiceSlider({ label: "Regularisation reg", values: regs, value: s.reg, format: (v) => fmt(v), onInput: (v) => page.set({ reg: v }) });
  const seedRow = optionRow("seed");
  const seedIn = el("input", { id: "seed", type: "number", min: seedRow.min, max: seedRow.max, step: 1, value: s.seed });
  seedIn.addEventListener("change", () => {
    const v = Number(seedIn.value);
    if (Number.isSafeInteger(v) && v >= seedRow.min && v <= seedRow.max) page.set({ seed: v });
    else seedIn.value = page.settings.seed;
  });
  const seed = el("div", { class: "control" }, el("label", { for: "seed" }, "Seed"), seedIn);
  host.append(ds.wrap, loss.wrap, reg.wrap, seed, csvControl(page, ds.input));
}

/**
 * The data set <select>'s choice. The digits are fetched when first chosen (page.set waits for
 * them): if they cannot be, the page says so under the settings bar, keeps its data set and
 * the <select> shows it again.
 */
function chooseDataset(page, name, input) {
  const box = document.getElementById("csv-error");
  page.set({ dataset: name }).then(() => {
    if (box.dataset.about === "dataset") box.hidden = true;
  }, (e) => {
    showDatasetError(`${e.message}. The data set was not changed.`);
    input.value = page.settings.dataset;
  });
}

/** A data set that could not be loaded, in the settings bar's error box (role=alert). */
function showDatasetError(text) {
  const box = document.getElementById("csv-error");
  box.textContent = text.charAt(0).toUpperCase() + text.slice(1);
  box.dataset.about = "dataset";
  box.hidden = false;
}

/**
 * "Presentation mode" (also ?present=1): large type, thick lines, each widget's main part on one
 * 1024 × 768 screen (lossland.css, `.present`). The charts redraw at the new scale.
 */
function presentButton(on, onToggle) {
  const b = button("Presentation mode", () => {
    const now = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", String(now));
    document.body.classList.toggle("present", now);
    window.dispatchEvent(new Event("resize")); // every section redraws its charts (w.redraw on resize)
    onToggle(now);
  }, { "aria-pressed": String(on), title: "Large type and thick lines for a projector" });
  document.body.classList.toggle("present", on);
  return b;
}

/** "Copy link" for the whole page, in the settings bar; a refused clipboard shows a text box. */
function pageLinkButton(link) {
  const note = el("p", { class: "readout share-note", "aria-live": "polite" });
  const fallback = el("div", { class: "copy-fallback" });
  document.getElementById("settings").after(note, fallback);
  return button("Copy link", async () => {
    const how = await copyText(link(), fallback, "The link to this page");
    note.textContent = how === "clipboard" ? "Copied a link to the page with every setting and every section's options: it shows the same pictures." : "";
  }, { title: "A link to the whole page that reproduces every section", "aria-label": "Copy link to this page" });
}

/**
 * "Load CSV…": a button that opens a (hidden) file input, and "standardise". A good file becomes
 * the "custom" data set and every section switches to it; a bad one shows an error naming the
 * line (role=alert) and changes nothing else on the page.
 */
function csvControl(page, datasetSelect) {
  const errorBox = document.getElementById("csv-error");
  const statusBox = document.getElementById("csv-status");
  const file = el("input", { type: "file", id: "csv-file", accept: ".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain", hidden: true, "aria-label": "CSV file of features then label per row" });
  const load = button("Load CSV…", () => file.click(), { id: "csv-load", "aria-describedby": "csv-help" });
  const std = checkbox({ label: "standardise features", checked: false });
  const fail = (name, message) => {
    errorBox.textContent = `Could not load ${name}: ${message}. The data set was not changed.`;
    delete errorBox.dataset.about; // a CSV's error: not cleared by a data set that loads
    errorBox.hidden = false;
  };
  let loading = 0; // the latest file chosen wins over one still being parsed
  const csvKey = jobKey("csv");
  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    file.value = ""; // the same file can be chosen again
    if (!f) return;
    const my = ++loading;
    // the parser is loaded on first use, not with the page
    const { CSV_LIMITS } = await import("./lib/csvdata.js");
    if (my !== loading) return;
    if (f.size > CSV_LIMITS.maxBytes) return fail(f.name, `the file is too large: at most ${CSV_LIMITS.maxBytes / (1024 * 1024)} MB (${CSV_LIMITS.maxBytes} bytes) is allowed, it has ${f.size} bytes`);
    let parsed, dataset;
    try {
      // parsed (and standardised) in the compute Worker, which keeps its own copy of the data
      // set; where no Worker runs, on this thread in pieces of ~8 ms (a file at the caps takes
      // ~100 ms to parse), each in its own task
      const got = await parseCsv({ key: csvKey, text: await f.text(), standardize: std.checked });
      if (!got || my !== loading) return;
      parsed = got.parsed;
      dataset = page.L.Dataset.fromArrays(parsed.features, parsed.labels, parsed.dims, parsed.classes);
      adoptDataset(dataset, got.id);
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
    page.setCustomDataset(dataset, label);
    const names = parsed.classNames ? ` Classes: ${parsed.classNames.map((c, i) => `${i} = ${c}`).join(", ")}.` : "";
    statusBox.textContent = `Loaded ${f.name}: ${label}${parsed.header ? ", first line read as a header" : ""}${std.checked ? ", features standardised" : ", features as given"}.${names}`;
  });
  document.getElementById("csv-example")?.addEventListener("click", () => {
    // made here from the built-in iris data, so it works offline and in the one-file build too
    const iris = page.dataset("iris");
    const f = iris.features(), y = iris.labels(), names = ["setosa", "versicolor", "virginica"];
    const rows = Array.from(y, (c, i) => [...f.subarray(4 * i, 4 * i + 4), names[c]]);
    saveText(csvText(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"], rows), "lossland-example-iris.csv");
  });
  return el("div", { class: "control csv", role: "group", "aria-labelledby": "csv-group" },
    el("span", { class: "control-label", id: "csv-group" }, "Your data"),
    el("div", { class: "csv-row" }, load, std.wrap, file));
}

/**
 * The page's predictions bar (predict, then see): what the sections ask and why, where the
 * answers are kept, Download my predictions (CSV), Clear my predictions, and a way to turn the
 * questions off (?predict=off). Hidden when predictions are off.
 */
function predictionsBar(on) {
  const bar = document.getElementById("predictions");
  if (!bar || !on) return;
  const tools = predictionTools();
  const off = button("Turn predictions off", () => {
    const u = new URL(window.location.href);
    u.searchParams.set("predict", "off");
    window.location.assign(u.href);
  }, { title: "Every answer shown at once, e.g. for a live demo (the link gets predict=off)" });
  bar.append(
    el("p", {}, "Predict, then see: each section asks what you expect before it shows the answer. Committing to a guess first, then explaining the gap, is what makes a demonstration stick. “Just show me” skips any question."),
    el("div", { class: "controls" }, ...tools.buttons, off), tools.note);
  bar.hidden = false;
}

/** The URL's query: the shared settings, then each section's options as `<widget>.<name>`. */
function query() {
  return new URLSearchParams(window.location.search || window.location.hash.replace(/^#/, ""));
}

async function main() {
  const hosts = [...document.querySelectorAll("[data-widget]")].map((h) => ({ host: h, row: widget(h.dataset.widget) })).filter((x) => x.row);
  // start fetching every section's code alongside the wasm
  const modules = hosts.map(({ row }) => (row.name === FIRST ? Promise.resolve({ default: landscape }) : row.load()));
  prefetchDataset(query().get("dataset")); // a link to the digits: their bytes come alongside the wasm
  const L = await loadLossland();
  performance.mark("lossland:wasm-ready");
  const params = query();
  const { settings, warnings } = readOptions((k) => params.get(k));
  const uploaded = params.get("dataset") === "custom"; // a link cannot carry a CSV file
  for (const w of warnings) if (!(uploaded && w.includes("ignored dataset"))) console.warn(w);
  const page = createPage(L, settings);
  const unloaded = await page.ready; // the digits of a link, fetched; if they could not be: toy
  if (unloaded) showDatasetError(`${unloaded.message}. The toy data is shown instead; reload the page to try again.`);
  // the prose follows the chosen loss: css hides [data-loss] text of the other loss
  const showLoss = () => { document.documentElement.dataset.loss = page.settings.loss; };
  showLoss();
  page.onChange(showLoss, { instant: true });
  settingsBar(page, document.getElementById("settings"));
  predictionsBar(settings.predict);
  let present = settings.present;
  const widgets = [];
  const ctx = { currentSettings: () => ({ ...page.settings, present }) };
  const tools = el("div", { class: "control page-tools" },
    pageLinkButton(() => notebookUrl(ctx.currentSettings(), widgets)),
    presentButton(present, (on) => { present = on; writeUrl(); }));
  document.getElementById("settings").append(tools);
  // a display formula wider than a phone scrolls in its own box: reachable by keyboard too
  for (const f of document.querySelectorAll(".formula")) f.tabIndex = 0;
  urlSource.settings = ctx.currentSettings;
  urlSource.widgets = widgets;
  page.onChange(writeUrl, { instant: true });
  page.onChange(writeUrl); // after the sections have moved (a new data set resets some options)
  page.onOption = (_name, _key, _value, how) => (how?.state ? writeUrlSoon() : writeUrlOption());
  if (uploaded) {
    document.getElementById("csv-status").textContent = "This link was made with a data set loaded from a CSV file, which a link cannot carry: the toy data is shown instead. Load the file again with Load CSV…; the other settings from the link are kept.";
  }
  performance.mark("lossland:settings-bar");
  const order = [...hosts.keys()].sort((a, b) => (hosts[b].row.name === FIRST) - (hosts[a].row.name === FIRST) || a - b);
  for (const i of order) {
    const { host, row } = hosts[i];
    // The landscape is mounted (and its first picture drawn) first; the browser then paints it
    // before the next section is mounted, and each further section is mounted in a task of its
    // own: the first view does not wait for every widget, and start-up is no one long task.
    if (i !== order[0]) await (i === order[1] ? afterPaint() : nextTurn());
    const mod = await modules[i];
    if (i === order[0]) performance.mark("lossland:first-module");
    const t0 = performance.now();
    const own = readOptions((k) => params.get(k), row.name, { prefix: `${row.name}.` });
    for (const w of own.warnings) console.warn(w);
    const handle = mountSection(host, page, mod.default, own.options);
    widgets[i] = handle;
    addPngButtons(host, row.name);
    if (handle.exports) exportBar(host, row.name, handle.view, handle.exports);
    anchorOf(host); // a link may name the widget's own box (#widget-line)
    shareBar(host, handle, ctx);
    performance.measure(`lossland:mount:${row.name}`, { start: t0 });
  }
  // a link to a section's anchor: the widgets above it have grown since the browser scrolled
  const anchor = window.location.hash.replace(/^#/, "");
  const landed = /^[a-z][a-z0-9-]*$/.test(anchor) ? document.getElementById(anchor) : null;
  const scrolled = window.scrollY;
  await Promise.all(widgets.map((w) => w && w.ready));
  if (landed && Math.abs(window.scrollY - scrolled) < 2) landed.scrollIntoView();
}

/** Resolves after the browser's next frame (or after 100 ms: a background tab paints no frame). */
function afterPaint() {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(t); resolve(); };
    const t = setTimeout(done, 100);
    requestAnimationFrame(() => setTimeout(done, 0));
  });
}

// the URL follows every setting, every option a learner sets and the sections' state
// (replaceState: no history entries); state that changes while a run plays, and options that
// change again within 300 ms (a dragged slider: a key press every 1/60 s), are written at most
// ~3 times a second (browsers throttle replaceState; each is a message to the browser process,
// which shares the core with the drag's grids). Copy link builds its link from the state, not
// from the address bar.
let queued = false, soon = null, lastWrite = -Infinity;
function writeUrl() {
  if (queued) return;
  queued = true;
  nextTurn().then(() => {
    queued = false;
    lastWrite = performance.now();
    const anchor = window.location.hash.replace(/^#/, "");
    history.replaceState(null, "", notebookUrl(urlSource.settings(), urlSource.widgets, /^[a-z][a-z0-9-]*$/.test(anchor) ? anchor : ""));
  });
}
function writeUrlSoon() {
  if (soon) return;
  soon = setTimeout(() => { soon = null; writeUrl(); }, 300);
}
/** An option's change: written at once, unless the URL was written under 300 ms ago. */
function writeUrlOption() {
  if (soon || performance.now() - lastWrite < 300) writeUrlSoon();
  else writeUrl();
}
const urlSource = { settings: () => ({}), widgets: [] };

startPage(main);
