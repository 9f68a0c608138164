// The rows of the mediation's forms (mediation.html): the terms of an
// agreement and the parties of a dispute, each a fieldset in a container
// (data-rows: the prefix of the fields' names, prefix.N.field;
// data-legend: the row's legend, {n} its number). The rows the page draws
// work without this script; it shows a button that adds an empty row,
// numbered after the last.
(function () {
  'use strict';
  var renumber = function (s, from, to) {
    return s.replace('-' + from + '-', '-' + to + '-');
  };
  var add = function (button) {
    var box = document.getElementById(button.getAttribute('data-add-row'));
    if (!box || !box.children.length) { return; }
    var prefix = box.getAttribute('data-rows');
    var n = box.children.length;
    var row = box.children[n - 1].cloneNode(true);
    Array.prototype.forEach.call(row.querySelectorAll('input, select, textarea'), function (x) {
      var name = x.getAttribute('name') || '';
      if (name.indexOf(prefix) === 0) {
        var rest = name.slice(prefix.length);
        x.setAttribute('name', prefix + (n + 1) + rest.slice(rest.indexOf('.')));
      }
      if (x.id) { x.id = renumber(x.id, n, n + 1); }
      if (x.tagName === 'SELECT') {
        x.selectedIndex = x.options.length > 2 ? x.options.length - 1 : 0;
      } else {
        x.value = '';
      }
      x.removeAttribute('aria-invalid');
    });
    Array.prototype.forEach.call(row.querySelectorAll('label[for]'), function (l) {
      l.htmlFor = renumber(l.htmlFor, n, n + 1);
    });
    Array.prototype.forEach.call(row.querySelectorAll('.field-error'), function (e) { e.remove(); });
    var legend = row.querySelector('legend');
    if (legend && box.getAttribute('data-legend')) {
      legend.textContent = box.getAttribute('data-legend').replace('{n}', String(n + 1));
    }
    box.appendChild(row);
    var first = row.querySelector('input');
    if (first) { first.focus(); }
  };
  var ready = function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-add-row]'), function (b) {
      if (b.getAttribute('data-ready')) { return; }
      b.setAttribute('data-ready', '1');
      b.hidden = false;
      b.addEventListener('click', function () { add(b); });
    });
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }
}());
