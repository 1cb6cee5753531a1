// The options table (www/js/lib/options.js): every row is well formed, every default passes its
// own row's rules, and values from URLs and attributes are read by those rules (hand-written
// cases, not values computed by the code under test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { OPTIONS, optionRow, parseOption, readOptions, optionEntries, defaultOf, valuesOf, widgetOptions, attrOf } from "../../www/js/lib/options.js";
import { WIDGETS, widgetName } from "../../www/js/lib/widgets.js";

const NAMES = WIDGETS.map((w) => w.name);
const SETTINGS = [{ dataset: "toy", len: 9 }, { dataset: "spiral", len: 300 }, { dataset: "iris", len: 150 }, { dataset: "digits", len: 1797 }, { dataset: "custom", len: 5000 }];

test("every row names known widgets, a known type, a unique key and attribute, and a doc line", () => {
  const keys = new Set(), attrs = new Set();
  for (const r of OPTIONS) {
    assert.ok(["enum", "boolean", "number", "integer", "pow10"].includes(r.type), `${r.key}: type ${r.type}`);
    assert.ok(!keys.has(r.key) && !attrs.has(attrOf(r)), `${r.key} appears twice`);
    keys.add(r.key); attrs.add(attrOf(r));
    assert.match(attrOf(r), /^[a-z][a-z0-9-]*$/, `${r.key}: attribute names are kebab-case`);
    assert.ok(r.widgets === "*" || r.widgets.every((w) => NAMES.includes(w)), `${r.key}: unknown widget in ${r.widgets}`);
    assert.ok(typeof r.doc === "string" && r.doc.length > 5, `${r.key}: doc`);
    if (!r.shared && !r.state) assert.ok(r.control, `${r.key}: a widget option has a control`);
    if (r.state) assert.ok(!r.control && !r.shared, `${r.key}: a state row is per widget and has no control of its own`);
  }
});

test("every default, for every data set and widget, passes its own row's rules", () => {
  for (const r of OPTIONS) {
    for (const s of SETTINGS) {
      for (const w of r.widgets === "*" ? NAMES : r.widgets) {
        const v = defaultOf(r, s, w);
        const back = parseOption(r, v);
        assert.ok(!back.error, `${r.key} default for ${w} on ${s.dataset}: ${back.error}`);
        assert.equal(back.value, v);
        const vs = valuesOf(r, s);
        if (vs && r.type !== "enum") assert.ok(vs.every((x) => !parseOption(r, x).error), `${r.key}: offered values are valid`);
      }
    }
  }
});

test("values from a URL or an attribute follow the rules (hand-written cases)", () => {
  const cases = [
    ["h", "1e-5", 1e-5], ["h", "0.001", 1e-3], ["h", "1e-10", 1e-10], ["h", "2e-5", "error"], ["h", "1", "error"], ["h", "1e-11", "error"],
    ["centered", "", true], ["centered", "true", true], ["centered", "false", false], ["centered", "yes", "error"],
    ["step-size", "0.2", 0.2], ["step-size", "0.0001", 1e-4], ["step-size", "11", "error"], ["step-size", "NaN", "error"], ["step-size", "", "error"],
    ["batch-size", "16", 16], ["batch-size", "1.5", "error"], ["batch-size", "0", "error"],
    ["dataset", "digits", "digits"], ["dataset", "custom", "error"], ["dataset", "<img>", "error"],
    ["loss", "softmax", "softmax"], ["loss", "SVM", "error"],
    ["reg", "0.5", 0.5], ["reg", "-1", "error"], ["reg", "1e999", "error"],
    ["seed", "3", 3], ["seed", "3.5", "error"], ["seed", "0x10", 16],
    ["resolution", "128", 128], ["resolution", "100", "error"],
    ["span", "0.25", 0.25], ["span", "0.2", "error"],
  ];
  for (const [name, raw, want] of cases) {
    const r = parseOption(optionRow(name), raw);
    if (want === "error") {
      assert.ok(r.error, `${name}=${raw} should be refused`);
      assert.ok(r.error.startsWith(`${name} must be `), r.error);
      assert.ok(r.error.length <= 200, r.error);
    } else assert.equal(r.value, want, `${name}=${raw}`);
  }
});

test("readOptions: shared settings complete, widget options only when given and valid, one warning per bad value", () => {
  const q = new URLSearchParams("dataset=iris&reg=0.5&seed=oops&gd.step-size=0.2&gd.h=1e-3&stepper.h=1e-3&gd.batch-size=99999999");
  const gd = readOptions((k) => q.get(k), "gd", { prefix: "gd." });
  assert.deepEqual(gd.settings, { dataset: "iris", loss: "svm", reg: 0.5, seed: 1, present: false, predict: true });
  assert.deepEqual(gd.options, { stepSize: 0.2 }, "gd has no h; its batch size is not an option of gd");
  assert.deepEqual(gd.warnings, ['lossland: ignored seed: must be an integer in 0..=1000000, got "oops"']);
  const st = readOptions((k) => q.get(k), "stepper", { prefix: "stepper." });
  assert.deepEqual(st.options, { h: 1e-3 });
  const sgd = readOptions((k) => q.get(k), "sgd", { prefix: "gd." });
  assert.equal(sgd.warnings.length, 2, sgd.warnings.join("\n"));
});

test("optionEntries writes what readOptions reads back", () => {
  const values = { dataset: "digits", loss: "softmax", reg: 0.001, seed: 7, h: 1e-7, centered: true };
  const q = new URLSearchParams(optionEntries(values, { prefix: "stepper." }));
  assert.equal(q.toString(), "dataset=digits&loss=softmax&reg=0.001&seed=7&stepper.h=1e-7&stepper.centered=true");
  const back = readOptions((k) => q.get(k), "stepper", { prefix: "stepper." });
  assert.deepEqual({ ...back.settings, ...back.options }, { ...values, present: false, predict: true });
});

test("the registry: names and aliases resolve, every widget's options exist", () => {
  assert.equal(widgetName("plane"), "landscape");
  assert.equal(widgetName("gradient-check"), "gradcheck");
  assert.equal(widgetName("nope"), null);
  assert.equal(widgetName(undefined), null);
  assert.deepEqual(widgetOptions("stepper").map((r) => r.key), ["h", "centered", "stepped"]);
  assert.deepEqual(widgetOptions("sgd").map((r) => r.key), ["stepSize", "batchSize", "steps"]);
});

test("the README's options table says what the table says", async () => {
  const { readFile } = await import("node:fs/promises");
  const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
  const table = readme.split("<!-- options table: generated from www/js/lib/options.js -->")[1]?.split("\n\n")[0] ?? "";
  const lines = table.trim().split("\n").slice(2);
  assert.equal(lines.length, OPTIONS.length, "one README row per option");
  OPTIONS.forEach((r, i) => {
    const cells = lines[i].split(" | ").map((c) => c.replace(/^\| |`/g, "").trim());
    assert.equal(cells[0], attrOf(r));
    assert.equal(cells[1], r.shared ? "every widget" : r.widgets.join(", "));
    assert.ok(lines[i].includes(r.doc), `${r.key}: doc`);
  });
});
