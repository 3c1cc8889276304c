// Offline copy only: unpacks the copy's compressed data (JSON compressed with zlib, in base64:
// packing.py packed) with the browser's DecompressionStream. page.js, fetch-shim.js and search.js
// use it; it is loaded before them. Browsers without DecompressionStream (before 2023) keep
// what each page shows without JavaScript.
window.atlasUnpack = function (encoded) {
  "use strict";
  var binary = window.atob(encoded);
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).text().then(JSON.parse);
};
