/*
 * KIPP agency pages: word counters, group-dependent fields and autosave (the live countdown
 * is countdown.js).
 *
 * Everything here is an enhancement: the pages work as plain forms without it.
 * Autosave (autosave.js, loaded first) PATCHes /api/v1/entries/<id> a few seconds after a
 * change, keeps the hidden `version` current, shows the field errors of a 422 without touching
 * the text, and on any failure keeps a copy of the text in localStorage so nothing is lost.
 * Offline, it says so at once, keeps that copy current on every keystroke and saves it as soon
 * as the connection returns (see autosave.js).
 * Translated texts come from <script type="application/json" id="kipp-i18n">.
 */
(function (KIPP) {
  "use strict";

  var SAVE_EVERY_MS = 4000;
  var FIELDS = ["title", "group", "category", "summary", "started_on", "video_url",
    "replicates", "replication_type"];
  var NULL_WHEN_EMPTY = { category: 1, started_on: 1, video_url: 1, replicates: 1, replication_type: 1 };

  var readJSON = KIPP.readJSON, fmt = KIPP.fmt, each = KIPP.each;

  var M = readJSON("kipp-i18n");

  function wordCount(text) {
    var found = (text || "").match(/\S+/g);
    return found ? found.length : 0;
  }

  /* -------------------------------------------------------------- word counters */
  function setupCounters() {
    each(document.querySelectorAll("[data-word-counter]"), function (out) {
      var area = document.getElementById(out.getAttribute("data-word-counter"));
      if (!area) { return; }
      var limit = parseInt(out.getAttribute("data-limit") || "", 10);
      function update() {
        var n = wordCount(area.value);
        if (!limit) {
          out.textContent = fmt(M.words, { count: n });
          return;
        }
        var over = n > limit;
        out.textContent = fmt(over ? M.words_over : M.words_limited,
          { count: n, limit: limit, over: n - limit });
        out.classList.toggle("bad", over);
      }
      area.addEventListener("input", update);
      update();
    });
  }

  /* -------------------------------------------------------- group-dependent fields */
  function setupGroupToggle(form) {
    var select = form.querySelector("select[name=group]");
    var blocks = form.querySelectorAll("[data-show-for-group]");
    if (!select || !blocks.length) { return; }
    function apply() {
      each(blocks, function (block) {
        var wanted = block.getAttribute("data-show-for-group") === select.value;
        block.hidden = !wanted && !block.querySelector(".has-error");
      });
    }
    select.addEventListener("change", apply);
    apply();
  }

  /* ------------------------------------------------------------------- autosave */
  function setupAutosave(form) {
    var url = form.getAttribute("data-api-url");
    if (!url) { return; }  // a new entry: the first plain save creates it
    var version = form.querySelector("input[name=version]");
    // The page's own word for "offline, kept on this device" (data-offline-message).
    if (form.getAttribute("data-offline-message")) {
      M.offline_kept = form.getAttribute("data-offline-message");
    }

    function payload() {
      var body = { version: parseInt(version.value, 10) || 0, answers: {} };
      FIELDS.forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (!el) { return; }
        var value = el.value;
        if (NULL_WHEN_EMPTY[name] && value.trim() === "") { value = null; }
        body[name] = value;
      });
      each(form.elements, function (el) {
        if (el.name && el.name.indexOf("ans_") === 0) { body.answers[el.name.slice(4)] = el.value; }
      });
      return body;
    }

    function fieldValues() {
      var out = {};
      each(form.elements, function (el) {
        if (el.name && el.name !== "csrf_token" && el.name !== "version" && el.type !== "file") {
          out[el.name] = el.value;
        }
      });
      return out;
    }

    var saver = KIPP.autosave(form, {
      url: url,
      method: "PATCH",
      every: SAVE_EVERY_MS,
      key: "kipp:entry:" + form.getAttribute("data-entry-id"),
      messages: M,
      payload: payload,
      fields: fieldValues,
      fieldName: function (key) { return key.indexOf("answers.") === 0 ? "ans_" + key.slice(8) : key; },
      savedTime: function (data) { return String(data.updated_at || "").slice(11, 16); }
    });

    // The plain "Save" button: wait for a running autosave so the POST carries its version.
    form.addEventListener("submit", saver.holdPlainSubmit);

    // "Submit entry" submits the saved version: save pending text first, and only then submit.
    var submitForm = document.getElementById("submit-form");
    if (submitForm) {
      submitForm.addEventListener("submit", function (event) {
        if (saver.idle()) { saver.leave(); return; }
        event.preventDefault();
        saver.saveThen(function () { submitForm.submit(); });
      });
    }
  }

  function start() {
    setupCounters();
    var form = document.getElementById("entry-form");
    if (form) {
      setupGroupToggle(form);
      setupAutosave(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(window.KIPP);
