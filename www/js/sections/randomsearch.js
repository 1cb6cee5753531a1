// Section 2, Strategy 1: random search. Draw W ~ scale·N(0, 1), keep it if its loss beats
// the best so far. Charts of the best-so-far loss and accuracy over tries, and the best W.
import { el, choiceSlider, History } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct } from "../lib/format.js";
import { lossRange } from "../lib/axes.js";
import { drawWeights } from "../lib/weights.js";

const TRIES_PER_FRAME = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export default {
  name: "random-search",
  effects: { scale: "reset" },
  create(w) {
    const o = w.options;
    let clf = null, opt = null, last = null, bestAt = 0;
    const points = {}; // drawWeights' cache of the data set's features and labels
    const best = new History(2000), acc = new History(2000), tries = new History(1000);
    const records = w.records(["try", "try_loss", "best_loss", "best_accuracy", "accepted", "scale"]);

    const lossCanvas = w.canvas("Best loss so far against the number of tries");
    const accCanvas = w.canvas("Accuracy of the best W so far against the number of tries");
    const wCanvas = w.canvas("The best W found so far", "");
    const readout = el("p", { class: "readout", "aria-live": "polite" });
    const wCaption = el("p", { class: "readout" });
    const speed = choiceSlider({ label: "Tries per frame", values: TRIES_PER_FRAME, value: 10, format: (v) => String(v) });
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: tick, reset, stepsPerFrame: () => speed.value });

    w.root.append(
      el("h3", {}, "Random search: keep the best of many random W"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, speed.wrap, w.control("scale")),
      el("div", { class: "row" }, el("div", { class: "col" }, lossCanvas), el("div", { class: "col" }, accCanvas)),
      readout,
      el("h3", {}, "The best W so far"),
      wCanvas,
      wCaption,
    );

    function build() {
      clf = w.classifier();
      start();
    }

    /** Back to the seeded start W with a fresh optimizer (a new scale, or Reset). */
    function reset() {
      play.stop();
      w.startWeights(clf); // the W w.classifier() starts from
      start();
    }

    function start() {
      opt = w.hold("opt", new w.L.Optimizer(clf, { method: "random-search", scale: o.scale, seed: w.settings.seed }));
      best.clear(); acc.clear(); tries.clear(); records.clear();
      last = null; bestAt = 0;
      w.say("");
      draw();
    }

    function tick() {
      const r = opt.step();
      last = r;
      if (r.accepted) {
        // best-so-far is a step function: a point just before and at each improvement
        if (best.length) { best.push(r.iteration, best.ys[best.length - 1]); acc.push(r.iteration, acc.ys[acc.length - 1]); }
        best.push(r.iteration, r.loss);
        acc.push(r.iteration, r.accuracy);
        bestAt = r.iteration;
      }
      tries.push(r.iteration, r.tryLoss);
      records.push([r.iteration, r.tryLoss, r.loss, r.accuracy, r.accepted, o.scale]);
      w.redraw();
      return true;
    }

    function draw() {
      const ds = w.dataset();
      const chance = 1 / ds.classes;
      const n = last ? last.iteration : 0;
      const xr = [0, Math.max(10, n)];
      const upTo = (h) => ({ xs: [...h.xs, n], ys: [...h.ys, h.ys[h.length - 1]] });
      const bestLine = best.length ? upTo(best) : best, accLine = acc.length ? upTo(acc) : acc;
      lineChart(w.L, lossCanvas, {
        title: "Loss of each try, and the best so far", xLabel: "tries", yLabel: "loss", xRange: xr, yRange: lossRange(tries.ys, best.ys),
        series: [
          { xs: tries.xs, ys: tries.ys, color: "#999999", width: 2, dots: true, label: n > tries.cap ? `loss of the last ${tries.cap} tries` : "loss of each try" },
          { xs: bestLine.xs, ys: bestLine.ys, color: PALETTE.blue, width: 3, label: "best so far" },
        ],
      });
      lineChart(w.L, accCanvas, {
        title: "Accuracy of the best W so far", xLabel: "tries", yLabel: "accuracy", xRange: xr, yRange: [0, 1],
        series: [
          { xs: accLine.xs, ys: accLine.ys, color: PALETTE.green, width: 3, label: "accuracy" },
          { xs: xr, ys: [chance, chance], color: "#777777", width: 1, label: `chance (1/${ds.classes})` },
        ],
      });
      wCaption.textContent = (last ? `Best W (found at try ${bestAt}): ` : "The starting W (no try yet): ") + drawWeights(wCanvas, clf, ds, points) + ".";
      readout.textContent = last
        ? `${n} tries. Best loss ${fmt(last.loss)} (found at try ${bestAt}), accuracy ${pct(last.accuracy)} (chance is ${pct(chance)}). The last try's loss was ${fmt(last.tryLoss)}.`
        : `No tries yet. Each try draws every weight from N(0, ${fmt(o.scale)}²). Chance accuracy here is ${pct(chance)}.`;
    }

    return {
      build,
      draw,
      reset,
      destroy: () => { clf = null; }, // model() has nothing to give once the widget is gone
      exports: {
        records,
        model: () => clf && { clf, where: last ? `random search, the best of ${last.iteration} tries (found at try ${bestAt})` : "random search, the starting W (no try yet)" },
      },
    };
  },
};
