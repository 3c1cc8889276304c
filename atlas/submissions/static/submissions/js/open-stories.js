// Open sealed stories in the curator's browser: the private key file is read locally and never
// sent anywhere; the server only provides the ciphertexts. Text is inserted with textContent,
// never as HTML.
(function () {
  "use strict";
  var input = document.getElementById("story-key");
  var output = document.getElementById("stories");
  var status = document.getElementById("stories-status");
  if (!input || !output || !window.sodium) { return; }
  document.getElementById("open-stories").hidden = false;

  function say(text) { status.textContent = text; }

  function field(list, label, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && !value.length)) { return; }
    var dt = document.createElement("dt");
    dt.textContent = label;
    var dd = document.createElement("dd");
    dd.textContent = Array.isArray(value) ? value.join(", ") : String(value);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function show(item, story) {
    var article = document.createElement("article");
    article.className = "opened-story";
    var h = document.createElement("h2");
    h.textContent = "#" + item.id + " · " + item.received_on + " · " + item.status;
    article.appendChild(h);
    var text = document.createElement("p");
    text.className = "story-text";
    text.textContent = story.text;
    article.appendChild(text);
    var list = document.createElement("dl");
    var labels = output.dataset;
    field(list, labels.country, story.country);
    field(list, labels.topics, story.topics);
    field(list, labels.tools, story.tools);
    field(list, labels.consent, story.consent);
    field(list, labels.contact, story.contact);
    article.appendChild(list);
    output.appendChild(article);
  }

  function keyFrom(text) {
    var lines = text.split(/\r?\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l && l.charAt(0) !== "#"; });
    return sodium.from_base64(lines[lines.length - 1], sodium.base64_variants.ORIGINAL);
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    output.textContent = "";
    var reader = new FileReader();
    reader.onload = function () {
      sodium.ready.then(function () {
        var secret, pub;
        try {
          secret = keyFrom(String(reader.result));
          pub = sodium.crypto_scalarmult_base(secret);
        } catch (e) { say(output.dataset.badKey); return; }
        return fetch(output.dataset.source, {credentials: "same-origin"})
          .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
          .then(function (data) {
            var failed = 0;
            data.stories.forEach(function (item) {
              try {
                var plain = sodium.crypto_box_seal_open(
                  sodium.from_base64(item.sealed, sodium.base64_variants.ORIGINAL), pub, secret);
                show(item, JSON.parse(sodium.to_string(plain)));
              } catch (e) { failed += 1; }
            });
            say(output.dataset.opened.replace("%(n)s", data.stories.length - failed)
                .replace("%(failed)s", failed));
          });
      }).catch(function () { say(output.dataset.failed); });
    };
    reader.readAsText(file);
  });
}());
