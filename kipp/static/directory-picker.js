// The entry editor's search into the innovation directory: typing in the search field (shown
// only where this script runs) asks GET /api/v1/public/innovations?q=… and lists the matches;
// choosing one fills the directory number field. Without JavaScript the agency types the
// number, found on the directory's pages.
(function () {
  "use strict";
  var box = document.querySelector("[data-directory-picker]");
  if (!box) { return; }
  var target = document.getElementById(box.dataset.target);
  var input = box.querySelector("input[type=search]");
  var list = box.querySelector("ul");
  var chosen = box.querySelector("[data-chosen]");
  var timer = null;
  box.hidden = false;

  function show(items) {
    list.textContent = "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = it.title + " — " + it.agency + " (" + it.year + ")";
      button.addEventListener("click", function () {
        target.value = String(it.id);
        chosen.textContent = box.dataset.chosenLabel + " " + it.title + " (" + it.id + ")";
        list.textContent = "";
        target.dispatchEvent(new Event("input", { bubbles: true }));
        input.focus();  // the chosen button is gone: a keyboard goes on from the search field
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim().slice(0, 200);
    if (q.length < 2) { list.textContent = ""; return; }
    timer = setTimeout(function () {
      fetch(box.dataset.api + "?per_page=8&q=" + encodeURIComponent(q), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) { show(body.items || []); })
        .catch(function () { list.textContent = ""; });
    }, 250);
  });
})();
