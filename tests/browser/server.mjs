// A tiny dependency-free static file server for www/, used by scripts/serve and the browser tests.
//
//   import { startServer } from "./server.mjs";
//   const srv = await startServer({ root: "www", port: 0, csp: true }); // port 0: ephemeral
//   srv.url        // "http://127.0.0.1:41234/"
//   srv.requests   // [{ method, path, status }] for every request served
//   await srv.close();
//
// Run directly (`node tests/browser/server.mjs [root]`), it serves root (default: www/ next to
// this repository's tests/) on 127.0.0.1:$PORT (default 8080); CSP=0 turns the CSP header off.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join("; ");

/** The CSP with `cors` on: any page may frame the widgets too (embed.html in a course page). */
export const PUBLIC_CSP = CSP.replace("frame-ancestors 'self'", "frame-ancestors *");

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

export const DEFAULT_ROOT = fileURLToPath(new URL("../../www/", import.meta.url));

function inside(root, p) {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Serve the files under `root` on http://host:port/.
 * @returns {Promise<{url: string, port: number, requests: Array<{method: string, path: string, status: number}>, close: () => Promise<void>, server: http.Server}>}
 */
export function startServer({ root = DEFAULT_ROOT, port = 0, host = "127.0.0.1", csp = true, cors = false, log = false } = {}) {
  const rootDir = fs.realpathSync(path.resolve(root));
  const requests = [];
  const commonHeaders = () => ({
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    // cors: let pages elsewhere (and sandboxed iframes, whose origin is "null") load the
    // widgets' modules, CSS and wasm, as public static hosts do
    "Cross-Origin-Resource-Policy": cors ? "cross-origin" : "same-origin",
    ...(cors ? { "Access-Control-Allow-Origin": "*" } : {}),
    ...(csp ? { "Content-Security-Policy": cors ? PUBLIC_CSP : CSP } : {}),
  });

  const server = http.createServer((req, res) => {
    const record = { method: req.method, path: req.url, status: 0 };
    requests.push(record);
    const send = (status, headers = {}, body = null) => {
      record.status = status;
      if (log) console.log(`${req.method} ${req.url} ${status}`);
      const base = commonHeaders();
      if (typeof body === "string") {
        body = Buffer.from(body);
        headers = { "Content-Type": "text/plain; charset=utf-8", ...headers };
      }
      if (body) headers["Content-Length"] = body.length;
      res.writeHead(status, { ...base, ...headers });
      res.end(req.method === "HEAD" ? undefined : body ?? undefined);
    };

    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { Allow: "GET, HEAD" }, "method not allowed\n");

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      return send(400, {}, "bad request\n");
    }
    if (pathname.includes("\0") || pathname.includes("\\")) return send(400, {}, "bad request\n");

    let file = path.join(rootDir, pathname);
    if (!inside(rootDir, file)) return send(403, {}, "forbidden\n");

    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith("/")) return send(301, { Location: pathname + "/" });
        file = path.join(file, "index.html");
      }
      fs.realpath(file, (err2, real) => {
        // Symlinks must not lead out of the root either.
        if (err2) return send(404, {}, "not found\n");
        if (!inside(rootDir, real)) return send(403, {}, "forbidden\n");
        fs.stat(real, (err3, st3) => {
          if (err3 || !st3.isFile()) return send(404, {}, "not found\n");
          const type = MIME[path.extname(real).toLowerCase()] ?? "application/octet-stream";
          record.status = 200;
          if (log) console.log(`${req.method} ${req.url} 200`);
          res.writeHead(200, { ...commonHeaders(), "Content-Type": type, "Content-Length": st3.size });
          if (req.method === "HEAD") return res.end();
          const stream = fs.createReadStream(real);
          stream.on("error", () => res.destroy());
          stream.pipe(res);
        });
      });
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const actual = server.address().port;
      resolve({
        url: `http://${host}:${actual}/`,
        port: actual,
        requests,
        server,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

const runDirectly = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (runDirectly) {
  const root = process.argv[2] ?? process.env.ROOT ?? DEFAULT_ROOT;
  const port = Number(process.env.PORT ?? 8080);
  const csp = !["0", "false", "no", "off"].includes(String(process.env.CSP ?? "1").toLowerCase());
  // as a public static host would: other pages (and sandboxed iframes) may embed the widgets
  startServer({ root, port, csp, cors: true, log: true }).then(
    (srv) => {
      console.log(`lossland is at ${srv.url}`);
      console.log(`(serving ${fs.realpathSync(root)}${csp ? " with a strict CSP" : " without CSP"}; Ctrl-C stops)`);
      const stop = () => srv.close().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    },
    (err) => {
      console.error(`server: cannot listen on 127.0.0.1:${port}: ${err.message}`);
      process.exit(1);
    },
  );
}
