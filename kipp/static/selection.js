/* The chair's selection form: live count, inline justifications, live distribution.
 *
 * The server stays authoritative (it refuses a missing justification with 422 and a split
 * tie with 409); this script only shows early what it will ask for:
 * - a justification box under every checked entry ranked below an unchecked, strictly
 *   higher-scored one or scoring below the pass mark (required), and under checked entries
 *   tied at the cut (optional);
 *   a box that already holds text stays visible while its entry is checked;
 * - "n / N selected";
 * - the distribution of the checked rows, from their data-d-<dimension> attributes, with
 *   shares rounded half-up to one decimal like the server's.
 * Text typed in a box is never discarded: a box whose entry is unchecked is only hidden.
 */
(function () {
  "use strict";
  var form = document.getElementById("selection-form");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-entry]"));
  var target = parseInt(form.getAttribute("data-target"), 10);
  var count = document.getElementById("selected-count");
  var template = document.getElementById("justify-template");
  var dist = document.getElementById("distribution");

  function box(row) {
    return row.querySelector("input[name=entry_ids]");
  }

  // Mean scores carry 2 decimals: compare them as integer hundredths, exactly.
  function cents(row) {
    return Math.round(parseFloat(row.getAttribute("data-score")) * 100);
  }

  function justifyRow(row, create) {
    var id = row.getAttribute("data-entry");
    var existing = document.getElementById("justify-" + id);
    if (existing || !create || !template) return existing;
    var tr = template.content.querySelector("tr").cloneNode(true);
    var title = row.getAttribute("data-title") || "";
    tr.id = "justify-" + id;
    tr.setAttribute("data-for", id);
    var area = tr.querySelector("textarea");
    area.id = "just-" + id;
    area.name = "justification-" + id;
    tr.querySelector("label").setAttribute("for", area.id);
    tr.querySelectorAll("label span").forEach(function (span) {
      span.textContent = span.textContent.replace("__TITLE__", title);
    });
    row.parentNode.insertBefore(tr, row.nextSibling);
    return tr;
  }

  function share(n, total) {
    if (!total) return "0.0";
    var tenths = Math.floor((2 * n * 1000 + total) / (2 * total)); // half-up, integers only
    return (tenths / 10).toFixed(1);
  }

  function updateDistribution(checked) {
    if (!dist) return;
    var total = checked.length;
    var totalEl = document.getElementById("dist-selected-total");
    if (totalEl) totalEl.textContent = total;
    dist.querySelectorAll("table[data-dim]").forEach(function (table) {
      var dim = table.getAttribute("data-dim");
      var counts = {};
      checked.forEach(function (row) {
        var key = row.getAttribute("data-d-" + dim);
        counts[key] = (counts[key] || 0) + 1;
      });
      table.querySelectorAll("tr[data-key]").forEach(function (tr) {
        var n = counts[tr.getAttribute("data-key")] || 0;
        var pct = share(n, total);
        tr.querySelector(".sel-n").textContent = n;
        tr.querySelector(".sel-pct").textContent = pct;
        tr.querySelector(".bar.sel > span").style.width = pct + "%";
      });
    });
  }

  function update() {
    var checked = [];
    var bestLeftOut = -Infinity;
    rows.forEach(function (row) {
      if (box(row).checked) checked.push(row);
      else bestLeftOut = Math.max(bestLeftOut, cents(row));
    });
    rows.forEach(function (row) {
      var on = box(row).checked;
      // Below the pass mark: a reason is needed whatever else is checked.
      var need = on && (cents(row) < bestLeftOut || row.hasAttribute("data-below-pass-mark"));
      var tied = row.classList.contains("tied");
      row.classList.toggle("override", need);
      var jr = justifyRow(row, need || (on && tied));
      if (!jr) return;
      var area = jr.querySelector("textarea");
      var show = on && (need || tied || area.value.trim() !== "");
      jr.hidden = !show;
      jr.querySelector("label .need").hidden = !need;
      jr.querySelector("label .optional").hidden = need;
    });
    count.textContent = checked.length;
    count.classList.toggle("ok", checked.length === target);
    count.classList.toggle("bad", checked.length !== target);
    updateDistribution(checked);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "entry_ids") update();
  });
  update();
})();
