// embed.html: one widget alone, for an <iframe> (sandbox="allow-scripts" is enough).
//   embed.html?widget=stepper&dataset=toy&loss=svm&reg=0&seed=1&h=1e-5&centered=true
// The widget comes from the registry (widgets.js) and every other parameter is read by the
// options table (options.js): an invalid value is ignored with a console warning and the
// default is used. Text is set with textContent only; nothing from the URL becomes markup.
import { widget, widgetName, mountWidget, METHODS, WIDGET_NAMES } from "./lib/widgets.js";
import { readOptions, optionEntries } from "./lib/options.js";
import { startPage } from "./lib/page.js";

const DEFAULT_WIDGET = "stepper";

async function main(root) {
  const params = new URLSearchParams(window.location.search || window.location.hash.replace(/^#/, ""));
  // widget=optimizer&method=sgd reads as the element does
  let requested = params.get("widget");
  if (requested === "optimizer") requested = METHODS[params.get("method")] ?? "gd";
  const name = widgetName(requested) ?? DEFAULT_WIDGET;
  const notice = document.getElementById("embed-notice");
  if (requested !== null && !widgetName(requested)) {
    // said plainly on the page (the requested name itself is not echoed: it is untrusted text)
    notice.textContent = `This link asks for a widget lossland does not have, so the default one is shown. The widgets are: ${WIDGET_NAMES.join(", ")}.`;
    notice.hidden = false;
    console.warn(`lossland: ignored widget: must be one of ${WIDGET_NAMES.join(", ")}`);
  }
  const { settings, options, warnings } = readOptions((k) => params.get(k), name);
  for (const w of warnings) console.warn(w);

  const row = widget(name);
  root.dataset.widget = name;
  document.body.classList.toggle("present", settings.present); // presentation mode (?present=1)
  document.title = `lossland: ${row.title}`;
  document.getElementById("embed-title").textContent = row.title;
  document.getElementById("embed-intro").textContent = row.intro;
  const link = document.getElementById("open-notebook");
  const nb = new URL("index.html", window.location.href);
  for (const [k, v] of optionEntries(settings)) nb.searchParams.set(k, v);
  link.href = nb.href;
  const w = await mountWidget(document.getElementById("widget"), name, { settings, options });
  if (w.unloaded) {
    const why = `${w.unloaded.message.replace(/^./, (c) => c.toUpperCase())}. The toy data is shown instead.`;
    notice.textContent = notice.hidden ? why : `${notice.textContent} ${why}`;
    notice.hidden = false;
  }
  window.addEventListener("pagehide", () => w.destroy());
  await w.ready;
}

startPage(main);
