// The proof of work a form asks for when many submissions arrive at once (docs/security.md,
// "Floods"): ALTCHA's scheme, find n up to maxNumber with SHA-256(salt + n) == challenge, using
// the browser's own WebCrypto. It runs in the background while the person writes; pressing Send
// before it is done sends the form as soon as it is. Without WebCrypto (or without JavaScript)
// the form's wait ticket is the way through instead.
(function () {
  "use strict";
  var input = document.querySelector("input[name=altcha][data-challenge]");
  if (!input || !input.form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var form = input.form;
  var status = form.querySelector(".challenge-status");
  var challenge;
  try {
    challenge = JSON.parse(input.getAttribute("data-challenge"));
  } catch (error) {
    return;
  }
  var encoder = new TextEncoder();
  var BATCH = 500; // digests in flight at once

  function say(text) {
    if (status && text) {
      status.textContent = text;
      status.hidden = false;
    }
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  function batch(start) {
    var end = Math.min(start + BATCH - 1, challenge.maxNumber);
    var digests = [];
    for (var n = start; n <= end; n++) {
      digests.push(window.crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)));
    }
    return Promise.all(digests).then(function (results) {
      for (var i = 0; i < results.length; i++) {
        if (hex(results[i]) === challenge.challenge) { return start + i; }
      }
      return end >= challenge.maxNumber ? null : pause().then(function () {
        return batch(end + 1);
      });
    });
  }

  // Digests may resolve as microtasks, which would keep the page from loading or answering
  // until the search ends: each batch lets the browser do its other work first. A message to
  // itself, because nested timers wait at least 4 ms each.
  var channel = new MessageChannel();
  var resumes = [];
  channel.port1.onmessage = function () { resumes.shift()(); };
  function pause() {
    return new Promise(function (resolve) {
      resumes.push(resolve);
      channel.port2.postMessage(null);
    });
  }

  say(status && status.getAttribute("data-working"));
  var solved = batch(0).then(function (number) {
    if (number === null) { return; } // not found: the wait ticket still works
    input.value = window.btoa(JSON.stringify({
      algorithm: challenge.algorithm, challenge: challenge.challenge, number: number,
      salt: challenge.salt, signature: challenge.signature
    }));
    say(status && status.getAttribute("data-done"));
  }, function () { /* WebCrypto refused: the wait ticket still works */ });

  var waiting = false;
  form.addEventListener("submit", function (event) {
    if (input.value) { return; }
    event.preventDefault();
    if (waiting) { return; } // pressed twice: it is sent once
    waiting = true;
    say(status && status.getAttribute("data-sending"));
    // submit() does not fire this event again, and sends whatever the check gave.
    solved.then(function () { form.submit(); });
  });
}());
