// Predictions made on a chart itself (issue 13): the custom inputs of w.predict that a section
// hands to the prediction step ({ kind: "custom", mount(box, api) }, see predict.js).
//
//   chartGuess: one number read off a chart's axis: a click or a drag on the chart places it
//     (a vertical line for the x axis, a horizontal one for y), arrow keys on the focusable
//     control in the prediction's card move it, Enter commits; its text is read back (aria-live).
//   cellGuess: a set of entries of a grid (drawGrid, matrix.js): a click on a cell, or Space on
//     the focused grid's current cell, marks or unmarks it; "All" and "None" buttons; an empty
//     set is an answer too ("no entry").
//
// Neither draws anything itself: the section draws the guess on its own chart (it reads
// `value`) when the input asks it to redraw, so the guess sits on the chart's own axes. Pixel ↔
// data goes through the chart's transform (canvas.js eventToData, i.e. Rust) only.
import { el, button, nextId } from "./ui.js";
import { eventToData } from "./canvas.js";

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
/** v on a grid of `g` (12 significant digits: no 0.30000000000000004 in the text read back). */
const snap = (v, g) => Number((Math.round(v / g) * g).toPrecision(12));

/**
 * A guess of one number along an axis of the chart drawn on `canvas`.
 *   w: the section's skeleton (listeners go through w.on, so they end with the widget)
 *   chart(): the chart last drawn on canvas ({ transform, dpr } from lineChart)
 *   axis: "x" or "y"; range(): [lo, hi] the guess may take; step(): an arrow key's move
 *   label: the control's accessible name; format(v): how a guess reads ("a = 0.42")
 *   start(): where the first arrow key puts a guess not yet made; onMove(): asks for a redraw
 * Returns the custom input, plus `value` (null until the learner places it) and `active`
 * (a guess may be placed now: mounted, not yet committed).
 */
export function chartGuess(w, { canvas, chart, axis = "x", range, step, label, format, start, onMove }) {
  let value = null, api = null, control = null, live = null, dragging = false;
  const active = () => !!api && !api.committed && control?.isConnected;

  function set(v, { announce = true } = {}) {
    const [lo, hi] = range();
    value = clamp(v, lo, hi);
    const text = format(value);
    if (control) {
      control.setAttribute("aria-valuemin", String(lo));
      control.setAttribute("aria-valuemax", String(hi));
      control.setAttribute("aria-valuenow", String(value));
      control.setAttribute("aria-valuetext", text);
      control.textContent = `Your guess: ${text}`;
    }
    if (announce && live) live.textContent = `Your guess: ${text}`;
    api?.setGuess(value, text);
    onMove?.();
  }

  function fromEvent(ev) {
    const p = eventToData(w.L, chart(), canvas, ev);
    if (!p) return false;
    // a pointer's guess to a hundredth of the range's order (a = 0.61, not 0.6053; 54 %, not 54.3 %)
    const [lo, hi] = range();
    set(snap(axis === "x" ? p.x : p.y, 10 ** Math.floor(Math.log10((hi - lo) / 100))));
    return true;
  }

  w.on(canvas, "pointerdown", (ev) => {
    if (!active() || ev.button !== 0) return;
    if (!fromEvent(ev)) return;
    ev.preventDefault(); // no text selection, no click on the section's own handler's behalf
    dragging = true;
    canvas.setPointerCapture?.(ev.pointerId);
  });
  w.on(canvas, "pointermove", (ev) => { if (dragging && active()) fromEvent(ev); });
  const stop = (ev) => {
    if (!dragging) return;
    dragging = false;
    if (canvas.hasPointerCapture?.(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
  };
  w.on(canvas, "pointerup", stop);
  w.on(canvas, "pointercancel", stop);

  function onKey(ev) {
    if (!active()) return;
    if (ev.key === "Enter") {
      if (value !== null) { ev.preventDefault(); api.commit(); }
      return;
    }
    const [lo, hi] = range();
    const s = step();
    const up = axis === "x" ? ["ArrowRight", "ArrowUp"] : ["ArrowUp", "ArrowRight"];
    const down = axis === "x" ? ["ArrowLeft", "ArrowDown"] : ["ArrowDown", "ArrowLeft"];
    const from = value ?? start();
    let v;
    if (value === null && [...up, ...down, "PageUp", "PageDown"].includes(ev.key)) v = from; // the first key places it
    else if (up.includes(ev.key)) v = from + s;
    else if (down.includes(ev.key)) v = from - s;
    else if (ev.key === "PageUp") v = from + 10 * s;
    else if (ev.key === "PageDown") v = from - 10 * s;
    else if (ev.key === "Home") v = lo;
    else if (ev.key === "End") v = hi;
    else return;
    ev.preventDefault();
    set(snap(v, s)); // on the step's grid, so keys land on round numbers
  }

  const input = {
    kind: "custom",
    get value() { return value; },
    get active() { return active(); },
    mount(box, a) {
      api = a;
      value = null;
      const id = nextId("chartguess");
      control = el("div", { class: "chartguess-control", role: "slider", tabindex: 0, id, "aria-label": label,
        "aria-orientation": axis === "x" ? "horizontal" : "vertical", "aria-describedby": `${id}-hint` }, "No guess yet");
      live = el("p", { class: "sr-only", "aria-live": "polite" });
      const [lo, hi] = range();
      control.setAttribute("aria-valuemin", String(lo));
      control.setAttribute("aria-valuemax", String(hi));
      // a slider needs a value: where the first key puts it, read as "no guess yet" until then
      control.setAttribute("aria-valuenow", String(clamp(start(), lo, hi)));
      control.setAttribute("aria-valuetext", "no guess yet");
      control.addEventListener("keydown", w.guard(onKey));
      const how = axis === "x" ? "Click or drag on the chart, or focus this and use ← / →" : "Click or drag on the chart, or focus this and use ↑ / ↓";
      box.append(el("div", { class: "chartguess" }, control, el("p", { class: "chartguess-hint", id: `${id}-hint` }, `${how}; Enter commits.`), live));
      canvas.classList.add("guessing", `guessing-${axis}`);
    },
    /** The chart stops taking guesses (the section calls it when the prediction is revealed or off). */
    release() {
      canvas.classList.remove("guessing", "guessing-x", "guessing-y");
      if (control) {
        control.setAttribute("aria-disabled", "true"); // the guess is locked
        control.tabIndex = -1;
        if (value === null) { control.textContent = "No guess made"; control.setAttribute("aria-valuetext", "no guess made"); }
      }
    },
  };
  return input;
}

/**
 * A guess of a set of entries of a grid drawn by drawGrid on `canvas`.
 *   count(): how many entries; current(): the entry the grid's keyboard cursor is on (−1: none);
 *   hit(ev): the entry under a pointer event (−1: none); name(i): how entry i reads;
 *   what: what a marked entry means ("flagged"); onMove(): asks for a redraw
 * Returns the custom input, plus `picked` (a Set of entry indices) and `active`.
 */
export function cellGuess(w, { canvas, count, current, hit, name, what = "flagged", onMove }) {
  const picked = new Set();
  let api = null, summary = null, live = null;
  const active = () => !!api && !api.committed && summary?.isConnected;

  const text = () => {
    if (!picked.size) return "no entry";
    const list = [...picked].sort((a, b) => a - b);
    const shown = list.slice(0, 6).map(name).join(", ");
    return `${list.length} ${list.length === 1 ? "entry" : "entries"}: ${shown}${list.length > 6 ? ", …" : ""}`;
  };
  function changed(said, move = true) {
    const t = text();
    if (summary) summary.textContent = `You expect ${t} to be ${what}.`;
    if (live && said) live.textContent = said;
    api?.setGuess([...picked].sort((a, b) => a - b), t);
    if (move) onMove?.();
  }
  function toggle(i) {
    if (i < 0 || i >= count()) return;
    const on = !picked.has(i);
    if (on) picked.add(i); else picked.delete(i);
    changed(`${name(i)}: ${on ? `expected ${what}` : "not marked"}. ${picked.size} marked.`);
  }

  w.on(canvas, "click", (ev) => { if (active()) toggle(hit(ev)); });
  w.on(canvas, "keydown", (ev) => {
    if (!active()) return;
    if (ev.key === " " || ev.key === "Spacebar") {
      ev.preventDefault();
      toggle(current() < 0 ? 0 : current());
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      api.commit();
    }
  });

  return {
    kind: "custom",
    get picked() { return picked; },
    get active() { return active(); },
    /** Whether entry i is marked (what the section draws on its grid). */
    has: (i) => picked.has(i),
    mount(box, a) {
      api = a;
      picked.clear();
      summary = el("p", { class: "cellguess-summary" });
      live = el("p", { class: "sr-only", "aria-live": "polite" });
      const all = button("Mark all", () => { for (let i = 0; i < count(); i++) picked.add(i); changed(`All ${count()} entries marked.`); });
      const none = button("Mark none", () => { picked.clear(); changed("No entry marked."); });
      box.append(el("div", { class: "cellguess" },
        el("p", { class: "chartguess-hint" }, `Click the entries on the relative-error grid, or focus the grid (Tab), move with the arrow keys and press Space to mark one; Enter commits.`),
        el("div", { class: "controls" }, all, none), summary, live));
      canvas.classList.add("guessing");
      changed("", false); // "no entry" is a guess from the start (mount is called inside w.predict: no redraw asked here)
    },
    release() {
      canvas.classList.remove("guessing");
    },
  };
}
