// The benches' seeded CSV (no browser needed: bench.mjs and pic-ab.mjs build the page's CSV from
// it without Chromium; drive.mjs re-exports it for the page benches).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The seeded data of `csvAt`: n rows of d integer features 0–16 (like the digits': a bump of 5
 * on 3 in 11 features, which ones depending on the class) and labels i mod 10, as
 * { x: Float64Array (row-major), y: Uint32Array } (the kernel benches build the page's CSV
 * from these without a file).
 */
export function csvArrays(n, d, seed) {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const x = new Float64Array(n * d), y = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 10;
    for (let j = 0; j < d; j++) x[i * d + j] = Math.min(16, Math.floor(rnd() * 12 + ((j * 7 + y[i] * 3) % 11 < 3 ? 5 : 0)));
  }
  return { x, y };
}

/** A seeded CSV file of `csvArrays(n, d, seed)`: each row's features, then its label. */
export function csvAt(n, d, seed) {
  const { x, y } = csvArrays(n, d, seed);
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`${Array.from(x.subarray(i * d, (i + 1) * d)).join(",")},${y[i]}`);
  const file = path.join(os.tmpdir(), `lossland-bench-${n}x${d}-${process.pid}.csv`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  process.once("exit", () => fs.rmSync(file, { force: true }));
  return file;
}

