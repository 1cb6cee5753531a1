// Section 1, the 1-D slice: L(W + a·W1) (thick) over a few single examples' L_i (thin), and
// the convexity demo: pick two points, the chord lies on or above the graph.
// Predict, then see (issue 13): where along W1 the loss is lowest, clicked on the chart before
// its curve is drawn (lib/chartguess.js); and whether a chord can dip below the curve.
import { el, button, slider } from "../lib/ui.js";
import { lineChart, eventToData, PALETTE } from "../lib/canvas.js";
import { fmt, datasetName } from "../lib/format.js";
import { chartGuess } from "../lib/chartguess.js";

const POINTS = 201;
// the single examples' thin lines: dark enough for a projector, none of them the chord's black
// or the average's blue (green, reddish purple, vermillion: Okabe–Ito, darkened)
const EXAMPLE_COLORS = ["#00755A", "#A4507E", "#B04A00"];
const GUESS_COLOR = "#CC79A7"; // the learner's guess: reddish purple, apart from the orange lowest point
const CHORD_CHOICES = [["above", "On or above the curve, wherever the two points are"], ["sometimes", "Above for some pairs of points, below for others"], ["below", "Below the curve"]];

export default {
  name: "line",
  effects: { span: "draw" },
  create(w) {
    const o = w.options;
    const canvas = w.canvas("Loss along one random direction", "chart tall");
    const readout = el("p", { class: "readout" });
    let land = null, chart = null, nextPick = 0;
    let shown = null; // what the last draw computed: { xs, avg, iMin, yRange }
    // the curves of the last draw, kept while the landscape and the span stay: moving the chord
    // or a guess redraws the chart only (on a 5000 × 60 CSV under softmax the curves cost ~10 ms
    // a draw: with the other core busy, tasks of up to 75 ms while the chord's slider moved)
    let curves = null; // { land, span, xs, avg, examples }
    let guessedOn = ""; // the line the minimum's guess was revealed on (a new direction is another line)
    const lineKey = () => { const s = w.settings; return `${s.dataset}|${s.loss}|${s.reg}|${s.seed}|${o.directions}`; };

    // the chord's ends as fractions of the span, so they stay inside when the span changes
    const a1 = slider({ label: "Chord start a₁", min: -1, max: 1, step: 0.01, value: o.chordStart, format: (v) => fmt(v * o.span), onInput: (v) => { w.setState("chordStart", v); w.redraw(); } });
    const a2 = slider({ label: "Chord end a₂", min: -1, max: 1, step: 0.01, value: o.chordEnd, format: (v) => fmt(v * o.span), onInput: (v) => { w.setState("chordEnd", v); w.redraw(); } });
    const newDir = button("New direction", () => { w.setState("directions", o.directions + 1); w.rebuild(); });

    // the lowest point: a guess on the chart's a axis, the answer the section's own lowest sample
    const guess = chartGuess(w, {
      canvas, chart: () => chart, axis: "x", range: () => [-o.span, o.span], step: () => o.span / 50, start: () => 0,
      label: "Your guess: the a where the loss is lowest", format: (v) => `a = ${fmt(v)}`, onMove: () => w.redraw(),
    });
    const minimum = w.predict({
      id: "minimum",
      question: "Where along W1 do you expect the loss to be lowest? Click or drag on the chart: its axes are drawn, the curve is not.",
      input: guess,
      truth: async () => {
        draw();
        guessedOn = lineKey();
        const a = shown.xs[shown.iMin];
        return { value: a, text: `a = ${fmt(a)}`, loss: shown.avg[shown.iMin], span: o.span };
      },
      judge: (g, t) => {
        const d = Math.abs(g.value - t.value), share = d / (2 * t.span);
        return { right: share <= 0.1, line: `You said a = ${fmt(g.value)}; the lowest point on this line is at a = ${fmt(t.value)}: ${fmt(d)} away (${Math.round(100 * share)} % of the span from −${fmt(t.span)} to ${fmt(t.span)}).` };
      },
      reason: (t) => minimumReason(t),
      onChange: () => { if (minimum.revealed) guess.release(); showChordCard(); w.redraw(); },
    });
    const chord = w.predict({
      id: "chord",
      question: "Pick any two points on the thick curve and join them with a straight line (a chord). Where will the chord lie?",
      input: { kind: "choice", choices: CHORD_CHOICES },
      truth: async () => {
        draw();
        const dip = deepestDip(shown.avg);
        const value = dip.depth > 0 ? "sometimes" : "above";
        return { value, text: CHORD_CHOICES.find(([v]) => v === value)[1], dip };
      },
      judge: (g, t) => ({ right: g.value === t.value, line: t.value === "above"
        ? `You said “${g.text.toLowerCase()}”; on this line every chord between the ${POINTS} sampled points (${(POINTS * (POINTS - 1)) / 2} pairs) lies on or above the curve.`
        : `You said “${g.text.toLowerCase()}”; on this line a chord dips below the curve by ${fmt(t.dip.depth)} at a = ${fmt(t.dip.at)}.` }),
      reason: () => (w.settings.loss === "svm"
        ? "The SVM's loss is an average of hinges max(0, s_j − s_y + Δ), each a convex function of W, plus reg·ΣW², also convex; an average of convex functions is convex, and along any line a convex function lies on or below each of its chords (the notes: the SVM loss is convex). The thin single-example curves are convex too: no chord of theirs dips below."
        : "Softmax's loss L_i = −s_y + log Σ_j e^{s_j} is a linear term plus log-sum-exp, a convex function of the scores and so of W; with reg·ΣW² (convex) and averaged over the examples it stays convex, and along any line a convex function lies on or below each of its chords. The thin single-example curves are convex too."),
      onChange: () => w.redraw(),
    });

    // the chord's question comes under the chart once the curve is there (one question at a time)
    const showChordCard = () => { if (chord.card) chord.card.hidden = !minimum.revealed; };
    w.root.append(el("h3", {}, "One direction: L(W + a·W1)"), el("div", { class: "controls" }, newDir, w.control("span"), a1.wrap, a2.wrap),
      ...[minimum.card, canvas, readout, chord.card].filter(Boolean));
    showChordCard();

    function build() {
      land = w.hold("land", new w.L.Landscape(w.classifier(), { seed: w.settings.seed * 1000 + o.directions }));
      draw();
    }

    /** The deepest dip of a chord below the sampled curve: the most negative second difference's depth. */
    function deepestDip(avg) {
      let depth = 0, at = 0;
      const tol = 1e-9 * Math.max(1, ...avg.map(Math.abs));
      // the sampled curve is convex (every chord between samples on or above it) when each
      // second difference L(a − d) − 2L(a) + L(a + d) is ≥ 0; a negative one is a chord's dip
      for (let i = 1; i < avg.length - 1; i++) {
        const d2 = avg[i - 1] - 2 * avg[i] + avg[i + 1];
        if (d2 < -tol && -d2 / 2 > depth) { depth = -d2 / 2; at = shown.xs[i]; }
      }
      return { depth, at };
    }

    function minimumReason(t) {
      const s = t.span, a = t.value, at0 = shown.avg[(POINTS - 1) / 2];
      const edge = Math.abs(Math.abs(a) - s) < 1e-12 * Math.max(1, s);
      const shape = w.settings.loss === "svm"
        ? "Along a line the SVM's loss is piecewise linear and convex (an average of hinges), so it has one valley and falls towards it from both sides"
        : "Along a line softmax's loss is smooth and convex, so it has one valley and falls towards it from both sides";
      const weights = land ? w.dataset().classes * (w.dataset().dims + 1) : 0;
      const where = edge
        ? `Here it is still falling at the edge of the span, so its lowest point lies at a = ${fmt(a)} or beyond (widen the span to see the valley).`
        : Math.abs(a) <= 0.05 * s
          ? `Here the valley is at a = ${fmt(a)}, right next to W (loss ${fmt(at0)} at W, ${fmt(t.loss)} at the lowest point): ${weights > 50 ? `among ${weights} weights a random direction is nearly at right angles to the gradient, so it` : "this direction"} barely descends before the loss rises again.`
          : `W is a random start, not a trained one, so the valley need not be at a = 0: the loss is ${fmt(at0)} at W and ${fmt(t.loss)} at a = ${fmt(a)}.`;
      return `${shape}. ${where}`;
    }

    function draw() {
      const s = o.span;
      const ds = w.dataset();
      const n = ds.len;
      if (curves?.land !== land || curves.span !== s) {
        const xs = new Float64Array(POINTS).map((_, i) => -s + (2 * s * i) / (POINTS - 1));
        const examples = [];
        const count = Math.min(3, n);
        for (let k = 0; k < count; k++) {
          const idx = (w.settings.seed * 7 + Math.floor((k * n) / count)) % n;
          examples.push({ xs, ys: land.exampleLine(idx, s, POINTS), color: EXAMPLE_COLORS[k], width: 2, label: `L_${idx} (one example)` });
        }
        curves = { land, span: s, xs, avg: land.line(s, POINTS), examples };
      }
      const { xs, avg, examples } = curves;
      let iMin = 0;
      for (let i = 1; i < POINTS; i++) if (avg[i] < avg[iMin]) iMin = i;
      // one y range whether the curve is shown or hidden, so the axes do not move at the reveal
      let lo = Infinity, hi = -Infinity;
      for (const ys of [avg, ...examples.map((e) => e.ys)]) for (const v of ys) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const pad = hi > lo ? 0.06 * (hi - lo) : Math.max(1, Math.abs(lo)) * 0.05;
      const yRange = Number.isFinite(lo) ? [lo - pad, hi + pad] : [0, 1];
      shown = { xs, avg, iMin, yRange };

      const curveShown = minimum.revealed; // asking: the axes and the range, not the curve
      const chordShown = curveShown && chord.revealed;
      const regNote = w.settings.reg > 0 ? " + reg" : "";
      const series = [], markers = [];
      if (curveShown) series.push(...examples, { xs, ys: avg, color: PALETTE.blue, width: 4, label: `L: average of all ${n}${regNote}` });
      const ends = [o.chordStart * s, o.chordEnd * s];
      const [p, q] = ends[0] <= ends[1] ? ends : [ends[1], ends[0]];
      const lp = land.lossAt(p, 0), lq = land.lossAt(q, 0);
      if (chordShown) {
        series.push({ xs: [p, q], ys: [lp, lq], color: PALETTE.black, width: 2, dashed: true, label: "chord" });
        markers.push({ x: p, y: lp, color: PALETTE.black, size: 7, filled: false }, { x: q, y: lq, color: PALETTE.black, size: 7, filled: false });
      }
      if (curveShown) {
        markers.push({ x: 0, y: avg[(POINTS - 1) / 2], color: "#ffffff", size: 6, filled: true, label: "W (a = 0)" },
          { x: xs[iMin], y: avg[iMin], color: PALETTE.orange, size: 7, filled: true, label: `lowest point on this line: ${fmt(avg[iMin])} at a = ${fmt(xs[iMin])}` });
      }
      // the learner's guess: a vertical line while asking, and a marker on the curve once revealed
      const g = minimum.state === "asking" ? guess.value : guessedOn === lineKey() ? minimum.guess?.value : null;
      if (g !== null && g !== undefined && Math.abs(g) <= s) {
        series.push({ xs: [g, g], ys: yRange, color: GUESS_COLOR, width: 3, dashed: true, label: `your guess: a = ${fmt(g)}` });
        if (curveShown) {
          const lg = land.lossAt(g, 0);
          markers.push({ x: g, y: lg, color: GUESS_COLOR, size: 8, filled: true }, { x: g, y: lg, color: PALETTE.black, size: 9, filled: false });
        }
      }
      chart = lineChart(w.L, canvas, { title: `${datasetName(ds)}, ${w.settings.loss.toUpperCase()} loss along a random direction W1`, xLabel: "a", yLabel: "loss", xRange: [-s, s], yRange, legend: "below", series, markers });
      canvas.setAttribute("aria-label", curveShown ? "Loss along one random direction" : "Loss along one random direction: axes only, the curve is hidden until you predict where it is lowest");
      if (!curveShown) {
        readout.textContent = `The curve is hidden until you commit a guess for its lowest point (or press Just show me). a runs from −${fmt(s)} to ${fmt(s)}.`;
        a1.set(o.chordStart); a2.set(o.chordEnd);
        return;
      }
      // chord check: chord(a) − L(a) over the sampled points between p and q
      let gap = Infinity, worstA = p;
      for (let i = 0; i < POINTS; i++) {
        if (xs[i] <= p || xs[i] >= q) continue; // interior points only: the ends touch by construction
        const c = q > p ? lp + ((xs[i] - p) / (q - p)) * (lq - lp) : lp;
        const d = c - avg[i];
        if (d < gap) { gap = d; worstA = xs[i]; }
      }
      const chordText = !chordShown ? "The chord is hidden until you answer where it will lie."
        : Number.isFinite(gap)
          ? gap >= -1e-9 * Math.max(1, Math.abs(lp), Math.abs(lq))
            ? `The chord from a = ${fmt(p)} to a = ${fmt(q)} lies on or above the graph (closest at a = ${fmt(worstA)}, gap ${fmt(Math.max(0, gap))}).`
            : `The chord dips below the graph by ${fmt(-gap)} at a = ${fmt(worstA)}.`
          : "";
      readout.textContent = `At W (a = 0) the loss is ${fmt(avg[(POINTS - 1) / 2])}; the lowest point on this line is ${fmt(avg[iMin])} at a = ${fmt(xs[iMin])}. ${chordText}${chordShown ? " Click the chart to move the chord's ends." : ""}`;
      a1.set(o.chordStart); a2.set(o.chordEnd); // their labels show a in units of the current span
    }

    w.on(canvas, "click", (ev) => {
      if (minimum.state === "asking") return; // a click on the chart is the guess (chartguess.js)
      const p = eventToData(w.L, chart, canvas, ev);
      if (!p) return;
      const f = Math.round(Math.max(-1, Math.min(1, p.x / o.span)) * 100) / 100; // on the sliders' 0.01 steps
      (nextPick === 0 ? a1 : a2).set(f);
      w.setState(nextPick === 0 ? "chordStart" : "chordEnd", f);
      nextPick = 1 - nextPick;
      draw();
    });
    return { build, draw };
  },
};
