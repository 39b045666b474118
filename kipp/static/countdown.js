/*
 * KIPP countdowns, on the agency pages and the public pages alike: keeps them ticking.
 *
 * A countdown is an element with `data-countdown` (`data-opens` and `data-closes`: "opens in
 * …", "… left", then "closed") or with `data-deadline` (a deadline only: "… left", then
 * "closed"); dates are ISO 8601. The server writes each countdown's text; the page may come
 * from a cache, so this script recomputes it every 30 seconds from the dates and the clock
 * (the browser's, corrected by the server's `now` when the messages carry it).
 * Translated patterns come from the JSON island named by this script tag's `data-i18n`
 * (default "kipp-i18n"). Without JavaScript the server's text stays.
 */
(function (script) {
  "use strict";

  var islandId = (script && script.getAttribute("data-i18n")) || "kipp-i18n";
  var island = document.getElementById(islandId);
  var M = {};
  try { M = island ? JSON.parse(island.textContent) : {}; } catch (e) { M = {}; }
  var clockSkew = M.now ? Date.parse(M.now) - Date.now() : 0;  // server minus browser
  if (isNaN(clockSkew)) { clockSkew = 0; }
  var SELECTOR = "[data-countdown], [data-deadline]";

  function fmt(pattern, values) {
    return String(pattern || "").replace(/%\((\w+)\)[sd]/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function unit(n, key) {
    var forms = M[key] || ["%(num)d", "%(num)d"];
    return fmt(n === 1 ? forms[0] : forms[1], { num: n });
  }

  function duration(seconds) {
    var mins = Math.floor(seconds / 60);
    var days = Math.floor(mins / 1440);
    var hours = Math.floor((mins % 1440) / 60);
    var rest = mins % 60;
    if (days) { return unit(days, "day") + " " + unit(hours, "hour"); }
    if (hours) { return unit(hours, "hour") + " " + unit(rest, "minute"); }
    if (rest) { return unit(rest, "minute"); }
    return M.soon || "";
  }

  function text(el, now) {
    var closes = Date.parse(el.getAttribute("data-closes") || el.getAttribute("data-deadline"));
    var opensAt = el.getAttribute("data-opens");
    var opens = opensAt === null ? -Infinity : Date.parse(opensAt);
    if (isNaN(opens) || isNaN(closes)) { return null; }
    if (now < opens) { return fmt(M.opens_in, { time: duration((opens - now) / 1000) }); }
    if (now > closes) { return M.closed || ""; }
    return fmt(M.left, { time: duration((closes - now) / 1000) });
  }

  function tick() {
    var now = Date.now() + clockSkew;
    Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), function (el) {
      var value = text(el, now);
      if (value !== null) { el.textContent = value; }
    });
  }

  function start() {
    if (!document.querySelector(SELECTOR) || !M.left) { return; }
    tick();
    window.setInterval(tick, 30000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(document.currentScript);
