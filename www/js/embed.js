// embed.html: one widget alone, for an <iframe> (sandbox="allow-scripts" is enough).
//   embed.html?widget=stepper&dataset=toy&loss=svm&reg=0&seed=1&h=1e-5&centered=true
// Every parameter is checked against an allow-list or a range (elements.js readOptions, which
// uses state.js's settingsFromUrl); anything else is ignored and the defaults are used. Text
// is set with textContent only; nothing from the URL becomes markup.
import { mountWidget, readOptions, widgetName, WIDGETS, METHODS } from "./elements.js";

const DEFAULT_WIDGET = "stepper";

async function main() {
  const root = document.documentElement;
  root.dataset.status = "loading";
  const params = new URLSearchParams(window.location.search || window.location.hash.replace(/^#/, ""));
  // widget=optimizer&method=sgd reads as the element does
  let requested = params.get("widget");
  if (requested === "optimizer") requested = METHODS[params.get("method")] ?? "gd";
  const name = widgetName(requested) ?? DEFAULT_WIDGET;
  const { settings, options, warnings } = readOptions((k) => params.get(k));
  if (requested !== null && !widgetName(requested) && requested !== "optimizer") warnings.push(`lossland: ignored widget: must be one of ${Object.keys(WIDGETS).join(", ")}`);
  for (const w of warnings) console.warn(w);

  root.dataset.widget = name;
  document.title = `lossland: ${WIDGETS[name].title}`;
  document.getElementById("embed-title").textContent = WIDGETS[name].title;
  const link = document.getElementById("open-notebook");
  const nb = new URL("index.html", window.location.href);
  for (const k of ["dataset", "loss", "reg", "seed"]) nb.searchParams.set(k, String(settings[k]));
  link.href = nb.href;
  try {
    const w = await mountWidget(document.getElementById("widget"), name, { settings, options });
    window.addEventListener("pagehide", () => w.destroy());
    await w.ready;
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
