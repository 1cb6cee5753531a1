// The compute Worker (a module Worker started by lib/compute.js, the one place that talks to
// it). It has its own wasm instance, made from the WebAssembly.Module the page compiled (posted
// with "init"), and runs lib/jobs.js's jobs on mirrors of the page's objects: the page stays
// the one owner of every widget's state; this side holds caches only (data sets by name or
// id, one classifier and one landscape per widget key) and frees every wasm object it makes.
//
// Page → worker: { type: "init", module } | { type: "job", id, key, gen, kind, data, args } |
//                { type: "cancel", key, gen } | { type: "forget", key } | { type: "hold", key, ms } |
//                { type: "drag", key, data, args, canvas, spec } | { type: "dragTo", key, span } |
//                { type: "dragEnd", key } | { type: "dragStop", key }
// Worker → page: { type: "ready", draws } | { type: "failed", message } | { type: "done", id, result } |
//                { type: "progress", id, result } | { type: "cancelled", id } |
//                { type: "error", id, message, missing? } |
//                { type: "dragShown", key, span, lo, hi, ms, transform, frame } |
//                { type: "dragDone", key, result } | { type: "dragFailed", key, message, missing? }
//
// A drag ("drag" … "dragEnd"): while a slider of a drawn landscape moves, the page gives this
// worker an OffscreenCanvas laid over the landscape's canvas and sends each new span; the worker
// computes and draws the newest span's grid in its own animation frames (one grid a frame, as
// fast as it can make them), says each one it drew (dragShown: the texts and the hover's
// transform), and at dragEnd sends the last grid's values back for the page's own canvas.
import { initSync } from "../pkg/lossland.js";
import * as L from "../pkg/lossland.js";
import * as jobs from "./lib/jobs.js";
import { createHold } from "./lib/hold.js";

const BUDGET = 24; // ms of work between looks at the message queue (a newer job cancels)
const MAX_CSV = 4; // uploaded data sets kept (least recently used freed first)
const MAX_WIDGETS = 16; // widgets' mirrors kept (a re-mounted element is a new widget key)
const PROGRESS_MS = 120; // partial results at most this often

// pictures: planes coloured by land.picture; held: waits of a job for another widget's hold
// drags: drag sessions; dragGrids: the grids drawn here while a slider moved
const counts = { plane: 0, runs: 0, gradCheck: 0, parseCsv: 0, cancelled: 0, pictures: 0, held: 0, drags: 0, dragGrids: 0 };
self.__lossland = { counts }; // read by the browser tests (what ran here)

const datasets = new Map(); // "name:iris" | "csv:7" → Dataset (insertion order = recency)
const clfs = new Map(); // widget key → { dataKey, opts, clf }
const lands = new Map(); // widget key → { landId, clf, land }
const latest = new Map(); // widget key → newest gen seen
// the page's hold (compute.js holdOthers): jobs of other widgets than its key wait until it ends
const hold = createHold();
async function held(key) {
  if (!hold.holds(key)) return;
  counts.held++;
  await hold.wait(key);
}

// a pause that lets queued messages (a newer job, a cancel) in: a MessageChannel round trip
const channel = new MessageChannel();
const woken = [];
channel.port1.onmessage = () => woken.shift()?.();
const yieldTurn = () => new Promise((r) => { woken.push(r); channel.port2.postMessage(0); });

// the built-in sets the wasm makes from nothing; the digits need their bytes (pkg/digits.bin),
// so the page sends their arrays instead, as it sends an uploaded data set's (page.js load)
function named(name) {
  return name === "toy" ? L.Dataset.toy(0)
    : name === "spiral" ? L.Dataset.spiral(100, 3, 0)
    : name === "iris" ? L.Dataset.iris()
    : null;
}

/** The worker's copy of the job's data set: by name, or an uploaded one by id (sent once). */
function dataset(ref) {
  const k = ref.name ? `name:${ref.name}` : `csv:${ref.id}`;
  let d = datasets.get(k);
  if (!d) {
    if (ref.name) d = named(ref.name);
    else if (ref.features) d = L.Dataset.fromArrays(ref.features, ref.labels, ref.dims, ref.classes);
    if (!d) throw Object.assign(new Error(`the worker does not have data set ${k}`), { missing: true });
    datasets.set(k, d);
    const csvs = [...datasets.keys()].filter((x) => x.startsWith("csv:"));
    while (csvs.length > MAX_CSV) {
      const old = csvs.shift();
      forget(old);
    }
  } else {
    datasets.delete(k); // most recently used last
    datasets.set(k, d);
  }
  return { k, d };
}

/** Frees a data set and every mirror made on it. */
function forget(dataKey) {
  for (const [key, c] of clfs) if (c.dataKey === dataKey) dropWidget(key);
  datasets.get(dataKey)?.free();
  datasets.delete(dataKey);
}

function dropWidget(key) {
  stopDrag(key); // its landscape is freed
  lands.get(key)?.land.free();
  lands.delete(key);
  clfs.get(key)?.clf.free();
  clfs.delete(key);
}

/** The widget's classifier mirror on `ref` with loss settings `opts` (reused while they hold). */
function classifier(key, ref, opts) {
  const { k, d } = dataset(ref);
  const sig = JSON.stringify(opts);
  const had = clfs.get(key);
  if (had && had.dataKey === k && had.opts === sig) return had.clf;
  dropWidget(key);
  const clf = new L.Classifier(d, opts);
  clfs.set(key, { dataKey: k, opts: sig, clf });
  return clf;
}

/** The widget's landscape mirror: `a` = { options, landId, W0, W1, W2 } (reused while they hold). */
function landscape(key, data, a) {
  const clf = classifier(key, data, a.options);
  // the widget's mirrors are the most recently used; the least recently used beyond
  // MAX_WIDGETS are freed (a removed widget's stay until then)
  const had = clfs.get(key);
  clfs.delete(key);
  clfs.set(key, had);
  while (clfs.size > MAX_WIDGETS) dropWidget(clfs.keys().next().value);
  let m = lands.get(key);
  if (!m || m.landId !== a.landId || m.clf !== clf) {
    m?.land.free();
    lands.delete(key);
    clf.setWeights(a.W0);
    m = { landId: a.landId, clf, land: L.Landscape.through(clf, a.W1, a.W2) };
    lands.set(key, m);
  }
  return m.land;
}

/** A fresh classifier on `ref` at W (freed by whoever asked for it). */
function freshClassifier(ref, opts, W) {
  const c = new L.Classifier(dataset(ref).d, opts);
  try {
    c.setWeights(W);
  } catch (e) {
    c.free();
    throw e;
  }
  return c;
}

const run = {
  plane(ctx, key, data, a) {
    return jobs.plane(ctx, { land: landscape(key, data, a), span: a.span, size: a.size, colour: a.colour }).then((r) => {
      if (r?.picture) counts.pictures++;
      if (r) r.work = ctx.work; // ms computing (the page's landscape times its grids by it)
      return r;
    });
  },
  runs(ctx, _key, data, a) {
    return jobs.runs(ctx, { newClassifier: () => freshClassifier(data, a.options, a.W), methods: a.methods, total: a.total });
  },
  async gradCheck(ctx, _key, data, a) {
    const c = freshClassifier(data, a.options, a.W);
    try {
      return await jobs.gradCheck(ctx, { clf: c, check: a.check });
    } finally {
      c.free();
    }
  },
  async parseCsv(ctx, _key, _data, a) {
    const parsed = await jobs.parseCsv(ctx, { text: a.text, standardize: a.standardize });
    if (!parsed) return null;
    // kept here as data set csv:<id>: the page's jobs on it name it by id from now on
    dataset({ id: a.csvId, features: parsed.features, labels: parsed.labels, dims: parsed.dims, classes: parsed.classes });
    return parsed;
  },
};

async function job(msg) {
  const { id, key, gen, kind, data, args } = msg;
  const stale = () => (latest.get(key) ?? gen) > gen;
  let last = 0;
  const ctx = {
    L,
    budget: BUDGET,
    async pause() {
      await yieldTurn();
      await held(key);
      return !stale();
    },
    progress(snapshot) {
      const now = performance.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      const result = snapshot();
      self.postMessage({ type: "progress", id, result }, jobs.transferables(result));
    },
  };
  try {
    if (!run[kind]) throw new Error(`unknown job ${kind}`);
    await held(key);
    if (stale()) { counts.cancelled++; self.postMessage({ type: "cancelled", id }); return; }
    counts[kind]++;
    const result = await run[kind](ctx, key, data, args);
    if (result === null || stale()) { counts.cancelled++; self.postMessage({ type: "cancelled", id }); return; }
    self.postMessage({ type: "done", id, result, sent: performance.timeOrigin + performance.now() }, jobs.transferables(result)); // sent: the page measures the trip
  } catch (e) {
    self.postMessage({ type: "error", id, message: e && e.message ? e.message : String(e), missing: !!e?.missing });
  }
}

// ---------------------------------------------------------------- drags
// Whether this worker can draw a moving slider's grids: an OffscreenCanvas with a 2-D context
// and animation frames of its own (Chromium, Firefox, Safari 16.4+).
function canDraw() {
  try {
    return typeof self.requestAnimationFrame === "function" && typeof OffscreenCanvas === "function" && new OffscreenCanvas(1, 1).getContext("2d") !== null;
  } catch {
    return false;
  }
}

const drags = new Map(); // widget key → { land, canvas, spec, size, want, have, raf, last, frames }
// the whole grid at once (a worker's frame may take as long as the grid does: the page's thread
// is not the one waiting)
const whole = { L, budget: Infinity, pause: async () => true, progress() {} };

function startDrag(msg) {
  stopDrag(msg.key);
  try {
    const land = landscape(msg.key, msg.data, msg.args);
    const d = { key: msg.key, land, canvas: msg.canvas, spec: msg.spec, size: msg.args.size, want: msg.args.span, have: null, raf: 0, last: null, ending: false };
    drags.set(msg.key, d);
    counts.drags++;
    nextDragFrame(d);
  } catch (e) {
    self.postMessage({ type: "dragFailed", key: msg.key, message: e && e.message ? e.message : String(e), missing: !!e?.missing });
  }
}

function stopDrag(key) {
  const d = drags.get(key);
  if (!d) return;
  if (d.raf) cancelAnimationFrame(d.raf);
  drags.delete(key);
}

function nextDragFrame(d) {
  if (!d.raf) d.raf = requestAnimationFrame((t) => { d.raf = 0; dragFrame(d, t); });
}

/** The newest span's grid computed and drawn on the worker's canvas → d.last (values and all). */
async function dragGrid(d) {
  const span = d.want, t0 = performance.now();
  const r = await jobs.plane(whole, { land: d.land, span, size: d.size, colour: true });
  const ms = performance.now() - t0;
  const { lo, hi } = r;
  const spec = { ...d.spec, xRange: [-span, span], yRange: [-span, span], ...(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi ? { lo, hi } : {}) };
  const transform = L.drawHeatmap(d.canvas, r.values, d.size, d.size, spec);
  d.have = span;
  d.last = { ...r, span, ms, transform };
  counts.dragGrids++;
  return d.last;
}

async function dragFrame(d, t) {
  if (drags.get(d.key) !== d || d.ending || d.want === d.have) return; // idle until the next span
  try {
    const g = await dragGrid(d);
    if (drags.get(d.key) !== d) return;
    self.postMessage({ type: "dragShown", key: d.key, span: g.span, lo: g.lo, hi: g.hi, ms: g.ms, transform: g.transform, frame: performance.timeOrigin + t });
    nextDragFrame(d);
  } catch (e) {
    stopDrag(d.key);
    self.postMessage({ type: "dragFailed", key: d.key, message: e && e.message ? e.message : String(e) });
  }
}

/** The drag's end: its newest span's grid (computed now if its frame has not come) to the page. */
async function endDrag(key) {
  const d = drags.get(key);
  if (!d) return;
  d.ending = true;
  if (d.raf) cancelAnimationFrame(d.raf);
  d.raf = 0;
  try {
    const g = d.want === d.have && d.last ? d.last : await dragGrid(d);
    const result = { values: g.values, lo: g.lo, hi: g.hi, picture: g.picture, span: g.span, ms: g.ms };
    self.postMessage({ type: "dragDone", key, result }, jobs.transferables(result));
  } catch (e) {
    self.postMessage({ type: "dragFailed", key, message: e && e.message ? e.message : String(e) });
  } finally {
    if (drags.get(key) === d) drags.delete(key);
  }
}

self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === "dragTo") {
    const d = drags.get(msg.key);
    if (d && !d.ending) {
      d.want = msg.span;
      nextDragFrame(d);
    }
  } else if (msg.type === "drag") {
    startDrag(msg);
  } else if (msg.type === "dragEnd") {
    endDrag(msg.key);
  } else if (msg.type === "dragStop") {
    stopDrag(msg.key);
  } else if (msg.type === "init") {
    try {
      initSync({ module: msg.module });
      self.postMessage({ type: "ready", draws: canDraw() });
    } catch (e) {
      self.postMessage({ type: "failed", message: e && e.message ? e.message : String(e) });
    }
  } else if (msg.type === "job") {
    if ((latest.get(msg.key) ?? -1) < msg.gen) latest.set(msg.key, msg.gen);
    job(msg);
  } else if (msg.type === "cancel") {
    if ((latest.get(msg.key) ?? -1) < msg.gen) latest.set(msg.key, msg.gen);
  } else if (msg.type === "hold") {
    hold.set(msg.ms, msg.key);
  } else if (msg.type === "forget") {
    stopDrag(msg.key);
    dropWidget(msg.key);
    latest.delete(msg.key);
  }
};
