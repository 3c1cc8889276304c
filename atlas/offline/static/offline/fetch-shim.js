// Offline copy only: answers the map's fetch() calls from data scripts loaded before it, because
// browsers refuse fetch() of file:// URLs. The scripts hold JSON answers keyed by path from the
// copy's root, compressed (window.ATLAS_OFFLINE_PACKED: zlib, base64; packing.py:
// packed_json_script), which the first request unpacks (unpack.js, loaded before this). Any
// other request goes to the real fetch.
(function () {
  "use strict";
  const root = document.currentScript.src.replace(/static\/offline\/fetch-shim\.js([?#].*)?$/, "");
  const realFetch = window.fetch ? window.fetch.bind(window) : null;
  const answers = {};
  let unpacked = null;

  function unpackAll() {
    if (!unpacked) {
      unpacked = Promise.all((window.ATLAS_OFFLINE_PACKED || []).map(window.atlasUnpack)).then((parts) => {
        parts.forEach((part) => Object.assign(answers, part));
      });
    }
    return unpacked;
  }

  window.fetch = function (input, init) {
    const url = new URL(typeof input === "string" ? input : input.url, document.baseURI);
    const href = url.href.split(/[?#]/)[0];
    if (!href.startsWith(root)) {
      return realFetch ? realFetch(input, init) : Promise.reject(new TypeError("fetch is unavailable"));
    }
    const key = href.slice(root.length);
    return unpackAll().then(() => {
      if (Object.prototype.hasOwnProperty.call(answers, key)) {
        return new Response(JSON.stringify(answers[key]), {
          status: 200, headers: { "Content-Type": "application/json" } });
      }
      if (realFetch) return realFetch(input, init);
      throw new TypeError("fetch is unavailable");
    });
  };
})();
