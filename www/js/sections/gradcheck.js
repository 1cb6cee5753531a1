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

// ---------------------------------------------------------------- predict, then see (issue 13)

const PICKED = "#cc79a7", UNKNOWN = "#eeeeee"; // the asking grid: the learner's marks on grey
const NOT_FLAGGED = new Set(["good", "round-off"]); // every other verdict flags its entry

/**
 * "Click the entries you expect to be flagged": a set of entries marked on the relative-error
 * grid (lib/chartguess.js cellGuess) against the entries whose verdict is neither good nor
 * round-off in the section's own check; judged by hits, misses and false alarms.
 */
function predictFlags(w, { canvas, grid, clf, current, hit, recheck, onChange }) {
  const entry = (i) => { const { cols } = clf(); return `dW[class ${Math.floor(i / cols)}, ${colName(cols)(i % cols)}]`; };
  const flagGuess = cellGuess(w, { canvas, count: () => grid()?.verdicts.length ?? 0, current, hit, name: entry, what: "flagged", onMove: onChange });
  const flagged = w.predict({
    id: "flagged",
    question: "Which entries of dW do you expect the check to flag (any verdict but good or round-off)? Mark them on the relative-error grid; none is an answer too.",
    input: flagGuess,
    truth: async () => {
      await recheck(); // the check for the settings shown now
      const g = grid();
      if (!g) throw new Error("the check did not finish: press Predict again");
      const list = [], byVerdict = {};
      g.verdicts.forEach((v, i) => {
        const name = g.verdictNames[v];
        byVerdict[name] = (byVerdict[name] ?? 0) + 1;
        if (!NOT_FLAGGED.has(name)) list.push(i);
      });
      const parts = Object.entries(byVerdict).filter(([k]) => !NOT_FLAGGED.has(k)).map(([k, n]) => `${n} ${words(k)}`);
      const total = g.verdicts.length;
      const text = list.length ? `${list.length} of ${total} entries (${parts.join(", ")})` : `no entry of ${total}`;
      const s = w.settings, o = w.options;
      return { value: list, text, total, byVerdict, loss: s.loss, h: o.h, centered: o.centered };
    },
    judge: (guess, t) => {
      const want = new Set(t.value), got = new Set(guess.value);
      let hits = 0;
      for (const i of got) if (want.has(i)) hits++;
      const misses = want.size - hits, alarms = got.size - hits;
      // right: at most one entry in ten off (exactly right on the small data sets' grids)
      const right = misses + alarms <= Math.floor(t.total / 10);
      const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
      const close = right && misses + alarms > 0 ? " (within one entry in ten: counted right)" : "";
      return { right, line: `You marked ${guess.value.length ? n(guess.value.length, "entry", "entries") : "no entry"}; the check flags ${t.text}: ${n(hits, "hit", "hits")}, ${n(misses, "miss", "misses")}, ${n(alarms, "false alarm", "false alarms")}${close}.` };
    },
    reason: (t) => flagReason(t),
    onChange: () => { if (flagged.revealed) flagGuess.release(); onChange(); },
  });
  const answerNote = el("p", { class: "readout" }, "The verdicts are hidden until you commit your marks (or press Just show me).");

  /** One entry's readout while asking: its two values and whether it is marked, no verdict. */
  function askingCell(i) {
    const g = grid();
    return `${entry(i)}: analytic ${fmt(g.analytic[i])}, numerical ${fmt(g.numerical[i])}. ` +
      `${flagGuess.has(i) ? "Marked: you expect it flagged" : "Not marked"} (Space or a click marks or unmarks it).`;
  }
  return { flagged, flagGuess, answerNote, askingCell };
}

/** Why the check flags what it flags, for the loss, h and formula shown (CS231n's gradient-check notes). */
function flagReason(t) {
  const k = (name) => t.byVerdict[name] ?? 0;
  const h = fmtH(t.h);
  const kinked = k("kink") + k("acceptable-with-kinks");
  const high = k("too-high") + k("uncomfortable") + k("wrong");
  const parts = [];
  if (!t.value.length) {
    parts.push(`With the analytic gradient right and a ${t.centered ? "centered" : "forward"} difference at h = ${h}, every entry agrees to better than 1e-7` +
      (k("round-off") ? ` or is too small to decide (${k("round-off")} at round-off, which the check does not count as errors)` : "") + ": the check flags nothing.");
    if (t.loss === "svm") parts.push(t.h < 0.01 ? "Under the SVM an entry is flagged where a hinge switches on or off between the two evaluations of f; with a step this small that is rare (try h = 0.1)." : "Under the SVM an entry is flagged where a hinge switches between the two evaluations of f; at this W no margin came within h of 0.");
    else parts.push(t.centered ? "Softmax is smooth: no kinks, and the centered difference's error, of order h², is far below 1e-7 here." : "Softmax is smooth: no kinks, and at this h the forward difference's error is small enough.");
  }
  if (kinked) parts.push(`${kinked} entries crossed a kink: a hinge max(0, ·) switched on or off inside the finite difference, so the numerical slope mixes two linear pieces (the notes: kinks are a source of inaccuracy in the SVM's check).`);
  if (high) {
    if (t.h <= 1e-8) parts.push(`At h = ${h}, f(x + h) − f(x − h) keeps few of its digits (round-off ≈ ε·|f|/h), so ${high} entries disagree by more than the round-off test allows.`);
    else if (!t.centered) parts.push(`The forward difference's error shrinks only like h (the centered one's like h²): at h = ${h} it leaves ${high} entries off by more than 1e-7 relative. The notes: use the centered formula.`);
    else parts.push(`Even the centered difference's error, of order h², is too large at h = ${h}: the loss curves within the step, and ${high} entries are off.`);
  }
  return parts.join(" ");
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
    const { flagged, flagGuess, answerNote, askingCell } = predictFlags(w, {
      canvas: eCanvas, grid: () => g, clf: () => clf, current: () => sel, hit: (ev) => hits.get(eCanvas)?.(ev) ?? -1,
      recheck: () => check(), onChange: () => { showAnswer(); readCell(); w.redraw(); },
    });
    // asking: the verdicts (the answer) wait for the learner's guess
    const markKey = el("span", { hidden: true }, el("span", { class: "swatch sw-mark" }), "dot: an entry you marked");
    const showAnswer = () => {
      for (const e of [verdictText, counts, why]) e.hidden = flagged.state === "asking";
      answerNote.hidden = flagged.state !== "asking";
      markKey.hidden = !(flagged.state === "revealed" && flagged.guess?.value?.length);
    };

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
    kinkMark.after(markKey);
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
