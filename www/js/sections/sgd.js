// Section 7, mini-batch gradient descent and SGD: each step uses the gradient of a random
// batch. The noisy batch loss beside the full loss and a full-batch GD run with the same step
// size; a scatter of mini-batch gradients around the full gradient; steps per second.
import { el, button, player, History, showError, clearError, nextTurn } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct } from "../lib/format.js";
import { tuning, choiceSlider, niceLogValues, powersOfTwoUpTo, frameDrawer, lossAxis, stepRange } from "../lib/optkit.js";
import { Records } from "../lib/exports.js";

/** A default batch: 32, or about N/8 on small data sets (a power of 2, at least 1). */
const defaultBatch = (n) => 2 ** Math.max(0, Math.min(5, Math.floor(Math.log2(n / 8))));

/** Batch gradients in the scatter: fewer for big batches so one scatter stays ≈ 30 ms. */
const scatterCount = (b) => Math.max(24, Math.min(200, Math.floor(60000 / b)));

export function mount(host, ctx) {
  const L = ctx.L;
  let clf = null, opt = null, gdClf = null, gd = null, last = null, stopped = "";
  let scatter = null, scatterAt = 0, rate = { t0: 0, n0: 0, perSec: NaN }, cost = { sgd: 0, gd: 0, n: 0 };
  const batchLoss = new History(2000), fullLoss = new History(2000), gdLoss = new History(2000);
  // for Save CSV: batch_loss is the mini-batch loss before the step; gd_loss the full-batch GD run's
  const records = new Records(["step", "batch_loss", "loss", "accuracy", "gd_loss", "batch_size", "step_size"]);

  const lossCanvas = el("canvas", { class: "chart tall", role: "img", "aria-label": "Mini-batch loss, full loss and full-batch gradient descent against the step number" });
  const scatterCanvas = el("canvas", { class: "square", role: "img", "aria-label": "Mini-batch gradients scattered around the full gradient" });
  const readout = el("p", { class: "readout", "aria-live": "polite" });
  const scatterText = el("p", { class: "readout" });
  const rateText = el("p", { class: "big-number", "aria-live": "off" });
  const costText = el("p", { class: "readout" });
  const status = el("p", { class: "status", "aria-live": "polite" });

  const batch = choiceSlider({ label: "Batch size (log scale)", values: powersOfTwoUpTo(ctx.dataset().len), value: defaultBatch(ctx.dataset().len), format: String, onInput: () => reset() });
  const stepSize = choiceSlider({ label: "Step size (log scale)", values: niceLogValues(-4, 1), value: tuning(ctx.settings.dataset).gdStep, onInput: () => reset() });
  const speed = choiceSlider({ label: "Steps per frame", values: [1, 2, 5, 10, 20, 50, 100], value: 2, format: String });
  const stepBtn = button("Step", () => { play.stop(); tick(); newScatter(); });
  const playBtn = button("Play", () => {});
  const resetBtn = button("Reset", () => reset());
  const play = player({ button: playBtn, tick: () => tick(), stepsPerFrame: () => speed.value, onStop: () => newScatter() });
  playBtn.addEventListener("click", () => { if (play.running) rate = { t0: performance.now(), n0: last ? last.iteration : 0, perSec: rate.perSec }; });

  host.append(
    el("h3", {}, "Mini-batch gradient descent"),
    el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, batch.wrap, stepSize.wrap, speed.wrap),
    el("div", { class: "row" },
      el("div", { class: "col" }, lossCanvas, readout, rateText, costText),
      el("div", { class: "col" }, scatterCanvas, scatterText)),
    status,
  );
  const request = frameDrawer(draw);

  function rebuild() {
    const n = ctx.dataset().len;
    const values = powersOfTwoUpTo(n);
    batch.setValues(values, defaultBatch(n));
    reset();
  }

  function reset() {
    play.stop();
    try {
      clearError(status);
      status.textContent = "";
      opt?.free(); gd?.free(); clf?.free(); gdClf?.free();
      opt = gd = null;
      clf = ctx.classifier();
      gdClf = ctx.classifier(); // the same seed: the same start W
      opt = new L.Optimizer(clf, { method: "sgd", stepSize: stepSize.value, batchSize: Math.min(batch.value, ctx.dataset().len), seed: ctx.settings.seed });
      gd = new L.Optimizer(gdClf, { method: "gd", stepSize: stepSize.value });
      batchLoss.clear(); fullLoss.clear(); gdLoss.clear();
      const l0 = clf.loss();
      fullLoss.push(0, l0); gdLoss.push(0, l0);
      records.clear();
      records.push([0, null, l0, clf.accuracy(), l0, Math.min(batch.value, ctx.dataset().len), stepSize.value]);
      last = null; stopped = ""; rate = { t0: 0, n0: 0, perSec: NaN }; cost = { sgd: 0, gd: 0, n: 0 };
      scatter = null;
      request();
      nextTurn().then(() => clf && !scatter && newScatter()); // in a task of its own: up to ~30 ms of work
    } catch (e) {
      showError(status, e);
    }
  }

  function tick() {
    try {
      if (opt.diverged) return false;
      const t0 = performance.now();
      const r = opt.step();
      const t1 = performance.now();
      if (r.diverged) {
        stopped = `The loss blew up at step ${r.iteration + 1}: the step size is too large; W was kept at its last finite value. Press Reset or choose a smaller step size.`;
        request();
        return false;
      }
      last = r;
      batchLoss.push(r.iteration, r.tryLoss);
      fullLoss.push(r.iteration, r.loss);
      let gdValue = null;
      if (!gd.diverged) {
        const g = gd.step();
        if (!g.diverged) { gdLoss.push(g.iteration, g.loss); gdValue = g.loss; }
        cost.sgd += t1 - t0; cost.gd += performance.now() - t1; cost.n += 1;
      }
      records.push([r.iteration, r.tryLoss, r.loss, r.accuracy, gdValue, Math.min(batch.value, ctx.dataset().len), stepSize.value]);
      const now = performance.now();
      if (play.running && now - rate.t0 > 250) rate.perSec = ((r.iteration - rate.n0) * 1000) / (now - rate.t0);
      if (play.running && now - scatterAt > 600) newScatter();
      request();
      return true;
    } catch (e) {
      showError(status, e);
      return false;
    }
  }

  function newScatter() {
    try {
      const b = Math.min(batch.value, ctx.dataset().len);
      scatter = { b, ...clf.batchGradientScatter(b, scatterCount(b), ctx.settings.seed * 7919 + (last ? last.iteration : 0)) };
      scatterAt = performance.now();
      request();
    } catch (e) {
      showError(status, e);
    }
  }

  function draw() {
    try {
      const ds = ctx.dataset();
      const steps = last ? last.iteration : 0;
      const b = Math.min(batch.value, ds.len);
      const ax = lossAxis(fullLoss.ys, batchLoss.ys, gdLoss.ys);
      lineChart(L, lossCanvas, {
        title: `Batch size ${b} of ${ds.len}, step size ${fmt(stepSize.value)}${ax.note}`, xLabel: "step", yLabel: "loss", xRange: stepRange(fullLoss), logY: ax.logY, yRange: ax.yRange,
        series: [
          { xs: batchLoss.xs, ys: batchLoss.ys, color: PALETTE.orange, width: 1, label: "mini-batch loss (before the step)" },
          { xs: fullLoss.xs, ys: fullLoss.ys, color: PALETTE.blue, width: 3, label: "full loss, mini-batch steps" },
          { xs: gdLoss.xs, ys: gdLoss.ys, color: PALETTE.black, width: 2, label: "full loss, full-batch GD" },
        ],
      });
      const lastGd = gdLoss.ys[gdLoss.length - 1];
      readout.textContent = stopped || (last
        ? `Step ${steps}: the last batch's loss was ${fmt(last.tryLoss)}; the full loss is ${fmt(last.loss)} (accuracy ${pct(last.accuracy)}). Full-batch GD with the same step size is at ${fmt(lastGd)}, but each of its steps looks at all ${ds.len} examples, ${fmt(ds.len / b, 3)}× as many.`
        : `No steps yet. Start loss ${fmt(fullLoss.ys[0])}.`);
      rateText.textContent = Number.isFinite(rate.perSec) ? `${Math.round(rate.perSec)} steps per second${play.running ? "" : " (last run)"}` : "Steps per second: press Play to measure.";
      costText.textContent = cost.n >= 5
        ? `Time per step, averaged over ${cost.n} steps: mini-batch ${fmt(cost.sgd / cost.n, 2)} ms, full-batch GD ${fmt(cost.gd / cost.n, 2)} ms. Both also evaluate the full loss after each step for the chart, and while playing each frame runs both, so the rate above includes the GD comparison.`
        : "";
      if (scatter) drawScatter(ds);
    } catch (e) {
      showError(status, e);
    }
  }

  function drawScatter(ds) {
    const { norm, points, b } = scatter;
    const xs = [], ys = [];
    let m = norm, meanX = 0, meanY = 0;
    for (let i = 0; i + 1 < points.length; i += 2) {
      xs.push(points[i]); ys.push(points[i + 1]);
      meanX += points[i]; meanY += points[i + 1];
      m = Math.max(m, Math.abs(points[i]), Math.abs(points[i + 1]));
    }
    const k = xs.length;
    meanX /= k; meanY /= k;
    if (!(m < 1e299)) {
      scatterText.textContent = "The gradients are too large to draw: the step size has made W blow up.";
      return;
    }
    const r = (m || 1) * 1.1;
    lineChart(L, scatterCanvas, {
      title: `${k} mini-batch gradients (batch ${b})`, xLabel: "along the full gradient", yLabel: "across (a random direction)",
      xRange: [-r, r], yRange: [-r, r],
      series: [{ xs, ys, color: PALETTE.orange, width: 3, dots: true, label: "mini-batch gradients" }],
      markers: [
        { x: 0, y: 0, color: "#777777", size: 4, filled: true, label: "zero" },
        { x: norm, y: 0, color: PALETTE.blue, size: 9, filled: true, label: "full gradient" },
        { x: meanX, y: meanY, color: PALETTE.black, size: 6, filled: false, label: "their average" },
      ],
    });
    scatterText.textContent = norm === 0 ? `The full gradient is zero here: W sits at a minimum of the loss${ctx.settings.loss === "svm" ? " (every margin is met)" : ""}, so there is nothing left to descend.` : `Each orange dot is the gradient of one random batch of ${b} at the current W, drawn in the plane of the full gradient (blue, length ${fmt(norm)}) and a random direction at right angles. Their average × lies at (${fmt(meanX)}, ${fmt(meanY)}): on average a batch gradient points the same way as the full one; smaller batches scatter more.`;
  }

  ctx.onChange((s) => {
    stepSize.set(tuning(s.dataset).gdStep);
    rebuild();
  });
  window.addEventListener("resize", request);
  ctx.onDestroy?.(() => {
    play.stop();
    window.removeEventListener("resize", request);
    opt?.free(); gd?.free(); clf?.free(); gdClf?.free(); opt = gd = clf = gdClf = null;
  });
  rebuild();
  return {
    ready: Promise.resolve(),
    exports: {
      history: () => ({ columns: records.columns, rows: records.rows, dropped: records.dropped }),
      model: () => clf && { clf, where: `mini-batch gradient descent, after ${last ? last.iteration : 0} steps (batch ${Math.min(batch.value, ctx.dataset().len)}, step size ${stepSize.value})` },
    },
  };
}
