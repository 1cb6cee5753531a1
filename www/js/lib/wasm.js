// Loads the lossland WebAssembly module once; every widget on the page shares it. The compiled
// WebAssembly.Module is kept, so the compute Worker (compute.js) instantiates the same module
// without compiling it again. In the bundles (scripts/inline-wasm.mjs) this file is replaced by
// one with the same exports that takes the wasm, the digits and the Worker's code from the
// bundle itself.
import init, * as lossland from "../../pkg/lossland.js";

let ready = null;
let memory = null;
let compiled = null;

/** Resolves to the lossland module namespace after the wasm is instantiated (once). */
export function loadLossland() {
  if (!ready) {
    const url = new URL("../../pkg/lossland_bg.wasm", import.meta.url);
    ready = compile(url)
      .then((module) => {
        compiled = module;
        return init({ module_or_path: module });
      })
      .then((exports) => {
        memory = exports.memory;
        return lossland;
      });
  }
  return ready;
}

async function compile(url) {
  // the page's boot script (js/boot.js) may have started it already
  const early = globalThis.__losslandWasm;
  if (early && early.url === url.href) {
    delete globalThis.__losslandWasm;
    return early.module.catch(() => compileNow(url));
  }
  return compileNow(url);
}

async function compileNow(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`failed to fetch the wasm: ${response.status} ${response.statusText}`);
  if (typeof WebAssembly.compileStreaming === "function" && response.headers.get("Content-Type") === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  // a server that sends another MIME type than application/wasm: compile from the bytes
  return WebAssembly.compile(await response.arrayBuffer());
}

let digits = null;

/**
 * Resolves to the bytes of pkg/digits.bin (Dataset.digits(bytes)): the 8×8 digits ship beside
 * the wasm, not inside it, and are fetched once, when first asked for (a learner, a link or an
 * embed picks them), so a fresh load of the toy set does not transfer them. A failed fetch
 * rejects, and the next call tries again.
 */
export function loadDigitsBytes() {
  if (digits) return digits;
  const url = new URL("../../pkg/digits.bin", import.meta.url);
  // a link to the digits: the notebook's boot script (js/boot.js) has started the fetch already
  const early = globalThis.__losslandDigits;
  if (early) delete globalThis.__losslandDigits;
  digits = (early && early.url === url.href ? early.response : fetch(url))
    .then(async (response) => {
      if (!response.ok) {
        // (its body read to the end: left unread, the request counts as cancelled when the page
        // is left, a failed request where the server had answered)
        await response.arrayBuffer().catch(() => {});
        throw new Error(`pkg/digits.bin: HTTP ${response.status} ${response.statusText}`.trim());
      }
      return new Uint8Array(await response.arrayBuffer());
    })
    .catch((e) => {
      digits = null;
      throw e;
    });
  return digits;
}

/** The compiled WebAssembly.Module (null before loadLossland has resolved). */
export function wasmModule() {
  return compiled;
}

/**
 * Where the compute Worker's code is: `{ url }` of www/js/worker.js here (the bundles give
 * `{ source }`, the worker's own bundle as text, run from a blob: URL).
 */
export function workerScript() {
  return { url: new URL("../worker.js", import.meta.url).href };
}

/** Bytes of wasm linear memory in use (0 before the module is loaded); for the benchmarks. */
export function wasmMemoryBytes() {
  return memory ? memory.buffer.byteLength : 0;
}
