// Section 4, the heart: the numerical gradient one coordinate at a time, with the lecture's
// pseudo-code and every number it computes (lib/numloop.js), the gradient filling in cell by
// cell, and the error of the finite difference against h on a log–log plot (lib/hplot.js).
import { el, button, slider } from "../lib/ui.js";
import { drawGrid, colName } from "../lib/matrix.js";
import { fmt, fmtLong, fmtH } from "../lib/format.js";
import { loopLines, loopItems, valueRows } from "../lib/numloop.js";
import { errorsOverH, plotErrors } from "../lib/hplot.js";

const KEYS = "Keys: → or Space steps, ← goes back — while the pointer is over this section or focus is in it.";

export default {
  name: "stepper",
  effects: { h: "reset", centered: "reset" }, // a new h or formula starts the stepping over (restart: and says so)
  create(w) {
    const o = w.options;
    let clf = null, smooth = null, st = null, rec, reveal = 0, analytic = null, used = null;
    let plotToken = 0, plotBusy = null, plotAgain = false; // the error plot, see drawErrorPlot

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

    const box = el("div", { class: "stepper", tabindex: "0", "aria-label": "Numerical gradient stepper: arrow right or space steps, arrow left goes back" },
      el("div", { class: "controls" }, stepBtn, lineBtn, backBtn, playBtn, endBtn, resetBtn, speed.wrap),
      el("p", { class: "readout", "data-testid": "keys" }, KEYS),
      el("div", { class: "controls" }, w.control("h"), w.control("centered")),
      el("div", { class: "row" },
        el("div", { class: "col" }, el("h3", {}, "W — the coordinate being nudged is outlined"), wCanvas, wReadout,
          el("h3", {}, "grad — the numerical gradient so far"), gCanvas),
        el("div", { class: "col" }, el("h3", {}, "The loop"), code, vals, counter)),
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
      reset();
      return plotBusy; // the widget is ready once its error plot is drawn too
    }

    function reset() {
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
      render();
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
        const title = `|numerical − analytic| for W[${r}, ${name(c)}]`;
        const p = plotErrors(w.L, hCanvas, { main, smooth: ref, loss: w.settings.loss, reg: w.settings.reg, h: o.h, centered: o.centered, title });
        hReadout.textContent = `At h = ${fmtH(o.h)} the ${o.centered ? "centered" : "forward"} slope differs from the analytic ${fmt(main.analytic)} by ${fmt(p.errNow)}. ${p.text}`;
      } catch (e) {
        if (!stale()) w.error(e);
      }
    }

    return { build, draw: render, reset: restart };
  },
};
