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

  var form = document.getElementById('quick');
  if (!form || !window.indexedDB || !window.fetch) { return; }

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

  var outbox = document.getElementById('outbox');
  var outboxN = document.getElementById('outbox-n');
  var message = document.getElementById('m-message');
  var show = function (s) { message.textContent = s; message.hidden = false; };
  var count = function () {
    return all().then(function (items) {
      outboxN.textContent = String(items.length);
      outbox.hidden = items.length === 0;
      return items.length;
    });
  };
  var randomKey = function () {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  };

  // send posts one kept report. The idempotency key makes a report that
  // reached the server before the answer was lost come back as the same case.
  var send = function (item) {
    var fd = new FormData();
    item.fields.forEach(function (kv) { fd.append(kv[0], kv[1]); });
    if (item.photo) { fd.append('photos', item.photo, item.photoName || 'photo.jpg'); }
    return fetch('/m/report', {
      method: 'POST', body: fd, credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf }
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, ok: r.ok, body: j }; });
    }).then(function (res) {
      if (res.ok) {
        show(form.getAttribute('data-sent') + res.body.number);
        return del(item.key);
      }
      // A report the server refuses as it is (400, 413) is dropped with the
      // reason shown; one refused for the session (401, 403) or the rate
      // (429) or a fault (5xx) is kept and tried again later.
      if (res.status === 400 || res.status === 413) {
        show(form.getAttribute('data-failed') + ((res.body.error && res.body.error.message) || res.status));
        return del(item.key);
      }
      throw new Error('retry later: ' + res.status);
    });
  };

  var busy = null;
  var flush = function () {
    if (busy) { return busy; }
    busy = all().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () { return send(item); });
      }, Promise.resolve());
    })['catch'](function () { /* offline or refused: kept for later */ })
      .then(function () { busy = null; return count(); });
    return busy;
  };

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var fd = new FormData(form);
    var fields = [];
    fd.forEach(function (v, k) {
      if (k !== 'photos' && k !== 'csrf' && k !== 'key') { fields.push([k, v]); }
    });
    fields.push(['key', randomKey()]);
    var input = form.querySelector('input[type="file"]');
    var photo = input && input.files && input.files[0] ? input.files[0] : null;
    var item = { key: fields[fields.length - 1][1], fields: fields, photo: photo, photoName: photo ? photo.name : '', at: Date.now() };
    var lat = document.getElementById('m-lat').value, lng = document.getElementById('m-lng').value;
    put(item).then(function () {
      form.reset();
      document.getElementById('m-lat').value = lat;
      document.getElementById('m-lng').value = lng;
      return count();
    }).then(function () {
      if (!navigator.onLine) { show(form.getAttribute('data-queued')); return; }
      return flush().then(function (n) { if (n > 0) { show(form.getAttribute('data-queued')); } });
    });
  });

  window.addEventListener('online', function () { flush(); });
  setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);
  count().then(function (n) { if (n > 0 && navigator.onLine) { flush(); } });
}());
