// A hold: while a landscape's slider moves (compute.js holdOthers), the work of widgets other
// than the holder waits at its next pause until the hold ends. There are two, one rule: the
// page's (ui.js: its loops cut into turns) and the compute Worker's (worker.js: its jobs).

/** A hold, not holding yet: `set(ms, key)` starts one; `holds(key)` / `wait(key)` for a widget's work. */
export function createHold() {
  let holder = null, until = 0;
  const holds = (key = null) => (key === null || key !== holder) && performance.now() < until;
  return {
    /** Holds every widget's work but `key`'s (null: every widget's) for `ms` from now. */
    set(ms, key = null) {
      until = performance.now() + ms;
      holder = key;
    },
    /** Whether work of widget `key` (null: work of no widget, e.g. a section's loop) waits now. */
    holds,
    /** Resolves once work of widget `key` may go on (at once when it need not wait). */
    async wait(key = null) {
      while (holds(key)) await new Promise((r) => setTimeout(r, until - performance.now()));
    },
  };
}
