// Small DOM helpers shared by the widgets. Text is always set with textContent, never
// innerHTML, so nothing from a URL or a file can become markup.
import { createHold } from "./hold.js";

/** Whether `c` is a piece to append: null, undefined and false stand for an absent one (a
 * prediction card that predict=off leaves out), skipped, never written as text. */
export const present = (c) => c !== null && c !== undefined && c !== false;

/** Creates an element with attributes and children (strings become text nodes; absent ones, see `present`, skipped). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (!present(c)) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

let uid = 0;
export const nextId = (p) => `${p}-${++uid}`;

/** A button with an accessible name. */
export function button(label, onClick, attrs = {}) {
  return el("button", { type: "button", onclick: onClick, ...attrs }, label);
}

/** A labelled range input; `format` turns the value into the text shown beside it. */
export function slider({ label, min, max, step, value, format = String, onInput }) {
  const id = nextId("s");
  const out = el("output", { for: id, class: "value" }, format(Number(value)));
  const input = el("input", { id, type: "range", min, max, step, value });
  input.addEventListener("input", () => {
    out.textContent = format(Number(input.value));
    onInput?.(Number(input.value));
  });
  const wrap = el("div", { class: "control" }, el("label", { for: id }, label), input, out);
  return { wrap, input, out, get value() { return Number(input.value); }, set(v) { input.value = v; out.textContent = format(Number(input.value)); } };
}

/** A labelled select. `options` is a list of [value, text]. */
export function select({ label, options, value, onChange }) {
  const id = nextId("sel");
  const s = el("select", { id }, ...options.map(([v, t]) => el("option", { value: v, selected: v === value }, t)));
  s.addEventListener("change", () => onChange?.(s.value));
  return { wrap: el("div", { class: "control" }, el("label", { for: id }, label), s), input: s, get value() { return s.value; } };
}

/** A labelled checkbox. */
export function checkbox({ label, checked, onChange }) {
  const id = nextId("cb");
  const c = el("input", { id, type: "checkbox", checked });
  c.addEventListener("change", () => onChange?.(c.checked));
  return { wrap: el("div", { class: "control check" }, c, el("label", { for: id }, label)), input: c, get checked() { return c.checked; } };
}

/**
 * A labelled slider over a list of values (a log scale when the values are log-spaced); the
 * value shown is always one of the list (the caller adds a value it needs to show exactly).
 */
export function choiceSlider({ label, values, value, format = String, onInput }) {
  values = [...values];
  const id = nextId("cs");
  const nearest = (v) => {
    let best = 0;
    const d = (x) => (x > 0 && v > 0 ? Math.abs(Math.log(x / v)) : Math.abs(x - v));
    for (let i = 1; i < values.length; i++) if (d(values[i]) < d(values[best])) best = i;
    return best;
  };
  const input = el("input", { id, type: "range", min: 0, max: values.length - 1, step: 1, value: nearest(value) });
  const out = el("output", { for: id, class: "value" });
  const show = () => {
    const t = format(values[Number(input.value)]);
    out.textContent = t;
    input.setAttribute("aria-valuetext", t);
  };
  show();
  input.addEventListener("input", () => {
    show();
    onInput?.(values[Number(input.value)]);
  });
  const wrap = el("div", { class: "control" }, el("label", { for: id }, label), input, out);
  return {
    wrap,
    input,
    get value() { return values[Number(input.value)]; },
    set(v) { input.value = nearest(v); show(); },
    /** Replaces the list of values and picks the one nearest `v`. */
    setValues(list, v) { values = [...list]; input.max = values.length - 1; input.value = nearest(v); show(); },
  };
}

/**
 * Play/Pause: calls `tick()` from requestAnimationFrame until it returns false or Pause is
 * pressed. `stepsPerFrame()` says how many ticks a frame may do; a frame never runs past a
 * 12 ms budget, so the page never freezes.
 */
export function player({ button: btn, tick, stepsPerFrame = () => 1, onStop, interval = () => 0 }) {
  let running = false;
  let last = 0;
  const frame = (now) => {
    if (!running) return;
    if (now - last >= interval()) {
      last = now;
      const t0 = performance.now();
      const n = stepsPerFrame();
      for (let i = 0; i < n; i++) {
        if (tick() === false) {
          stop();
          return;
        }
        if (performance.now() - t0 > 12) break;
      }
    }
    requestAnimationFrame(frame);
  };
  function start() {
    if (running) return;
    running = true;
    btn.textContent = "Pause";
    btn.setAttribute("aria-pressed", "true");
    requestAnimationFrame(frame);
  }
  function stop() {
    if (!running) return;
    running = false;
    btn.textContent = "Play";
    btn.setAttribute("aria-pressed", "false");
    onStop?.();
  }
  btn.textContent = "Play";
  btn.setAttribute("aria-pressed", "false");
  btn.addEventListener("click", () => (running ? stop() : start()));
  return { start, stop, get running() { return running; } };
}

/** A bounded history (a ring of the last `cap` values), so long runs never grow memory. */
export class History {
  constructor(cap = 2000) {
    this.cap = cap;
    this.xs = [];
    this.ys = [];
  }
  push(x, y) {
    this.xs.push(x);
    this.ys.push(y);
    if (this.xs.length > this.cap) {
      this.xs.splice(0, this.xs.length - this.cap);
      this.ys.splice(0, this.ys.length - this.cap);
    }
  }
  clear() {
    this.xs.length = 0;
    this.ys.length = 0;
  }
  get length() {
    return this.xs.length;
  }
}

// The page's queue of turns. `await nextTurn()` resumes in a task of its own, after the turns
// already waiting (first come, first served). Long work (a settings change reaching nine
// sections, a slice, a run of steps) is cut into pieces of a few ms that each wait for a turn,
// so the pieces of several sections take turns instead of piling up in one task or one frame
// (all requestAnimationFrame callbacks of a frame run in one task). After about a frame's worth
// of turns in a row the queue waits for the next frame, so the page paints in between.
const waiting = [];
let posted = false, burstStart = -1;
let channel = null; // made on first use (under Node an open port would keep the process alive)
function post() {
  posted = true;
  if (burstStart >= 0 && performance.now() - burstStart > 12 && typeof requestAnimationFrame === "function") {
    burstStart = -1;
    requestAnimationFrame(() => setTimeout(runTurn, 0)); // after the frame is painted
  } else if (typeof MessageChannel === "function") {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => runTurn();
      channel.port1.unref?.(); // Node only
    }
    channel.port2.postMessage(0);
  } else setTimeout(runTurn, 0);
}
function runTurn() {
  posted = false;
  if (burstStart < 0) burstStart = performance.now();
  const resume = waiting.shift();
  if (waiting.length) post();
  else burstStart = -1;
  resume?.(); // the awaiting code runs now, in this task (its microtasks), before the next turn
}

/** Resolves in a task of its own once the turns queued before it have run (see above). */
export function nextTurn() {
  return new Promise((r) => {
    waiting.push(r);
    if (!posted) post();
  });
}

// While a slider of a landscape moves, the page's own background loops (work cut into turns:
// timeSlicer, and compute.js's jobs where no Worker runs) wait at their next turn until the
// hold ends, as the Worker's jobs of other widgets do (compute.js holdOthers): the gradient
// descent section's three runs on a CSV had taken 222 ms of the page's thread in a 2-s drag.
const pageHold = createHold();

/**
 * Holds the page's background loops (`nextFreeTurn`) for `ms` from now, except the jobs of
 * `key` (the widget whose slider moves; compute.js job keys).
 */
export function holdTurns(ms, key = null) {
  pageHold.set(ms, key);
}

/** `nextTurn`, then, while the page's background loops are held (holdTurns), until the hold ends; `key`: the job's widget (its own hold does not stop it). */
export async function nextFreeTurn(key = null) {
  await nextTurn();
  await pageHold.wait(key);
}

/**
 * For loops cut into turns: `slicer.due` is true once the current turn has used `budget` ms;
 * `await slicer.next()` waits for the next turn (and for a hold to end: holdTurns) and starts a
 * new budget.
 */
export function timeSlicer(budget = 8) {
  let t0 = performance.now();
  return {
    get due() { return performance.now() - t0 > budget; },
    get elapsed() { return performance.now() - t0; },
    async next() {
      await nextFreeTurn();
      t0 = performance.now();
    },
  };
}
