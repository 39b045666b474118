// Bar charts without inline styles (the Content-Security-Policy forbids style="…"): an element
// with data-width="<percent>" gets that width once the page is loaded. Scripts such as
// selection.js may change the width later through element.style, which the policy allows.
(function () {
  "use strict";
  document.querySelectorAll("[data-width]").forEach(function (el) {
    var pct = Number(el.getAttribute("data-width"));
    if (Number.isFinite(pct)) {
      el.style.width = Math.max(0, Math.min(100, pct)) + "%";
    }
  });
})();
