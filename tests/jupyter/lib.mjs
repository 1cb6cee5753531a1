// The live Jupyter test's harness: a JupyterLab server from target/jupyter-venv (no token, a
// fresh root directory, every Jupyter directory under it so nothing of the machine's own set-up
// is read or written), notebooks written as nbformat JSON, and cells run through the UI with
// Shift+Enter as a learner would.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { spawn } from "node:child_process";
import { REPO, SCREENSHOTS } from "../browser/lib/chromium.mjs";

export const VENV = process.env.LOSSLAND_JUPYTER_VENV || path.join(REPO, "target", "jupyter-venv");

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `jupyter lab` (which also serves Notebook 7's /tree and /notebooks/ when `notebook` is
 * installed). Returns { url, dir, log, stop }; `dir` is the server's root directory.
 */
export async function startJupyter({ env: extraEnv = {} } = {}) {
  const python = path.join(VENV, "bin", "python");
  if (!fs.existsSync(python)) throw new Error(`${python} is missing: run tests/jupyter/run (or scripts/test jupyter)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-jupyter-"));
  const home = path.join(dir, ".home");
  for (const d of ["config", "data", "runtime", "settings", "workspaces", "ipython"]) fs.mkdirSync(path.join(home, d), { recursive: true });
  // no "get notified about Jupyter news?" prompt over the notebook
  const notes = path.join(home, "settings", "@jupyterlab", "apputils-extension");
  fs.mkdirSync(notes, { recursive: true });
  fs.writeFileSync(path.join(notes, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  const port = await freePort();
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(home, "config"),
    JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: path.join(home, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: path.join(home, "workspaces"),
    IPYTHONDIR: path.join(home, "ipython"),
    JUPYTER_PLATFORM_DIRS: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    ...extraEnv,
  };
  const args = [
    "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
    `--ServerApp.root_dir=${dir}`, "--allow-root",
    "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  ];
  // cwd: the root, not the repository (whose package.json says "type": "module", which breaks
  // JupyterLab's node version check)
  const proc = spawn(python, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: false });
  let log = "";
  proc.stdout.on("data", (b) => (log += b));
  proc.stderr.on("data", (b) => (log += b));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter lab exited (${proc.exitCode}):\n${log.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/status`);
      if (r.ok) break;
    } catch {}
    if (Date.now() - t0 > 60000) {
      proc.kill("SIGTERM");
      throw new Error(`jupyter lab did not answer in 60 s:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    dir,
    get log() { return log; },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await Promise.race([new Promise((r) => proc.once("exit", r)), new Promise((r) => setTimeout(r, 8000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `cells` (strings of Python) as an nbformat 4 notebook `name` in `dir`. */
export function writeNotebook(dir, name, cells) {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
      language_info: { name: "python" },
    },
    cells: cells.map((src, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source: src })),
  };
  fs.writeFileSync(path.join(dir, name), JSON.stringify(nb, null, 1));
}

/** The notebook panel being shown (JupyterLab keeps hidden ones in the DOM). */
export const panel = (page) => page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first();

/** The i-th cell of the visible notebook. */
export const cell = (page, i) => panel(page).locator(".jp-Cell").nth(i);

/** Waits until the notebook's kernel is connected and idle (the status bar says so). */
export async function waitKernel(page, timeout = 60000) {
  await panel(page).locator(".jp-Cell").first().waitFor({ timeout });
  await page.waitForFunction(() => {
    const bar = document.querySelector("#jp-main-statusbar, .jp-StatusBar-Widget, body");
    return /\|\s*Idle/.test(bar?.textContent ?? "") || /Kernel status: Idle/i.test(document.body.innerHTML);
  }, null, { timeout });
}

/**
 * Runs cell `i` through the UI (a click in its editor, then Shift+Enter) and waits until it has
 * run (its prompt shows an execution count). Returns the cell's locator.
 */
export async function runCell(page, i, { timeout = 60000 } = {}) {
  const c = cell(page, i);
  const prompt = c.locator(".jp-InputArea-prompt");
  // a Shift+Enter pressed while the kernel is still connecting is dropped (the prompt stays
  // "[ ]"): pressed again then, never once the cell is queued ("[*]") or has run
  for (let attempt = 0; ; attempt++) {
    await c.scrollIntoViewIfNeeded();
    await c.locator(".jp-InputArea-editor").click();
    await page.keyboard.press("Shift+Enter");
    const started = await prompt.filter({ hasText: /\[(\*|\d+)\]/ }).waitFor({ state: "attached", timeout: 10000 }).then(() => true, () => false);
    if (started) break;
    if (attempt === 3) throw new Error(`cell ${i} did not start after 4 Shift+Enter`);
  }
  // "attached", not "visible": a cell scrolled out of view (JupyterLab moves on to the next one)
  // may have its content skipped by content-visibility, which playwright counts as not visible
  await prompt.filter({ hasText: /\[\d+\]/ }).waitFor({ state: "attached", timeout }).catch(async (e) => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `jupyter-failed-cell-${i}.png`) }).catch(() => {});
    throw e;
  });
  const err = c.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']");
  if (await err.count()) {
    const text = await err.first().textContent();
    if (/Error|Traceback/.test(text)) throw new Error(`cell ${i} failed:\n${text.slice(0, 3000)}`);
  }
  return c;
}

/** The text of cell `i`'s stream output (what it printed). */
export async function printed(page, i) {
  const texts = await cell(page, i).locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']").allTextContents();
  return texts.join("");
}

/** `KEY=value` lines a cell printed, as an object. */
export async function printedValues(page, i) {
  const out = {};
  for (const line of (await printed(page, i)).split("\n")) {
    const m = line.match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
