// Section 2, Strategy 1: random search. Draw W ~ scale·N(0, 1), keep it if its loss beats
// the best so far. Charts of the best-so-far loss and accuracy over tries, and the best W.
// Predict, then see (issue 13): the accuracy the best W reaches after 1000 tries, dragged on the
// accuracy chart (lib/chartguess.js); the answer is the section's own seeded run of 1000 tries.
import { el, choiceSlider, History, timeSlicer } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct } from "../lib/format.js";
import { lossRange } from "../lib/axes.js";
import { drawWeights } from "../lib/weights.js";
import { chartGuess } from "../lib/chartguess.js";

const TRIES_PER_FRAME = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const TRIES = 1000; // the prediction's run
const GUESS_COLOR = "#CC79A7";
const pp = (v) => `${Math.round(100 * v)} %`;

export default {
  name: "random-search",
  effects: { scale: "reset" },
  create(w) {
    const o = w.options;
    let clf = null, opt = null, last = null, bestAt = 0, accChart = null;
    let running = false; // the prediction's 1000 tries are being taken: the accuracy line is the answer being drawn
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

    const guess = chartGuess(w, {
      canvas: accCanvas, chart: () => accChart, axis: "y", range: () => [0, 1], step: () => 0.01, start: () => 0.5,
      label: `Your guess: the accuracy after ${TRIES} tries`, format: pp, onMove: () => w.redraw(),
    });
    const predicted = w.predict({
      id: "accuracy",
      question: `What accuracy do you expect the best W to reach after ${TRIES} random tries? Drag on the accuracy chart (or use ↑ / ↓).`,
      input: guess,
      truth: () => runTries(),
      judge: (g, t) => {
        const off = Math.abs(g.value - t.value) * 100;
        return { right: off <= 10, line: `You said ${g.text}; after ${TRIES} tries the best W classifies ${pct(t.value)} of the ${t.n} examples (chance: ${pct(t.chance)}): ${fmt(off, 3)} percentage points off.` };
      },
      reason: (t) => reasonFor(t),
      onChange: () => { if (predicted.revealed) guess.release(); w.redraw(); },
    });
    const answerHidden = () => predicted.state === "asking" && !running;
    // the run an answer was for: after new settings the old guess and answer are not drawn on the new run
    const runKey = () => { const s = w.settings; return `${s.dataset}|${s.loss}|${s.reg}|${s.seed}|${o.scale}`; };

    w.root.append(
      el("h3", {}, "Random search: keep the best of many random W"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, speed.wrap, w.control("scale")),
      predicted.card, // (absent with predict=off: the root skips it)
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

    /**
     * The prediction's answer: the section's own run from its start W, reset and taken to 1000
     * tries in pieces of ~8 ms (drawn as it goes); the accuracy of the best W at the end.
     */
    async function runTries() {
      const my = w.epoch;
      play.stop();
      reset();
      running = true;
      try {
        const slicer = timeSlicer(8);
        while (!last || last.iteration < TRIES) {
          tick();
          if (slicer.due) {
            await slicer.next();
            if (w.stale(my)) throw new Error("the settings changed while the tries ran: press Predict again");
          }
        }
      } finally {
        running = false;
      }
      w.setState("steps", TRIES); // a link replays the same seeded run
      const ds = w.dataset();
      return { value: last.accuracy, text: pct(last.accuracy), chance: 1 / ds.classes, n: ds.len, weights: clf.rows * clf.cols, dataset: w.settings.dataset, run: runKey() };
    }

    /** Why random search ends where it does, for the data set and the run shown. */
    function reasonFor(t) {
      const c = Math.round(1 / t.chance);
      const chance = `Chance for ${c} classes is 1/${c} = ${pct(t.chance)}: a W that ignores the data gets about that.`;
      if (t.value - t.chance < 0.15) {
        return `${chance} Each try draws all ${t.weights} numbers of W blindly; in ${t.weights} dimensions almost every random W is poor, so the best of ${TRIES} stays near chance (the notes' CIFAR-10 run: 15.5 % after 1000 tries, chance 10 %). Following the gradient does far better.`;
      }
      const spiral = t.dataset === "spiral" ? " On the spiral no straight line separates the arms, so no linear W, random or trained, gets far beyond this." : "";
      return `${chance} Here W has only ${t.weights} numbers, so ${TRIES} blind draws cover its space well enough that the best of them is well above chance; on the digits (650 numbers) the same ${TRIES} tries stay near chance: random search fails as W grows.${spiral}`;
    }

    const legendCorner = (v) => (v !== null && v !== undefined && v >= 0.5 ? "bottom-right" : "top-right");

    function draw() {
      const ds = w.dataset();
      const chance = 1 / ds.classes;
      const n = last ? last.iteration : 0;
      const hide = answerHidden();
      const xr = [0, Math.max(hide || running ? TRIES : 10, n)];
      const upTo = (h) => ({ xs: [...h.xs, n], ys: [...h.ys, h.ys[h.length - 1]] });
      const bestLine = best.length ? upTo(best) : best, accLine = acc.length ? upTo(acc) : acc;
      lineChart(w.L, lossCanvas, {
        title: "Loss of each try, and the best so far", xLabel: "tries", yLabel: "loss", xRange: xr, yRange: lossRange(tries.ys, best.ys),
        series: [
          { xs: tries.xs, ys: tries.ys, color: "#999999", width: 2, dots: true, label: n > tries.cap ? `loss of the last ${tries.cap} tries` : "loss of each try" },
          { xs: bestLine.xs, ys: bestLine.ys, color: PALETTE.blue, width: 3, label: "best so far" },
        ],
      });
      // asking: the chance line and the learner's guess, not the accuracy reached (the answer)
      const accSeries = [{ xs: xr, ys: [chance, chance], color: "#777777", width: 1, label: `chance (1/${ds.classes})` }];
      const markers = [];
      if (!hide) accSeries.unshift({ xs: accLine.xs, ys: accLine.ys, color: PALETTE.green, width: 3, label: "accuracy" });
      const t = predicted.truth;
      const current = t?.run === runKey();
      const g = predicted.state === "asking" ? guess.value : current ? predicted.guess?.value : null;
      if (g !== null && g !== undefined) accSeries.push({ xs: xr, ys: [g, g], color: GUESS_COLOR, width: 3, dashed: true, label: `your guess: ${pp(g)}` });
      if (predicted.revealed && t && current && last && last.iteration >= TRIES) {
        markers.push({ x: TRIES, y: t.value, color: PALETTE.green, size: 8, filled: true, label: `after ${TRIES} tries: ${pct(t.value)}` });
      }
      accChart = lineChart(w.L, accCanvas, {
        title: "Accuracy of the best W so far", xLabel: "tries", yLabel: "accuracy", xRange: xr, yRange: [0, 1],
        // with a prediction the legend has up to four entries: in the corner away from the line's
        // end (the answer), or from the guess while the answer is hidden
        series: accSeries, markers, ...(predicted.state === "off" ? {} : { legend: legendCorner(hide ? g : last?.accuracy ?? g) }),
      });
      wCaption.textContent = (last ? `Best W (found at try ${bestAt}): ` : "The starting W (no try yet): ") + drawWeights(wCanvas, clf, ds, points) + ".";
      readout.textContent = hide
        ? `${n} tries. The accuracy reached is hidden until you commit a guess for ${TRIES} tries (or press Just show me); chance here is ${pct(chance)}.`
        : last
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
