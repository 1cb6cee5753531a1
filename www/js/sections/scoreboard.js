// Section 8, the scoreboard: random search, random local search and gradient descent with
// the same budget of loss evaluations, from the same seed, run in the compute Worker (or in
// pieces of about 8 ms, one per turn of the page's queue), the table and chart redrawn at most
// once per frame.
import { el, button } from "../lib/ui.js";
import { lineChart, PALETTE } from "../lib/canvas.js";
import { fmt, pct, datasetName } from "../lib/format.js";
import { tuning } from "../lib/options.js";
import { rankInput } from "../lib/predict.js";
import { runs as computeRuns, jobKey } from "../lib/compute.js";

/** Two final losses equal to rounding: they share a place in the ranking. */
const tie = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const METHODS = [
  { key: "random-search", name: "Random search", color: PALETTE.orange, lecture: "15.5%" },
  { key: "random-local-search", name: "Random local search", color: PALETTE.pink, lecture: "21.4%" },
  { key: "gd", name: "Gradient descent", color: PALETTE.blue, lecture: "" },
];

export default {
  name: "scoreboard",
  // a new budget is spent when Run is pressed: choosing it starts no run (no hook named "none")
  effects: { budget: "none" },
  create(w) {
    const o = w.options;
    let shown = null; // { runs, total } of the latest run, for draw()
    const key = jobKey("scoreboard"); // a new run supersedes the one in progress

    const canvas = w.canvas("Loss against loss evaluations for the three strategies", "chart tall");
    const tbody = el("tbody");
    const table = el("table", { class: "score" },
      el("caption", { class: "sr-only" }, "Final loss and accuracy of each strategy for the same budget"),
      el("thead", {}, el("tr", {}, ...["Method", "Hyper\u00adparameter", "Final loss", "Accuracy", "Loss evalu\u00adations"].map((h) => el("th", { scope: "col" }, h)))),
      tbody); // (soft hyphens: on a phone the long headers break, and the five columns fit)
    const note = el("p", { class: "readout" });
    const runBtn = button("Run", () => w.rebuild()); // a new build is a new run; the old one stops

    // Predict, then see: rank the strategies by final loss; the chart, the table and the note are
    // the answer, hidden while the prediction asks (the runs go on meanwhile)
    let current = null; // the latest run (a promise)
    const finished = () => shown && shown.runs.every((r) => r.evals >= shown.total || r.stuck);
    const pRank = w.predict({
      id: "rank",
      question: "With the same budget of loss evaluations, rank the three strategies by their final loss, lowest first.",
      input: rankInput({ items: METHODS.map((m) => [m.key, m.name]) }),
      truth: async () => {
        for (let p = current; ; p = current) { await p; if (p === current) break; }
        if (!finished()) throw new Error("the run did not finish: press Run, then Predict again");
        const order = [...shown.runs].sort((a, b) => a.loss - b.loss);
        const losses = Object.fromEntries(order.map((r) => [r.m.key, r.loss]));
        const scores = Object.fromEntries(order.map((r) => [r.m.key, order.findIndex((q) => tie(q.loss, r.loss))]));
        // equal final losses share a place: either order of them is right
        const place = (r) => 1 + order.findIndex((q) => tie(q.loss, r.loss));
        return { value: order.map((r) => r.m.key), losses, scores, text: order.map((r) => `${place(r)}. ${r.m.name} (${fmt(r.loss)})`).join("; ") + ` after ${shown.total} evaluations each` };
      },
      judge: (g, t) => {
        const same = g.value.filter((v, i) => tie(t.losses[v], t.losses[t.value[i]])).length;
        return { right: same === t.value.length, line: `${same} of ${t.value.length} places right. By final loss: ${t.text}.` };
      },
      reason: (t) => {
        const l = t.losses, usual = l.gd <= l["random-local-search"] && l["random-local-search"] <= l["random-search"];
        const tied = METHODS.filter((m) => METHODS.some((q) => q !== m && tie(l[q.key], l[m.key])));
        const tieText = tied.length ? ` ${tied.map((m, i) => (i ? m.name.toLowerCase() : m.name)).join(" and ")} tie at ${fmt(l[tied[0].key])}${l[tied[0].key] === 0 && w.settings.loss === "svm" ? ": every margin is met, and the SVM loss can go no lower" : ""}.` : "";
        return `Random search never uses what it has seen; random local search keeps a try that went downhill but learns only its sign; gradient descent computes the direction of steepest descent itself, for about the price of one evaluation a step.${usual ? " So with the same budget it ends lowest (or level), as in the lecture." : " Here the order differs from the lecture's (gradient descent, then local search, then random search): a ranking depends on each method's hyperparameter (the table's second column) and on the budget; the chart shows where each one slowed down."}${tieText}`;
      },
      onChange: () => w.redraw(),
    });
    const hiddenNote = el("p", { class: "readout", hidden: true }, "The chart, the table and the comparison are the answer to the prediction above: they show once you have made it (or pressed Just show me). The runs go on meanwhile.");

    w.root.append(el("h3", {}, "Same budget, three strategies"), el("div", { class: "controls" }, runBtn, w.control("budget")), pRank.card, hiddenNote, canvas, table, note);

    function draw() {
      const hide = !pRank.revealed;
      canvas.hidden = table.hidden = note.hidden = hide;
      hiddenNote.hidden = !hide;
      if (!shown || hide) return;
      const { runs, total } = shown;
      tbody.replaceChildren(...runs.map((r) => el("tr", {},
        el("th", { scope: "row" }, r.m.name),
        el("td", {}, r.param),
        el("td", {}, fmt(r.loss)),
        el("td", {}, pct(r.acc)),
        el("td", {}, String(r.evals)))));
      lineChart(w.L, canvas, {
        title: `${datasetName(w.dataset())}, ${w.settings.loss.toUpperCase()}: loss for the same budget`, xLabel: "loss evaluations", yLabel: "loss",
        xRange: [0, total * 1.03],
        series: runs.map((r) => ({ xs: r.xs, ys: r.ys, color: r.m.color, width: 3, label: r.m.name })),
      });
    }

    async function run() {
      const my = w.epoch;
      const total = o.budget;
      const t = tuning(w.settings.dataset);
      const seed = w.settings.seed;
      try {
        const c = w.classifier(); // the start W: the same seed, the same start for all three
        const loss = c.loss(), acc = c.accuracy();
        const runs = METHODS.map((m) => {
          const opts = m.key === "random-search" ? { scale: t.rsScale } : { stepSize: m.key === "gd" ? t.gdStep : t.lsStep };
          const param = m.key === "random-search" ? `scale ${fmt(t.rsScale)}` : `step size ${fmt(opts.stepSize)}`;
          return { m, opts, param, xs: [0], ys: [loss], loss, acc, evals: 0, stuck: false };
        });
        shown = { runs, total };
        w.redraw(); // the start of each curve now; the runs go on in the Worker
        runBtn.disabled = true;
        w.say(`Running ${total} evaluations for each method…`);
        const classes = w.dataset().classes; // say it now: the last run's comparison is gone
        note.textContent = `Chance here is 1/${classes} = ${pct(1 / classes)}. The comparison follows when all three methods have spent the budget.`;
        // each run is its own optimizer: how their steps interleave changes no number. The runs
        // go on in the compute Worker (compute.js), or in pieces of ~8 ms on this thread.
        const show = (res) => res.forEach((r, i) => Object.assign(runs[i], r, { xs: Array.from(r.xs), ys: Array.from(r.ys) }));
        const res = await computeRuns({
          key, dataset: w.dataset(), clf: c, total,
          methods: runs.map((r) => ({ method: r.m.key, seed, ...r.opts })),
          isStale: () => w.stale(my),
          onProgress: (partial) => { if (!w.stale(my)) { show(partial); w.redraw(); } },
        });
        if (!res || w.stale(my)) return;
        show(res);
        draw();
        w.say(`Done: ${total} loss evaluations each.${runs.some((r) => r.stuck) ? " Gradient descent blew up (step size too large) and stopped early." : ""}`);
        note.textContent = `Chance here is 1/${classes} = ${pct(1 / classes)}. On CIFAR-10 (chance 10%) the course notes report 15.5% for random search and 21.4% for random local search. Here random search reaches ${pct(runs[0].acc)}, random local search ${pct(runs[1].acc)} and gradient descent ${pct(runs[2].acc)}. Counting: one evaluation per try; a gradient step counts as one (its forward and backward pass costs a small multiple of one loss).${disagreement(runs)}`;
      } catch (e) {
        if (!w.stale(my)) w.error(e);
      } finally {
        if (!w.stale(my)) runBtn.disabled = false;
      }
    }

    /**
     * When the ranking by accuracy disagrees with the ranking by loss (a pair where the method
     * with the lower loss has the lower accuracy), why: the two measure different things.
     */
    function disagreement(runs) {
      const pairs = [];
      for (const a of runs) for (const b of runs) if (a.loss < b.loss && a.acc < b.acc) pairs.push([a, b]);
      if (!pairs.length) return "";
      const [a, b] = pairs.sort((p, q) => (q[1].acc - q[0].acc) - (p[1].acc - p[0].acc))[0];
      const sep = w.settings.dataset === "spiral"
        ? " The spiral is not linearly separable: no straight boundaries can follow its three arms, so every W gets many points wrong, and the W with the lowest loss (which weighs every point's margins or probabilities) need not be the W that gets the most points right."
        : "";
      return ` Note: ${a.m.name.toLowerCase()} has a lower loss than ${b.m.name.toLowerCase()} (${fmt(a.loss)} against ${fmt(b.loss)}) but a lower accuracy (${pct(a.acc)} against ${pct(b.acc)}). Loss is what every method here optimises; accuracy is a different measure, the fraction of examples whose highest score is their label, a step function of W that has no useful gradient, so a lower loss need not mean more correct answers.${sep}`;
    }

    // the page's "ready" does not wait for a run (it goes on in pieces after the load)
    return { build: () => { current = run(); }, draw };
  },
};
