// Section 6, gradient descent: W ← W − stepSize·dW. The path is drawn on a slice through
// the start W spanned by W1 = −dW(start) and a random W2 ⟂ W1 of the same length, beside
// loss and accuracy curves; a panel runs a too small, a good and a too large step size.
import { el, button, player, History, showError, clearError, timeSlicer, nextTurn } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, fmt0, pct, datasetName } from "../lib/format.js";
import { tuning, choiceSlider, niceLogValues, frameDrawer, Slice, spanText, lossAxis, stepRange } from "../lib/optkit.js";
import { Records } from "../lib/exports.js";

const TRIO_STEPS = 60;
const TRIO_COLORS = [PALETTE.sky, PALETTE.green, PALETTE.red];

/** W1 = −g; W2 = a seeded random direction with its W1 component removed, scaled to |W1|. */
function sliceDirections(L, clf, seed) {
  const tmp = new L.Landscape(clf, { seed });
  const r = tmp.direction(1);
  let w1 = clf.gradient().map((v) => -v);
  tmp.free();
  const dot = (x, y) => x.reduce((s, v, i) => s + v * y[i], 0);
  let n1 = Math.sqrt(dot(w1, w1));
  if (!(n1 > 0)) { // a zero gradient (already at a minimum): any direction will do
    w1 = r.map((v, i) => (i % 2 ? v : -v));
    n1 = Math.sqrt(dot(w1, w1));
  }
  const k = dot(r, w1) / (n1 * n1);
  const w2 = r.map((v, i) => v - k * w1[i]);
  const n2 = Math.sqrt(dot(w2, w2));
  return { w1, w2: w2.map((v) => (v * n1) / n2), gradNorm: n1 };
}

export function mount(host, ctx) {
  const L = ctx.L;
  let clf = null, opt = null, land = null, last = null, blewUp = null, gradNorm = 0;
  let path = { xs: [0], ys: [0] }, here = [0, 0, 0], trioGen = 0;
  const loss = new History(2000), acc = new History(2000);
  const records = new Records(["step", "loss", "accuracy", "step_size"]); // for Save CSV

  const sliceCanvas = el("canvas", { class: "square", role: "img", "aria-label": "Path of gradient descent on a loss slice through the start W" });
  const lossCanvas = el("canvas", { class: "chart", role: "img", "aria-label": "Loss against the step number" });
  const accCanvas = el("canvas", { class: "chart", role: "img", "aria-label": "Accuracy against the step number" });
  const trioCanvas = el("canvas", { class: "chart", role: "img", "aria-label": "Loss curves for three step sizes from the same start" });
  const sliceText = el("p", { class: "readout" });
  const readout = el("p", { class: "readout", "aria-live": "polite" });
  const trioText = el("p", { class: "readout", "aria-live": "polite" });
  const alarm = el("p", { class: "status warning", "aria-live": "polite" });
  const status = el("p", { class: "status", "aria-live": "polite" });

  const stepSize = choiceSlider({ label: "Step size (log scale)", values: niceLogValues(-4, 1), value: tuning(ctx.settings.dataset).gdStep, onInput: () => reset() });
  const speed = choiceSlider({ label: "Steps per frame", values: [1, 2, 5, 10, 20], value: 1, format: String });
  const stepBtn = button("Step", () => { play.stop(); tick(); });
  const playBtn = button("Play", () => {});
  const resetBtn = button("Reset", () => reset());
  const trioBtn = button("Run three step sizes", () => runTrio());
  const play = player({ button: playBtn, tick: () => tick(), stepsPerFrame: () => speed.value });

  host.append(
    el("h3", {}, "Gradient descent: W ← W − stepSize · dW"),
    el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, stepSize.wrap, speed.wrap),
    alarm,
    el("div", { class: "row" },
      el("div", { class: "col" }, sliceCanvas, sliceText),
      el("div", { class: "col" }, lossCanvas, accCanvas, readout)),
    el("h3", {}, "Three step sizes from the same start"),
    el("div", { class: "controls" }, trioBtn),
    trioCanvas,
    trioText,
    status,
  );
  const request = frameDrawer(draw);
  const slice = new Slice(L, sliceCanvas, { size: 40, onReady: request, onError: (e) => showError(status, e) });
  const span0 = () => Math.max(1e-4, 4 * stepSize.value);

  function rebuild() {
    play.stop();
    try {
      clearError(status);
      opt?.free(); opt = null; land?.free(); clf?.free();
      clf = ctx.classifier();
      const d = sliceDirections(L, clf, ctx.settings.seed * 1000 + 600);
      gradNorm = d.gradNorm;
      land = L.Landscape.through(clf, d.w1, d.w2);
      reset();
      runTrio();
      return slice.setLandscape(land, span0());
    } catch (e) {
      showError(status, e);
      return Promise.resolve();
    }
  }

  function reset() {
    play.stop();
    try {
      clearError(status);
      status.textContent = "";
      alarm.textContent = "";
      opt?.free();
      clf.setWeights(land.origin());
      opt = new L.Optimizer(clf, { method: "gd", stepSize: stepSize.value });
      loss.clear(); acc.clear();
      loss.push(0, clf.loss()); acc.push(0, clf.accuracy());
      records.clear();
      records.push([0, loss.ys[0], acc.ys[0], stepSize.value]);
      path = { xs: [0], ys: [0] }; here = [0, 0, 0];
      last = null; blewUp = null;
      if (slice.land === land && slice.span !== span0()) slice.compute(span0());
      request();
    } catch (e) {
      showError(status, e);
    }
  }

  function tick() {
    try {
      if (opt.diverged) return false;
      const r = opt.step();
      last = r;
      if (r.diverged) {
        blewUp = r.iteration + 1;
        alarm.textContent = `The loss blew up at step ${blewUp}: the step size is too large; W was kept at its last finite value. Press Reset or choose a smaller step size.`;
        request();
        return false;
      }
      loss.push(r.iteration, r.loss);
      acc.push(r.iteration, r.accuracy);
      records.push([r.iteration, r.loss, r.accuracy, stepSize.value]);
      here = land.project(clf.weights());
      if (path.xs.length < 5000) { path.xs.push(here[0]); path.ys.push(here[1]); }
      slice.fit([[here[0], here[1]]]);
      request();
      return true;
    } catch (e) {
      showError(status, e);
      return false;
    }
  }

  function draw() {
    try {
      const ds = ctx.dataset();
      const drawn = slice.draw({
        title: `${datasetName(ds)}, ${ctx.settings.loss.toUpperCase()}: slice through the start W`,
        xLabel: "a (along −dW at the start)", yLabel: "b (random, ⟂)",
        paths: [{ xs: path.xs, ys: path.ys, color: "#ffffff", width: 2, label: "path of W" }],
        markers: [
          { x: 0, y: 0, color: "#000000", size: 5, filled: true, label: "start" },
          { x: here[0], y: here[1], color: PALETTE.pink, size: 7, filled: true, label: "current W" },
        ],
      });
      sliceText.textContent = drawn
        ? `W1 is minus the gradient at the start (length ${fmt(gradNorm)}), W2 a random direction at right angles, of the same length; ${spanText(slice)}. The path is projected onto this plane; the current W is ${fmt0(here[2])} off it (the gradient turns as W moves).`
        : "Computing the slice…";
      const steps = last ? Math.max(last.iteration, 0) : 0;
      const xr = stepRange(loss);
      const ax = lossAxis(loss.ys);
      lineChart(L, lossCanvas, { title: `Loss${ax.note}`, xLabel: "step", yLabel: "loss", xRange: xr, logY: ax.logY, yRange: ax.yRange, series: [{ xs: loss.xs, ys: loss.ys, color: PALETTE.blue, width: 3, label: "loss" }] });
      lineChart(L, accCanvas, {
        title: "Accuracy", xLabel: "step", yLabel: "accuracy", xRange: xr, yRange: [0, 1],
        series: [
          { xs: acc.xs, ys: acc.ys, color: PALETTE.green, width: 3, label: "accuracy" },
          { xs: xr, ys: [1 / ds.classes, 1 / ds.classes], color: "#777777", width: 1, label: `chance (1/${ds.classes})` },
        ],
      });
      const n = loss.length;
      readout.textContent = `Step ${steps}, step size ${fmt(stepSize.value)}: loss ${fmt(loss.ys[n - 1])} (start ${fmt(loss.ys[0])}), accuracy ${pct(acc.ys[n - 1])}. Position on the slice: a = ${fmt0(here[0])}, b = ${fmt0(here[1])}; distance off the plane ${fmt0(here[2])}.${blewUp ? ` Stopped: the loss blew up at step ${blewUp}.` : ""}`;
    } catch (e) {
      showError(status, e);
    }
  }

  /**
   * Runs the three step sizes from the same start, in turns of the page's queue (the first one
   * too: rebuild() does not wait for it): a piece is a few steps of one run, as many as fit in
   * about 4 ms by the measured cost of the last piece (one step on an upload at the caps takes
   * ~8 ms), and a turn ends once it has used ~8 ms; the chart is redrawn between turns. Each
   * run is its own optimizer, so how the pieces are cut changes no number.
   */
  async function runTrio() {
    const my = ++trioGen;
    const etas = tuning(ctx.settings.dataset).trio;
    const names = ["small", "medium", "large"];
    trioBtn.disabled = true;
    await nextTurn();
    if (my !== trioGen || !clf) return;
    const runs = [];
    try {
      for (const eta of etas) {
        const c = ctx.classifier();
        runs.push({ eta, c, o: new L.Optimizer(c, { method: "gd", stepSize: eta }), xs: [0], ys: [c.loss()], blew: 0, done: 0 });
      }
      const slicer = timeSlicer(8);
      let per = 1; // steps per piece, from the measured cost of the last piece
      const todo = (r) => r.done < TRIO_STEPS && !r.o.diverged;
      while (runs.some(todo)) {
        for (const r of runs) {
          if (!todo(r)) continue;
          const k = Math.min(per, TRIO_STEPS - r.done);
          const t0 = performance.now();
          const ls = r.o.run(k);
          ls.forEach((v, i) => { r.xs.push(r.done + i + 1); r.ys.push(v); });
          if (r.o.diverged) r.blew = r.o.iteration + 1;
          r.done += k;
          per = Math.max(1, Math.min(TRIO_STEPS, Math.floor((k * 4) / Math.max(0.05, performance.now() - t0))));
          if (slicer.due && runs.some(todo)) {
            drawTrio(runs, names);
            await slicer.next();
            if (my !== trioGen) return;
          }
        }
      }
      drawTrio(runs, names);
      trioText.textContent = runs.map((r) => verdict(r, runs)).join(" ") + (runs[2].blew || rises(runs[2]) > 2 ? "" : " Here even the large step size does not overshoot: these points can be separated by a linear classifier, and without regularisation the loss only falls as W grows in a separating direction, so a big step costs nothing. Raise reg in the settings bar to see the large step overshoot and blow up.");
    } catch (e) {
      showError(status, e);
    } finally {
      for (const r of runs) { r.o.free(); r.c.free(); }
      if (my === trioGen) trioBtn.disabled = false;
    }
  }

  const rises = (r) => r.ys.reduce((k, v, j) => k + (j > 0 && v > r.ys[j - 1] ? 1 : 0), 0);

  /** What a run shows, in words: blew up, overshoots, crawls, or works. */
  function verdict(r, runs) {
    const a = r.ys[0], b = r.ys[r.ys.length - 1], k = rises(r);
    const bestEnd = Math.min(...runs.map((q) => q.ys[q.ys.length - 1]));
    const head = `Step size ${fmt(r.eta)}:`;
    if (r.blew) return `${head} too large, the loss blew up at step ${r.blew}.`;
    if (k > 2 || b > a) return `${head} too large, it overshoots: the loss rose at ${k} of ${TRIO_STEPS} steps (${fmt(a)} → ${fmt(b)}).`;
    if (a - b < 0.5 * (a - bestEnd)) return `${head} too small, it crawls: ${fmt(a)} → ${fmt(b)} in ${TRIO_STEPS} steps.`;
    return `${head} works: ${fmt(a)} → ${fmt(b)} in ${TRIO_STEPS} steps.`;
  }

  function drawTrio(runs, names) {
    const ax = lossAxis(...runs.map((r) => r.ys));
    lineChart(L, trioCanvas, {
      title: `Loss for three step sizes, ${TRIO_STEPS} steps each${ax.note}`, xLabel: "step", yLabel: "loss",
      xRange: [0, TRIO_STEPS], logY: ax.logY, yRange: ax.yRange,
      series: runs.map((r, i) => ({ xs: r.xs, ys: r.ys, color: TRIO_COLORS[i], width: 3, label: `${names[i]}: ${fmt(r.eta)}` })),
    });
  }

  ctx.onChange((s) => {
    stepSize.set(tuning(s.dataset).gdStep);
    rebuild();
  });
  window.addEventListener("resize", request);
  ctx.onDestroy?.(() => {
    play.stop();
    window.removeEventListener("resize", request);
    slice.gen += 1; // cancels a slice being computed
    trioGen += 1; // the three-step-size run frees its own objects when it sees this
    opt?.free(); land?.free(); clf?.free(); opt = land = clf = null;
  });
  return {
    ready: rebuild(),
    exports: {
      history: () => ({ columns: records.columns, rows: records.rows, dropped: records.dropped }),
      model: () => clf && { clf, where: `gradient descent, after ${last ? Math.max(0, last.iteration) : 0} steps of step size ${stepSize.value}` },
    },
  };
}
