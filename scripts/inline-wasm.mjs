// An esbuild plugin shared by the bundles that must not fetch the wasm (scripts/dist.mjs's one-file
// page, scripts/wheel.mjs's Jupyter widget: anywidget cannot ship a sidecar .wasm, its issue #921).
// It replaces www/js/lib/wasm.js, wherever it is imported from, by a module with the same exports
// that instantiates the wasm from bytes inlined as base64.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const WWW = fileURLToPath(new URL("../www/", import.meta.url));

/** The plugin; `wasm` is the path of the .wasm file to inline (default www/pkg/lossland_bg.wasm). */
export function inlineWasm(wasm = path.join(WWW, "pkg", "lossland_bg.wasm")) {
  if (!fs.existsSync(wasm)) throw new Error(`${wasm} is missing: run scripts/build`);
  const wasmB64 = fs.readFileSync(wasm).toString("base64");
  return {
    name: "inline-wasm",
    setup(build) {
      build.onResolve({ filter: /(^|\/)lib\/wasm\.js$/ }, () => ({ path: "inline-wasm", namespace: "lossland" }));
      build.onLoad({ filter: /^inline-wasm$/, namespace: "lossland" }, () => ({
        resolveDir: path.join(WWW, "js", "lib"),
        contents: `
          // js/lib/wasm.js, bundled: the wasm comes from this file itself, not the network.
          import init, * as lossland from "../../pkg/lossland.js";
          const WASM_BASE64 = ${JSON.stringify(wasmB64)};
          let ready = null;
          let memory = null;
          function bytes() {
            if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(WASM_BASE64);
            const s = atob(WASM_BASE64);
            const out = new Uint8Array(s.length);
            for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
            return out;
          }
          export function loadLossland() {
            if (!ready) ready = init({ module_or_path: bytes() }).then((exports) => { memory = exports.memory; return lossland; });
            return ready;
          }
          export function wasmMemoryBytes() { return memory ? memory.buffer.byteLength : 0; }
        `,
      }));
    },
  };
}
