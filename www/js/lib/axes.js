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

/**
 * A linear y axis for curves that start near each other when one of them may blow up: from 0 to
 * `k` × the largest start (or the largest value, if lower), so the curves that stay readable keep
 * the chart. `clip(ys)` returns the values clamped to the top and the indices where a curve goes
 * off the top (each run of clipped points, once), for a "↑" marker.
 */
export function clippedLossAxis(lists, k = 2) {
  let m = 0, start = 0;
  for (const ys of lists) {
    if (ys.length && Number.isFinite(ys[0])) start = Math.max(start, ys[0]);
    for (const v of ys) if (Number.isFinite(v)) m = Math.max(m, v);
  }
  const cap = k * start;
  const clipped = start > 0 && m > cap;
  const top = clipped ? cap : m > 0 ? m * 1.08 : 1;
  return {
    yRange: [0, top],
    clipped,
    note: clipped ? `; clipped at ${k}× the start loss, ↑ = off the top` : "",
    clip(ys) {
      const out = [], off = [];
      ys.forEach((v, i) => {
        const over = !(v <= top);
        if (over && (i === 0 || ys[i - 1] <= top)) off.push(i);
        out.push(over ? top : v);
      });
      return { ys: out, off };
    },
  };
}

/**
 * Markers that fall on the same x (two curves going off the top at the same step) set side by
 * side, `dx` apart in data units, so each one shows (drawn at one point, only the last one's
 * colour would): the first at its x, the next ones to the right, or to the left where that would
 * pass `xMax`. The others are returned as they are; a new array, the markers are not changed.
 */
export function sideBySide(markers, dx, xMax = Infinity) {
  const seen = new Map(); // x → markers already there
  return markers.map((m) => {
    const k = seen.get(m.x) ?? 0;
    seen.set(m.x, k + 1);
    if (k === 0) return m;
    const right = m.x + k * dx;
    return { ...m, x: right <= xMax ? right : m.x - k * dx };
  });
}

/**
 * A y axis for a noisy curve (mini-batch losses) beside steady ones (full losses): logarithmic
 * when a loss blows up (see lossAxis); else linear from 0 to the larger of the steady curves' top
 * and the noisy curve's `q` quantile, so a few spikes (a batch of 1 that happens to be far off)
 * do not squash the rest. `clip(ys)` clamps a curve to the top and gives where it went off it.
 */
export function robustLossAxis(noisy, steady, q = 0.9) {
  const ax = lossAxis(noisy, ...steady);
  if (ax.logY) return { ...ax, clipped: false, clip: (ys) => ({ ys, off: [] }) };
  const finite = noisy.filter(Number.isFinite).sort((a, b) => a - b);
  let top = finite.length ? finite[Math.min(finite.length - 1, Math.floor(q * (finite.length - 1)))] : 0;
  for (const ys of steady) for (const v of ys) if (Number.isFinite(v)) top = Math.max(top, v);
  top = top > 0 ? top * 1.08 : 1;
  const clipped = finite.length > 0 && finite[finite.length - 1] > top;
  return {
    logY: false,
    yRange: [0, top],
    clipped,
    note: clipped ? " · spikes clipped (↑)" : "",
    quantile: q,
    clip(ys) {
      const out = [], off = [];
      ys.forEach((v, i) => {
        const over = v > top;
        if (over && !(ys[i - 1] > top)) off.push(i);
        out.push(over ? top : v);
      });
      return { ys: out, off };
    },
  };
}
