// Section 6, gradient descent: W ← W − stepSize·dW. The path is drawn on a slice through
// the start W spanned by W1 = −dW(start) and a random W2 ⟂ W1 of the same length (Rust's
// Landscape.downhill), beside loss and accuracy curves; a new step size goes on from the current
// W (marked on the loss chart). A panel runs a too small, a good and a too large step size
// (lib/trio.js), each verdict read off its own curve.
import { el, button, choiceSlider, History } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, fmt0, pct, datasetName } from "../lib/format.js";
import { tuning } from "../lib/options.js";
import { Slice, spanText } from "../lib/lossslice.js";
import { lossAxis, stepRange, clippedLossAxis, sideBySide } from "../lib/axes.js";
import { TRIO_STEPS, runTrio, verdict, whyNoBlowUp, classify } from "../lib/trio.js";

const TRIO_COLORS = [PALETTE.sky, PALETTE.green, PALETTE.red];
const TRIO_NAMES = ["small", "medium", "large"];
/** Play stops after this many steps a press, or once the loss moved less than CONVERGED (relative) over WINDOW steps. */
const PLAY_CAP = 5000, WINDOW = 100, CONVERGED = 1e-6;
const WHICH = [["0", "The small step size"], ["1", "The medium one"], ["2", "The large one"]];
const RISE = [["none", "None of them"], ...WHICH, ["several", "More than one"]];
/** A run's last loss (a run that blew up: Infinity). */
const finalLoss = (r) => (r.blew ? Infinity : r.ys[r.ys.length - 1]);

export default {
  name: "gd",
  effects: { stepSize: "changeStep" },
  create(w) {
    const L = w.L, o = w.options;
    let clf = null, opt = null, land = null, last = null, blewUp = null, start = NaN, changes = [], playFrom = 0, stopNote = "", halt = false;
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
    w.on(playBtn, "click", () => { if (play.running) { playFrom = steps(); stopNote = ""; halt = false; } });
    const resumeBtn = button("Continue from the last finite W", w.guard(() => changeStep()), { hidden: "" });
    const trioBtn = button("Run three step sizes", w.guard(() => trio()));
    let trioRuns = null, trioBusy = null; // the trio's last runs, and the run in progress

    // Predict, then see: the trio's curves and verdicts are the answer, hidden until both are made
    const name = (i) => `${TRIO_NAMES[i]} one (${fmt(trioRuns[i].eta)})`;
    const pLowest = w.predict({
      id: "trio-lowest",
      question: `Of the three step sizes below (small, medium, large), which will end with the lowest loss after ${TRIO_STEPS} steps?`,
      input: { kind: "choice", choices: WHICH },
      truth: async () => {
        const runs = await trioDone();
        const best = runs.reduce((b, r, i) => (finalLoss(r) < finalLoss(runs[b]) ? i : b), 0);
        return { value: String(best), text: `the ${name(best)}: ${runs.map((r, i) => `${TRIO_NAMES[i]} ends at ${r.blew ? "a blow-up" : fmt(finalLoss(r))}`).join(", ")}` };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: `you said the ${TRIO_NAMES[Number(g.value)]} one; it is ${t.text}.` }),
      reason: (t) => {
        const runs = trioRuns, i = Number(t.value), c = classify(runs[i], runs);
        if (c.kind === "good") return `A step size too small crawls (each step barely moves W) and one too large jumps past the low ground (the loss rises); the one in between goes down steadily and furthest in ${TRIO_STEPS} steps.`;
        if (c.kind === "overshoots") return `The ${TRIO_NAMES[i]} step overshoots at first (its loss rose at ${c.up.length} step${c.up.length === 1 ? "" : "s"}), yet ends lowest: ${w.settings.reg === 0 ? "with reg = 0 a step moves W by a bounded amount, and once W points along a direction that separates the classes, long steps lower the loss fast" : "after its rises it settled lower than the others"}. The lecture's warning is about the rise: lower the step and the curve falls smoothly; raise reg and this step size blows up.`;
        return `${verdict(runs[i], runs)} The step size that ends lowest is the one that goes downhill furthest without jumping past the low ground.`;
      },
      onChange: () => showTrio(),
    });
    const pRise = w.predict({
      id: "trio-rise",
      question: "Which of the three will overshoot or blow up: its loss goes up at some step?",
      input: { kind: "choice", choices: RISE },
      truth: async () => {
        const runs = await trioDone();
        const up = runs.map((r, i) => [i, classify(r, runs)]).filter(([, c]) => c.kind === "overshoots" || c.kind === "blows up");
        const value = up.length === 0 ? "none" : up.length > 1 ? "several" : String(up[0][0]);
        const text = up.length === 0 ? "none of them: every loss curve only goes down" : up.map(([i, c]) => `the ${name(i)} ${c.kind === "blows up" ? "blows up" : `overshoots (its loss rose at ${c.up.length} of ${TRIO_STEPS} steps)`}`).join("; ");
        return { value, text };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: `you said ${RISE.find(([v]) => v === g.value)[1].toLowerCase()}; the answer: ${t.text}.` }),
      reason: () => "The gradient says which way is downhill at W, and only near W: a step much longer than that stretch lands on the far side of the low ground, higher up (an overshoot). When each step lands further out than the last, the loss blows up; the verdicts under the chart say why it did or did not here.",
      onChange: () => showTrio(),
    });
    const asking = () => !pLowest.revealed || !pRise.revealed;
    /** The trio's runs, once the latest run of it is done. */
    async function trioDone() {
      while (trioBusy) await trioBusy;
      if (!trioRuns) throw new Error("the three step sizes have not been run");
      return trioRuns;
    }
    const trioHidden = el("p", { class: "readout", hidden: true }, "The three curves and their verdicts are the answer to the two predictions above: they appear once you have made them (or pressed Just show me). The runs are done already.");
    /** The trio's chart and verdicts, or (while a prediction asks) a note in their place. */
    function showTrio() {
      const hide = asking();
      trioCanvas.hidden = trioText.hidden = hide;
      trioHidden.hidden = !hide;
      if (!hide && trioRuns) drawTrio(trioRuns);
    }

    w.root.append(
      el("h3", {}, "Gradient descent: W ← W − stepSize · dW"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, w.control("stepSize"), speed.wrap),
      el("p", { class: "readout" }, "A new step size goes on from the current W (the loss chart marks where it changed); Reset starts over from the start W."),
      alarm, el("div", { class: "controls" }, resumeBtn),
      el("div", { class: "row" }, el("div", { class: "col" }, sliceCanvas, sliceText), el("div", { class: "col" }, lossCanvas, accCanvas, readout)),
      el("h3", {}, "Three step sizes from the same start"),
      el("div", { class: "controls" }, trioBtn),
      pLowest.card, pRise.card, trioHidden, // (absent with predict=off: the root skips them)
      trioCanvas, trioText);
    const slice = new Slice(L, sliceCanvas, { size: 40, onReady: () => w.redraw(), onError: (e) => w.error(e) });
    const span0 = () => Math.max(1e-4, 4 * o.stepSize);
    const steps = () => (opt ? opt.iteration : 0);

    function build() {
      slice.gen += 1; // a slice still being computed belongs to the freed landscape
      clf = w.classifier();
      land = w.hold("land", L.Landscape.downhill(clf, { seed: w.settings.seed * 1000 + 600 }));
      reset();
      trio();
      return slice.setLandscape(land, span0(), { dataset: w.dataset(), clf }); // clf: the loss settings, for the Worker
    }

    function reset() {
      play.stop();
      w.say("");
      clf.setWeights(land.origin());
      opt = w.hold("opt", new L.Optimizer(clf, { method: "gd", stepSize: o.stepSize }));
      loss.clear(); acc.clear();
      start = clf.loss(); // the true start, kept when the rolling window drops old points
      loss.push(0, start); acc.push(0, clf.accuracy());
      records.clear();
      records.push([0, start, acc.ys[0], o.stepSize]);
      path = { xs: [0], ys: [0] }; here = [0, 0, 0];
      last = null; changes = []; stopNote = ""; halt = false;
      setBlewUp(null);
      if (slice.land === land && slice.span !== span0()) slice.compute(span0());
      w.redraw();
    }

    function setBlewUp(at) {
      blewUp = at;
      resumeBtn.hidden = !at;
      alarm.textContent = at ? `The loss blew up at step ${at}: step size ${fmt(o.stepSize)} is too large, and W was kept at its last finite value (loss ${fmt(loss.ys[loss.length - 1])}). Choose a smaller step size to go on from that W, or press Reset to start over.` : "";
    }

    /** The step size changed (or Continue was pressed): the run goes on from the current W. */
    function changeStep() {
      if (!opt) return;
      opt.setStepSize(o.stepSize);
      if (changes.at(-1)?.x === steps()) changes.at(-1).eta = o.stepSize; // changed again before a step
      else if (steps() > 0) changes.push({ x: steps(), eta: o.stepSize });
      else records.rows[0][3] = o.stepSize;
      stopNote = "";
      setBlewUp(null);
      if (steps() > 0) w.unlinkProgress(); // a link replays one step size: it now starts this run over
      w.say(steps() > 0 ? `Step size ${fmt(o.stepSize)} from step ${steps()} on, from the current W. (A copied link now reproduces the start of this run, not its steps: a link replays runs of one step size.)` : "");
      w.redraw();
    }

    function tick() {
      if (opt.diverged || (halt && play.running)) return (halt = false); // stops Play, takes no step
      const r = (last = opt.step());
      if (r.diverged) {
        setBlewUp(r.iteration + 1);
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
      if (!play.running) return true;
      const n = loss.length, old = loss.ys[n - 1 - WINDOW];
      if (n > WINDOW && Math.abs(old - r.loss) <= CONVERGED * Math.max(Math.abs(r.loss), 1e-300)) {
        stopNote = ` Stopped: converged, the loss moved by less than ${fmt(CONVERGED)} of itself over the last ${WINDOW} steps${r.loss === 0 ? " (it is 0: the gradient is zero, nothing is left to descend)" : ""}.`;
        halt = true; // this step was taken (and counted); Play stops at the next tick
      } else if (r.iteration - playFrom >= PLAY_CAP) {
        stopNote = ` Stopped after ${PLAY_CAP} steps (the cap for one press of Play); press Play to go on.`;
        halt = true;
      }
      return true;
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
      const xr = stepRange(loss), ax = lossAxis(loss.ys);
      const lo = Math.min(...loss.ys), hi = Math.max(...loss.ys.filter(Number.isFinite));
      const marks = changes.filter((c) => c.x >= xr[0]).map((c, i) => ({ xs: [c.x, c.x], ys: [ax.logY ? Math.max(lo, 1e-300) : 0, hi], color: PALETTE.red, width: 2, label: i === 0 ? "step size changed" : undefined }));
      lineChart(L, lossCanvas, { title: `Loss${ax.note}`, xLabel: "step", yLabel: "loss", xRange: xr, logY: ax.logY, yRange: ax.yRange, series: [...marks, { xs: loss.xs, ys: loss.ys, color: PALETTE.blue, width: 3, label: "loss" }] });
      lineChart(L, accCanvas, {
        title: "Accuracy", xLabel: "step", yLabel: "accuracy", xRange: xr, yRange: [0, 1],
        series: [{ xs: acc.xs, ys: acc.ys, color: PALETTE.green, width: 3, label: "accuracy" }, { xs: xr, ys: [1 / ds.classes, 1 / ds.classes], color: "#777777", width: 1, label: `chance (1/${ds.classes})` }],
      });
      const n = loss.length;
      const hist = changes.length ? ` Step size changed at step${changes.length > 1 ? "s" : ""} ${changes.slice(-4).map((c) => `${c.x} (to ${fmt(c.eta)})`).join(", ")}.` : "";
      readout.textContent = `Step ${steps()}, step size ${fmt(o.stepSize)}: loss ${fmt(loss.ys[n - 1])} (start ${fmt(start)}), accuracy ${pct(acc.ys[n - 1])}.${hist} Position on the slice: a = ${fmt0(here[0])}, b = ${fmt0(here[1])}; distance off the plane ${fmt0(here[2])}.${blewUp ? ` Stopped: the loss blew up at step ${blewUp}.` : stopNote}`;
    }

    // The three step sizes from the same start (lib/trio.js: turns of the page's queue, each run
    // on temporaries of its own, so how the work is cut changes no number).
    function trio() {
      const run = (trioBusy = trioOnce().finally(() => { if (trioBusy === run) trioBusy = null; }));
      return run;
    }

    async function trioOnce() {
      const my = w.epoch, s = w.settings;
      trioRuns = null;
      trioBtn.disabled = true;
      if (!(await w.turn(my))) return;
      try {
        const runs = await runTrio(L, { dataset: w.dataset(), loss: s.loss, reg: s.reg, seed: s.seed, scale: w.initScale(), etas: tuning(s.dataset).trio[s.loss], stale: () => w.stale(my), onPiece: drawTrio });
        if (!runs) return;
        trioRuns = runs;
        showTrio();
        const clipped = clippedLossAxis(runs.map((r) => r.ys)).clipped;
        trioText.textContent = runs.map((r) => verdict(r, runs)).join(" ") + whyNoBlowUp(runs, s) + (clipped ? " The chart's y axis stops at twice the start loss so that the small and medium curves stay readable; ↑ marks where a curve went off the top." : "");
      } catch (e) {
        if (!w.stale(my)) w.error(e);
      } finally {
        if (!w.stale(my)) trioBtn.disabled = false;
      }
    }

    function drawTrio(runs) {
      if (asking()) return;
      const ax = clippedLossAxis(runs.map((r) => r.ys));
      const series = [], markers = [], tops = [];
      runs.forEach((r, i) => {
        const { ys, off } = ax.clip(r.ys);
        series.push({ xs: r.xs, ys, color: TRIO_COLORS[i], width: 3, label: `${TRIO_NAMES[i]}: ${fmt(r.eta)}` });
        for (const j of off) tops.push({ x: r.xs[j], y: ax.yRange[1], color: TRIO_COLORS[i], size: 6, filled: true, label: `↑ ${TRIO_NAMES[i]} went off the top` });
      });
      // two curves off the top at the same step: their markers side by side, ~14 CSS px apart
      // (the plot is ~85 % of the canvas's width)
      markers.push(...sideBySide(tops, (14 / Math.max(100, 0.85 * trioCanvas.clientWidth)) * TRIO_STEPS, TRIO_STEPS));
      // the learner's guess beside the answer: a ring at the end of the curve they said ends lowest
      if (pLowest.guess && runs === trioRuns) {
        const r = runs[Number(pLowest.guess.value)], { ys } = ax.clip(r.ys), k = ys.length - 1;
        if (Number.isFinite(ys[k])) markers.push({ x: r.xs[k], y: ys[k], color: PALETTE.black, size: 10, filled: false, label: `you said: ${TRIO_NAMES[Number(pLowest.guess.value)]} ends lowest` });
      }
      lineChart(L, trioCanvas, { title: `Loss for three step sizes, ${TRIO_STEPS} steps each${ax.note}`, xLabel: "step", yLabel: "loss", xRange: [0, TRIO_STEPS], yRange: ax.yRange, series, markers });
    }

    const model = () => clf && { clf, where: `gradient descent, after ${steps()} steps of step size ${o.stepSize}${changes.length ? " (changed during the run)" : ""}` };
    // destroy: cancels a slice being computed
    return { build, draw, reset, changeStep, destroy: () => { slice.gen += 1; }, exports: { records, model } };
  },
};
