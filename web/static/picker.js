// pingan — pickers that scale. A control marked data-picker becomes a
// search box over the server's answers (web/picker.go): a unit or a grid
// is found by its name, the initials of its pinyin (XBC finds 下坝村委会) or
// its code, in a list grouped by level, a repeated name shown with the
// path above it. The citizens' place (data-picker="public-units") becomes
// a cascade, county → township → village, with a search beside it. The
// control itself stays in the form, hidden, and is what is sent; without
// this script the page keeps the plain control.
//
//   data-picker          units | grids | public-units | units-multi
//   data-picker-src      the URL of the answers
//   data-picker-search, -none, -more, -results   the words shown
//   (public-units) data-picker-county, -township, -village, -choose,
//                  -village-none, -or           the cascade's words
//   (units-multi, a select multiple) data-picker-remove  the word of a
//                  chosen unit's remove button
(function () {
  'use strict';
  var seq = 0;
  var word = function (c, name) { return c.getAttribute('data-picker-' + name) || ''; };
  var el = function (tag, props, text) {
    var x = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { x.setAttribute(k, props[k]); });
    if (text) { x.textContent = text; }
    return x;
  };
  var style = function (x, css) { Object.keys(css).forEach(function (k) { x.style[k] = css[k]; }); return x; };
  var withQuery = function (src, params) {
    var q = Object.keys(params).filter(function (k) { return params[k] !== undefined; }).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]);
    }).join('&');
    return q ? src + (src.indexOf('?') >= 0 ? '&' : '?') + q : src;
  };
  // get answers the JSON at url to done, or null when it fails.
  var get = function (url, done) {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(done, function () { done(null); });
  };
  // labelOf is how an item reads: its name, with the path above it when
  // the name repeats.
  var labelOf = function (it) {
    return it.repeated && it.path ? it.name + '（' + it.path + '）' : it.name;
  };
  // retarget points the labels of the control at the element that now
  // stands for it.
  var retarget = function (control, to) {
    if (!control.id) { return; }
    Array.prototype.forEach.call(document.querySelectorAll('label[for="' + control.id + '"]'), function (l) {
      l.htmlFor = to.id;
    });
  };

  // searchBox builds a combobox (WAI-ARIA 1.2): a text input whose list of
  // matches opens below it, grouped by level, moved through with the
  // arrow keys, chosen with Enter or a click, closed with Escape.
  // choose(item) is told the chosen item, or null when the box is emptied.
  var searchBox = function (words, src, params, choose) {
    var id = 'picker-' + (++seq);
    var wrap = style(el('div', { 'class': 'picker' }), { position: 'relative' });
    var input = el('input', {
      id: id, type: 'text', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list',
      'aria-expanded': 'false', 'aria-controls': id + '-list', placeholder: words.search
    });
    var list = style(el('ul', { id: id + '-list', role: 'listbox', 'aria-label': words.results }), {
      position: 'absolute', left: '0', right: '0', top: '100%', zIndex: '20', margin: '0', padding: '0',
      listStyle: 'none', background: '#fff', border: '1px solid #c8ccd2', borderRadius: '4px',
      maxHeight: '20rem', overflowY: 'auto', boxShadow: '0 4px 12px rgba(0,0,0,.12)'
    });
    var status = style(el('span', { 'class': 'muted small', 'aria-live': 'polite' }), { display: 'block' });
    list.hidden = true;
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    var options = [], active = -1, asked = 0, timer = null, shown = '', swallow = false;

    var close = function () {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    };
    var activate = function (i) {
      if (active >= 0 && options[active]) { options[active].li.style.background = ''; options[active].li.setAttribute('aria-selected', 'false'); }
      active = i;
      if (i < 0 || !options[i]) { input.removeAttribute('aria-activedescendant'); return; }
      var li = options[i].li;
      li.style.background = '#e8f0fe';
      li.setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    };
    var pick = function (it) {
      shown = labelOf(it);
      input.value = shown;
      status.textContent = it.path ? it.path + ' / ' + it.name : '';
      close();
      choose(it);
    };
    var render = function (ans) {
      var was = active >= 0 && options[active] ? options[active].it.code : null;
      list.textContent = '';
      options = [];
      active = -1;
      var items = (ans && ans.items) || [];
      var group = null;
      items.forEach(function (it, i) {
        if (it.level !== group) {
          group = it.level;
          list.appendChild(style(el('li', { role: 'presentation', 'class': 'muted small' }, it.level_name), {
            padding: '.3rem .6rem .1rem', fontWeight: '600', background: '#f4f5f7'
          }));
        }
        var li = style(el('li', { id: input.id + '-o' + i, role: 'option', 'aria-selected': 'false', 'data-code': it.code }), {
          padding: '.3rem .6rem .3rem 1.2rem', cursor: 'pointer'
        });
        li.appendChild(document.createTextNode(it.name));
        if (it.repeated && it.path) {
          li.appendChild(style(el('span', { 'class': 'muted small' }, '  ' + it.path), { marginLeft: '.5rem' }));
        }
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(it); });
        list.appendChild(li);
        options.push({ li: li, it: it });
      });
      if (!items.length) {
        list.appendChild(style(el('li', { role: 'presentation', 'class': 'muted' }, words.none), { padding: '.3rem .6rem' }));
      } else if (ans.more) {
        list.appendChild(style(el('li', { role: 'presentation', 'class': 'muted small' }, words.more), { padding: '.3rem .6rem' }));
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      options.forEach(function (o, i) { if (o.it.code === was) { activate(i); } });
    };
    var ask = function () {
      var n = ++asked;
      var p = {};
      Object.keys(params).forEach(function (k) { p[k] = params[k]; });
      p.q = input.value.trim();
      get(withQuery(src, p), function (ans) {
        if (n === asked && document.activeElement === input) { render(ans); }
      });
    };
    input.addEventListener('input', function () {
      if (input.value.trim() === '' && shown !== '') { shown = ''; status.textContent = ''; choose(null); }
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener('focus', function () {
      if (input.value === shown) { input.select(); }
      if (list.hidden) { ask(); }
    });
    input.addEventListener('blur', function () {
      close();
      if (shown !== '' && input.value !== shown) { input.value = shown; } // a half-typed query is no choice
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (list.hidden) { ask(); return; }
        var d = ev.key === 'ArrowDown' ? 1 : -1;
        if (options.length) { activate((active + d + options.length) % options.length); }
      } else if (ev.key === 'Enter') {
        if (!list.hidden) {
          ev.preventDefault(); // choosing is not sending the form
          swallow = true;
          if (active >= 0) { pick(options[active].it); } else if (options.length === 1) { pick(options[0].it); }
        }
      } else if (ev.key === 'Escape') {
        if (!list.hidden) { ev.preventDefault(); close(); }
      }
    });
    // An Enter that chose is not sent on as a keypress (some input
    // methods and drivers send it apart from the keydown).
    input.addEventListener('keypress', function (ev) {
      if (ev.key === 'Enter' && swallow) { ev.preventDefault(); }
    });
    input.addEventListener('keyup', function () { swallow = false; });
    return {
      wrap: wrap, input: input,
      // show puts a choice made elsewhere in the box, without telling choose.
      show: function (it) { shown = it ? labelOf(it) : ''; input.value = shown; status.textContent = it && it.path ? it.path + ' / ' + it.name : ''; }
    };
  };

  var wordsOf = function (c) {
    return { search: word(c, 'search'), none: word(c, 'none'), more: word(c, 'more'), results: word(c, 'results') };
  };

  // select sets the value of a select, adding the option when it lacks it.
  var setSelect = function (sel, it) {
    var code = it ? it.code : '';
    if (code && !Array.prototype.some.call(sel.options, function (o) { return o.value === code; })) {
      sel.appendChild(el('option', { value: code }, labelOf(it)));
    }
    sel.value = code;
    sel.dispatchEvent(new Event('change', { bubbles: true }));
  };

  // One staff unit or grid: the control (a select or a text input of the
  // code) hidden behind a search box.
  var single = function (c) {
    var src = word(c, 'src');
    var box = searchBox(wordsOf(c), src, {}, function (it) {
      if (c.tagName === 'SELECT') { setSelect(c, it); } else { c.value = it ? it.code : ''; }
    });
    c.parentNode.insertBefore(box.wrap, c.nextSibling);
    retarget(c, box.input);
    if (c.getAttribute('aria-describedby')) { box.input.setAttribute('aria-describedby', c.getAttribute('aria-describedby')); }
    if (c.tagName === 'SELECT') { c.hidden = true; } else { c.type = 'hidden'; }
    var code = c.value;
    if (code) { // a form shown again: name what it holds
      get(withQuery(src, { q: code, limit: 5 }), function (ans) {
        var it = ans && (ans.items || []).filter(function (x) { return x.code === code; })[0];
        if (it) { box.show(it); } else if (c.tagName === 'SELECT' && c.selectedIndex >= 0) {
          box.input.value = c.options[c.selectedIndex].text;
        } else { box.input.value = code; }
      });
    }
  };

  // Several staff units (协办单位): a select multiple hidden behind a search
  // box; each unit chosen is selected in it and listed below the box with a
  // button that removes it.
  var multi = function (c) {
    var src = word(c, 'src');
    var chosen = el('ul', { 'class': 'picker-chosen plain' });
    var draw = function () {
      chosen.textContent = '';
      Array.prototype.forEach.call(c.options, function (o) {
        if (!o.selected || !o.value) { return; }
        var li = el('li', { 'data-code': o.value }, o.text + ' ');
        var rm = el('button', { type: 'button', 'class': 'small', 'aria-label': word(c, 'remove') + ' ' + o.text }, '×');
        rm.addEventListener('click', function () {
          o.selected = false;
          c.dispatchEvent(new Event('change', { bubbles: true }));
          draw();
        });
        li.appendChild(rm);
        chosen.appendChild(li);
      });
    };
    var box = searchBox(wordsOf(c), src, {}, function (it) {
      if (!it) { return; }
      var o = Array.prototype.filter.call(c.options, function (x) { return x.value === it.code; })[0];
      if (!o) {
        o = el('option', { value: it.code }, labelOf(it));
        c.appendChild(o);
      }
      o.selected = true;
      c.dispatchEvent(new Event('change', { bubbles: true }));
      box.show(null);
      draw();
    });
    c.parentNode.insertBefore(box.wrap, c.nextSibling);
    c.parentNode.insertBefore(chosen, box.wrap.nextSibling);
    retarget(c, box.input);
    c.hidden = true;
    draw();
  };

  // The citizens' place: county → township → village, and a search.
  var cascade = function (c) {
    var src = word(c, 'src');
    var area = el('div', { 'class': 'picker-cascade' });
    var make = function (name) {
      var id = 'picker-' + (++seq);
      var label = el('label', { 'for': id }, word(c, name));
      style(label, { fontWeight: '400' });
      var sel = el('select', { id: id, 'data-level': name });
      area.appendChild(label);
      area.appendChild(sel);
      return sel;
    };
    var county = make('county'), township = make('township'), village = make('village');
    var fill = function (sel, items, first) {
      sel.textContent = '';
      sel.appendChild(el('option', { value: '' }, first));
      items.forEach(function (it) { sel.appendChild(el('option', { value: it.code }, it.name)); });
      sel.disabled = !items.length;
    };
    var load = function (sel, parent, first, then) {
      get(withQuery(src, { parent: parent }), function (ans) {
        fill(sel, (ans && ans.items) || [], first);
        if (then) { then(); }
      });
    };
    var items = {}; // what each code is, for the original's options
    var remember = function (sel) {
      return function () { Array.prototype.forEach.call(sel.options, function (o) { items[o.value] = { code: o.value, name: o.text }; }); };
    };
    // set makes the hidden control hold the place chosen (village, else
    // township, else none).
    var set = function () {
      var code = village.value || township.value;
      setSelect(c, code ? (items[code] || { code: code, name: code }) : null);
    };
    var choose = word(c, 'choose');
    var onCounty = function (then) {
      fill(village, [], choose);
      if (!county.value) { fill(township, [], choose); if (then) { then(); } return; }
      load(township, county.value, choose, function () { remember(township)(); if (then) { then(); } });
    };
    var onTownship = function (then) {
      if (!township.value) { fill(village, [], choose); if (then) { then(); } return; }
      load(village, township.value, word(c, 'village-none'), function () { remember(village)(); if (then) { then(); } });
    };
    county.addEventListener('change', function () { onCounty(); set(); box.show(null); });
    township.addEventListener('change', function () { onTownship(); set(); box.show(null); });
    village.addEventListener('change', function () { set(); box.show(null); });

    // to shows the place it (with its codes above, it.up) in the cascade.
    var to = function (it, done) {
      if (it.level === 'county') { county.value = it.code; onCounty(done); return; }
      var up = it.up || [];
      county.value = up[0] || '';
      onCounty(function () {
        township.value = it.level === 'township' ? it.code : (up[1] || '');
        onTownship(function () {
          village.value = it.level === 'village' ? it.code : '';
          if (done) { done(); }
        });
      });
    };
    var orLabel = style(el('span', { 'class': 'muted small' }, word(c, 'or')), { display: 'block', marginTop: '.5rem' });
    var box = searchBox(wordsOf(c), src, {}, function (it) {
      if (!it) { return; }
      items[it.code] = it;
      to(it, set);
      box.show(it);
    });
    area.appendChild(orLabel);
    area.appendChild(box.wrap);
    c.parentNode.insertBefore(area, c.nextSibling);
    retarget(c, county);
    c.hidden = true;
    fill(township, [], choose);
    fill(village, [], choose);
    load(county, undefined, choose, function () {
      var code = c.value;
      if (code) { // a form shown again: show where it was
        get(withQuery(src, { q: code, limit: 5 }), function (ans) {
          var it = ans && (ans.items || []).filter(function (x) { return x.code === code; })[0];
          if (it) { items[it.code] = it; to(it); }
        });
      } else if (county.options.length === 2) { // one county: no need to choose it
        county.value = county.options[1].value;
        onCounty();
      }
    });
  };

  Array.prototype.forEach.call(document.querySelectorAll('[data-picker]'), function (c) {
    if (!window.fetch) { return; }
    var kind = c.getAttribute('data-picker');
    if (kind === 'public-units') { cascade(c); } else if (kind === 'units-multi') { multi(c); } else { single(c); }
  });
}());
