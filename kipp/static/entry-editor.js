/*
 * KIPP agency pages: live countdown, word counters, group-dependent fields and autosave.
 *
 * Everything here is an enhancement: the pages work as plain forms without it.
 * Autosave PATCHes /api/v1/entries/<id> (session + X-CSRFToken) a few seconds after a change,
 * keeps the hidden `version` current, shows the field errors of a 422 without touching the
 * text, and on any failure keeps a copy of the text in localStorage so nothing is lost.
 * Translated texts come from <script type="application/json" id="kipp-i18n">.
 */
(function () {
  "use strict";

  var SAVE_EVERY_MS = 4000;
  var FIELDS = ["title", "group", "category", "summary", "started_on", "video_url",
    "replicates", "replication_type"];
  var NULL_WHEN_EMPTY = { category: 1, started_on: 1, video_url: 1, replicates: 1, replication_type: 1 };

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  var M = readJSON("kipp-i18n");
  var clockSkew = M.now ? Date.parse(M.now) - Date.now() : 0;  // server minus browser

  function fmt(pattern, vars) {
    return String(pattern || "").replace(/%\((\w+)\)[sd]/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : all;
    }).replace(/%%/g, "%");
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function wordCount(text) {
    var found = (text || "").match(/\S+/g);
    return found ? found.length : 0;
  }

  /* ------------------------------------------------------------------ countdown */
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

  function tickCountdowns() {
    var now = Date.now() + clockSkew;
    each(document.querySelectorAll("[data-countdown]"), function (el) {
      var opens = Date.parse(el.getAttribute("data-opens"));
      var closes = Date.parse(el.getAttribute("data-closes"));
      if (isNaN(opens) || isNaN(closes)) { return; }
      if (now < opens) {
        el.textContent = fmt(M.opens_in, { time: duration((opens - now) / 1000) });
      } else if (now > closes) {
        el.textContent = M.closed;
      } else {
        el.textContent = fmt(M.left, { time: duration((closes - now) / 1000) });
      }
    });
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
    var key = "kipp:entry:" + form.getAttribute("data-entry-id");
    var status = document.getElementById("autosave-status");
    var general = document.getElementById("autosave-errors");
    var version = form.querySelector("input[name=version]");
    var meta = document.querySelector('meta[name="csrf-token"]');
    var csrf = meta ? meta.getAttribute("content") : "";
    var dirty = false, inflight = null, stopped = false, lastOk = true, leaving = false;

    function say(text, bad) {
      if (!status) { return; }
      status.textContent = text || "";
      status.classList.toggle("bad", !!bad);
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

    function keepCopy() {
      try {
        localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), fields: fieldValues() }));
      } catch (e) { /* private mode or full storage: the text stays in the page */ }
    }

    function dropCopy() {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }

    function clearErrors() {
      each(form.querySelectorAll(".error"), function (el) { el.parentNode.removeChild(el); });
      each(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
      each(form.querySelectorAll("[aria-invalid=true]"), function (el) {
        el.setAttribute("aria-invalid", "false");
      });
      if (general) { general.textContent = ""; }
    }

    function messages(value) {
      if (typeof value === "string") { return [value]; }
      if (Array.isArray(value)) { return value.map(function (v) { return typeof v === "string" ? v : JSON.stringify(v); }); }
      return [JSON.stringify(value)];
    }

    function showErrors(errors) {
      clearErrors();
      Object.keys(errors || {}).forEach(function (name) {
        var fieldName = name.indexOf("answers.") === 0 ? "ans_" + name.slice(8) : name;
        var el = form.elements.namedItem(fieldName);
        var box = el && el.closest ? el.closest(".field") : null;
        var p = document.createElement("p");
        p.className = "error";
        p.textContent = messages(errors[name]).join(" ");
        if (box) {
          box.classList.add("has-error");
          el.setAttribute("aria-invalid", "true");
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
        say(fmt(M.saved, { time: String(data.updated_at || "").slice(11, 16) }));
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
        stopped = true;  // locked, deadline passed, stage changed, forbidden...
        say(data.detail || M.failed, true);
      }
    }

    function save() {
      if (stopped || inflight || !dirty) { return inflight || Promise.resolve(); }
      dirty = false;
      say(M.saving);
      inflight = fetch(url, {
        method: "PATCH",
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

    function changed() {
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
      if (!differs) { dropCopy(); return; }
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
      restore.addEventListener("click", function () {
        Object.keys(saved.fields).forEach(function (name) {
          var el = form.elements.namedItem(name);
          if (el && "value" in el) {
            el.value = saved.fields[name];
            el.dispatchEvent(new Event("input", { bubbles: true }));
            el.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
        box.textContent = "";
        box.className = "";
        changed();
      });
      discard.addEventListener("click", function () {
        dropCopy();
        box.textContent = "";
        box.className = "";
      });
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.setInterval(save, SAVE_EVERY_MS);

    // The plain "Save" button: wait for a running autosave so the POST carries its version.
    form.addEventListener("submit", function (event) {
      leaving = true;
      if (!inflight) { return; }
      event.preventDefault();
      inflight.then(function () { stopped = true; form.submit(); });
    });

    // "Submit entry" submits the saved version: save pending text first, and only then submit.
    var submitForm = document.getElementById("submit-form");
    if (submitForm) {
      submitForm.addEventListener("submit", function (event) {
        if (!dirty && !inflight) { leaving = true; return; }
        event.preventDefault();
        flush().then(function () {
          if (lastOk && !dirty && !stopped) { leaving = true; submitForm.submit(); }
        });
      });
    }

    window.addEventListener("beforeunload", function (event) {
      if (leaving || (!dirty && !inflight)) { return; }
      keepCopy();
      event.preventDefault();
      event.returnValue = "";
    });

    offerRestore();
  }

  function start() {
    tickCountdowns();
    if (document.querySelector("[data-countdown]")) { window.setInterval(tickCountdowns, 30000); }
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
})();
