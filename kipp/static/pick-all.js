// "Select all on this page" for bulk forms: a checkbox with data-pick-all="<name>" ticks or
// clears every checkbox named <name> in its form, and shows a mixed state when only some are.
(function () {
  "use strict";
  document.querySelectorAll("input[type=checkbox][data-pick-all]").forEach(function (all) {
    var boxes = Array.prototype.filter.call(
      all.form.querySelectorAll("input[type=checkbox]"),
      function (b) { return b.name === all.dataset.pickAll; }
    );
    function sync() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    var holder = all.closest("[hidden]");  // shown only where this script runs
    if (holder) { holder.hidden = false; }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      sync();
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    sync();
  });
})();
