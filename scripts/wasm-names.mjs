// Shorter import names for the deployed site's wasm. wasm-bindgen names each JS function the wasm
// imports `__wbg_<name>_<16 hex digits>` (a hash that keeps names unique across crates); those
// digits are ~1,100 random characters in the wasm's import section and as many again in the JS
// glue bundled with it, which gzip cannot shrink (~2 KB of the transfer). The site needs no such
// hash: each import becomes `__wbg_<name>` (`__wbg_<name>_<k>` where two share a name), in the
// wasm and in every JS file of the site alike, as a minifier renames identifiers. Only
// scripts/dist uses this, on its copy of the site; www/pkg and the one-file build keep
// wasm-bindgen's names.

import fs from "node:fs";
import path from "node:path";

const HASHED = /^(__wbg_[A-Za-z0-9_$]*?)_[0-9a-f]{16}$/;

function readU32(b, i) {
  let r = 0, s = 0, x;
  do {
    x = b[i++];
    r += (x & 127) * 2 ** s;
    s += 7;
  } while (x & 128);
  return [r, i];
}
function u32(n) {
  const out = [];
  do {
    let x = n % 128;
    n = Math.floor(n / 128);
    if (n) x |= 128;
    out.push(x);
  } while (n);
  return out;
}
const skipU32 = (b, i) => readU32(b, i)[1];
function skipLimits(b, i) {
  const flag = b[i++];
  i = skipU32(b, i);
  return flag & 1 ? skipU32(b, i) : i;
}
/** The end of an import's description at `i` (its kind byte first). */
function skipDesc(b, i) {
  const kind = b[i++];
  if (kind === 0) return skipU32(b, i); // function: type index
  if (kind === 1) return skipLimits(b, i + 1); // table: reference type, limits
  if (kind === 2) return skipLimits(b, i); // memory: limits
  if (kind === 3) return i + 2; // global: value type, mutability
  if (kind === 4) return skipU32(b, i + 1); // tag: attribute, type index
  throw new Error(`wasm-names: unknown import kind ${kind}`);
}
function readName(b, i) {
  let n;
  [n, i] = readU32(b, i);
  return [Buffer.from(b.subarray(i, i + n)).toString("utf8"), i + n];
}
const nameBytes = (s) => {
  const bytes = Buffer.from(s, "utf8");
  return [...u32(bytes.length), ...bytes];
};

/**
 * `wasm` with its hashed import names shortened → { wasm: Buffer, renames: Map(old → new) }.
 * Every other byte is kept; the import section is re-encoded with its new length.
 */
export function shortenImports(wasm) {
  const b = new Uint8Array(wasm);
  if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error("wasm-names: not a wasm module");
  const parts = [Buffer.from(b.subarray(0, 8))];
  const renames = new Map();
  let i = 8;
  while (i < b.length) {
    const id = b[i];
    const [size, at] = readU32(b, i + 1);
    const end = at + size;
    if (id !== 2) {
      parts.push(Buffer.from(b.subarray(i, end)));
      i = end;
      continue;
    }
    let [count, j] = readU32(b, at);
    const entries = [];
    for (let k = 0; k < count; k++) {
      let module, field;
      [module, j] = readName(b, j);
      [field, j] = readName(b, j);
      const d = skipDesc(b, j);
      entries.push({ module, field, desc: b.subarray(j, d) });
      j = d;
    }
    if (j !== end) throw new Error("wasm-names: the import section did not parse to its end");
    const taken = new Set(entries.map((e) => e.field).filter((f) => !HASHED.test(f)));
    for (const e of entries) {
      const m = HASHED.exec(e.field);
      if (!m) continue;
      let name = m[1];
      for (let k = 2; taken.has(name); k++) name = `${m[1]}_${k}`;
      taken.add(name);
      renames.set(e.field, name);
      e.field = name;
    }
    const payload = [...u32(count)];
    for (const e of entries) payload.push(...nameBytes(e.module), ...nameBytes(e.field), ...e.desc);
    parts.push(Buffer.from([2, ...u32(payload.length), ...payload]));
    i = end;
  }
  return { wasm: Buffer.concat(parts), renames };
}

/**
 * Shortens the import names of `dir`/pkg/lossland_bg.wasm and renames them in every .js file
 * under `dir`. Throws (leaving the files as they were) if a renamed import is in no JS file or a
 * hashed name in the JS is not one of the wasm's imports. → { renamed, saved } (bytes, raw).
 */
export function shortenSiteImports(dir) {
  const wasmFile = path.join(dir, "pkg", "lossland_bg.wasm");
  const before = fs.readFileSync(wasmFile);
  const { wasm, renames } = shortenImports(before);
  const jsFiles = fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".js")).map((f) => path.join(dir, f));
  const seen = new Set();
  const out = new Map();
  const any = /__wbg_[A-Za-z0-9_$]*_[0-9a-f]{16}/g;
  for (const f of jsFiles) {
    const text = fs.readFileSync(f, "utf8");
    const next = text.replace(any, (old) => {
      const name = renames.get(old);
      if (!name) throw new Error(`wasm-names: ${path.relative(dir, f)} names ${old}, which the wasm does not import`);
      seen.add(old);
      return name;
    });
    if (next !== text) out.set(f, next);
  }
  const missing = [...renames.keys()].filter((k) => !seen.has(k));
  if (missing.length) throw new Error(`wasm-names: no JS file of the site defines ${missing.slice(0, 3).join(", ")}`);
  fs.writeFileSync(wasmFile, wasm);
  for (const [f, text] of out) fs.writeFileSync(f, text);
  return { renamed: renames.size, saved: before.length - wasm.length };
}
