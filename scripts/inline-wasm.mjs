// An esbuild plugin shared by the bundles that must not fetch the wasm (scripts/dist.mjs's one-file
// page, scripts/wheel.mjs's Jupyter widget: anywidget cannot ship a sidecar .wasm, its issue #921).
// It replaces www/js/lib/wasm.js, wherever it is imported from, by a module with the same exports
// that instantiates the wasm from bytes inlined as base64, gives the digits' bytes (pkg/digits.bin)
// from base64 too when asked to carry them, and carries the compute Worker
// (www/js/worker.js, bundled on its own, as text) for lib/compute.js to start from a blob: URL.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const WWW = fileURLToPath(new URL("../www/", import.meta.url));

/** esbuild's options for every minified ES-module bundle lossland ships (dist/, the wheel's widget). */
export const MINIFIED_ESM = { bundle: true, format: "esm", minify: true, target: ["es2022"], legalComments: "none", logLevel: "warning" };

/**
 * The plugin; `wasm` is the path of the .wasm file to inline (default www/pkg/lossland_bg.wasm),
 * `digits` the path of the digits' bytes to inline (www/pkg/digits.bin, which the wasm does not
 * carry), or null for a bundle that never shows the digits: its loadDigitsBytes() then rejects
 * with a reason.
 */
export function inlineWasm(wasm = path.join(WWW, "pkg", "lossland_bg.wasm"), { digits = null } = {}) {
  for (const f of [wasm, digits]) if (f && !fs.existsSync(f)) throw new Error(`${f} is missing: run scripts/build`);
  const wasmB64 = fs.readFileSync(wasm).toString("base64");
  const digitsB64 = digits ? fs.readFileSync(digits).toString("base64") : null;
  // the Worker gets the page's compiled WebAssembly.Module by message: its bundle holds no wasm
  const worker = esbuild.buildSync({ ...MINIFIED_ESM, entryPoints: [path.join(WWW, "js", "worker.js")], write: false }).outputFiles[0].text;
  return {
    name: "inline-wasm",
    setup(build) {
      // every import of js/lib/wasm.js, whatever its specifier ("./lib/wasm.js", "./wasm.js")
      const target = path.join(WWW, "js", "lib", "wasm.js");
      build.onResolve({ filter: /(^|\/)wasm\.js$/ }, (args) =>
        path.resolve(args.resolveDir, args.path) === target ? { path: "inline-wasm", namespace: "lossland" } : undefined);
      build.onLoad({ filter: /^inline-wasm$/, namespace: "lossland" }, () => ({
        resolveDir: path.join(WWW, "js", "lib"),
        contents: `
          // js/lib/wasm.js, bundled: the wasm (and the digits) come from this file itself, not the network.
          import init, * as lossland from "../../pkg/lossland.js";
          const WASM_BASE64 = ${JSON.stringify(wasmB64)};
          const DIGITS_BASE64 = ${JSON.stringify(digitsB64)};
          let ready = null;
          let memory = null;
          function bytes(base64 = WASM_BASE64) {
            if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(base64);
            const s = atob(base64);
            const out = new Uint8Array(s.length);
            for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
            return out;
          }
          export function loadDigitsBytes() {
            if (DIGITS_BASE64 === null) return Promise.reject(new Error("this bundle does not carry them"));
            return Promise.resolve(bytes(DIGITS_BASE64));
          }
          const WORKER_SOURCE = ${JSON.stringify(worker)};
          let compiled = null;
          export function loadLossland() {
            if (!ready) {
              ready = WebAssembly.compile(bytes())
                .then((module) => { compiled = module; return init({ module_or_path: module }); })
                .then((exports) => { memory = exports.memory; return lossland; });
            }
            return ready;
          }
          export function wasmModule() { return compiled; }
          export function workerScript() { return { source: WORKER_SOURCE }; }
          export function wasmMemoryBytes() { return memory ? memory.buffer.byteLength : 0; }
        `,
      }));
    },
  };
}
