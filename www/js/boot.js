// Starts fetching and compiling the wasm as soon as the HTML's head is parsed, while the page's
// modules are still on their way (a classic script: it runs at once, not after the module graph
// has been fetched, parsed and run). js/lib/wasm.js takes the promise if it is for its own URL and
// compiles again by itself if this one failed (e.g. a server that does not say application/wasm).
// Only lossland's own pages (index.html) load it; embeds and bundles compile in wasm.js alone.
(function () {
  try {
    var url = new URL("../pkg/lossland_bg.wasm", document.currentScript.src).href;
    var module = fetch(url).then(function (r) {
      if (!r.ok) throw new Error("failed to fetch the wasm: " + r.status);
      return r.headers.get("Content-Type") === "application/wasm" && WebAssembly.compileStreaming
        ? WebAssembly.compileStreaming(r)
        : r.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
    });
    module.catch(function () {}); // wasm.js says what went wrong, when it compiles again
    self.__losslandWasm = { url: url, module: module };
    // a link to the digits (?dataset=digits, read as main.js reads it): their bytes, which the
    // wasm does not carry (pkg/digits.bin), come alongside it; wasm.js's loadDigitsBytes takes them
    var query = new URLSearchParams(location.search || location.hash.replace(/^#/, ""));
    if (query.get("dataset") === "digits") {
      var digits = new URL("../pkg/digits.bin", document.currentScript.src).href;
      var response = fetch(digits);
      response.catch(function () {}); // wasm.js says what went wrong
      self.__losslandDigits = { url: digits, response: response };
    }
  } catch (e) {
    // no fetch / WebAssembly: wasm.js reports it
  }
})();
