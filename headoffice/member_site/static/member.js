// Rotates the member code from a pre-signed batch: the page keeps showing valid codes for a
// while without signal, and fetches a new batch when it can. No code is made here: every
// code was signed by head office.
(function () {
  "use strict";
  var card = document.getElementById("member-code");
  var qr = document.getElementById("qr");
  if (!card || !qr) { return; }
  var url = card.getAttribute("data-codes");
  var countdown = document.getElementById("countdown");
  var digits = document.getElementById("digits");
  var offline = document.getElementById("offline");
  var codes = [];
  var offset = 0;          // head office's clock minus this phone's, in seconds
  var shown = null;
  var fetching = false;

  function now() { return Date.now() / 1000 + offset; }

  function load() {
    if (fetching) { return; }
    fetching = true;
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) { window.location.reload(); throw new Error("signed out"); }
      return r.json();
    }).then(function (b) {
      offset = b.server_unix - Date.now() / 1000;
      codes = b.codes;
      if (b.blocked) { window.location.reload(); }
      offline.hidden = true;
      try { sessionStorage.setItem("member-codes", JSON.stringify({ o: offset, c: codes })); } catch (e) { /* private mode */ }
      tick();
    }).catch(function () {
      offline.hidden = codes.length === 0 ? true : false;
    }).then(function () { fetching = false; });
  }

  function tick() {
    var t = now();
    var current = null;
    var remaining = 0;
    for (var i = 0; i < codes.length; i++) {
      if (codes[i].starts_at <= t && t < codes[i].ends_at) { current = codes[i]; }
      if (codes[i].ends_at > t) { remaining++; }
    }
    if (current && current !== shown) {
      qr.innerHTML = current.svg;
      qr.setAttribute("data-code", current.text);
      if (digits) { digits.textContent = current.digits || ""; }
      shown = current;
    }
    if (current && countdown) { countdown.textContent = String(Math.max(1, Math.ceil(current.ends_at - t))); }
    if (!current && codes.length) { qr.style.opacity = "0.15"; } else { qr.style.opacity = "1"; }
    if (remaining < 6) { load(); }
  }

  try {
    var saved = JSON.parse(sessionStorage.getItem("member-codes") || "null");
    if (saved) { offset = saved.o; codes = saved.c; }
  } catch (e) { /* nothing saved */ }
  window.addEventListener("online", load);
  window.addEventListener("offline", function () { offline.hidden = false; });
  load();
  setInterval(tick, 1000);
})();
