// Offline copy only: fills a tool, organisation or country helplines page's body from its
// section's bundle (pages.js beside the page folders: every body of the section, compressed, in
// a script, since browsers refuse fetch() of file:// URLs; the bundle loads this script). The
// page's folder name is its key. A country's helplines page keeps its own <main> (shown with or
// without JavaScript): the bundle adds the frame around it (navigation, language switcher) and
// the safety note. Without DecompressionStream, a page keeps what it shows without JavaScript
// (its <noscript> content: links to the helplines and home; or its own <main>).
(function () {
  "use strict";
  var root = document.currentScript.src.replace(/static\/offline\/page\.js([?#].*)?$/, "");
  var parts = window.location.pathname.split("/");
  var key = decodeURIComponent(parts[parts.length - 2] || "");
  var MAIN_SLOT = "\u0001main\u0001";
  var KEY_SLOT = "\u0001key\u0001";
  var NOTE_SLOT = "<!--safety-note-->";

  // The elements the page shows without JavaScript, between the quick exit and the link to the
  // helplines: the bundle refers to them (\u0001piece<n>\u0001) instead of repeating them.
  function pieces() {
    var fallback = document.querySelector("noscript");
    if (!fallback) { return []; }
    var template = document.createElement("template");
    template.innerHTML = fallback.textContent;
    var children = template.content.children;
    var found = [];
    for (var i = 1; i < children.length - 1; i++) { found.push(children[i].outerHTML); }
    return found;
  }

  function show(html) {
    if (html.indexOf("\u0001piece") !== -1) {
      var found = pieces();
      var missing = false;
      html = html.replace(/\u0001piece(\d+)\u0001/g, function (slot, n) {
        if (n >= found.length) { missing = true; return ""; }
        return found[n];
      });
      if (missing) { showFallback(); return; }
    }
    document.body.innerHTML = html;
    var quickExit = document.createElement("script");
    quickExit.src = root + "static/atlas/js/quick-exit.js";
    document.head.appendChild(quickExit);
    if (window.location.hash) {
      var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      if (target) { target.scrollIntoView(); }
    }
  }

  function showFallback() {
    // Without DecompressionStream (browsers before 2023): what the page shows without scripts.
    var fallback = document.querySelector("noscript");
    if (fallback) { document.body.innerHTML = fallback.textContent; }
  }

  function start() {
    if (typeof window.ATLAS_PAGES !== "string" || typeof DecompressionStream === "undefined" ||
        typeof window.atlasUnpack !== "function") {
      showFallback();
      return;
    }
    window.atlasUnpack(window.ATLAS_PAGES).then(function (pages) {
      var has = Object.prototype.hasOwnProperty;
      if (has.call(pages.whole, key)) {
        show(pages.whole[key]);
      } else if (has.call(pages.mains, key)) {
        // The section's shared frame, with this page's key in its links and its <main> content
        // (packing.py: fold_bodies).
        show(pages.frame.split(KEY_SLOT).join(key).split(MAIN_SLOT).join(pages.mains[key]));
      } else if (pages.own && document.querySelector("main")) {
        var own = document.querySelector("main").innerHTML.split(NOTE_SLOT).join(pages.note || "");
        show(pages.frame.split(KEY_SLOT).join(key).split(MAIN_SLOT).join(own));
      } else {
        showFallback();
      }
    }, showFallback);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
