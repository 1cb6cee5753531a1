// Axes for the optimisation sections' curves: loss ranges from 0, a log scale once a run blows
// up, and a step range that follows a bounded history.

/** A y range [0, top] for loss curves (losses are ≥ 0); [0, 1] when every value is 0. */
export function lossRange(...lists) {
  let m = 0;
  for (const ys of lists) for (const v of ys) if (Number.isFinite(v)) m = Math.max(m, v);
  return [0, m > 0 ? Math.min(m * 1.08, 1e300) : 1];
}

/**
 * The y axis for loss curves: linear from 0, or logarithmic once a loss has grown past
 * 20× the first one (a blow-up would otherwise flatten everything else).
 */
export function lossAxis(...lists) {
  const first = lists.find((ys) => ys.length)?.[0];
  let m = 0;
  for (const ys of lists) for (const v of ys) if (Number.isFinite(v)) m = Math.max(m, v);
  return first > 0 && m > 20 * first ? { logY: true, note: " (log scale)" } : { logY: false, yRange: lossRange(...lists), note: "" };
}

/** An x range that covers a bounded history: from its first x to at least `min` beyond it. */
export function stepRange(h, min = 10) {
  const x0 = h.length ? h.xs[0] : 0;
  const x1 = h.length ? h.xs[h.length - 1] : 0;
  return [x0, Math.max(x0 + min, x1)];
}
