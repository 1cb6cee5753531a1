// Section 5: the analytic gradient beside its formula's live terms for one example, and the
// gradient check: analytic and numerical grids side by side and the relative error of each
// entry with CS231n's verdicts, kinks marked.
import { el, button, slider, select, checkbox, showError, clearError } from "../lib/ui.js";
import { drawGrid, colName } from "../lib/wgrid.js";
import { fmt, fmtH } from "../lib/format.js";

const VERDICTS = [
  ["good", "#009e73", "good (< 1e-7)"],
  ["acceptable-with-kinks", "#56b4e9", "acceptable with kinks (≤ 1e-4)"],
  ["uncomfortable", "#e69f00", "uncomfortable (≤ 1e-2)"],
  ["wrong", "#d55e00", "probably wrong (> 1e-2)"],
];

export function mount(host, ctx) {
  const L = ctx.L;
  let clf = null, wSeed = 0;
  const status = el("p", { class: "status", "aria-live": "polite" });
  const aCanvas = el("canvas", { class: "grid", role: "img", "aria-label": "Analytic gradient" });
  const nCanvas = el("canvas", { class: "grid", role: "img", "aria-label": "Numerical gradient" });
  const eCanvas = el("canvas", { class: "grid", role: "img", "aria-label": "Relative error per entry, coloured by verdict, kinks marked" });
  const verdictText = el("p", { class: "big-number", "data-testid": "verdict" });
  const counts = el("p", { class: "readout" });
  const terms = el("table", { class: "vals" });
  const termsNote = el("p", { class: "readout" });

  const h = slider({ label: "h (log scale)", min: -10, max: -1, step: 1, value: -5, format: (k) => fmtH(10 ** k), onInput: () => check() });
  const centered = checkbox({ label: "Centered difference", checked: true, onChange: () => check() });
  const formula = select({ label: "Relative error", options: [["max", "|a − n| / max(|a|, |n|) (notes)"], ["sum", "|a − n| / (|a| + |n|) (assignment)"]], value: "max", onChange: () => check() });
  const regOn = checkbox({ label: "Regularisation on (uses reg from the settings)", checked: true, onChange: () => rebuild() });
  const example = slider({ label: "Example i", min: 0, max: 8, step: 1, value: 0, format: String, onInput: () => showTerms() });
  const newW = button("New W", () => { wSeed += 1; rebuild(); });

  host.append(
    el("h3", {}, "The formula, live, for one example"),
    el("div", { class: "controls" }, example.wrap), terms, termsNote,
    el("h3", {}, "Gradient check"),
    el("div", { class: "controls" }, newW, h.wrap, centered.wrap, formula.wrap, regOn.wrap),
    el("div", { class: "row" },
      el("div", { class: "col" }, el("h3", {}, "analytic dW"), aCanvas),
      el("div", { class: "col" }, el("h3", {}, "numerical dW"), nCanvas),
      el("div", { class: "col" }, el("h3", {}, "relative error"), eCanvas)),
    el("div", { class: "legend" }, ...VERDICTS.map(([, c, t]) => el("span", {}, el("span", { class: `swatch sw-${c === "#009e73" ? "good" : c === "#56b4e9" ? "ok" : c === "#e69f00" ? "unc" : "wrong"}` }), t)),
      el("span", {}, el("span", { class: "swatch sw-kink" }), "corner mark: kink crossed")),
    verdictText, counts, status);

  function rebuild() {
    try {
      clearError(status);
      clf?.free();
      clf = ctx.classifier({ seed: ctx.settings.seed + 100 * wSeed, reg: regOn.checked ? ctx.settings.reg : 0 });
      const n = ctx.dataset().len;
      example.input.max = String(n - 1);
      if (example.value > n - 1) example.set(0);
      showTerms();
      check();
    } catch (e) { showError(status, e); }
  }

  function showTerms() {
    try {
      const t = clf.exampleTerms(example.value);
      const y = t.label;
      const svm = ctx.settings.loss === "svm";
      const head = el("tr", {}, ...["class j", "score s_j", svm ? "margin s_j − s_y + Δ" : "probability p_j", svm ? "active?" : "", "∂L_i/∂s_j (multiplies x_i)"].filter(Boolean).map((c) => el("th", { scope: "col" }, c)));
      const rows = [head];
      const C = t.scores.length;
      let z = 0;
      const m = Math.max(...t.scores);
      for (const s of t.scores) z += Math.exp(s - m);
      for (let j = 0; j < C; j++) {
        const s = t.scores[j];
        const cells = [j === y ? `${j} (correct, y_i)` : String(j), fmt(s)];
        if (svm) {
          const margin = j === y ? undefined : s - t.scores[y] + 1;
          cells.push(margin === undefined ? "—" : fmt(margin), margin === undefined ? "—" : margin > 0 ? "yes: 1" : "no: 0");
        } else cells.push(fmt(Math.exp(s - m) / z));
        cells.push(fmt(t.dscores[j]));
        rows.push(el("tr", {}, ...cells.map((c, k) => (k === 0 ? el("th", { scope: "row" }, c) : el("td", {}, c)))));
      }
      terms.replaceChildren(...rows);
      termsNote.textContent = svm
        ? `Example ${example.value} has label ${y} and loss L_i = ${fmt(t.loss)}. Each active margin adds +x_i to its class's row of dW; the correct class's row gets −(number active)·x_i = ${fmt(t.dscores[y])}·x_i. dW averages these over all examples and adds 2·reg·W.`
        : `Example ${example.value} has label ${y} and loss L_i = ${fmt(t.loss)}. Softmax: row j of dW gets (p_j − 1(j = y_i))·x_i; dW averages over all examples and adds 2·reg·W.`;
    } catch (e) { showError(status, e); }
  }

  function check() {
    try {
      clearError(status);
      const g = clf.gradCheck({ h: 10 ** h.value, centered: centered.checked, formula: formula.value });
      const rows = clf.rows, cols = clf.cols;
      let m = 0;
      for (const v of g.analytic) m = Math.max(m, Math.abs(v));
      const common = { rows, cols, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), maxAbs: m };
      drawGrid(aCanvas, { values: g.analytic, ...common, showValues: (v) => fmt(v, 2) });
      drawGrid(nCanvas, { values: g.numerical, ...common, showValues: (v) => fmt(v, 2) });
      drawGrid(eCanvas, { values: g.relErrors, ...common, colors: (_, i) => VERDICTS[g.verdicts[i]][1], marks: g.kinks, showValues: (v) => (v === 0 ? "0" : v.toExponential(0)) });
      const verdict = VERDICTS.find(([k]) => k === g.verdict);
      verdictText.textContent = `max relative error ${fmt(g.maxRelError)}: ${verdict ? verdict[2] : g.verdict}`;
      const c = [0, 0, 0, 0];
      for (const v of g.verdicts) c[v]++;
      const kinks = g.kinks.reduce((a, b) => a + b, 0);
      const tiny = g.belowRoundOff.reduce((a, b) => a + b, 0);
      counts.textContent = `${c[0]} good, ${c[1]} acceptable with kinks, ${c[2]} uncomfortable, ${c[3]} probably wrong; ${kinks} of ${g.kinks.length} entries crossed a kink during the finite difference.` +
        (tiny ? ` ${tiny} entries are below the finite difference's round-off (${fmt(g.roundOff)}) in both gradients and count as agreeing.` : "") +
        (kinks && c[3] ? " Where a kink is crossed the numerical slope mixes two linear pieces, so a large error there does not mean the formula is wrong." : "");
    } catch (e) { showError(status, e); }
  }

  ctx.onChange(rebuild);
  const onResize = () => check();
  window.addEventListener("resize", onResize);
  ctx.onDestroy(() => {
    window.removeEventListener("resize", onResize);
    clf?.free(); clf = null;
  });
  rebuild();
  return {
    ready: Promise.resolve(),
    exports: { model: () => clf && { clf, where: `the gradient check's W (W ~ ${ctx.initScale()}·N(0, 1) from seed ${ctx.settings.seed + 100 * wSeed}${regOn.checked ? "" : ", regularisation off"})` } },
  };
}
