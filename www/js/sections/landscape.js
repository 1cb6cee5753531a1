// Section 1, the 2-D slice: L(W + a·W1 + b·W2) as a heat map with colour bar and a hover
// readout; the grid is computed in the compute Worker (lib/compute.js), or where none can run,
// as a 16 × 16 preview first and then in pieces of rows, so the page never freezes. While a
// slider moves, the grids are computed here, in pieces in the callbacks of animation frames.
import { el, button, nextTurn } from "../lib/ui.js";
import { heatMap, eventToData } from "../lib/canvas.js";
import { fmt, datasetName } from "../lib/format.js";
import { plane, quickPlane, nextFrame, holdOthers, jobKey, computeWhere } from "../lib/compute.js";

export default {
  name: "landscape",
  effects: { span: "compute", resolution: "compute" }, // normalize: a new landscape ("build")
  create(w) {
    const o = w.options;
    const canvas = w.canvas("Heat map of the loss over two random directions", "square");
    const hover = el("p", { class: "readout", "aria-live": "off" }, "Hover over the map to read a, b and the loss.");
    const summary = el("p", { class: "readout" });
    let land = null, built = null, chart = null, last = null; // last: { values, size, span, land }
    const key = jobKey("landscape"); // this widget's jobs: a newer one supersedes the older
    const cost = new Map(); // grid size → measured ms to compute it on the current landscape
    const atW = { land: null, loss: NaN }; // the loss at W (a = b = 0) of `land`
    let busy = null; // the grid being computed in the Worker: { land, size, again }
    // every request is numbered; a grid is drawn only if no later request's grid was drawn (a
    // Worker's answer may come after a quick grid of a newer slider position)
    let asked = 0, shown = 0;
    let drag = null; // the grids of a moving slider: { again, promise }
    // a slider of a drawn landscape moves: a full grid of this landscape and size is on the canvas
    const dragging = () => o.resolution > 16 && last?.land === land && last.size === o.resolution;

    const newDir = button("New directions", () => { w.setState("directions", o.directions + 1); w.rebuild(); });
    w.root.append(el("h3", {}, "Two directions: L(W + a·W1 + b·W2)"),
      el("div", { class: "controls" }, newDir, w.control("span"), w.control("resolution"), w.control("normalize")),
      canvas, hover, summary);

    function build() {
      const clf = (built = w.classifier());
      land = w.hold("land", new w.L.Landscape(clf, { seed: w.settings.seed * 1000 + 500 + o.directions, normalize: o.normalize }));
      cost.clear();
      if (!last) return compute(); // the page's first picture waits for nothing
      // after a change of data or settings, its first picture in a turn of its own: on a CSV at
      // the caps with the other core busy, the classifier, the landscape and the preview were one
      // task of 23 ms of CPU and 59 ms on the clock (the Worker parsing the file shared the core)
      const my = w.epoch, mine = land;
      return nextTurn().then(() => (w.stale(my) || land !== mine ? undefined : compute()));
    }

    // `ext` { lo, hi }: the f64 losses at the darkest and brightest grid points, given with a
    // picture computed for colour only (compute.js plane); else taken from the f64 values
    // (`quiet`: the summary's text is returned, not written: see finish)
    function draw(values, size, s, ext = null, seq = asked, quiet = false) {
      if (!values || seq < shown) return undefined;
      shown = seq;
      let lo = Infinity, hi = -Infinity;
      if (ext) ({ lo, hi } = ext);
      else for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const tp = performance.now();
      chart = heatMap(w.L, canvas, values, size, size, {
        title: `${datasetName(w.dataset())}, ${w.settings.loss.toUpperCase()}: loss around W`,
        xLabel: "a (along W1)", yLabel: "b (along W2)", xRange: [-s, s], yRange: [-s, s], colorbarLabel: "loss",
        ...(ext && Number.isFinite(lo) && Number.isFinite(hi) && lo < hi ? { lo, hi } : {}), // the colour bar's ends, f64
        markers: [{ x: 0, y: 0, color: "#ffffff", size: 6, filled: true, label: "W" }],
      });
      last = { values, size, span: s, land, ext };
      performance.measure("lossland:plane-paint", { start: tp, detail: size }); // the chart alone, on this thread
      performance.mark("lossland:plane-drawn", { detail: size });
      // W's own loss can fall outside the grid's range: the grid has an even number of points
      // per side, so a = b = 0 is none of them (said, so that the two numbers do not disagree)
      // (one f64 loss over the data: once per landscape, not per grid of a drag)
      if (atW.land !== land) Object.assign(atW, { land, loss: land.lossAt(0, 0) });
      const lossAtW = atW.loss;
      const between = size % 2 === 0 && (lossAtW < lo || lossAtW > hi) ? " (W lies between the grid's points: with an even number of them per side, none is at a = b = 0)" : "";
      const text = `${size} × ${size} grid: loss from ${fmt(lo)} (dark) to ${fmt(hi)} (bright); W sits at the white dot, loss ${fmt(lossAtW)}${between}.`;
      if (!quiet) {
        writeTexts(); // a moving slider's texts still waiting go first
        summary.textContent = text;
      }
      return text;
    }

    // While a slider moves, the summary and the status line are written at most every TEXT_MS,
    // and always for the drag's last grid (within TEXT_MS of it). Writing them lays the section
    // out again at every grid (~4 ms of each frame's rendering on this machine: with the other
    // core busy, 15–20% more new grids per s without it), and the status line is a live region
    // a screen reader would read out at every grid.
    const TEXT_MS = 250;
    let pending = null, wrote = -Infinity, textTimer = 0;
    function writeTexts() {
      clearTimeout(textTimer);
      textTimer = 0;
      if (!pending || w.destroyed) return;
      summary.textContent = pending.summary;
      w.say(pending.status);
      pending = null;
      wrote = performance.now();
    }
    function dragTexts(t) {
      pending = t;
      const since = performance.now() - wrote;
      if (since >= TEXT_MS) writeTexts();
      else if (!textTimer) textTimer = setTimeout(writeTexts, TEXT_MS - since);
    }

    async function compute() {
      const my = w.epoch, mine = land, clf = built;
      const s = o.span, size = o.resolution;
      if (dragging()) return dragSoon();
      const seq = ++asked;
      const t0 = performance.now();
      const stale = () => w.stale(my) || land !== mine || o.span !== s || o.resolution !== size;
      // Where a Worker runs (compute.js), every grid above 16 × 16 is computed there: while a
      // slider moves, the newest position supersedes the one in progress and the last picture
      // stays until the new one is ready. On the main thread, a grid whose measured cost fits a
      // frame is computed at once (every slider position drawn in full); otherwise, or the first
      // time, a 16 × 16 preview comes first and the full grid follows in pieces. How the cost
      // grows with the size differs by loss (about linear in the rows for the SVM's breakpoint
      // sweep, quadratic for softmax), so it is measured, not extrapolated.
      const known = cost.get(size);
      const onMain = computeWhere() !== "worker";
      let values, ext;
      if (size <= 16 || (onMain && known !== undefined && known < 16)) {
        values = land.plane(s, size);
        cost.set(size, performance.now() - t0);
      } else {
        let guess = Infinity;
        if (onMain) {
          const coarse = land.plane(s, 16);
          guess = ((performance.now() - t0) * size * size) / 256; // the quadratic bound
          if (!(known === undefined && guess < 8)) draw(coarse, 16, s);
        }
        if (onMain && known === undefined && guess < 8) {
          values = land.plane(s, size);
          cost.set(size, performance.now() - t0);
        } else {
          // In the Worker, while a slider moves: the grid in progress is finished and drawn (at
          // its own span, on its own axes), then the newest position is computed, so a drag
          // shows pictures as fast as the Worker makes them instead of none until it stops.
          const same = busy && busy.land === mine && busy.size === size;
          if (!onMain && same) { busy.again = true; return; }
          const job = (busy = { land: mine, size, again: false });
          const stats = {};
          let got;
          try {
            const asking = plane({ key, dataset: w.dataset(), clf, land: mine, span: s, size, colour: true, isStale: onMain ? stale : () => w.stale(my) || land !== mine || o.resolution !== size, stats });
            // a new landscape: a 16 × 16 preview from this thread while the Worker computes
            // the grid (unless its grid comes first), in pieces of rows: on a CSV at the caps
            // under softmax the preview's f64 rows take 20–36 ms, a long task once the other
            // core is busy
            if (!onMain && last?.land !== land) await preview(mine, s, stale, asking);
            got = await asking;
          } finally {
            if (busy === job) busy = null;
          }
          if (got) {
            values = got.values;
            ext = { lo: got.lo, hi: got.hi };
          }
          if (values && stats.work !== undefined) cost.set(size, stats.work);
          if (job.again && !w.stale(my) && land === mine) {
            // the newest position goes to the Worker first, then this grid is drawn: the Worker
            // computes the next grid while this thread draws the last one
            const next = compute();
            if (values && o.resolution === size) draw(values, size, s, ext, seq);
            return next;
          }
        }
      }
      if (!values || stale() || seq < shown) return;
      const work = cost.get(size);
      finish(values, size, s, ext, seq, t0, computeWhere() === "worker" && work !== undefined ? { where: "worker", ms: work } : { where: "here" });
    }

    /**
     * The 16 × 16 f64 plane of `mine` at span `s`, a few rows per turn of the page's queue (8 ms
     * of work at most, then a turn); drawn unless `stale()` or `asking` (the full grid's
     * promise) settled first.
     */
    async function preview(mine, s, stale, asking) {
      let answered = false;
      asking.then(() => { answered = true; }, () => { answered = true; });
      const rows = new Float64Array(256);
      let t0 = performance.now();
      for (let r = 0; r < 16; r++) {
        rows.set(mine.planeRows(s, 16, r, r + 1), r * 16);
        if (r < 15 && performance.now() - t0 > 8) {
          await nextTurn();
          if (answered || stale()) return;
          t0 = performance.now();
        }
      }
      if (!answered && !stale()) draw(rows, 16, s);
    }

    // Draws a computed grid and says what it cost: the computing time alone; from the Worker,
    // the wait for it (its start, the trip) said apart; while a slider moves, the frames it took
    function finish(values, size, s, ext, seq, t0, how) {
      const moving = how.where === "drag";
      const text = draw(values, size, s, ext, seq, moving);
      if (text === undefined) return; // a newer grid is on the canvas
      performance.measure("lossland:plane-redraw", { start: t0, detail: size });
      const wall = performance.now() - t0, n = size * size;
      // the browser's clock has a coarse grain (0.1 ms here): a tiny grid reads "<0.1 ms", not "0 ms"
      const ms = (v) => (v < 0.1 ? "<0.1 ms" : `${fmt(v, 3)} ms`);
      const status = how.where === "worker" ? `Computed ${n} loss values in ${ms(how.ms)} in the compute Worker (${ms(wall)} from the request to the picture).`
        : moving ? `Computed ${n} loss values in ${ms(how.ms)} on this page's thread, ${how.frames === 1 ? "in one frame" : `in pieces over ${how.frames} frames`} (while a slider moves, grids are computed here).`
        : `Computed ${n} loss values in ${ms(wall)}.`;
      if (moving) dragTexts({ summary: text, status });
      else w.say(status);
    }

    // While a slider moves (a grid of this landscape and size is on the canvas): the grids
    // are computed and drawn on this thread in the callbacks of animation frames, in pieces
    // of at most DRAG_FRAME_MS (compute.js quickPlane), one grid after the other, each for the
    // newest position of the sliders (the key presses that come while one is computed share
    // the next); the Worker's jobs of other widgets wait meanwhile (holdOthers).
    function dragSoon() {
      if (drag) {
        drag.again = true;
        return drag.promise;
      }
      const mine = (drag = { again: true, promise: null }), my = w.epoch;
      mine.promise = (async () => {
        try {
          while (mine.again) {
            mine.again = false;
            await nextFrame();
            if (w.stale(my)) return;
            if (!dragging()) {
              drag = null;
              return compute(); // rebuilt or resized meanwhile
            }
            holdOthers(key);
            await dragGrid(my);
          }
        } finally {
          if (drag === mine) drag = null;
        }
      })();
      return mine.promise;
    }

    async function dragGrid(my) {
      const s = o.span, size = o.resolution, mine = land;
      const seq = ++asked, t0 = performance.now();
      const r = await quickPlane({ land, span: s, size, colour: true, isStale: () => w.stale(my) || land !== mine || o.resolution !== size });
      if (!r) return;
      cost.set(size, r.ms);
      finish(r.values, size, s, { lo: r.lo, hi: r.hi }, seq, t0, { where: "drag", ms: r.ms, frames: r.frames });
    }

    w.on(canvas, "mousemove", (ev) => {
      const p = eventToData(w.L, chart, canvas, ev);
      if (!p || !land) return;
      hover.textContent = `a = ${fmt(p.x)}, b = ${fmt(p.y)}, loss = ${fmt(land.lossAt(p.x, p.y))}`;
    });
    return { build, draw: () => last && draw(last.values, last.size, last.span, last.ext), compute: () => compute().catch((e) => w.error(e)) };
  },
};
