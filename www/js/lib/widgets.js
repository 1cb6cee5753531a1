// The widgets, listed once: the notebook's data-widget names, embed.html's ?widget=, the custom
// elements and the Python widget all look names up here. A row: the canonical name, other
// names accepted for it, the section module, the title an embed shows, and a short
// introduction for an embed (which has no notebook prose around it).
import { loadLossland } from "./wasm.js";
import { createPage, prefetchDataset } from "./page.js";
import { mountSection } from "./section.js";
import { readOptions } from "./options.js";

export const WIDGETS = [
  { name: "line", aliases: ["1d"], load: () => import("../sections/line.js"),
    title: "The loss along one direction",
    intro: "L(W + a·W1) along a random direction W1: the data loss (thick) is the average of each example's loss (thin). Place a chord with the sliders or by clicking the chart." },
  { name: "landscape", aliases: ["plane", "2d"], load: () => import("../sections/landscape.js"),
    title: "The loss over a 2-D slice of weight space",
    intro: "L(W + a·W1 + b·W2) over two random directions, dark where the loss is low. Hover over the map to read the loss." },
  { name: "random-search", aliases: [], load: () => import("../sections/randomsearch.js"),
    title: "Random search",
    intro: "Draw a random W, keep it if it is the best so far, repeat: it never uses what it has learned." },
  { name: "local-search", aliases: ["random-local-search"], load: () => import("../sections/localsearch.js"),
    title: "Random local search",
    intro: "Try a small random step from the current W and take it only if the loss goes down." },
  { name: "stepper", aliases: ["gradient-stepper"], load: () => import("../sections/stepper.js"),
    title: "The numerical gradient, one coordinate at a time",
    intro: "The lecture's loop: nudge one weight by h, evaluate the loss, take the slope, put the weight back. → or Space steps, ← goes back (click the widget first)." },
  { name: "gradcheck", aliases: ["gradient-check"], load: () => import("../sections/gradcheck.js"),
    title: "The analytic gradient and the gradient check",
    intro: "The analytic gradient compared entry by entry with the numerical one, with CS231n's reading of the relative error." },
  { name: "gd", aliases: [], load: () => import("../sections/gd.js"),
    title: "Gradient descent",
    intro: "W ← W − stepSize · dW, step after step; the path is drawn on a slice of the loss through the start." },
  { name: "sgd", aliases: [], load: () => import("../sections/sgd.js"),
    title: "Mini-batch gradient descent and SGD",
    intro: "Each step estimates the gradient from a random mini-batch: cheap, noisy steps." },
  { name: "scoreboard", aliases: [], load: () => import("../sections/scoreboard.js"),
    title: "Scoreboard",
    intro: "Random search, random local search and gradient descent with the same budget of loss evaluations." },
];

/** What <lossland-optimizer method="…"> and embed.html?widget=optimizer&method=… show. */
export const METHODS = { gd: "gd", sgd: "sgd", "random-search": "random-search", "random-local-search": "local-search" };

/** The registry row for a name or alias, or undefined. */
export function widget(name) {
  if (typeof name !== "string") return undefined;
  return WIDGETS.find((w) => w.name === name || w.aliases.includes(name));
}

/** The canonical name for a name or alias, or null when it is not a widget. */
export function widgetName(name) {
  return widget(name)?.name ?? null;
}

export const WIDGET_NAMES = WIDGETS.map((w) => w.name);

/**
 * Mounts widget `name` alone into `host` with a page of its own (the wasm module is still
 * shared): for embed.html and the custom elements. `settings` and `options` are validated
 * values (options.js readOptions). Returns the section's handle; its destroy() frees the
 * widget's wasm objects and its page's data sets; `unloaded`: null, or the Error that made it
 * show the toy set instead of the digits (their bytes could not be fetched).
 */
export async function mountWidget(host, name, { settings, options = {} } = {}) {
  const row = widget(name);
  if (!row) throw new Error(`there is no widget called that: the widgets are ${WIDGET_NAMES.join(", ")}`);
  settings ??= readOptions(() => null).settings;
  prefetchDataset(settings.dataset); // the digits' bytes alongside the wasm
  const [L, mod] = await Promise.all([loadLossland(), row.load()]);
  const page = createPage(L, settings);
  // the digits, fetched; if they could not be, the widget shows the toy set and `unloaded` says why
  const unloaded = await page.ready;
  try {
    const handle = mountSection(host, page, mod.default, options);
    return { ...handle, page, unloaded, destroy() { handle.destroy(); page.destroy(); } };
  } catch (e) {
    page.destroy();
    throw e;
  }
}
