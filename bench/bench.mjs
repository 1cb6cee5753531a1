// scripts/bench's driver: times the wasm build under Node (the same V8 engine as Chromium)
// and the NumPy baseline (bench/baseline.py, run from here as a child process, one after
// the other, never at the same time), on the digits (N = 1797, D + 1 = 65, C = 10, reg = 0),
// with the same W, W0, W1, W2; prints figures, ratios, targets and value agreement; then this
// core's peak (peakRates: f64x2 / f32x4 multiply-adds and exps per second, measured in the same
// run) and each kernel's useful multiply-adds per second as a fraction of it; then 1000 GD steps
// on a dense seeded CSV (no zeros to skip: the layout for dense data); then the 64² softmax
// picture (spans 3 and 8, the ends of a drag) and plane on the digits and on synthetic CSVs at
// the caps, one of them unstandardised (the drag-speed figure of issue 12: ≤ 25 ms on one core).
//
// Usage: node bench/bench.mjs [--quick] [--json OUT]
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus, loadavg } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { csvArrays } from "./lib/csv.mjs";
import { standardize } from "../www/js/lib/csvdata.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : null;

const pkg = await import(join(root, "www/pkg/lossland.js"));
await pkg.default({ module_or_path: readFileSync(join(root, "www/pkg/lossland_bg.wasm")) });
const { Dataset, Classifier, Optimizer, Landscape, peakRates } = pkg;

const SIZE = 128, SPAN = 1.0, H = 1e-5, GD_STEPS = 1000, STEP = 1e-3, SEED = 1, SCALE = 1e-3;
const reps = quick
  ? { loss: 3, plane: 3, plane_numpy: 1, numgrad: 3, gd: 1 }
  : { loss: 7, plane: 9, plane_numpy: 3, numgrad: 9, gd: 3 };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
function timed(fn, n) {
  const t = []; let v;
  for (let i = 0; i < n; i++) { const t0 = performance.now(); v = fn(); t.push((performance.now() - t0) / 1e3); }
  return [median(t), v];
}

const load0 = loadavg();
const digits = Dataset.digits(readFileSync(join(root, "www/pkg/digits.bin"))); // the bytes the page fetches
const svm = new Classifier(digits, { loss: "svm", reg: 0, delta: 1 });
svm.randomize(SEED, SCALE);
const W = svm.weights();
const soft = new Classifier(digits, { loss: "softmax", reg: 0 });
soft.setWeights(W);
const lsvm = new Landscape(svm, { seed: 2 });
const lsoft = new Landscape(soft, { seed: 2 });
const W0 = lsvm.origin(), W1 = lsvm.direction(0), W2 = lsvm.direction(1);
const axis = Array.from({ length: SIZE }, (_, i) => -SPAN + (2 * SPAN * i) / (SIZE - 1));

// ---- NumPy first (the wasm figures then come from a warm, undisturbed process)
const dir = mkdtempSync(join(tmpdir(), "lossland-bench-"));
const inFile = join(dir, "in.json"), outFile = join(dir, "out.json");
writeFileSync(inFile, JSON.stringify({
  rows: svm.rows, cols: svm.cols, w: [...W], w0: [...W0], w1: [...W1], w2: [...W2],
  axis, h: H, gd_steps: GD_STEPS, step_size: STEP, reps,
}));
process.stderr.write("running the NumPy baseline (bench/baseline.py) …\n");
const py = spawnSync("python3", [join(here, "baseline.py"), inFile, outFile], { stdio: ["ignore", "inherit", "inherit"] });
if (py.status !== 0) { console.error("bench/baseline.py failed"); process.exit(1); }
const np = JSON.parse(readFileSync(outFile, "utf8"));
rmSync(dir, { recursive: true, force: true });

// ---- wasm
process.stderr.write("running the wasm build …\n");
const T = {}, V = {};
const LOOP = 100;
// warm-up, as for every kernel below: V8 runs a wasm function first as baseline (Liftoff) code and
// swaps in the optimised code only after some calls, compiled in the background (the losses were
// timed cold until stop 26, and read 85 or 130 µs from run to run)
for (let i = 0; i < 300; i++) { svm.loss(); soft.loss(); }
[T.svm_loss, V.svm_loss] = timed(() => { let v; for (let i = 0; i < LOOP; i++) v = svm.loss(); return v; }, reps.loss); T.svm_loss /= LOOP;
[T.softmax_loss, V.softmax_loss] = timed(() => { let v; for (let i = 0; i < LOOP; i++) v = soft.loss(); return v; }, reps.loss); T.softmax_loss /= LOOP;
lsvm.plane(SPAN, SIZE); lsoft.plane(SPAN, SIZE); // warm-up (tiers up the JIT)
[T.svm_plane, V.svm_plane] = timed(() => lsvm.plane(SPAN, SIZE), reps.plane);
[T.softmax_plane, V.softmax_plane] = timed(() => lsoft.plane(SPAN, SIZE), reps.plane);
[T.softmax_picture, V.softmax_picture] = timed(() => lsoft.picture(SPAN, SIZE, 0, SIZE), reps.plane);
// warm-up, as for the planes: V8 runs a wasm function first as baseline (Liftoff) code and
// swaps in the optimised code only after a few calls, compiled in the background
for (let i = 0; i < 3; i++) svm.numericalGradient({ h: H, centered: false });
{ const o = new Optimizer(svm, { method: "gd", stepSize: STEP, seed: 0 }); o.run(GD_STEPS); o.free(); svm.setWeights(W); }
[T.numgrad, V.numgrad] = timed(() => svm.numericalGradient({ h: H, centered: false }), reps.numgrad);
[T.gd, V.gd] = timed(() => {
  svm.setWeights(W);
  const o = new Optimizer(svm, { method: "gd", stepSize: STEP, seed: 0 });
  const losses = o.run(GD_STEPS);
  o.free();
  return { loss: losses[losses.length - 1], w: svm.weights() };
}, reps.gd);
svm.setWeights(W);

// ---- agreement
const maxRel = (a, b) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300)); return m; };
const maxAbs = (a, b) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };
const agree = {
  svm_loss: maxRel([V.svm_loss], [np.values.svm_loss]),
  softmax_loss: maxRel([V.softmax_loss], [np.values.softmax_loss]),
  svm_plane: maxRel(V.svm_plane, np.values.svm_plane),
  softmax_plane: maxRel(V.softmax_plane, np.values.softmax_plane),
  numgrad: maxAbs(V.numgrad, np.values.numgrad),
  gd_loss: maxRel([V.gd.loss], [np.values.gd_loss]),
  gd_w: maxAbs(V.gd.w, np.values.gd_w),
};

// ---- nominal floating-point work (exp/log counted as 1 flop), for GFLOP/s
const N = 1797, D1 = svm.cols, C = svm.rows, G = SIZE, P = G * G, HN = N * (C - 1);
const lossFlops = 2 * N * D1 * C + 4 * N * C;             // scores X·Wᵀ + margins/exps
// nonzeros of Xa (the bias column included): gradient descent and the numerical gradient skip the zeros
const NNZ = digits.features().reduce((a, v) => a + (v !== 0), 0) + N;
const sparseLossFlops = 2 * NNZ * C + 4 * N * C;
const numpyFlops = {
  svm_loss: lossFlops, softmax_loss: lossFlops,
  svm_plane: P * (lossFlops + 4 * C * D1), softmax_plane: P * (lossFlops + 4 * C * D1),
  numgrad: (C * D1 + 1) * lossFlops, gd: GD_STEPS * (2 * lossFlops),
};
const wasmFlops = {                                        // what the fast algorithms do
  svm_loss: sparseLossFlops, softmax_loss: sparseLossFlops, // the scores over the nonzeros (by the table of products)
  svm_plane: G * (HN * 8 + 6 * G) + 3 * N * D1 * C * 2,   // row sweep: ~8 flops per hinge per row
  softmax_plane: P * N * (2 * C + 1) + G * N * C * 6,      // one multiply-add per term per point
  numgrad: sparseLossFlops + 2 * NNZ * C,                 // scores + the hinge-activity sum over the nonzeros; O(1 + near kinks) per coordinate
  gd: GD_STEPS * sparseLossFlops,                          // the score product over the nonzeros + margins; dW kept from step to step
};

const rows = [
  ["one SVM loss", "svm_loss", null],
  ["one softmax loss", "softmax_loss", null],
  [`SVM plane ${G}×${G}`, "svm_plane", 200],
  [`softmax plane ${G}×${G}`, "softmax_plane", 20],
  [`numerical gradient, forward, ${C * D1} coords`, "numgrad", 40],
  [`${GD_STEPS} GD steps, SVM (stepSize ${STEP})`, "gd", 1.2],
];
const fmt = (s) => (s >= 1 ? `${s.toFixed(3)} s` : s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`\nlossland benchmark — digits N = ${N}, D + 1 = ${D1}, C = ${C}, reg = 0; W = ${SCALE}·N(0,1) seed ${SEED}, directions seed 2, span ${SPAN}`);
console.log(`load average before the run ${load0.map((v) => v.toFixed(2)).join(" ")}, after ${loadavg().map((v) => v.toFixed(2)).join(" ")} (NumPy's multithreaded BLAS slows down sharply on a busy machine: compare with a quiet run)`);
console.log(`node ${process.version} (wasm, 1 thread) vs numpy ${np.numpy}; ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}; medians of ${reps.plane}/${reps.plane_numpy} (plane wasm/numpy), ${reps.numgrad} (numgrad), ${reps.gd} (gd), ${reps.loss}×${LOOP} (loss) runs\n`);
const head = [pad("operation", 42), lpad("wasm", 11), lpad("numpy", 11), lpad("ratio", 9), lpad("target", 8), lpad("", 6), lpad("wasm GF/s", 10), lpad("numpy GF/s", 11)];
console.log(head.join(" "));
console.log("-".repeat(head.join(" ").length));
let failed = 0;
for (const [name, k, target] of rows) {
  const ratio = np.times[k] / T[k];
  const ok = target == null ? "" : ratio >= target ? "✓" : "✗ FAIL";
  if (ok === "FAIL") failed++;
  console.log([pad(name, 42), lpad(fmt(T[k]), 11), lpad(fmt(np.times[k]), 11), lpad(ratio.toFixed(1) + "×", 9),
    lpad(target == null ? "—" : "≥" + target + "×", 8), lpad(ok, 6),
    lpad((wasmFlops[k] / T[k] / 1e9).toFixed(2), 10), lpad((numpyFlops[k] / np.times[k] / 1e9).toFixed(2), 11)].join(" "));
}
console.log("\nGF/s: nominal floating-point work / time (exp and log count as 1). numpy: the work of its method");
console.log("(a full vectorised loss per grid point or coordinate); wasm: the work of the algorithm it runs");
console.log("(SVM rows swept over breakpoints, softmax rows as geometric sequences, SVM bumps linearised with an exact kink correction,");
console.log(`GD and the numerical gradient over the ${NNZ} nonzeros of Xa (${(100 * NNZ / (N * D1)).toFixed(0)} %), the products x·W by a table of the data's 827 (column, value) pairs; GD's SVM dW kept from step to step: only the rows whose dS changed are added).`);
console.log("\nvalue agreement (wasm vs numpy)");
const agreeRows = [
  ["SVM loss, relative", agree.svm_loss, 1e-9], ["softmax loss, relative", agree.softmax_loss, 1e-9],
  ["SVM plane, max relative", agree.svm_plane, 1e-9], ["softmax plane, max relative", agree.softmax_plane, 1e-9],
  ["numerical gradient, max absolute (h = 1e-5)", agree.numgrad, 1e-6],
  [`loss after ${GD_STEPS} GD steps, relative`, agree.gd_loss, 1e-9], [`W after ${GD_STEPS} GD steps, max absolute`, agree.gd_w, 1e-9],
];
for (const [name, v, tol] of agreeRows) {
  const ok = v <= tol;
  if (!ok) failed++;
  console.log(`  ${pad(name, 46)} ${lpad(v.toExponential(2), 10)}  (≤ ${tol.toExponential(0)}) ${ok ? "✓" : "✗ FAIL"}`);
}
{
  // the picture (for colour only) against the f64 plane, relative to the plane's range
  let lo = Infinity, hi = -Infinity, err = 0;
  for (let i = 0; i < V.softmax_plane.length; i++) {
    lo = Math.min(lo, V.softmax_plane[i]); hi = Math.max(hi, V.softmax_plane[i]);
    err = Math.max(err, Math.abs(V.softmax_picture[i] - V.softmax_plane[i]));
  }
  const ok = err <= 1e-3 * (hi - lo);
  if (!ok) failed++;
  console.log(`  ${pad(`softmax picture vs plane ${G}², / plane's range`, 46)} ${lpad((err / (hi - lo)).toExponential(2), 10)}  (≤ 1e-3) ${ok ? "✓" : "✗ FAIL"}   (max |diff| ${err.toExponential(2)})`);
}

// ---- this core's peak, measured now, and each kernel as a fraction of it
const peak = peakRates(quick ? 150 : 400);
const fmt2 = (x) => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : `${(x / 1e6).toFixed(1)} M`);
console.log(`\nthis core's peak (peakRates, wasm SIMD, one thread): ${fmt2(peak.fmaPerSecond)} f64 multiply-adds/s (f64x2), ${fmt2(peak.fmaPerSecondF32)} f32 (f32x4), ${fmt2(peak.expPerSecond)} exp/s`);
console.log("(a multiply-add = one multiply + one add: wasm SIMD has no fused multiply-add; exp = the f64::exp the kernels call)");
// useful multiply-adds of each kernel (the work its algorithm must do; zero pixels skipped are not counted as saved)
const softTerms = P * N * C;                                  // one multiply-add per (point, example, class)
const useful = {
  svm_loss: [NNZ * C, 0, "scores X·Wᵀ over the nonzeros of Xa (the table's adds counted as multiply-adds)"],
  softmax_loss: [NNZ * C, N * C, "the same; N·C exps"],
  svm_plane: [G * HN * 3 + 3 * N * D1 * C, 0, "3 per hinge per row (breakpoint, intercept, slope) + the 3 score products"],
  softmax_plane: [softTerms, N * C * 3, "one per (point, example, class); ~3·N·C exps"],
  softmax_picture: [softTerms, N * C * 3, "as the plane, in f32x4 lanes (fraction of the f32 peak)"],
  numgrad: [2 * NNZ * C, 0, "scores + the hinge-activity sum over the nonzeros of Xa; O(1) per coordinate after"],
  gd: [GD_STEPS * NNZ * C, 0, "the score product over the nonzeros of Xa per step, each a multiply-add (the wasm adds table entries: one add; + the margins)"],
};
console.log(`\n${pad("kernel", 42)} ${lpad("time", 11)} ${lpad("useful madd/s", 14)} ${lpad("of peak", 8)}  what is counted`);
for (const [name, k] of [["one SVM loss", "svm_loss"], ["one softmax loss", "softmax_loss"], [`SVM plane ${G}²`, "svm_plane"], [`softmax plane ${G}² (f64)`, "softmax_plane"],
  [`softmax picture ${G}² (f32 sums, colour only)`, "softmax_picture"], ["numerical gradient, forward", "numgrad"], [`${GD_STEPS} GD steps, SVM`, "gd"]]) {
  const [madd, , what] = useful[k];
  const rate = madd / T[k];
  const pk = k === "softmax_picture" ? peak.fmaPerSecondF32 : peak.fmaPerSecond;
  console.log(`${pad(name, 42)} ${lpad(fmt(T[k]), 11)} ${lpad(fmt2(rate), 14)} ${lpad((100 * rate / pk).toFixed(0) + "%", 8)}  ${what}`);
}

// ---- gradient descent on dense data (no zeros to skip, values not on a grid: dW summed afresh whenever dS changed)
{
  const csv = seeded(N, 64, 10, 7);
  const cl = new Classifier(csv, { loss: "svm", reg: 0, delta: 1 });
  cl.randomize(SEED, SCALE);
  const W0 = cl.weights();
  { const o = new Optimizer(cl, { method: "gd", stepSize: STEP, seed: 0 }); o.run(GD_STEPS); o.free(); } // warm-up
  const [t] = timed(() => { cl.setWeights(W0); const o = new Optimizer(cl, { method: "gd", stepSize: STEP, seed: 0 }); o.run(GD_STEPS); o.free(); }, reps.gd);
  console.log(`\n${GD_STEPS} GD steps, SVM, dense CSV ${N} × 64 (seeded, mean 0, variance 1), wasm: ${fmt(t)}`);
  T.gd_dense = t;
  cl.free(); csv.free();
}

// ---- drag speed: one full 64² redraw, digits and CSVs at the caps (issue 12 goal 2: ≤ 25 ms on one core)
const DRAG_SPANS = [3, 8], DRAG_SCALE = 0.01; // the page's slider runs span 3 … 8 in a drag; W = 0.01·N(0, 1), directions N(0, 1) (normalize off)
console.log(`\none full 64 × 64 landscape (the softmax picture at spans ${DRAG_SPANS.join(" and ")}, the ends of a drag; the f64 planes at span 3), median; target ≤ 25 ms on one core (30 redraws/s with the other core busy)`);
console.log("of f32 peak: 64²·N·C multiply-adds (one per point, example and class, as the plane kernel does) per second / this core's f32x4 peak;");
console.log("the picture does fewer (classes more than a gap γ below the leader are left out, γ = 17 or less where a bound on the grid's range allows (~5–6 on the digits at spans 3–8, down to 3 on the unstandardised CSVs), rectangles where one class leads need none), so above 100 % is possible");
function seeded(n, d, classes, seed, unstandardised = false) {
  let s = seed >>> 0; const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = unstandardised ? Math.floor(u() * 17) : (u() + u() + u() - 1.5) * 2;
  const y = new Uint32Array(n); for (let i = 0; i < n; i++) y[i] = Math.floor(u() * classes);
  return Dataset.fromArrays(x, y, d, classes);
}
// the CSV bench/page.mjs loads (bench/lib/drive.mjs), with the directions the page draws for it (seed 500)
// (and loaded with "standardise features" ticked: the page's own csvdata.js standardize)
const pageCsv = (std = false) => { const { x, y } = csvArrays(5000, 60, 7); if (std) standardize(x, 60); return Dataset.fromArrays(x, y, 60, 10); };
const drag = [
  ["digits 1797 × 64, 10 classes", digits, 1797],
  ["CSV 5000 × 60, 10 classes (seeded)", seeded(5000, 60, 10, 7), 5000],
  ["CSV 1900 × 256, 10 classes (seeded)", seeded(1900, 256, 10, 8), 1900],
  ["CSV 5000 × 60, features 0–16 (seeded)", seeded(5000, 60, 10, 9, true), 5000],
  ["the page bench's CSV 5000 × 60 (0–16)", pageCsv(), 5000, 500],
  ["the same, standardised", pageCsv(true), 5000, 500],
];
const dragOut = {};
const mark = (t) => (t <= 0.025 ? "✓" : "✗");
for (const [name, data, n, dirSeed = 2] of drag) {
  const cl = new Classifier(data, { loss: "softmax", reg: 0 }); cl.randomize(SEED, DRAG_SCALE);
  const ld = new Landscape(cl, { seed: dirSeed });
  const pics = {};
  for (const span of DRAG_SPANS) {
    ld.picture(span, 64, 0, 64);
    [pics[span]] = timed(() => ld.picture(span, 64, 0, 64), reps.plane);
  }
  ld.plane(DRAG_SPANS[0], 64);
  const [tp] = timed(() => ld.plane(DRAG_SPANS[0], 64), reps.plane);
  const cls = new Classifier(data, { loss: "svm", reg: 0 }); cls.randomize(SEED, DRAG_SCALE);
  const ls = new Landscape(cls, { seed: dirSeed });
  ls.plane(DRAG_SPANS[0], 64);
  const [ts] = timed(() => ls.plane(DRAG_SPANS[0], 64), reps.plane);
  dragOut[name] = { picture: pics, plane: tp, svm: ts };
  const frac = (t) => `${lpad((100 * (64 * 64 * n * 10) / t / peak.fmaPerSecondF32).toFixed(0), 3)} %`;
  const picCols = DRAG_SPANS.map((sp) => `span ${sp} ${lpad(fmt(pics[sp]), 9)} ${mark(pics[sp])} (${frac(pics[sp])} of f32 peak)`).join("  ");
  console.log(`  ${pad(name, 40)} softmax picture ${picCols}   plane (f64) ${lpad(fmt(tp), 9)} ${mark(tp)}   SVM plane ${lpad(fmt(ts), 9)} ${mark(ts)}`);
  ld.free(); cl.free(); ls.free(); cls.free();
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ wasm: T, numpy: np.times, agree, peak, drag: dragOut }, null, 1));
process.exitCode = failed ? 1 : 0;
