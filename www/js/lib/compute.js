// The one home of the compute Worker (www/js/worker.js): the page's heavy jobs (a landscape
// plane, the scoreboard's runs, a gradient check, parsing a CSV) go through here. On first use
// it starts a module Worker with its own wasm instance (the page's compiled WebAssembly.Module
// is posted to it: the wasm is compiled once), sends each job what it needs (the data set by
// name, an uploaded one by its arrays once and by id afterwards; W; the job's arguments) and
// returns the result, typed arrays transferred. A newer job of the same widget (its key)
// supersedes an older one: the worker stops the older at its next pause and a result that
// comes back stale is dropped. The page stays the one owner of each widget's state.
//
// Where no Worker can start (no Worker at all, a refused script, a CSP without worker-src for
// blob:, …) the same jobs (jobs.js) run on the main thread in pieces of ~8 ms, each in a turn
// of the page's queue, and the reason is recorded: computeWhere(), <html data-compute> on
// lossland's own pages, and a console.info line.
import { loadLossland, wasmModule, workerScript } from "./wasm.js";
import { nextFreeTurn, holdTurns } from "./ui.js";
import * as jobs from "./jobs.js";

const START_TIMEOUT_MS = 10000;
const MAIN_BUDGET_MS = 8;

let where = "pending"; // "worker" | "main: <why>"
let starting = null; // Promise<Worker | null>
let worker = null;
let nextJob = 1;
const pending = new Map(); // job id → { resolve, reject, onProgress, key, gen }
const gens = new Map(); // widget key → newest gen
// jobs run on each thread, by kind and by the widget that asked (its key's name)
// (quick: the grids of a moving slider, computed on the main thread: quickPlane)
// (trips: ms from the Worker's postMessage of a result to the page's handling of it, the last 200)
const stats = { worker: { plane: 0, runs: 0, gradCheck: 0, scatter: 0, parseCsv: 0 }, main: { plane: 0, runs: 0, gradCheck: 0, scatter: 0, parseCsv: 0 }, widgets: {}, quick: { count: 0, longestMs: 0 }, trips: [] };
function count(thread, kind, key) {
  stats[thread][kind]++;
  const name = key.split("#")[0];
  stats.widgets[name] ??= { worker: 0, main: 0 };
  stats.widgets[name][thread]++;
}
const names = new WeakMap(); // Dataset → its name ("digits", …): the worker makes its own
const ids = new WeakMap(); // Dataset → id of the worker's copy (uploaded data)
const landIds = new WeakMap(); // Landscape → id
let nextId = 1;
let keys = 0;

/** Where the heavy jobs run: "worker", "main: <why>", or "pending" before the first job. */
export function computeWhere() {
  return where;
}

/** How many jobs of each kind ran on each thread (the browser tests read it). */
export function computeStats() {
  return JSON.parse(JSON.stringify(stats));
}

/** A key for one widget's jobs: a newer job with the same key supersedes the older. */
export function jobKey(name) {
  return `${name}#${++keys}`;
}

/** Says that `dataset` is the page's built-in data set `name` (the worker builds its own). */
export function nameDataset(dataset, name) {
  names.set(dataset, name);
}

/** Says that the worker already holds `dataset` as its upload `id` (from parseCsv). */
export function adoptDataset(dataset, id) {
  if (id != null) ids.set(dataset, id);
}

/** Starts the worker at once (it is otherwise started by the first job). Resolves to computeWhere(). */
export async function startCompute() {
  await ready();
  return where;
}

function record(how) {
  where = how;
  const root = typeof document !== "undefined" ? document.documentElement : null;
  // lossland's own pages (they carry data-status); a host page's <html> is left alone
  if (root && root.hasAttribute("data-status")) root.dataset.compute = how;
  if (how === "worker") console.info("lossland: landscapes, scoreboard runs, gradient checks and CSV files are computed in a Web Worker");
  else console.info(`lossland: landscapes, scoreboard runs, gradient checks and CSV files are computed on the page's main thread, in pieces of ~${MAIN_BUDGET_MS} ms (${how.slice(6)})`);
}

function ready() {
  starting ??= start().then((w) => {
    worker = w;
    return w;
  });
  return starting;
}

async function start() {
  if (typeof Worker !== "function") return fail("this page has no Web Worker");
  await loadLossland();
  const module = wasmModule();
  if (!module) return fail("the wasm module was not kept for a Worker");
  const script = workerScript();
  const tries = [];
  if (script.url) {
    tries.push(["module worker", () => new Worker(script.url, { type: "module" })]);
    // an opaque origin (a sandboxed iframe) or a script from another site may not start a
    // worker from the site's URL, but may from a blob: of its own that imports it
    tries.push(["blob: worker importing it", () => new Worker(blobUrl(`import ${JSON.stringify(script.url)};`), { type: "module" })]);
  }
  if (script.source) {
    tries.push(["blob: worker", () => new Worker(blobUrl(script.source), { type: "module" })]);
    // a page opened from file:// may not start one from a blob: (Chromium): a data: URL
    tries.push(["data: worker", () => new Worker(`data:text/javascript;base64,${base64(script.source)}`, { type: "module" })]);
  }
  const why = [];
  for (const [name, make] of tries) {
    // a scheme the page's own CSP refuses is not tried (the browser would log a violation)
    const scheme = name.match(/^(blob|data):/)?.[1];
    if (scheme && !metaCspAllows(scheme)) {
      why.push(`${name}: the page's Content-Security-Policy allows no ${scheme}: worker`);
      continue;
    }
    try {
      const w = await handshake(make, module);
      record("worker");
      return w;
    } catch (e) {
      why.push(`${name}: ${e && e.message ? e.message : e}`);
    }
  }
  return fail(`no Worker could start (${why.join("; ")})`);
}

const blobs = []; // blob: URLs made for a worker's script, revoked once it answered (or failed)

function fail(why) {
  record(`main: ${why}`);
  return null;
}

/**
 * Whether the Content-Security-Policy <meta> of the page (if any) lets a worker start from a
 * `scheme`: URL: its worker-src, else script-src, else default-src must name `scheme:`. A policy
 * sent as a header cannot be read from a page; the browser then decides (and logs a refusal).
 */
function metaCspAllows(scheme) {
  if (typeof document === "undefined") return true;
  for (const meta of document.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]')) {
    const dirs = new Map();
    for (const part of (meta.getAttribute("content") ?? "").split(";")) {
      const [name, ...values] = part.trim().toLowerCase().split(/\s+/);
      if (name && !dirs.has(name)) dirs.set(name, values);
    }
    const list = dirs.get("worker-src") ?? dirs.get("script-src") ?? dirs.get("default-src");
    if (list && !list.includes(`${scheme}:`)) return false;
  }
  return true;
}

function base64(text) {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function blobUrl(text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  blobs.push(url);
  return url;
}

/** Starts one worker and waits for its wasm to be instantiated; rejects (and ends it) if not. */
function handshake(make, module) {
  return new Promise((resolve, reject) => {
    let w;
    try {
      w = make();
    } catch (e) {
      reject(e);
      return;
    }
    const timer = setTimeout(() => done(new Error(`it did not answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const done = (err) => {
      clearTimeout(timer);
      for (const url of blobs.splice(0)) URL.revokeObjectURL(url); // its script has been read
      w.onmessage = w.onerror = w.onmessageerror = null;
      if (err) {
        w.terminate();
        reject(err);
      } else {
        w.onmessage = onMessage;
        w.onerror = onCrash;
        resolve(w);
      }
    };
    w.onerror = (ev) => {
      ev.preventDefault?.();
      done(new Error(ev.message || "its script could not be loaded"));
    };
    w.onmessageerror = () => done(new Error("the wasm module could not be sent to it"));
    w.onmessage = (ev) => {
      if (ev.data?.type === "ready") done(null);
      else if (ev.data?.type === "failed") done(new Error(ev.data.message));
    };
    try {
      w.postMessage({ type: "init", module });
    } catch (e) {
      done(e);
    }
  });
}

function onMessage(ev) {
  const msg = ev.data;
  if (msg.sent) {
    stats.trips.push(performance.timeOrigin + performance.now() - msg.sent);
    if (stats.trips.length > 200) stats.trips.shift();
  }
  const p = pending.get(msg.id);
  if (!p) return;
  if (msg.type === "progress") {
    if (!superseded(p.key, p.gen)) p.onProgress?.(msg.result);
    return;
  }
  pending.delete(msg.id);
  if (msg.type === "done") p.resolve(superseded(p.key, p.gen) ? null : msg.result);
  else if (msg.type === "cancelled") p.resolve(null);
  else p.reject(Object.assign(new Error(msg.message), { missing: msg.missing }));
}

/** The worker stopped (a crash): its jobs fail, and the next ones run on the main thread. */
function onCrash(ev) {
  ev.preventDefault?.();
  worker?.terminate();
  worker = null;
  starting = Promise.resolve(null);
  record(`main: the Worker stopped (${ev.message || "an error"})`);
  for (const p of pending.values()) p.reject(new Error("the compute Worker stopped"));
  pending.clear();
}

const superseded = (key, gen) => (gens.get(key) ?? gen) > gen;

function newGen(key) {
  const g = (gens.get(key) ?? 0) + 1;
  gens.set(key, g);
  return g;
}

/** What the worker needs to name `dataset`: its name, its id, or (once) its arrays. */
function dataRef(dataset, resend = false) {
  const name = names.get(dataset);
  if (name) return { ref: { name }, transfer: [] };
  if (!resend && ids.has(dataset)) return { ref: { id: ids.get(dataset) }, transfer: [] };
  const id = nextId++;
  ids.set(dataset, id);
  const features = dataset.features(), labels = dataset.labels();
  return { ref: { id, features, labels, dims: dataset.dims, classes: dataset.classes }, transfer: [features.buffer, labels.buffer] };
}

/**
 * Posts one job to the worker; resolves to its result, or null when superseded or when
 * `isStale()` turns true meanwhile (the widget rebuilt or was removed: the worker is told to
 * stop the job at its next pause).
 */
function post(kind, key, gen, dataset, args, { isStale = never, onProgress, retried = false } = {}) {
  const id = nextJob++;
  const { ref, transfer } = dataset ? dataRef(dataset, retried) : { ref: null, transfer: [] };
  let watch = null;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress, key, gen });
    worker.postMessage({ type: "job", id, key, gen, kind, data: ref, args }, transfer);
    watch = setInterval(() => {
      if (!isStale() || !pending.has(id)) return;
      pending.delete(id);
      if (!superseded(key, gen)) worker?.postMessage({ type: "cancel", key, gen: newGen(key) });
      resolve(null);
    }, 50);
  }).finally(() => clearInterval(watch)).catch((e) => {
    // the worker dropped an uploaded data set (it keeps the latest few): send it again, once
    if (e.missing && !retried && dataset) return post(kind, key, gen, dataset, args, { isStale, onProgress, retried: true });
    throw e;
  });
}

/** Runs `job` on the main thread in pieces (each in a turn of the page's queue). */
function onMain(kind, key, gen, isStale, job, onProgress, out = {}) {
  count("main", kind, key);
  let last = 0;
  const ctx = {
    L: null,
    budget: MAIN_BUDGET_MS,
    async pause() {
      await nextFreeTurn(key);
      return !isStale() && !superseded(key, gen);
    },
    progress(snapshot) {
      const now = performance.now();
      if (onProgress && now - last > 16) { last = now; onProgress(snapshot()); }
    },
  };
  return loadLossland().then((L) => {
    ctx.L = L;
    return job(ctx);
  }).then((r) => {
    out.work = ctx.work;
    return r;
  }).then((r) => (r === null || isStale() || superseded(key, gen) ? null : r));
}

const never = () => false;

/**
 * The size × size plane of `land` (a Landscape made on `dataset` by `clf`, whose loss settings
 * it shares) over [−span, span]². Resolves to jobs.js plane's { values, lo, hi, picture }
 * (`colour`: the values may be the f32-summed picture, for colour only; lo and hi are f64), or
 * null when superseded by a newer job of `key` or when `isStale()`. `stats.work` receives the
 * ms spent computing, on either thread (the waits between pieces and the trip left out).
 * `options`: the loss settings the landscape was made with (default clf.options()).
 */
export async function plane({ key, dataset, clf, land, span, size, colour = false, isStale = never, options = null, stats: out = {} }) {
  const gen = newGen(key);
  // a landscape whose data set or loss settings are not known here is computed on this thread
  const w = dataset && (clf || options) ? await ready() : null;
  if (!w) return onMain("plane", key, gen, isStale, (ctx) => jobs.plane(ctx, { land, span, size, colour }), null, out);
  if (isStale() || superseded(key, gen)) return null;
  count("worker", "plane", key);
  let landId = landIds.get(land);
  if (!landId) landIds.set(land, (landId = nextId++));
  const args = { options: options ?? clf.options(), landId, W0: land.origin(), W1: land.direction(0), W2: land.direction(1), span, size, colour };
  return post("plane", key, gen, dataset, args, { isStale }).then((r) => {
    if (r) out.work = r.work;
    return r;
  });
}

/**
 * While a slider of a landscape moves, its grids are computed on the page's thread, in the
 * callbacks of animation frames, at most this many ms of computing in each frame (a grid of
 * the digits' softmax, 9–19 ms alone, fits one; so does one of the standardised 5000 × 60 CSV,
 * 22–32 ms: in one frame of two vsyncs rather than in two frames, one of them two vsyncs long —
 * busy drags 25.2–26.6 grids a second against 24.0 with 20 ms, the CSV unstandardised 45.7–46.4
 * either way). Measured on this 2-core machine during a
 * key-press drag, Chromium runs the page's ordinary tasks late while input events come: a
 * Worker's answer 0.4–87 ms after it was posted (14–87 ms with the other core busy), a task
 * posted with scheduler.postTask "user-blocking" or a MessageChannel up to 144 ms late,
 * while frames kept their 16.7 ms. A frame's callback is never starved that way, and a piece
 * at this bound with the frame's drawing (~6 ms) keeps the frame's task under a long task
 * (50 ms): none in any drag of bench/page.mjs, plain or busy.
 */
export const DRAG_FRAME_MS = 32;

/**
 * `plane` on this thread while a slider moves, in pieces of about DRAG_FRAME_MS, one per
 * animation frame (the first in the frame the caller is in): { values, lo, hi, picture, ms,
 * frames }, or null when `isStale()` turns true between pieces. Counted apart from the jobs
 * (stats.quick: grids, and the longest piece).
 */
export async function quickPlane({ land, span, size, colour = false, isStale = never }) {
  const ctx = { budget: DRAG_FRAME_MS, pause: async () => { await nextFrame(); return !isStale(); }, pieces: [] };
  const r = await jobs.plane(ctx, { land, span, size, colour });
  if (!r) return null;
  stats.quick.count++;
  stats.quick.longestMs = Math.max(stats.quick.longestMs, ...ctx.pieces);
  return { ...r, ms: ctx.work, frames: ctx.pieces.length };
}

/** Resolves in the next animation frame's callback (or within 100 ms where frames do not come: a hidden tab). */
export function nextFrame() {
  return new Promise((resolve) => {
    let timer = 0;
    const raf = requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
    timer = setTimeout(() => {
      cancelAnimationFrame(raf);
      resolve();
    }, 100);
  });
}

/**
 * While a slider of the widget `key` moves: the Worker's jobs of other widgets (a scoreboard's
 * runs, a gradient check) wait at their next pause until HOLD_MS after the last call, so that
 * the moving slider's grids get the core on a busy machine (the Worker and the page share it).
 * A gradient check is held between its pieces of coordinates like the others. The page's own
 * loops cut into turns (other widgets' jobs where no Worker runs, the gradient descent section's
 * three runs, …) wait likewise (ui.js holdTurns).
 */
export function holdOthers(key) {
  worker?.postMessage({ type: "hold", key, ms: HOLD_MS });
  holdTurns(HOLD_MS, key);
}
const HOLD_MS = 300;

/** For a job on this thread: fresh classifiers at W (jobs.js classifierAt; the job frees each one). */
const atW = (ctx, dataset, options, W) => () => jobs.classifierAt(ctx.L, dataset, options, W);

/**
 * The scoreboard's runs (jobs.js runs): `methods` from `clf`'s W on `dataset`, `total` loss
 * evaluations each. `onProgress(partial)` sees the curves as they grow. Null when superseded.
 */
export async function runs({ key, dataset, clf, methods, total, isStale = never, onProgress }) {
  const gen = newGen(key);
  const options = clf.options(), W = clf.weights();
  const w = await ready();
  if (!w) {
    return onMain("runs", key, gen, isStale, (ctx) => jobs.runs(ctx, { newClassifier: atW(ctx, dataset, options, W), methods, total }), onProgress);
  }
  if (isStale() || superseded(key, gen)) return null;
  count("worker", "runs", key);
  return post("runs", key, gen, dataset, { options, W, methods, total }, { isStale, onProgress });
}

/**
 * The SGD section's scatter of mini-batch gradients (`batchGradientScatter(batch, count, seed)`)
 * at `clf`'s W now, on its data set and loss settings. → { norm, points }, or null when
 * superseded or stale.
 */
export async function scatter({ key, dataset, clf, batch, count: n, seed, isStale = never }) {
  const gen = newGen(key);
  const options = clf.options(), W = clf.weights();
  const a = { batch, count: n, seed };
  const w = await ready();
  if (!w) {
    return onMain("scatter", key, gen, isStale, (ctx) => jobs.scatter(ctx, { newClassifier: atW(ctx, dataset, options, W), ...a }));
  }
  if (isStale() || superseded(key, gen)) return null;
  count("worker", "scatter", key);
  return post("scatter", key, gen, dataset, { options, W, ...a }, { isStale });
}

/** `clf.gradCheck(check)` on `clf`'s data set, loss settings and W. Null when superseded. */
export async function gradCheck({ key, dataset, clf, check, isStale = never }) {
  const gen = newGen(key);
  const options = clf.options(), W = clf.weights();
  const w = await ready();
  if (!w) return onMain("gradCheck", key, gen, isStale, (ctx) => jobs.gradCheck(ctx, { newClassifier: atW(ctx, dataset, options, W), check }));
  if (isStale() || superseded(key, gen)) return null;
  count("worker", "gradCheck", key);
  return post("gradCheck", key, gen, dataset, { options, W, check }, { isStale });
}

/**
 * Parses (and standardises if asked) a CSV file's text. → { parsed, id }: `id` names the
 * worker's copy of the data set (adoptDataset), null when parsed on the main thread.
 * Null when a newer file of `key` came meanwhile. Throws the parser's errors.
 */
export async function parseCsv({ key, text, standardize }) {
  const gen = newGen(key);
  const w = await ready();
  if (!w) {
    const parsed = await onMain("parseCsv", key, gen, never, (ctx) => jobs.parseCsv(ctx, { text, standardize }));
    return parsed && { parsed, id: null };
  }
  if (superseded(key, gen)) return null;
  count("worker", "parseCsv", key);
  const csvId = nextId++;
  const parsed = await post("parseCsv", key, gen, null, { text, standardize, csvId });
  return parsed && { parsed, id: csvId };
}
