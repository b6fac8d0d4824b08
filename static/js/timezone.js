/*
 * Time zone detection. Pages show times in the reader's zone, stored on their profile; until
 * it is known they show UTC and say so. This tells the server the browser's zone once, when it
 * differs from the stored one (the body carries both only while the zone is automatic, not
 * chosen in Settings). Without JavaScript, Settings has the same choice.
 */
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-time-zone-url");
  if (!url || !window.fetch || !window.Intl) return;
  var detected = "";
  try { detected = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!detected || detected === body.getAttribute("data-time-zone")) return;
  // Once per zone and tab: a zone the server refused is not offered again on every page.
  var key = "prodep:time-zone-sent";
  try {
    if (window.sessionStorage.getItem(key) === detected) return;
  } catch (e) { /* storage may be disabled: send it anyway */ }
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var data = new FormData();
  data.append("time_zone", detected);
  data.append("detected", "on");
  if (token) data.append("csrfmiddlewaretoken", token.value);
  fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { "Accept": "application/json" }
  }).then(function (response) {
    try { window.sessionStorage.setItem(key, detected); } catch (e) { /* disabled */ }
    if (response.ok) body.setAttribute("data-time-zone", detected);
  }).catch(function () { /* offline: the next page tries again */ });
})();
