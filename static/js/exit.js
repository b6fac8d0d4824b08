/*
 * Exit this page, after the GOV.UK Design System component.
 * The link works without JavaScript (GET /exit/ ends the session and redirects to a neutral
 * site). With JavaScript the page is hidden at once, and Shift pressed on its own three times
 * within five seconds does the same. Escape is never used: assistive technology relies on it.
 */
(function () {
  "use strict";
  var PRESSES = 3;
  var WINDOW_MS = 5000;
  var presses = 0;
  var timer = null;
  var lastKeyWasShiftOnly = false;

  function exitUrl() {
    return document.body.getAttribute("data-exit-url") || "/exit/";
  }

  function announce(text) {
    var status = document.querySelector("[data-exit-status]");
    if (status) status.textContent = text;
  }

  function exitPage(event) {
    if (event) event.preventDefault();
    var overlay = document.querySelector("[data-exit-overlay]");
    if (overlay) overlay.hidden = false;
    document.body.classList.add("exit-this-page--exiting");
    document.title = "Loading";
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be disabled */ }
    window.location.replace(exitUrl());
  }

  function reset() {
    presses = 0;
    if (timer) window.clearTimeout(timer);
    timer = null;
  }

  document.addEventListener("keydown", function (event) {
    lastKeyWasShiftOnly = event.key === "Shift" && !event.repeat;
    if (event.key !== "Shift" && presses) reset();
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !lastKeyWasShiftOnly) return;
    presses += 1;
    if (!timer) timer = window.setTimeout(reset, WINDOW_MS);
    if (presses >= PRESSES) {
      reset();
      announce("Exiting page.");
      exitPage();
    } else {
      announce("Shift, press " + (PRESSES - presses) + " more time" + (PRESSES - presses === 1 ? "" : "s") + " to exit.");
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-exit-button]") : null;
    if (target) exitPage(event);
  });

  // If the browser restores this page from its back-forward cache, leave again at once.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.body.classList.contains("exit-this-page--exiting")) {
      window.location.replace(exitUrl());
    }
  });
})();
