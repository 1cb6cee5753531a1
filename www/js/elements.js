// lossland's widgets as custom elements, for other people's course pages. One include:
//
//   <script type="module" src="https://…/lossland/js/elements.js"></script>
//   <lossland-gradient-stepper dataset="toy" loss="svm" seed="1" h="1e-5"></lossland-gradient-stepper>
//
// Elements: <lossland-landscape> (the 2-D slice; slice="1d" for the line), <lossland-line>,
// <lossland-gradient-stepper>, <lossland-gradient-check>, <lossland-optimizer method="gd|sgd|
// random-search|random-local-search">, <lossland-scoreboard>. Attributes: every row of the
// options table (lib/options.js) by its attribute name — dataset, loss, reg, seed for every
// widget; h, centered, step-size, batch-size, scale, span, … for the widgets that use them.
//
// Every element has its own settings context but all share ONE wasm instance (loadLossland is a
// singleton). Attributes are read as validated values only (an invalid one is ignored with a
// console warning that names it and its allowed range) and never become markup. A change of any
// attribute re-mounts the widget; removing the element frees its wasm objects (ctx.destroy()).
// The widget lives in a shadow root that links css/lossland.css, so the host page's styles and
// the notebook's styles do not leak into each other; it needs no inline script or style.
import { widget, mountWidget, METHODS } from "./lib/widgets.js";
import { OPTIONS, attrOf, readOptions } from "./lib/options.js";

const CSS_URL = new URL("../css/lossland.css", import.meta.url).href;

class LosslandElement extends HTMLElement {
  // every attribute the options table knows, and the two that choose the widget
  static observedAttributes = [...OPTIONS.map(attrOf), "method", "slice"];

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
    const { settings, options, warnings } = readOptions((k) => this.getAttribute(k), name);
    for (const w of warnings) console.warn(`${w} (on <${this.localName}>)`);
    const host = document.createElement("div");
    host.className = settings.present ? "widget embedded present" : "widget embedded";
    host.setAttribute("role", "region");
    host.setAttribute("aria-label", `lossland: ${widget(name).title}`);
    // a level-2 title, so the widget's own h3s follow a heading of the level above them
    const title = document.createElement("h2");
    title.className = "embed-title";
    title.textContent = widget(name).title;
    const intro = document.createElement("p");
    intro.className = "embed-intro";
    intro.textContent = widget(name).intro;
    host.append(title, intro);
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
      if (mounted.unloaded) {
        const p = document.createElement("p");
        p.className = "error";
        p.setAttribute("role", "alert");
        p.textContent = `${mounted.unloaded.message.replace(/^./, (c) => c.toUpperCase())}. The toy data is shown instead.`;
        intro.after(p);
      }
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
