// The notebook: loads the wasm once, builds the shared settings bar and mounts each widget.
import { loadLossland } from "./lib/wasm.js";
import { createContext, settingsFromUrl, DATASETS } from "./lib/state.js";
import { select, slider, el } from "./lib/ui.js";
import { fmt } from "./lib/format.js";

const WIDGETS = {
  line: () => import("./sections/line.js"),
  plane: () => import("./sections/plane.js"),
  "random-search": () => import("./sections/randomsearch.js"),
  "local-search": () => import("./sections/localsearch.js"),
  stepper: () => import("./sections/stepper.js"),
  gradcheck: () => import("./sections/gradcheck.js"),
  gd: () => import("./sections/gd.js"),
  sgd: () => import("./sections/sgd.js"),
  scoreboard: () => import("./sections/scoreboard.js"),
};

const REGS = [0, 1e-4, 1e-3, 1e-2, 0.1, 1];

function settingsBar(ctx, host) {
  const s = ctx.settings;
  const ds = select({ label: "Data set", options: DATASETS, value: s.dataset, onChange: (v) => ctx.set({ dataset: v }) });
  const loss = select({ label: "Loss", options: [["svm", "multiclass SVM (Δ = 1)"], ["softmax", "softmax"]], value: s.loss, onChange: (v) => ctx.set({ loss: v }) });
  const regIdx = Math.max(0, REGS.findIndex((r) => r >= s.reg));
  const reg = slider({ label: "Regularisation reg", min: 0, max: REGS.length - 1, step: 1, value: regIdx, format: (i) => fmt(REGS[i]), onInput: (i) => ctx.set({ reg: REGS[i] }) });
  const seedIn = el("input", { id: "seed", type: "number", min: 0, max: 1000000, step: 1, value: s.seed });
  seedIn.addEventListener("change", () => {
    const v = Number(seedIn.value);
    if (Number.isSafeInteger(v) && v >= 0 && v <= 1000000) ctx.set({ seed: v });
    else seedIn.value = ctx.settings.seed;
  });
  const seed = el("div", { class: "control" }, el("label", { for: "seed" }, "Seed"), seedIn);
  host.append(ds.wrap, loss.wrap, reg.wrap, seed);
}

async function main() {
  const root = document.documentElement;
  root.dataset.status = "loading";
  try {
    for (const load of Object.values(WIDGETS)) load(); // start fetching widget code alongside the wasm
    const L = await loadLossland();
    performance.mark("lossland:wasm-ready");
    const ctx = createContext(L, settingsFromUrl());
    settingsBar(ctx, document.getElementById("settings"));
    performance.mark("lossland:settings-bar");
    const hosts = [...document.querySelectorAll("[data-widget]")].filter((h) => WIDGETS[h.dataset.widget]);
    // fetch every widget's module at once, then mount them in page order
    const modules = hosts.map((h) => WIDGETS[h.dataset.widget]());
    const widgets = [];
    for (let i = 0; i < hosts.length; i++) {
      const mod = await modules[i];
      if (i === 0) performance.mark("lossland:first-module");
      const t0 = performance.now();
      widgets.push(await mod.mount(hosts[i], ctx));
      performance.measure(`lossland:mount:${hosts[i].dataset.widget}`, { start: t0 });
    }
    ctx.onChange(() => {
      const url = new URL(window.location.href);
      for (const k of ["dataset", "loss", "reg", "seed"]) url.searchParams.set(k, String(ctx.settings[k]));
      history.replaceState(null, "", url);
    });
    await Promise.all(widgets.map((w) => w && w.ready));
    root.dataset.status = "ready";
  } catch (e) {
    root.dataset.status = "error";
    const box = document.getElementById("error");
    box.hidden = false;
    box.textContent = `lossland could not start: ${e && e.message ? e.message : e}`;
    console.error(e);
  }
}

main();
