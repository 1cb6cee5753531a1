// The page: the settings every section shares (data set, loss, reg, seed: the `shared` rows of
// options.js), the wasm Datasets built from them (cached, freed with the page; the digits, whose
// bytes are fetched when first chosen, shared by the window's pages), and the queue that tells
// each section of a change in a turn of its own. One page per notebook, per
// embed.html and per custom element; the wasm module itself is loaded once (wasm.js).
import { nextTurn } from "./ui.js";
import { DATASETS, optionRow } from "./options.js";
import { nameDataset } from "./compute.js";
import { loadDigitsBytes } from "./wasm.js";

// The data sets built from bytes fetched on first use (pkg/digits.bin), not carried by the
// wasm: built once and shared by every page of this window (the notebook, embeds, custom
// elements), never freed, as the wasm module is not. The compute Worker gets their arrays,
// once (compute.js sends a Dataset it was not told the name of as it sends an uploaded one):
// ~1 MB passed by transfer, a few ms, where fetching the bytes there too would need their URL
// in every Worker, blob: ones included.
const FETCHED = new Map([["digits", loadDigitsBytes]]); // a Map: a name from a URL is never "constructor"
const built = new Map(); // name → Dataset
const building = new Map(); // name → Promise<Dataset>

/** Starts fetching what data set `name` needs, if anything (early: while the wasm loads). */
export function prefetchDataset(name) {
  FETCHED.get(name)?.().catch(() => {}); // a failure is reported when the data set is built
}

function build(L, name) {
  if (!building.has(name)) {
    building.set(name, FETCHED.get(name)()
      .then((bytes) => {
        const d = L.Dataset[name](bytes);
        built.set(name, d);
        return d;
      })
      .catch((e) => {
        building.delete(name); // the next choice of it tries again
        throw new Error(`the ${name} could not be loaded: ${e && e.message ? e.message : e}`);
      }));
  }
  return building.get(name);
}

export function createPage(L, initial) {
  const settings = { ...initial };
  const datasets = new Map();
  let asked = 0; // bumped by each set() of a data set: a newer choice wins over one still loading
  const labels = new WeakMap(); // uploaded Dataset → "your CSV (n × d, C classes)"
  const listeners = new Set();
  const instant = new Set(); // cheap listeners told inside set() itself (the page's URL)
  let version = 0; // bumped by every set() and by destroy(): older listener runs stop
  let running = Promise.resolve(); // the listener run of the latest set()

  const page = {
    L,
    settings,
    /**
     * The wasm Dataset called `name` (cached; shared by the sections). The digits must have
     * been loaded first (page.load; page.set does it).
     */
    dataset(name = settings.dataset) {
      if (FETCHED.has(name)) {
        if (!built.has(name)) throw new Error(`the ${name} are not loaded yet: await page.load("${name}") first`);
        return built.get(name);
      }
      if (!datasets.has(name)) {
        if (name === "custom") throw new Error("no CSV data set is loaded");
        const d =
          name === "toy" ? L.Dataset.toy(0)
          : name === "spiral" ? L.Dataset.spiral(100, 3, 0)
          : L.Dataset.iris();
        nameDataset(d, name); // the compute Worker builds its own copy by name
        datasets.set(name, d);
      }
      return datasets.get(name);
    },
    /**
     * Resolves once page.dataset(name) can be called: at once for the built-in sets; the digits
     * are fetched (once per page load: the bytes are shared) and built. Rejects with "the digits
     * could not be loaded: …".
     */
    async load(name) {
      if (FETCHED.has(name) && !built.has(name)) await build(L, name);
    },
    /** What the page calls a data set (an uploaded one: "your CSV (n × d, C classes)"). */
    datasetLabel(name = settings.dataset) {
      if (name === "custom") return labels.get(datasets.get("custom")) ?? null;
      return DATASETS.find(([v]) => v === name)?.[1] ?? name;
    },
    /**
     * Makes `dataset` (a wasm Dataset from Dataset.fromArrays, now owned by the page) the
     * "custom" data set and switches every section to it. The one it replaces is freed once
     * every section has moved off it. Resolves when every section has moved.
     */
    setCustomDataset(dataset, label) {
      const old = datasets.get("custom");
      datasets.set("custom", dataset);
      labels.set(dataset, label);
      const moved = page.set({ dataset: "custom" });
      if (old && old !== dataset) page.idle().then(() => old.free());
      return moved;
    },
    /**
     * Changes settings and tells every section, one per turn of the page's queue (nextTurn), so
     * a change that rebuilds nine sections is nine short tasks. A newer set() (or destroy())
     * stops the rest of an older run: the newer run tells every listener anyway. Instant
     * listeners (the URL) are told at once. Resolves when this run is over. A change to the
     * digits waits for their bytes first (page.load) and rejects if they cannot be had.
     */
    set(partial) {
      if ("dataset" in partial) {
        const my = ++asked;
        if (FETCHED.has(partial.dataset) && !built.has(partial.dataset)) {
          // nothing changes until the data set is there; then this set() is made, unless a
          // newer data set was chosen meanwhile. A failure rejects (the settings stay as they are).
          return page.load(partial.dataset).then(
            () => (my === asked ? page.set(partial) : running),
            (e) => { if (my === asked) throw e; return running; });
        }
      }
      Object.assign(settings, partial);
      for (const f of instant) f(settings);
      const my = ++version;
      const list = [...listeners];
      const turns = list.map(() => nextTurn()); // queued together: the sections move first
      running = (async () => {
        for (let i = 0; i < list.length; i++) {
          await turns[i];
          if (my !== version) return;
          if (!listeners.has(list[i])) continue; // removed meanwhile
          try {
            list[i](settings);
          } catch (e) {
            console.error(e); // one broken section does not keep the others on the old settings
          }
        }
      })();
      return running;
    },
    /** Resolves once every listener has seen the latest settings (or the page is destroyed). */
    async idle() {
      let p;
      do {
        p = running;
        await p;
      } while (p !== running);
    },
    /** Calls `f(settings)` after each change; returns the function that stops it. */
    onChange(f, { instant: now = false } = {}) {
      const set = now ? instant : listeners;
      set.add(f);
      return () => set.delete(f);
    },
    /** Called by a section when the learner (or a program) changes one of its options. */
    onOption: null,
    /** Called by a section's Step / Play / Reset: (widget name, "step" | "reset" | "stop"). */
    onPlayer: null,
    /**
     * The W every section starts from (lossland's layout, C × (D + 1) row-major), used when
     * its length fits the data set's W; null: a seeded random W (section.js startWeights). The
     * Jupyter widget sets it to the learner's W.
     */
    initialWeights: null,
    /**
     * Frees the page's data sets (not the digits, shared by the pages of the window); the page
     * is unusable afterwards (sections free their own objects).
     */
    destroy() {
      version++; // a listener run in progress stops at its next turn
      listeners.clear();
      instant.clear();
      for (const d of datasets.values()) d.free();
      datasets.clear();
    },
  };
  /**
   * Resolves once the initial data set can be used (mount the sections after it): to null, or
   * to the Error that made the page show the default data set instead (a link to the digits
   * whose bytes could not be fetched), for the page to show.
   */
  page.ready = page.load(settings.dataset).then(
    () => null,
    (e) => {
      settings.dataset = optionRow("dataset").default;
      return e;
    });
  return page;
}

/**
 * Runs a page's start-up `run()` with the page's status on <html data-status>: "loading", then
 * "ready", or "error" with the reason in #error (what the tests and a host page wait for).
 */
export async function startPage(run) {
  const root = document.documentElement;
  root.dataset.status = "loading";
  try {
    await run(root);
    root.dataset.status = "ready";
  } catch (e) {
    root.dataset.status = "error";
    const box = document.getElementById("error");
    box.hidden = false;
    box.textContent = `lossland could not start: ${e && e.message ? e.message : e}`;
    console.error(e);
  }
}
