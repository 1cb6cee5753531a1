// Runs the README's JS API example against the built package and compares its output with the
// README's "Expected output" block, so the front door cannot drift from the code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, rm } from "node:fs/promises";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("the README's API example prints the README's expected output", async () => {
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  const api = readme.slice(readme.indexOf("## The JS API"));
  const code = api.match(/```js\n([\s\S]*?)```/)[1];
  const expected = api.match(/Expected output[\s\S]*?```text\n([\s\S]*?)```/)[1];
  const file = path.join(root, ".readme-example.test-tmp.mjs");
  await writeFile(file, code);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root });
    assert.equal(stdout, expected);
  } finally {
    await rm(file, { force: true });
  }
});
