// Predict, then see (issue 13): a section asks the learner to commit to a prediction before it
// shows the answer. One shape for every prediction (w.predict in section.js):
//
//   const p = w.predict({ id, question, input, truth, judge, reason, onChange });
//   p.state     "off" (?predict=off: the section shows everything as before) | "asking" | "revealed"
//   p.revealed  state !== "asking": what a section tests before it draws the answer
//   p.guess     { value, text } | null (null when skipped with "Just show me", or off)
//   p.truth     { value, text } | null (after the reveal)
//   p.ask()     asks again ("Predict again")
//   p.card      the card's element (null when off): the section places it; one it leaves
//               unplaced goes at the end of the section
//
// input: { kind: "choice", choices: [[value, text], …] } (a radio group drawn here), or
// { kind: "custom", mount(box, api) }: the section mounts its own input in `box`, calls
// api.setGuess(value, text) as the learner moves it and api.commit() when they commit (a Commit
// button is drawn under every custom input too); api.committed says whether it is locked. An
// input may have reveal(box, guess, truth): called after the reveal to draw the guess beside the
// answer in the card.
// percentInput() and rankInput() below are two such inputs.
//
// Never a gate: "Just show me" reveals at once and stores nothing. A wrong guess asks for one
// sentence on why (kept on the page and stored) before the reason shows; a right one shows the
// reason at once. Answers are kept in this browser only (localStorage "lossland.predictions");
// the page's bar and each card's menu download them as CSV or clear them.
import { el, button, nextId } from "./ui.js";
import { csvText, saveText } from "./downloads.js";

export const STORE_KEY = "lossland.predictions";
export const CSV_COLUMNS = ["section", "question", "guess", "truth", "time", "right", "why"];

// ---------------------------------------------------------------- the store

let memory = []; // this session's rows, when localStorage refuses (sandboxed iframe, privacy mode)
let kept = true; // false once localStorage has thrown
const listeners = new Set();

function readRows() {
  try {
    const s = window.localStorage.getItem(STORE_KEY);
    kept = true;
    const rows = s ? JSON.parse(s) : [];
    return Array.isArray(rows) ? rows.filter((r) => r && typeof r === "object") : [];
  } catch {
    kept = false;
    return memory;
  }
}

function writeRows(rows) {
  memory = rows;
  try {
    if (rows.length) window.localStorage.setItem(STORE_KEY, JSON.stringify(rows));
    else window.localStorage.removeItem(STORE_KEY);
    kept = true;
  } catch {
    kept = false;
  }
  for (const f of listeners) {
    try { f(); } catch (e) { console.error(e); }
  }
}

/** The stored predictions: [{ id, section, question, guess, truth, right, why, time }]. */
export function predictionRows() {
  return readRows();
}

/** False when the browser refuses to keep them (they last for this visit only). */
export function predictionsKept() {
  readRows();
  return kept;
}

/** Calls `f` after every change of the stored predictions; returns the function that stops it. */
export function onPredictions(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

function addRow(row) {
  writeRows([...readRows(), row]);
}

function updateRow(id, change) {
  const rows = readRows();
  const r = rows.find((x) => x.id === id);
  if (!r) return;
  Object.assign(r, change);
  writeRows(rows);
}

/** Forgets every stored prediction. */
export function clearPredictions() {
  memory = [];
  writeRows([]);
}

/** The stored predictions as CSV text: section,question,guess,truth,time,right,why. */
export function predictionsCsv(rows = predictionRows()) {
  return csvText(CSV_COLUMNS, rows.map((r) => [r.section, r.question, r.guess, r.truth, r.time, r.right ? "yes" : "no", r.why ?? ""]));
}

/** Downloads the stored predictions as lossland-predictions.csv. */
export function downloadPredictions() {
  saveText(predictionsCsv(), "lossland-predictions.csv");
}

/** How many predictions are stored, and where, in words. */
export function storeText() {
  const n = predictionRows().length;
  const what = `${n} prediction${n === 1 ? "" : "s"}`;
  return kept
    ? `${what} kept in this browser only (nothing leaves the page).`
    : `${what} from this visit: this browser does not let the page keep them, so they go when the page closes.`;
}

/** "Download my predictions (CSV)" and "Clear my predictions", with a line saying what is kept. */
export function predictionTools({ small = false } = {}) {
  const note = el("p", { class: "readout predict-store", "aria-live": "polite" });
  const attrs = small ? { class: "small" } : {};
  const show = () => { note.textContent = storeText(); };
  const dl = button("Download my predictions (CSV)", () => downloadPredictions(), attrs);
  const clear = button("Clear my predictions", () => { clearPredictions(); show(); }, attrs);
  show();
  // follows every change while on the page; a note once shown and then removed (a re-mounted
  // element, a destroyed widget) stops listening
  let seen = false;
  const stop = onPredictions(() => {
    if (note.isConnected) { seen = true; show(); } else if (seen) stop();
  });
  return { buttons: [dl, clear], note, refresh: show };
}

// ---------------------------------------------------------------- a prediction

/**
 * Makes the prediction `spec` (see the top of this file) for section `section` (its widget
 * name). `on`: predictions are on (the `predict` option); `context()`: the settings the answer is
 * for, in words ("toy, SVM, reg 0"), shown with the answer. Returns the handle `p`.
 */
export function createPrediction(section, spec, { on = true, context = () => "" } = {}) {
  const { id, question, input, truth, reason } = spec;
  const judge = spec.judge ?? ((g, t) => ({ right: g.value === t.value, line: `You said ${g.text}; the answer is ${t.text}.` }));
  let state = on ? "asking" : "off";
  let guess = null, answer = null, rowId = null, epoch = 0, answeredFor = "";
  let pending = null; // { value, text } the learner has chosen but not committed

  const p = {
    id,
    get state() { return state; },
    get revealed() { return state !== "asking"; },
    get guess() { return state === "off" ? null : guess; },
    get truth() { return answer; },
    card: null,
    ask() {
      if (state === "off") return;
      epoch++;
      state = "asking";
      guess = answer = rowId = null;
      pending = null;
      renderAsking();
      changed();
    },
    /** The section rebuilt (new settings): a revealed answer says it was for the old ones. */
    settingsChanged() {
      if (state !== "revealed" || !answer) return;
      stale.hidden = context() === answeredFor;
    },
  };
  const changed = () => {
    try { spec.onChange?.(p); } catch (e) { console.error(e); }
  };
  if (!on) return p;

  const qid = nextId("pq");
  const legend = el("legend", { id: qid, class: "predict-q" }, question);
  const inputBox = el("div", { class: "predict-input" });
  const commitBtn = button("Commit my guess", () => commit(), { type: "submit", class: "predict-commit" });
  const skipBtn = button("Just show me", () => skip(), { class: "link predict-skip" });
  const actions = el("div", { class: "predict-actions" }, commitBtn, skipBtn);
  const fieldset = el("fieldset", {}, legend, inputBox, actions);
  const result = el("p", { class: "predict-result", "aria-live": "polite" });
  const stale = el("p", { class: "readout predict-stale", hidden: true }, "The settings have changed since this answer: press Predict again to predict for the ones shown now.");
  const whyId = nextId("pw");
  const why = el("textarea", { id: whyId, rows: 2, maxlength: 500 });
  const whyBtn = button("Show the reason", () => showReason(true));
  const whyBox = el("div", { class: "predict-why", hidden: true },
    el("label", { for: whyId }, "Your guess differs from what happened. In one sentence: why do you think it turned out this way?"), why, whyBtn);
  const reasonBox = el("p", { class: "predict-reason", hidden: true });
  const again = button("Predict again", () => p.ask(), { class: "small" });
  const tools = predictionTools({ small: true });
  const menu = el("details", { class: "predict-menu" }, el("summary", {}, "My predictions"), tools.note, el("div", { class: "controls" }, ...tools.buttons));
  const footer = el("div", { class: "predict-tools", hidden: true }, again, menu);
  const card = el("form", { class: "predict", "aria-labelledby": qid, novalidate: true },
    el("p", { class: "predict-kicker", "aria-hidden": "true" }, "Predict, then see"),
    fieldset, result, stale, whyBox, reasonBox, footer);
  card.addEventListener("submit", (ev) => { ev.preventDefault(); commit(); });
  // Enter on a choice commits it (a radio button does not submit its form by itself everywhere)
  card.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && ev.target instanceof HTMLInputElement && ev.target.type === "radio") { ev.preventDefault(); commit(); }
  });
  p.card = card;

  why.addEventListener("change", () => { if (rowId) updateRow(rowId, { why: why.value.trim() }); });

  // the input: a radio group, or the section's own
  let api = null;
  function renderAsking() {
    fieldset.disabled = false;
    inputBox.replaceChildren();
    result.textContent = "";
    stale.hidden = true;
    whyBox.hidden = reasonBox.hidden = footer.hidden = true;
    why.value = "";
    actions.hidden = false;
    card.classList.remove("revealed", "right", "wrong");
    if (input.kind === "choice") {
      const name = nextId("pr");
      const list = el("div", { class: "predict-choices" });
      for (const [value, text] of input.choices) {
        const rid = nextId("pc");
        const r = el("input", { type: "radio", id: rid, name, value: String(value) });
        r.addEventListener("change", () => { if (r.checked) { pending = { value, text }; commitBtn.disabled = false; } });
        list.append(el("div", { class: "predict-choice" }, r, el("label", { for: rid }, text)));
      }
      inputBox.append(list);
      commitBtn.disabled = true;
    } else {
      commitBtn.disabled = true;
      api = {
        committed: false,
        setGuess(value, text) {
          if (api.committed) return;
          pending = { value, text: String(text) };
          commitBtn.disabled = false;
        },
        /** The input no longer holds a guess (e.g. a ranking with a place left empty). */
        clear() {
          if (api.committed) return;
          pending = null;
          commitBtn.disabled = true;
        },
        commit: () => commit(),
      };
      input.mount(inputBox, api);
    }
  }

  async function commit() {
    if (state !== "asking" || !pending || fieldset.disabled) return; // (disabled: a reveal is under way)
    guess = pending;
    if (api) api.committed = true;
    await reveal();
  }

  function skip() {
    if (state !== "asking" || fieldset.disabled) return;
    guess = null;
    if (api) api.committed = true;
    reveal();
  }

  async function reveal() {
    const my = ++epoch;
    fieldset.disabled = true;
    actions.hidden = true;
    result.textContent = "Working out the answer…";
    let t;
    try {
      t = await truth();
    } catch (e) {
      t = null;
      console.error(e);
      if (my !== epoch) return;
      result.textContent = `The answer could not be worked out: ${e && e.message ? e.message : e}.`;
    }
    if (my !== epoch) return;
    answer = t;
    answeredFor = context();
    state = "revealed";
    card.classList.add("revealed");
    footer.hidden = false;
    if (t) {
      const where = answeredFor ? ` (${answeredFor})` : "";
      let right = true;
      if (guess) {
        const j = judge(guess, t);
        right = !!j.right;
        card.classList.add(right ? "right" : "wrong");
        result.textContent = `${right ? "Right" : "Not quite"}${where}: ${j.line}`;
        rowId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        addRow({ id: rowId, section, question, guess: guess.text, truth: t.text, right, why: "", time: new Date().toISOString() });
      } else result.textContent = `The answer${where}: ${t.text}.`;
      markChoices(t);
      if (guess) {
        try { input.reveal?.(inputBox, guess, t); } catch (e) { console.error(e); }
      }
      if (guess && !right) whyBox.hidden = false;
      else showReason(false);
    }
    changed();
  }

  function showReason(fromWhy) {
    if (fromWhy && rowId) updateRow(rowId, { why: why.value.trim() });
    if (fromWhy) whyBtn.disabled = true;
    let text = "";
    try { text = reason(answer, guess); } catch (e) { console.error(e); }
    reasonBox.textContent = text ? `Why: ${text}` : "";
    reasonBox.hidden = !text;
  }

  // a choice list, revealed: the learner's choice and the answer marked beside each other
  function markChoices(t) {
    if (input.kind !== "choice") return;
    for (const row of inputBox.querySelectorAll(".predict-choice")) {
      const r = row.querySelector("input");
      const v = input.choices.find(([value]) => String(value) === r.value)?.[0];
      const tags = [];
      if (guess && v === guess.value) tags.push(["guess", "your guess"]);
      if (v === t.value) tags.push(["answer", "the answer"]);
      for (const [cls, text] of tags) row.append(el("span", { class: `predict-tag ${cls}` }, text));
    }
  }

  renderAsking();
  return p;
}

// ---------------------------------------------------------------- two custom inputs

/**
 * A custom input: a slider from 0 to 100 % (arrow keys move it by 1, Page Up/Down by 10), read
 * back as it moves. The reveal draws the guess and the answer on one 0–100 % track in the card
 * (`truthOf(p)` is the handle's truth value, a fraction).
 */
export function percentInput({ label, start = 50 }) {
  return {
    kind: "custom",
    mount(box, api) {
      const id = nextId("pp");
      const out = el("output", { for: id, class: "value", "aria-live": "polite" }, `${start}%`);
      const s = el("input", { id, type: "range", min: 0, max: 100, step: 1, value: start, "aria-valuetext": `${start}%` });
      const set = () => {
        const v = Number(s.value);
        out.textContent = `${v}%`;
        s.setAttribute("aria-valuetext", `${v}%`);
        api.setGuess(v / 100, `${v}%`);
      };
      s.addEventListener("input", set);
      s.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); set(); api.commit(); } });
      box.append(el("div", { class: "control predict-percent" }, el("label", { for: id }, label), s, out));
      set();
    },
    reveal(box, guess, truth) {
      box.append(percentTrack(guess.value, truth.value));
    },
  };
}

/**
 * The guess and the answer (fractions) on one 0–100 % track: a small picture for the card's
 * reveal, with its text for screen readers.
 */
export function percentTrack(guess, truth) {
  const at = (v) => `${Math.max(0, Math.min(100, v * 100))}%`;
  const g = el("span", { class: "mark guess" }), a = el("span", { class: "mark answer" });
  g.style.left = at(guess); // CSSOM, not a style attribute: the page's CSP refuses inline styles
  a.style.left = at(truth);
  const bar = el("div", { class: "predict-track", role: "img", "aria-label": `0 to 100 %: your guess ${Math.round(guess * 100)} %, the answer ${(truth * 100).toFixed(1)} %` }, g, a);
  const scale = el("div", { class: "predict-scale", "aria-hidden": "true" }, el("span", {}, "0%"), el("span", {}, "50%"), el("span", {}, "100%"));
  return el("div", { class: "predict-trackbox" }, bar, scale,
    el("p", { class: "readout" }, el("span", { class: "key guess" }), " your guess   ", el("span", { class: "key answer" }), " the answer"));
}

/**
 * A custom input: rank `items` ([[value, text], …]) from first to last with one select per place
 * (keyboard: Tab between them, arrows choose). The guess is the list of values in order; it can
 * be committed once every item has a place of its own. The answer's value is the list in its
 * order; its `scores` (value → number, optional) let items of equal score share a place.
 */
export function rankInput({ items, places = ["1st (lowest final loss)", "2nd", "3rd (highest)"] }) {
  return {
    kind: "custom",
    mount(box, api) {
      const selects = [];
      const row = el("div", { class: "controls predict-rank" });
      const help = el("p", { class: "readout", "aria-live": "polite", hidden: true });
      const read = () => {
        const vals = selects.map((s) => s.value);
        const full = vals.every((v) => v !== "") && new Set(vals).size === vals.length;
        help.textContent = full ? "" : "Give each strategy a place of its own.";
        help.hidden = full;
        if (!full) api.clear();
        else api.setGuess(vals, vals.map((v, i) => `${i + 1}. ${items.find(([x]) => String(x) === v)[1]}`).join("; "));
      };
      places.slice(0, items.length).forEach((place, i) => {
        const id = nextId("rk");
        const s = el("select", { id },
          el("option", { value: "" }, "choose…"),
          ...items.map(([v, t]) => el("option", { value: String(v) }, t)));
        s.addEventListener("change", read);
        selects.push(s);
        row.append(el("div", { class: "control" }, el("label", { for: id }, place), s));
      });
      box.append(row, help);
    },
    reveal(box, guess, truth) {
      const text = (v) => items.find(([x]) => String(x) === String(v))?.[1] ?? String(v);
      // truth.scores (optional, value → number): items of equal score share a place
      const same = (a, b) => String(a) === String(b) || (truth.scores && truth.scores[a] === truth.scores[b]);
      const rows = truth.value.map((v, i) => el("tr", { class: same(guess.value[i], v) ? "same" : "differs" },
        el("th", { scope: "row" }, String(i + 1)), el("td", {}, text(guess.value[i])), el("td", {}, text(v))));
      box.append(el("table", { class: "predict-ranks" },
        el("caption", {}, "Your ranking beside the answer"),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Place"), el("th", { scope: "col" }, "Your ranking"), el("th", { scope: "col" }, "The answer"))),
        el("tbody", {}, ...rows)));
    },
  };
}
