// The digits as the page gets them: www/pkg/digits.bin (scripts/build copies it from build.rs's
// OUT_DIR), read by the wasm's Dataset.digits(bytes). Checked against the text of
// data/digits.csv, parsed here independently, every pixel and label; other bytes are refused
// with an error naming `bytes`; and the wasm no longer carries the digits itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const L = await import("../../www/pkg/lossland.js");
await L.default({ module_or_path: readFileSync(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });
const BYTES = readFileSync(new URL("../../www/pkg/digits.bin", import.meta.url));
const CSV = readFileSync(new URL("../../data/digits.csv", import.meta.url), "utf8")
  .split("\n").filter((l) => l.trim()).map((l) => l.split(",").map(Number));

test("Dataset.digits(bytes of digits.bin) equals data/digits.csv value for value", () => {
  assert.equal(CSV.length, 1797);
  const d = L.Dataset.digits(BYTES);
  try {
    assert.deepEqual([d.len, d.dims, d.classes, d.name], [1797, 64, 10, "digits"]);
    const f = d.features(), y = d.labels();
    let sixteens = 0;
    for (let i = 0; i < 1797; i++) {
      for (let k = 0; k < 64; k++) {
        // pixel / 16 is exact in binary: equality, not a tolerance
        if (f[i * 64 + k] !== CSV[i][k] / 16) assert.fail(`row ${i}, pixel ${k}: ${f[i * 64 + k]} ≠ ${CSV[i][k]} / 16`);
        sixteens += CSV[i][k] === 16;
      }
      if (y[i] !== CSV[i][64]) assert.fail(`row ${i}: label ${y[i]} ≠ ${CSV[i][64]}`);
    }
    assert.ok(sixteens > 1000, "the file has many 16s: the bit that tells 15 from 16 is exercised");
  } finally {
    d.free();
  }
});

test("Dataset.digits takes an ArrayBuffer, a Uint8Array or a Node Buffer of the same bytes alike", () => {
  const a = L.Dataset.digits(BYTES); // a Buffer (a Uint8Array)
  const b = L.Dataset.digits(new Uint8Array(BYTES).buffer); // an ArrayBuffer
  try {
    assert.deepEqual(b.features(), a.features());
    assert.deepEqual(b.labels(), a.labels());
  } finally {
    a.free();
    b.free();
  }
});

test("Dataset.digits refuses missing, short, long or changed bytes with an error naming bytes", () => {
  const n = BYTES.length;
  const changed = new Uint8Array(BYTES);
  changed[n >> 1] ^= 1; // one pixel's bit: it would read as another image
  const cases = [
    [undefined, `bytes must be a Uint8Array or an ArrayBuffer holding digits.bin (${n} bytes), got undefined`],
    [[0, 1, 2], `bytes must be a Uint8Array or an ArrayBuffer holding digits.bin (${n} bytes), got an array`],
    ["pkg/digits.bin", `bytes must be a Uint8Array or an ArrayBuffer holding digits.bin (${n} bytes), got the string "pkg/digits.bin"`],
    [new Float64Array(n), `bytes must be a Uint8Array or an ArrayBuffer holding digits.bin (${n} bytes), got an object`],
    [BYTES.subarray(0, n - 1), `bytes must be the ${n} bytes of digits.bin, got ${n - 1}`],
    [new Uint8Array(n + 1), `bytes must be the ${n} bytes of digits.bin, got ${n + 1}`],
    [new Uint8Array(0), `bytes must be the ${n} bytes of digits.bin, got 0`],
    [changed, `bytes must be this build's digits.bin: ${n} bytes of the right length but other content`],
  ];
  for (const [bytes, message] of cases) assert.throws(() => L.Dataset.digits(bytes), { message });
  // a detached buffer is an error, not an exception through the wasm
  const gone = new Uint8Array(BYTES);
  structuredClone(gone.buffer, { transfer: [gone.buffer] });
  assert.throws(() => L.Dataset.digits(gone), /^Error: bytes (must|could not)/);
  // and the module still reads the right bytes afterwards
  const d = L.Dataset.digits(BYTES);
  assert.equal(d.len, 1797);
  d.free();
});

test("the wasm does not carry the digits: no 64-byte run of digits.bin is in it", () => {
  const wasm = readFileSync(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url));
  // wasm-opt drops runs of zero bytes from data segments, so only runs without a zero byte are
  // looked for (labels, pixels, the 15/16 bits); in a wasm that embeds the digits (the builds
  // before 2 Dec 2026) every one of them is found
  const runs = [];
  for (let at = 0; at + 64 <= BYTES.length; at += 1000) if (!BYTES.subarray(at, at + 64).includes(0)) runs.push(at);
  assert.ok(runs.length >= 5, `only ${runs.length} runs without a zero byte to look for`);
  for (const at of runs) assert.equal(wasm.indexOf(BYTES.subarray(at, at + 64)), -1, `bytes ${at}…${at + 63} of digits.bin are in the wasm`);
});
