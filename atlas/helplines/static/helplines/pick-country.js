// Pre-selects the country of the browser's language region ("fr-SN" -> Senegal) in the picker.
// Only the browser's own language settings are read; nothing about the visitor's address.
(function () {
  "use strict";
  var select = document.getElementById("country-select");
  if (!select) { return; }
  var languages = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < languages.length; i++) {
    var match = /^[A-Za-z]{2,3}[-_]([A-Za-z]{2})\b/.exec(languages[i] || "");
    if (match && select.querySelector('option[value="' + match[1].toUpperCase() + '"]')) {
      select.value = match[1].toUpperCase();
      return;
    }
  }
})();
