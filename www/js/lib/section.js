// The one shape of every widget. A section module exports
//
//   export default {
//     name: "landscape",                    // its row in widgets.js
//     effects: { span: "compute" },         // option key → the hook its change calls (default "build")
//     create(w) { …; return { build, draw, step?, reset?, exports? } },
//   };
//
// and this skeleton does the rest: it gives the section its options as data (`w.options`, from
// the options table, the URL, an element's attributes or Python) and builds their controls
// (`w.control(key)`); owns the status line and errors; frees the wasm objects the section
// registers (`w.own`, `w.hold`) on every rebuild and on removal, each exactly once; calls
// `draw` at most once per animation frame (`w.redraw()`) and on resize; wires Step / Play /
// Reset (`w.player`); and tells stale asynchronous work apart (`w.epoch`, `w.turn`).
//
// Hooks: build() makes the section's objects from the settings (called at mount, when a shared
// setting changes and when an option whose effect is "build" changes; may return a promise);
// draw() paints from what is there; the rest are the section's own.
import { el, present, button, player as makePlayer, nextTurn, timeSlicer, slider, select, checkbox, choiceSlider } from "./ui.js";
import { fmt, fmtH } from "./format.js";
import { widgetOptions, defaultOf, valuesOf, parseOption, optionRow } from "./options.js";
import { Records } from "./downloads.js";
import { createPrediction } from "./predict.js";

/** Scale of the seeded random W a section starts from, per data set. */
const INIT_SCALE = { toy: 1, spiral: 1, iris: 0.1, digits: 0.01 };

/**
 * Mounts `section` (a module's default export) into `host` on `page` with the options `given`
 * (already validated: see options.js readOptions). Returns the widget handle
 * { ready, destroy, setOption, options, exports, root }.
 */
export function mountSection(host, page, section, given = {}) {
  const L = page.L;
  const name = section.name;
  const rows = widgetOptions(name);
  const effects = section.effects ?? {};
  let settings = { ...page.settings };
  let ds = null; // the Dataset this section is on (fetched on first use)
  const explicit = {}; // options given from outside or set by the learner
  const options = {}; // every option of this widget, resolved (explicit, else the default)
  const controls = new Map(); // key → { sync }
  const owned = []; // wasm objects of the current build, freed at the next build and on destroy
  const slots = new Map(); // name → wasm object, replaced (and the old one freed) by hold()
  const players = [];
  const replays = []; // the counted step of a widget with a `steps` row (see w.player)
  const unlisten = [];
  let epoch = 0;
  let hooks = {};
  let destroyed = false;
  let unreplayable = false; // see w.unlinkProgress
  let built = 0; // builds started: the first one replays a link's progress (a run's steps)
  const progressRows = rows.filter((r) => r.progress);
  const predictions = []; // w.predict's handles (lib/predict.js)

  const statusLine = el("p", { class: "status", "aria-live": "polite" });
  const root = el("div", { class: `section section-${name}` });
  // the sections build their content with root.append(…): an absent piece is skipped, as el()
  // skips it (ui.js present), never written as the text "null"
  const appendAll = root.append.bind(root);
  root.append = (...pieces) => appendAll(...pieces.filter(present));

  const info = () => ({ dataset: settings.dataset, len: w.dataset().len });
  const resolve = () => {
    for (const r of rows) options[r.key] = Object.hasOwn(explicit, r.key) ? explicit[r.key] : defaultOf(r, info(), name);
  };
  const freeOnce = (obj) => {
    try {
      obj?.free?.();
    } catch (e) {
      console.error(e);
    }
  };
  const freeAll = () => {
    for (const obj of [...slots.values()].reverse()) freeOnce(obj);
    slots.clear();
    for (const obj of owned.splice(0).reverse()) freeOnce(obj);
  };

  const w = {
    L,
    name,
    root,
    /** This section's copy of the shared settings: it changes only when this section rebuilds. */
    get settings() { return settings; },
    /** Every option of this widget (options.js rows), resolved: read-only for the section. */
    options,
    /** The current build's number: asynchronous work compares it to know it is stale. */
    get epoch() { return epoch; },
    get destroyed() { return destroyed; },
    dataset(n) {
      if (n !== undefined) return page.dataset(n);
      return (ds ??= page.dataset(settings.dataset));
    },
    datasetLabel() { return settings.dataset === "custom" ? page.datasetLabel("custom") : page.datasetLabel(settings.dataset); },
    initScale() { return INIT_SCALE[settings.dataset] ?? 0.01; },
    /**
     * A new Classifier (owned by this build) on the section's data at its start W: see
     * startWeights. Options other than the defaults: { seed, scale, reg, loss }.
     */
    classifier({ seed = settings.seed, scale, reg = settings.reg, loss = settings.loss } = {}) {
      const m = w.own(new L.Classifier(w.dataset(), { loss, reg }));
      w.startWeights(m, { seed, scale });
      return m;
    },
    /**
     * Puts `clf` at the section's start W: the page's initialWeights (the learner's W in Jupyter)
     * when they fit W's shape and neither another seed nor a scale is asked for, else the seeded
     * random W ~ scale·N(0, 1).
     */
    startWeights(clf, { seed = settings.seed, scale } = {}) {
      const w0 = page.initialWeights;
      if (w0 && seed === settings.seed && scale === undefined && w0.length === clf.rows * clf.cols) clf.setWeights(w0);
      else clf.randomize(seed, scale ?? w.initScale());
    },
    /** Registers a wasm object to be freed at the next build and on removal; returns it. */
    own(obj) {
      owned.push(obj);
      return obj;
    },
    /** Puts `obj` in slot `key`, freeing what was there; freed at the next build and on removal. */
    hold(key, obj) {
      const old = slots.get(key);
      if (old && old !== obj) freeOnce(old);
      slots.set(key, obj);
      return obj;
    },
    /** Frees a temporary object now (a no-op on null). */
    free(obj) {
      if (obj) freeOnce(obj);
    },
    /** True when work started in build `my` must stop (a newer build, or the widget is gone). */
    stale(my) { return destroyed || my !== epoch; },
    /** Waits for the next turn of the page's queue; false when work of build `my` must stop. */
    async turn(my) {
      await nextTurn();
      return !w.stale(my);
    },
    /** Shows text in the status line (and clears an error). */
    say(text) {
      statusLine.classList.remove("error");
      statusLine.textContent = text;
    },
    /** Shows an error in the status line; the widget keeps working. */
    error(e) {
      statusLine.textContent = `Error: ${e && e.message ? e.message : String(e)}`;
      statusLine.classList.add("error");
    },
    clearError() {
      if (statusLine.classList.contains("error")) w.say("");
    },
    /** `f` wrapped so that what it throws is shown in the status line. */
    guard(f) {
      return (...args) => {
        try {
          return f(...args);
        } catch (e) {
          w.error(e);
          return undefined;
        }
      };
    },
    /** Listens on `target` (window, document, an element) until the widget is removed. */
    on(target, type, f, opts) {
      const g = w.guard(f);
      target.addEventListener(type, g, opts);
      unlisten.push(() => target.removeEventListener(type, g, opts));
    },
    /** Frees this build's objects and calls build() again (e.g. "New directions"). */
    rebuild: () => rebuild(),
    /** Asks for draw() before the next frame (at most once per frame however often asked). */
    redraw: null,
    /** A canvas with an accessible name. */
    canvas(label, cls = "chart") {
      return el("canvas", { class: cls, role: "img", "aria-label": label });
    },
    /** The control of option `key`, built from its row in options.js. */
    control(key) {
      return makeControl(key);
    },
    /** Sets option `key` (validated by its row) as the learner's control would. */
    setOption(key, value) {
      const row = optionRow(key);
      if (!row || !rows.includes(row)) throw new Error(`${name} has no option ${key}`);
      const r = parseOption(row, value);
      if (r.error) throw new Error(r.error);
      applyOption(row.key, r.value);
    },
    /**
     * Records the section's own state `key` (a row marked `state` in options.js: a count of New
     * directions, a chord's end, a run's progress) so that a link carries it; calls no hook. The
     * section reads it back from w.options at its next build.
     */
    setState(key, value) {
      const row = optionRow(key);
      if (!row || !row.state || !rows.includes(row)) throw new Error(`${name} has no state ${key}`);
      const r = parseOption(row, value);
      if (r.error) throw new Error(r.error);
      const was = options[row.key];
      if (r.value === defaultOf(row, info(), name)) delete explicit[row.key];
      else explicit[row.key] = r.value;
      resolve();
      if (options[row.key] !== was) page.onOption?.(name, row.key, r.value, { state: true });
    },
    /**
     * Says that the run can no longer be replayed from a link (e.g. its step size changed part
     * way): the link drops the run's steps until the next Reset or build, so it reproduces the
     * start rather than a different run.
     */
    unlinkProgress() {
      unreplayable = true;
      if (options.steps) w.setState("steps", 0);
    },
    /** Step / Play / Reset buttons: see ui.js player. Stopped on every build and on removal. */
    player({ step, reset, stepsPerFrame, interval, onStop, stepAttrs = {} }) {
      const playBtn = button("Play", () => {});
      // a step that throws shows its error and stops Play (a step returns false to stop it too)
      // page.onPlayer(name, "step" | "reset" | "stop"): told after each step, reset and stop (the
      // Jupyter widget writes the optimizer's W back to Python from it)
      const told = (what) => { try { page.onPlayer?.(name, what); } catch (e) { console.error(e); } };
      // a widget with a `steps` row counts the steps taken (a step returns false when it took none)
      const counts = rows.some((r) => r.key === "steps");
      const counted = () => {
        const took = step();
        if (counts && took !== false && !unreplayable) w.setState("steps", Math.min(optionRow("steps").max, options.steps + 1));
        return took;
      };
      const tick = () => {
        try {
          return counted();
        } catch (e) {
          w.error(e);
          return false;
        } finally {
          told("step");
        }
      };
      const stopped = () => { told("stop"); onStop?.(); };
      const play = makePlayer({ button: playBtn, tick, stepsPerFrame, interval, onStop: w.guard(stopped) });
      const stepBtn = button("Step", w.guard(() => { play.stop(); try { counted(); } finally { told("step"); } }), stepAttrs);
      const resetBtn = button("Reset", w.guard(() => { play.stop(); try { clearProgress(); reset(); } finally { told("reset"); } }));
      players.push(play);
      if (counts) replays.push(counted);
      return { play, stepBtn, playBtn, resetBtn };
    },
    /**
     * A prediction the learner commits to before the section shows its answer (lib/predict.js:
     * the spec and the handle). Off (p.state "off", no card) when the `predict` option is off.
     */
    predict(spec) {
      if (predictions.some((q) => q.id === spec.id)) throw new Error(`${name} already has a prediction ${spec.id}`);
      const p = createPrediction(name, spec, { on: settings.predict !== false, context: predictionContext });
      predictions.push(p);
      return p;
    },
    /** A bounded table of what the section recorded, offered as "Save CSV". */
    records(columns) {
      return new Records(columns);
    },
  };

  /** The settings an answer is for, in words: "toy, SVM, reg 0.001". */
  function predictionContext() {
    const d = settings.dataset === "custom" ? "your CSV" : settings.dataset;
    return `${d}, ${settings.loss === "svm" ? "SVM" : "softmax"}${settings.reg ? `, reg ${fmt(settings.reg)}` : ""}`;
  }

  let pending = false;
  w.redraw = () => {
    if (pending || destroyed) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (!destroyed) w.guard(() => hooks.draw?.())();
    });
  };

  function makeControl(key) {
    const row = optionRow(key);
    const c = row.control;
    const label = c.labels?.[name] ?? c.label;
    const onInput = (v) => applyOption(row.key, v, { fromControl: true });
    let ctl, sync;
    if (c.kind === "check") {
      ctl = checkbox({ label, checked: options[key], onChange: onInput });
      sync = () => { ctl.input.checked = options[key]; };
    } else if (c.kind === "select") {
      const choices = c.choices ?? row.values.map((v) => [String(v), c.format ? c.format(v) : String(v)]);
      ctl = select({ label, options: choices, value: String(options[key]), onChange: (s) => onInput(row.values.find((v) => String(v) === s)) });
      sync = () => { ctl.input.value = String(options[key]); };
    } else if (c.kind === "exponent") {
      const lo = Math.round(Math.log10(row.min)), hi = Math.round(Math.log10(row.max));
      ctl = slider({ label, min: lo, max: hi, step: 1, value: Math.round(Math.log10(options[key])), format: (k) => fmtH(10 ** k), onInput: (k) => onInput(Number(`1e${k}`)) });
      sync = () => ctl.set(Math.round(Math.log10(options[key])));
    } else if (c.kind === "slider") {
      ctl = slider({ label, min: row.min, max: row.max, step: c.step, value: options[key], format: c.format, onInput });
      sync = () => ctl.set(options[key]);
    } else {
      // "steps": a slider over the row's values, plus the current value if it is not one of them
      const list = () => {
        const vs = [...(valuesOf(row, info()) ?? [])];
        if (!vs.includes(options[key])) vs.push(options[key]);
        return vs.sort((a, b) => a - b);
      };
      ctl = choiceSlider({ label, values: list(), value: options[key], format: c.format ?? ((v) => fmt(v)), onInput });
      sync = () => ctl.setValues(list(), options[key]);
    }
    controls.set(key, { sync });
    return ctl.wrap;
  }

  function applyOption(key, value, { fromControl = false } = {}) {
    explicit[key] = value;
    const effect = effects[key] ?? "build";
    if (effect === "build" || effect === "reset") clearProgress(); // the run starts over
    resolve();
    if (!fromControl) controls.get(key)?.sync();
    page.onOption?.(name, key, value);
    if (effect === "build") rebuild();
    else w.guard(() => hooks[effect]?.())();
  }

  /** A run's progress back to its default (a run that starts over has taken no steps). */
  function clearProgress() {
    unreplayable = false;
    let moved = false;
    for (const r of progressRows) if (Object.hasOwn(explicit, r.key)) { delete explicit[r.key]; moved = true; }
    if (!moved) return;
    resolve();
    page.onOption?.(name, null, null, { state: true });
  }

  /**
   * After the first build: takes the `steps` a link asked for (at most the row's cap) with the
   * section's own step, in pieces of ~8 ms; the run is seeded, so the same link gives the same W.
   */
  async function replay() {
    const want = options.steps ?? 0;
    const step = replays[0];
    if (!step || !(want > 0)) return;
    const my = epoch;
    w.setState("steps", 0);
    const slicer = timeSlicer(8);
    while (options.steps < want) {
      const before = options.steps;
      if (step() === false && options.steps === before) break; // the run stopped (it blew up)
      if (slicer.due) {
        await slicer.next();
        if (w.stale(my)) return;
      }
    }
  }

  function rebuild() {
    if (built++ > 0) clearProgress(); // only the first build takes a link's progress
    epoch++;
    for (const p of players) p.stop();
    freeAll();
    const t0 = performance.now();
    try {
      w.clearError();
      const r = hooks.build?.();
      performance.measure(`lossland:build:${name}`, { start: t0 }); // its synchronous part
      return Promise.resolve(r).catch((e) => w.error(e));
    } catch (e) {
      w.error(e);
      return Promise.resolve();
    }
  }

  // options from outside first (already validated), then the defaults for the rest
  for (const r of rows) if (Object.hasOwn(given, r.key)) explicit[r.key] = given[r.key];
  resolve();
  try {
    hooks = section.create(w) ?? {};
  } catch (e) {
    w.error(e); // this widget shows what went wrong; the page and the other widgets go on
  }
  // a prediction's card the section did not place goes at the end of the section
  for (const p of predictions) if (p.card && !p.card.parentNode) root.append(p.card);
  root.append(statusLine);
  // a table of numbers wider than a phone scrolls in its own box: reachable by keyboard too
  for (const t of root.querySelectorAll("table.vals")) t.tabIndex = 0;
  host.append(root);

  unlisten.push(page.onChange((s) => {
    const moved = s.dataset !== settings.dataset;
    settings = { ...s };
    ds = null;
    if (moved) for (const r of rows) if (r.perDataset) delete explicit[r.key];
    resolve();
    for (const c of controls.values()) c.sync();
    rebuild();
    for (const p of predictions) p.settingsChanged();
  }));
  w.on(window, "resize", () => w.redraw());

  const ready = rebuild().then(() => replay().catch((e) => w.error(e)));
  const exports = hooks.exports && {
    ...hooks.exports,
    history: hooks.exports.records && (() => {
      const r = hooks.exports.records;
      return { columns: r.columns, rows: r.rows, dropped: r.dropped };
    }),
  };
  return {
    name,
    ready,
    root,
    options,
    /** The options given from outside or set by the learner (what a link must carry). */
    explicit: () => ({ ...explicit }),
    exports,
    setOption: w.setOption,
    /** The learner-facing state of the section's page for a download: its own settings. */
    view: { get settings() { return settings; }, dataset: () => w.dataset(), datasetLabel: () => w.datasetLabel(), initScale: () => w.initScale() },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      epoch++;
      for (const p of players) p.stop();
      for (const f of unlisten.splice(0)) f();
      freeAll();
      w.guard(() => hooks.destroy?.())();
    },
  };
}
