// Section 7, mini-batch gradient descent and SGD: each step uses the gradient of a random
// batch. The noisy batch loss beside the full loss and a full-batch GD run with the same step
// size; a scatter of mini-batch gradients around the full gradient; steps per second of the
// step alone (the batch gradient and the update: Optimizer.runSteps), with the full loss and the
// GD comparison timed apart as the bookkeeping they are.
import { el, choiceSlider, History } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct } from "../lib/format.js";
import { robustLossAxis, stepRange } from "../lib/axes.js";
import { optionRow } from "../lib/options.js";

/** Batch gradients in the scatter: fewer for big batches so one scatter stays ≈ 30 ms. */
const scatterCount = (b) => Math.max(24, Math.min(200, Math.floor(60000 / b)));

export default {
  name: "sgd",
  effects: { batchSize: "reset", stepSize: "reset" },
  create(w) {
    const L = w.L, o = w.options;
    let clf = null, opt = null, gdClf = null, gd = null, last = null, stopped = "";
    let scatter = null, scatterAt = 0, cost = { step: 0, full: 0, fulls: 0, gd: 0, n: 0 };
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
    // Play: one call a frame of as many steps as the slider says, fewer if they would take > 8 ms
    const chunk = () => Math.max(1, Math.min(speed.value, cost.n && cost.step > 0 ? Math.floor((8 * cost.n) / cost.step) : speed.value));
    const tick = () => {
      try {
        return step(play.running ? chunk() : 1); // Step: one step
      } catch (e) {
        w.error(e);
        return false; // stops Play
      }
    };
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: tick, reset: () => reset(), stepsPerFrame: () => 1 });
    w.on(stepBtn, "click", () => newScatter()); // after the step
    w.on(playBtn, "click", () => { if (!play.running) newScatter(); }); // paused: a scatter at the W it stopped on

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
      for (const c of [clf, gdClf]) w.startWeights(c); // back to the start W (the learner's, in Jupyter)
      opt = w.hold("opt", new L.Optimizer(clf, { method: "sgd", stepSize: o.stepSize, batchSize: batch(), seed: w.settings.seed }));
      gd = w.hold("gd", new L.Optimizer(gdClf, { method: "gd", stepSize: o.stepSize }));
      batchLoss.clear(); fullLoss.clear(); gdLoss.clear();
      const l0 = clf.loss();
      fullLoss.push(0, l0); gdLoss.push(0, l0);
      records.clear();
      records.push([0, null, l0, clf.accuracy(), l0, batch(), o.stepSize]);
      last = null; stopped = ""; cost = { step: 0, full: 0, fulls: 0, gd: 0, n: 0 };
      scatter = null;
      w.redraw();
      const mine = opt; // the scatter in a task of its own: up to ~30 ms of work
      w.turn(w.epoch).then(w.guard((live) => live && opt === mine && !scatter && newScatter()));
    }

    /**
     * `k` steps in one call (Play: the steps of a frame, ≈ 8 ms at most by the measured cost),
     * timed alone; then the bookkeeping, timed apart: the full loss once per call (for the chart)
     * and as many full-batch GD steps (the comparison).
     */
    function step(k = 1) {
      if (opt.diverged) return stop();
      const t0 = performance.now();
      const bl = opt.runSteps(k); // the batch losses before each step
      const t1 = performance.now();
      const it0 = opt.iteration - bl.length;
      if (bl.length) {
        cost.step += t1 - t0; cost.n += bl.length;
        const r = (last = { iteration: opt.iteration, tryLoss: bl[bl.length - 1], loss: clf.loss(), accuracy: clf.accuracy() });
        const t2 = performance.now();
        const g = gd.diverged ? [] : gd.run(bl.length);
        cost.full += t2 - t1; cost.fulls += 1; cost.gd += performance.now() - t2;
        bl.forEach((v, i) => {
          batchLoss.push(it0 + i + 1, v);
          if (i < g.length) gdLoss.push(it0 + i + 1, g[i]);
          records.push([it0 + i + 1, v, i === bl.length - 1 ? r.loss : null, i === bl.length - 1 ? r.accuracy : null, g[i] ?? null, batch(), o.stepSize]);
        });
        fullLoss.push(r.iteration, r.loss);
        // a link counts a run's steps: the skeleton adds 1 for this call, this call took bl.length
        if (bl.length > 1) w.setState("steps", Math.max(0, Math.min(optionRow("steps").max, opt.iteration) - 1));
      }
      if (bl.length < k) {
        stopped = `The loss blew up at step ${opt.iteration + 1}: the step size is too large; W was kept at its last finite value. Press Reset or choose a smaller step size.`;
        w.redraw();
        return stop();
      }
      if (play.running && performance.now() - scatterAt > 600) newScatter();
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
      const ax = robustLossAxis(batchLoss.ys, [fullLoss.ys, gdLoss.ys]);
      const spikes = ax.clip(batchLoss.ys);
      lineChart(L, lossCanvas, {
        title: `Batch ${b} of ${ds.len}, step size ${fmt(o.stepSize)}${ax.note}`, xLabel: "step", yLabel: "loss", xRange: stepRange(fullLoss), logY: ax.logY, yRange: ax.yRange,
        series: [
          { xs: batchLoss.xs, ys: spikes.ys, color: PALETTE.orange, width: 1, label: "mini-batch loss (before the step)" },
          { xs: fullLoss.xs, ys: fullLoss.ys, color: PALETTE.blue, width: 3, label: "full loss, mini-batch steps" },
          { xs: gdLoss.xs, ys: gdLoss.ys, color: PALETTE.black, width: 2, label: "full loss, full-batch GD" },
        ],
        markers: spikes.off.map((i) => ({ x: batchLoss.xs[i], y: ax.yRange[1], color: PALETTE.orange, size: 5, filled: true, label: "↑ batch loss above the top (clipped)" })),
      });
      readout.textContent = stopped || (last
        ? `Step ${last.iteration}: the last batch's loss was ${fmt(last.tryLoss)}; the full loss is ${fmt(last.loss)} (accuracy ${pct(last.accuracy)}). Full-batch GD with the same step size is at ${fmt(gdLoss.ys[gdLoss.length - 1])}, but each of its steps looks at all ${ds.len} examples, ${fmt(ds.len / b, 3)}× as many.${ax.clipped ? ` The chart's top is the larger of the full losses and the ${Math.round(ax.quantile * 100)}th percentile of the batch losses: ${spikes.off.length} spike${spikes.off.length === 1 ? "" : "s"} above it ${spikes.off.length === 1 ? "is" : "are"} clipped and marked ↑.` : ""}`
        : `No steps yet. Start loss ${fmt(fullLoss.ys[0])}.`);
      const per = cost.n ? cost.step / cost.n : NaN;
      rateText.textContent = cost.n >= 5 && per > 0 ? `${Math.round(1000 / per)} steps per second (the step alone)` : "Steps per second: press Play to measure.";
      costText.textContent = cost.n >= 5
        ? `Averaged over ${cost.n} steps: the step alone (the gradient on a batch of ${b} and the update) ${fmt(per, 2)} ms. Bookkeeping, not counted above: the full loss for the chart ${fmt(cost.full / Math.max(1, cost.fulls), 2)} ms each time it is computed (once per frame while playing, not after every step), and the full-batch GD comparison ${fmt(cost.gd / cost.n, 2)} ms a step.`
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
