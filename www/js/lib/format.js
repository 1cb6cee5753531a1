// Number formatting for the page: never prints NaN or Infinity.

/** A number for display: 4 significant digits by default, "—" when absent, words for non-finite. */
export function fmt(x, digits = 4) {
  if (x === undefined || x === null) return "—";
  if (typeof x !== "number") return String(x);
  if (Number.isNaN(x)) return "—";
  if (x === Infinity) return "too large (∞)";
  if (x === -Infinity) return "too small (−∞)";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = x.toExponential(digits - 1).split("e");
    return `${m.replace("-", "−")}×10${superscript(Number(e))}`;
  }
  return Number(x.toPrecision(digits)).toString().replace("-", "−");
}

/** Like fmt, but 0 for values at round-off level next to `ref` (e.g. a projection's distance). */
export function fmt0(x, ref = 1, digits = 4) {
  return typeof x === "number" && Math.abs(x) <= 1e-12 * Math.max(1, Math.abs(ref)) ? "0" : fmt(x, digits);
}

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** An integer exponent in superscript digits: −16 → "⁻¹⁶". */
export function superscript(k) {
  return String(k).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]);
}

/** More digits, for the stepper's values where h = 1e-5 changes the 6th digit. */
export function fmtLong(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return fmt(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(9).replace(/-/g, "−");
  return x.toFixed(Math.max(0, 10 - Math.max(0, Math.floor(Math.log10(a)) + 1))).replace("-", "−");
}

export function pct(x) {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "—";
}

/** h on a log scale: 10^k formatted like 1e-5. */
export function fmtH(h) {
  const k = Math.log10(h);
  return Math.abs(k - Math.round(k)) < 1e-9 ? `1e${Math.round(k)}` : h.toExponential(1);
}

/** A data set's name for chart titles: the built-in ones by name, a CSV or NumPy arrays as "your data". */
export function datasetName(ds) {
  return ds.name === "custom" ? "your data" : ds.name;
}
