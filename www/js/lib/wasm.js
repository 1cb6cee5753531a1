// Loads the lossland WebAssembly module once; every widget on the page shares it.
import init, * as lossland from "../../pkg/lossland.js";

let ready = null;
let memory = null;

/** Resolves to the lossland module namespace after the wasm is instantiated (once). */
export function loadLossland() {
  if (!ready) {
    const url = new URL("../../pkg/lossland_bg.wasm", import.meta.url);
    ready = init({ module_or_path: url }).then((exports) => {
      memory = exports.memory;
      return lossland;
    });
  }
  return ready;
}

/** Bytes of wasm linear memory in use (0 before the module is loaded); for the benchmarks. */
export function wasmMemoryBytes() {
  return memory ? memory.buffer.byteLength : 0;
}
