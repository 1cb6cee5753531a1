// ui.js holdTurns: while a landscape's slider moves (compute.js holdOthers), the page's own loops
// cut into turns (timeSlicer, compute.js's jobs where no Worker runs) wait until the hold ends,
// except the moving widget's own jobs. Checked by the order in which waiting loops resume and by
// the clock against the hold's end (the hold is long enough that no scheduler delay blurs it).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { holdTurns, nextFreeTurn, nextTurn, timeSlicer } from "../../www/js/lib/ui.js";

const HOLD = 300;
// ui.js's turns go through a MessageChannel whose port does not keep Node's event loop alive
const alive = setInterval(() => {}, 1000);
after(() => clearInterval(alive));

test("a held turn loop resumes after the hold ends; the holder's own jobs do not wait", async () => {
  const order = [];
  const t0 = performance.now();
  holdTurns(HOLD, "landscape");
  const slicer = timeSlicer(8);
  const other = slicer.next().then(() => order.push(["slicer", performance.now() - t0]));
  const otherJob = nextFreeTurn("gd").then(() => order.push(["gd", performance.now() - t0]));
  const own = nextFreeTurn("landscape").then(() => order.push(["landscape", performance.now() - t0]));
  await Promise.all([other, otherJob, own]);
  assert.equal(order[0][0], "landscape", `the holder's job first: ${JSON.stringify(order)}`);
  for (const [name, ms] of order.slice(1)) assert.ok(ms >= HOLD - 1, `${name} resumed ${ms.toFixed(1)} ms after a ${HOLD}-ms hold`);
});

test("a hold renewed while the loop waits keeps it waiting until the last hold's end", async () => {
  const t0 = performance.now();
  holdTurns(100, "landscape");
  const waiting = nextFreeTurn().then(() => performance.now() - t0);
  await new Promise((r) => setTimeout(r, 60));
  holdTurns(HOLD, "landscape"); // a later grid of the drag: 60 + 300 ms from t0
  const ms = await waiting;
  assert.ok(ms >= 60 + HOLD - 1, `resumed ${ms.toFixed(1)} ms after the start, the renewed hold ended at ${60 + HOLD} ms`);
});

test("without a hold, a turn loop goes on at the next turn", async () => {
  await new Promise((r) => setTimeout(r, HOLD + 10)); // any earlier hold is over
  const order = [];
  const a = nextFreeTurn().then(() => order.push("free"));
  // a plain turn queued after it: the free turn, not held, runs first
  const b = nextTurn().then(() => order.push("plain"));
  await Promise.all([a, b]);
  assert.deepEqual(order, ["free", "plain"]);
});
