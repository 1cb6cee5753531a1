// The embedding snippets of README.md's "Embed it", read verbatim. Each one is the fenced block
// right after a marker line `<!-- snippet: NAME -->` (an HTML comment, invisible on GitHub), so
// the host tests run exactly what a teacher copies.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const README = path.join(REPO, "README.md");

/** Where the README says the site is hosted; the tests put their own server's URL in its place. */
export const PLACEHOLDER = "https://YOU.github.io/lossland/";

/**
 * Every marked snippet: Map NAME → { info, text, line } where `info` is the fence's info string
 * and `text` the block's content with its final newline (no fence lines). Throws on a marker
 * that is not followed by a fence, an unclosed fence or a name used twice.
 */
export function readSnippets(file = README) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const found = new Map();
  for (let i = 0; i < lines.length; i++) {
    const m = /^<!--\s*snippet:\s*([\w-]+)\s*-->\s*$/.exec(lines[i]);
    if (!m) continue;
    const name = m[1];
    if (found.has(name)) throw new Error(`${file}:${i + 1}: snippet "${name}" is marked twice`);
    const open = /^(`{3,}|~{3,})(.*)$/.exec(lines[i + 1] ?? "");
    if (!open) throw new Error(`${file}:${i + 1}: the marker of snippet "${name}" is not followed by a fenced block`);
    const [, fence, info] = open;
    // the closing fence: the same character, at least as long, nothing after it but spaces
    const close = new RegExp(`^${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    let j = i + 2;
    while (j < lines.length && !close.test(lines[j])) j++;
    if (j >= lines.length) throw new Error(`${file}:${i + 2}: the block of snippet "${name}" is never closed`);
    const body = lines.slice(i + 2, j);
    found.set(name, { info: info.trim(), text: body.length ? `${body.join("\n")}\n` : "", line: i + 3 });
    i = j;
  }
  return found;
}

/** The snippet's text with the placeholder host replaced by `siteUrl` (which ends in "/"). */
export function pointedAt(text, siteUrl) {
  if (!text.includes(PLACEHOLDER)) throw new Error(`the snippet does not mention ${PLACEHOLDER}`);
  return text.split(PLACEHOLDER).join(siteUrl);
}
