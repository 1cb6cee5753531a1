// Section 4, the heart: the numerical gradient one coordinate at a time, with the lecture's
// pseudo-code and every number it computes, the gradient filling in cell by cell, and the
// error of the finite difference against h on a log–log plot.
import { el, button, slider, checkbox, player, showError, clearError, timeSlicer } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { drawGrid, colName } from "../lib/wgrid.js";
import { fmt, fmtLong, fmtH } from "../lib/format.js";

// the lecture's loop, one entry per line: [key, code]
const FORWARD = [
  ["fx", "fx = f(x)"],
  ["ix", "for ix in every coordinate:"],
  ["old", "  old_value = x[ix]"],
  ["bump", "  x[ix] = old_value + h"],
  ["fxh", "  fxh = f(x)"],
  ["restore", "  x[ix] = old_value"],
  ["slope", "  grad[ix] = (fxh − fx) / h"],
];
const CENTERED = [
  ["fx", "fx = f(x)"],
  ["ix", "for ix in every coordinate:"],
  ["old", "  old_value = x[ix]"],
  ["bump", "  x[ix] = old_value + h"],
  ["fxh", "  fxph = f(x)"],
  ["minus", "  x[ix] = old_value − h"],
  ["fxmh", "  fxmh = f(x)"],
  ["restore", "  x[ix] = old_value"],
  ["slope", "  grad[ix] = (fxph − fxmh) / 2h"],
];
const HS = Array.from({ length: 37 }, (_, i) => 10 ** (-10 + i * 0.25));

export function mount(host, ctx) {
  const L = ctx.L;
  let clf = null, st = null, rec, reveal = 0, analytic = null;
  let plotEpoch = 0, plotBusy = false, plotAgain = false; // the error plot, see drawErrorPlot

  const wCanvas = el("canvas", { class: "grid big", role: "img", "aria-label": "The weights W; the current coordinate is outlined" });
  const gCanvas = el("canvas", { class: "grid big", role: "img", "aria-label": "The numerical gradient, filled in coordinate by coordinate" });
  const hCanvas = el("canvas", { class: "chart", role: "img", "aria-label": "Error of the finite difference against h, log–log" });
  const status = el("p", { class: "status" });
  const live = el("p", { class: "sr-only", "aria-live": "polite" });
  const counter = el("p", { class: "big-number", "data-testid": "evaluations" });
  const wReadout = el("p", { class: "readout" });
  const hReadout = el("p", { class: "readout" });
  const code = el("ol", { class: "code", "aria-label": "The numerical gradient, the lecture's pseudo-code with live values" });
  const vals = el("table", { class: "vals" });

  const hSlider = slider({ label: "h (log scale)", min: -10, max: -1, step: 1, value: -5, format: (k) => fmtH(10 ** k), onInput: () => reset() });
  const centered = checkbox({ label: "Centered difference (f(x+h) − f(x−h)) / 2h", checked: false, onChange: () => reset() });
  const speed = slider({ label: "Play speed", min: 1, max: 60, step: 1, value: 4, format: (v) => `${v} coordinates/s` });
  const stepBtn = button("Step", () => doStep(), { "aria-keyshortcuts": "ArrowRight Space" });
  const lineBtn = button("Next line", () => doLine());
  const backBtn = button("Back", () => doBack(), { "aria-keyshortcuts": "ArrowLeft" });
  const playBtn = button("Play", () => {});
  const endBtn = button("Run to end", () => runToEnd());
  const resetBtn = button("Reset", () => reset());
  const play = player({ button: playBtn, tick: () => doStep(), interval: () => 1000 / speed.value });

  const root = el("div", { class: "stepper", tabindex: "0", "aria-label": "Numerical gradient stepper: arrow right or space steps, arrow left goes back" });
  root.append(
    el("div", { class: "controls" }, stepBtn, lineBtn, backBtn, playBtn, endBtn, resetBtn, speed.wrap),
    el("div", { class: "controls" }, hSlider.wrap, centered.wrap),
    el("div", { class: "row" },
      el("div", { class: "col" }, el("h3", {}, "W — the coordinate being nudged is outlined"), wCanvas, wReadout,
        el("h3", {}, "grad — the numerical gradient so far"), gCanvas),
      el("div", { class: "col" }, el("h3", {}, "The loop"), code, vals, counter)),
    el("h3", {}, "How good is the slope? Error against h for the current coordinate"), hCanvas, hReadout, status, live);
  host.append(root);

  root.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement) return;
    if (ev.key === "ArrowRight" || ev.key === " ") { ev.preventDefault(); doStep(); }
    else if (ev.key === "ArrowLeft") { ev.preventDefault(); doBack(); }
  });

  function lines() { return centered.checked ? CENTERED : FORWARD; }

  function reset() {
    play.stop();
    try {
      clearError(status);
      st?.free();
      if (!clf) clf = ctx.classifier();
      plotEpoch++; // an error plot in progress is for the old stepper: dropped
      st = new L.GradientStepper(clf, { h: 10 ** hSlider.value, centered: centered.checked });
      analytic = clf.gradient();
      rec = undefined;
      reveal = 0;
      render();
    } catch (e) { showError(status, e); }
  }

  function rebuild() {
    clf?.free();
    clf = null;
    reset();
  }

  function doStep() {
    if (!st || st.done) { play.stop(); render(); return false; }
    rec = st.step();
    reveal = lines().length;
    render();
    if (rec) live.textContent = `W[${rec.row}, ${colName(clf.cols)(rec.col)}]: slope ${fmt(rec.slope)}`;
    return !st.done;
  }

  function doLine() {
    const n = lines().length;
    if (!rec || reveal >= n) {
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
    switch (key) {
      case "fx": return rec.fx;
      case "ix": return `(${rec.row}, ${colName(clf.cols)(rec.col)})`;
      case "old": return rec.oldValue;
      case "bump": return rec.bumpedValue;
      case "fxh": return rec.fxPlusH;
      case "minus": return rec.minusValue;
      case "fxmh": return rec.fxMinusH;
      case "restore": return rec.oldValue;
      case "slope": return rec.slope;
    }
  }

  function render() {
    try {
      const cols = clf.cols, rows = clf.rows;
      const w = clf.weights();
      const grad = st.gradient();
      const cur = rec ? rec.index : -1;
      drawGrid(wCanvas, { values: w, rows, cols, highlight: cur, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), showValues: (v) => fmt(v, 2) });
      let gmax = 0;
      for (const v of analytic) gmax = Math.max(gmax, Math.abs(v));
      drawGrid(gCanvas, { values: grad, rows, cols, highlight: cur, rowLabel: (r) => `class ${r}`, colLabel: colName(cols), maxAbs: gmax, showValues: (v) => fmt(v, 2) });
      // the code panel
      code.replaceChildren(...lines().map(([key, text], i) => {
        const shown = !rec ? i === 0 : i < reveal || key === "fx";
        const v = shown ? valueOf(key) : undefined;
        const li = el("li", { class: i === (rec ? reveal - 1 : 0) ? "hot" : shown ? "done" : "" }, el("span", {}, text),
          el("span", { class: "val", "data-key": key, "data-value": typeof v === "number" ? String(v) : "" }, v === undefined ? "" : typeof v === "number" ? fmtLong(v) : v));
        return li;
      }));
      const h = 10 ** hSlider.value;
      const rows2 = [["h", fmtH(h)], ["coordinate", rec ? `W[${rec.row}, ${colName(cols)(rec.col)}] (index ${rec.index} of ${st.length})` : "not started"]];
      if (rec) {
        rows2.push(["f(x + h) − f(x)", fmtLong(rec.fxPlusH - rec.fx)]);
        rows2.push(["analytic gradient here", fmtLong(analytic[rec.index])]);
        if (rec.kink) rows2.push(["kink", "a hinge switched on or off between the evaluations"]);
      }
      vals.replaceChildren(...rows2.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v))));
      counter.textContent = `${st.evaluations} loss evaluation${st.evaluations === 1 ? "" : "s"} so far (${st.position} of ${st.length} coordinates) — the analytic gradient needs 1.`;
      wReadout.textContent = rec
        ? `x[ix] was ${fmtLong(rec.oldValue)}, was nudged to ${fmtLong(rec.bumpedValue)}${rec.minusValue !== undefined ? ` and ${fmtLong(rec.minusValue)}` : ""}, and is back to ${fmtLong(clf.weights()[rec.index])}.`
        : `W has ${rows} × ${cols} = ${rows * cols} numbers (the last column is the bias). Press Step.`;
      backBtn.disabled = !rec;
      stepBtn.disabled = st.done;
      endBtn.disabled = st.done;
      drawErrorPlot();
    } catch (e) { showError(status, e); }
  }

  // an error of exactly 0 has no place on a log axis: no marker then
  function markerAt(x, y) {
    return y > 0 && Number.isFinite(y) ? [{ x, y, color: PALETTE.black, size: 6, filled: true, label: "the h in use" }] : [];
  }

  /**
   * The slopes for every h in HS: 3 loss evaluations per h, so on a big data set (an upload
   * of 1,900 × 256) the whole sweep is ~100 ms. It is asked for a few h at a time (each h's
   * slopes do not depend on which others are asked with it) and, once a piece has used ~8 ms,
   * continues in the next turn of the page's queue. Small data sets finish at once, as before.
   * While one is in progress, a Step only asks for another when it is done (a plot is drawn for
   * its own coordinate, named in its title, so playing fast still updates it); a reset (new
   * settings, h, W) drops it.
   */
  function drawErrorPlot() {
    if (plotBusy) {
      plotAgain = true;
      return;
    }
    plotBusy = true;
    plotAgain = false;
    errorPlot(plotEpoch).finally(() => {
      plotBusy = false;
      if (plotAgain && st) drawErrorPlot();
    });
  }

  async function errorPlot(my) {
    try {
      let idx = rec ? rec.index : analytic.findIndex((v) => v !== 0);
      if (idx < 0) idx = 0;
      const r = Math.floor(idx / clf.cols), c = idx % clf.cols;
      const s = { analytic: 0, forward: new Float64Array(HS.length), centered: new Float64Array(HS.length) };
      const slicer = timeSlicer(8);
      for (let i = 0, per = 2; i < HS.length; ) {
        const t0 = performance.now();
        const part = clf.slopesVersusH(r, c, HS.slice(i, i + per));
        s.analytic = part.analytic;
        s.forward.set(part.forward, i);
        s.centered.set(part.centered, i);
        i += part.forward.length;
        per = Math.max(1, Math.floor((part.forward.length * 4) / Math.max(0.05, performance.now() - t0)));
        if (i < HS.length && slicer.due) {
          await slicer.next();
          if (my !== plotEpoch) return;
        }
      }
      const a = s.analytic;
      const errF = s.forward.map((v) => Math.abs(v - a) || NaN);
      const errC = s.centered.map((v) => Math.abs(v - a) || NaN);
      const fx = st.fx;
      const eps = 2.220446049250313e-16;
      const roundoff = HS.map((h) => (eps * Math.abs(fx)) / h);
      const h0 = 10 ** hSlider.value;
      const series = [
        { xs: HS, ys: errF, color: PALETTE.blue, width: 3, label: "forward (f(x+h) − f(x)) / h" },
        { xs: HS, ys: errC, color: PALETTE.orange, width: 3, label: "centered (f(x+h) − f(x−h)) / 2h" },
        { xs: HS, ys: roundoff, color: PALETTE.grey, width: 1, label: "round-off ≈ ε·|f| / h" },
      ];
      // reference slopes anchored at the largest h where the error is measurable
      const anchor = (errs, p) => {
        for (let i = HS.length - 1; i >= 0; i--) if (Number.isFinite(errs[i]) && errs[i] > roundoff[i] * 10) return HS.map((h) => errs[i] * (h / HS[i]) ** p);
        return null;
      };
      const o1 = anchor(errF, 1), o2 = anchor(errC, 2);
      if (o1) series.push({ xs: HS, ys: o1, color: "#9ecae1", width: 1, label: "∝ h (first order)" });
      if (o2) series.push({ xs: HS, ys: o2, color: "#fdd0a2", width: 1, label: "∝ h² (second order)" });
      lineChart(L, hCanvas, {
        title: `|numerical − analytic| for W[${r}, ${colName(clf.cols)(c)}]`, xLabel: "h", yLabel: "absolute error", logX: true, logY: true,
        yRange: [1e-17, 1e4], series,
        markers: markerAt(h0, Math.abs((centered.checked ? s.centered : s.forward)[HS.findIndex((h) => Math.abs(Math.log10(h) - hSlider.value) < 1e-9)] - a)),
      });
      const svm = ctx.settings.loss === "svm";
      // the smallest h whose step crosses a kink: an error far above round-off and the slope's noise
      const kinkText = () => {
        const order = HS.map((h, i) => i).sort((i, j) => HS[i] - HS[j]);
        const far = (i) => [errF[i], errC[i]].some((e) => Number.isFinite(e) && e > 100 * roundoff[i] && e > 1e-6 * Math.max(1, Math.abs(a)));
        const i = order.find(far);
        return i === undefined
          ? `Here no step up to h = ${fmtH(Math.max(...HS))} crosses a kink, so the error stays at round-off all the way; a trained W (gradient descent below) puts margins nearer their kinks.`
          : `From h ≈ ${fmtH(HS[i])} the step crosses a kink and the slope is wrong.`;
      };
      const errNow = Math.abs((centered.checked ? s.centered : s.forward)[HS.findIndex((x) => Math.abs(Math.log10(x) - hSlider.value) < 1e-9)] - a);
      hReadout.textContent = `At h = ${fmtH(h0)} the ${centered.checked ? "centered" : "forward"} slope differs from the analytic ${fmt(a)} by ${fmt(errNow)}. ` + (svm
        ? `The SVM loss is piecewise linear: away from a kink the finite difference is exact and only round-off remains (gaps mean an error of exactly 0); at tiny h round-off (grey) takes over. ${kinkText()}`
        : "Forward differences err in proportion to h, centered ones to h²; below about 1e-8 round-off (grey) dominates and the error grows again as h shrinks. That is why h = 1e-5 and the centered formula are the usual choice.");
    } catch (e) {
      if (my === plotEpoch) showError(status, e);
    }
  }

  ctx.onChange(rebuild);
  const onResize = () => render();
  window.addEventListener("resize", onResize);
  ctx.onDestroy(() => {
    window.removeEventListener("resize", onResize);
    plotEpoch++; // an error plot in progress stops
    play.stop(); st?.free(); clf?.free(); st = clf = null;
  });
  rebuild();
  return { ready: Promise.resolve(), root };
}
