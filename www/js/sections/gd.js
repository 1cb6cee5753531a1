// Section 6, gradient descent: W ← W − stepSize·dW. The path is drawn on a slice through
// the start W spanned by W1 = −dW(start) and a random W2 ⟂ W1 of the same length (Rust's
// Landscape.downhill), beside loss and accuracy curves; a panel runs a too small, a good and a
// too large step size.
import { el, button, choiceSlider, History, timeSlicer } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, fmt0, pct, datasetName } from "../lib/format.js";
import { tuning } from "../lib/options.js";
import { Slice, spanText } from "../lib/lossslice.js";
import { lossAxis, stepRange } from "../lib/axes.js";

const TRIO_STEPS = 60;
const TRIO_COLORS = [PALETTE.sky, PALETTE.green, PALETTE.red];
const TRIO_NAMES = ["small", "medium", "large"];

export default {
  name: "gd",
  effects: { stepSize: "reset" },
  create(w) {
    const L = w.L, o = w.options;
    let clf = null, opt = null, land = null, last = null, blewUp = null;
    let path = { xs: [0], ys: [0] }, here = [0, 0, 0];
    const loss = new History(2000), acc = new History(2000);
    const records = w.records(["step", "loss", "accuracy", "step_size"]);

    const sliceCanvas = w.canvas("Path of gradient descent on a loss slice through the start W", "square");
    const lossCanvas = w.canvas("Loss against the step number");
    const accCanvas = w.canvas("Accuracy against the step number");
    const trioCanvas = w.canvas("Loss curves for three step sizes from the same start");
    const sliceText = el("p", { class: "readout" });
    const readout = el("p", { class: "readout", "aria-live": "polite" });
    const trioText = el("p", { class: "readout", "aria-live": "polite" });
    const alarm = el("p", { class: "status warning", "aria-live": "polite" });
    const speed = choiceSlider({ label: "Steps per frame", values: [1, 2, 5, 10, 20], value: 1, format: String });
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: () => tick(), reset: () => reset(), stepsPerFrame: () => speed.value });
    const trioBtn = button("Run three step sizes", w.guard(() => runTrio()));

    w.root.append(
      el("h3", {}, "Gradient descent: W ← W − stepSize · dW"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, w.control("stepSize"), speed.wrap),
      alarm,
      el("div", { class: "row" }, el("div", { class: "col" }, sliceCanvas, sliceText), el("div", { class: "col" }, lossCanvas, accCanvas, readout)),
      el("h3", {}, "Three step sizes from the same start"),
      el("div", { class: "controls" }, trioBtn),
      trioCanvas, trioText);
    const slice = new Slice(L, sliceCanvas, { size: 40, onReady: () => w.redraw(), onError: (e) => w.error(e) });
    const span0 = () => Math.max(1e-4, 4 * o.stepSize);

    function build() {
      slice.gen += 1; // a slice still being computed belongs to the freed landscape
      clf = w.classifier();
      land = w.hold("land", L.Landscape.downhill(clf, { seed: w.settings.seed * 1000 + 600 }));
      reset();
      runTrio();
      return slice.setLandscape(land, span0());
    }

    function reset() {
      play.stop();
      w.say("");
      alarm.textContent = "";
      clf.setWeights(land.origin());
      opt = w.hold("opt", new L.Optimizer(clf, { method: "gd", stepSize: o.stepSize }));
      loss.clear(); acc.clear();
      loss.push(0, clf.loss()); acc.push(0, clf.accuracy());
      records.clear();
      records.push([0, loss.ys[0], acc.ys[0], o.stepSize]);
      path = { xs: [0], ys: [0] }; here = [0, 0, 0];
      last = null; blewUp = null;
      if (slice.land === land && slice.span !== span0()) slice.compute(span0());
      w.redraw();
    }

    function tick() {
      try {
        if (opt.diverged) return false;
        const r = (last = opt.step());
        if (r.diverged) {
          blewUp = r.iteration + 1;
          alarm.textContent = `The loss blew up at step ${blewUp}: the step size is too large; W was kept at its last finite value. Press Reset or choose a smaller step size.`;
          w.redraw();
          return false;
        }
        loss.push(r.iteration, r.loss);
        acc.push(r.iteration, r.accuracy);
        records.push([r.iteration, r.loss, r.accuracy, o.stepSize]);
        here = land.project(clf.weights());
        if (path.xs.length < 5000) { path.xs.push(here[0]); path.ys.push(here[1]); }
        slice.fit([[here[0], here[1]]]);
        w.redraw();
        return true;
      } catch (e) {
        w.error(e);
        return false; // stops Play
      }
    }

    function draw() {
      if (!loss.length) return;
      const ds = w.dataset();
      const drawn = slice.draw({
        title: `${datasetName(ds)}, ${w.settings.loss.toUpperCase()}: slice through the start W`,
        xLabel: "a (along −dW at the start)", yLabel: "b (random, ⟂)",
        paths: [{ xs: path.xs, ys: path.ys, color: "#ffffff", width: 2, label: "path of W" }],
        markers: [{ x: 0, y: 0, color: "#000000", size: 5, filled: true, label: "start" }, { x: here[0], y: here[1], color: PALETTE.pink, size: 7, filled: true, label: "current W" }],
      });
      sliceText.textContent = drawn
        ? `W1 is minus the gradient at the start (length ${fmt(land.directionNorms[0])}), W2 a random direction at right angles, of the same length; ${spanText(slice)}. The path is projected onto this plane; the current W is ${fmt0(here[2])} off it (the gradient turns as W moves).`
        : "Computing the slice…";
      const steps = last ? Math.max(last.iteration, 0) : 0;
      const xr = stepRange(loss), ax = lossAxis(loss.ys);
      lineChart(L, lossCanvas, { title: `Loss${ax.note}`, xLabel: "step", yLabel: "loss", xRange: xr, logY: ax.logY, yRange: ax.yRange, series: [{ xs: loss.xs, ys: loss.ys, color: PALETTE.blue, width: 3, label: "loss" }] });
      lineChart(L, accCanvas, {
        title: "Accuracy", xLabel: "step", yLabel: "accuracy", xRange: xr, yRange: [0, 1],
        series: [{ xs: acc.xs, ys: acc.ys, color: PALETTE.green, width: 3, label: "accuracy" }, { xs: xr, ys: [1 / ds.classes, 1 / ds.classes], color: "#777777", width: 1, label: `chance (1/${ds.classes})` }],
      });
      const n = loss.length;
      readout.textContent = `Step ${steps}, step size ${fmt(o.stepSize)}: loss ${fmt(loss.ys[n - 1])} (start ${fmt(loss.ys[0])}), accuracy ${pct(acc.ys[n - 1])}. Position on the slice: a = ${fmt0(here[0])}, b = ${fmt0(here[1])}; distance off the plane ${fmt0(here[2])}.${blewUp ? ` Stopped: the loss blew up at step ${blewUp}.` : ""}`;
    }

    // The three step sizes from the same start, in turns of the page's queue (build() does not
    // wait): a piece is as many steps of one run as fit in ~4 ms by the last piece's cost (a step
    // on an upload at the caps takes ~8 ms), a turn ends after ~8 ms and the chart is redrawn.
    // Each run has its own classifier and optimizer (temporaries, freed here), so how the pieces
    // are cut changes no number.
    async function runTrio() {
      const my = w.epoch;
      trioBtn.disabled = true;
      if (!(await w.turn(my))) return;
      const runs = [];
      try {
        for (const eta of tuning(w.settings.dataset).trio) {
          const r = { eta, c: new L.Classifier(w.dataset(), { loss: w.settings.loss, reg: w.settings.reg }), xs: [0], blew: 0, done: 0 };
          runs.push(r);
          r.c.randomize(w.settings.seed, w.initScale()); // the section's start W
          r.ys = [r.c.loss()];
          r.o = new L.Optimizer(r.c, { method: "gd", stepSize: eta });
        }
        const slicer = timeSlicer(8);
        let per = 1; // steps per piece, from the measured cost of the last piece
        const todo = (r) => r.done < TRIO_STEPS && !r.o.diverged;
        while (runs.some(todo)) {
          for (const r of runs) {
            if (!todo(r)) continue;
            const k = Math.min(per, TRIO_STEPS - r.done);
            const t0 = performance.now();
            r.o.run(k).forEach((v, i) => { r.xs.push(r.done + i + 1); r.ys.push(v); });
            if (r.o.diverged) r.blew = r.o.iteration + 1;
            r.done += k;
            per = Math.max(1, Math.min(TRIO_STEPS, Math.floor((k * 4) / Math.max(0.05, performance.now() - t0))));
            if (slicer.due && runs.some(todo)) {
              drawTrio(runs);
              await slicer.next();
              if (w.stale(my)) return;
            }
          }
        }
        drawTrio(runs);
        trioText.textContent = runs.map((r) => verdict(r, runs)).join(" ") + (runs[2].blew || rises(runs[2]) > 2 ? "" : " Here even the large step size does not overshoot: these points can be separated by a linear classifier, and without regularisation the loss only falls as W grows in a separating direction, so a big step costs nothing. Raise reg in the settings bar to see the large step overshoot and blow up.");
      } catch (e) {
        if (!w.stale(my)) w.error(e);
      } finally {
        for (const r of runs) { w.free(r.o); w.free(r.c); }
        if (!w.stale(my)) trioBtn.disabled = false;
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

    function drawTrio(runs) {
      const ax = lossAxis(...runs.map((r) => r.ys));
      lineChart(L, trioCanvas, {
        title: `Loss for three step sizes, ${TRIO_STEPS} steps each${ax.note}`, xLabel: "step", yLabel: "loss",
        xRange: [0, TRIO_STEPS], logY: ax.logY, yRange: ax.yRange,
        series: runs.map((r, i) => ({ xs: r.xs, ys: r.ys, color: TRIO_COLORS[i], width: 3, label: `${TRIO_NAMES[i]}: ${fmt(r.eta)}` })),
      });
    }

    const model = () => clf && { clf, where: `gradient descent, after ${last ? Math.max(0, last.iteration) : 0} steps of step size ${o.stepSize}` };
    // destroy: cancels a slice being computed
    return { build, draw, reset, destroy: () => { slice.gen += 1; }, exports: { records, model } };
  },
};
