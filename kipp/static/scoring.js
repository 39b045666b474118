/*
 * KIPP scoring page: live weighted total, autosave, confirmation before submitting.
 *
 * Everything here is an enhancement: the page works as a plain form without it.
 * - The live total is Σ value × weight / 100 rounded half-up to 2 decimals, computed in whole
 *   hundredths (no floating point), as the server does; the server's saved total is the one
 *   that counts.
 * - Autosave (autosave.js, loaded first) PUTs /api/v1/assignments/<id>/score a few seconds
 *   after a change, keeps the hidden `version` current, shows the field errors of a 422 without
 *   touching the inputs, and on any failure keeps a copy of the scores in localStorage; a 409
 *   stale_version stops autosave and offers a reload (the copy is then offered for restoring).
 * - Submitting asks for confirmation (confirm()), saves pending changes first and submits only
 *   if that save succeeded. Without JavaScript the "I have checked my scores" box is required.
 * Translated texts come from <script type="application/json" id="kipp-i18n">.
 */
(function (KIPP) {
  "use strict";

  var SAVE_EVERY_MS = 3000;
  var VALUE = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*$/;

  var readJSON = KIPP.readJSON, each = KIPP.each;

  var M = readJSON("kipp-i18n");

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /* Hundredths of a score ("85.5" -> 8550), null when empty, NaN when not a valid score. */
  function hundredths(text) {
    if (!String(text).trim()) { return null; }
    var m = VALUE.exec(text);
    if (!m) { return NaN; }
    var cents = parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
    return cents > 10000 ? NaN : cents;
  }

  function formatHundredths(c) { return Math.floor(c / 100) + "." + pad2(c % 100); }

  function setupScoring(form) {
    var inputs = form.querySelectorAll("input[data-weight]");
    var totalOut = document.getElementById("live-total");
    var version = form.querySelector("input[name=version]");
    var comment = form.querySelector("textarea[name=comment]");
    var submitButton = document.getElementById("submit-button");
    var confirmBox = form.querySelector("input[name=confirm]");

    /* ------------------------------------------------------------ live total */
    function liveTotal() {
      var sum = 0, bad = false;
      each(inputs, function (el) {
        var c = hundredths(el.value);
        if (c === null) { return; }
        if (isNaN(c)) { bad = true; return; }
        sum += c * parseInt(el.getAttribute("data-weight"), 10);
      });
      if (!totalOut) { return; }
      // sum is in hundredths × weight; the total in hundredths is sum / 100, half-up.
      totalOut.textContent = bad ? "—" : formatHundredths(Math.floor((sum + 50) / 100));
      totalOut.title = bad ? (M.value_invalid || "") : "";
    }

    /* --------------------------------------------------------------- autosave */
    function payload() {
      var values = {};
      each(inputs, function (el) {
        var v = el.value.trim();
        if (v) { values[el.getAttribute("data-code")] = v.replace(",", "."); }
      });
      var body = { values: values, version: parseInt(version.value, 10) || 0 };
      if (comment) { body.comment = comment.value; }
      return body;
    }

    function fieldValues() {
      var out = {};
      each(inputs, function (el) { out[el.name] = el.value; });
      if (comment) { out.comment = comment.value; }
      return out;
    }

    function markDraft(data) {
      var chip = document.querySelector("#sheet-status .chip");
      if (chip && data.status === "draft") { chip.className = "chip draft"; chip.textContent = M.draft; }
    }

    function isConfirmBox(event) { return event.target === confirmBox; }

    form.addEventListener("input", function (event) { if (!isConfirmBox(event)) { liveTotal(); } });
    form.addEventListener("change", function (event) { if (!isConfirmBox(event)) { liveTotal(); } });

    var saver = KIPP.autosave(form, {
      url: form.getAttribute("data-api-url"),
      method: "PUT",
      every: SAVE_EVERY_MS,
      key: "kipp:sheet:" + form.getAttribute("data-sheet-id"),
      messages: M,
      readonly: form.getAttribute("data-readonly") === "1",
      keepServerErrors: true,
      payload: payload,
      fields: fieldValues,
      fieldName: function (key) { return key === "comment" ? "comment" : "score_" + key; },
      savedTime: function () {
        var d = new Date();
        return pad2(d.getHours()) + ":" + pad2(d.getMinutes());
      },
      onSaved: markDraft,
      ignore: isConfirmBox
    });

    /* ----------------------------------------------------------------- submit */
    if (confirmBox) {
      // With JavaScript the confirm() dialog replaces the checkbox.
      var confirmField = confirmBox.closest(".field");
      // (.field sets `display`, which would override the `hidden` attribute)
      if (confirmField && !confirmField.classList.contains("has-error")) { confirmField.style.display = "none"; }
    }

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter === submitButton) {
        event.preventDefault();
        if (!window.confirm(M.confirm)) { return; }
        if (confirmBox) { confirmBox.checked = true; }
        saver.saveThen(function () {
          form.action = submitButton.getAttribute("formaction");
          form.submit();
        }, function () {
          saver.say(M.not_submitted, true);
        });
        return;
      }
      // "Save draft": wait for a running autosave so the POST carries its version.
      saver.holdPlainSubmit(event);
    });

    liveTotal();
  }

  function start() {
    var form = document.getElementById("score-form");
    if (form && form.getAttribute("data-api-url")) { setupScoring(form); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(window.KIPP);
