// The dev/test static server: MIME types, the CSP header, and no way out of the root.
// No browser needed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, CSP } from "./server.mjs";

let dir;
let root;
let server;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-server-"));
  root = path.join(dir, "www");
  fs.mkdirSync(path.join(root, "pkg"), { recursive: true });
  fs.writeFileSync(path.join(dir, "secret.txt"), "outside the root\n");
  fs.writeFileSync(path.join(root, "index.html"), "<!doctype html><title>t</title>\n");
  fs.writeFileSync(path.join(root, "pkg", "m.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  for (const name of ["a.js", "b.mjs", "c.css", "d.json", "e.csv", "f.svg", "g.png", "h.bin"]) {
    fs.writeFileSync(path.join(root, name), "x");
  }
  fs.symlinkSync(path.join(dir, "secret.txt"), path.join(root, "link.txt"));
  server = await startServer({ root, csp: true });
});

after(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (p, init) => fetch(new URL(p, server.url), { redirect: "manual", ...init });

test("serves files with the right MIME types and the CSP header", async () => {
  const expect = {
    "/pkg/m.wasm": "application/wasm",
    "/index.html": "text/html",
    "/a.js": "text/javascript",
    "/b.mjs": "text/javascript",
    "/c.css": "text/css",
    "/d.json": "application/json",
    "/e.csv": "text/csv",
    "/f.svg": "image/svg+xml",
    "/g.png": "image/png",
    "/h.bin": "application/octet-stream",
  };
  for (const [p, type] of Object.entries(expect)) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers.get("content-type").split(";")[0], type, p);
    assert.equal(res.headers.get("content-security-policy"), CSP, p);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", p);
  }
  assert.deepEqual(new Uint8Array(await (await get("/pkg/m.wasm")).arrayBuffer()).slice(0, 4), new Uint8Array([0, 0x61, 0x73, 0x6d]));
  assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'/);
});

test("directories serve index.html; missing files are 404; only GET and HEAD", async () => {
  assert.equal((await get("/")).status, 200);
  assert.equal((await get("/pkg")).status, 301);
  assert.equal((await get("/pkg/")).status, 404);
  assert.equal((await get("/nope.js")).status, 404);
  const head = await get("/a.js", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), "1");
  assert.equal((await get("/a.js", { method: "POST", body: "x" })).status, 405);
});

test("nothing outside the root is reachable", async () => {
  for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/pkg/..%2f..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/..%5csecret.txt", "/link.txt", "/%00", "/%zz"]) {
    const res = await get(p);
    assert.ok([400, 403, 404].includes(res.status), `${p} gave ${res.status}`);
    assert.doesNotMatch(await res.text(), /outside the root/, p);
  }
  assert.ok(server.requests.length > 0 && server.requests.every((r) => r.status > 0));
});

test("csp: false leaves the header off; port 0 gives distinct ephemeral ports", async () => {
  const other = await startServer({ root, csp: false });
  try {
    assert.notEqual(other.port, server.port);
    const res = await fetch(new URL("index.html", other.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-security-policy"), null);
  } finally {
    await other.close();
  }
});
