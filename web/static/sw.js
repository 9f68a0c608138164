// pingan — the service worker of the grid worker's phone page (/m). It
// keeps the page and the assets it needs on the phone, so that a worker
// who opens the page without signal can still write a report: app.js keeps
// it in the outbox and sends it when the connection returns.
//
// Network first: online, every request goes to the server as without this
// worker, and a good answer replaces the copy kept; offline, the copy is
// answered. Only the page as the signed-in worker sees it is kept: a page
// that redirects (signed out) drops the copy. Nothing else is touched —
// reports (POST) and every other page go to the network.
'use strict';

var CACHE = 'pingan-m-1';
var PAGE = '/m';
// ASSETS are what the page loads (web/templates/layout.html, mobile.html).
var ASSETS = ['/static/app.css', '/static/app.js', '/static/mediation.js'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(ASSETS).then(function () {
      // The page of the visit that registered the worker, so that the
      // next visit opens offline.
      return fetch(PAGE, { credentials: 'same-origin', redirect: 'manual' }).then(function (r) {
        if (r.ok && r.type === 'basic') { return c.put(PAGE, r); }
      }, function () { /* offline now: kept on the next visit */ });
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf('pingan-m-') === 0 && k !== CACHE;
    }).map(function (k) { return caches['delete'](k); }));
  }).then(function () { return self.clients.claim(); }));
});

// kept answers the name under which a request's answer is kept, or ''.
var kept = function (req) {
  if (req.method !== 'GET') { return ''; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return ''; }
  if (url.pathname === PAGE || ASSETS.indexOf(url.pathname) >= 0) { return url.pathname; }
  return '';
};

self.addEventListener('fetch', function (e) {
  var key = kept(e.request);
  if (!key) { return; }
  e.respondWith(fetch(e.request).then(function (res) {
    var search = new URL(e.request.url).search;
    if (key === PAGE && (res.type === 'opaqueredirect' || res.redirected)) {
      // Signed out: the worker's page is not kept for whoever comes next.
      caches.open(CACHE).then(function (c) { return c['delete'](PAGE); });
    } else if (res.ok && res.type === 'basic' && !(key === PAGE && search)) {
      // A page with a query (?sent=…) carries a one-time notice.
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put(key, copy); });
    }
    return res;
  }, function (err) {
    return caches.open(CACHE).then(function (c) { return c.match(key); }).then(function (r) {
      if (r) { return r; }
      throw err;
    });
  }));
});
