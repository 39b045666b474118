// The competition form's criteria tables: a live sum of the weights of each table, and
// "Add a row" (a copy of the last row with the next index). Loaded only while the structure
// is editable.
(function () {
  document.querySelectorAll('fieldset[data-criteria]').forEach(function (set) {
    var key = set.getAttribute('data-criteria');
    var out = set.querySelector('output.weight-sum');
    var body = set.querySelector('tbody');
    function sum() {
      var total = 0, bad = false;
      set.querySelectorAll('input.weight').forEach(function (i) {
        if (i.value.trim() === '') return;
        var n = Number(i.value);
        if (!Number.isInteger(n)) { bad = true; } else { total += n; }
      });
      out.textContent = bad ? '?' : String(total);
      out.className = 'weight-sum ' + (!bad && total === 100 ? 'ok' : 'bad');
    }
    set.addEventListener('input', sum);
    var add = set.querySelector('button.add-row');
    add.hidden = false;
    add.addEventListener('click', function () {
      var rows = body.querySelectorAll('tr.criterion-row');
      var last = rows[rows.length - 1];
      var next = 0;
      body.querySelectorAll('input[name^="' + key + '-"]').forEach(function (i) {
        var m = i.name.match(new RegExp('^' + key + '-(\\d+)-'));
        if (m) next = Math.max(next, Number(m[1]) + 1);
      });
      var copy = last.cloneNode(true);
      copy.querySelectorAll('input').forEach(function (i) {
        i.name = i.name.replace(/-\d+-/, '-' + next + '-');
        i.id = i.id.replace(/-\d+-/, '-' + next + '-');
        i.value = '';
        i.removeAttribute('aria-invalid');
        var label = i.getAttribute('aria-label');
        if (label) i.setAttribute('aria-label', label.replace(/\d+$/, String(rows.length + 1)));
      });
      copy.querySelectorAll('p.error').forEach(function (p) { p.remove(); });
      body.appendChild(copy);
      copy.querySelector('input').focus();
    });
    sum();
  });
})();
