// Section 3, Strategy 2: random local search. Try W + stepSize·δW, keep it only if the loss
// goes down. Every try is projected onto a 2-D slice through the starting W (accepted ●,
// rejected ×) with the path of the kept W's, beside the loss curve.
import { el, choiceSlider, History } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, fmt0, pct, datasetName } from "../lib/format.js";
import { Slice, spanText } from "../lib/lossslice.js";
import { lossRange, stepRange } from "../lib/axes.js";
import { percentInput } from "../lib/predict.js";

const MAX_TRIES_SHOWN = 300;
/** The prediction's answer: the share kept of the run's first this-many tries. */
const PREDICT_TRIES = 200;
const ACCEPTED = "#56b4e9", REJECTED = "#ff5c5c", PATH = "#ffffff", CURRENT = "#cc79a7";

export default {
  name: "local-search",
  effects: { stepSize: "reset" },
  create(w) {
    const o = w.options;
    let clf = null, opt = null, land = null, last = null, accepted = 0, n = 1;
    let shownTries = [], path = { xs: [0], ys: [0] }, here = [0, 0, 0];
    const loss = new History(2000), tryLoss = new History(1000);
    const records = w.records(["try", "try_loss", "loss", "accuracy", "accepted", "step_size"]);

    const sliceCanvas = w.canvas("Loss slice through the starting W with every try: accepted dots, rejected crosses", "square");
    const lossCanvas = w.canvas("Loss against the number of tries");
    const sliceText = el("p", { class: "readout" });
    const readout = el("p", { class: "readout", "aria-live": "polite" });
    const speed = choiceSlider({ label: "Tries per frame", values: [1, 2, 5, 10, 20, 50], value: 2, format: String });
    const { play, stepBtn, playBtn, resetBtn } = w.player({ step: tick, reset, stepsPerFrame: () => speed.value });

    // Predict, then see: the share of tries kept. The answer is the section's own run (the same
    // seed, start W and step size as Play), its first PREDICT_TRIES tries; while the prediction
    // asks, the readout leaves the number of accepted tries out.
    const pKept = w.predict({
      id: "kept",
      question: `Of the first ${PREDICT_TRIES} tries of this run, what share will be kept (lower the loss)?`,
      input: percentInput({ label: "Share of tries kept" }),
      truth: async () => {
        const r = await keptShare();
        return { ...r, value: r.kept / PREDICT_TRIES, text: `${pct(r.kept / PREDICT_TRIES)} (${r.kept} of ${PREDICT_TRIES} tries, step size ${fmt(r.step)})` };
      },
      judge: (g, t) => {
        const off = Math.abs(g.value - t.value) * 100;
        return { right: off <= 10, line: `you said ${g.text}; ${t.text} were kept: ${fmt(off, 3)} percentage points off.` };
      },
      reason: (t) => `A try is kept only if it lowers the loss. For a small step on a loss that is smooth (or, like the SVM's, linear in pieces) near W, the step goes downhill when it points against the gradient, about half of all random directions; the share falls as W nears low ground, where fewer directions lead down, and with a step too large most tries jump past it. Here ${t.first} of the first ${PREDICT_TRIES / 2} tries were kept and ${t.second} of the next ${PREDICT_TRIES / 2}.`,
      onChange: () => w.redraw(),
    });

    /** Runs the section's own run (a copy, freed here) for PREDICT_TRIES tries, a few ms a turn. */
    async function keptShare() {
      const my = w.epoch, step = o.stepSize;
      const c = new w.L.Classifier(w.dataset(), { loss: w.settings.loss, reg: w.settings.reg });
      let opt = null;
      try {
        c.setWeights(land.origin());
        opt = new w.L.Optimizer(c, { method: "random-local-search", stepSize: step, seed: w.settings.seed });
        let kept = 0, first = 0, t0 = performance.now();
        for (let i = 0; i < PREDICT_TRIES; i++) {
          if (opt.step().accepted) kept++;
          if (i === PREDICT_TRIES / 2 - 1) first = kept;
          if (performance.now() - t0 > 8) {
            if (!(await w.turn(my))) throw new Error("the settings changed while the answer was worked out: press Predict again");
            t0 = performance.now();
          }
        }
        return { kept, first, second: kept - first, step };
      } finally {
        opt?.free();
        c.free();
      }
    }

    w.root.append(
      el("h3", {}, "Random local search: small random steps, kept only if downhill"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, w.control("stepSize"), speed.wrap),
      pKept.card, // (absent with predict=off: the root skips it)
      el("div", { class: "row" },
        el("div", { class: "col" }, sliceCanvas, sliceText),
        el("div", { class: "col" }, lossCanvas, readout)),
    );
    const slice = new Slice(w.L, sliceCanvas, { size: 40, onReady: () => w.redraw(), onError: (e) => w.error(e) });

    // a try moves a and b by about stepSize/√n (|W1| ≈ √n): start with room for a few tries
    const span0 = () => Math.max(1e-6, (6 * o.stepSize) / Math.sqrt(n));

    /** New start W and slice (data, loss, seed changed). */
    function build() {
      slice.gen += 1; // cancels the slice of the last build (its landscape is freed)
      clf = w.classifier();
      n = clf.rows * clf.cols;
      land = w.hold("land", new w.L.Landscape(clf, { seed: w.settings.seed * 1000 + 300 }));
      reset();
      return slice.setLandscape(land, span0(), { dataset: w.dataset(), clf }); // clf: the loss settings, for the Worker
    }

    /** Back to the starting W with a fresh optimizer (keeps the slice). */
    function reset() {
      play.stop();
      w.say("");
      clf.setWeights(land.origin());
      opt = w.hold("opt", new w.L.Optimizer(clf, { method: "random-local-search", stepSize: o.stepSize, seed: w.settings.seed }));
      loss.clear(); tryLoss.clear();
      loss.push(0, clf.loss());
      records.clear();
      records.push([0, null, loss.ys[0], clf.accuracy(), null, o.stepSize]);
      shownTries = []; path = { xs: [0], ys: [0] }; here = [0, 0, 0];
      last = null; accepted = 0;
      if (slice.land === land && slice.span !== span0()) slice.compute(span0());
      w.redraw();
    }

    function tick() {
      const r = opt.step();
      last = r;
      const p = land.project(opt.lastTry());
      shownTries.push({ a: p[0], b: p[1], ok: r.accepted });
      if (shownTries.length > MAX_TRIES_SHOWN) shownTries.shift();
      if (r.accepted) {
        accepted += 1;
        here = p;
        if (path.xs.length < 5000) { path.xs.push(p[0]); path.ys.push(p[1]); }
      }
      loss.push(r.iteration, r.loss);
      tryLoss.push(r.iteration, r.tryLoss);
      records.push([r.iteration, r.tryLoss, r.loss, r.accuracy, r.accepted, o.stepSize]);
      slice.fit([[p[0], p[1]]]);
      w.redraw();
      return true;
    }

    function draw() {
      const ds = w.dataset();
      // rejected first, so the (fewer) accepted tries are drawn on top
      const mark = (t) => ({ x: t.a, y: t.b, color: t.ok ? ACCEPTED : REJECTED, size: 4, filled: t.ok, label: t.ok ? "accepted try" : "rejected try" });
      const markers = [...shownTries.filter((t) => !t.ok), ...shownTries.filter((t) => t.ok)].map(mark);
      markers.push({ x: here[0], y: here[1], color: CURRENT, size: 7, filled: true, label: "current W" });
      const drawn = slice.draw({
        title: `${datasetName(ds)}, ${w.settings.loss.toUpperCase()}: slice through the start W`,
        xLabel: "a (along random W1)", yLabel: "b (along random W2)",
        paths: [{ xs: path.xs, ys: path.ys, color: PATH, width: 2, label: "path of kept W" }],
        markers,
      });
      sliceText.textContent = drawn
        ? `The slice L(W0 + a·W1 + b·W2) around the starting W0, ${spanText(slice)}. Each try is projected onto this plane; W has ${n} numbers, so most of each step leaves the plane: the current W is ${fmt0(here[2])} off it.`
        : "Computing the slice…";
      const ex = last ? last.iteration : 0;
      lineChart(w.L, lossCanvas, {
        title: "Loss of each try, and of the current W", xLabel: "tries", yLabel: "loss", xRange: stepRange(loss), yRange: lossRange(loss.ys, tryLoss.ys),
        series: [
          { xs: tryLoss.xs, ys: tryLoss.ys, color: "#999999", width: 2, dots: true, label: ex > tryLoss.cap ? `loss of the last ${tryLoss.cap} tries` : "loss of each try" },
          { xs: loss.xs, ys: loss.ys, color: PALETTE.blue, width: 3, label: "current W" },
        ],
      });
      readout.textContent = last
        ? `${ex} tries${pKept.revealed ? `, ${accepted} accepted (acceptance rate ${pct(accepted / ex)})` : " (how many were kept shows once you have made the prediction above)"}. Loss ${fmt(last.loss)}, accuracy ${pct(last.accuracy)} (chance ${pct(1 / ds.classes)}). Last try: loss ${fmt(last.tryLoss)}, ${last.accepted ? "accepted" : "rejected"}. Distance of W off the plane: ${fmt0(here[2])}. Loss evaluations: ${last.evaluations}.`
        : `No tries yet. Start loss ${fmt(loss.ys[0])}. Each try adds N(0, ${fmt(o.stepSize)}²) to every weight.`;
    }

    return {
      build,
      draw,
      reset,
      destroy: () => { slice.gen += 1; clf = null; }, // cancels a slice being computed
      exports: {
        records,
        model: () => clf && { clf, where: `random local search, after ${last ? last.iteration : 0} tries${pKept.revealed ? ` (${accepted} accepted)` : ""} of step size ${o.stepSize}` },
      },
    };
  },
};
