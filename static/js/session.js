/*
 * Idle timeout warning. The server ends a session after SESSION_IDLE_MINUTES without a request;
 * shortly before that, this asks "Are you still there?". Typed reflections are saved first
 * (autosave listens for prodep:flush), so signing out never loses an answer.
 */
(function () {
  "use strict";
  var body = document.body;
  var idle = Number(body.getAttribute("data-idle-seconds")) * 1000;
  var warnBefore = Number(body.getAttribute("data-idle-warning-seconds")) * 1000;
  var dialog = document.querySelector("[data-idle-warning]");
  if (!idle || !dialog) return;
  var warnTimer = null;
  var endTimer = null;

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(0, idle - warnBefore));
    endTimer = window.setTimeout(signedOut, idle);
  }

  function warn() {
    document.dispatchEvent(new CustomEvent("prodep:flush"));
    dialog.hidden = false;
    var stay = dialog.querySelector("[data-idle-stay]");
    if (stay) stay.focus();
  }

  function signedOut() {
    document.dispatchEvent(new CustomEvent("prodep:flush"));
    var login = body.getAttribute("data-login-url") || "/accounts/login/";
    window.setTimeout(function () {
      window.location.replace(login + "?next=" + encodeURIComponent(window.location.pathname));
    }, 1500);
  }

  function stay() {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(body.getAttribute("data-keepalive-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) { dialog.hidden = true; schedule(); } else { signedOut(); }
    }).catch(function () { /* offline: keep the dialog up */ });
  }

  dialog.querySelector("[data-idle-stay]").addEventListener("click", stay);
  document.addEventListener("prodep:activity", schedule);
  schedule();
})();
