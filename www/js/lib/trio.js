// Gradient descent's three step sizes from the same start (section 6): the runs, cut into turns
// of the page's queue, and what each curve shows, read off the curve itself (a curve that rises
// at any step overshoots, whatever it ends at).
import { timeSlicer } from "./ui.js";
import { fmt } from "./format.js";

export const TRIO_STEPS = 60;
/** A run whose loss ends above this many times its start (or overflows) has blown up. */
const BLOWUP = 100;

/** Every step whose loss is above the one before: [{ step, from, to }]. */
export function rises(ys) {
  const out = [];
  for (let j = 1; j < ys.length; j++) if (ys[j] > ys[j - 1] + 1e-12 * Math.max(1, Math.abs(ys[j - 1]))) out.push({ step: j, from: ys[j - 1], to: ys[j] });
  return out;
}

/**
 * What a run ({ ys, blew }) shows: "blows up" (the loss overflowed, or ended above 100× its
 * start), "overshoots" (it rose at some step), "crawls" (it never rose, and fell less than half
 * as far as the best run that never rose) or "good".
 */
export function classify(r, runs) {
  const a = r.ys[0], b = r.ys[r.ys.length - 1], up = rises(r.ys);
  if (r.blew || b > BLOWUP * a) return { kind: "blows up", a, b, up };
  if (up.length) return { kind: "overshoots", a, b, up };
  const calm = runs.filter((q) => !q.blew && !rises(q.ys).length);
  const best = Math.max(...calm.map((q) => q.ys[0] - q.ys[q.ys.length - 1]));
  return { kind: a - b < 0.5 * best ? "crawls" : "good", a, b, up, share: best > 0 ? (a - b) / best : 1 };
}

/** One sentence per run, with the steps at which it rose and by how much. */
export function verdict(r, runs) {
  const c = classify(r, runs), head = `Step size ${fmt(r.eta)}:`, n = r.ys.length - 1;
  const steps = c.up.slice(0, 5).map((u) => u.step).join(", ") + (c.up.length > 5 ? ", …" : "");
  const worst = c.up.reduce((m, u) => (u.to - u.from > m.to - m.from ? u : m), c.up[0] ?? { from: 0, to: 0 });
  if (c.kind === "blows up") {
    return `${head} too large, the loss blows up: it rose at ${c.up.length} of ${n} steps, from ${fmt(c.a)} to ${fmt(Math.max(...r.ys))}${r.blew ? `, and at step ${r.blew} it became too large to compute (W was kept at its last finite value)` : ""}.`;
  }
  if (c.kind === "overshoots") {
    return `${head} too large, it overshoots: the loss rose at step${c.up.length > 1 ? "s" : ""} ${steps} (${c.up.length} of ${n}), by up to ${fmt(worst.to - worst.from)} (step ${worst.step}: ${fmt(worst.from)} → ${fmt(worst.to)}); it ends at ${fmt(c.b)}.`;
  }
  if (c.kind === "crawls") return `${head} too small, it crawls: ${fmt(c.a)} → ${fmt(c.b)} in ${n} steps, ${Math.round(100 * c.share)}% of the drop of the best step size.`;
  return `${head} good: ${fmt(c.a)} → ${fmt(c.b)} in ${n} steps, never rising.`;
}

/**
 * Why a large step that overshoots does not blow up with reg = 0, and how reg makes it blow up
 * (said only when that is what the curves show).
 */
export function whyNoBlowUp(runs, { reg, loss }) {
  const big = runs[runs.length - 1], c = classify(big, runs);
  if (reg !== 0 || c.kind !== "overshoots") return "";
  const g = loss === "svm" ? "(0 or 1)·x_i per hinge" : "(p_j − 1(j = y_i))·x_i";
  const sep = c.b < 1e-3 * c.a ? ` After overshooting, W points far along a direction that separates these points (they are linearly separable), so the loss falls to ${fmt(c.b)}.` : "";
  return ` Why no blow-up here: with reg = 0 the gradient is an average of terms ${g}, never larger than the largest |x_i|, so a step moves W by a bounded amount and the loss can rise but not explode.${sep} Raise reg in the settings bar: reg·ΣW² adds 2·reg·W to the gradient, a step multiplies W by (1 − 2·stepSize·reg), and once stepSize > 1/reg that factor is larger than 1 in size and the loss blows up.`;
}

/**
 * Runs gradient descent for TRIO_STEPS steps with each step size in `etas` from the same start
 * (a classifier of its own per run, W from `seed` and `scale`; temporaries, freed here). Work is
 * cut into pieces of ~4 ms, turns of ~8 ms; `onPiece(runs)` is called between turns, and the run
 * stops (returning null) once `stale()`. Returns [{ eta, xs, ys, blew }].
 */
export async function runTrio(L, { dataset, loss, reg, seed, scale, etas, stale, onPiece }) {
  const runs = [];
  try {
    for (const eta of etas) {
      const r = { eta, c: new L.Classifier(dataset, { loss, reg }), xs: [0], blew: 0, done: 0 };
      runs.push(r);
      r.c.randomize(seed, scale);
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
          onPiece?.(runs);
          await slicer.next();
          if (stale?.()) return null;
        }
      }
    }
    return runs.map(({ eta, xs, ys, blew }) => ({ eta, xs, ys, blew }));
  } finally {
    for (const r of runs) { r.o?.free(); r.c.free(); }
  }
}
