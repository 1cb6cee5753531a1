// Section 3, Strategy 2: random local search. Try W + stepSize·δW, keep it only if the loss
// goes down. Every try is projected onto a 2-D slice through the starting W (accepted ●,
// rejected ×) with the path of the kept W's, beside the loss curve.
import { el, button, player, History, showError, clearError } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, fmt0, pct, datasetName } from "../lib/format.js";
import { tuning, choiceSlider, niceLogValues, frameDrawer, Slice, spanText, lossRange, stepRange } from "../lib/optkit.js";
import { Records } from "../lib/exports.js";

const MAX_TRIES_SHOWN = 300;
const ACCEPTED = "#56b4e9", REJECTED = "#ff5c5c", PATH = "#ffffff", CURRENT = "#cc79a7";

export function mount(host, ctx) {
  const L = ctx.L;
  let clf = null, opt = null, land = null, last = null, accepted = 0, n = 1;
  let shownTries = [], path = { xs: [0], ys: [0] }, here = [0, 0, 0];
  const loss = new History(2000), tryLoss = new History(1000);
  const records = new Records(["try", "try_loss", "loss", "accuracy", "accepted", "step_size"]); // for Save CSV

  const sliceCanvas = el("canvas", { class: "square", role: "img", "aria-label": "Loss slice through the starting W with every try: accepted dots, rejected crosses" });
  const lossCanvas = el("canvas", { class: "chart", role: "img", "aria-label": "Loss against the number of tries" });
  const sliceText = el("p", { class: "readout" });
  const readout = el("p", { class: "readout", "aria-live": "polite" });
  const status = el("p", { class: "status", "aria-live": "polite" });

  const stepSize = choiceSlider({ label: "Step size (log scale)", values: niceLogValues(-4, 1), value: tuning(ctx.settings.dataset).lsStep, onInput: () => reset() });
  const speed = choiceSlider({ label: "Tries per frame", values: [1, 2, 5, 10, 20, 50], value: 2, format: String });
  const stepBtn = button("Step", () => { play.stop(); tick(); });
  const playBtn = button("Play", () => {});
  const resetBtn = button("Reset", () => reset());
  const play = player({ button: playBtn, tick: () => tick(), stepsPerFrame: () => speed.value });

  host.append(
    el("h3", {}, "Random local search: small random steps, kept only if downhill"),
    el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, stepSize.wrap, speed.wrap),
    el("div", { class: "row" },
      el("div", { class: "col" }, sliceCanvas, sliceText),
      el("div", { class: "col" }, lossCanvas, readout)),
    status,
  );
  const request = frameDrawer(draw);
  const slice = new Slice(L, sliceCanvas, { size: 40, onReady: request, onError: (e) => showError(status, e) });

  // a try moves a and b by about stepSize/√n (|W1| ≈ √n): start with room for a few tries
  const span0 = () => Math.max(1e-6, (6 * stepSize.value) / Math.sqrt(n));

  /** New start W and slice (data, loss, seed changed). */
  function rebuild() {
    play.stop();
    try {
      clearError(status);
      opt?.free(); opt = null; land?.free(); clf?.free();
      clf = ctx.classifier();
      n = clf.rows * clf.cols;
      land = new L.Landscape(clf, { seed: ctx.settings.seed * 1000 + 300 });
      reset();
      return slice.setLandscape(land, span0());
    } catch (e) {
      showError(status, e);
      return Promise.resolve();
    }
  }

  /** Back to the starting W with a fresh optimizer (keeps the slice). */
  function reset() {
    play.stop();
    try {
      clearError(status);
      status.textContent = "";
      opt?.free();
      clf.setWeights(land.origin());
      opt = new L.Optimizer(clf, { method: "random-local-search", stepSize: stepSize.value, seed: ctx.settings.seed });
      loss.clear(); tryLoss.clear();
      loss.push(0, clf.loss());
      records.clear();
      records.push([0, null, loss.ys[0], clf.accuracy(), null, stepSize.value]);
      shownTries = []; path = { xs: [0], ys: [0] }; here = [0, 0, 0];
      last = null; accepted = 0;
      if (slice.land === land && slice.span !== span0()) slice.compute(span0());
      request();
    } catch (e) {
      showError(status, e);
    }
  }

  function tick() {
    try {
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
      records.push([r.iteration, r.tryLoss, r.loss, r.accuracy, r.accepted, stepSize.value]);
      slice.fit([[p[0], p[1]]]);
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
      // rejected first, so the (fewer) accepted tries are drawn on top
      const mark = (t) => ({ x: t.a, y: t.b, color: t.ok ? ACCEPTED : REJECTED, size: 4, filled: t.ok, label: t.ok ? "accepted try" : "rejected try" });
      const markers = [...shownTries.filter((t) => !t.ok), ...shownTries.filter((t) => t.ok)].map(mark);
      markers.push({ x: here[0], y: here[1], color: CURRENT, size: 7, filled: true, label: "current W" });
      const drawn = slice.draw({
        title: `${datasetName(ds)}, ${ctx.settings.loss.toUpperCase()}: slice through the start W`,
        xLabel: "a (along random W1)", yLabel: "b (along random W2)",
        paths: [{ xs: path.xs, ys: path.ys, color: PATH, width: 2, label: "path of kept W" }],
        markers,
      });
      sliceText.textContent = drawn
        ? `The slice L(W0 + a·W1 + b·W2) around the starting W0, ${spanText(slice)}. Each try is projected onto this plane; W has ${n} numbers, so most of each step leaves the plane: the current W is ${fmt0(here[2])} off it.`
        : "Computing the slice…";
      const ex = last ? last.iteration : 0;
      lineChart(L, lossCanvas, {
        title: "Loss of each try, and of the current W", xLabel: "tries", yLabel: "loss", xRange: stepRange(loss), yRange: lossRange(loss.ys, tryLoss.ys),
        series: [
          { xs: tryLoss.xs, ys: tryLoss.ys, color: "#999999", width: 2, dots: true, label: ex > tryLoss.cap ? `loss of the last ${tryLoss.cap} tries` : "loss of each try" },
          { xs: loss.xs, ys: loss.ys, color: PALETTE.blue, width: 3, label: "current W" },
        ],
      });
      readout.textContent = last
        ? `${ex} tries, ${accepted} accepted (acceptance rate ${pct(accepted / ex)}). Loss ${fmt(last.loss)}, accuracy ${pct(last.accuracy)} (chance ${pct(1 / ds.classes)}). Last try: loss ${fmt(last.tryLoss)}, ${last.accepted ? "accepted" : "rejected"}. Distance of W off the plane: ${fmt0(here[2])}. Loss evaluations: ${last.evaluations}.`
        : `No tries yet. Start loss ${fmt(loss.ys[0])}. Each try adds N(0, ${fmt(stepSize.value)}²) to every weight.`;
    } catch (e) {
      showError(status, e);
    }
  }

  ctx.onChange((s) => {
    stepSize.set(tuning(s.dataset).lsStep);
    rebuild();
  });
  window.addEventListener("resize", request);
  ctx.onDestroy?.(() => {
    play.stop();
    window.removeEventListener("resize", request);
    slice.gen += 1; // cancels a slice being computed
    opt?.free(); land?.free(); clf?.free(); opt = land = clf = null;
  });
  return {
    ready: rebuild(),
    exports: {
      history: () => ({ columns: records.columns, rows: records.rows, dropped: records.dropped }),
      model: () => clf && { clf, where: `random local search, after ${last ? last.iteration : 0} tries (${accepted} accepted) of step size ${stepSize.value}` },
    },
  };
}
