// Section 5: the analytic gradient beside its formula's live terms for one example, and the
// gradient check: analytic and numerical grids side by side and the relative error of each
// entry with CS231n's verdicts (names and thresholds from Rust), kinks marked.
import { el, button, slider } from "../lib/ui.js";
import { drawGrid, colName } from "../lib/matrix.js";
import { fmt, fmtH } from "../lib/format.js";

// how each verdict (by its Rust name) is shown: colour, legend swatch and words
const LOOK = {
  good: { color: "#009e73", swatch: "sw-good", words: "good" },
  "acceptable-with-kinks": { color: "#56b4e9", swatch: "sw-ok", words: "acceptable with kinks" },
  uncomfortable: { color: "#e69f00", swatch: "sw-unc", words: "uncomfortable" },
  wrong: { color: "#d55e00", swatch: "sw-wrong", words: "probably wrong" },
};

/** "good (< 1e-7)", …, "probably wrong (> 1e-2)" from limits().verdicts ({ name, below, inclusive }, best first). */
function verdictLabels(verdicts) {
  const labels = {};
  verdicts.forEach((v, i) => {
    const prev = verdicts[i - 1];
    const range = Number.isFinite(v.below) ? `${v.inclusive ? "≤" : "<"} ${fmtH(v.below)}` : `${prev.inclusive ? ">" : "≥"} ${fmtH(prev.below)}`;
    labels[v.name] = `${LOOK[v.name]?.words ?? v.name} (${range})`;
  });
  return labels;
}

export default {
  name: "gradcheck",
  effects: { h: "check", centered: "check", formula: "check" }, // regOn: a new classifier ("build")
  create(w) {
    const o = w.options;
    const labels = verdictLabels(w.L.limits().verdicts);
    let clf = null, g = null;
    const aCanvas = w.canvas("Analytic gradient", "grid");
    const nCanvas = w.canvas("Numerical gradient", "grid");
    const eCanvas = w.canvas("Relative error per entry, coloured by verdict, kinks marked", "grid");
    const verdictText = el("p", { class: "big-number", "data-testid": "verdict" });
    const counts = el("p", { class: "readout" });
    const terms = el("table", { class: "vals" });
    const termsNote = el("p", { class: "readout" });
    const example = slider({ label: "Example i", min: 0, max: 8, step: 1, value: o.example, format: String, onInput: w.guard((v) => { w.setState("example", v); showTerms(); }) });
    const newW = button("New W", () => { w.setState("newW", o.newW + 1); w.rebuild(); });

    w.root.append(
      el("h3", {}, "The formula, live, for one example"),
      el("div", { class: "controls" }, example.wrap), terms, termsNote,
      el("h3", {}, "Gradient check"),
      el("div", { class: "controls" }, newW, w.control("h"), w.control("centered"), w.control("formula"), w.control("regOn")),
      el("div", { class: "row" },
        el("div", { class: "col" }, el("h3", {}, "analytic dW"), aCanvas),
        el("div", { class: "col" }, el("h3", {}, "numerical dW"), nCanvas),
        el("div", { class: "col" }, el("h3", {}, "relative error"), eCanvas)),
      el("div", { class: "legend" }, ...Object.keys(labels).map((k) => el("span", {}, el("span", { class: `swatch ${LOOK[k]?.swatch ?? ""}` }), labels[k])),
        el("span", {}, el("span", { class: "swatch sw-kink" }), "corner mark: kink crossed")),
      verdictText, counts);

    const seed = () => w.settings.seed + 100 * o.newW;

    function build() {
      clf = g = null;
      clf = w.classifier({ seed: seed(), reg: o.regOn ? w.settings.reg : 0 });
      const n = w.dataset().len;
      example.input.max = String(n - 1);
      if (o.example > n - 1) w.setState("example", 0);
      example.set(o.example); // after max: a link's i above the first data set's size is kept
      showTerms();
      check();
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

    function check() {
      w.clearError();
      g = clf.gradCheck({ h: o.h, centered: o.centered, formula: o.formula });
      draw();
      const names = g.verdictNames;
      const n = Object.fromEntries(names.map((k) => [k, 0]));
      for (const v of g.verdicts) n[names[v]]++;
      const kinks = g.kinks.reduce((a, b) => a + b, 0);
      const tiny = g.belowRoundOff.reduce((a, b) => a + b, 0);
      verdictText.textContent = `max relative error ${fmt(g.maxRelError)}: ${labels[g.verdict] ?? g.verdict}`;
      counts.textContent = `${names.map((k) => `${n[k]} ${LOOK[k]?.words ?? k}`).join(", ")}; ${kinks} of ${g.kinks.length} entries crossed a kink during the finite difference.` +
        (tiny ? ` ${tiny} entries are below the finite difference's round-off (${fmt(g.roundOff)}) in both gradients and count as agreeing.` : "") +
        (kinks && n.wrong ? " Where a kink is crossed the numerical slope mixes two linear pieces, so a large error there does not mean the formula is wrong." : "");
    }

    function draw() {
      if (!g) return;
      const { rows, cols } = clf;
      const maxAbs = g.analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const common = { rows, cols, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), maxAbs };
      drawGrid(aCanvas, { values: g.analytic, ...common, showValues: (v) => fmt(v, 2) });
      drawGrid(nCanvas, { values: g.numerical, ...common, showValues: (v) => fmt(v, 2) });
      drawGrid(eCanvas, { values: g.relErrors, ...common, colors: (_, i) => LOOK[g.verdictNames[g.verdicts[i]]]?.color, marks: g.kinks, showValues: (v) => (v === 0 ? "0" : v.toExponential(0)) });
    }

    return {
      build, draw, check,
      exports: { model: () => clf && { clf, where: `the gradient check's W (W ~ ${w.initScale()}·N(0, 1) from seed ${seed()}${o.regOn ? "" : ", regularisation off"})` } },
    };
  },
};
