// README "Embed it", run in the tools the snippets are for. Each snippet is read verbatim from
// README.md (tests/hosts/snippets.mjs), its placeholder host replaced by a local server of
// dist/site/, and then:
//   iframe   pasted into a plain HTML page;
//   Jupyter  the Python snippet is a notebook cell, executed by a Jupyter kernel (ipykernel) and
//            the notebook rendered to HTML by nbconvert;
//   Quarto   the raw-HTML block is a .qmd document, rendered by `quarto render` when Quarto is
//            installed, and always by Pandoc (Quarto's renderer; the {=html} raw block is Pandoc's);
//   MkDocs   the MkDocs snippet and the plain-HTML snippet (the README says either works) are pages
//            of a site built by `mkdocs build --strict`.
// The built page is served from one origin (the course site) and dist/site/ from another, as
// scripts/serve serves it (Access-Control-Allow-Origin: *, the strict CSP with frame-ancestors *).
// Headless Chromium opens the course page with every other host unresolvable, and
// the widget must get ready and draw, its readout must show finite numbers, and nothing may go
// wrong on the page except the host tool's own template assets from a CDN (URLs written in the
// built page itself), which cannot load offline. Screenshots: target/screenshots/host-*.png.
//
// The tools come from a venv made by scripts/hosts (target/hosts-venv; LOSSLAND_HOSTS_VENV to
// use another). Without it the tests that need a tool are skipped, saying so (and scripts/test
// counts that as a failure); scripts/hosts installs it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { startServer } from "../browser/server.mjs";
import { launch, openPage, screenshot, CHROMIUM_ARGS } from "../browser/lib/chromium.mjs";
import { waitReady, assertClean, waitDrawn } from "../browser/lib/assert.mjs";
import { REPO, readSnippets, pointedAt } from "./snippets.mjs";

const VENV = path.resolve(process.env.LOSSLAND_HOSTS_VENV || path.join(REPO, "target", "hosts-venv"));
const SITE = path.join(REPO, "dist", "site");
const READY_MS = 30000;
// what scripts/test reads to list a skipped host in its summary line
const SKIPPED = path.join(REPO, "target", "hosts-skipped.txt");
fs.rmSync(SKIPPED, { force: true });

const bin = (name) => path.join(VENV, "bin", name);
const haveVenv = fs.existsSync(bin("python"));
const NO_VENV = `no ${path.relative(REPO, VENV)}: run scripts/hosts (it installs mkdocs, nbconvert, ipykernel and pandoc there)`;

/** The first executable found: in the venv, then on PATH. */
function which(name) {
  for (const dir of [path.join(VENV, "bin"), ...(process.env.PATH ?? "").split(path.delimiter)]) {
    const f = path.join(dir, name);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      if (fs.statSync(f).isFile()) return f;
    } catch {}
  }
  return null;
}

/** pypandoc-binary's pandoc inside the venv, else one on PATH. */
function findPandoc() {
  const lib = path.join(VENV, "lib");
  if (fs.existsSync(lib)) {
    for (const py of fs.readdirSync(lib)) {
      const f = path.join(lib, py, "site-packages", "pypandoc", "files", "pandoc");
      if (fs.existsSync(f)) return f;
    }
  }
  return which("pandoc");
}

function run(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180000, ...opts });
  } catch (e) {
    throw new Error(`${path.basename(cmd)} ${args.join(" ")} failed (${e.status ?? e.signal}):\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

function pyVersion(dist) {
  return run(bin("python"), ["-c", `import importlib.metadata as m; print(m.version(${JSON.stringify(dist)}))`]).trim();
}

/** One line `name<TAB>ok|fail<TAB>reason` for scripts/test's summary (ok: the run may still pass). */
function noteSkipped(name, verdict, reason) {
  fs.mkdirSync(path.dirname(SKIPPED), { recursive: true });
  fs.appendFileSync(SKIPPED, `${name}\t${verdict}\t${reason}\n`);
}

let work, site, course, browser;
const snippets = readSnippets();

before(async () => {
  if (!haveVenv) noteSkipped("hosts", "fail", NO_VENV);
  // dist/site/ is what the README tells a teacher to host; scripts/dist is quick once www/pkg exists
  run(path.join(REPO, "scripts", "dist"), [], { cwd: REPO, env: { ...process.env, LOSSLAND_SETUP_DONE: "1" } });
  assert.ok(fs.existsSync(path.join(SITE, "embed.html")), "scripts/dist did not write dist/site/embed.html");
  work = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-hosts-"));
  fs.mkdirSync(path.join(work, "course"));
  // a course site has an icon; without one, Chromium's request for /favicon.ico is a 404 error
  fs.writeFileSync(path.join(work, "course", "favicon.ico"), "");
  // lossland served as scripts/serve serves it: ACAO *, CORP cross-origin and the strict CSP
  // header with frame-ancestors * (a public static host such as GitHub Pages sends ACAO * and no
  // CSP header; the pages' own meta CSP applies either way)
  site = await startServer({ root: SITE, csp: true, cors: true });
  // the course site, another origin; the host tools' pages use inline scripts, so no CSP here
  course = await startServer({ root: path.join(work, "course"), csp: false });
  // offline, and deterministically so: every name but 127.0.0.1 fails to resolve at once
  browser = await launch({ args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await course?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A snippet with the README's placeholder host replaced by the local lossland server. */
function snippet(name) {
  const s = snippets.get(name);
  assert.ok(s, `README.md has no block marked <!-- snippet: ${name} -->`);
  return pointedAt(s.text, site.url);
}

/** Copies a built host page (a directory) under the course site; returns its URL there. */
function publish(dir, name, page) {
  const dest = path.join(work, "course", name);
  fs.cpSync(dir, dest, { recursive: true });
  return new URL(`${name}/${page}`, course.url).href;
}

/**
 * Opens a course page and records, besides openPage's log, which requests left both origins.
 * Those are allowed only when the built page itself names them (the host tool's template assets,
 * e.g. nbconvert's require.js and MathJax, MkDocs' highlight.js), and their failure is ignored.
 */
async function openCoursePage(url, builtHtml) {
  const log = await openPage(browser, "about:blank");
  const foreign = [];
  log.page.on("request", (req) => {
    const u = req.url();
    if (/^(data|blob|about):/.test(u)) return;
    const origin = new URL(u).origin;
    if (origin !== new URL(site.url).origin && origin !== new URL(course.url).origin) foreign.push({ url: u, frame: req.frame().url() });
  });
  log.response = await log.page.goto(url, { waitUntil: "load", timeout: 30000 });
  const check = () => {
    const strangers = foreign.filter((r) => !builtHtml.includes(r.url.replace(/[?#].*$/, "")));
    assert.deepEqual(strangers, [], "requests to other hosts that the host tool's page does not name");
    const fromTool = [...new Set(foreign.map((r) => r.url))];
    const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    assertClean(log, { ignore: fromTool.map((u) => new RegExp(escape(u))) });
    return fromTool;
  };
  return { log, page: log.page, foreign, check };
}

/** The iframe showing lossland's embed.html: found, scrolled to (as a reader would), ready. */
async function losslandFrame(t, page, log, widget) {
  const el = page.locator(`iframe[src^="${site.url}embed.html"]`);
  assert.equal(await el.count(), 1, "the page has no iframe of lossland's embed.html");
  await el.scrollIntoViewIfNeeded();
  const handle = await el.elementHandle();
  let frame = null;
  const t0 = Date.now();
  while (!(frame = await handle.contentFrame()) && Date.now() - t0 < READY_MS) await page.waitForTimeout(100);
  assert.ok(frame, "the iframe never got a document");
  await waitReady(frame, log, `lossland's ${widget} in the frame`, { timeout: READY_MS });
  assert.equal(await frame.evaluate(() => document.documentElement.dataset.widget), widget, "another widget than the snippet asks for");
  assert.equal(await frame.evaluate(() => window.origin), "null", "the frame is not sandboxed (its origin is not opaque)");
  assert.deepEqual(await waitDrawn(frame), [], "blank canvases in the frame");
  const box = await el.boundingBox();
  const inner = await frame.evaluate(() => document.documentElement.scrollHeight);
  t.diagnostic(`iframe ${Math.round(box.width)} × ${Math.round(box.height)} px: ${inner > box.height ? `its page is ${inner} px tall and scrolls inside the frame` : "its page fits"}`);
  return frame;
}

/**
 * A full-page screenshot, from the top (MkDocs' fixed navbar would cover a scrolled page's top)
 * with the viewport as tall as the page: Chromium leaves the part of a cross-origin frame that
 * lies outside the viewport unpainted in a full-page screenshot.
 */
async function shot(page, name) {
  try {
    await page.evaluate(() => window.scrollTo(0, 0));
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: page.viewportSize().width, height: Math.min(height, 8000) });
    await page.waitForTimeout(500); // let the frames repaint at the new size
    await screenshot(page, name);
  } catch {}
}

/** Every number in a readout text (the page writes − for minus, a×10⁻¹¹ or a×10^−11 for exponents). */
function numbers(text) {
  const plain = text.replace(/×10(?:\^([−-]?\d+)|([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))/g, (_, caret, sup) => `e${caret ?? [...sup].map((c) => "-0123456789"["⁻⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(c)]).join("")}`);
  return [...plain.replace(/−/g, "-").matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)].map((m) => Number(m[0]));
}

/** The readout matched by `re`: its captured numbers, all finite; the text has no NaN etc. */
async function readout(frameOrLocator, selector, re) {
  const texts = await frameOrLocator.locator(selector).allTextContents();
  const text = texts.find((t) => re.test(t));
  assert.ok(text, `no ${selector} matching ${re} among: ${JSON.stringify(texts)}`);
  assert.doesNotMatch(text, /NaN|Infinity|undefined|∞/, `readout: ${text}`); // ("—" for a missing value fails the parse below)
  const xs = re.exec(text).slice(1).map((s) => numbers(s)[0]);
  assert.ok(xs.length > 0 && xs.every(Number.isFinite), `readout numbers not finite: ${text}`);
  return { text, xs };
}

// ------------------------------------------------------------------------------------------------

test("README.md marks every embedding snippet, each pointing at the placeholder host", () => {
  for (const [name, info] of [["html", "html"], ["iframe", "html"], ["jupyter", "python"], ["quarto", "markdown"], ["mkdocs", "markdown"]]) {
    const s = snippets.get(name);
    assert.ok(s, `no <!-- snippet: ${name} --> in README.md`);
    assert.equal(s.info, info, `snippet ${name}'s fence`);
    assert.match(s.text, /https:\/\/YOU\.github\.io\/lossland\//, `snippet ${name}`);
  }
});

test("plain HTML: the iframe snippet, pasted into a page on another origin, shows the stepper", async (t) => {
  const dir = path.join(work, "plain");
  fs.mkdirSync(dir);
  const built = `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>A course page</title>\n</head>\n<body>\n<main>\n<h1>The numerical gradient</h1>\n${snippet("iframe")}</main>\n</body>\n</html>\n`;
  fs.writeFileSync(path.join(dir, "index.html"), built);
  const { log, page, check } = await openCoursePage(publish(dir, "plain", "index.html"), built);
  try {
    const frame = await losslandFrame(t, page, log, "stepper");
    await frame.getByRole("button", { name: "Step", exact: true }).click();
    await frame.waitForFunction(() => /of 9 coordinates/.test(document.querySelector("[data-testid=evaluations]")?.textContent ?? "") && !/^1 /.test(document.querySelector("[data-testid=evaluations]").textContent));
    const { xs } = await readout(frame, "[data-testid=evaluations]", /^(\d+) loss evaluations? so far \((\d+) of 9 coordinates\)/);
    assert.deepEqual(xs, [2, 1], "one forward-difference step: f(x) once, then f(x + h) once");
    const inner = await frame.evaluate(() => document.documentElement.scrollHeight);
    const outer = await frame.evaluate(() => window.innerHeight);
    t.diagnostic(`after the step the frame's page is ${inner} px tall in a ${outer} px frame`);
    check();
  } finally {
    await shot(page, "host-plain-iframe");
    await log.context.close();
  }
});

test("Jupyter: the IFrame cell, executed by a kernel and rendered by nbconvert, shows gradient descent", { skip: !haveVenv && NO_VENV }, async (t) => {
  const code = snippet("jupyter");
  const dir = path.join(work, "jupyter");
  fs.mkdirSync(dir);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, language_info: { name: "python" } },
    cells: [
      { id: "intro", cell_type: "markdown", metadata: {}, source: ["# Gradient descent\n", "\n", "Run the widget below: step, play, change the step size."] },
      { id: "lossland", cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: code.replace(/\n$/, "").split(/(?<=\n)/) },
    ],
  };
  fs.writeFileSync(path.join(dir, "lesson.ipynb"), JSON.stringify(nb, null, 1));
  // keep Jupyter's runtime, config and IPython's profile out of $HOME
  const env = { ...process.env, PATH: `${path.join(VENV, "bin")}${path.delimiter}${process.env.PATH}`, JUPYTER_PLATFORM_DIRS: "1", JUPYTER_RUNTIME_DIR: path.join(dir, ".rt"), JUPYTER_CONFIG_DIR: path.join(dir, ".cfg"), IPYTHONDIR: path.join(dir, ".ipython"), PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  run(bin("jupyter"), ["nbconvert", "--to", "notebook", "--execute", "--output", "lesson.executed.ipynb", "lesson.ipynb"], { cwd: dir, env });
  run(bin("jupyter"), ["nbconvert", "--to", "html", "--output", "index.html", "lesson.executed.ipynb"], { cwd: dir, env });
  t.diagnostic(`nbconvert ${pyVersion("nbconvert")}, ipykernel ${pyVersion("ipykernel")}, IPython ${pyVersion("ipython")}`);

  // the kernel ran the cell and IPython wrote an iframe as its HTML output
  const executed = JSON.parse(fs.readFileSync(path.join(dir, "lesson.executed.ipynb"), "utf8"));
  const out = executed.cells[1].outputs;
  assert.equal(out.length, 1, `the cell gave ${out.length} outputs: ${JSON.stringify(out)}`);
  const html = [].concat(out[0].data?.["text/html"] ?? []).join("");
  assert.match(html, /<iframe[\s\S]*sandbox="allow-scripts"[\s\S]*><\/iframe>/, `the output is not a sandboxed iframe: ${html}`);

  const built = fs.readFileSync(path.join(dir, "index.html"), "utf8");
  fs.mkdirSync(path.join(dir, "out"));
  fs.copyFileSync(path.join(dir, "index.html"), path.join(dir, "out", "index.html"));
  const { log, page, check } = await openCoursePage(publish(path.join(dir, "out"), "jupyter", "index.html"), built);
  try {
    const frame = await losslandFrame(t, page, log, "gd");
    const re = /^Step (\d+), step size \S+: loss (\S+) \(start (\S+)\), accuracy (\S+)%/;
    const before = await readout(frame, ".readout", re);
    // operate it: ten steps of gradient descent from the cell's output
    for (let i = 0; i < 10; i++) await frame.getByRole("button", { name: "Step", exact: true }).click();
    await frame.waitForFunction((n) => [...document.querySelectorAll(".readout")].some((e) => e.textContent.startsWith(`Step ${n},`)), before.xs[0] + 10);
    const after = await readout(frame, ".readout", re);
    assert.equal(after.xs[0], before.xs[0] + 10);
    assert.ok(after.xs[1] < after.xs[2], `the loss did not fall: ${after.text}`);
    const tool = check();
    t.diagnostic(`nbconvert's page asked other hosts for (blocked, not lossland's): ${tool.join(", ") || "nothing"}`);
  } finally {
    await shot(page, "host-jupyter");
    await log.context.close();
  }
});

/** The Quarto snippet as a .qmd document: YAML front matter, a line of text, the raw block. */
function writeQmd(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "landscape.qmd"), `---\ntitle: "The loss landscape"\n---\n\nHover over the map to read the loss.\n\n${snippet("quarto")}`);
}

async function checkLandscapePage(t, url, built, name) {
  const { log, page, check } = await openCoursePage(url, built);
  try {
    const frame = await losslandFrame(t, page, log, "landscape");
    const { xs } = await readout(frame, ".readout", /grid: loss from (\S+) \(dark\) to (\S+) \(bright\); W sits at the white dot, loss (\S+?)(?: \(W lies between the grid's points[^)]*\))?\.$/);
    // W's loss is within the map's range, or the page says why not (W is not a grid point)
    const said = await frame.locator(".readout").filter({ hasText: "W lies between the grid's points" }).count();
    assert.ok(said > 0 || (xs[0] <= xs[2] && xs[2] <= xs[1]), `W's loss is not within the map's range and the page does not say why: ${xs}`);
    const tool = check();
    t.diagnostic(`other hosts asked for (blocked, not lossland's): ${tool.join(", ") || "nothing"}`);
  } finally {
    await shot(page, name);
    await log.context.close();
  }
}

const quarto = which("quarto");
const noQuarto = quarto
  ? false
  : `no quarto in ${path.relative(REPO, VENV)}/bin or on PATH: PyPI's quarto-cli is a source package whose build downloads Quarto from GitHub${fs.existsSync(path.join(VENV, "quarto-cli-failed.txt")) ? ` (${fs.readFileSync(path.join(VENV, "quarto-cli-failed.txt"), "utf8").trim().split("\n").join("; ")})` : ""}; the snippet is rendered by Pandoc instead`;

test("Quarto: `quarto render` of a .qmd with the raw-HTML block shows the loss landscape", { skip: haveVenv ? noQuarto : NO_VENV }, async (t) => {
  const dir = path.join(work, "quarto");
  writeQmd(dir);
  run(quarto, ["render", "landscape.qmd", "--to", "html"], { cwd: dir, env: { ...process.env, QUARTO_PRINT_STACK: "1" } });
  t.diagnostic(`quarto ${run(quarto, ["--version"]).trim()}`);
  fs.rmSync(path.join(dir, "landscape.qmd"));
  await checkLandscapePage(t, publish(dir, "quarto", "landscape.html"), fs.readFileSync(path.join(dir, "landscape.html"), "utf8"), "host-quarto");
});
// Quarto cannot be installed where GitHub is unreachable (CI here): reported, not failed, since
// Pandoc's test below renders the same .qmd the way Quarto does
if (haveVenv && noQuarto) noteSkipped("quarto", "ok", "no quarto: PyPI's quarto-cli downloads it from GitHub; the .qmd rendered by Pandoc instead");

test("Quarto's renderer, Pandoc: the .qmd with the raw-HTML block shows the loss landscape", { skip: !haveVenv && NO_VENV }, async (t) => {
  const pandoc = findPandoc();
  assert.ok(pandoc, `no pandoc in ${path.relative(REPO, VENV)} (pypandoc-binary) or on PATH`);
  const dir = path.join(work, "pandoc");
  writeQmd(dir);
  // what Quarto runs for format html: Pandoc's markdown reader, its HTML5 writer, a standalone page
  run(pandoc, ["landscape.qmd", "--from", "markdown", "--to", "html5", "--standalone", "--output", "landscape.html"], { cwd: dir });
  t.diagnostic(run(pandoc, ["--version"]).split("\n")[0]);
  const built = fs.readFileSync(path.join(dir, "landscape.html"), "utf8");
  assert.ok(built.includes(snippet("quarto").replace(/^```\{=html\}\n|```\n$/g, "").trim()), "Pandoc did not pass the raw block through unchanged");
  fs.rmSync(path.join(dir, "landscape.qmd"));
  await checkLandscapePage(t, publish(dir, "pandoc", "landscape.html"), built, "host-quarto-pandoc");
});

test("MkDocs: `mkdocs build --strict` of a page with each snippet (iframe, plain HTML) shows the widgets", { skip: !haveVenv && NO_VENV }, async (t) => {
  const dir = path.join(work, "mkdocs");
  fs.mkdirSync(path.join(dir, "docs"), { recursive: true });
  fs.writeFileSync(path.join(dir, "mkdocs.yml"), "site_name: A course site\n" +
    // MkDocs' default theme takes highlight.js from a CDN and then calls it inline: offline, that
    // is a ReferenceError of the theme's own; a course site that must work offline turns it off
    "theme:\n  name: mkdocs\n  highlightjs: false\nnav:\n  - Gradient check: index.md\n  - Widgets: widgets.md\n");
  fs.writeFileSync(path.join(dir, "docs", "index.md"), `# The gradient check\n\nCompare the analytic gradient with the numerical one.\n\n${snippet("mkdocs")}`);
  fs.writeFileSync(path.join(dir, "docs", "widgets.md"), `# Four widgets\n\nThe plain-HTML snippet, pasted into Markdown.\n\n${snippet("html")}`);
  run(bin("mkdocs"), ["build", "--strict", "--quiet", "--site-dir", "site"], { cwd: dir });
  t.diagnostic(`mkdocs ${pyVersion("mkdocs")}, Markdown ${pyVersion("markdown")}`);
  const url = publish(path.join(dir, "site"), "mkdocs", "");

  // the iframe snippet
  let built = fs.readFileSync(path.join(dir, "site", "index.html"), "utf8");
  let opened = await openCoursePage(url, built);
  try {
    const frame = await losslandFrame(t, opened.page, opened.log, "gradcheck");
    const { xs } = await readout(frame, ".big-number", /^max relative error (\S+):/);
    assert.ok(xs[0] >= 0 && xs[0] < 1e-4, `toy SVM gradient check: max relative error ${xs[0]}`);
    const tool = opened.check();
    t.diagnostic(`MkDocs' page asked other hosts for (blocked, not lossland's): ${tool.join(", ") || "nothing"}`);
  } finally {
    await shot(opened.page, "host-mkdocs");
    await opened.log.context.close();
  }

  // the plain-HTML snippet: the module script and four custom elements, cross-origin
  built = fs.readFileSync(path.join(dir, "site", "widgets", "index.html"), "utf8");
  opened = await openCoursePage(new URL("widgets/", url).href, built);
  const { page, log } = opened;
  try {
    const tags = ["lossland-gradient-stepper", "lossland-optimizer", "lossland-landscape", "lossland-gradient-check"];
    for (const tag of tags) assert.equal(await page.locator(tag).count(), 1, `MkDocs' page has no <${tag}>`);
    await waitReady(page, log, "the elements", { elements: tags, timeout: READY_MS });
    // scroll through the page as a reader would, then every canvas must be drawn
    for (const tag of tags) await page.locator(tag).scrollIntoViewIfNeeded();
    assert.deepEqual(await waitDrawn(page), [], "blank canvases");
    const ev = await readout(page.locator("lossland-gradient-stepper"), "[data-testid=evaluations]", /^(\d+) loss evaluations? so far/);
    assert.equal(ev.xs[0], 1, "the stepper starts with f(x) evaluated once");
    await readout(page.locator("lossland-gradient-check"), "[data-testid=verdict]", /^max relative error (\S+):/);
    await readout(page.locator("lossland-landscape"), ".readout", /grid: loss from (\S+) \(dark\) to (\S+) \(bright\)/);
    const tool = opened.check();
    t.diagnostic(`other hosts asked for (blocked, not lossland's): ${tool.join(", ") || "nothing"}`);
  } finally {
    await shot(page, "host-mkdocs-elements");
    await log.context.close();
  }
});
