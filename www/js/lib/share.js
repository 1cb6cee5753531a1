// "Copy link" and "Embed" for the notebook's sections: a link to the page that carries the shared
// settings and one section's options and state (or every section's, for the page), and the
// snippets that put one widget on someone else's page (an iframe of embed.html, or a custom
// element from elements.js) with the settings it has now. Everything is built from the options
// table (options.js), so a new option reaches links and snippets with no code here.
import { el, button } from "./ui.js";
import { optionEntries, OPTIONS, attrOf } from "./options.js";
import { widget } from "./widgets.js";
import { copyText } from "./downloads.js";

/** The custom element that shows each widget, and the attribute that chooses it (elements.js). */
export const ELEMENT_OF = {
  line: ["lossland-line"],
  landscape: ["lossland-landscape"],
  stepper: ["lossland-gradient-stepper"],
  gradcheck: ["lossland-gradient-check"],
  gd: ["lossland-optimizer", ["method", "gd"]],
  sgd: ["lossland-optimizer", ["method", "sgd"]],
  "random-search": ["lossland-optimizer", ["method", "random-search"]],
  "local-search": ["lossland-optimizer", ["method", "random-local-search"]],
  scoreboard: ["lossland-scoreboard"],
};

/** Where a section's link lands: its own <section> when it is alone there, else its widget box. */
export function anchorOf(host) {
  const sec = host.closest("section[id]");
  if (sec && sec.querySelectorAll("[data-widget]").length === 1) return sec.id;
  if (!host.id) host.id = `widget-${host.dataset.widget}`;
  return host.id;
}

/** The notebook's URL with `settings` and each handle's options (`<widget>.<attr>=…`), and `hash`. */
export function notebookUrl(settings, handles, hash = "") {
  const url = new URL(window.location.href);
  const q = new URLSearchParams(optionEntries(settings));
  for (const h of handles) if (h) for (const [k, v] of optionEntries(h.explicit(), { prefix: `${h.name}.` })) q.set(k, v);
  url.search = `?${q}`;
  url.hash = hash ? `#${hash}` : "";
  return url.href;
}

/** embed.html for widget `name` with `settings` and its options (unprefixed, as embed.html reads them). */
export function embedUrl(settings, name, options) {
  const url = new URL("embed.html", window.location.href);
  url.search = `?${new URLSearchParams([["widget", name], ...optionEntries(settings), ...optionEntries(options)])}`;
  url.hash = "";
  return url.href;
}

const attrText = (v) => String(v).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** The <iframe> snippet: sandboxed to scripts only, titled, as tall as the widget is now. */
export function iframeSnippet(settings, name, options, height) {
  const title = `lossland: ${widget(name).title}`;
  return `<iframe src="${attrText(embedUrl(settings, name, options))}" title="${attrText(title)}" sandbox="allow-scripts" width="100%" height="${height}"></iframe>`; // no style attribute: a strict CSP refuses it
}

/** The custom-element snippet: the script include and the element with an attribute per option. */
export function elementSnippet(settings, name, options) {
  const [tag, chooser] = ELEMENT_OF[name];
  const attrs = chooser ? [chooser] : [];
  for (const [k, v] of [...optionEntries(settings), ...optionEntries(options)]) attrs.push([k, v]);
  const script = new URL("js/elements.js", window.location.href).href;
  const list = attrs.map(([k, v]) => ` ${k}="${attrText(v)}"`).join("");
  return `<script type="module" src="${attrText(script)}"></script>\n<${tag}${list}></${tag}>`;
}

/** Every attribute the elements know (for the README and tests): the table's, plus method/slice. */
export const ELEMENT_ATTRIBUTES = [...OPTIONS.map(attrOf), "method", "slice"];

let ids = 0;

/**
 * The share bar under a section: "Copy link" (this section's settings, options and state, with
 * its anchor) and "Embed" (a panel with the iframe and the element snippet, each with a Copy
 * button; a refused clipboard selects the snippet's text box instead).
 */
export function shareBar(host, handle, page) {
  const name = handle.name;
  const note = el("p", { class: "readout share-note", "aria-live": "polite" });
  const fallback = el("div", { class: "copy-fallback" });
  const panelId = `embed-panel-${name}`;
  const panel = el("div", { class: "embed-panel", id: panelId, role: "region", "aria-label": `Embed ${widget(name).title}`, hidden: true });

  const link = button("Copy link", async () => {
    const url = notebookUrl(page.currentSettings(), [handle], anchorOf(host));
    const how = await copyText(url, fallback, "The link to this section");
    note.textContent = how === "clipboard" ? "Copied a link to this section with its settings: it opens the page showing the same picture." : "";
  }, { class: "small", title: "A link to this section that reproduces what it shows" });

  const snippetBox = (label, hint) => {
    const id = `snippet-${++ids}`;
    const area = el("textarea", { id, class: "snippet-box", readonly: true, rows: 3, spellcheck: "false", "aria-describedby": `${id}-hint` });
    const say = el("span", { class: "export-note", "aria-live": "polite" });
    const copy = button(`Copy ${label.toLowerCase()}`, async () => {
      try {
        if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
        await navigator.clipboard.writeText(area.value);
        say.textContent = "Copied.";
      } catch {
        area.focus();
        area.select();
        say.textContent = "The browser did not allow copying: the text is selected, press Ctrl+C (⌘C).";
      }
    }, { class: "small" });
    const wrap = el("div", { class: "snippet-wrap" },
      el("label", { for: id }, label),
      el("p", { class: "readout", id: `${id}-hint` }, hint),
      area, el("div", { class: "controls" }, copy, say));
    return { wrap, area };
  };
  const frame = snippetBox("Iframe", "Works on any page, LMS or notebook that accepts HTML; the widget runs sandboxed (scripts only) and loads from this site.");
  const elem = snippetBox("Element", "One script include and a tag; every attribute is optional (the defaults are the notebook's).");
  panel.append(el("p", {}, "Put this widget, with the settings it has now, on your own page:"), frame.wrap, elem.wrap);

  const embed = button("Embed", () => {
    const open = panel.hidden;
    if (open) {
      const s = page.currentSettings();
      const opts = handle.explicit();
      // the widget's own height now, plus its title, introduction and credit line in embed.html
      const height = Math.max(300, Math.ceil((handle.root.getBoundingClientRect().height + 150) / 10) * 10);
      frame.area.value = iframeSnippet(s, name, opts, height);
      elem.area.value = elementSnippet(s, name, opts);
    }
    panel.hidden = !open;
    embed.setAttribute("aria-expanded", String(open));
  }, { class: "small", "aria-expanded": "false", "aria-controls": panelId, title: "Snippets to put this widget on another page" });

  host.append(el("div", { class: "controls share", role: "group", "aria-label": "Share" }, el("span", { class: "export-label" }, "Share:"), link, embed), note, fallback, panel);
}
