// The settings shared by every section (data set, loss, reg, seed), read from the URL as
// validated values only, and a factory for the wasm objects built from them.
import { nextTurn } from "./ui.js";

export const DATASETS = [
  ["toy", "toy (9 points, 2-D, 3 classes)"],
  ["spiral", "spiral (300 points, 2-D, 3 classes)"],
  ["iris", "iris (150 flowers, 4 features, 3 classes)"],
  ["digits", "digits (1797 images, 8×8, 10 classes)"],
];

/** Scale of the seeded random W a section starts from, per data set. */
const INIT_SCALE = { toy: 1, spiral: 1, iris: 0.1, digits: 0.01 };

/**
 * True when the URL asks for dataset=custom: a data set loaded from a CSV file, which a link
 * cannot carry. settingsFromUrl then falls back to the toy set and the page says why.
 */
export function urlAskedForUpload(loc = window.location) {
  return new URLSearchParams(loc.search || loc.hash.replace(/^#/, "")).get("dataset") === "custom";
}

/** Reads ?dataset=&loss=&reg=&seed= (or the #hash) as validated values; anything else is ignored. */
export function settingsFromUrl(loc = window.location) {
  const out = { dataset: "toy", loss: "svm", reg: 0, seed: 1 };
  const params = new URLSearchParams(loc.search || loc.hash.replace(/^#/, ""));
  const ds = params.get("dataset");
  if (DATASETS.some(([v]) => v === ds)) out.dataset = ds;
  const loss = params.get("loss");
  if (loss === "svm" || loss === "softmax") out.loss = loss;
  const reg = Number(params.get("reg"));
  if (params.has("reg") && Number.isFinite(reg) && reg >= 0 && reg <= 10) out.reg = reg;
  const seed = Number(params.get("seed"));
  if (params.has("seed") && Number.isSafeInteger(seed) && seed >= 0) out.seed = seed;
  return out;
}

export function createContext(L, initial) {
  const settings = { ...initial };
  const datasets = new Map();
  const labels = new WeakMap(); // uploaded Dataset → "your CSV (n × d, C classes)"
  const listeners = new Set();
  const instant = new Set(); // cheap listeners told inside set() itself (the page's URL)
  const destroyers = new Set();
  let version = 0; // bumped by every set() and by destroy(): older listener runs stop
  let running = Promise.resolve(); // the listener run of the latest set()

  /** A new Classifier on data set `ds`, W ~ scale·N(0,1) from the seed. */
  function classifierOn(ds, { seed, scale, reg, loss }) {
    const m = new L.Classifier(ds, { loss, reg });
    m.randomize(seed, scale);
    return m;
  }

  const ctx = {
    L,
    settings,
    /** The wasm Dataset for the current setting (cached; shared by the sections). */
    dataset(name = settings.dataset) {
      if (!datasets.has(name)) {
        if (name === "custom") throw new Error("no CSV data set is loaded");
        const d =
          name === "toy" ? L.Dataset.toy(0)
          : name === "spiral" ? L.Dataset.spiral(100, 3, 0)
          : name === "iris" ? L.Dataset.iris()
          : L.Dataset.digits();
        datasets.set(name, d);
      }
      return datasets.get(name);
    },
    /** What the page calls the current data set (the uploaded one: "your CSV (n × d, C classes)"). */
    datasetLabel(name = settings.dataset) {
      if (name === "custom") return labels.get(datasets.get("custom")) ?? null;
      return DATASETS.find(([v]) => v === name)?.[1] ?? name;
    },
    /**
     * Makes `dataset` (a wasm Dataset from Dataset.fromArrays, now owned by the context) the
     * "custom" data set and switches every section to it. The one it replaces is freed once
     * every section has moved off it (the sections move one per turn, see set()). Returns a
     * promise that resolves when every section has moved.
     */
    setCustomDataset(dataset, label) {
      const old = datasets.get("custom");
      datasets.set("custom", dataset);
      labels.set(dataset, label);
      const moved = ctx.set({ dataset: "custom" });
      if (old && old !== dataset) ctx.idle().then(() => old.free());
      return moved;
    },
    initScale(name = settings.dataset) {
      return INIT_SCALE[name] ?? 0.01;
    },
    /** A new Classifier on the current data and loss, W ~ scale·N(0,1) from the seed. */
    classifier({ seed = settings.seed, scale = ctx.initScale(), reg = settings.reg, loss = settings.loss } = {}) {
      return classifierOn(ctx.dataset(), { seed, scale, reg, loss });
    },
    /**
     * Changes settings and tells every section: one listener per turn of the page's queue
     * (nextTurn), so a change that makes nine sections rebuild is nine short tasks, not one
     * long one. A newer set() (or destroy()) stops the rest of an older run: the newer run
     * tells every listener anyway. Listeners added with { instant: true } (cheap ones, such as
     * the page's URL) are told at once. Returns a promise that resolves when this run is over.
     */
    set(partial) {
      Object.assign(settings, partial);
      for (const f of instant) f(settings);
      const my = ++version;
      const list = [...listeners];
      const turns = list.map(() => nextTurn()); // queued together: the sections move first
      running = (async () => {
        for (let i = 0; i < list.length; i++) {
          await turns[i];
          if (my !== version) return;
          try {
            list[i](settings);
          } catch (e) {
            console.error(e); // one broken section does not keep the others on the old settings
          }
        }
      })();
      return running;
    },
    /** Resolves once every listener has seen the latest settings (or the context is destroyed). */
    async idle() {
      let p;
      do {
        p = running;
        await p;
      } while (p !== running);
    },
    onChange(f, { instant: now = false } = {}) {
      (now ? instant : listeners).add(f);
    },
    /**
     * A section's own view of the context: the same methods, but its settings and data set
     * change only when its own listener runs. Between a set() and that turn the section keeps
     * drawing with the settings its wasm objects were built from, never a mix of old and new.
     */
    view() {
      const own = Object.create(ctx);
      own.settings = { ...settings };
      let ds = null; // the Dataset this section is on (fetched on first use)
      own.dataset = (name) => (name === undefined ? (ds ??= ctx.dataset(own.settings.dataset)) : ctx.dataset(name));
      own.datasetLabel = (name) => (name === undefined && own.settings.dataset === "custom" ? labels.get(own.dataset()) ?? null : ctx.datasetLabel(name ?? own.settings.dataset));
      own.initScale = (name = own.settings.dataset) => ctx.initScale(name);
      own.classifier = ({ seed = own.settings.seed, scale = own.initScale(), reg = own.settings.reg, loss = own.settings.loss } = {}) =>
        classifierOn(own.dataset(), { seed, scale, reg, loss });
      own.onChange = (f) => ctx.onChange(() => {
        Object.assign(own.settings, settings);
        ds = null;
        f(own.settings);
      });
      return own;
    },
    /** Registers cleanup (free wasm objects, remove listeners) for when the widget goes away. */
    onDestroy(f) {
      destroyers.add(f);
    },
    /** Frees everything the widgets of this context hold; the context is unusable afterwards. */
    destroy() {
      version++; // a listener run in progress stops at its next turn
      for (const f of destroyers) f();
      destroyers.clear();
      listeners.clear();
      instant.clear();
      for (const d of datasets.values()) d.free();
      datasets.clear();
    },
  };
  return ctx;
}
