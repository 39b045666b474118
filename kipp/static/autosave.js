/*
 * KIPP autosave: the machinery shared by the entry editor and the scoring page.
 *
 * Everything here is an enhancement: the pages work as plain forms without it.
 * KIPP.autosave(form, options) sends the form's JSON (options.payload()) to options.url with
 * options.method (session + X-CSRFToken) every options.every ms while something changed, and:
 * - keeps the hidden `version` input current (optimistic locking; the server refuses a stale
 *   version with 409 stale_version, which stops autosave and offers a reload);
 * - shows the field errors of a 422 next to their fields (options.fieldName maps an error key
 *   to a form element name) without touching what was typed, each tied to its field
 *   (aria-invalid="true" and an aria-describedby naming the message, both undone once saved);
 * - on any failure keeps a copy of options.fields() in localStorage under options.key, offers
 *   it for restoring on the next visit and drops it once a save succeeds;
 * - retries after a 5xx or a network failure; stops on 401 and on any other refusal;
 * - offline (the browser's `offline` event, navigator.onLine false, or a failed request): says
 *   so at once (M.offline_kept, else M.offline), keeps the local copy current on every change
 *   (so a reload or a closed tab loses nothing), sends nothing while offline, and saves as
 *   soon as the `online` event comes instead of waiting for the next tick;
 * - sends nothing once the page is being left (pagehide), keeping what is unsaved locally;
 * - reports in #autosave-status and #autosave-errors, warns before leaving with unsaved text.
 * Translated texts come from <script type="application/json" id="kipp-i18n"> (see readJSON).
 * Also exposes small helpers (KIPP.readJSON, KIPP.fmt, KIPP.each) to the page scripts.
 */
(function () {
  "use strict";

  var KIPP = window.KIPP = window.KIPP || {};

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  /* Fills `%(name)s` / `%(name)d` placeholders of a translated pattern, as gettext does. */
  function fmt(pattern, vars) {
    return String(pattern || "").replace(/%\((\w+)\)[sd]/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : all;
    }).replace(/%%/g, "%");
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function messages(value) {
    if (typeof value === "string") { return [value]; }
    if (Array.isArray(value)) {
      return value.map(function (v) { return typeof v === "string" ? v : JSON.stringify(v); });
    }
    return [JSON.stringify(value)];
  }

  /*
   * options:
   *   url, method ("PATCH" or "PUT"), every (ms), key (localStorage key),
   *   payload()      -> the JSON body (the caller puts the current `version` in it),
   *   fields()       -> {element name: value}: what the local copy keeps and restores,
   *   fieldName(key) -> the form element name an error key of a 422 belongs to,
   *   savedTime(data)-> the time shown in "Saved %(time)s",
   *   onSaved(data)  -> optional, after a successful save,
   *   ignore(event)  -> optional, true for input events that are no change to save,
   *   readonly       -> nothing is saved and no copy is offered,
   *   keepServerErrors -> clearing errors (after a save, before showing new ones) removes
   *                       only those this script showed, not the server-rendered ones,
   *   messages       -> the translated texts (default: #kipp-i18n).
   * Returns the controller { changed, flush, holdPlainSubmit, saveThen, say, idle, leave }.
   */
  function autosave(form, options) {
    var M = options.messages || readJSON("kipp-i18n");
    var key = options.key;
    var status = document.getElementById("autosave-status");
    var general = document.getElementById("autosave-errors");
    var version = form.querySelector("input[name=version]");
    var meta = document.querySelector('meta[name="csrf-token"]');
    var csrf = meta ? meta.getAttribute("content") : "";
    var readonly = !!options.readonly;
    var dirty = false, inflight = null, stopped = readonly, lastOk = true, leaving = false;
    var hidden = false;  // between pagehide and pageshow: the document is being unloaded

    function isOffline() { return navigator.onLine === false; }

    function sayOffline() { say(M.offline_kept || M.offline, true); }

    function say(text, bad) {
      if (!status) { return; }
      status.textContent = text || "";
      status.classList.toggle("bad", !!bad);
    }

    function keepCopy() {
      try {
        localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), fields: options.fields() }));
      } catch (e) { /* private mode or full storage: the values stay in the page */ }
    }

    function dropCopy() {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }

    /* The ids in an element's aria-describedby, as a list. */
    function describedBy(el) {
      return (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    }

    /* Drops `id` from what describes `el` (the attribute goes when nothing is left). */
    function undescribe(el, id) {
      var rest = describedBy(el).filter(function (d) { return d !== id; });
      if (rest.length) { el.setAttribute("aria-describedby", rest.join(" ")); } else { el.removeAttribute("aria-describedby"); }
    }

    function clearErrors() {
      if (options.keepServerErrors) {
        each(form.querySelectorAll(".error[data-js]"), function (el) { el.parentNode.removeChild(el); });
        each(form.querySelectorAll(".field.js-error"), function (el) {
          el.classList.remove("js-error", "has-error");
        });
        each(form.querySelectorAll("[data-js-invalid]"), function (el) {
          el.removeAttribute("aria-invalid");
          undescribe(el, el.getAttribute("data-js-invalid"));
          el.removeAttribute("data-js-invalid");
        });
      } else {
        each(form.querySelectorAll(".error"), function (el) { el.parentNode.removeChild(el); });
        each(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error", "js-error"); });
        each(form.querySelectorAll("[aria-invalid=true]"), function (el) {
          el.setAttribute("aria-invalid", "false");
          // the server's message box of the field is empty now: it goes, and so do the ids
          var box = document.getElementById(errorId(el));
          if (box && !box.textContent.trim()) { box.parentNode.removeChild(box); }
          undescribe(el, errorId(el));
          if (el.hasAttribute("data-js-invalid")) { undescribe(el, el.getAttribute("data-js-invalid")); }
          el.removeAttribute("data-js-invalid");
        });
      }
      if (general) { general.textContent = ""; }
    }

    /* The id of the element holding a field's error messages (as the server renders it). */
    function errorId(el) { return (el.id || el.name) + "-err"; }

    function showErrors(errors) {
      clearErrors();
      Object.keys(errors || {}).forEach(function (name) {
        var el = form.elements.namedItem(options.fieldName(name));
        var box = el && el.closest ? el.closest(".field") : null;
        var p = document.createElement("p");
        p.className = "error";
        p.setAttribute("data-js", "1");
        p.textContent = messages(errors[name]).join(" ");
        if (box) {
          // Tied to its field: aria-invalid, and aria-describedby naming the message, so a
          // screen reader reads the error with the field (WCAG 3.3.1).
          var id = errorId(el);
          if (document.getElementById(id)) {  // the server's message of this field: a new id
            id = id + "-js";
          }
          p.id = id;
          box.classList.add("has-error", "js-error");
          el.setAttribute("aria-invalid", "true");
          el.setAttribute("data-js-invalid", id);
          if (describedBy(el).indexOf(id) < 0) {
            el.setAttribute("aria-describedby", describedBy(el).concat([id]).join(" "));
          }
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
        if (options.onSaved) { options.onSaved(data); }
        say(fmt(M.saved, { time: options.savedTime(data) }));
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
        stopped = true;  // locked, deadline passed, stage changed, forbidden, not found...
        say(data.detail || M.failed, true);
      }
    }

    function save() {
      if (stopped || hidden || inflight || !dirty) { return inflight || Promise.resolve(); }
      if (isOffline()) {  // no request can succeed: keep the copy, try again when online
        lastOk = false;
        keepCopy();
        sayOffline();
        return Promise.resolve();
      }
      dirty = false;
      say(M.saving);
      inflight = fetch(options.url, {
        method: options.method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(options.payload())
      }).then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          handle(resp.status, data);
        });
      }).catch(function () {
        dirty = true;
        lastOk = false;
        keepCopy();
        sayOffline();
      }).then(function () { inflight = null; });
      return inflight;
    }

    /* Waits for a running save, then saves what changed since. */
    function flush() {
      return (inflight || Promise.resolve()).then(function () { return dirty ? save() : null; });
    }

    function changed(event) {
      if (event && options.ignore && options.ignore(event)) { return; }
      if (readonly) { return; }
      dirty = true;
      if (!lastOk || isOffline()) { keepCopy(); }  // every keystroke survives a reload
      if (stopped) { return; }
      if (isOffline()) { sayOffline(); } else { say(M.unsaved); }
    }

    function wentOffline() {
      if (readonly || stopped) { return; }
      if (dirty || !lastOk) { keepCopy(); }
      sayOffline();
    }

    function cameOnline() {
      if (readonly || stopped) { return; }
      if (dirty) { save(); } else if (lastOk) { say(""); }
    }

    function offerRestore() {
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (!saved || !saved.fields) { return; }
      var current = options.fields();
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
          if (el && "value" in el) {
            el.value = saved.fields[name];
            el.dispatchEvent(new Event("input", { bubbles: true }));
            el.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
        close();
        changed();
      });
      discard.addEventListener("click", function () { dropCopy(); close(); });
    }

    /* A plain POST of the form (its "Save" button): no autosave may race it for the same
       version, and a running one is waited for so the POST carries the version it got. */
    function holdPlainSubmit(event) {
      leaving = true;
      stopped = true;
      if (!inflight) { return; }
      event.preventDefault();
      inflight.then(function () { form.submit(); });
    }

    /* Saves pending changes, then calls done() only if everything is saved (else failed()). */
    function saveThen(done, failed) {
      return flush().then(function () {
        if (lastOk && !dirty && !stopped) {
          leaving = true;
          done();
        } else if (failed) {
          failed();
        }
      });
    }

    function idle() { return !dirty && !inflight; }

    function leave() { leaving = true; }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.setInterval(save, options.every);
    window.addEventListener("offline", wentOffline);
    window.addEventListener("online", cameOnline);
    // A document on its way out sends nothing more (its answer could not be shown); what is
    // unsaved stays in the local copy. Back from the back/forward cache, it goes on.
    window.addEventListener("pagehide", function () {
      hidden = true;
      if (dirty && !readonly) { keepCopy(); }
    });
    window.addEventListener("pageshow", function () { hidden = false; });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || idle()) { return; }
      keepCopy();
      event.preventDefault();
      event.returnValue = "";
    });
    offerRestore();

    return {
      changed: changed, flush: flush, holdPlainSubmit: holdPlainSubmit, saveThen: saveThen,
      say: say, idle: idle, leave: leave
    };
  }

  KIPP.readJSON = readJSON;
  KIPP.fmt = fmt;
  KIPP.each = each;
  KIPP.autosave = autosave;
})();
