// Section 7, mini-batch gradient descent and SGD: each step uses the gradient of a random
// batch. The noisy batch loss beside the full loss and a full-batch GD run with the same step
// size; a scatter of mini-batch gradients around the full gradient; steps per second.
import { el, choiceSlider, History } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct } from "../lib/format.js";
import { lossAxis, stepRange } from "../lib/axes.js";

/** Batch gradients in the scatter: fewer for big batches so one scatter stays ≈ 30 ms. */
const scatterCount = (b) => Math.max(24, Math.min(200, Math.floor(60000 / b)));

export default {
  name: "sgd",
  effects: { batchSize: "reset", stepSize: "reset" },
  create(w) {
    const L = w.L, o = w.options;
    let clf = null, opt = null, gdClf = null, gd = null, last = null, stopped = "";
    let scatter = null, scatterAt = 0, rate = { t0: 0, n0: 0, perSec: NaN }, cost = { sgd: 0, gd: 0, n: 0 };
    const batchLoss = new History(2000), fullLoss = new History(2000), gdLoss = new History(2000);
    // for Save CSV: batch_loss is the mini-batch loss before the step; gd_loss the full-batch GD run's
    const records = w.records(["step", "batch_loss", "loss", "accuracy", "gd_loss", "batch_size", "step_size"]);
    const batch = () => Math.min(o.batchSize, w.dataset().len);

    const lossCanvas = w.canvas("Mini-batch loss, full loss and full-batch gradient descent against the step number", "chart tall");
    const scatterCanvas = w.canvas("Mini-batch gradients scattered around the full gradient", "square");
    const readout = el("p", { class: "readout", "aria-live": "polite" });
    const scatterText = el("p", { class: "readout" });
    const rateText = el("p", { class: "big-number", "aria-live": "off" });
    const costText = el("p", { class: "readout" });
    const speed = choiceSlider({ label: "Steps per frame", values: [1, 2, 5, 10, 20, 50, 100], value: 2, format: String });
    const tick = () => {
      try {
        return step();
      } catch (e) {
        w.error(e);
        return false; // stops Play
      }
    };
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: tick, reset: () => reset(), stepsPerFrame: () => speed.value });
    w.on(stepBtn, "click", () => newScatter()); // after the step
    w.on(playBtn, "click", () => {
      if (play.running) rate = { t0: performance.now(), n0: last ? last.iteration : 0, perSec: rate.perSec };
      else newScatter(); // paused: a scatter at the W it stopped on
    });

    w.root.append(
      el("h3", {}, "Mini-batch gradient descent"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, w.control("batchSize"), w.control("stepSize"), speed.wrap),
      el("div", { class: "row" }, el("div", { class: "col" }, lossCanvas, readout, rateText, costText), el("div", { class: "col" }, scatterCanvas, scatterText)));

    function build() {
      clf = w.classifier();
      gdClf = w.classifier(); // the same seed: the same start W
      reset();
    }

    function reset() {
      play.stop();
      w.say("");
      for (const c of [clf, gdClf]) c.randomize(w.settings.seed, w.initScale()); // back to the start W
      opt = w.hold("opt", new L.Optimizer(clf, { method: "sgd", stepSize: o.stepSize, batchSize: batch(), seed: w.settings.seed }));
      gd = w.hold("gd", new L.Optimizer(gdClf, { method: "gd", stepSize: o.stepSize }));
      batchLoss.clear(); fullLoss.clear(); gdLoss.clear();
      const l0 = clf.loss();
      fullLoss.push(0, l0); gdLoss.push(0, l0);
      records.clear();
      records.push([0, null, l0, clf.accuracy(), l0, batch(), o.stepSize]);
      last = null; stopped = ""; rate = { t0: 0, n0: 0, perSec: NaN }; cost = { sgd: 0, gd: 0, n: 0 };
      scatter = null;
      w.redraw();
      const mine = opt; // the scatter in a task of its own: up to ~30 ms of work
      w.turn(w.epoch).then(w.guard((live) => live && opt === mine && !scatter && newScatter()));
    }

    function step() {
      if (opt.diverged) return stop();
      const t0 = performance.now();
      const r = opt.step();
      const t1 = performance.now();
      if (r.diverged) {
        stopped = `The loss blew up at step ${r.iteration + 1}: the step size is too large; W was kept at its last finite value. Press Reset or choose a smaller step size.`;
        w.redraw();
        return stop();
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
      records.push([r.iteration, r.tryLoss, r.loss, r.accuracy, gdValue, batch(), o.stepSize]);
      const now = performance.now();
      if (play.running && now - rate.t0 > 250) rate.perSec = ((r.iteration - rate.n0) * 1000) / (now - rate.t0);
      if (play.running && now - scatterAt > 600) newScatter();
      w.redraw();
      return true;
    }

    /** Ends a run: Play stops (with a scatter at the W it stopped on). */
    function stop() {
      if (play.running) newScatter();
      return false;
    }

    function newScatter() {
      const b = batch();
      scatter = { b, ...clf.batchGradientScatter(b, scatterCount(b), w.settings.seed * 7919 + (last ? last.iteration : 0)) };
      scatterAt = performance.now();
      w.redraw();
    }

    function draw() {
      if (!fullLoss.length) return;
      const ds = w.dataset(), b = batch();
      const ax = lossAxis(fullLoss.ys, batchLoss.ys, gdLoss.ys);
      lineChart(L, lossCanvas, {
        title: `Batch size ${b} of ${ds.len}, step size ${fmt(o.stepSize)}${ax.note}`, xLabel: "step", yLabel: "loss", xRange: stepRange(fullLoss), logY: ax.logY, yRange: ax.yRange,
        series: [
          { xs: batchLoss.xs, ys: batchLoss.ys, color: PALETTE.orange, width: 1, label: "mini-batch loss (before the step)" },
          { xs: fullLoss.xs, ys: fullLoss.ys, color: PALETTE.blue, width: 3, label: "full loss, mini-batch steps" },
          { xs: gdLoss.xs, ys: gdLoss.ys, color: PALETTE.black, width: 2, label: "full loss, full-batch GD" },
        ],
      });
      readout.textContent = stopped || (last
        ? `Step ${last.iteration}: the last batch's loss was ${fmt(last.tryLoss)}; the full loss is ${fmt(last.loss)} (accuracy ${pct(last.accuracy)}). Full-batch GD with the same step size is at ${fmt(gdLoss.ys[gdLoss.length - 1])}, but each of its steps looks at all ${ds.len} examples, ${fmt(ds.len / b, 3)}× as many.`
        : `No steps yet. Start loss ${fmt(fullLoss.ys[0])}.`);
      rateText.textContent = Number.isFinite(rate.perSec) ? `${Math.round(rate.perSec)} steps per second${play.running ? "" : " (last run)"}` : "Steps per second: press Play to measure.";
      costText.textContent = cost.n >= 5
        ? `Time per step, averaged over ${cost.n} steps: mini-batch ${fmt(cost.sgd / cost.n, 2)} ms, full-batch GD ${fmt(cost.gd / cost.n, 2)} ms. Both also evaluate the full loss after each step for the chart, and while playing each frame runs both, so the rate above includes the GD comparison.`
        : "";
      if (scatter) drawScatter();
    }

    function drawScatter() {
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
      scatterText.textContent = norm === 0 ? `The full gradient is zero here: W sits at a minimum of the loss${w.settings.loss === "svm" ? " (every margin is met)" : ""}, so there is nothing left to descend.` : `Each orange dot is the gradient of one random batch of ${b} at the current W, drawn in the plane of the full gradient (blue, length ${fmt(norm)}) and a random direction at right angles. Their average × lies at (${fmt(meanX)}, ${fmt(meanY)}): on average a batch gradient points the same way as the full one; smaller batches scatter more.`;
    }

    const model = () => clf && { clf, where: `mini-batch gradient descent, after ${last ? last.iteration : 0} steps (batch ${batch()}, step size ${o.stepSize})` };
    return { build, draw, reset, exports: { records, model } };
  },
};
