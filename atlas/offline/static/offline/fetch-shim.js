// Offline copy only: answers the map's fetch() calls from data scripts loaded before it
// (window.ATLAS_OFFLINE_JSON, keyed by path from the copy's root), because browsers refuse
// fetch() of file:// URLs. Any other request goes to the real fetch.
(function () {
  "use strict";
  const root = document.currentScript.src.replace(/static\/offline\/fetch-shim\.js([?#].*)?$/, "");
  const realFetch = window.fetch ? window.fetch.bind(window) : null;
  window.fetch = function (input, init) {
    const url = new URL(typeof input === "string" ? input : input.url, document.baseURI);
    const href = url.href.split(/[?#]/)[0];
    const data = window.ATLAS_OFFLINE_JSON || {};
    if (href.startsWith(root) && Object.prototype.hasOwnProperty.call(data, href.slice(root.length))) {
      const body = JSON.stringify(data[href.slice(root.length)]);
      return Promise.resolve(new Response(body, { status: 200, headers: { "Content-Type": "application/json" } }));
    }
    if (realFetch) return realFetch(input, init);
    return Promise.reject(new TypeError("fetch is unavailable"));
  };
})();
