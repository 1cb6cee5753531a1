// Section 5: the analytic gradient beside its formula's live terms for one example, and the
// gradient check: analytic and numerical grids side by side and the relative error of each
// entry with CS231n's verdicts (names and thresholds from Rust), kinks marked.
import { el, button, slider } from "../lib/ui.js";
import { drawGrid, colName } from "../lib/matrix.js";
import { fmt, fmtH } from "../lib/format.js";
import { cellGuess } from "../lib/chartguess.js";
import { gradCheck, jobKey } from "../lib/compute.js";

// How each verdict (by its Rust name) is shown: colour, legend swatch, words and why. Its band,
// kink rule and whether it decides come from Rust (limits().verdicts).
const LOOK = {
  good: { color: "#009e73", swatch: "sw-good", words: "good",
    why: "The two agree to better than 1 part in 10⁷: the notes' “happy”." },
  "acceptable-with-kinks": { color: "#56b4e9", swatch: "sw-ok", words: "acceptable with kinks",
    why: "A hinge switched on or off between the two evaluations of f, so a small disagreement is expected: acceptable." },
  "too-high": { color: "#f0e442", swatch: "sw-high", words: "too high without kinks",
    why: "No kink was crossed, so the loss is smooth here and an error this size is too high: look at this entry's formula." },
  uncomfortable: { color: "#e69f00", swatch: "sw-unc", words: "uncomfortable",
    why: "No kink was crossed and the error is beyond 1 part in 10⁴: the notes call this uncomfortable." },
  wrong: { color: "#d55e00", swatch: "sw-wrong", words: "probably wrong",
    why: "No kink was crossed and the two disagree by more than 1 part in 100: the gradient is probably wrong here." },
  kink: { color: "#cc79a7", swatch: "sw-kinked", words: "kink crossed: cannot decide",
    why: "A hinge switched on or off between the two evaluations of f: the numerical slope mixes two linear pieces, so it is not the derivative here and this entry cannot decide." },
  "round-off": { color: "#c8c8c8", swatch: "sw-roundoff", words: "round-off: cannot decide",
    why: "Both values are so small that |a − n| is within the finite difference's round-off: the relative error is noise over noise, so this entry cannot decide. The notes: stay in the active range of floating point, and compare against the round-off scale (ε·|f|/h)." },
};

const words = (name) => LOOK[name]?.words ?? name;
let readouts = 0; // ids for each mounted section's cell readout

/** "good (< 1e-7)", "acceptable with kinks (≥ 1e-7, ≤ 1e-4, kink crossed)", … from limits(). */
function verdictLabels(limits) {
  const labels = {};
  for (const v of limits.verdicts) {
    const parts = [];
    if (v.from > 0) parts.push(`${v.fromInclusive ? "≥" : ">"} ${fmtH(v.from)}`);
    if (Number.isFinite(v.below)) parts.push(`${v.inclusive ? "≤" : "<"} ${fmtH(v.below)}`);
    if (v.kink === "crossed") parts.push("kink crossed");
    else if (v.kink === "not-crossed") parts.push("no kink");
    if (v.roundOff) parts.push(`|a − n| ≤ ${fmt(limits.roundOffMultiple)} × round-off scale`);
    labels[v.name] = `${words(v.name)} (${parts.join(", ")})`;
  }
  return labels;
}

export default {
  name: "gradcheck",
  effects: { h: "check", centered: "check", formula: "check" }, // regOn: a new classifier ("build")
  create(w) {
    const o = w.options;
    const limits = w.L.limits();
    const labels = verdictLabels(limits);
    const kinksOnly = new Set(limits.verdicts.filter((v) => v.kink === "crossed").map((v) => v.name));
    let clf = null, g = null, sel = -1;
    const key = jobKey("gradcheck"); // a newer check supersedes one still running
    const hits = new Map(); // canvas → (mouse event → entry index or −1), from the last drawGrid
    const aCanvas = w.canvas("Analytic gradient", "grid");
    const nCanvas = w.canvas("Numerical gradient", "grid");
    const eCanvas = w.canvas("Relative error per entry, coloured by verdict, kinks marked. Focus it and use the arrow keys, or hover, to read one entry below.", "grid");
    const cellReadout = el("p", { class: "readout cell-readout", id: `gradcheck-cell-${++readouts}`, "aria-live": "polite", "data-testid": "cell-readout" },
      "Hover over the relative-error grid, or focus it (Tab) and use the arrow keys, to read one entry: analytic, numerical, relative error, kink and round-off scale.");
    eCanvas.tabIndex = 0;
    eCanvas.setAttribute("aria-describedby", cellReadout.id);
    const verdictText = el("p", { class: "big-number", "data-testid": "verdict" });
    const counts = el("p", { class: "readout", "data-testid": "verdict-counts" });
    const why = el("p", { class: "readout" });
    const legendItems = Object.keys(labels).map((k) => el("span", { "data-verdict": k }, el("span", { class: `swatch ${LOOK[k]?.swatch ?? ""}` }), labels[k]));
    const kinkMark = el("span", {}, el("span", { class: "swatch sw-kink" }), "corner mark: kink crossed");
    const terms = el("table", { class: "vals" });
    const termsNote = el("p", { class: "readout" });
    const example = slider({ label: "Example i", min: 0, max: 8, step: 1, value: o.example, format: String, onInput: w.guard((v) => { w.setState("example", v); showTerms(); }) });
    const newW = button("New W", () => { w.setState("newW", o.newW + 1); w.rebuild(); });
    const { flagged, flagGuess, answerNote } = predictFlags(w, {
      canvas: eCanvas, grid: () => g, clf: () => clf, current: () => sel, hit: (ev) => hits.get(eCanvas)?.(ev) ?? -1,
      recheck: () => check(), onChange: () => { showAnswer(); readCell(); w.redraw(); },
    });
    // asking: the verdicts (the answer) wait for the learner's guess
    const showAnswer = () => { for (const e of [verdictText, counts, why]) e.hidden = flagged.state === "asking"; answerNote.hidden = flagged.state !== "asking"; };

    w.root.append(
      el("h3", {}, "The formula, live, for one example"),
      el("div", { class: "controls" }, example.wrap), terms, termsNote,
      el("h3", {}, "Gradient check"),
      el("div", { class: "controls" }, newW, w.control("h"), w.control("centered"), w.control("formula"), w.control("regOn")),
      el("div", { class: "row" },
        el("div", { class: "col" }, el("h3", {}, "analytic dW"), aCanvas),
        el("div", { class: "col" }, el("h3", {}, "numerical dW"), nCanvas),
        el("div", { class: "col" }, el("h3", {}, "relative error"), eCanvas)),
      cellReadout,
      el("div", { class: "legend" }, ...legendItems, kinkMark),
      verdictText, counts, why);
    if (flagged.card) aCanvas.parentNode.parentNode.before(flagged.card); // above the three grids
    verdictText.before(answerNote);
    showAnswer();

    const seed = () => w.settings.seed + 100 * o.newW;

    function build() {
      clf = g = null;
      clf = w.classifier({ seed: seed(), reg: o.regOn ? w.settings.reg : 0 });
      const n = w.dataset().len;
      example.input.max = String(n - 1);
      if (o.example > n - 1) w.setState("example", 0);
      example.set(o.example); // after max: a link's i above the first data set's size is kept
      showTerms();
      return check();
    }

    // the terms of L_i and ∂L_i/∂s_j for example i, every number from exampleTerms
    function showTerms() {
      const i = example.value;
      const t = clf.exampleTerms(i);
      const y = t.label;
      const svm = t.kind === "svm";
      const head = ["class j", "score s_j", svm ? "margin s_j − s_y + Δ" : "probability p_j", svm ? "active?" : "", "∂L_i/∂s_j (multiplies x_i)"];
      const rows = [el("tr", {}, ...head.filter(Boolean).map((c) => el("th", { scope: "col" }, c)))];
      for (let j = 0; j < t.scores.length; j++) {
        const cells = [j === y ? `${j} (correct, y_i)` : String(j), fmt(t.scores[j])];
        if (!svm) cells.push(fmt(t.probabilities[j]));
        else if (j === y) cells.push("—", "—");
        else cells.push(fmt(t.margins[j]), t.active[j] ? "yes: 1" : "no: 0");
        cells.push(fmt(t.dscores[j]));
        rows.push(el("tr", {}, ...cells.map((c, k) => (k === 0 ? el("th", { scope: "row" }, c) : el("td", {}, c)))));
      }
      terms.replaceChildren(...rows);
      termsNote.textContent = `Example ${i} has label ${y} and loss L_i = ${fmt(t.loss)}. ` + (svm
        ? `The margins use Δ = ${fmt(t.delta)}. Each active margin adds +x_i to its class's row of dW; the correct class's row gets −(number active)·x_i = ${fmt(t.dscores[y])}·x_i. dW averages these over all examples and adds 2·reg·W.`
        : "Softmax: row j of dW gets (p_j − 1(j = y_i))·x_i; dW averages over all examples and adds 2·reg·W.");
    }

    // the check itself (a numerical gradient of every entry of W) runs in the compute Worker
    // where one runs (compute.js); a newer check supersedes one still running
    let checks = 0;
    async function check() {
      w.clearError();
      const my = w.epoch, mine = clf, ticket = ++checks;
      const stale = () => w.stale(my) || clf !== mine || ticket !== checks;
      let got;
      try {
        got = await gradCheck({ key, dataset: w.dataset(), clf, check: { h: o.h, centered: o.centered, formula: o.formula }, isStale: stale });
      } catch (e) {
        if (!stale()) w.error(e);
        return;
      }
      if (!got || stale()) return;
      g = got;
      if (sel >= g.verdicts.length) sel = -1;
      // a smooth loss crosses no kink: its legend leaves the kink verdicts out
      const smooth = w.settings.loss === "softmax";
      for (const item of legendItems) item.hidden = smooth && kinksOnly.has(item.dataset.verdict);
      kinkMark.hidden = smooth;
      draw();
      const names = g.verdictNames;
      const n = Object.fromEntries(names.map((k) => [k, 0]));
      for (const v of g.verdicts) n[names[v]]++;
      const total = g.verdicts.length;
      const deciding = names.filter((k, c) => g.verdictDecides[c]).reduce((a, k) => a + n[k], 0);
      const kinks = g.kinks.reduce((a, b) => a + b, 0);
      const scale = `round-off scale ${fmt(g.roundOff)} (${o.centered ? "ε·|f|/h" : "2ε·|f|/h"})`;
      // "max relative error x: verdict" first (hosts and embeds read that prefix)
      verdictText.textContent = `max relative error ${fmt(g.maxRelError)}: ${labels[g.verdict] ?? g.verdict}` +
        (deciding === total ? "" : deciding ? `, over the ${deciding} of ${total} entries that can decide` : `; no entry can decide`);
      const shown = names.filter((k, c) => g.verdictDecides[c] && n[k] > 0).map((k) => `${n[k]} ${words(k)}`);
      counts.textContent = `${shown.length ? shown.join(", ") : "no entry decides"}. ` +
        `${n["round-off"] ?? 0} of ${total} entries are at round-off (|a − n| ≤ ${fmt(g.roundOffMultiple)} × ${scale}) and cannot decide. ` +
        `${kinks} of ${total} entries crossed a kink during the finite difference` +
        (kinks ? `; ${n.kink ?? 0} of them disagree beyond 1e-4 and cannot decide.` : ".");
      const notes = [];
      if (n["round-off"]) notes.push(`Round-off (grey): ${LOOK["round-off"].why}`);
      if (n.kink) notes.push(`Kink crossed (purple): ${LOOK.kink.why}`);
      if (g.verdict !== "good" && g.verdictDecides[names.indexOf(g.verdict)]) notes.push(`${words(g.verdict)[0].toUpperCase()}${words(g.verdict).slice(1)}: ${LOOK[g.verdict]?.why ?? ""}`);
      why.textContent = notes.join(" ");
      readCell();
      showAnswer();
    }

    // one entry's readout: analytic, numerical, relative error, kink, round-off scale, verdict
    function readCell() {
      if (!g || sel < 0) return;
      if (flagged.state === "asking") { cellReadout.textContent = askingCell(sel); return; } // no verdict yet
      const { cols } = clf;
      const r = Math.floor(sel / cols), c = sel % cols;
      const a = g.analytic[sel], nu = g.numerical[sel], e = g.relErrors[sel];
      const name = g.verdictNames[g.verdicts[sel]];
      const diff = Math.abs(a - nu);
      cellReadout.textContent = `dW[class ${r}, ${colName(cols)(c)}]: analytic ${fmt(a)}, numerical ${fmt(nu)}, relative error ${fmt(e)}; ` +
        `kink crossed: ${g.kinks[sel] ? "yes" : "no"}; round-off scale ${fmt(g.roundOff)}, |a − n| = ${fmt(diff)} ${diff <= g.roundOffLimit ? "≤" : ">"} ${fmt(g.roundOffMultiple)} × scale. ` +
        `Verdict: ${words(name)}. ${LOOK[name]?.why ?? ""}`;
    }

    function select(i) {
      if (!g || i < 0 || i >= g.verdicts.length || i === sel) return;
      sel = i;
      readCell();
      w.redraw();
    }

    // keyboard: arrows move by one entry, Home/End to the row's ends, PageUp/PageDown to the first/last class
    w.on(eCanvas, "keydown", (ev) => {
      if (!g) return;
      const { rows, cols } = clf;
      const at = sel < 0 ? 0 : sel;
      let r = Math.floor(at / cols), c = at % cols;
      const moves = { ArrowLeft: () => (c = Math.max(0, c - 1)), ArrowRight: () => (c = Math.min(cols - 1, c + 1)),
        ArrowUp: () => (r = Math.max(0, r - 1)), ArrowDown: () => (r = Math.min(rows - 1, r + 1)),
        Home: () => (c = 0), End: () => (c = cols - 1), PageUp: () => (r = 0), PageDown: () => (r = rows - 1) };
      if (!moves[ev.key]) return;
      ev.preventDefault();
      if (sel >= 0) moves[ev.key]();
      select(r * cols + c);
    });
    w.on(eCanvas, "focus", () => { if (sel < 0) select(0); });
    for (const cv of [eCanvas, aCanvas, nCanvas]) w.on(cv, "mousemove", (ev) => { const i = hits.get(cv)?.(ev) ?? -1; if (i >= 0) select(i); });

    function draw() {
      if (!g) return;
      const { rows, cols } = clf;
      const maxAbs = g.analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const common = { rows, cols, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), maxAbs, highlight: sel };
      hits.set(aCanvas, drawGrid(aCanvas, { values: g.analytic, ...common, showValues: (v) => fmt(v, 2) }));
      hits.set(nCanvas, drawGrid(nCanvas, { values: g.numerical, ...common, showValues: (v) => fmt(v, 2) }));
      hits.set(eCanvas, flagged.state === "asking"
        ? drawGrid(eCanvas, { values: g.relErrors, ...common, colors: (_, i) => (flagGuess.has(i) ? PICKED : UNKNOWN) }) // the learner's marks, no verdict
        : drawGrid(eCanvas, { values: g.relErrors, ...common, colors: (_, i) => LOOK[g.verdictNames[g.verdicts[i]]]?.color, marks: g.kinks, showValues: (v) => (v === 0 ? "0" : v.toExponential(0)), dots: (i) => flagged.guess?.value?.includes(i) }));
    }

    return {
      build, draw, check,
      exports: { model: () => clf && { clf, where: `the gradient check's W (W ~ ${w.initScale()}·N(0, 1) from seed ${seed()}${o.regOn ? "" : ", regularisation off"})` } },
    };
  },
};
