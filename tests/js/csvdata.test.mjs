// The CSV parser for "Load CSV…" (www/js/lib/csvdata.js), under Node: good files in each
// allowed form, every kind of bad file with the line (and column) its error names, the caps;
// and a parsed file goes through Dataset.fromArrays to the same loss as the same arrays typed in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { parseCsv, standardize, CSV_LIMITS } from "../../www/js/lib/csvdata.js";

/** Asserts that parsing `text` throws an error whose message matches every pattern, and returns it. */
function bad(text, patterns, { line, column, limits } = {}) {
  let err = null;
  try {
    parseCsv(text, limits);
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected an error for ${JSON.stringify(text.slice(0, 60))}`);
  for (const p of patterns) assert.match(err.message, p);
  if (line !== undefined) assert.equal(err.line, line, err.message);
  if (column !== undefined) assert.equal(err.column, column, err.message);
  return err;
}

test("a plain file: features then integer label, trailing newline", () => {
  const d = parseCsv("1,2,0\n3,4.5,1\n-1e-3,.5,2\n");
  assert.equal(d.n, 3);
  assert.equal(d.dims, 2);
  assert.equal(d.classes, 3);
  assert.deepEqual([...d.features], [1, 2, 3, 4.5, -0.001, 0.5]);
  assert.deepEqual([...d.labels], [0, 1, 2]);
  assert.equal(d.header, null);
  assert.equal(d.classNames, null);
  assert.ok(d.features instanceof Float64Array && d.labels instanceof Uint32Array);
});

test("header detected when a feature cell is not a number; semicolons, tabs, CRLF, BOM, blank lines, quotes", () => {
  const a = parseCsv("\uFEFFx;y;label\r\n\r\n1;2;1\r\n3;4;0\r\n\r\n");
  assert.deepEqual(a.header, ["x", "y", "label"]);
  assert.equal(a.separator, ";");
  assert.deepEqual([...a.features], [1, 2, 3, 4]);
  assert.deepEqual([...a.labels], [1, 0]);
  const b = parseCsv("\n\n0.5\t-2\t0\n1\t1\t1");
  assert.equal(b.separator, "\t");
  assert.equal(b.n, 2);
  const c = parseCsv('"a","b","c"\n" 1 ","2","0"\n3, 4 ,1\n');
  assert.deepEqual(c.header, ["a", "b", "c"]);
  assert.deepEqual([...c.features], [1, 2, 3, 4]);
  // full precision survives
  const x = 0.1 + 0.2;
  assert.equal(parseCsv(`${x},${Math.PI},0\n${-5e-324},1.7976931348623157e308,1`).features[0], x);
});

test("word labels become classes in order of first appearance", () => {
  const d = parseCsv("f,species\n1,virginica\n2,setosa\n3,virginica\n4,versicolor\n5,3\n");
  assert.deepEqual(d.classNames, ["virginica", "setosa", "versicolor", "3"]);
  assert.deepEqual([...d.labels], [0, 1, 0, 2, 3]);
  assert.equal(d.classes, 4);
});

test("the fixture tests/browser/fixtures/iris-names.csv parses: 150 irises, 4 features, 3 named classes", async () => {
  const d = parseCsv(await readFile(new URL("../browser/fixtures/iris-names.csv", import.meta.url), "utf8"));
  assert.equal(d.n, 150);
  assert.equal(d.dims, 4);
  assert.equal(d.classes, 3);
  assert.deepEqual(d.classNames, ["setosa", "versicolor", "virginica"]);
});

test("bad cells name their line and column", () => {
  bad("1,2,0\n3,,1\n", [/line 2, column 2/, /empty/], { line: 2, column: 2 });
  bad("1,2,0\n3,NaN,1\n", [/line 2, column 2/, /NaN/], { line: 2, column: 2 });
  bad("1,2,0\n\n3,4,1\n-inf,4,1\n", [/line 4, column 1/, /infinite/], { line: 4, column: 1 });
  bad("1,2,0\n3,Infinity,1\n", [/line 2, column 2/, /infinite/], { line: 2, column: 2 });
  bad("1,2,0\n3,1e999,1\n", [/line 2, column 2/, /too large/], { line: 2, column: 2 });
  bad("1,2,0\n3,0x10,1\n", [/line 2, column 2/, /not a number: "0x10"/], { line: 2, column: 2 });
  bad("1,2,0\n3,4,1\n5,six,1\n", [/line 3, column 2/, /not a number: "six"/], { line: 3, column: 2 });
  bad("1,2,0\n3,4,\n", [/line 2, column 3/, /label\) is empty/], { line: 2, column: 3 });
  bad("a,b,c\n1,2,0\n3,4,1.5\n", [/line 3, column 3/, /not a whole number/], { line: 3, column: 3 });
});

test("rows of unequal length name the line", () => {
  bad("1,2,0\n3,4,1\n5,6\n", [/line 3 has 2 cells but the first row has 3/], { line: 3 });
  bad("x,y,label\n1,2,0\n3,4,5,1\n", [/line 3 has 4 cells/], { line: 3 });
  bad("1;2;0\n3,4;1\n", [/line 2 has 2 cells/, /semicolon/], { line: 2 });
});

test("numeric labels must be 0 … C − 1; at least two classes", () => {
  bad("1,1\n2,2\n3,3\n", [/line 3, column 2: label 3 is out of range/, /0 … 2/], { line: 3, column: 2 });
  bad("1,0\n2,0\n", [/at least 2 classes/]);
  bad("1,cat\n2,cat\n", [/at least 2 classes/]);
  bad("1,-1\n2,0\n", [/line 1, column 2/, /not a whole number/], { line: 1 });
});

test("empty files, one column, header only", () => {
  bad("", [/empty/]);
  bad("\n\n  \n", [/empty/]);
  bad("x,label\n", [/header but no data rows/]);
  bad("1\n2\n", [/line 1 has 1 cell/], { line: 1 });
});

test("caps: bytes, rows, features, classes, each stated", () => {
  assert.deepEqual({ ...CSV_LIMITS }, { maxBytes: 2097152, maxRows: 5000, maxFeatures: 256, maxClasses: 10, minClasses: 2 });
  bad("x".repeat(CSV_LIMITS.maxBytes + 1), [/too large: at most 2 MB \(2097152 bytes\)/]);
  const rows = (n) => Array.from({ length: n }, (_, i) => `${i},${i % 2}`).join("\n");
  assert.equal(parseCsv(rows(5000)).n, 5000);
  bad(`h,label\n${rows(5001)}`, [/line 5002: too many rows, at most 5000/], { line: 5002 });
  const wide = (d) => `${Array.from({ length: d }, (_, k) => k).join(",")},0\n${Array.from({ length: d }, () => 1).join(",")},1`;
  assert.equal(parseCsv(wide(256)).dims, 256);
  bad(wide(257), [/257 features: at most 256/], { line: 1 });
  const cls = (c) => Array.from({ length: c }, (_, i) => `${i},${i}`).join("\n");
  assert.equal(parseCsv(cls(10)).classes, 10);
  bad(cls(11), [/11 classes: at most 10/]);
  bad(Array.from({ length: 11 }, (_, i) => `${i},c${i}`).join("\n"), [/line 11, column 2/, /at most 10 classes/], { line: 11 });
  // smaller caps passed in are obeyed
  bad(rows(4), [/at most 3 examples/], { limits: { ...CSV_LIMITS, maxRows: 3 }, line: 4 });
});

test("standardise: each column to mean 0, sd 1; a constant column only centred", () => {
  const f = new Float64Array([1, 5, 2, 5, 3, 5]);
  standardize(f, 2);
  const col = (k) => [f[k], f[2 + k], f[4 + k]];
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(Math.abs(mean(col(0))) < 1e-15);
  assert.ok(Math.abs(mean(col(0).map((v) => v * v)) - 1) < 1e-12);
  assert.deepEqual(col(1), [0, 0, 0]);
});

test("a parsed file gives Dataset.fromArrays the same data, hence the same loss, as the arrays typed in", async () => {
  const L = await import("../../www/pkg/lossland.js");
  await L.default({ module_or_path: await readFile(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });
  const d = parseCsv("x1,x2,y\n0.5,1.5,b\n-1,2,a\n2.25,-0.75,b\n0,0,c\n");
  const a = L.Dataset.fromArrays(d.features, d.labels, d.dims, d.classes);
  const b = L.Dataset.fromArrays(new Float64Array([0.5, 1.5, -1, 2, 2.25, -0.75, 0, 0]), new Uint32Array([0, 1, 0, 2]), 2, 3);
  for (const loss of ["svm", "softmax"]) {
    const ma = new L.Classifier(a, { loss, reg: 0.1 });
    const mb = new L.Classifier(b, { loss, reg: 0.1 });
    ma.randomize(3, 1);
    mb.randomize(3, 1);
    assert.equal(ma.loss(), mb.loss());
    ma.free();
    mb.free();
  }
  assert.deepEqual([...a.features()], [...b.features()]);
  assert.deepEqual([...a.labels()], [...b.labels()]);
  a.free();
  b.free();
});
