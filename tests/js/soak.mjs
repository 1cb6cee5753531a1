// Soak test (on demand: scripts/soak): a million optimizer steps and a thousand landscapes in
// one module instance, every object freed after use; reports wasm memory and the JS heap after
// warm-up and at the end. Fails if either grew by more than a small allowance.
import { readFile } from "node:fs/promises";

const L = await import("../../www/pkg/lossland.js");
const exports = await L.default({ module_or_path: await readFile(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });
const DIGITS = await readFile(new URL("../../www/pkg/digits.bin", import.meta.url));
const mb = (b) => `${(b / 2 ** 20).toFixed(2)} MB`;
const wasmBytes = () => exports.memory.buffer.byteLength;
const heap = () => { globalThis.gc?.(); return process.memoryUsage().heapUsed; };

const STEPS = Number(process.env.SOAK_STEPS ?? 1_000_000);
const LANDSCAPES = Number(process.env.SOAK_LANDSCAPES ?? 1000);

let stepsDone = 0, landscapesDone = 0;
function session(stepsTotal, landscapes) {
  // the toy and spiral sets take most steps; the digits (0.3 ms a step) a small share
  for (const [name, make] of [["toy", () => L.Dataset.toy(0)], ["spiral", () => L.Dataset.spiral(100, 3, 1)], ["digits", () => L.Dataset.digits(DIGITS)]]) {
    const d = make();
    const m = new L.Classifier(d, { loss: "softmax", reg: 1e-3 });
    m.randomize(1, name === "digits" ? 0.01 : 1);
    for (const method of ["gd", "sgd", "random-local-search", "random-search"]) {
      const o = new L.Optimizer(m, { method, stepSize: 0.01, batchSize: Math.min(8, d.len), scale: 0.01, seed: 3 });
      const per = Math.max(1, Math.floor(stepsTotal / (name === "digits" ? 400 : 8)));
      for (let done = 0; done < per; done += 10_000) stepsDone += o.run(Math.min(10_000, per - done)).length;
      o.free();
    }
    for (let k = 0; k < landscapes / 3; k++) {
      const l = new L.Landscape(m, { seed: k, normalize: k % 2 === 0 });
      l.plane(2, name === "digits" ? 16 : 32);
      l.line(2, 101);
      landscapesDone++;
      l.free();
    }
    const s = new L.GradientStepper(m, { centered: true });
    while (!s.done) s.step();
    s.free();
    m.free();
    d.free();
  }
}

session(STEPS / 100, LANDSCAPES / 100); // warm-up
const w0 = wasmBytes(), h0 = heap();
stepsDone = landscapesDone = 0;
const t0 = performance.now();
session(STEPS, LANDSCAPES);
const w1 = wasmBytes(), h1 = heap();
console.log(`soak: ${stepsDone} optimizer steps and ${landscapesDone} landscapes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`wasm memory after warm-up ${mb(w0)}, at the end ${mb(w1)} (growth ${mb(w1 - w0)})`);
console.log(`JS heap after warm-up ${mb(h0)}, at the end ${mb(h1)} (growth ${mb(h1 - h0)})`);
const ok = w1 - w0 <= 2 ** 20 && h1 - h0 <= 8 * 2 ** 20;
console.log(ok ? "soak: PASS (no growth beyond 1 MB wasm / 8 MB heap)" : "soak: FAIL (memory grew)");
process.exit(ok ? 0 : 1);
