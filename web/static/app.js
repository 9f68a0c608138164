// pingan — the little script the pages use: the device's position for a
// report, no double submission of forms, and the grid worker's outbox,
// which keeps quick reports in the browser (IndexedDB) while the phone is
// offline and sends them when the connection returns. Every page works
// without it.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf"]');
  var csrf = meta ? meta.getAttribute('content') : '';

  // Position buttons: data-geo, with data-geo-lat / data-geo-lng naming
  // the inputs (lat and lng by default) and data-geo-status a line to tell
  // how it went.
  Array.prototype.forEach.call(document.querySelectorAll('[data-geo]'), function (b) {
    var lat = document.getElementById(b.getAttribute('data-geo-lat') || 'lat');
    var lng = document.getElementById(b.getAttribute('data-geo-lng') || 'lng');
    var status = document.getElementById(b.getAttribute('data-geo-status') || '');
    var say = function (s) { if (status) { status.textContent = s; } };
    var locate = function () {
      if (!navigator.geolocation) { say(b.getAttribute('data-geo-fail') || '✕'); return; }
      say(b.getAttribute('data-geo-wait') || '…');
      navigator.geolocation.getCurrentPosition(function (p) {
        lat.value = p.coords.latitude.toFixed(6);
        lng.value = p.coords.longitude.toFixed(6);
        lat.dispatchEvent(new Event('change'));
        say(lat.value + ', ' + lng.value + ' (±' + Math.round(p.coords.accuracy) + ' m)');
      }, function () {
        say(b.getAttribute('data-geo-fail') || '✕');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    };
    b.addEventListener('click', locate);
    if (b.hasAttribute('data-geo-auto') && !lat.value) { locate(); }
  });

  // Position picked on a grid map: a box with data-pick holding the map
  // (svg.pick, which carries its projection), data-pick-lat / -lng naming
  // the inputs and data-pick-status a line that names the grid under the
  // position. A click or tap fills the inputs; typed coordinates move the
  // marker. Where the case goes is still the server's to decide.
  var SVGNS = 'http://www.w3.org/2000/svg';
  Array.prototype.forEach.call(document.querySelectorAll('[data-pick]'), function (box) {
    var svg = box.querySelector('svg.pick');
    if (!svg || !svg.createSVGPoint || !svg.getScreenCTM) { return; }
    var lat = document.getElementById(box.getAttribute('data-pick-lat') || 'lat');
    var lng = document.getElementById(box.getAttribute('data-pick-lng') || 'lng');
    var status = document.getElementById(box.getAttribute('data-pick-status') || '');
    var num = function (a) { return parseFloat(svg.getAttribute(a)); };
    var lng0 = num('data-lng0'), lat0 = num('data-lat0'), kx = num('data-kx'), ky = num('data-ky');
    var pin = null, picked = null;
    var say = function (s) { if (status) { status.textContent = s; } };
    // gridAt answers the grid (its g[data-grid]) whose polygon holds the
    // point of the map, or null.
    var gridAt = function (x, y) {
      var groups = svg.querySelectorAll('g[data-grid]');
      for (var i = 0; i < groups.length; i++) {
        var polys = groups[i].querySelectorAll('polygon');
        for (var j = 0; j < polys.length; j++) {
          var p = svg.createSVGPoint();
          p.x = x; p.y = y;
          if (polys[j].isPointInFill(p)) { return groups[i]; }
        }
      }
      return null;
    };
    var mark = function (x, y) {
      if (!pin) {
        pin = document.createElementNS(SVGNS, 'circle');
        pin.setAttribute('class', 'pin');
        pin.setAttribute('r', '6');
        pin.id = svg.id ? svg.id + '-pin' : '';
        svg.appendChild(pin);
      }
      pin.setAttribute('cx', x.toFixed(1));
      pin.setAttribute('cy', y.toFixed(1));
      var g = gridAt(x, y);
      if (picked) { picked.classList.remove('picked'); }
      picked = g;
      if (g) {
        g.classList.add('picked');
        say(box.getAttribute('data-pick-in') + g.getAttribute('data-name') + ' (' + g.getAttribute('data-grid') + ')');
        box.setAttribute('data-picked', g.getAttribute('data-grid'));
      } else {
        say(box.getAttribute('data-pick-none'));
        box.setAttribute('data-picked', '');
      }
    };
    var unmark = function () {
      if (pin) { svg.removeChild(pin); pin = null; }
      if (picked) { picked.classList.remove('picked'); picked = null; }
      box.removeAttribute('data-picked');
      say(box.getAttribute('data-pick-hint') || '');
    };
    svg.addEventListener('click', function (e) {
      e.preventDefault();
      var p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      var q = p.matrixTransform(svg.getScreenCTM().inverse());
      lat.value = (lat0 - q.y / ky).toFixed(6);
      lng.value = (lng0 + q.x / kx).toFixed(6);
      mark(q.x, q.y);
    });
    var typed = function () {
      var la = parseFloat(lat.value), ln = parseFloat(lng.value);
      if (isNaN(la) || isNaN(ln)) { unmark(); return; }
      mark((ln - lng0) * kx, (lat0 - la) * ky);
    };
    [lat, lng].forEach(function (x) {
      x.addEventListener('input', typed);
      x.addEventListener('change', typed);
    });
    if (lat.value && lng.value) { typed(); }
  });

  // No double submission: a submitted form's buttons wait for the answer.
  Array.prototype.forEach.call(document.querySelectorAll('form[method="post"]'), function (f) {
    if (f.id === 'quick') { return; }
    f.addEventListener('submit', function () {
      setTimeout(function () {
        Array.prototype.forEach.call(f.querySelectorAll('button[type="submit"]'), function (x) { x.disabled = true; });
      }, 0);
    });
  });

  // Signing out forgets the phone page kept for use offline (static/sw.js),
  // so that the next person on the phone does not open it.
  Array.prototype.forEach.call(document.querySelectorAll('form[action="/logout"]'), function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.caches) { return; }
      e.preventDefault();
      var go = function () { f.submit(); };
      caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf('pingan-m-') === 0; })
          .map(function (k) { return caches['delete'](k); }));
      }).then(go, go);
    });
  });

  var form = document.getElementById('quick');
  if (!form) { return; }
  // The phone page opens without signal once it has been visited.
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register('/m/sw.js', { scope: '/m' })['catch'](function () { /* the page works without */ });
  }
  if (!window.indexedDB || !window.fetch || !window.Promise) { return; }

  var DB = 'pingan-outbox', STORE = 'reports';
  var openDB = function () {
    return new Promise(function (resolve, reject) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: 'key' }); };
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  };
  // run runs fn over the store in one transaction and answers the result
  // of the request fn returns.
  var run = function (mode, fn) {
    return openDB().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  };
  var all = function () { return run('readonly', function (s) { return s.getAll(); }); };
  var put = function (item) { return run('readwrite', function (s) { return s.put(item); }); };
  var del = function (key) { return run('readwrite', function (s) { return s['delete'](key); }); };

  // The outbox holds each report as {key, user, fields, photo, photoName,
  // at, state, error}: state 'pending' waits for the connection, 'refused'
  // the server refused as it is (error is the error of its JSON answer) and
  // waits for the worker to correct it. A report is sent only under the
  // account that wrote it.
  var user = form.getAttribute('data-user') || '';
  var mine = function (item) { return !item.user || item.user === user; };
  var words = function (name, n) { return (form.getAttribute('data-' + name) || '').replace('{n}', String(n)); };

  var outbox = document.getElementById('outbox');
  var outboxN = document.getElementById('outbox-n');
  var message = document.getElementById('m-message');
  var errorBox = document.getElementById('m-error');
  var refusedBox = document.getElementById('refused');
  var refusedList = document.getElementById('refused-list');
  var refusedN = document.getElementById('refused-n');
  var keyInput = form.elements.key;
  var submit = document.getElementById('m-submit');
  var photoInput = document.getElementById('m-photo');
  var photoKept = document.getElementById('m-photo-kept');
  var latInput = document.getElementById('m-lat'), lngInput = document.getElementById('m-lng');
  // places are the error lines of the form: data-for names the fields
  // whose errors each shows, data-control the control it marks.
  var places = Array.prototype.slice.call(form.querySelectorAll('[data-for]'));
  // keptPhoto is the photo of the refused report being corrected, sent
  // again unless another is chosen.
  var keptPhoto = null;

  // The petition's registration (信访登记) is shown and sent for a petition
  // category only (data-cats: their codes); for another its fields are
  // turned off, so that their defaults are not sent with it.
  var petCard = document.getElementById('m-petition');
  var petFields = document.getElementById('m-petition-fields');
  var catSelect = document.getElementById('m-category');
  var petitionKind = function () {
    if (!petCard || !petFields) { return; }
    var v = catSelect.value;
    var on = v !== '' && (' ' + petCard.getAttribute('data-cats') + ' ').indexOf(' ' + v + ' ') >= 0;
    petCard.hidden = !on;
    petFields.disabled = !on;
    if (on) { petCard.open = true; }
  };
  catSelect.addEventListener('change', petitionKind);
  petitionKind();
  // rowFor adds empty rows to the table whose fields are named as name
  // (data-rows: prefix.N.field) until the form has a control of that name.
  var rowFor = function (name) {
    Array.prototype.forEach.call(form.querySelectorAll('[data-rows]'), function (box) {
      var prefix = box.getAttribute('data-rows');
      var add = document.querySelector('[data-add-row="' + box.id + '"]');
      if (name.indexOf(prefix) !== 0 || !add) { return; }
      for (var i = 0; i < 10 && !form.elements[name]; i++) { add.click(); }
    });
  };

  // show says s (a line, or lines) above the form; '' hides it.
  var show = function (s) {
    message.textContent = '';
    [].concat(s).forEach(function (line, i) {
      if (i) { message.appendChild(document.createElement('br')); }
      message.appendChild(document.createTextNode(line));
    });
    message.hidden = !message.textContent;
  };
  var el = function (tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) { x.className = cls; }
    if (text) { x.textContent = text; }
    return x;
  };
  var randomKey = function () {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  };
  var valueOf = function (item, name) {
    for (var i = 0; i < item.fields.length; i++) {
      if (item.fields[i][0] === name) { return item.fields[i][1]; }
    }
    return '';
  };

  // clearMarks takes every mark of a refusal off the form.
  var clearMarks = function () {
    places.forEach(function (p) {
      p.textContent = '';
      p.hidden = true;
      var c = document.getElementById(p.getAttribute('data-control'));
      if (c) { c.removeAttribute('aria-invalid'); c.removeAttribute('aria-describedby'); }
    });
    errorBox.textContent = '';
    errorBox.hidden = true;
  };

  // mark shows a refusal on the form: each field's message at its place,
  // the control marked; what has no place, above the form.
  var mark = function (err) {
    clearMarks();
    var fields = (err && err.fields) || {};
    var other = [];
    Object.keys(fields).sort().forEach(function (f) {
      var at = null;
      places.forEach(function (p) {
        if ((' ' + p.getAttribute('data-for') + ' ').indexOf(' ' + f + ' ') >= 0) { at = p; }
      });
      if (!at) { other.push(fields[f]); return; }
      at.textContent = at.textContent ? at.textContent + ' · ' + fields[f] : fields[f];
      at.hidden = false;
      var c = document.getElementById(at.getAttribute('data-control'));
      if (c) { c.setAttribute('aria-invalid', 'true'); c.setAttribute('aria-describedby', at.id); }
    });
    var above = (other.length || !Object.keys(fields).length) ? [err && err.message].concat(other) : [];
    above.forEach(function (s) { if (s) { errorBox.appendChild(el('p', '', s)); } });
    errorBox.hidden = !errorBox.firstChild;
    var first = form.querySelector('[aria-invalid="true"]');
    if (first) { first.focus(); } else if (!errorBox.hidden) { errorBox.scrollIntoView(); }
  };

  // reason answers a refusal in one line, for the list of refused reports:
  // each field's message after the label of the control at its place.
  var reason = function (err) {
    var f = (err && err.fields) || {};
    var parts = Object.keys(f).sort().map(function (k) {
      var label = '';
      places.forEach(function (p) {
        if ((' ' + p.getAttribute('data-for') + ' ').indexOf(' ' + k + ' ') < 0) { return; }
        var c = document.getElementById(p.getAttribute('data-control'));
        var l = c && form.querySelector('label[for="' + c.id + '"]');
        label = l ? l.textContent.trim() : (c ? c.textContent.trim() : '');
      });
      return label ? form.getAttribute('data-field').replace('{f}', label).replace('{m}', f[k]) : f[k];
    });
    if (!parts.length && err && err.message) { parts.push(err.message); }
    return parts.join(' · ');
  };

  var categoryName = function (code) {
    var opts = document.getElementById('m-category').options;
    for (var i = 0; i < opts.length; i++) {
      if (code && opts[i].value === code) { return opts[i].textContent.trim(); }
    }
    return '';
  };

  // refresh shows the outbox: how many reports wait, and the refused ones
  // but the one being corrected in the form. It answers how many wait.
  var refresh = function () {
    return all().then(function (items) {
      items = items.filter(mine).sort(function (a, b) { return a.at - b.at; });
      var pending = items.filter(function (x) { return x.state !== 'refused'; });
      var refused = items.filter(function (x) { return x.state === 'refused' && x.key !== keyInput.value; });
      outboxN.textContent = String(pending.length);
      outbox.hidden = pending.length === 0;
      refusedN.textContent = String(refused.length);
      refusedBox.hidden = refused.length === 0;
      while (refusedList.firstChild) { refusedList.removeChild(refusedList.firstChild); }
      refused.forEach(function (item) {
        var li = el('li', 'refused');
        li.setAttribute('data-key', item.key);
        var what = valueOf(item, 'description');
        li.appendChild(el('p', 't', what ? (what.length > 40 ? what.slice(0, 40) + '…' : what) : refusedBox.getAttribute('data-none')));
        var cat = categoryName(valueOf(item, 'category'));
        if (cat) { li.appendChild(el('p', 'muted small', cat)); }
        li.appendChild(el('p', 'field-error', reason(item.error)));
        var edit = el('button', 'edit', refusedBox.getAttribute('data-edit'));
        edit.type = 'button';
        edit.addEventListener('click', function () { correct(item); });
        var drop = el('button', 'drop', refusedBox.getAttribute('data-drop'));
        drop.type = 'button';
        drop.addEventListener('click', function () { del(item.key).then(refresh); });
        var p = el('p', '');
        p.appendChild(edit);
        p.appendChild(document.createTextNode(' '));
        p.appendChild(drop);
        li.appendChild(p);
        refusedList.appendChild(li);
      });
      return pending.length;
    });
  };

  // empty clears the form after its report was sent or kept, keeping the
  // position for the next report.
  var empty = function () {
    var lat = latInput.value, lng = lngInput.value;
    form.reset();
    clearMarks();
    keyInput.value = '';
    keptPhoto = null;
    photoKept.hidden = true;
    latInput.value = lat;
    lngInput.value = lng;
    petitionKind();
  };

  // correct puts a refused report back into the form, its fields marked.
  var correct = function (item) {
    form.reset();
    catSelect.value = valueOf(item, 'category');
    petitionKind();
    item.fields.forEach(function (kv) {
      if (!form.elements[kv[0]]) { rowFor(kv[0]); }
      var x = form.elements[kv[0]];
      if (!x || kv[0] === 'csrf' || kv[0] === 'key' || !x.tagName) { return; }
      if (x.type === 'checkbox') { x.checked = true; } else { x.value = kv[1]; }
    });
    keyInput.value = item.key;
    petitionKind();
    keptPhoto = item.photo || null;
    photoKept.hidden = !keptPhoto;
    latInput.dispatchEvent(new Event('change'));
    show(form.getAttribute('data-editing'));
    form.scrollIntoView();
    mark(item.error);
    return refresh();
  };
  photoInput.addEventListener('change', function () {
    if (photoInput.files && photoInput.files.length) { keptPhoto = null; photoKept.hidden = true; }
  });

  // token answers whether the session has a new anti-forgery token (the
  // page may be a copy kept from an earlier session): 'new', 'same' or
  // 'signedout'.
  var token = function () {
    return fetch('/m', { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (!r.ok || r.redirected) { return 'signedout'; }
      return r.text().then(function (t) {
        var m = new DOMParser().parseFromString(t, 'text/html').querySelector('meta[name="csrf"]');
        var fresh = m ? m.getAttribute('content') : '';
        if (!fresh) { return 'signedout'; }
        if (fresh === csrf) { return 'same'; }
        csrf = fresh;
        return 'new';
      });
    });
  };

  // deliver posts one report and answers what became of it: {sent, body},
  // {refused, error} (kept so, with the reason), {later} (kept to send
  // again: a fault, the rate) or {signin}. It rejects when the network
  // fails. The idempotency key makes a report that reached the server
  // before the answer was lost come back as the same case.
  var deliver = function (item, again) {
    var fd = new FormData();
    item.fields.forEach(function (kv) { if (kv[0] !== 'key') { fd.append(kv[0], kv[1]); } });
    fd.append('key', item.key);
    if (item.photo) { fd.append('photos', item.photo, item.photoName || 'photo.jpg'); }
    return fetch('/m/report', {
      method: 'POST', body: fd, credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf }
    }).then(function (r) {
      return r.json().then(function (j) { return j; }, function () { return {}; })
        .then(function (j) { return { status: r.status, ok: r.ok, body: j || {} }; });
    }).then(function (res) {
      if (res.ok) {
        return del(item.key).then(function () { return { sent: true, body: res.body }; });
      }
      if (res.status === 400 || res.status === 413) {
        item.state = 'refused';
        item.error = res.body.error || { message: words('refused-status', res.status) };
        return put(item).then(function () { return { refused: true, error: item.error }; });
      }
      if ((res.status === 401 || res.status === 403) && !again) {
        return token().then(function (t) {
          if (t === 'new') { return deliver(item, true); }
          return t === 'signedout' ? { signin: true } : { later: true };
        });
      }
      return { later: true };
    });
  };

  // flush sends the reports that wait, one after the other, and says what
  // became of them.
  var busy = null;
  var flush = function () {
    if (busy) { return busy; }
    var sent = [], refused = 0, signin = false;
    busy = all().then(function (items) {
      items = items.filter(function (x) { return mine(x) && x.state !== 'refused' && x.key !== keyInput.value; });
      return items.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) { return true; }
          return deliver(item).then(function (r) {
            if (r.sent) { sent.push(r.body.number); }
            if (r.refused) { refused++; }
            signin = signin || !!r.signin;
            return !!r.signin;
          });
        });
      }, Promise.resolve(false));
    })['catch'](function () { /* offline: kept for later */ })
      .then(function () {
        busy = null;
        var lines = [];
        if (sent.length) { lines.push(words('flushed', sent.length) + form.getAttribute('data-sent') + sent.join(', ')); }
        if (refused) { lines.push(words('refused', refused)); }
        if (signin) { lines.push(form.getAttribute('data-signin')); }
        if (lines.length) { show(lines); }
        return refresh();
      });
    return busy;
  };

  var sending = false;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (sending) { return; }
    clearMarks();
    var fields = [];
    new FormData(form).forEach(function (v, k) {
      if (k !== 'photos' && k !== 'csrf' && k !== 'key') { fields.push([k, v]); }
    });
    var photo = photoInput.files && photoInput.files[0] ? photoInput.files[0] : keptPhoto;
    if (!keyInput.value) { keyInput.value = randomKey(); }
    var item = { key: keyInput.value, user: user, fields: fields, photo: photo, photoName: photo ? photo.name || 'photo.jpg' : '',
      at: Date.now(), state: 'pending' };
    var queued = function () {
      item.state = 'pending';
      delete item.error;
      return put(item).then(function () { empty(); show(form.getAttribute('data-queued')); });
    };
    if (!navigator.onLine) { queued().then(refresh); return; }
    sending = true;
    submit.disabled = true;
    // Kept before it goes, in case the page closes before the answer.
    put(item).then(function () { return deliver(item); }).then(function (r) {
      if (r.sent) { empty(); show(form.getAttribute('data-sent') + r.body.number); return; }
      if (r.refused) { show(''); mark(r.error); return; }
      empty();
      show(r.signin ? form.getAttribute('data-signin') : form.getAttribute('data-queued'));
    }, queued).then(function () {
      sending = false;
      submit.disabled = false;
      return refresh();
    });
  });

  window.addEventListener('online', function () { flush(); });
  setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);
  refresh().then(function (n) { if (n > 0 && navigator.onLine) { flush(); } });
}());

// The inspection form of a key site (site_inspect.html): a failed item's
// photo, note and 重大隐患 box show when 不合格 is chosen.
(function () {
  'use strict';
  document.querySelectorAll('input[data-fail]').forEach(function (r) {
    r.addEventListener('change', function () {
      var box = document.getElementById(r.getAttribute('data-fail'));
      if (box) { box.hidden = r.value !== 'fail'; }
    });
  });
}());

// A form that asks before it is sent (data-confirm, e.g. revoking a key):
// no inline handler, which the Content-Security-Policy refuses.
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (f instanceof HTMLFormElement && f.hasAttribute('data-confirm') && !window.confirm(f.getAttribute('data-confirm'))) {
      ev.preventDefault();
    }
  });
}());
