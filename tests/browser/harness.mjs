// Only for the two importers outside tests/browser/ and tests/hosts/ (tests/js/vite.test.mjs:
// launch, openPage, assertClean; bench/page.mjs: launch), which were left alone when the helpers
// moved to lib/. Point them at lib/chromium.mjs and lib/assert.mjs, then delete this file.
export { launch, openPage } from "./lib/chromium.mjs";
export { assertClean } from "./lib/assert.mjs";
