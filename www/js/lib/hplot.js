// The stepper's error-against-h plot: |numerical − analytic| of one coordinate for h from
// 1e-10 to 1e-1, forward and centered, with the round-off scale. Under the SVM (piecewise
// linear: exact away from kinks) the same coordinate under the smooth softmax loss is drawn
// beside it, so truncation error (∝ h forward, ∝ h² centered) and the round-off floor show on
// the default settings too. The slopes and round-off scales come from Rust (slopesVersusH).
import { timeSlicer } from "./ui.js";
import { lineChart, PALETTE } from "./canvas.js";
import { fmt, fmtH } from "./format.js";

export const HS = Array.from({ length: 37 }, (_, i) => 10 ** (-10 + i * 0.25));
export const at = (h) => HS.findIndex((x) => Math.abs(Math.log10(x) - Math.log10(h)) < 1e-9);

/**
 * The slopes of coordinate (r, c) of `clf` for every h in HS (3 loss evaluations each: ~100 ms
 * on a 1,900 × 256 upload), asked for a few h at a time and continued in the next turn once a
 * piece has used ~8 ms. Returns { analytic, fx, errF, errC, roundOff, roundOffCentered }, or
 * null when `stale()` turns true between pieces. An error of exactly 0 is NaN (no place on a log axis).
 */
export async function errorsOverH(clf, r, c, stale) {
  const s = { analytic: 0, fx: 0, forward: [], centered: [], roundOff: [], roundOffCentered: [] };
  const slicer = timeSlicer(8);
  for (let i = 0, per = 2; i < HS.length; ) {
    const t0 = performance.now();
    const part = clf.slopesVersusH(r, c, HS.slice(i, i + per));
    s.analytic = part.analytic;
    s.fx = part.fx;
    for (const k of ["forward", "centered", "roundOff", "roundOffCentered"]) s[k].push(...part[k]);
    i += part.forward.length;
    per = Math.max(1, Math.floor((part.forward.length * 4) / Math.max(0.05, performance.now() - t0)));
    if (i < HS.length && slicer.due) {
      await slicer.next();
      if (stale()) return null;
    }
  }
  const err = (v) => Math.abs(v - s.analytic) || NaN;
  return { analytic: s.analytic, fx: s.fx, errF: s.forward.map(err), errC: s.centered.map(err), roundOff: s.roundOff, roundOffCentered: s.roundOffCentered };
}

// A guide ∝ h^p a decade above the curve (so both show), from the largest h whose error is well
// above round-off down to where the curve meets the round-off scale: the truncation regime.
function slopeLine(errs, floor, p) {
  for (let i = HS.length - 1; i >= 0; i--) {
    if (Number.isFinite(errs[i]) && errs[i] > floor[i] * 10) return HS.map((h, k) => (k <= i && errs[i] * (h / HS[i]) ** p >= floor[k] ? 10 * errs[i] * (h / HS[i]) ** p : NaN));
  }
  return null;
}

// "10 000" for 9,987: a factor to two significant digits
const times = (x) => (x >= 1 && x < 1e9 ? Number(x.toPrecision(2)).toLocaleString("en-US").replace(/,/g, " ") : fmt(x));

// What the smooth curves teach, from their own numbers: the fall of each error against the fall
// of h (named first or second order only when it is that), and the best h before round-off.
function orderText(s, who) {
  const fall = (e, hi, lo, want, order) => {
    const [a, b] = [e[at(hi)], e[at(lo)]];
    if (!(a > 0 && b > 0)) return "";
    const ok = Math.abs(Math.log10(a / b) - want) < 0.5;
    return `${fmt(a)} at h = ${fmtH(hi)} and ${fmt(b)} at h = ${fmtH(lo)}: h ${times(hi / lo)} times smaller, the error ${times(a / b)} times smaller${ok ? ` — ${order}` : ""}`;
  };
  const f = fall(s.errF, 1e-1, 1e-5, 4, "first order, O(h)");
  const c = fall(s.errC, 1e-1, 1e-3, 4, "second order, O(h²)");
  let best = 0;
  s.errC.forEach((e, i) => { if (e < (s.errC[best] || Infinity)) best = i; });
  return `${who}: the forward error is ${f || "exactly 0 here"}; the centered error is ${c || "exactly 0 here"}. `
    + `The centered error is smallest near h = ${fmtH(HS[best])} (${fmt(s.errC[best])}); below that round-off (grey) takes over and the error grows again as h shrinks, to ${fmt(s.errF[0])} at h = ${fmtH(HS[0])}.`;
}

/**
 * Draws the plot on `canvas` and returns its readout. `main` and `smooth` (the softmax loss on
 * the same W, or null) are errorsOverH results; `loss`, `reg`, `h`, `centered` what is in use.
 */
export function plotErrors(L, canvas, { main, smooth, loss, reg, h, centered, title, marks = [] }) {
  const svm = loss === "svm";
  const ref = svm ? smooth : main; // the curves that show truncation
  const series = svm
    ? [{ xs: HS, ys: main.errF, color: PALETTE.blue, width: 3, label: "SVM (in use), forward" },
      { xs: HS, ys: main.errC, color: PALETTE.orange, width: 3, label: "SVM (in use), centered" }]
    : [{ xs: HS, ys: main.errF, color: PALETTE.blue, width: 3, label: "forward (f(x+h) − f(x)) / h" },
      { xs: HS, ys: main.errC, color: PALETTE.orange, width: 3, label: "centered (f(x+h) − f(x−h)) / 2h" }];
  const [cF, cC] = svm ? [PALETTE.green, PALETTE.pink] : [PALETTE.blue, PALETTE.orange];
  if (svm && smooth) {
    series.push({ xs: HS, ys: smooth.errF, color: cF, width: 2, label: "softmax, same W (smooth): forward" },
      { xs: HS, ys: smooth.errC, color: cC, width: 2, label: "softmax, same W (smooth): centered" });
  }
  series.push({ xs: HS, ys: main.roundOff, color: PALETTE.grey, width: 1, label: "round-off ≈ 2ε·|f| / h" });
  if (ref) {
    const o1 = slopeLine(ref.errF, ref.roundOff, 1), o2 = slopeLine(ref.errC, ref.roundOffCentered, 2);
    if (o1) series.push({ xs: HS, ys: o1, color: cF, width: 1, dashed: true, label: "guide: slope ∝ h (first order)" });
    if (o2) series.push({ xs: HS, ys: o2, color: cC, width: 1, dashed: true, label: "guide: slope ∝ h² (second order)" });
  }
  const errNow = (centered ? main.errC : main.errF)[at(h)];
  const exact = !(errNow > 0);
  const Y0 = 1e-17;
  lineChart(L, canvas, {
    title, xLabel: "h", yLabel: "absolute error", logX: true, logY: true, yRange: [Y0, 1e2], legend: "below", series,
    markers: [{ x: h, y: exact ? Y0 : errNow, color: PALETTE.black, size: 6, filled: true, label: exact ? "the h in use (error exactly 0)" : "the h in use" }, ...marks],
  });
  return { errNow: exact ? 0 : errNow, text: lessonText({ main, smooth, svm, reg }) };
}

function lessonText({ main, smooth, svm, reg }) {
  if (!svm) return `Forward differences err in proportion to h, centered ones to h². ${orderText(main, "Here")} That is why h = 1e-5 and the centered formula are the usual choice.`;
  // the smallest h whose step crosses a kink: an error far above round-off and the slope's noise
  const a = main.analytic;
  const far = (i) => [[main.errF, main.roundOff], [main.errC, main.roundOffCentered]].some(([e, f]) => Number.isFinite(e[i]) && e[i] > 100 * f[i] && e[i] > 1e-6 * Math.max(1, Math.abs(a)));
  const iKink = HS.findIndex((_, i) => far(i)); // HS is ascending
  const shape = reg > 0
    ? "The SVM loss plus reg·ΣW² is piecewise quadratic in one weight: away from a kink the forward difference errs by exactly reg·h (first order) and the centered one only by round-off (gaps mean an error of exactly 0)."
    : "The SVM loss is piecewise linear in one weight: away from a kink the finite difference is exact and only round-off remains (gaps mean an error of exactly 0).";
  const kink = iKink < 0
    ? `No step up to h = ${fmtH(HS[HS.length - 1])} crosses a kink here; a W trained by gradient descent puts margins nearer their kinks.`
    : `From h ≈ ${fmtH(HS[iKink])} the step crosses a kink and the slope is wrong.`;
  return `${shape} ${kink}${smooth ? ` What h does to a loss that curves shows on the softmax loss at the same W (thin lines). ${orderText(smooth, "Softmax")}` : ""}`;
}
