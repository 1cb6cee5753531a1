// Section 8, the scoreboard: random search, random local search and gradient descent with
// the same budget of loss evaluations, from the same seed, run in pieces of about 8 ms (one
// per turn of the page's queue), the table and chart redrawn at most once per frame.
import { el, button, select, showError, clearError, timeSlicer } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct, datasetName } from "../lib/format.js";
import { tuning, frameDrawer } from "../lib/optkit.js";

const METHODS = [
  { key: "random-search", name: "Random search", color: PALETTE.orange, lecture: "15.5%" },
  { key: "random-local-search", name: "Random local search", color: PALETTE.pink, lecture: "21.4%" },
  { key: "gd", name: "Gradient descent", color: PALETTE.blue, lecture: "" },
];

export function mount(host, ctx) {
  const L = ctx.L;
  let gen = 0;

  const canvas = el("canvas", { class: "chart tall", role: "img", "aria-label": "Loss against loss evaluations for the three strategies" });
  const tbody = el("tbody");
  const table = el("table", { class: "score" },
    el("caption", { class: "sr-only" }, "Final loss and accuracy of each strategy for the same budget"),
    el("thead", {}, el("tr", {}, ...["Method", "Hyperparameter", "Final loss", "Accuracy", "Loss evaluations"].map((h) => el("th", { scope: "col" }, h)))),
    tbody);
  const note = el("p", { class: "readout" });
  const status = el("p", { class: "status", "aria-live": "polite" });
  const budget = select({ label: "Budget of loss evaluations", options: [["200", "200"], ["1000", "1000"], ["3000", "3000"], ["10000", "10000"]], value: "1000" });
  const runBtn = button("Run", () => run());

  host.append(
    el("h3", {}, "Same budget, three strategies"),
    el("div", { class: "controls" }, runBtn, budget.wrap),
    canvas,
    table,
    note,
    status,
  );

  function rows(runs) {
    tbody.replaceChildren(...runs.map((r) => el("tr", {},
      el("th", { scope: "row" }, r.m.name),
      el("td", {}, r.param),
      el("td", {}, fmt(r.loss)),
      el("td", {}, pct(r.acc)),
      el("td", {}, String(r.evals)))));
  }

  function draw(runs, total) {
    lineChart(L, canvas, {
      title: `${datasetName(ctx.dataset())}, ${ctx.settings.loss.toUpperCase()}: loss for the same budget`, xLabel: "loss evaluations", yLabel: "loss",
      xRange: [0, total * 1.03],
      series: runs.map((r) => ({ xs: r.xs, ys: r.ys, color: r.m.color, width: 3, label: r.m.name })),
    });
  }

  async function run() {
    const my = ++gen;
    const total = Number(budget.value);
    const t = tuning(ctx.settings.dataset);
    const seed = ctx.settings.seed;
    const runs = METHODS.map((m) => {
      const c = ctx.classifier(); // the same seed: the same start W for all three
      const opts = m.key === "random-search" ? { scale: t.rsScale } : { stepSize: m.key === "gd" ? t.gdStep : t.lsStep };
      const param = m.key === "random-search" ? `scale ${fmt(t.rsScale)}` : `step size ${fmt(opts.stepSize)}`;
      const o = new L.Optimizer(c, { method: m.key, seed, ...opts });
      return { m, c, o, param, xs: [0], ys: [c.loss()], loss: c.loss(), acc: c.accuracy(), evals: 0, stuck: false };
    });
    try {
      clearError(status);
      runBtn.disabled = true;
      status.textContent = `Running ${total} evaluations for each method…`;
      const classes = ctx.dataset().classes; // say it now: the last run's comparison is gone
      note.textContent = `Chance here is 1/${classes} = ${pct(1 / classes)}. The comparison follows when all three methods have spent the budget.`;
      // each run is its own optimizer: how their steps interleave changes no number
      const slicer = timeSlicer(8);
      const request = frameDrawer(() => { if (my === gen) { rows(runs); draw(runs, total); } });
      const active = (r) => r.evals < total && !r.stuck;
      while (runs.some(active)) {
        for (const r of runs) {
          if (!active(r)) continue;
          const rec = r.o.step();
          if (rec.diverged) { r.stuck = true; continue; }
          r.evals = rec.evaluations;
          r.loss = rec.loss;
          r.acc = rec.accuracy;
          if (r.xs.length < 3000 || r.evals >= total) { r.xs.push(r.evals); r.ys.push(rec.loss); }
        }
        if (slicer.due && runs.some(active)) {
          request();
          await slicer.next();
          if (my !== gen) return;
        }
      }
      rows(runs);
      draw(runs, total);
      const C = ctx.dataset().classes;
      status.textContent = `Done: ${total} loss evaluations each.${runs.some((r) => r.stuck) ? " Gradient descent blew up (step size too large) and stopped early." : ""}`;
      note.textContent = `Chance here is 1/${C} = ${pct(1 / C)}. On CIFAR-10 (chance 10%) the course notes report 15.5% for random search and 21.4% for random local search. Here random search reaches ${pct(runs[0].acc)}, random local search ${pct(runs[1].acc)} and gradient descent ${pct(runs[2].acc)}. Counting: one evaluation per try; a gradient step counts as one (its forward and backward pass costs a small multiple of one loss).`;
    } catch (e) {
      showError(status, e);
    } finally {
      for (const r of runs) { r.o.free(); r.c.free(); }
      if (my === gen) runBtn.disabled = false;
    }
  }

  ctx.onChange(() => run());
  ctx.onDestroy?.(() => { gen += 1; }); // a run in progress frees its objects when it sees this
  run();
  return { ready: Promise.resolve() };
}
