// lossland's widgets as custom elements, for other people's course pages. One include:
//
//   <script type="module" src="https://…/lossland/js/elements.js"></script>
//   <lossland-gradient-stepper dataset="toy" loss="svm" seed="1" h="1e-5"></lossland-gradient-stepper>
//
// Elements: <lossland-landscape> (the 2-D slice; slice="1d" for the line), <lossland-line>,
// <lossland-gradient-stepper>, <lossland-gradient-check>, <lossland-optimizer method="gd|sgd|
// random-search|random-local-search">, <lossland-scoreboard>. Shared attributes: dataset, loss,
// reg, seed; widget options: h, centered, step-size, batch-size, scale, span.
//
// Every element has its own settings context but all share ONE wasm instance (loadLossland is a
// singleton). Attributes are read as validated values only (an invalid one is ignored with a
// console warning that names it and its allowed range) and never become markup. A change of any
// attribute re-mounts the widget; removing the element frees its wasm objects (ctx.destroy()).
// The widget lives in a shadow root that links css/lossland.css, so the host page's styles and
// the notebook's styles do not leak into each other; it needs no inline script or style.
import { loadLossland } from "./lib/wasm.js";
import { createContext, settingsFromUrl } from "./lib/state.js";
import { niceLogValues, powersOfTwoUpTo } from "./lib/optkit.js";

/** Widget name → its section module. The allow-list for embed.html's ?widget= too. */
export const WIDGETS = {
  landscape: { load: () => import("./sections/plane.js"), title: "The loss over a 2-D slice of weight space" },
  line: { load: () => import("./sections/line.js"), title: "The loss along one direction" },
  "random-search": { load: () => import("./sections/randomsearch.js"), title: "Random search" },
  "local-search": { load: () => import("./sections/localsearch.js"), title: "Random local search" },
  stepper: { load: () => import("./sections/stepper.js"), title: "The numerical gradient, one coordinate at a time" },
  gradcheck: { load: () => import("./sections/gradcheck.js"), title: "The analytic gradient and the gradient check" },
  gd: { load: () => import("./sections/gd.js"), title: "Gradient descent" },
  sgd: { load: () => import("./sections/sgd.js"), title: "Mini-batch gradient descent and SGD" },
  scoreboard: { load: () => import("./sections/scoreboard.js"), title: "Scoreboard" },
};

/** Other names accepted for a widget (element names, the notebook's data-widget names). */
const ALIASES = {
  plane: "landscape",
  "2d": "landscape",
  "1d": "line",
  "random-local-search": "local-search",
  "gradient-stepper": "stepper",
  "gradient-check": "gradcheck",
};

/** The widget's canonical name for `name`, or null if it is not on the allow-list. */
export function widgetName(name) {
  if (typeof name !== "string") return null;
  const n = ALIASES[name] ?? name;
  return Object.hasOwn(WIDGETS, n) ? n : null;
}

/** Which optimiser section each `method` of <lossland-optimizer> mounts. */
export const METHODS = { gd: "gd", sgd: "sgd", "random-search": "random-search", "random-local-search": "local-search" };

const STEP_SIZES = niceLogValues(-4, 1);
const SHARED = ["dataset", "loss", "reg", "seed"];
/** Widget options and what they are allowed to be (also the warning text). */
const OPTION_RULES = {
  h: "a power of ten from 1e-10 to 1e-1",
  centered: "true or false",
  "step-size": "a number in [0.0001, 10]",
  "batch-size": "an integer ≥ 1",
  scale: "a number in [0.0001, 10]",
  span: "a number in [0.25, 10]",
};
export const OPTIONS = Object.keys(OPTION_RULES);

function parseOption(key, raw) {
  const s = String(raw).trim();
  if (key === "centered") return s === "" || s === "true" ? true : s === "false" ? false : undefined;
  if (s === "") return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined;
  switch (key) {
    case "h": {
      const k = Math.round(Math.log10(v));
      return v > 0 && Math.abs(Math.log10(v) - k) < 1e-9 && k >= -10 && k <= -1 ? k : undefined; // stored as log10 h
    }
    case "step-size":
    case "scale":
      return v >= 1e-4 && v <= 10 ? v : undefined;
    case "batch-size":
      return Number.isSafeInteger(v) && v >= 1 ? v : undefined;
    case "span":
      return v >= 0.25 && v <= 10 ? v : undefined;
  }
  return undefined;
}

/**
 * Validated settings and widget options from a getter (an element's getAttribute or
 * URLSearchParams.get). Returns { settings, options, warnings }; anything invalid is left out.
 */
export function readOptions(get) {
  const params = new URLSearchParams();
  const warnings = [];
  for (const k of SHARED) {
    const v = get(k);
    if (v !== null && v !== undefined) params.set(k, String(v));
  }
  // one set of rules for the URL and the attributes: state.js's settingsFromUrl
  const settings = settingsFromUrl({ search: `?${params}`, hash: "" });
  for (const k of SHARED) {
    if (params.has(k) && String(settings[k]) !== params.get(k) && Number(params.get(k)) !== settings[k]) {
      warnings.push(`lossland: ignored ${k}: not an allowed value (dataset: toy|spiral|iris|digits; loss: svm|softmax; reg: a number in [0, 10]; seed: an integer ≥ 0)`);
    }
  }
  const options = {};
  for (const k of OPTIONS) {
    const raw = get(k);
    if (raw === null || raw === undefined) continue;
    const v = parseOption(k, raw);
    if (v === undefined) warnings.push(`lossland: ignored ${k}: must be ${OPTION_RULES[k]}`);
    else options[k] = v;
  }
  return { settings, options, warnings };
}

function nearestIndex(values, v) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(Math.log(values[i] / v)) < Math.abs(Math.log(values[best] / v))) best = i;
  return best;
}

/**
 * Widget options are applied through the widget's own labelled controls (the section modules
 * read only dataset/loss/reg/seed from the context), exactly as a learner would set them.
 * label prefix → how an option value becomes the input's value.
 */
const CONTROLS = {
  h: { label: "h (log scale)", value: (k) => k },
  centered: { label: "Centered difference", checked: (v) => v },
  "step-size": { label: "Step size (log scale)", value: (v) => nearestIndex(STEP_SIZES, v) },
  scale: { label: "Scale of a random W (std)", value: (v) => nearestIndex(STEP_SIZES, v) },
  "batch-size": { label: "Batch size (log scale)", value: (v, ctx) => nearestIndex(powersOfTwoUpTo(ctx.dataset().len), v) },
  span: { label: "Span of a", value: (v) => v },
};

function applyOptions(host, options, ctx) {
  for (const [key, v] of Object.entries(options)) {
    const c = CONTROLS[key];
    const label = [...host.querySelectorAll("label")].find((l) => l.textContent.startsWith(c.label));
    const id = label?.getAttribute("for");
    const input = id ? host.querySelector(`#${CSS.escape(id)}`) : null;
    if (!(input instanceof HTMLInputElement)) continue; // this widget has no such control
    if (c.checked) {
      if (input.checked !== c.checked(v)) {
        input.checked = c.checked(v);
        input.dispatchEvent(new Event("change"));
      }
    } else {
      input.value = String(c.value(v, ctx));
      input.dispatchEvent(new Event("input"));
    }
  }
}

/**
 * Mounts widget `name` (canonical, see widgetName) into `host` with its own context.
 * Returns { ready, destroy }; destroy() frees the widget's wasm objects and listeners.
 */
export async function mountWidget(host, name, { settings, options = {} } = {}) {
  const spec = WIDGETS[name];
  if (!spec) throw new Error(`unknown widget: must be one of ${Object.keys(WIDGETS).join(", ")}`);
  const [L, mod] = await Promise.all([loadLossland(), spec.load()]);
  const ctx = createContext(L, settings ?? readOptions(() => null).settings);
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    ctx.destroy();
  };
  try {
    const w = mod.mount(host, ctx);
    applyOptions(host, options, ctx);
    return { ready: Promise.resolve(w && w.ready), destroy, ctx };
  } catch (e) {
    destroy();
    throw e;
  }
}

const CSS_URL = new URL("../css/lossland.css", import.meta.url).href;

class LosslandElement extends HTMLElement {
  static observedAttributes = [...SHARED, ...OPTIONS, "method", "slice"];

  /** The canonical widget this element shows now (subclasses override). */
  widget() {
    return null;
  }

  connectedCallback() {
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: "open" });
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = CSS_URL;
      root.append(link);
    }
    if (!this._mounted && !this._pending) this._schedule();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue !== newValue && this.isConnected && this.shadowRoot) this._schedule();
  }

  disconnectedCallback() {
    // a move within the page disconnects and reconnects at once: keep the widget then
    queueMicrotask(() => {
      if (!this.isConnected) this._teardown();
    });
  }

  /** Batches several attribute changes into one re-mount. */
  _schedule() {
    if (this._pending) return;
    this._pending = true;
    queueMicrotask(() => {
      this._pending = false;
      if (this.isConnected) this._mount();
    });
  }

  _teardown() {
    this._gen = (this._gen ?? 0) + 1; // cancels a mount still loading
    this._mounted?.destroy();
    this._mounted = null;
    this._host?.remove();
    this._host = null;
  }

  async _mount() {
    this._teardown();
    const gen = this._gen;
    const name = this.widget();
    const { settings, options, warnings } = readOptions((k) => this.getAttribute(k));
    for (const w of warnings) console.warn(`${w} (on <${this.localName}>)`);
    const host = document.createElement("div");
    host.className = "widget embedded";
    host.setAttribute("role", "region");
    host.setAttribute("aria-label", `lossland: ${WIDGETS[name].title}`);
    // a level-2 title, so the widget's own h3s follow a heading of the level above them
    const title = document.createElement("h2");
    title.className = "embed-title";
    title.textContent = WIDGETS[name].title;
    host.append(title);
    this._host = host;
    this.shadowRoot.append(host);
    this.setAttribute("data-status", "loading");
    try {
      const mounted = await mountWidget(host, name, { settings, options });
      if (gen !== this._gen) {
        mounted.destroy(); // removed or re-mounted while loading
        return;
      }
      this._mounted = mounted;
      await mounted.ready;
      if (gen !== this._gen) return;
      this.setAttribute("data-status", "ready");
      this.dispatchEvent(new CustomEvent("lossland-ready", { bubbles: true }));
    } catch (e) {
      if (gen !== this._gen) return;
      this.setAttribute("data-status", "error");
      const p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = `lossland could not start: ${e && e.message ? e.message : e}`;
      host.append(p);
      console.error(e);
    }
  }
}

const fixed = (name) =>
  class extends LosslandElement {
    widget() {
      return name;
    }
  };

class LandscapeElement extends LosslandElement {
  widget() {
    const s = this.getAttribute("slice");
    return s === "1d" || s === "line" ? "line" : "landscape";
  }
}

class OptimizerElement extends LosslandElement {
  widget() {
    const m = this.getAttribute("method");
    if (m !== null && !Object.hasOwn(METHODS, m)) console.warn(`lossland: ignored method: must be one of ${Object.keys(METHODS).join(", ")} (on <lossland-optimizer>)`);
    return METHODS[Object.hasOwn(METHODS, m) ? m : "gd"];
  }
}

export const ELEMENTS = {
  "lossland-landscape": LandscapeElement,
  "lossland-line": fixed("line"),
  "lossland-gradient-stepper": fixed("stepper"),
  "lossland-gradient-check": fixed("gradcheck"),
  "lossland-optimizer": OptimizerElement,
  "lossland-scoreboard": fixed("scoreboard"),
};

for (const [tag, cls] of Object.entries(ELEMENTS)) {
  if (!customElements.get(tag)) customElements.define(tag, cls);
}
