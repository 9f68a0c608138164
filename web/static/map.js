// The grid map on the tiles of the map under the grids (底图): for each
// element with data-map (web/gridmap.go) a Leaflet map with the tile layer
// (and its annotation layer) under the grid polygons, with zoom and pan.
// The grids come as GeoJSON in data-grids; each is coloured as the SVG
// beside it colours it (by its class, from the stylesheet), links where the
// SVG links and says in its tooltip what the SVG says. Without Leaflet,
// or when anything goes wrong, the SVG stays.
(function () {
  'use strict';

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // fillOf answers the fill the stylesheet gives a polygon of class cls in
  // svg, or a grey.
  function fillOf(svg, cls, cache) {
    if (cache[cls]) return cache[cls];
    var fill = '#9aa5b1';
    var p = svg && svg.querySelector('polygon.' + CSS.escape(cls));
    if (p) {
      var f = getComputedStyle(p).fill;
      if (f && f !== 'none') fill = f;
    }
    cache[cls] = fill;
    return fill;
  }

  function tileOptions(el, maxZoom, attribution) {
    var o = { maxZoom: maxZoom, attribution: attribution };
    var subs = el.dataset.subdomains;
    if (subs) o.subdomains = subs.split(',');
    return o;
  }

  function build(el) {
    var grids = JSON.parse(el.dataset.grids || '{}');
    if (!grids.features || !grids.features.length) return;
    var svg = el.querySelector('svg');
    var maxZoom = parseInt(el.dataset.maxZoom, 10) || 18;
    var host = document.createElement('div');
    host.className = 'leaflet-host';
    host.setAttribute('role', 'region');
    host.setAttribute('aria-label', el.getAttribute('aria-label') || '');
    host.style.height = '460px';
    host.style.width = '100%';
    el.insertBefore(host, el.firstChild);

    var map = L.map(host, { maxZoom: maxZoom, zoomSnap: 0.5 });
    var attribution = el.dataset.attribution ? escapeHTML(el.dataset.attribution) : '';
    L.tileLayer(el.dataset.tiles, tileOptions(el, maxZoom, attribution)).addTo(map);
    if (el.dataset.annotation) {
      L.tileLayer(el.dataset.annotation, tileOptions(el, maxZoom, '')).addTo(map);
    }
    var fills = {};
    var layer = L.geoJSON(grids, {
      style: function (f) {
        var cls = f.properties.class || '';
        return {
          color: '#1f4e8c', weight: 1.5, opacity: 0.9,
          fillColor: fillOf(svg, cls, fills), fillOpacity: 0.55,
          className: 'grid ' + cls
        };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip(p.tip || p.name || '', { sticky: true });
        if (p.href) {
          l.on('click', function () { window.location.href = p.href; });
        }
        l.on('add', function () {
          var path = l.getElement && l.getElement();
          if (path) {
            path.setAttribute('data-grid', p.code);
            if (p.href) path.setAttribute('role', 'link');
            path.setAttribute('aria-label', p.tip || p.name || '');
          }
        });
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    if (svg) svg.style.display = 'none';
    el.classList.add('tiled');
  }

  function init() {
    if (typeof L === 'undefined') return;
    var maps = document.querySelectorAll('[data-map]');
    for (var i = 0; i < maps.length; i++) {
      try {
        build(maps[i]);
      } catch (e) {
        // The SVG stays, shown as without script.
        var host = maps[i].querySelector('.leaflet-host');
        if (host) host.remove();
        var svg = maps[i].querySelector('svg');
        if (svg) svg.style.display = '';
      }
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
