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
import { scatter as computeScatter, jobKey } from "../lib/compute.js";

/**
 * Batch gradients in the scatter: 8 to 200, as many as fit in SCATTER_WORK examples × (D + 1) ×
 * C (the batches' rows times W's entries: ~20–30 ms of work in wasm on a 2-core laptop-class
 * machine; the digits at batch 256: 200 batches). Sized by the data set's shape too: counted
 * by examples alone, a 1900 × 256 CSV at batch 1024 took 60–70 ms (and 100 ms on the page).
 * Never fewer than 8 (a batch of the whole set: 8 copies of the full gradient, its lesson).
 */
const SCATTER_WORK = 4e7;
const scatterCount = (b, ds) => Math.max(8, Math.min(200, Math.floor(SCATTER_WORK / (b * (ds.dims + 1) * ds.classes))));
/** The predictions' race: the large batch's steps in it, and the noise window (steps). */
const RACE_STEPS = 100, NOISE_STEPS = 100;
const BIG = (len) => Math.min(256, len);
/** A measured time in words: "3.1 µs", "0.45 ms", "12 ms". */
const dur = (ms) => (ms < 0.1 ? `${Number((ms * 1000).toPrecision(2))} µs` : ms < 10 ? `${Number(ms.toPrecision(2))} ms` : `${Math.round(ms)} ms`);

export default {
  name: "sgd",
  effects: { batchSize: "reset", stepSize: "reset" },
  create(w) {
    const L = w.L, o = w.options;
    let clf = null, opt = null, gdClf = null, gd = null, last = null, stopped = "";
    let scatter = null, scatterAt = 0, cost = { step: 0, full: 0, fulls: 0, gd: 0, n: 0 };
    // the scatter is computed in the compute Worker (or in a turn of this thread's queue where
    // none runs): asked (a number per request: only the newest is drawn), one in flight at a time
    let scatterAsked = 0, scatterBusy = false;
    const scatterKey = jobKey("sgd-scatter");
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

    // Predict, then see: batch 1 against a large batch (256, or the whole set when smaller), the
    // same start W and step size. The answer is measured here: the noise from the full loss
    // after each of the first NOISE_STEPS steps of each; "the same time" from the step alone's
    // measured cost (as the steps-per-second readout measures it): in the time the large batch
    // takes for RACE_STEPS steps, batch 1 takes as many steps as fit.
    const bigText = () => { const n = w.dataset().len, b = BIG(n); return b === n ? `batch ${b} (all ${n} examples)` : `batch ${b}`; };
    const pNoisy = w.predict({
      id: "noisier",
      question: "Mini-batch steps with batch 1 and with a large batch (256 examples, or the whole data set when it is smaller), the same step size and start: whose mini-batch loss curve (the loss of each step's batch) will be noisier?",
      input: { kind: "choice", choices: [["1", "Batch 1"], ["big", "The large batch"], ["same", "Both about the same"]] },
      truth: async () => {
        const r = await race();
        // noise: how far the batch-loss curve climbed in all (the sum of its rises), first steps
        const [a, b] = [r.noise[1], r.noise[r.big]], tiny = 1e-3 * r.curves[1].ys[0];
        const value = a.climb > 2 * b.climb && a.climb > tiny ? "1" : b.climb > 2 * a.climb && b.climb > tiny ? "big" : "same";
        const said = (n) => (!Number.isFinite(n.climb) ? "blew up" : n.up ? `went up at ${n.up} steps, by ${fmt(n.climb)} in all` : "never went up");
        return { value, text: `${value === "1" ? "batch 1" : value === "big" ? bigText() : "about the same"}: over the first ${NOISE_STEPS} steps the batch loss ${said(a)} with batch 1, and ${said(b)} with ${bigText()}`, r };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: `you said ${{ 1: "batch 1", big: "the large batch", same: "about the same" }[g.value]}; the noisier is ${t.text}.` }),
      reason: (t) => `A batch's gradient is an estimate of the full gradient from the examples it holds: one example's gradient points wherever that example pulls (the scatter on the right shows it), and one example's loss differs from the next one's, so the batch loss jumps from step to step; ${t.r.big === w.dataset().len ? `a batch of all ${t.r.big} examples is the full gradient itself, with no scatter.` : `the average over ${t.r.big} examples scatters about √${t.r.big} ≈ ${fmt(Math.sqrt(t.r.big), 2)} times less.`}`,
      onChange: () => showRace(),
    });
    const pFast = w.predict({
      id: "same-time",
      question: "Given the same time, which will reach the lower loss: batch 1 or the large batch?",
      input: { kind: "choice", choices: [["1", "Batch 1: many cheap steps"], ["big", "The large batch: fewer, better steps"]] },
      truth: async () => {
        const r = await race();
        const [a, b] = [r.curves[1], r.curves[r.big]];
        const value = a.end < b.end ? "1" : "big";
        return { value, text: `${value === "1" ? "batch 1" : bigText()}: in ${dur(r.T)} of steps (${RACE_STEPS} steps of ${bigText()} at ${dur(r.per[r.big])} each), batch 1 takes ${a.steps} steps at ${dur(r.per[1])} each and ends at ${a.blew ? "a blow-up" : `loss ${fmt(a.end)}`}; ${bigText()} ends at ${b.blew ? "a blow-up" : fmt(b.end)}`, r };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: `you said ${g.value === "1" ? "batch 1" : "the large batch"}; the lower loss is reached by ${t.text}.` }),
      reason: (t) => {
        const ratio = t.r.per[t.r.big] / t.r.per[1];
        return ratio > 3
          ? `A step on batch 1 costs ${fmt(ratio, 2)} times less than one on ${bigText()} here, so in the same time it takes ${fmt(ratio, 2)} times as many steps; noisy as each is, on average they point downhill, which is why the lecture trains with mini-batches (and why SGD works at all on large data sets).`
          : `Here a step on batch 1 costs about as much as one on ${bigText()} (${dur(t.r.per[1])} against ${dur(t.r.per[t.r.big])}: on so few examples a step's work is mostly fixed costs), so batch 1 gets few extra steps or none, and each is noisier. Mini-batches pay off when the data set is large and a full gradient costs many times a small batch's.`;
      },
      onChange: () => showRace(),
    });
    const raceCanvas = w.canvas("Full loss against time (milliseconds of steps) for batch 1 and a large batch, from the same start", "chart");
    const raceText = el("p", { class: "readout" });
    const raceNote = el("p", { class: "readout", hidden: true }, "The race between batch 1 and the large batch is the answer to the predictions above: it shows once you have made them (or pressed Just show me).");
    let raced = null, racing = null; // the measured race for this build and step size, and one in progress

    /** The race (measured once per build and step size): see above. */
    function race() {
      const key = `${w.epoch}:${o.stepSize}`;
      if (raced?.key === key) return Promise.resolve(raced);
      if (racing?.key === key) return racing.run;
      const run = measureRace(key).then((r) => { raced = r; return r; }).finally(() => { if (racing?.run === run) racing = null; });
      racing = { key, run };
      return run;
    }

    async function measureRace(key) {
      const my = w.epoch, eta = o.stepSize, ds = w.dataset(), big = BIG(ds.len);
      const temps = [];
      const next = async () => { if (!(await w.turn(my))) throw new Error("the settings changed while the answer was measured: press Predict again"); };
      const make = (b) => {
        const c = new L.Classifier(ds, { loss: w.settings.loss, reg: w.settings.reg });
        temps.push(c);
        w.startWeights(c);
        const op = new L.Optimizer(c, { method: "sgd", stepSize: eta, batchSize: b, seed: w.settings.seed });
        temps.push(op);
        return { c, op };
      };
      try {
        const per = {}, noise = {}, curves = {};
        // the step alone's cost, timed in turns (batch 1, then the large batch, again and again, so
        // a busy moment of the machine falls on both): ≥ 25 ms of steps each, 50 steps a call
        const timing = [1, big].map((b) => ({ b, op: make(b).op, n: 0, ms: 0, done: false }));
        while (timing.some((t) => !t.done)) {
          for (const t of timing) {
            if (t.done) continue;
            const t0 = performance.now(), k = t.op.runSteps(50).length;
            t.ms += performance.now() - t0; t.n += k;
            t.done = k < 50 || t.ms >= 25 || t.n >= 20000;
          }
          await next();
        }
        for (const t of timing) per[t.b] = t.ms / Math.max(1, t.n);
        for (const b of [1, big]) { // the batch-loss curve (what the section draws in orange): its rises
          const { op } = make(b);
          const bl = op.runSteps(NOISE_STEPS);
          let up = 0, climb = bl.length < NOISE_STEPS ? Infinity : 0;
          for (let i = 1; i < bl.length; i++) if (bl[i] > bl[i - 1] + 1e-12 * Math.abs(bl[i - 1])) { up++; climb += bl[i] - bl[i - 1]; }
          noise[b] = { up, climb };
          await next();
        }
        const T = RACE_STEPS * per[big];
        for (const b of [1, big]) { // the race: the same time for both
          const steps = b === big ? RACE_STEPS : Math.max(1, Math.min(20000, Math.round(T / per[1])));
          const { c, op } = make(b);
          const xs = [0], ys = [c.loss()], chunk = Math.max(1, Math.ceil(steps / 50));
          let done = 0, blew = false;
          while (done < steps) {
            const k = Math.min(chunk, steps - done), got = op.runSteps(k).length;
            done += got;
            xs.push(done * per[b]); ys.push(c.loss());
            if (got < k) { blew = true; break; }
            if (done % (chunk * 10) === 0) await next();
          }
          curves[b] = { xs, ys, steps: done, end: blew ? Infinity : ys[ys.length - 1], blew };
        }
        return { key, big, per, noise, curves, T, eta };
      } finally {
        for (const t of temps.reverse()) w.free(t);
      }
    }

    /** The race's chart once both predictions are made; a note in its place before. */
    function showRace() {
      const hide = !pNoisy.revealed || !pFast.revealed;
      raceNote.hidden = !hide;
      raceCanvas.hidden = raceText.hidden = hide || !raced;
      if (hide) return;
      const show = (r) => {
        if (w.destroyed || r.key !== `${w.epoch}:${o.stepSize}`) return;
        raceCanvas.hidden = raceText.hidden = false;
        const a = r.curves[1], b = r.curves[r.big];
        const all = [...a.ys, ...b.ys].filter(Number.isFinite);
        lineChart(L, raceCanvas, {
          title: `Full loss against time: batch 1 and batch ${r.big}, step size ${fmt(r.eta)}`, xLabel: "milliseconds of steps (measured cost × steps)", yLabel: "full loss",
          xRange: [0, r.T * 1.02], yRange: [Math.min(...all, 0), Math.max(...all) * 1.05],
          series: [
            { xs: a.xs, ys: a.ys, color: PALETTE.orange, width: 2, label: `batch 1: ${a.steps} steps` },
            { xs: b.xs, ys: b.ys, color: PALETTE.blue, width: 3, label: `batch ${r.big}: ${b.steps} steps` },
          ],
        });
        raceText.textContent = `Measured on this page: a step (the batch gradient and the update) costs ${dur(r.per[1])} with batch 1 and ${dur(r.per[r.big])} with batch ${r.big}. In ${dur(r.T)} batch 1 took ${a.steps} steps and reached ${a.blew ? "a blow-up" : fmt(a.end)}; batch ${r.big} took ${b.steps} and reached ${b.blew ? "a blow-up" : fmt(b.end)}. Timings vary from run to run with the machine's load.`;
      };
      race().then(show, (e) => { if (!w.destroyed) w.error(e); });
    }

    w.root.append(
      el("h3", {}, "Mini-batch gradient descent"),
      el("div", { class: "controls" }, stepBtn, playBtn, resetBtn, w.control("batchSize"), w.control("stepSize"), speed.wrap),
      el("div", { class: "row" }, el("div", { class: "col" }, lossCanvas, readout, rateText, costText), el("div", { class: "col" }, scatterCanvas, scatterText)),
      ...(pNoisy.card ? [el("h3", {}, "Batch 1 against a large batch"), pNoisy.card, pFast.card, raceNote, raceCanvas, raceText] : []));

    function build() {
      raced = null;
      if (pNoisy.card) showRace();
      clf = w.classifier();
      gdClf = w.classifier(); // the same seed: the same start W
      return reset(); // the section is ready when its first scatter is drawn (a compute job)
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
      return newScatter();
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
      if (play.running && !scatterBusy && performance.now() - scatterAt > 600) newScatter();
      w.redraw();
      return true;
    }

    /** Ends a run: Play stops (with a scatter at the W it stopped on). */
    function stop() {
      if (play.running) newScatter();
      return false;
    }

    /**
     * A scatter at the W of the step now (drawn when it comes; a newer request supersedes it).
     * → a promise settled once it is drawn, dropped or refused (never rejected).
     */
    function newScatter() {
      const b = batch(), at = last ? last.iteration : 0, my = w.epoch, mine = opt, n = ++scatterAsked;
      const stale = () => w.stale(my) || opt !== mine || n !== scatterAsked;
      scatterAt = performance.now();
      scatterBusy = true;
      return computeScatter({ key: scatterKey, dataset: w.dataset(), clf, batch: b, count: scatterCount(b, w.dataset()), seed: w.settings.seed * 7919 + at, isStale: stale })
        .then((r) => {
          if (!r || stale()) return;
          scatter = { b, at, ...r };
          w.guard(drawScatter)(); // now, not a frame later: the section's ready waits for it
        }, (e) => { if (!stale()) w.error(e); })
        .finally(() => { if (n === scatterAsked) scatterBusy = false; });
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
      const measured = cost.n >= 5 && per > 0;
      rateText.textContent = measured ? `${Math.round(1000 / per)} steps per second (the step alone)` : "Steps per second: press Play to measure.";
      rateText.classList.toggle("hint", !measured); // before any measure, a hint in the text's own size
      costText.textContent = cost.n >= 5
        ? `Averaged over ${cost.n} steps: the step alone (the gradient on a batch of ${b} and the update) ${fmt(per, 2)} ms. Bookkeeping, not counted above: the full loss for the chart ${fmt(cost.full / Math.max(1, cost.fulls), 2)} ms each time it is computed (once per frame while playing, not after every step), and the full-batch GD comparison ${fmt(cost.gd / cost.n, 2)} ms a step.`
        : "";
      if (scatter) drawScatter();
    }

    function drawScatter() {
      const { norm, points, b, at } = scatter;
      const where = at ? `W after step ${at}` : "the start W";
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
        title: `${k} mini-batch gradients (batch ${b}) at ${where}`, xLabel: "along the full gradient", yLabel: "across (a random direction)",
        xRange: [-r, r], yRange: [-r, r],
        series: [{ xs, ys, color: PALETTE.orange, width: 3, dots: true, label: "mini-batch gradients" }],
        markers: [
          { x: 0, y: 0, color: "#777777", size: 4, filled: true, label: "zero" },
          { x: norm, y: 0, color: PALETTE.blue, size: 9, filled: true, label: "full gradient" },
          { x: meanX, y: meanY, color: PALETTE.black, size: 6, filled: false, label: "their average" },
        ],
      });
      scatterText.textContent = norm === 0 ? `The full gradient is zero at ${where}: W sits at a minimum of the loss${w.settings.loss === "svm" ? " (every margin is met)" : ""}, so there is nothing left to descend.` : `Each orange dot is the gradient of one random batch of ${b} at ${where}${play.running ? " (a new scatter every 0.6 s or so while it plays)" : ""}, drawn in the plane of the full gradient (blue, length ${fmt(norm)}) and a random direction at right angles. Their average × lies at (${fmt(meanX)}, ${fmt(meanY)}): on average a batch gradient points the same way as the full one; smaller batches scatter more.`;
    }

    const model = () => clf && { clf, where: `mini-batch gradient descent, after ${last ? last.iteration : 0} steps (batch ${batch()}, step size ${o.stepSize})` };
    return { build, draw, reset, exports: { records, model } };
  },
};
