/*
 * Autosave for reflection answers. Without JavaScript the form's Save button posts normally;
 * with it, typing saves after a short pause and the status line says Saved, Saving, Offline or
 * Not saved. If another tab or device saved in between, the reader is told that this newer
 * text is the one kept. When Prodep does not answer (a 5xx, a 429, or no answer at all) the
 * text stays in the page and the save is tried again after 2, 4, 8 ... seconds, at most a
 * minute apart, until it is saved; the reader is told so.
 */
(function () {
  "use strict";
  var DELAY_MS = 1200;
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 60000;
  var NOT_ANSWERING = "Not saved yet: Prodep is not answering just now. Your text is safe in this page, and we will keep trying to save it.";

  function worthRetrying(status) {
    return status >= 500 || status === 429 || status === 408;
  }

  function timeNow() {
    var d = new Date();
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function setup(form) {
    var textarea = form.querySelector("textarea");
    var version = form.querySelector("input[name=version]");
    var status = form.querySelector("[data-save-status]");
    var timer = null;
    var inFlight = false;
    var pending = false;
    var lastSaved = textarea.value;
    var retryTimer = null;
    var retries = 0;

    function show(state, text) {
      status.setAttribute("data-state", state);
      status.textContent = text;
    }

    function retryLater() {
      // Exponential backoff with a little jitter, so many readers do not all return at once.
      var delay = Math.min(RETRY_FIRST_MS * Math.pow(2, retries), RETRY_MAX_MS);
      retries += 1;
      if (retryTimer) window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(save, delay * (0.8 + Math.random() * 0.4));
      show("retrying", NOT_ANSWERING);
    }

    function save() {
      timer = null;
      if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
      if (textarea.value === lastSaved) return;
      if (inFlight) { pending = true; return; }
      if (!navigator.onLine) { show("offline", "Offline: not saved yet. We will try again when you are back online."); return; }
      inFlight = true;
      var sent = textarea.value;
      show("saving", "Saving…");
      var body = new FormData(form);
      body.set("text", sent);  // always sent, even empty: the server refuses a post without it
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().catch(function () { return { ok: false }; }).then(function (data) {
          if (response.ok && data.ok) {
            lastSaved = sent;
            retries = 0;
            document.dispatchEvent(new CustomEvent("prodep:activity"));
            version.value = data.version;
            // The server's time in the reader's zone, so it matches the page after a reload.
            var at = data.saved_at_label || timeNow();
            if (data.conflict) {
              show("conflict", "Saved at " + at + ". This answer had also been changed in another tab or device; this version is the one kept.");
            } else {
              show("saved", "Saved at " + at);
            }
          } else if (response.status === 403 || response.redirected) {
            show("failed", "Not saved: you may have been signed out. Copy your text, then sign in again.");
          } else if (worthRetrying(response.status)) {
            retryLater();
          } else {
            show("failed", "Not saved: " + (data.error || "please try again."));
          }
        });
      }).catch(function () {
        if (navigator.onLine) {
          retryLater();  // the browser is online: Prodep, or the way to it, is not answering
        } else {
          show("offline", "Offline: not saved yet. We will try again when you are back online.");
        }
      }).then(function () {
        inFlight = false;
        if (pending) { pending = false; save(); }
      });
    }

    textarea.addEventListener("input", function () {
      show("editing", "Unsaved changes");
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    });
    textarea.addEventListener("blur", function () {
      if (timer) { window.clearTimeout(timer); save(); }
    });
    window.addEventListener("online", save);
    document.addEventListener("prodep:flush", function () {
      if (timer) window.clearTimeout(timer);
      save();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (timer) window.clearTimeout(timer);
      save();
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(setup);
})();
