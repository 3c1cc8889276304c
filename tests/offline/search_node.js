// Runs the offline copy's search engine in Node.js for tests/offline/test_search_parity.py.
// Reads JSON from stdin: {"static": dir of static/offline, "records": a search-tools.js or null,
// "parse": [queries], "words": [texts], "search": [queries]}; writes
// {"parse": [structures], "words": [[words]], "search": [[slugs, best first]]}.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

async function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const engine = require(path.join(job.static, "search-engine.js"));
  const out = {
    parse: (job.parse || []).map((q) => engine.parseQuery(q)),
    words: (job.words || []).map((text) => engine.words(text)),
    search: [],
  };
  if (job.records) {
    // The copy's own files, as the search page loads them: unpack.js, then the records.
    globalThis.window = globalThis;
    vm.runInThisContext(fs.readFileSync(path.join(job.static, "unpack.js"), "utf8"));
    vm.runInThisContext(fs.readFileSync(job.records, "utf8"));
    const records = await window.atlasUnpack(window.ATLAS_SEARCH.packed);
    out.search = job.search.map((q) => engine.search(records, q).map((r) => r.s));
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
