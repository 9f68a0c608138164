// The scheme editor's table of indicators (assess_scheme.html): the rows
// the page draws work without this script; it shows a button that adds an
// empty row, numbered after the last (indicators[N].field), and keeps the
// sum of the weights under the table as they are typed.
(function () {
  'use strict';
  var table = document.getElementById('indicators');
  if (!table) { return; }
  var body = table.querySelector('tbody');
  var sum = function () {
    var total = 0;
    Array.prototype.forEach.call(body.querySelectorAll('input.weight'), function (x) {
      var n = parseFloat(x.value);
      if (!isNaN(n)) { total += n; }
    });
    var out = document.getElementById('weight-sum');
    if (out) {
      out.textContent = String(Math.round(total * 100) / 100);
      out.className = Math.abs(total - 100) < 1e-6 ? 'good' : 'bad';
    }
  };
  body.addEventListener('input', function (ev) {
    if (ev.target.classList && ev.target.classList.contains('weight')) { sum(); }
  });
  var button = document.getElementById('add-indicator');
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener('click', function () {
    var rows = body.querySelectorAll('tr');
    if (!rows.length) { return; }
    var last = rows[rows.length - 1];
    var n = rows.length;
    var row = last.cloneNode(true);
    Array.prototype.forEach.call(row.querySelectorAll('input, select'), function (x) {
      var name = x.getAttribute('name') || '';
      x.setAttribute('name', name.replace(/^indicators\[\d+\]/, 'indicators[' + n + ']'));
      if (x.id) { x.id = x.id.replace(/^ind-\d+-/, 'ind-' + n + '-'); }
      if (x.tagName === 'SELECT') {
        x.selectedIndex = 0;
      } else {
        x.value = '';
      }
      x.removeAttribute('aria-invalid');
    });
    Array.prototype.forEach.call(row.querySelectorAll('.field-error'), function (e) { e.remove(); });
    body.appendChild(row);
    var first = row.querySelector('input');
    if (first) { first.focus(); }
  });
  sum();
}());
