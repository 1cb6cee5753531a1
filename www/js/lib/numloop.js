// The lecture's numerical-gradient loop as the stepper shows it: its lines (forward and
// centered), the value each line computed in one step record, and the table of values.
import { el } from "./ui.js";
import { fmtLong, fmtH } from "./format.js";

// one entry per line: [key, code]
const FORWARD = [["fx", "fx = f(x)"], ["ix", "for ix in every coordinate:"], ["old", "  old_value = x[ix]"], ["bump", "  x[ix] = old_value + h"],
  ["fxh", "  fxh = f(x)"], ["restore", "  x[ix] = old_value"], ["slope", "  grad[ix] = (fxh − fx) / h"]];
const CENTERED = [["fx", "fx = f(x)"], ["ix", "for ix in every coordinate:"], ["old", "  old_value = x[ix]"], ["bump", "  x[ix] = old_value + h"],
  ["fxh", "  fxph = f(x)"], ["minus", "  x[ix] = old_value − h"], ["fxmh", "  fxmh = f(x)"], ["restore", "  x[ix] = old_value"], ["slope", "  grad[ix] = (fxph − fxmh) / 2h"]];
// the step record's field each line shows
const FIELD = { fx: "fx", old: "oldValue", bump: "bumpedValue", fxh: "fxPlusH", minus: "minusValue", fxmh: "fxMinusH", restore: "oldValue", slope: "slope" };

/** The loop's lines for the forward or the centered difference. */
export const loopLines = (centered) => (centered ? CENTERED : FORWARD);

/**
 * The loop's <li>s: the lines up to `reveal` done (with their values from step record `rec`),
 * the last of them hot; before any step only fx = f(x) (`fx`), hot.
 */
export function loopItems(centered, rec, reveal, fx, name) {
  const valueOf = (key) => {
    if (!rec) return key === "fx" ? fx : undefined;
    return key === "ix" ? `(${rec.row}, ${name(rec.col)})` : rec[FIELD[key]];
  };
  return loopLines(centered).map(([key, text], i) => {
    const shown = !rec ? i === 0 : i < reveal || key === "fx";
    const v = shown ? valueOf(key) : undefined;
    return el("li", { class: i === (rec ? reveal - 1 : 0) ? "hot" : shown ? "done" : "" }, el("span", {}, text),
      el("span", { class: "val", "data-key": key, "data-value": typeof v === "number" ? String(v) : "" }, v === undefined ? "" : typeof v === "number" ? fmtLong(v) : v));
  });
}

/** The table beside the loop: h, the coordinate, the difference the slope divides, the analytic entry. */
export function valueRows({ h, centered, rec, length, analytic, name }) {
  const rows = [["h", fmtH(h)], ["coordinate", rec ? `W[${rec.row}, ${name(rec.col)}] (index ${rec.index} of ${length})` : "not started"]];
  if (rec) {
    rows.push(centered ? ["f(x + h) − f(x − h)", fmtLong(rec.fxPlusH - rec.fxMinusH)] : ["f(x + h) − f(x)", fmtLong(rec.fxPlusH - rec.fx)]);
    rows.push(["analytic gradient here", fmtLong(analytic[rec.index])]);
    if (rec.kink) rows.push(["kink", "a hinge switched on or off between the evaluations"]);
  }
  return rows.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, v)));
}
