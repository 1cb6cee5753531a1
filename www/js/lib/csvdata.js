// "Bring your own data": a small CSV, features then label on each row, parsed into the arrays
// Dataset.fromArrays takes. Pure (no DOM, no wasm), so it is unit-tested under Node.
//
// The format, as the page states it:
//   - one example per line: the features (numbers), then the label, as the LAST cell;
//   - separator: comma, semicolon or tab, detected from the first line that is not blank
//     (tab if it has one, else semicolon if it has one, else comma); a decimal point, never a
//     decimal comma; a cell may be wrapped in double quotes, but a quoted cell may not hold the
//     separator;
//   - an optional header: the first line is a header when one of its FEATURE cells is not a
//     number (the label cell does not count, since labels may be words);
//   - blank lines (also a trailing newline, \r\n endings and a UTF-8 byte-order mark) are skipped;
//   - labels: if every label is a number they must be the integers 0, 1, …, C − 1 and each must
//     occur; if any label is not a number, every label is a class name and the classes are
//     numbered 0, 1, … in the order their names first appear;
//   - features must be finite decimal numbers (NaN, Infinity, empty cells, 0x… are errors);
//   - every row has the same number of cells as the first one.
// Errors are Error objects whose message names the line (1-based, as an editor counts) and,
// where it applies, the column and the allowed range; `error.line` and `error.column` hold them.

/** Caps on an uploaded file; every error about a cap states it. */
export const CSV_LIMITS = Object.freeze({
  maxBytes: 2 * 1024 * 1024, // 2 MB of text
  maxRows: 5000, // examples
  maxFeatures: 256, // D (the bias column not counted)
  maxClasses: 10, // C; the page has 10 class colours (Okabe–Ito and friends)
  minClasses: 2,
});

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\+?\d+$/;

/** An Error with the line and column it is about. */
function csvError(message, line, column) {
  const e = new Error(message);
  e.name = "CsvError";
  if (line !== undefined) e.line = line;
  if (column !== undefined) e.column = column;
  return e;
}

const SEP_NAMES = { ",": "comma", ";": "semicolon", "\t": "tab" };

function unquote(cell) {
  const t = cell.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1).trim() : t;
}

/** Shows a cell in an error message: quoted, shortened, control characters made visible. */
function show(cell) {
  const s = cell.length > 24 ? `${cell.slice(0, 24)}…` : cell;
  return `"${s.replace(/[\u0000-\u001f]/g, "?")}"`;
}

/** Why `cell` is not a finite number, or "" if it is one. */
function notANumber(cell) {
  if (cell === "") return "is empty";
  if (/^[+-]?nan$/i.test(cell)) return "is NaN";
  if (/^[+-]?(inf|infinity)$/i.test(cell)) return "is infinite";
  if (!NUMBER.test(cell)) return `is not a number: ${show(cell)}`;
  if (!Number.isFinite(Number(cell))) return `is too large for a 64-bit float: ${show(cell)}`;
  return "";
}

/**
 * Parses CSV text into { features: Float64Array (N × D row-major), labels: Uint32Array, n, dims,
 * classes, header: string[] | null, classNames: string[] | null, separator }. Throws an Error
 * naming the line (and column) on bad input; see the top of this file for the format.
 */
export function parseCsv(text, limits = CSV_LIMITS) {
  const steps = parseSteps(text, limits);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same parse (the same result, the same errors) cut into pieces: after each piece that has
 * taken more than `budget` ms it awaits `pause()` (the page passes its nextTurn), so a file at
 * the caps (~70 ms of parsing) never holds the page in one task.
 */
export async function parseCsvInPieces(text, pause, { limits = CSV_LIMITS, budget = 8 } = {}) {
  const steps = parseSteps(text, limits);
  let t0 = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - t0 > budget) {
      await pause();
      t0 = performance.now();
    }
  }
}

const PIECE = 64; // rows between the points where a parse may pause

/**
 * parseCsv's body as a generator: it yields (nothing) every PIECE lines and returns the result.
 * The per-line work is in plain functions (V8 optimises those better than a generator's body).
 */
function* parseSteps(text, limits) {
  if (typeof text !== "string") throw csvError("the file could not be read as text");
  if (text.length > limits.maxBytes) throw csvError(`the file is too large: at most ${limits.maxBytes / (1024 * 1024)} MB (${limits.maxBytes} bytes) is allowed`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);

  let sep = null, width = 0, header = null;
  const rows = []; // { line, cells }
  const takeLine = (i) => {
    const raw = lines[i];
    if (raw.trim() === "") return;
    const line = i + 1;
    if (sep === null) sep = raw.includes("\t") ? "\t" : raw.includes(";") ? ";" : ",";
    const cells = raw.split(sep).map(unquote);
    if (width === 0) {
      width = cells.length;
      if (width < 2) throw csvError(`line ${line} has 1 cell: each row needs at least one feature and then the label, separated by commas, semicolons or tabs`, line);
      if (width - 1 > limits.maxFeatures) throw csvError(`line ${line} has ${width - 1} features: at most ${limits.maxFeatures} are allowed`, line);
      if (cells.slice(0, -1).some((c) => notANumber(c) !== "" && c !== "")) {
        header = cells;
        return;
      }
    }
    if (cells.length !== width) {
      throw csvError(`line ${line} has ${cells.length} cells but the first row has ${width} (${SEP_NAMES[sep]}-separated): every row must have ${width - 1} features and a label`, line);
    }
    if (rows.length >= limits.maxRows) throw csvError(`line ${line}: too many rows, at most ${limits.maxRows} examples are allowed`, line);
    rows.push({ line, cells });
  };
  for (let i = 0; i < lines.length; i += PIECE) {
    for (let j = i, end = Math.min(lines.length, i + PIECE); j < end; j++) takeLine(j);
    yield;
  }
  if (rows.length === 0) throw csvError(header ? "the file has a header but no data rows" : "the file is empty: expected rows of features then a label");

  const dims = width - 1;
  const features = new Float64Array(rows.length * dims);
  const takeRow = (r) => {
    const { line, cells } = rows[r];
    for (let c = 0; c < dims; c++) {
      const why = notANumber(cells[c]);
      if (why) throw csvError(`line ${line}, column ${c + 1} (feature ${c + 1} of ${dims}) ${why}: features must be finite numbers`, line, c + 1);
      features[r * dims + c] = Number(cells[c]);
    }
  };
  for (let r = 0; r < rows.length; r += PIECE) {
    for (let j = r, end = Math.min(rows.length, r + PIECE); j < end; j++) takeRow(j);
    yield;
  }

  const labelCells = rows.map((r) => r.cells[dims]);
  const labels = new Uint32Array(rows.length);
  let classes, classNames = null;
  const emptyAt = labelCells.findIndex((c) => c === "");
  if (emptyAt >= 0) throw csvError(`line ${rows[emptyAt].line}, column ${width} (the label) is empty`, rows[emptyAt].line, width);
  if (labelCells.every((c) => NUMBER.test(c))) {
    // numeric labels: the integers 0 … C − 1, each present
    const values = new Set();
    for (let r = 0; r < rows.length; r++) {
      const c = labelCells[r];
      if (!INTEGER.test(c)) throw csvError(`line ${rows[r].line}, column ${width}: the label ${show(c)} is not a whole number ≥ 0: numeric labels must be the integers 0 … C − 1 (or write every label as a name)`, rows[r].line, width);
      values.add(Number(c));
    }
    classes = values.size;
    if (classes > limits.maxClasses) throw csvError(`the labels name ${classes} classes: at most ${limits.maxClasses} are allowed`);
    for (let r = 0; r < rows.length; r++) {
      const v = Number(labelCells[r]);
      if (v >= classes) {
        throw csvError(`line ${rows[r].line}, column ${width}: label ${v} is out of range: with ${classes} different labels they must be the integers 0 … ${classes - 1}`, rows[r].line, width);
      }
      labels[r] = v;
    }
  } else {
    // class names, numbered in order of first appearance
    const index = new Map();
    for (let r = 0; r < rows.length; r++) {
      const c = labelCells[r];
      if (!index.has(c)) {
        if (index.size >= limits.maxClasses) throw csvError(`line ${rows[r].line}, column ${width}: label ${show(c)} would be class ${index.size + 1}: at most ${limits.maxClasses} classes are allowed`, rows[r].line, width);
        index.set(c, index.size);
      }
      labels[r] = index.get(c);
    }
    classes = index.size;
    classNames = [...index.keys()];
  }
  if (classes < limits.minClasses) throw csvError(`every row has the same label: at least ${limits.minClasses} classes are needed`);
  return { features, labels, n: rows.length, dims, classes, header, classNames, separator: sep };
}

/**
 * Standardises each feature column in place to mean 0 and standard deviation 1 (columns with
 * no spread are only centred). Returns the features.
 */
export function standardize(features, dims) {
  const n = features.length / dims;
  for (let c = 0; c < dims; c++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += features[r * dims + c];
    mean /= n;
    let v = 0;
    for (let r = 0; r < n; r++) v += (features[r * dims + c] - mean) ** 2;
    const sd = Math.sqrt(v / n);
    for (let r = 0; r < n; r++) features[r * dims + c] = sd > 0 ? (features[r * dims + c] - mean) / sd : features[r * dims + c] - mean;
  }
  return features;
}
