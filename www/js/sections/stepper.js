// Section 4, the heart: the numerical gradient one coordinate at a time, with the lecture's
// pseudo-code and every number it computes, the gradient filling in cell by cell, and the
// error of the finite difference against h on a log–log plot.
import { el, button, slider, timeSlicer } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { drawGrid, colName } from "../lib/matrix.js";
import { fmt, fmtLong, fmtH } from "../lib/format.js";

// the lecture's loop, one entry per line: [key, code]
const FORWARD = [["fx", "fx = f(x)"], ["ix", "for ix in every coordinate:"], ["old", "  old_value = x[ix]"], ["bump", "  x[ix] = old_value + h"],
  ["fxh", "  fxh = f(x)"], ["restore", "  x[ix] = old_value"], ["slope", "  grad[ix] = (fxh − fx) / h"]];
const CENTERED = [["fx", "fx = f(x)"], ["ix", "for ix in every coordinate:"], ["old", "  old_value = x[ix]"], ["bump", "  x[ix] = old_value + h"],
  ["fxh", "  fxph = f(x)"], ["minus", "  x[ix] = old_value − h"], ["fxmh", "  fxmh = f(x)"], ["restore", "  x[ix] = old_value"], ["slope", "  grad[ix] = (fxph − fxmh) / 2h"]];
const HS = Array.from({ length: 37 }, (_, i) => 10 ** (-10 + i * 0.25));
const FIELD = { fx: "fx", old: "oldValue", bump: "bumpedValue", fxh: "fxPlusH", minus: "minusValue", fxmh: "fxMinusH", restore: "oldValue", slope: "slope" };

export default {
  name: "stepper",
  effects: { h: "reset", centered: "reset" }, // a new h or formula starts the stepping over
  create(w) {
    const o = w.options;
    let clf = null, st = null, rec, reveal = 0, analytic = null;
    let plotToken = 0, plotBusy = null, plotAgain = false; // the error plot, see drawErrorPlot

    const wCanvas = w.canvas("The weights W; the current coordinate is outlined", "grid big");
    const gCanvas = w.canvas("The numerical gradient, filled in coordinate by coordinate", "grid big");
    const hCanvas = w.canvas("Error of the finite difference against h, log–log");
    const live = el("p", { class: "sr-only", "aria-live": "polite" });
    const counter = el("p", { class: "big-number", "data-testid": "evaluations" });
    const wReadout = el("p", { class: "readout" });
    const hReadout = el("p", { class: "readout" });
    const code = el("ol", { class: "code", "aria-label": "The numerical gradient, the lecture's pseudo-code with live values" });
    const vals = el("table", { class: "vals" });

    const speed = slider({ label: "Play speed", min: 1, max: 60, step: 1, value: 4, format: (v) => `${v} coordinates/s` });
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: doStep, reset, interval: () => 1000 / speed.value, stepAttrs: { "aria-keyshortcuts": "ArrowRight Space" } });
    const lineBtn = button("Next line", w.guard(doLine));
    const backBtn = button("Back", w.guard(doBack), { "aria-keyshortcuts": "ArrowLeft" });
    const endBtn = button("Run to end", w.guard(runToEnd));

    const box = el("div", { class: "stepper", tabindex: "0", "aria-label": "Numerical gradient stepper: arrow right or space steps, arrow left goes back" },
      el("div", { class: "controls" }, stepBtn, lineBtn, backBtn, playBtn, endBtn, resetBtn, speed.wrap),
      el("div", { class: "controls" }, w.control("h"), w.control("centered")),
      el("div", { class: "row" },
        el("div", { class: "col" }, el("h3", {}, "W — the coordinate being nudged is outlined"), wCanvas, wReadout,
          el("h3", {}, "grad — the numerical gradient so far"), gCanvas),
        el("div", { class: "col" }, el("h3", {}, "The loop"), code, vals, counter)),
      el("h3", {}, "How good is the slope? Error against h for the current coordinate"), hCanvas, hReadout, live);
    w.root.append(box);
    w.on(box, "keydown", (ev) => {
      if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
      if (ev.key === "ArrowRight" || ev.key === " ") { ev.preventDefault(); doStep(); }
      else if (ev.key === "ArrowLeft") { ev.preventDefault(); doBack(); }
    });

    const lines = () => (o.centered ? CENTERED : FORWARD);
    const name = (c) => colName(clf.cols)(c);

    function build() {
      clf = st = null;
      clf = w.classifier();
      reset();
      return plotBusy; // the widget is ready once its error plot is drawn too
    }

    function reset() {
      play.stop();
      w.clearError();
      plotToken++; // an error plot in progress is for the old stepper: dropped
      st = w.hold("stepper", new w.L.GradientStepper(clf, { h: o.h, centered: o.centered }));
      analytic = clf.gradient();
      rec = undefined;
      reveal = 0;
      for (let k = o.stepped; k > 0 && !st.done; k--) rec = st.step(); // a link's progress (0 after a reset)
      if (rec) reveal = lines().length;
      render();
    }

    function doStep() {
      if (!st || st.done) { play.stop(); render(); return false; }
      rec = st.step();
      reveal = lines().length;
      render();
      if (rec) live.textContent = `W[${rec.row}, ${name(rec.col)}]: slope ${fmt(rec.slope)}`;
      return !st.done;
    }

    function doLine() {
      if (!rec || reveal >= lines().length) {
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
      reveal = rec ? lines().length : 0;
      render();
    }

    function runToEnd() {
      play.stop();
      while (!st.done) rec = st.step();
      reveal = lines().length;
      render();
    }

    function valueOf(key) {
      if (!rec) return key === "fx" ? st.fx : undefined;
      return key === "ix" ? `(${rec.row}, ${name(rec.col)})` : rec[FIELD[key]];
    }

    function render() {
      if (!st) return;
      const { rows, cols } = clf;
      const cur = rec ? rec.index : -1;
      const grid = { rows, cols, highlight: cur, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), showValues: (v) => fmt(v, 2) };
      drawGrid(wCanvas, { values: clf.weights(), ...grid });
      drawGrid(gCanvas, { values: st.gradient(), ...grid, maxAbs: analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0) });
      code.replaceChildren(...lines().map(([key, text], i) => {
        const shown = !rec ? i === 0 : i < reveal || key === "fx";
        const v = shown ? valueOf(key) : undefined;
        return el("li", { class: i === (rec ? reveal - 1 : 0) ? "hot" : shown ? "done" : "" }, el("span", {}, text),
          el("span", { class: "val", "data-key": key, "data-value": typeof v === "number" ? String(v) : "" }, v === undefined ? "" : typeof v === "number" ? fmtLong(v) : v));
      }));
      const rowsShown = [["h", fmtH(o.h)], ["coordinate", rec ? `W[${rec.row}, ${name(rec.col)}] (index ${rec.index} of ${st.length})` : "not started"]];
      if (rec) {
        rowsShown.push(["f(x + h) − f(x)", fmtLong(rec.fxPlusH - rec.fx)], ["analytic gradient here", fmtLong(analytic[rec.index])]);
        if (rec.kink) rowsShown.push(["kink", "a hinge switched on or off between the evaluations"]);
      }
      vals.replaceChildren(...rowsShown.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v))));
      counter.textContent = `${st.evaluations} loss evaluation${st.evaluations === 1 ? "" : "s"} so far (${st.position} of ${st.length} coordinates) — the analytic gradient needs 1.`;
      wReadout.textContent = rec
        ? `x[ix] was ${fmtLong(rec.oldValue)}, was nudged to ${fmtLong(rec.bumpedValue)}${rec.minusValue !== undefined ? ` and ${fmtLong(rec.minusValue)}` : ""}, and is back to ${fmtLong(clf.weights()[rec.index])}.`
        : `W has ${rows} × ${cols} = ${rows * cols} numbers (the last column is the bias). Press Step.`;
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

    // The slopes for every h in HS (3 loss evaluations each: ~100 ms on a 1,900 × 256 upload),
    // asked for a few h at a time and continued in the next turn once a piece has used ~8 ms.
    async function errorPlot(my) {
      const stale = () => w.destroyed || my !== plotToken;
      try {
        const idx = Math.max(0, rec ? rec.index : analytic.findIndex((v) => v !== 0));
        const r = Math.floor(idx / clf.cols), c = idx % clf.cols;
        const s = { analytic: 0, forward: [], centered: [], roundOff: [], roundOffCentered: [] };
        const slicer = timeSlicer(8);
        for (let i = 0, per = 2; i < HS.length; ) {
          const t0 = performance.now();
          const part = clf.slopesVersusH(r, c, HS.slice(i, i + per));
          s.analytic = part.analytic;
          for (const k of ["forward", "centered", "roundOff", "roundOffCentered"]) s[k].push(...part[k]);
          i += part.forward.length;
          per = Math.max(1, Math.floor((part.forward.length * 4) / Math.max(0.05, performance.now() - t0)));
          if (i < HS.length && slicer.due) {
            await slicer.next();
            if (stale()) return;
          }
        }
        const a = s.analytic;
        const errF = s.forward.map((v) => Math.abs(v - a) || NaN); // an error of exactly 0 has no place on a log axis
        const errC = s.centered.map((v) => Math.abs(v - a) || NaN);
        const series = [
          { xs: HS, ys: errF, color: PALETTE.blue, width: 3, label: "forward (f(x+h) − f(x)) / h" },
          { xs: HS, ys: errC, color: PALETTE.orange, width: 3, label: "centered (f(x+h) − f(x−h)) / 2h" },
          { xs: HS, ys: s.roundOff, color: PALETTE.grey, width: 1, label: "round-off ≈ 2ε·|f| / h" },
        ];
        // reference slopes anchored at the largest h where the error is measurable
        const anchor = (errs, floor, p) => {
          for (let i = HS.length - 1; i >= 0; i--) if (Number.isFinite(errs[i]) && errs[i] > floor[i] * 10) return HS.map((h) => errs[i] * (h / HS[i]) ** p);
          return null;
        };
        const o1 = anchor(errF, s.roundOff, 1), o2 = anchor(errC, s.roundOffCentered, 2);
        if (o1) series.push({ xs: HS, ys: o1, color: "#9ecae1", width: 1, label: "∝ h (first order)" });
        if (o2) series.push({ xs: HS, ys: o2, color: "#fdd0a2", width: 1, label: "∝ h² (second order)" });
        const iNow = HS.findIndex((h) => Math.abs(Math.log10(h) - Math.log10(o.h)) < 1e-9);
        const errNow = (o.centered ? errC : errF)[iNow];
        lineChart(w.L, hCanvas, {
          title: `|numerical − analytic| for W[${r}, ${name(c)}]`, xLabel: "h", yLabel: "absolute error", logX: true, logY: true, yRange: [1e-17, 1e4], series,
          markers: errNow > 0 ? [{ x: o.h, y: errNow, color: PALETTE.black, size: 6, filled: true, label: "the h in use" }] : [],
        });
        // the smallest h whose step crosses a kink: an error far above round-off and the slope's noise
        const far = (i) => [[errF, s.roundOff], [errC, s.roundOffCentered]].some(([e, f]) => Number.isFinite(e[i]) && e[i] > 100 * f[i] && e[i] > 1e-6 * Math.max(1, Math.abs(a)));
        const iKink = HS.findIndex((_, i) => far(i)); // HS is ascending
        const kinkText = iKink < 0
          ? `Here no step up to h = ${fmtH(HS[HS.length - 1])} crosses a kink, so the error stays at round-off all the way; a W trained by gradient descent puts margins nearer their kinks.`
          : `From h ≈ ${fmtH(HS[iKink])} the step crosses a kink and the slope is wrong.`;
        hReadout.textContent = `At h = ${fmtH(o.h)} the ${o.centered ? "centered" : "forward"} slope differs from the analytic ${fmt(a)} by ${fmt(errNow || 0)}. ` + (w.settings.loss === "svm"
          ? `The SVM loss is piecewise linear: away from a kink the finite difference is exact and only round-off remains (gaps mean an error of exactly 0); at tiny h round-off (grey) takes over. ${kinkText}`
          : "Forward differences err in proportion to h, centered ones to h²; below about 1e-8 round-off (grey) dominates and the error grows again as h shrinks. That is why h = 1e-5 and the centered formula are the usual choice.");
      } catch (e) {
        if (!stale()) w.error(e);
      }
    }

    return { build, draw: render, reset };
  },
};
