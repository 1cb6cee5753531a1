// Section 4, the heart: the numerical gradient one coordinate at a time, with the lecture's
// pseudo-code and every number it computes (lib/numloop.js), the gradient filling in cell by
// cell, and the error of the finite difference against h on a log–log plot (lib/hplot.js).
import { el, button, slider, nextTurn } from "../lib/ui.js";
import { drawGrid, colName } from "../lib/matrix.js";
import { fmt, fmtLong, fmtH } from "../lib/format.js";
import { loopLines, loopItems, valueRows } from "../lib/numloop.js";
import { errorsOverH, plotErrors, at } from "../lib/hplot.js";
import { PALETTE } from "../lib/canvas.js";

// The predictions (predict, then see): the error plot is the answer, hidden until both are made.
const GROWTH = { shrink: "shrinks", same: "stays about the same", grow: "grows" };
const CLOSER = { forward: "forward is closer", centered: "centered is closer", tie: "they are equally close (both exact but for round-off)" };
const HIDDEN = "The error plot is the answer to the two predictions above: it appears once you have made them (or pressed Just show me).";
/** An error from errorsOverH at h (NaN there means exactly 0). */
const errAt = (errs, h) => (errs[at(h)] > 0 ? errs[at(h)] : 0);

const KEYS = "Keys: → or Space steps, ← goes back — while the pointer is over this section or focus is in it.";

export default {
  name: "stepper",
  effects: { h: "reset", centered: "reset" }, // a new h or formula starts the stepping over (restart: and says so)
  create(w) {
    const o = w.options;
    let clf = null, smooth = null, st = null, rec, reveal = 0, analytic = null, used = null;
    let plotToken = 0, plotBusy = null, plotAgain = false; // the error plot, see drawErrorPlot
    let lastPlot = null; // { main, at } of the error plot last computed: the predictions' answers

    const wCanvas = w.canvas("The weights W; the current coordinate is outlined", "grid big");
    const gCanvas = w.canvas("The numerical gradient, filled in coordinate by coordinate", "grid big");
    const hCanvas = w.canvas("Error of the finite difference against h, log–log", "chart tall");
    const live = el("p", { class: "sr-only", "aria-live": "polite" });
    const counter = el("p", { class: "big-number", "data-testid": "evaluations" });
    const wReadout = el("p", { class: "readout" });
    const hReadout = el("p", { class: "readout", "data-testid": "h-readout" });
    const code = el("ol", { class: "code", "aria-label": "The numerical gradient, the lecture's pseudo-code with live values" });
    const vals = el("table", { class: "vals" });

    const speed = slider({ label: "Play speed", min: 1, max: 60, step: 1, value: 4, format: (v) => `${v} coordinates/s` });
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: doStep, reset, interval: () => 1000 / speed.value, stepAttrs: { "aria-keyshortcuts": "ArrowRight Space" } });
    const lineBtn = button("Next line", w.guard(doLine));
    const backBtn = button("Back", w.guard(doBack), { "aria-keyshortcuts": "ArrowLeft" });
    const endBtn = button("Run to end", w.guard(runToEnd));

    const pGrow = w.predict({
      id: "h-small",
      question: "When h goes from 1e-5 to 1e-10, will the error of the forward difference shrink or grow?",
      input: { kind: "choice", choices: [["shrink", "It shrinks: a smaller h comes closer to the derivative"], ["same", "It stays about the same"], ["grow", "It grows"]] },
      truth: async () => {
        const d = await plotData();
        const a = errAt(d.main.errF, 1e-5), b = errAt(d.main.errF, 1e-10);
        const value = b > 2 * a ? "grow" : a > 2 * b ? "shrink" : "same";
        return { value, text: `it ${GROWTH[value]}: ${fmt(a)} at h = 1e-5, ${fmt(b)} at h = 1e-10 (forward, ${d.at}, ${w.settings.loss === "svm" ? "SVM" : "softmax"})`, a, b, d };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: `you said the error ${GROWTH[g.value]}; ${t.text}.` }),
      reason: (t) => {
        const ro = t.d.main.roundOff, r5 = ro[at(1e-5)], r10 = ro[at(1e-10)];
        if (t.value === "grow") return `Round-off: f is stored to about 16 digits, so f(x + h) − f(x) carries an error of about 2ε·|f| ≈ ${fmt(r5 * 1e-5)}, and dividing by h magnifies it, ≈ 2ε·|f| / h (the grey line: ${fmt(r5)} at h = 1e-5, ${fmt(r10)} at h = 1e-10). Shrinking h cuts the truncation error but makes round-off grow, which is why the notes use h ≈ 1e-5 rather than the smallest h possible.`;
        if (t.value === "shrink") return `At this coordinate the truncation error at h = 1e-5 (${fmt(t.a)}) is still larger than the round-off error at h = 1e-10 (≈ 2ε·|f| / h = ${fmt(r10)}), so the smaller h wins here; below the point where the two meet (where the curve turns on the plot) a smaller h only makes things worse.`;
        return `At both h the error is about the same size here (${fmt(t.a)} and ${fmt(t.b)}): the truncation error lost at 1e-10 is about what round-off (≈ 2ε·|f| / h, the grey line) adds.`;
      },
      onChange: () => drawErrorPlot(),
    });
    const pCloser = w.predict({
      id: "forward-centered",
      question: "At h = 1e-5, which slope will be closer to the analytic gradient: the forward difference or the centered one?",
      input: { kind: "choice", choices: [["forward", "Forward, (f(x+h) − f(x)) / h"], ["centered", "Centered, (f(x+h) − f(x−h)) / 2h"], ["tie", "Both equally close"]] },
      truth: async () => {
        const d = await plotData(), k = at(1e-5);
        const eF = errAt(d.main.errF, 1e-5), eC = errAt(d.main.errC, 1e-5);
        // within 10× the round-off scale, an error is round-off: two such errors are a tie
        const tie = eF <= 10 * d.main.roundOff[k] && eC <= 10 * d.main.roundOffCentered[k];
        const value = tie ? "tie" : eC < eF ? "centered" : "forward";
        return { value, text: `${CLOSER[value]}: forward errs by ${fmt(eF)}, centered by ${fmt(eC)} (${d.at})`, eF, eC };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: `you said ${CLOSER[g.value]}; ${t.text}.` }),
      reason: (t) => {
        const { loss, reg } = w.settings;
        if (t.value === "centered") {
          return loss === "svm"
            ? `With reg = ${fmt(reg)} the SVM loss plus reg·ΣW² is piecewise quadratic in one weight: away from a kink the forward difference errs by exactly reg·h, while in the centered one that term cancels and only round-off remains.`
            : "Taylor: f(x + h) = f(x) + h·f′ + h²·f″/2 + …, so the forward difference errs by about h·f″/2 (first order, O(h)); in the centered one the h² terms of f(x + h) and f(x − h) cancel and the error is O(h²). That is why the notes recommend the centered formula.";
        }
        if (t.value === "tie") return `The SVM loss${reg ? "" : " with reg = 0"} is piecewise linear in one weight, and no kink lies within h = 1e-5 of this one: both differences are exact but for round-off. The centered formula's O(h²) edge over the forward one's O(h) shows on a loss that curves: the thin softmax lines on the plot (same W), or choose softmax in the settings.`;
        return "Here the forward difference came out closer: the centered one reaches back to x − h, and its step crosses a kink of the loss (or round-off decided it). The rule that the centered error is O(h²) holds where the loss is smooth around x.";
      },
      onChange: () => drawErrorPlot(),
    });
    const asking = () => !pGrow.revealed || !pCloser.revealed;
    /** The error plot's numbers for the coordinate shown (waits for one being computed). */
    async function plotData() {
      while (plotBusy) await plotBusy;
      if (!lastPlot) throw new Error("the error plot has not been computed yet");
      return lastPlot;
    }
    /** The learner's guesses, marked on the revealed plot. */
    function guessMarks(main) {
      const out = [], y = (v) => (v > 0 ? v : 1e-17);
      if (pGrow.guess) {
        for (const h of [1e-5, 1e-10]) out.push({ x: h, y: y(errAt(main.errF, h)), color: PALETTE.pink, size: 9, filled: false, label: h === 1e-5 ? `you said: the forward error ${GROWTH[pGrow.guess.value]} from 1e-5 to 1e-10` : undefined });
      }
      if (pCloser.guess && pCloser.guess.value !== "tie") {
        const e = pCloser.guess.value === "forward" ? main.errF : main.errC;
        out.push({ x: 1e-5 * 1.4, y: y(errAt(e, 1e-5)), color: PALETTE.black, size: 9, filled: false, label: `you said: ${pCloser.guess.value} closer at 1e-5` });
      }
      return out;
    }

    const box = el("div", { class: "stepper", tabindex: "0", "aria-label": "Numerical gradient stepper: arrow right or space steps, arrow left goes back" },
      el("div", { class: "controls" }, stepBtn, lineBtn, backBtn, playBtn, endBtn, resetBtn, speed.wrap),
      el("p", { class: "readout", "data-testid": "keys" }, KEYS),
      el("div", { class: "controls" }, w.control("h"), w.control("centered")),
      el("div", { class: "row" },
        el("div", { class: "col" }, el("h3", {}, "W — the coordinate being nudged is outlined"), wCanvas, wReadout,
          el("h3", {}, "grad — the numerical gradient so far"), gCanvas),
        el("div", { class: "col" }, el("h3", {}, "The loop"), code, vals, counter)),
      pGrow.card, pCloser.card,
      el("h3", {}, "How good is the slope? Error against h for the current coordinate"), hCanvas, hReadout, live);
    w.root.append(box);

    // The keys work anywhere in the section (its heading and text too): with focus in it, or
    // with the pointer over it while nothing else has focus. Space on a button presses it.
    const zone = () => w.root.closest("section") ?? w.root; // the page puts the widget in its section after create()
    let hover = false;
    w.on(document, "pointerover", (ev) => { hover = ev.composedPath().includes(zone()); });
    w.on(document, "keydown", (ev) => {
      const t = ev.target;
      if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || t.isContentEditable) return;
      if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
      const idle = t === document.body || t === document.documentElement;
      if (!ev.composedPath().includes(zone()) && !(idle && hover)) return;
      if (ev.key === " " && t instanceof HTMLButtonElement) return;
      if (ev.key === "ArrowRight" || ev.key === " ") { ev.preventDefault(); doStep(); }
      else if (ev.key === "ArrowLeft") { ev.preventDefault(); doBack(); }
    });

    const name = (c) => colName(clf.cols)(c);

    function build() {
      clf = st = smooth = null;
      clf = w.classifier();
      // the smooth reference of the error plot: the same W under the softmax loss
      smooth = w.settings.loss === "svm" ? w.classifier({ loss: "softmax" }) : null;
      reset({ drawNow: false });
      // its drawing in a turn of its own: on a CSV at the caps (10 × 257 weights) the stepper,
      // the analytic gradient and the drawing were one task of 70–100 ms on a busy core
      const my = w.epoch, mine = st;
      return nextTurn().then(() => {
        if (w.stale(my) || st !== mine) return undefined;
        render();
        return plotBusy; // the widget is ready once its error plot is drawn too
      });
    }

    function reset({ drawNow = true } = {}) {
      play.stop();
      w.clearError();
      plotToken++; // an error plot in progress is for the old stepper: dropped
      // start where the data speaks: digits' first pixels are 0 in every image
      st = w.hold("stepper", new w.L.GradientStepper(clf, { h: o.h, centered: o.centered, start: "data" }));
      analytic = clf.gradient();
      used = { h: o.h, centered: o.centered };
      rec = undefined;
      reveal = 0;
      for (let k = o.stepped; k > 0 && !st.done; k--) rec = st.step(); // a link's progress (0 after a reset)
      if (rec) reveal = loopLines(o.centered).length;
      if (drawNow) render();
    }

    function restart() {
      const was = used, done = st ? st.position : 0;
      reset();
      const what = was && was.h !== o.h ? `h changed (${fmtH(was.h)} → ${fmtH(o.h)})` : `The formula changed (${o.centered ? "centered" : "forward"} now)`;
      w.say(`${what}: the stepping starts over${done ? `, and the ${done} coordinate${done === 1 ? "" : "s"} done before are dropped` : ""}.`);
    }

    function doStep() {
      if (!st || st.done) { play.stop(); render(); return false; }
      rec = st.step();
      reveal = loopLines(o.centered).length;
      render();
      if (rec) live.textContent = `W[${rec.row}, ${name(rec.col)}]: slope ${fmt(rec.slope)}`;
      return !st.done;
    }

    function doLine() {
      if (!rec || reveal >= loopLines(o.centered).length) {
        if (st.done) return;
        rec = st.step();
        reveal = 3; // fx, the loop header and old_value
      } else reveal += 1;
      render();
    }

    function doBack() {
      if (!st) return;
      st.back();
      rec = st.last();
      reveal = rec ? loopLines(o.centered).length : 0;
      render();
    }

    function runToEnd() {
      play.stop();
      while (!st.done) rec = st.step();
      reveal = loopLines(o.centered).length;
      render();
    }

    function startNote() {
      const s = st.start;
      if (s === 0) return "";
      const skipped = s === 1 ? name(0) : `${name(0)}–${name(s - 1)}`;
      return ` The stepping starts at W[0, ${name(s)}]: feature${s === 1 ? "" : "s"} ${skipped} ${s === 1 ? "is" : "are"} 0 in every example, so ${s === 1 ? "its weights' slopes are" : "their weights' slopes are"} the regularisation term alone (2·reg·w); they come last.`;
    }

    function render() {
      if (!st) return;
      const { rows, cols } = clf;
      const grid = { rows, cols, highlight: rec ? rec.index : -1, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), showValues: (v) => fmt(v, 2) };
      drawGrid(wCanvas, { values: clf.weights(), ...grid });
      drawGrid(gCanvas, { values: st.gradient(), ...grid, maxAbs: analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0) });
      code.replaceChildren(...loopItems(o.centered, rec, reveal, st.fx, name));
      vals.replaceChildren(...valueRows({ h: o.h, centered: o.centered, rec, length: st.length, analytic, name }));
      counter.textContent = `${st.evaluations} loss evaluation${st.evaluations === 1 ? "" : "s"} so far (${st.position} of ${st.length} coordinates) — the analytic gradient needs 1.`;
      wReadout.textContent = rec
        ? `x[ix] was ${fmtLong(rec.oldValue)}, was nudged to ${fmtLong(rec.bumpedValue)}${rec.minusValue !== undefined ? ` and ${fmtLong(rec.minusValue)}` : ""}, and is back to ${fmtLong(clf.weights()[rec.index])}.`
        : `W has ${rows} × ${cols} = ${rows * cols} numbers (the last column is the bias). Press Step.${startNote()}`;
      backBtn.disabled = !rec;
      stepBtn.disabled = endBtn.disabled = st.done;
      w.setState("stepped", st.position); // a link carries how far the loop has gone
      drawErrorPlot();
    }

    // One error plot at a time: a Step while one is computed asks for another when it is done
    // (each names its coordinate in its title, so playing fast still updates it); a reset drops it.
    function drawErrorPlot() {
      if (plotBusy) { plotAgain = true; return plotBusy; }
      plotBusy = (async () => {
        do { plotAgain = false; await errorPlot(plotToken); } while (plotAgain && st && !w.destroyed);
        plotBusy = null;
      })();
      return plotBusy;
    }

    async function errorPlot(my) {
      const stale = () => w.destroyed || my !== plotToken;
      try {
        const idx = rec ? rec.index : st.start;
        const r = Math.floor(idx / clf.cols), c = idx % clf.cols;
        const main = await errorsOverH(clf, r, c, stale);
        const ref = main && smooth ? await errorsOverH(smooth, r, c, stale) : null;
        if (!main || stale() || (smooth && !ref)) return;
        lastPlot = { main, at: `W[${r}, ${name(c)}]` };
        hCanvas.hidden = asking();
        if (asking()) { hReadout.textContent = HIDDEN; return; }
        const title = `|numerical − analytic| for W[${r}, ${name(c)}]`;
        const p = plotErrors(w.L, hCanvas, { main, smooth: ref, loss: w.settings.loss, reg: w.settings.reg, h: o.h, centered: o.centered, title, marks: guessMarks(main) });
        hReadout.textContent = `At h = ${fmtH(o.h)} the ${o.centered ? "centered" : "forward"} slope differs from the analytic ${fmt(main.analytic)} by ${fmt(p.errNow)}. ${p.text}`;
      } catch (e) {
        if (!stale()) w.error(e);
      }
    }

    return { build, draw: render, reset: restart };
  },
};
