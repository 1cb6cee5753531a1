// Exports: any canvas as PNG, a section's history as CSV, and the export bar whose "Copy as
// NumPy" and "Download data (CSV)" load ./numpy.js on first use.
//
// The text builders (csvText, Records) are pure functions of plain arrays, unit-tested under
// Node; the rest touches the DOM only when called.
import { el, button, nextId } from "./ui.js";

// ---------------------------------------------------------------- pure text builders

/** A number for a CSV cell: the shortest round-trip form; empty when there is no value. */
export function csvNumber(x) {
  if (x === undefined || x === null) return "";
  if (typeof x === "boolean") return x ? "1" : "0";
  if (typeof x !== "number") return String(x);
  return Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : String(x);
}

/** A CSV text: a header row of `columns`, then one line per row (numbers round-trip). */
export function csvText(columns, rows) {
  const quote = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const out = [columns.map(quote).join(",")];
  for (const r of rows) out.push(r.map((v) => quote(csvNumber(v))).join(","));
  return `${out.join("\n")}\n`;
}

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
        const N = await import("./numpy.js");
        const text = N.snippetFor(ctx, source.model());
        const how = await copyText(text, fallback, "The NumPy snippet");
        note.textContent = how === "clipboard"
          ? `Copied a Python snippet (${text.split("\n").length} lines) with W, dW and the settings; paste it into Python with NumPy to recompute the loss.${N.needsFile(ctx) ? " It loads the data from a file: use Download data (CSV)." : ""}`
          : "";
      } catch (e) {
        note.textContent = `Could not build the snippet: ${e.message}`;
      }
    }, { class: "small", title: "W, dW and the settings as Python in CS231n's conventions" }));
    items.push(button("Download data (CSV)", async () => {
      const { datasetCsv, dataFileName } = await import("./numpy.js");
      const ds = ctx.dataset();
      saveText(datasetCsv(ds.features(), ds.labels(), ds.dims), dataFileName(ds.name));
      note.textContent = `Saved ${dataFileName(ds.name)}: ${ds.len} rows of ${ds.dims} features, then the label.`;
    }, { class: "small" }));
  }
  host.append(el("div", { class: "controls exports", role: "group", "aria-label": "Export" }, el("span", { class: "export-label" }, "Export:"), ...items), note, fallback);
}

