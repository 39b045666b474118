// Document jobs page: polls each unfinished job's JSON (data-url) and updates its progress,
// counters and failed documents until the job is done or failed. Translated texts come from
// <script type="application/json" id="kipp-job-texts">.
(function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("kipp-job-texts").textContent);
  var labels = texts.labels;
  var entryWord = texts.entry;
  function set(job, name, value) {
    var el = job.querySelector('[data-field="' + name + '"]');
    if (el) { el.textContent = value; }
  }
  function showErrors(job, errors) {
    var box = job.querySelector('[data-field="errors"]');
    var list = box.querySelector("ul");
    list.textContent = "";
    errors.forEach(function (e) {
      var li = document.createElement("li");
      var code = document.createElement("code");
      li.textContent = entryWord + " #" + e.entry_id + ": ";
      code.textContent = e.error;
      li.appendChild(code);
      list.appendChild(li);
    });
    box.hidden = errors.length === 0;
  }
  function poll(job) {
    fetch(job.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (d) {
        var bar = job.querySelector("progress");
        bar.max = d.total || 1;
        bar.value = d.total ? d.done + d.failed : 1;
        set(job, "status", labels[d.status] || d.status);
        set(job, "done", d.done);
        set(job, "total", d.total);
        set(job, "failed", d.failed);
        showErrors(job, d.errors || []);
        if (d.status !== "done" && d.status !== "failed") {
          setTimeout(function () { poll(job); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { poll(job); }, 5000); });
  }
  document.querySelectorAll('article.job[data-finished="false"]').forEach(function (job) {
    setTimeout(function () { poll(job); }, 1000);
  });
})();
