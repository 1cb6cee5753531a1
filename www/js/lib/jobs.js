// The heavy jobs of the page, written once and run by either thread: by the compute Worker
// (worker.js, on its own wasm instance) or, where no Worker can start, on the page's main
// thread in pieces (compute.js). Each job gets live wasm objects and a `ctx`:
//   ctx.L        the lossland module of the thread the job runs on
//   ctx.budget   ms of work between pauses
//   ctx.pause()  resolves to false when the job must stop (a newer job of its widget came)
//   ctx.progress(partial)  optional: a partial result to show while the job goes on
// A job frees every wasm object it makes; it never frees what it is given.

/**
 * The size × size plane of `land` over [−span, span]², in pieces → { values, lo, hi, picture },
 * or null if stopped. With `colour`, and where the wasm has it, the values come from the
 * picture (f32 sums inside, for colour only: within 1e-3 of the range of the f64 plane), and
 * `lo`, `hi` are the f64 losses (`lossAt`) at its darkest and brightest grid points; else the
 * values are the f64 plane and `lo`, `hi` its least and greatest finite values. Every number
 * shown (the summary, the colour bar's ends) is f64 either way.
 *
 * A softmax picture comes a few examples at a time over the whole grid (`pictureStart`,
 * `pictureStep`): its pieces cost what one call for the whole grid costs. Pieces of rows set
 * every example up again for each piece (for a CSV at the caps, 16 pieces of 4 rows took 2–3×
 * one call); the SVM's rows and the f64 plane still come in pieces of rows.
 */
const unitCost = new WeakMap(); // Landscape → Map("size:kind" → ms per unit (a row, an example), last measured)

export async function plane(ctx, { land, span, size, colour = false }) {
  const rates = unitCost.get(land) ?? new Map();
  unitCost.set(land, rates);
  ctx.work = 0;
  let values = null, picture = false, flat = false;
  if (colour && typeof land.pictureStart === "function") {
    const id = land.pictureStart(span, size);
    if (id) {
      // the examples in pieces (the first, of one example, says how many there are); a run
      // another job replaced (-1) is a stopped job
      const left = land.pictureStep(id, 1);
      const done = left >= 0 && await inPieces(ctx, rates, `${size}:example`, left, 8, (k) => {
        const now = land.pictureStep(id, k);
        return now < 0 ? null : now;
      });
      if (!done) return null;
      values = land.pictureFinish(id) ?? null; // undefined: too flat for f32 sums
      picture = values !== null;
      flat = !picture;
    }
  }
  if (flat && !(await ctx.pause())) return null;
  if (!values) {
    // the SVM's picture (its f64 rows) and a wasm without picture runs: `picture` in pieces
    // of rows; a grid too flat for f32 sums: the f64 plane
    const pic = colour && !flat && typeof land.picture === "function";
    const rows = pic ? (a, b) => land.picture(span, size, a, b) : (a, b) => land.planeRows(span, size, a, b);
    values = new Float64Array(size * size);
    let r = 0;
    const done = await inPieces(ctx, rates, `${size}:row:${pic}`, size, 4, (k) => {
      const end = Math.min(size, r + k);
      values.set(rows(r, end), r * size);
      r = end;
      return size - r;
    });
    if (!done) return null;
    picture = pic;
  }
  return { values, ...extremes(land, values, span, size, picture), picture };
}

/**
 * Runs `step(k)` (k units of work; returns the units left, or null: stopped) over `total` units
 * in pieces of about `ctx.budget` ms, pausing between them; true when no unit is left. Pieces
 * are as large as the budget allows from the first one on: the ms per unit measured by the
 * previous job of this kind (a drag asks for the same grid again and again), else `first`
 * units. The rate counts the units a piece did, not the units asked: a grid's last piece is
 * often short (dividing by the units asked had made the next grid's first piece 10× too
 * large: tasks of 130 ms in a CSV drag).
 */
async function inPieces(ctx, rates, key, total, first, step) {
  const most = 2 ** 31; // a piece of more units than any job has
  let per = rates.has(key) ? Math.min(most, Math.max(1, Math.floor(ctx.budget / Math.max(1e-6, rates.get(key))))) : first;
  let before = total;
  while (before > 0) {
    const t0 = performance.now();
    const left = step(per);
    if (left === null) return false;
    const dt = performance.now() - t0;
    ctx.work += dt;
    ctx.pieces?.push(dt);
    // (a piece under the clock's 0.1 ms grain counts as 0.1 ms: never a rate of 0)
    if (!(left < before)) throw new Error(`${key}: a piece did no work (${before} units left)`);
    rates.set(key, Math.max(0.1, dt) / (before - left));
    before = left;
    if (left <= 0) break;
    per = Math.min(most, Math.max(1, Math.floor(ctx.budget / rates.get(key))));
    if (!(await ctx.pause())) return false;
  }
  return true;
}

/**
 * { lo, hi } of a grid: its least and greatest finite values; for a picture (f32 sums, colour
 * only), the f64 losses (`lossAt`) at its darkest and brightest points.
 */
function extremes(land, values, span, size, picture) {
  let lo = Infinity, hi = -Infinity, iLo = -1, iHi = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) { lo = v; iLo = i; }
    if (v > hi) { hi = v; iHi = i; }
  }
  if (picture && iLo >= 0) {
    // the grid's coordinates as the core's axis(): −span + 2·span·k/(size − 1)
    const at = (k) => (size === 1 ? 0 : -span + (2 * span * k) / (size - 1));
    const exact = (i) => land.lossAt(at(i % size), at(Math.floor(i / size))); // column ↔ a, row ↔ b
    lo = exact(iLo);
    hi = exact(iHi);
  }
  return { lo, hi };
}

/**
 * The scoreboard's runs: for each of `methods` ({ method, seed, stepSize | scale }) an Optimizer
 * on a fresh classifier from `newClassifier()` (all at the same start W), stepped in turn until
 * each has spent `total` loss evaluations or blew up. Each run's curve keeps its first
 * `keep` points and its last. → [{ xs, ys, loss, acc, evals, stuck }] (xs, ys Float64Array),
 * or null if stopped.
 */
export async function runs(ctx, { newClassifier, methods, total, keep = 3000 }) {
  const made = [];
  try {
    const rs = methods.map((m) => {
      const c = newClassifier();
      made.push(c);
      const { method, ...opts } = m;
      const o = new ctx.L.Optimizer(c, { method, ...opts });
      made.push(o);
      const loss = c.loss();
      return { o, xs: [0], ys: [loss], loss, acc: c.accuracy(), evals: 0, stuck: false };
    });
    const active = (r) => r.evals < total && !r.stuck;
    const snapshot = () => rs.map((r) => ({ xs: Float64Array.from(r.xs), ys: Float64Array.from(r.ys), loss: r.loss, acc: r.acc, evals: r.evals, stuck: r.stuck }));
    let t0 = performance.now();
    while (rs.some(active)) {
      for (const r of rs) {
        if (!active(r)) continue;
        const rec = r.o.step();
        if (rec.diverged) { r.stuck = true; continue; }
        r.evals = rec.evaluations;
        r.loss = rec.loss;
        r.acc = rec.accuracy;
        if (r.xs.length < keep || r.evals >= total) { r.xs.push(r.evals); r.ys.push(rec.loss); }
      }
      if (performance.now() - t0 > ctx.budget && rs.some(active)) {
        ctx.progress?.(snapshot);
        if (!(await ctx.pause())) return null;
        t0 = performance.now();
      }
    }
    return snapshot();
  } finally {
    for (const obj of made.reverse()) obj.free();
  }
}

/**
 * A fresh classifier on `dataset` (a live Dataset of `L`) with loss settings `options` at W, for
 * a job's `newClassifier` on either thread (the job frees it; one whose W is refused is freed here).
 */
export function classifierAt(L, dataset, options, W) {
  const c = new L.Classifier(dataset, options);
  try {
    c.setWeights(W);
  } catch (e) {
    c.free();
    throw e;
  }
  return c;
}

/**
 * The SGD section's scatter: `batchGradientScatter(batch, count, seed)` on a fresh classifier at
 * the asked W (`newClassifier()`, freed here). One call: its count is sized (sgd.js) to stay
 * ~20–30 ms of work. → { norm, points }.
 */
export async function scatter(_ctx, { newClassifier, batch, count, seed }) {
  const c = newClassifier();
  try {
    return c.batchGradientScatter(batch, count, seed);
  } finally {
    c.free();
  }
}

/**
 * `gradCheck(check)` of a fresh classifier at the asked W (`newClassifier()`, freed here; the
 * widget's own may change meanwhile) in pieces of coordinates → its result, or null if stopped:
 * a GradientStepper over every entry of W (`steps`, ~`ctx.budget` ms a piece), then its `check`,
 * the same numbers bit for bit as the one call (tests/gradcheck.rs). On a CSV at the caps the one
 * call took 130–180 ms on the page's thread with the other core busy. A wasm without
 * `GradientStepper.steps` gets the one call.
 */
export async function gradCheck(ctx, { newClassifier, check }) {
  const clf = newClassifier();
  let st = null;
  try {
    if (typeof ctx.L?.GradientStepper?.prototype?.steps !== "function") return clf.gradCheck(check);
    const { formula, ...rest } = check ?? {};
    // gradCheck's centered difference by default (the stepper's default is forward; h's is 1e-5 in both)
    st = new ctx.L.GradientStepper(clf, { centered: true, ...rest });
    ctx.work = 0;
    // a first piece of 16 coordinates, then as many as the budget allows at the rate measured
    if (!(await inPieces(ctx, new Map(), "coordinate", st.length, 16, (k) => st.steps(k)))) return null;
    return st.check(formula === undefined ? {} : { formula });
  } finally {
    st?.free();
    clf.free();
  }
}

/**
 * Parses a CSV file's text (csvdata.js) in pieces and standardises its features if asked.
 * → the parsed data set ({ features, labels, dims, classes, n, header, classNames }), or null.
 */
export async function parseCsv(ctx, { text, standardize: std }) {
  const { parseCsvInPieces, standardize } = await import("./csvdata.js"); // on first use only
  let parsed;
  try {
    parsed = await parseCsvInPieces(text, async () => {
      if (!(await ctx.pause())) throw STOP;
    }, { budget: ctx.budget });
  } catch (e) {
    if (e === STOP) return null;
    throw e;
  }
  if (std) standardize(parsed.features, parsed.dims);
  return parsed;
}

const STOP = Symbol("stopped");

/** The typed arrays' buffers in a job's result (to transfer them rather than copy). */
export function transferables(value, out = []) {
  if (ArrayBuffer.isView(value)) {
    if (!out.includes(value.buffer)) out.push(value.buffer);
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, out);
  } else if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) transferables(v, out);
  }
  return out;
}
