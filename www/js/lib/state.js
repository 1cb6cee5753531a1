// The settings shared by every section (data set, loss, reg, seed), read from the URL as
// validated values only, and a factory for the wasm objects built from them.

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
  const listeners = new Set();
  const destroyers = new Set();
  let customLabel = null;
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
      if (name === "custom") return customLabel;
      return DATASETS.find(([v]) => v === name)?.[1] ?? name;
    },
    /**
     * Makes `dataset` (a wasm Dataset from Dataset.fromArrays, now owned by the context) the
     * "custom" data set, frees the one it replaces, and switches every section to it.
     */
    setCustomDataset(dataset, label) {
      const old = datasets.get("custom");
      datasets.set("custom", dataset);
      customLabel = label;
      ctx.set({ dataset: "custom" });
      if (old && old !== dataset) old.free(); // after the sections have moved to the new one
    },
    initScale(name = settings.dataset) {
      return INIT_SCALE[name] ?? 0.01;
    },
    /** A new Classifier on the current data and loss, W ~ scale·N(0,1) from the seed. */
    classifier({ seed = settings.seed, scale = ctx.initScale(), reg = settings.reg, loss = settings.loss } = {}) {
      const m = new L.Classifier(ctx.dataset(), { loss, reg });
      m.randomize(seed, scale);
      return m;
    },
    /** Changes settings and tells every section. */
    set(partial) {
      Object.assign(settings, partial);
      for (const f of listeners) f(settings);
    },
    onChange(f) {
      listeners.add(f);
    },
    /** Registers cleanup (free wasm objects, remove listeners) for when the widget goes away. */
    onDestroy(f) {
      destroyers.add(f);
    },
    /** Frees everything the widgets of this context hold; the context is unusable afterwards. */
    destroy() {
      for (const f of destroyers) f();
      destroyers.clear();
      listeners.clear();
      for (const d of datasets.values()) d.free();
      datasets.clear();
    },
  };
  return ctx;
}
