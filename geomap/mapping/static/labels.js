/* geomap part "labels": place names on the map, placed without overlap. Larger places and
 * places whose evidence is recent win; the rest appear as you zoom in. The names of the
 * basemap's towns come last. Labels are DOM text in their own pane (legible over the
 * basemap, printed with the page); they are placed again in the animation frame after the
 * map moves or the date changes (~3 ms at 10,000 places in view), not within the step. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;
  var KIND_RANK = { city: 5, town: 4, camp: 3, district: 3, village: 2, neighbourhood: 1, site: 1 };
  var SIDES = [[1, 0], [-1, 0], [0, -1], [0, 1]]; // right of the marker, left, above, below

  kit.define("labels", function (app, options) {
    var map = app.map, maxLabels = options.maxLabels || 200, font = options.font || "600 12px system-ui, sans-serif";
    var height = options.height || 15, cell = 64, recentDays = options.recentDays || 7, maxTries = options.maxTries || 200;
    var pane = map.createPane("geomap-labels");
    pane.style.zIndex = 450; pane.style.pointerEvents = "none";
    var pool = [], shown = [], request = null;
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = font;
    var cities = ((app.basemap && app.basemap.features) || []).filter(function (f) {
      return f.properties.layer === "city" && f.properties.name && f.geometry && f.geometry.type === "Point";
    }).map(function (f) {
      return { name: f.properties.name, lat: f.geometry.coordinates[1], lon: f.geometry.coordinates[0], radius: 2, city: true, x: NaN, y: NaN };
    });

    function width(item) {
      if (item.labelWidth === undefined) { item.labelWidth = Math.ceil(measure.measureText(item.name).width) + 4; }
      return item.labelWidth;
    }
    // the candidates by rank (a place's size, and how recent its evidence is), best first;
    // only as many as the placing can use: ranks are counted first, then the places of the
    // ranks that make the cut are collected (no sort; the lists per rank are reused)
    var ranks = new Int8Array(app.places.length), counts = new Int32Array(32), citiesFor = null, lists = [];
    for (var r0 = 0; r0 < 32; r0++) { lists.push([]); }
    function candidates(lo, hi) {
      var places = app.places, day = app.day, staleDays = app.meta.staleDays, all = app.allDays, i, r;
      counts.fill(0);
      for (i = 0; i < places.length; i++) {
        var p = places[i], x = p.x, y = p.y;
        if (!p.style || p.hidden || p.kind === "region" || x < lo.x || x > hi.x || y < lo.y || y > hi.y) { ranks[i] = -1; continue; }
        var rank = KIND_RANK[p.kind] || 1, k = p.last; // restyle's key: idx*4 + stale + 2*today
        if (k >= 0) {
          var age = day - all[p.s0 + (k >> 2)];
          rank += age === 0 ? 9 : age <= recentDays ? 6 : age <= staleDays ? 3 : 0;
        }
        ranks[i] = rank; counts[rank]++;
      }
      var want = maxLabels + maxTries, cut = 0, total = 0;
      for (r = 31; r >= 0; r--) { total += counts[r]; if (total >= want) { cut = r; break; } }
      var out = [];
      for (r = 0; r < 32; r++) { lists[r].length = 0; }
      for (i = 0; i < places.length; i++) { if (ranks[i] >= cut) { lists[ranks[i]].push(places[i]); } }
      for (r = 31; r >= cut; r--) { for (var j = 0; j < lists[r].length; j++) { out.push(lists[r][j]); } }
      var view = map.getZoom() + "," + map.getPixelOrigin().x + "," + map.getPixelOrigin().y;
      for (i = 0; i < cities.length; i++) {
        var c = cities[i];
        if (citiesFor !== view) { var pt = map.latLngToLayerPoint([c.lat, c.lon]); c.x = pt.x; c.y = pt.y; }
        if (c.x >= lo.x && c.x <= hi.x && c.y >= lo.y && c.y <= hi.y) { out.push(c); }
      }
      citiesFor = view;
      return out;
    }

    // a grid of the boxes taken so far: a box is [x0, y0, x1, y1] in layer pixels
    function Grid() { this.cells = new Map(); }
    Grid.prototype.keys = function (b, fn) {
      for (var gx = Math.floor(b[0] / cell); gx <= Math.floor(b[2] / cell); gx++) {
        for (var gy = Math.floor(b[1] / cell); gy <= Math.floor(b[3] / cell); gy++) { if (fn(gx * 100003 + gy) === false) { return false; } }
      }
      return true;
    };
    Grid.prototype.free = function (b) {
      var cells = this.cells;
      return this.keys(b, function (key) {
        var list = cells.get(key);
        if (!list) { return true; }
        for (var i = 0; i < list.length; i++) {
          var o = list[i];
          if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) { return false; }
        }
        return true;
      });
    };
    Grid.prototype.take = function (b) {
      var cells = this.cells;
      this.keys(b, function (key) { var list = cells.get(key); if (!list) { cells.set(key, list = []); } list.push(b); });
    };

    // what labels must not cover: the map's controls (title, slider, legend, ...) and the
    // provinces' own name tags. The controls' boxes are measured again only after a resize
    // or a click or key in them (a panel opened): measuring forces a layout.
    var controlBoxes = null, regions = app.places.filter(function (p) { return p.kind === "region" && p.marker; });
    function dirtyControls() { controlBoxes = null; }
    function obstacles(grid, lo) {
      if (!controlBoxes) {
        var frame = map.getContainer().getBoundingClientRect();
        controlBoxes = [];
        map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
          var r = c.getBoundingClientRect();
          if (r.width && r.height) { controlBoxes.push([r.left - frame.left - 4, r.top - frame.top - 4, r.right - frame.left + 4, r.bottom - frame.top + 4]); }
        });
      }
      controlBoxes.forEach(function (b) { grid.take([lo.x + b[0], lo.y + b[1], lo.x + b[2], lo.y + b[3]]); });
      regions.forEach(function (p) {
        var tag = p.marker.getElement();
        if (!tag) { return; }
        if (!p.tagSize) { p.tagSize = [tag.offsetWidth / 2, tag.offsetHeight / 2]; }
        var at = map.latLngToLayerPoint([p.lat, p.lon]), w = p.tagSize[0], h = p.tagSize[1];
        grid.take([at.x - w, at.y - h, at.x + w, at.y + h]);
      });
    }

    // how far a label keeps from its place's centre: clear of the marker and its rings
    function clearance(p) {
      var s = p.style;
      return s.size + (s.ring ? 6 : 3) + (s.halo ? 6 : 0);
    }

    function place() {
      request = null;
      if (!app.day && app.day !== 0) { return; }
      app.renderer._project();
      var size = map.getSize(), lo = map.containerPointToLayerPoint([0, 0]), hi = map.containerPointToLayerPoint([size.x, size.y]);
      var grid = new Grid(), items = candidates(lo, hi), placed = [];
      obstacles(grid, lo);
      // a crowded view stops after maxTries names that found no room
      for (var i = 0, tries = 0; i < items.length && placed.length < maxLabels && tries < maxTries; i++) {
        var p = items[i], w = width(p), r = p.city ? 5 : clearance(p);
        var mark = [p.x - r + 2, p.y - r + 2, p.x + r - 2, p.y + r - 2];
        for (var s = 0; s < SIDES.length; s++) {
          var dx = SIDES[s][0], dy = SIDES[s][1];
          var x0 = dx > 0 ? p.x + r : dx < 0 ? p.x - r - w : p.x - w / 2;
          var y0 = dy > 0 ? p.y + r : dy < 0 ? p.y - r - height : p.y - height / 2;
          var box = [x0, y0, x0 + w, y0 + height];
          if (box[0] < lo.x || box[2] > hi.x || box[1] < lo.y || box[3] > hi.y) { continue; }
          if (grid.free(box) && grid.free(mark)) { grid.take(box); grid.take(mark); placed.push([p, box]); break; }
        }
        if (s === SIDES.length) { tries++; }
      }
      draw(placed);
    }
    function draw(placed) {
      for (var i = 0; i < placed.length; i++) {
        var node = pool[i];
        if (!node) { node = pool[i] = label(); pane.appendChild(node); }
        var p = placed[i][0], box = placed[i][1];
        if (node.textContent !== p.name) { node.textContent = p.name; }
        node.className = p.city ? "geomap-label geomap-city-label" : "geomap-label";
        // a place's name is a button: Tab reaches it, Enter opens its popup
        node.tabIndex = p.city ? -1 : 0;
        node.geomapPlace = p.city ? null : p;
        if (p.city) { node.removeAttribute("data-place"); node.setAttribute("aria-hidden", "true"); }
        else { node.setAttribute("data-place", p.id); node.removeAttribute("aria-hidden"); }
        node.style.transform = "translate(" + Math.round(box[0]) + "px," + Math.round(box[1]) + "px)";
        node.style.display = "";
      }
      for (; i < pool.length; i++) { pool[i].style.display = "none"; }
      shown = placed;
    }
    function label() {
      var node = el("button", "geomap-label");
      node.type = "button";
      L.DomEvent.on(node, "click", function (ev) {
        L.DomEvent.stop(ev);
        if (node.geomapPlace) { app.openPlace(node.geomapPlace, null, false, true); }
      });
      return node;
    }
    function schedule() { if (!request) { request = L.Util.requestAnimFrame(place); } }

    map.on("zoomstart", function () { pane.style.visibility = "hidden"; });
    map.on("zoomend", function () { pane.style.visibility = ""; });
    map.on("resize", function () { dirtyControls(); schedule(); });
    ["click", "keyup", "toggle"].forEach(function (type) {
      map.getContainer().addEventListener(type, function (ev) {
        if (ev.target && ev.target.closest && ev.target.closest(".leaflet-control")) { dirtyControls(); schedule(); }
      }, true);
    });
    return {
      day: schedule,
      view: schedule,
      // the names shown (ids, or the basemap's town names), placed first if a placing is due
      api: { labels: function () { if (request) { L.Util.cancelAnimFrame(request); place(); } return shown.map(function (s) { return s[0].city ? s[0].name : s[0].id; }); } }
    };
  });
})();
