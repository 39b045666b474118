/*
 * KIPP public pages: keeps the countdowns ([data-deadline]) ticking.
 *
 * The server writes each countdown's text; the page may come from a cache up to a minute
 * old, so this script recomputes it from the deadline and the browser's clock every 30
 * seconds. Translated patterns come from <script type="application/json" id="public-i18n">.
 * Without JavaScript the server's text stays.
 */
(function () {
  "use strict";

  var island = document.getElementById("public-i18n");
  var M = {};
  try { M = island ? JSON.parse(island.textContent) : {}; } catch (e) { M = {}; }

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

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(deadline)) { return; }
      el.textContent = now > deadline ? (M.closed || "")
        : fmt(M.left, { time: duration((deadline - now) / 1000) });
    });
  }

  if (document.querySelector("[data-deadline]") && M.left) {
    tick();
    window.setInterval(tick, 30000);
  }
})();
