/*
 * KIPP scoring page: live weighted total, autosave, confirmation before submitting.
 *
 * Everything here is an enhancement: the page works as a plain form without it.
 * - The live total is Σ value × weight / 100 rounded half-up to 2 decimals, computed in whole
 *   hundredths (no floating point), as the server does; the server's saved total is the one
 *   that counts.
 * - Autosave PUTs /api/v1/assignments/<id>/score (session + X-CSRFToken) a few seconds after a
 *   change, keeps the hidden `version` current, shows the field errors of a 422 without
 *   touching the inputs, and on any failure keeps a copy of the scores in localStorage; a 409
 *   stale_version stops autosave and offers a reload (the copy is then offered for restoring).
 * - Submitting asks for confirmation (confirm()), saves pending changes first and submits only
 *   if that save succeeded. Without JavaScript the "I have checked my scores" box is required.
 * Translated texts come from <script type="application/json" id="kipp-i18n">.
 */
(function () {
  "use strict";

  var SAVE_EVERY_MS = 3000;
  var VALUE = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*$/;

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  var M = readJSON("kipp-i18n");

  function fmt(pattern, vars) {
    return String(pattern || "").replace(/%\((\w+)\)[sd]/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : all;
    }).replace(/%%/g, "%");
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

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
    var readonly = form.getAttribute("data-readonly") === "1";
    var url = form.getAttribute("data-api-url");
    var key = "kipp:sheet:" + form.getAttribute("data-sheet-id");
    var status = document.getElementById("autosave-status");
    var general = document.getElementById("autosave-errors");
    var version = form.querySelector("input[name=version]");
    var comment = form.querySelector("textarea[name=comment]");
    var submitButton = document.getElementById("submit-button");
    var confirmBox = form.querySelector("input[name=confirm]");
    var meta = document.querySelector('meta[name="csrf-token"]');
    var csrf = meta ? meta.getAttribute("content") : "";
    var dirty = false, inflight = null, stopped = readonly, lastOk = true, leaving = false;

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
    function say(text, bad) {
      if (!status) { return; }
      status.textContent = text || "";
      status.classList.toggle("bad", !!bad);
    }

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

    function keepCopy() {
      try {
        localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), fields: fieldValues() }));
      } catch (e) { /* private mode or full storage: the scores stay in the page */ }
    }

    function dropCopy() {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }

    function clearErrors() {
      each(form.querySelectorAll(".error[data-js]"), function (el) { el.parentNode.removeChild(el); });
      each(form.querySelectorAll(".field.js-error"), function (el) {
        el.classList.remove("js-error", "has-error");
      });
      each(form.querySelectorAll("[data-js-invalid]"), function (el) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("data-js-invalid");
      });
      if (general) { general.textContent = ""; }
    }

    function messages(value) {
      if (typeof value === "string") { return [value]; }
      if (Array.isArray(value)) { return value.map(String); }
      return [JSON.stringify(value)];
    }

    function showErrors(errors) {
      clearErrors();
      Object.keys(errors || {}).forEach(function (name) {
        var el = form.elements.namedItem(name === "comment" ? "comment" : "score_" + name);
        var box = el && el.closest ? el.closest(".field") : null;
        var p = document.createElement("p");
        p.className = "error";
        p.setAttribute("data-js", "1");
        p.textContent = messages(errors[name]).join(" ");
        if (box) {
          box.classList.add("has-error", "js-error");
          el.setAttribute("aria-invalid", "true");
          el.setAttribute("data-js-invalid", "1");
          box.appendChild(p);
        } else if (general) {
          general.appendChild(p);
        }
      });
    }

    function showReload() {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = M.reload;
      button.addEventListener("click", function () { leaving = true; window.location.reload(); });
      if (general) { general.appendChild(button); }
    }

    function handle(code, data) {
      if (code === 200) {
        lastOk = true;
        version.value = data.version;
        dropCopy();
        clearErrors();
        var chip = document.querySelector("#sheet-status .chip");
        if (chip && data.status === "draft") { chip.className = "chip draft"; chip.textContent = M.draft; }
        var d = new Date();
        say(fmt(M.saved, { time: pad2(d.getHours()) + ":" + pad2(d.getMinutes()) }));
        return;
      }
      lastOk = false;
      keepCopy();
      if (code === 422) {
        showErrors(data.errors);
        say(M.invalid, true);
      } else if (code === 409 && data.code === "stale_version") {
        stopped = true;
        say(M.stale, true);
        showReload();
      } else if (code === 401) {
        stopped = true;
        say(M.session, true);
      } else if (code >= 500) {
        dirty = true;  // retry on the next tick
        say(M.failed, true);
      } else {
        stopped = true;  // locked, stage closed, not found...
        say(data.detail || M.failed, true);
      }
    }

    function save() {
      if (stopped || inflight || !dirty) { return inflight || Promise.resolve(); }
      dirty = false;
      say(M.saving);
      inflight = fetch(url, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(payload())
      }).then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          handle(resp.status, data);
        });
      }).catch(function () {
        dirty = true;
        lastOk = false;
        keepCopy();
        say(M.offline, true);
      }).then(function () { inflight = null; });
      return inflight;
    }

    function flush() {
      return (inflight || Promise.resolve()).then(function () { return dirty ? save() : null; });
    }

    function changed(event) {
      if (event && event.target === confirmBox) { return; }
      liveTotal();
      if (readonly) { return; }
      dirty = true;
      if (!stopped) { say(M.unsaved); }
    }

    function offerRestore() {
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (!saved || !saved.fields) { return; }
      var current = fieldValues();
      var differs = Object.keys(saved.fields).some(function (name) {
        return name in current && current[name] !== saved.fields[name];
      });
      if (!differs || readonly) { dropCopy(); return; }
      var box = document.getElementById("autosave-restore");
      if (!box) { return; }
      box.className = "flash";
      var text = document.createElement("p");
      text.textContent = fmt(M.restore_prompt, { time: new Date(saved.at).toLocaleString() });
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "primary";
      restore.textContent = M.restore;
      var discard = document.createElement("button");
      discard.type = "button";
      discard.textContent = M.discard;
      box.appendChild(text);
      box.appendChild(restore);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(discard);
      function close() { box.textContent = ""; box.className = ""; }
      restore.addEventListener("click", function () {
        Object.keys(saved.fields).forEach(function (name) {
          var el = form.elements.namedItem(name);
          if (el && "value" in el) { el.value = saved.fields[name]; }
        });
        close();
        changed();
      });
      discard.addEventListener("click", function () { dropCopy(); close(); });
    }

    /* ----------------------------------------------------------------- submit */
    if (confirmBox) {
      // With JavaScript the confirm() dialog replaces the checkbox.
      var confirmField = confirmBox.closest(".field");
      // (.field sets `display`, which would override the `hidden` attribute)
      if (confirmField && !confirmField.classList.contains("has-error")) { confirmField.style.display = "none"; }
    }

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      leaving = true;
      if (submitter && submitter === submitButton) {
        event.preventDefault();
        if (!window.confirm(M.confirm)) { leaving = false; return; }
        if (confirmBox) { confirmBox.checked = true; }
        flush().then(function () {
          if (lastOk && !dirty && !stopped) {
            form.action = submitButton.getAttribute("formaction");
            form.submit();
          } else {
            leaving = false;
            say(M.not_submitted, true);
          }
        });
        return;
      }
      // "Save draft": wait for a running autosave so the POST carries its version.
      stopped = true;  // no autosave may race the plain POST for the same version
      if (inflight) {
        event.preventDefault();
        inflight.then(function () { form.submit(); });
      }
    });

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.setInterval(save, SAVE_EVERY_MS);
    window.addEventListener("beforeunload", function (event) {
      if (leaving || (!dirty && !inflight)) { return; }
      keepCopy();
      event.preventDefault();
      event.returnValue = "";
    });

    liveTotal();
    offerRestore();
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
})();
