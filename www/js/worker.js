// The compute Worker (a module Worker started by lib/compute.js, the one place that talks to
// it). It has its own wasm instance, made from the WebAssembly.Module the page compiled (posted
// with "init"), and runs lib/jobs.js's jobs on mirrors of the page's objects: the page stays
// the one owner of every widget's state; this side holds caches only (data sets by name or
// id, one classifier and one landscape per widget key) and frees every wasm object it makes.
//
// Page → worker: { type: "init", module } | { type: "job", id, key, gen, kind, data, args } |
//                { type: "cancel", key, gen } | { type: "forget", key } | { type: "hold", key, ms }
// Worker → page: { type: "ready" } | { type: "failed", message } | { type: "done", id, result } |
//                { type: "progress", id, result } | { type: "cancelled", id } |
//                { type: "error", id, message, missing? }
import { initSync } from "../pkg/lossland.js";
import * as L from "../pkg/lossland.js";
import * as jobs from "./lib/jobs.js";
import { createHold } from "./lib/hold.js";

const BUDGET = 24; // ms of work between looks at the message queue (a newer job cancels)
const MAX_CSV = 4; // uploaded data sets kept (least recently used freed first)
const MAX_WIDGETS = 16; // widgets' mirrors kept (a re-mounted element is a new widget key)
const PROGRESS_MS = 120; // partial results at most this often

// pictures: planes coloured by land.picture; held: waits of a job for another widget's hold
const counts = { plane: 0, runs: 0, gradCheck: 0, scatter: 0, parseCsv: 0, cancelled: 0, pictures: 0, held: 0 };
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

/** A fresh classifier on `ref` at W (jobs.js classifierAt; freed by the job that asked for it). */
const freshClassifier = (ref, opts, W) => jobs.classifierAt(L, dataset(ref).d, opts, W);

const run = {
  plane(ctx, key, data, a) {
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
    return jobs.plane(ctx, { land: m.land, span: a.span, size: a.size, colour: a.colour }).then((r) => {
      if (r?.picture) counts.pictures++;
      if (r) r.work = ctx.work; // ms computing (the page's landscape times its grids by it)
      return r;
    });
  },
  runs(ctx, _key, data, a) {
    return jobs.runs(ctx, { newClassifier: () => freshClassifier(data, a.options, a.W), methods: a.methods, total: a.total });
  },
  scatter(ctx, _key, data, a) {
    return jobs.scatter(ctx, { newClassifier: () => freshClassifier(data, a.options, a.W), batch: a.batch, count: a.count, seed: a.seed });
  },
  gradCheck(ctx, _key, data, a) {
    return jobs.gradCheck(ctx, { newClassifier: () => freshClassifier(data, a.options, a.W), check: a.check });
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

self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === "init") {
    try {
      initSync({ module: msg.module });
      self.postMessage({ type: "ready" });
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
    dropWidget(msg.key);
    latest.delete(msg.key);
  }
};
