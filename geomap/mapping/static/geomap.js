/* geomap runtime, core: draws places by who held them on the chosen date, opens their
 * popups, and starts the page's parts (slider.js, legend.js, labels.js, ...: see
 * geomapKit). Data arrives as a JSON block (script element "geomap-data") and is only ever
 * put into the page with textContent, never as HTML. Public handle: window.geomap. */
(function () {
  "use strict";
  var DAY_MS = 86400000;

  function isoOf(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function dayOf(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ""));
    if (!m) { return null; }
    var date = new Date(0);  // not Date.UTC, which reads the years 0-99 as 1900-1999
    date.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
    var t = date.getTime();
    return isNaN(t) ? null : Math.round(t / DAY_MS);
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function bisect(days, day) { // index of the last entry with days[i] <= day, or -1
    var lo = 0, hi = days.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (days[mid] <= day) { lo = mid + 1; } else { hi = mid; } }
    return lo - 1;
  }

  // Closed outlines end with a lineTo back to their start: with round caps and joins it
  // draws the same, and closePath costs ~1 us a call in Chromium's canvas recording.
  var TAU = Math.PI * 2, NO_DASH = [], BESIEGED_DASH = [2, 3], CONTESTED_DASH = [6, 3];
  // A marker's outline width, on the map and in the legend. A filled marker's solid outline
  // only sets it off (the fill carries the colour): 1 px, which the canvas strokes as a
  // hairline, ~10x cheaper to raster in software than 1.5 px. An outline that carries the
  // state (outline-only, dashed, dotted) keeps 1.5 px.
  function outlineWidth(filled, dashed) { return filled && !dashed ? 1 : 1.5; }
  var HEX = [0, 1, 2, 3, 4, 5, 6].map(function (i) { return [1.1 * Math.cos(Math.PI / 3 * i), 1.1 * Math.sin(Math.PI / 3 * i)]; });
  function shapePath(ctx, shape, x, y, s) {
    if (shape === "square") { ctx.rect(x - s * 0.9, y - s * 0.9, s * 1.8, s * 1.8); }
    else if (shape === "diamond") { ctx.moveTo(x, y - s * 1.25); ctx.lineTo(x + s * 1.25, y); ctx.lineTo(x, y + s * 1.25); ctx.lineTo(x - s * 1.25, y); ctx.lineTo(x, y - s * 1.25); }
    else if (shape === "triangle") { ctx.moveTo(x, y - s * 1.2); ctx.lineTo(x + s * 1.1, y + s * 0.8); ctx.lineTo(x - s * 1.1, y + s * 0.8); ctx.lineTo(x, y - s * 1.2); }
    else if (shape === "tent") { ctx.moveTo(x, y - s * 1.3); ctx.lineTo(x + s * 1.3, y + s * 0.9); ctx.lineTo(x - s * 1.3, y + s * 0.9); ctx.lineTo(x, y - s * 1.3); ctx.lineTo(x, y + s * 0.9); }
    else if (shape === "hexagon") { ctx.moveTo(x + s * HEX[0][0], y + s * HEX[0][1]); for (var i = 1; i < 7; i++) { ctx.lineTo(x + s * HEX[i][0], y + s * HEX[i][1]); } }
    else { ctx.moveTo(x + s, y); ctx.arc(x, y, s, 0, Math.PI * 2); }
  }

  // Draw the places in batches of identical look: one path, one fill and one stroke per
  // look, instead of Leaflet's fill-and-stroke per marker (10,000 places: ~190 ms -> ~10 ms
  // of script in software rendering; drawing sprites measured slower). Styles are shared
  // objects numbered by GeomapApp.styleOf, and styles that draw alike (they differ only in
  // the halo, say) share a look number, so grouping is by integer. Canvas state is set only
  // when it changes from one batch to the next. The canvas holds the places only (the held
  // area has its own, underneath).
  function batchDraw() {
    var ctx = this._ctx, app = this._geomapApp, looks = app.looks;
    var used = [], halos = [], i, k;
    ctx.save();
    // group the places' pixel positions by look, in reused typed arrays
    var places = app.places, n = places.length, xs = app.drawXs, ys = app.drawYs;
    if (!xs || xs.length < n) { xs = app.drawXs = new Float64Array(n); ys = app.drawYs = new Float64Array(n); }
    var count = app.drawCount || (app.drawCount = []), start = app.drawStart || (app.drawStart = []);
    for (i = 0; i < looks.length; i++) { count[i] = 0; }
    var ids = app.drawIds && app.drawIds.length >= n ? app.drawIds : (app.drawIds = new Int32Array(n));
    for (i = 0; i < n; i++) {
      var s = places[i].style;
      ids[i] = -1;
      if (!s || places[i].hidden) { continue; }
      ids[i] = s.look; count[s.look]++;
      if (s.halo) { halos.push(places[i]); }
    }
    var at = 0;
    for (i = 0; i < looks.length; i++) { start[i] = at; at += count[i]; if (count[i]) { used.push(i); } count[i] = start[i]; }
    for (i = 0; i < n; i++) {
      if (ids[i] < 0) { continue; }
      var slot = count[ids[i]]++;
      xs[slot] = places[i].x; ys[slot] = places[i].y;
    }
    // the canvas state last set (each setter call costs as much as drawing a place)
    var alpha = -1, width = -1, fill = null, stroke = null, cap = null, dash = null;
    ctx.lineJoin = "round";
    for (var g = 0; g < used.length; g++) {
      var o = looks[used[g]], from = start[used[g]], to = count[used[g]], sz = o.size, x, y;
      ctx.beginPath();
      if (o.shape === "diamond") {
        // a diamond is a square turned 45 degrees: one rect per place under a rotated transform
        // (path points are mapped by the transform current when they are added)
        var t = ctx.getTransform(), half = sz * 1.25 * Math.SQRT1_2;
        ctx.rotate(Math.PI / 4);
        for (k = from; k < to; k++) {
          ctx.rect((xs[k] + ys[k]) * Math.SQRT1_2 - half, (ys[k] - xs[k]) * Math.SQRT1_2 - half, 2 * half, 2 * half);
        }
        ctx.setTransform(t);
      } else if (o.shape === "square") {
        var side = sz * 1.8, off = sz * 0.9;
        for (k = from; k < to; k++) { ctx.rect(xs[k] - off, ys[k] - off, side, side); }
      } else if (o.shape === "circle") {
        for (k = from; k < to; k++) { x = xs[k]; y = ys[k]; ctx.moveTo(x + sz, y); ctx.arc(x, y, sz, 0, TAU); }
      } else {
        for (k = from; k < to; k++) { shapePath(ctx, o.shape, xs[k], ys[k], sz); }
      }
      if (o.fillOpacity > 0) {
        if (alpha !== o.fillOpacity) { ctx.globalAlpha = alpha = o.fillOpacity; }
        if (fill !== o.fillColor) { ctx.fillStyle = fill = o.fillColor; }
        ctx.fill();
      }
      // dashes have flat ends, as in the legend: round caps would add half the line's width
      // at each end of every dash and close the gaps (a "1,2" dotted outline looked solid)
      var lineDash = o.dash || NO_DASH, lineCap = o.dash ? "butt" : "round";
      if (dash !== lineDash) { ctx.setLineDash(dash = lineDash); }
      if (alpha !== o.opacity) { ctx.globalAlpha = alpha = o.opacity; }
      if (width !== o.weight) { ctx.lineWidth = width = o.weight; }
      if (stroke !== o.color) { ctx.strokeStyle = stroke = o.color; }
      if (cap !== lineCap) { ctx.lineCap = cap = lineCap; }
      ctx.stroke();
      if (o.ring) {
        ctx.beginPath();
        var rr = sz + 3.5;
        for (k = from; k < to; k++) { x = xs[k]; y = ys[k]; ctx.moveTo(x + rr, y); ctx.arc(x, y, rr, 0, TAU); }
        if (width !== 3) { ctx.lineWidth = width = 3; }
        if (stroke !== o.ring) { ctx.strokeStyle = stroke = o.ring; }
        if (cap !== "butt") { ctx.lineCap = cap = "butt"; }
        if (dash !== o.ringDash) { ctx.setLineDash(dash = o.ringDash); }
        ctx.stroke();
      }
    }
    if (halos.length) {
      ctx.beginPath();
      for (i = 0; i < halos.length; i++) {
        var hp = halos[i], hr = hp.style.size + 8; // outside a contested ring (size+2 to size+5)
        ctx.moveTo(hp.x + hr, hp.y); ctx.arc(hp.x, hp.y, hr, 0, TAU);
      }
      ctx.globalAlpha = 1; ctx.lineWidth = 2; ctx.strokeStyle = "#00a0ff"; ctx.lineCap = "round"; ctx.setLineDash(NO_DASH); ctx.stroke();
    }
    ctx.restore();
  }

  // The places (all but provinces) are drawn and hit-tested by one canvas layer, not one
  // Leaflet layer each: adding 10,000 markers cost ~150 ms, and every zoom re-projected each
  // through its own handlers. A place's pixel position (place.x, place.y) is computed for
  // the map's zoom and pixel origin when a draw finds them changed.
  var PlacesCanvas = L.Canvas.extend({
    initialize: function (app, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._geomapApp = app;
      this._projectedFor = null;
    },
    _draw: batchDraw,
    _updatePaths: function () {
      if (!this._postponeUpdatePaths) { this._redraw(); }
    },
    _redraw: function () {
      this._project();
      L.Canvas.prototype._redraw.call(this);
    },
    _project: function () {
      var map = this._map, origin = map.getPixelOrigin(), zoom = map.getZoom();
      var key = zoom + "," + origin.x + "," + origin.y;
      if (key === this._projectedFor) { return; }
      this._projectedFor = key;
      var places = this._geomapApp.places;
      for (var i = 0; i < places.length; i++) {
        var place = places[i], pt = map.latLngToLayerPoint([place.lat, place.lon]);
        place.x = pt.x; place.y = pt.y;
      }
    },
    // the place under a layer point: the nearest whose marker (with Leaflet's click
    // tolerance around it) contains the point, or null
    placeAt: function (point) {
      this._project();
      var places = this._geomapApp.places, best = null, bestD = Infinity, pad = 5 + 0.75 + this.options.tolerance;
      for (var i = 0; i < places.length; i++) {
        var place = places[i];
        if (!place.style || place.hidden) { continue; }
        var dx = place.x - point.x, dy = place.y - point.y, d = dx * dx + dy * dy, r = place.radius + pad;
        if (d <= r * r && d <= bestD) { best = place; bestD = d; }
      }
      return best;
    },
    _onClick: function (e) {
      var map = this._map;
      var place = e.type === "click" && !map._draggableMoved(map) ? this.placeAt(map.mouseEventToLayerPoint(e)) : null;
      this._fireEvent(false, e);
      if (place) { this._geomapApp.openPlace(place, map.mouseEventToLatLng(e)); }
    },
    // the pointer cursor over a place; checked at most every 32 ms, and once more after the
    // last move of a burst so that it never stays on where the mouse has left
    _handleMouseHover: function (e, point) {
      this._hoverPoint = point;
      if (this._mouseHoverThrottled) { return; }
      var over = this.placeAt(point) !== null;
      if (over !== !!this._overPlace) {
        if (over) { L.DomUtil.addClass(this._container, "leaflet-interactive"); } else { L.DomUtil.removeClass(this._container, "leaflet-interactive"); }
        this._overPlace = over;
      }
      this._mouseHoverThrottled = true;
      setTimeout(L.Util.bind(function () {
        this._mouseHoverThrottled = false;
        if (this._hoverPoint && this._hoverPoint !== point && this._map) { this._handleMouseHover(e, this._hoverPoint); }
      }, this), 32);
    },
    _handleMouseOut: function () {
      this._hoverPoint = null;
      if (this._overPlace) { L.DomUtil.removeClass(this._container, "leaflet-interactive"); this._overPlace = false; }
    }
  });

  // The parts of the page (slider, legend, labels, search, sources, held area, ...) live in
  // their own files. Each defines itself here (geomapKit.define) and is switched on, with its
  // options, by its plugin's script (geomapKit.use); the app starts them in that order. A
  // part returns hooks: day(day, changed) after each date change, view() after the map
  // moves, and api, functions added to window.geomap.
  var definitions = Object.create(null), used = [];
  window.geomapKit = {
    define: function (name, make) { definitions[name] = make; },
    use: function (name, options) { used.push([name, options || {}]); },
    el: el, isoOf: isoOf, dayOf: dayOf, bisect: bisect, shapePath: shapePath, outlineWidth: outlineWidth, DAY_MS: DAY_MS
  };

  function GeomapApp(map, data, basemap, columns) {
    this.map = map;
    this.data = data;
    this.meta = data.meta;
    this.actors = data.actors;
    this.str = data.str;
    this.day0 = dayOf(this.meta.first);
    this.decode(columns);
    this.renderer = new PlacesCanvas(this, { padding: 0.2, tolerance: 4 });
    this.styles = []; this.styleIds = new Int32Array(1 << 20).fill(-1);
    this.looks = []; this.lookIds = Object.create(null); this.dashes = Object.create(null);
    this.basemap = basemap;
    this.initialDay = null;
    this.fitPlaces();
    this.drawBasemap(basemap);
    this.drawPlaces();
    this.startParts();
    this.setDay(this.initialDay !== null ? this.initialDay : dayOf(this.meta.start));
  }

  GeomapApp.prototype.startParts = function () {
    var self = this;
    this.parts = []; this.api = {};
    used.forEach(function (use) {
      var make = definitions[use[0]];
      if (!make) { throw new Error("the page has no part named " + use[0]); }
      var hooks = make(self, use[1]) || {};
      hooks.name = use[0];
      self.parts.push(hooks);
      if (hooks.api) { Object.keys(hooks.api).forEach(function (k) { self.api[k] = hooks.api[k]; }); }
    });
    this.map.on("moveend", function () { self.emit("view"); });
  };

  // Call a hook of every part that has it, in the parts' order.
  GeomapApp.prototype.emit = function (hook, a, b) {
    for (var i = 0; i < this.parts.length; i++) { if (this.parts[i][hook]) { this.parts[i][hook](a, b); } }
  };

  // A part by name (null when the page was built without it).
  GeomapApp.prototype.part = function (name) {
    for (var i = 0; i < this.parts.length; i++) { if (this.parts[i].name === name) { return this.parts[i]; } }
    return null;
  };
  // A packed column: [type, base64(zlib(little-endian typed array))] -> Promise<TypedArray>.
  function inflate(spec) {
    var Type = { u1: Uint8Array, u2: Uint16Array, u4: Uint32Array }[spec[0]];
    var bytes;
    if (Uint8Array.fromBase64) { bytes = Uint8Array.fromBase64(spec[1]); } // Chromium 140+, Firefox 133+, Safari 18.2+
    else {
      var bin = atob(spec[1]);
      bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    }
    // a stream over the bytes themselves: a Blob's stream took ~40 ms longer for the
    // columns of a 10,000-place map
    var source = new ReadableStream({ start: function (c) { c.enqueue(bytes); c.close(); } });
    var stream = source.pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (buf) { return new Type(buf); });
  }

  function inflateAll(cols) {
    var names = Object.keys(cols).sort();
    return Promise.all(names.map(function (n) { return inflate(cols[n]); })).then(function (arrays) {
      var out = {};
      names.forEach(function (n, i) { out[n] = arrays[i]; });
      return out;
    });
  }

  // Unpack the columns. Only what the slider needs is computed here (each place's evidence
  // days, in one array); each place's 'since' days and event ranges wait for its first
  // popup or state query (placeDetail), which keeps a 10,000-place map quick to open.
  GeomapApp.prototype.decode = function (c) {
    var d = this.data, places = [], byId = {}, stateAt = 0, eventAt = 0, k;
    this.cols = c; this.claimStart = null; this.notes = null;
    var allDays = new Int32Array(c.s_day.length), sDay = c.s_day, sEvents = c.s_events;
    var minDay = Infinity, maxDay = -Infinity;
    for (var i = 0; i < d.places.length; i++) {
      var row = d.places[i], n = c.s_count[i], day = this.day0;
      for (k = stateAt; k < stateAt + n; k++) { day += sDay[k]; allDays[k] = day; }
      if (n) { minDay = Math.min(minDay, allDays[stateAt]); maxDay = Math.max(maxDay, day); }
      // x and y start as numbers that are not small integers: V8 then stores them as
      // doubles from the start, and the first projection does not migrate 10,000 objects
      // to a new shape (10,000 places: ~60 -> ~15 ms)
      var place = { index: i, id: row[0], name: row[1], lat: row[2], lon: row[3], kind: d.kinds[row[4]],
        kindIndex: row[4], s0: stateAt, n: n, e0: eventAt, spellings: row[5], days: null, codes: null, since: null, ev: null,
        last: -2, marker: null, style: null, x: NaN, y: NaN, radius: this.meta.radius[d.kinds[row[4]]] || 6 };
      for (k = stateAt; k < stateAt + n; k++) { eventAt += sEvents[k]; }
      stateAt += n;
      places.push(place); byId[place.id] = place;
    }
    this.places = places; this.byId = byId; this.allDays = allDays;
    // the days with evidence, in order: a bitmap over the campaign's span, not a sort
    var uniq = [];
    if (allDays.length) {
      var seen = new Uint8Array(maxDay - minDay + 1);
      for (k = 0; k < allDays.length; k++) { seen[allDays[k] - minDay] = 1; }
      for (k = 0; k < seen.length; k++) { if (seen[k]) { uniq.push(minDay + k); } }
    }
    this.eventDays = uniq;
    this.firstDay = dayOf(this.meta.first); this.lastDay = dayOf(this.meta.last);
  };

  // A place's evidence days and state codes (views of the columns), its 'since' days and the
  // range of its events per state, on first need: 20,000 views cost ~20 ms at the start.
  GeomapApp.prototype.placeDetail = function (place) {
    if (place.since) { return place; }
    var c = this.cols, n = place.n, since = new Int32Array(n), ev = new Int32Array(n + 1);
    place.days = this.allDays.subarray(place.s0, place.s0 + n);
    place.codes = c.s_code.subarray(place.s0, place.s0 + n);
    var eventAt = place.e0;
    for (var k = 0; k < n; k++) {
      since[k] = (place.codes[k] & 32768) || k === 0 ? place.days[k] : since[k - 1];
      ev[k] = eventAt; eventAt += c.s_events[place.s0 + k];
    }
    ev[n] = eventAt;
    place.since = since; place.ev = ev;
    return place;
  };

  // Each event's date as written and its conflict note, by event index, on the first popup.
  GeomapApp.prototype.eventNotes = function () {
    if (!this.notes) {
      this.notes = { date: new Map(this.data.eDate || []), conflict: new Map(this.data.eConflict || []) };
    }
    return this.notes;
  };

  // Where each event's claims start, on the first popup.
  GeomapApp.prototype.claims = function () {
    if (!this.claimStart) {
      var e = this.cols.e_claims, start = new Uint32Array(e.length + 1);
      for (var k = 0; k < e.length; k++) { start[k + 1] = start[k] + e[k]; }
      this.claimStart = start;
    }
    return this.claimStart;
  };

  // Where each place's unconfirmed claims start, and each claim's quotes, on first need.
  GeomapApp.prototype.unconfirmedIndex = function () {
    if (!this.uIndex) {
      var c = this.cols, places = new Uint32Array(c.u_count.length + 1), quotes = new Uint32Array(c.u_claims.length + 1), k;
      for (k = 0; k < c.u_count.length; k++) { places[k + 1] = places[k] + c.u_count[k]; }
      for (k = 0; k < c.u_claims.length; k++) { quotes[k + 1] = quotes[k] + c.u_claims[k]; }
      this.uIndex = { places: places, quotes: quotes, date: new Map(this.data.uDate || []) };
    }
    return this.uIndex;
  };

  // A place's unconfirmed claims (their indexes) dated on or before a day, oldest first.
  GeomapApp.prototype.unconfirmedAt = function (place, day) {
    var index = this.unconfirmedIndex(), u = this.cols.u_day, out = [];
    for (var k = index.places[place.index]; k < index.places[place.index + 1]; k++) {
      if (this.day0 + u[k] <= day) { out.push(k); }
    }
    return out;
  };

  // One unconfirmed claim as window.geomap.unconfirmed lists it, with every quote of it.
  GeomapApp.prototype.unconfirmedClaim = function (k) {
    var c = this.cols, d = this.data, index = this.unconfirmedIndex(), code = c.u_code[k], quotes = [];
    for (var j = index.quotes[k]; j < index.quotes[k + 1]; j++) {
      var art = d.a[c.u_article[j]] || [];
      quotes.push({ sentence: this.str[c.u_sentence[j]], when: this.str[c.u_when[j]], article: art[0] || null, outlet: art[1] || null, published: art[2] || null });
    }
    var first = quotes[0] || {};
    return {
      date: index.date.has(k) ? this.str[index.date.get(k)] : isoOf(this.day0 + c.u_day[k]),
      kind: this.meta.kinds[code & 7], precision: this.meta.precisions[(code >> 3) & 7],
      actor: this.actors[(code >> 6) & 7] || null, controller: this.actors[(code >> 9) & 7] || null,
      confidence: c.u_conf[k] / 100, sentence: first.sentence || "", outlet: first.outlet || null,
      article: first.article || null, quotes: quotes, code: code
    };
  };

  GeomapApp.prototype.stateCode = function (place, day) {
    this.placeDetail(place);
    var i = bisect(place.days, day);
    if (i < 0) { return null; }
    var c = place.codes[i];
    return { i: i, ctrl: c & 7, status: (c >> 3) & 7, challenger: (c >> 6) & 7, former: (c >> 9) & 7,
      approx: !!(c & 4096), inferred: !!(c & 8192), surrendered: !!(c & 16384),
      since: place.since[i], evidence: place.days[i] };
  };

  GeomapApp.prototype.style = function (place, st, day) {
    var m = this.meta, colors = m.colors, kind = place.kind;
    var radius = m.radius[kind] || 6;
    if (!st) {
      return { radius: radius, shape: kind === "camp" ? "tent" : "circle", color: "#777", weight: outlineWidth(false, false), fillColor: "#ffffff", fillOpacity: 0, opacity: 0.9, ring: null, halo: false, dashArray: null };
    }
    var actor = this.actors[st.ctrl], status = m.statuses[st.status];
    var stale = day - st.evidence > m.staleDays;
    var alpha = stale ? 0.35 : 1;
    var s = { radius: radius, shape: kind === "camp" ? "tent" : (m.shapes[actor] || "circle"), halo: st.evidence === day,
      color: "#222", opacity: alpha, fillOpacity: 0.9 * alpha, ring: null, ringDash: null, dashArray: null };
    if (!actor) { s.fillColor = "#ffffff"; s.fillOpacity = 0; s.color = "#777"; }
    else { s.fillColor = colors[actor]; }
    if (kind === "camp" && !actor) { s.color = "#555"; }
    if (status === "contested" || status === "besieged") {
      s.ring = colors[this.actors[st.challenger]] || "#999";
      s.ringDash = status === "besieged" ? BESIEGED_DASH : CONTESTED_DASH;
    }
    if (st.inferred || status === "lost") { s.dashArray = "3,3"; s.color = colors[this.actors[st.former]] || "#555"; }
    if (st.approx) { s.dashArray = s.dashArray || "1,2"; }
    s.weight = outlineWidth(s.fillOpacity > 0, !!s.dashArray);
    return s;
  };

  GeomapApp.prototype.drawBasemap = function (basemap) {
    this.regionShapes = {};
    if (!basemap || !basemap.features) { return; }
    var pane = this.map.createPane("geomap-basemap"); pane.style.zIndex = 350;
    var regionPane = this.map.createPane("geomap-regions"); regionPane.style.zIndex = 360;
    this.regionRenderer = L.svg({ pane: "geomap-regions" });
    var svg = L.svg({ pane: "geomap-basemap" }), shapes = this.regionShapes, names = [];
    var base = { type: "FeatureCollection", features: basemap.features.filter(function (f) {
      if (f.properties.layer === "region") { shapes[f.properties.place_id] = f; return false; }
      if (f.properties.layer === "label") { names.push(f); return false; }
      return true;
    }) };
    L.geoJSON(base, {
      pane: "geomap-basemap", renderer: svg, interactive: false,
      style: function (f) {
        var layer = f.properties.layer;
        if (layer === "river") { return { color: "#4a90c8", weight: f.properties.main ? 2.5 : 1.6, opacity: 0.9 }; }
        if (layer === "border") { return { color: "#666", weight: 1.2, dashArray: "6,4", opacity: 0.9 }; }
        if (layer === "coast") { return { color: "#5b87b0", weight: 1, opacity: 0.9 }; }
        if (layer === "lake") { return { color: "#4a90c8", weight: 0.8, opacity: 0.9, fillColor: "#a8cbe8", fillOpacity: 0.6 }; }
        if (layer === "admin1") { return { color: "#999", weight: 0.8, dashArray: "2,3", opacity: 0.8 }; }
        if (layer === "user") { return { color: "#8a6d3b", weight: 1.4, opacity: 0.9, fillColor: "#8a6d3b", fillOpacity: 0.08 }; }
        return { color: "#888", weight: 1 };
      },
      pointToLayer: function (f, latlng) {
        var dot = L.circleMarker(latlng, { radius: 2, color: "#555", weight: 1, fillColor: "#555", fillOpacity: 1, renderer: svg, pane: "geomap-basemap", interactive: false });
        return dot;
      }
    }).addTo(this.map);
    this.drawBasemapNames(names);
    this.creditBasemap((basemap.properties || {}).credits || []);
  };

  // Rivers' and provinces' names, under the places (the basemap's pane), as text.
  GeomapApp.prototype.drawBasemapNames = function (names) {
    for (var i = 0; i < names.length; i++) {
      var f = names[i], text = document.createElement("span");
      text.textContent = f.properties.name;
      var icon = L.divIcon({ className: "geomap-basemap-name geomap-" + f.properties.kind + "-name", html: text.outerHTML, iconSize: null });
      L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], { icon: icon, pane: "geomap-basemap", interactive: false, keyboard: false }).addTo(this.map);
    }
  };

  // The basemap's sources in the map's attribution corner (as text: a layer's words are not HTML).
  GeomapApp.prototype.creditBasemap = function (credits) {
    if (!credits.length || !this.map.attributionControl) { return; }
    var box = document.createElement("div");
    box.textContent = "Basemap: " + credits.join("; ");
    this.map.attributionControl.addAttribution(box.innerHTML);
  };

  // One popup for the whole map, opened by a click on any place: on the places' canvas
  // (PlacesCanvas.placeAt) or on a province's outline or label, whose events reach one
  // shared parent. 10,000 markers with a popup each would cost a second to open the page.
  GeomapApp.prototype.drawPlaces = function () {
    var self = this, parent = new L.Evented();
    this.placePopup = L.popup({ maxWidth: 420, minWidth: 260, className: "geomap-popup" });
    this.popupPlace = null;
    // Escape in a popup closes it, and the focus returns to the name it was opened from
    L.DomEvent.on(this.map.getContainer(), "keydown", function (ev) {
      var inside = ev.target && ev.target.closest && ev.target.closest(".geomap-popup");
      if (ev.key !== "Escape" || !inside) { return; }
      var back = self.popupReturn;
      self.map.closePopup();
      if (back && back.focus && document.contains(back)) { back.focus({ preventScroll: true }); }
    });
    parent.on("click", function (e) {
      var layer = e.propagatedFrom || e.layer;
      if (layer && layer._geomapPlace) { self.openPlace(layer._geomapPlace, e.latlng); }
    });
    for (var i = 0; i < this.places.length; i++) {
      var place = this.places[i];
      if (place.kind !== "region") { continue; }
      var shape = this.regionShapes[place.id];
      if (shape) {
        place.outline = L.geoJSON(shape, { pane: "geomap-regions", renderer: this.regionRenderer,
          style: { color: "#777", weight: 2, dashArray: "4,4", fillOpacity: 0 } });
        place.outline.eachLayer(function (layer) { layer._geomapPlace = place; layer.addEventParent(parent); });
        place.outline.addTo(this.map);
      }
      place.marker = L.marker([place.lat, place.lon], { icon: L.divIcon({ className: "geomap-region-label", html: "", iconSize: null }), keyboard: false });
      place.marker.on("add", (function (p) { return function () { var e = p.marker.getElement(); if (e) { e.textContent = p.name; } }; })(place));
      place.marker._geomapPlace = place;
      place.marker.addEventParent(parent);
      place.marker.addTo(this.map);
    }
    this.renderer.addTo(this.map);
  };

  // The first view frames every place with evidence. It is set before anything is drawn and
  // without animation: an animated zoom after the markers were added projected and drew
  // them twice (10,000 places: ~0.5 s more before the map settled).
  // The corners are found here, not by Leaflet from a list of 10,000 points (~20 ms).
  GeomapApp.prototype.fitPlaces = function () {
    var south = Infinity, west = Infinity, north = -Infinity, east = -Infinity;
    for (var i = 0; i < this.places.length; i++) {
      var place = this.places[i];
      if (place.kind === "region" || !place.n) { continue; }
      south = Math.min(south, place.lat); north = Math.max(north, place.lat);
      west = Math.min(west, place.lon); east = Math.max(east, place.lon);
    }
    if (south <= north) { this.map.fitBounds([[south, west], [north, east]], { padding: [40, 40], maxZoom: 10, animate: false }); }
  };

  // The popup fits the screen: no wider than the map less a margin, and panned clear of the
  // controls in the corners (title and zoom above, slider below); not panned when keepView
  // (a link's view is shown as it was recorded).
  // With byKeyboard, the focus moves into the popup (Escape closes it and returns there).
  GeomapApp.prototype.openPlace = function (place, latlng, keepView, byKeyboard) {
    var map = this.map, size = map.getSize(), options = this.placePopup.options;
    options.maxWidth = Math.min(420, size.x - 40);
    options.minWidth = Math.min(260, options.maxWidth);
    var top = 10, bottom = 10, frame = map.getContainer().getBoundingClientRect();
    var corners = map.getContainer().querySelectorAll(".leaflet-top .leaflet-control, .leaflet-bottom .leaflet-control");
    for (var i = 0; i < corners.length; i++) {
      var r = corners[i].getBoundingClientRect();
      if (!r.height || r.width > size.x * 0.75 && r.top > frame.top + size.y / 2) { continue; }
      if (r.top < frame.top + size.y / 2) { top = Math.max(top, r.bottom - frame.top + 10); }
      else { bottom = Math.max(bottom, frame.bottom - r.top + 10); }
    }
    var slider = map.getContainer().querySelector(".geomap-slider");
    if (slider) { bottom = Math.max(bottom, frame.bottom - slider.getBoundingClientRect().top + 10); }
    top = Math.min(top, size.y / 3); bottom = Math.min(bottom, size.y / 3);
    options.autoPanPaddingTopLeft = L.point(10, top);
    options.autoPanPaddingBottomRight = L.point(10, bottom);
    options.maxHeight = Math.max(120, Math.min(480, Math.round(size.y - top - bottom - 60)));
    options.autoPan = !keepView;
    this.popupPlace = place;
    var from = byKeyboard ? document.activeElement : null;
    this.placePopup.setLatLng(latlng || [place.lat, place.lon]).setContent(this.popup(place)).openOn(map);
    this.popupReturn = from;
    if (byKeyboard) {
      var content = this.placePopup.getElement().querySelector(".geomap-pop");
      content.tabIndex = -1; content.focus({ preventScroll: true });
    }
  };

  // The shared style object for a place's state on a day. A style depends on the place's
  // kind, the state's controller, status, challenger, former holder, approx and inferred
  // bits (the low 14 bits of its code), staleness and whether the evidence is of that day.
  GeomapApp.prototype.styleOf = function (place, idx, stale, today, day) {
    var code = idx >= 0 ? this.cols.s_code[place.s0 + idx] & 16383 : 16384;
    var key = ((code * 8 + place.kindIndex) * 2 + (stale ? 1 : 0)) * 2 + (today ? 1 : 0);
    var id = this.styleIds[key];
    if (id >= 0) { return this.styles[id]; }
    var s = this.style(place, this.stateCode(place, day), day);
    s.id = this.styles.length;
    s.size = Math.max(Math.round(s.radius), 1);
    s.dash = s.dashArray ? (this.dashes[s.dashArray] || (this.dashes[s.dashArray] = s.dashArray.split(",").map(Number))) : null;
    // styles that draw alike share a look (and its dash arrays, so the draw can compare them)
    var lookKey = [s.shape, s.size, s.fillColor, s.fillOpacity, s.color, s.opacity, s.weight, s.dashArray, s.ring, s.ringDash].join("|");
    var look = this.lookIds[lookKey];
    if (look === undefined) { look = this.lookIds[lookKey] = this.looks.length; this.looks.push(s); }
    s.look = look;
    this.styles.push(s); this.styleIds[key] = s.id;
    return s;
  };

  GeomapApp.prototype.restyle = function (day) {
    // Places whose state changed get a new shared style; the canvas then redraws once.
    // Calling setStyle per marker would schedule thousands of partial redraws on a big jump.
    // The binary search runs inline over one array of every place's evidence days.
    var changed = [], dirty = false, staleDays = this.meta.staleDays, places = this.places;
    var all = this.allDays;
    for (var i = 0; i < places.length; i++) {
      var place = places[i], s0 = place.s0, lo = s0, hi = s0 + place.n;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (all[mid] <= day) { lo = mid + 1; } else { hi = mid; } }
      var idx = lo - 1 - s0, evidence = lo > s0 ? all[lo - 1] : 0;
      var stale = idx >= 0 && day - evidence > staleDays;
      var today = idx >= 0 && evidence === day;
      var key = idx * 4 + (stale ? 1 : 0) + (today ? 2 : 0);
      if (today) { changed.push(place.id); }
      if (key === place.last) { continue; }
      place.last = key;
      if (place.kind === "region") { this.styleRegion(place, this.stateCode(place, day)); continue; }
      var s = this.styleOf(place, idx, stale, today, day);
      if (s !== place.style) { place.style = s; dirty = true; }
    }
    this.needsRedraw = this.needsRedraw || dirty;
    return changed;
  };

  GeomapApp.prototype.redrawAll = function () {
    var r = this.renderer;
    if (!r._map) { return; }
    if (!r._redrawRequest) { r._redrawRequest = L.Util.requestAnimFrame(r._redraw, r); }
  };

  // A province is an outline, never filled with a side's colour: statements about a whole
  // province ('battles across Deir ez-Zor') do not mean one side holds all of it. Its state
  // is in its popup; the outline only turns darker while the province is reported fought over.
  GeomapApp.prototype.styleRegion = function (place, st) {
    var status = st ? this.meta.statuses[st.status] : "unknown";
    var fought = status === "contested" || status === "besieged";
    if (place.outline) {
      place.outline.setStyle({ color: fought ? "#444" : "#888", weight: fought ? 2.5 : 1.5,
        dashArray: "6,5", fillOpacity: 0 });
    }
  };

  GeomapApp.prototype.describe = function (place, day) {
    var st = this.stateCode(place, day), m = this.meta;
    if (!st) { return { controller: null, status: "no information", since: null, challenger: null, approximate: false, inferred: false, stale: false, lastEvidence: null }; }
    return {
      controller: this.actors[st.ctrl] || null, status: m.statuses[st.status], since: isoOf(st.since),
      challenger: this.actors[st.challenger] || null, former: this.actors[st.former] || null,
      approximate: st.approx, inferred: st.inferred, surrendered: st.surrendered,
      stale: day - st.evidence > m.staleDays, lastEvidence: isoOf(st.evidence)
    };
  };

  GeomapApp.prototype.label = function (actor) { return actor ? (this.meta.labels[actor] || actor) : "unknown"; };

  GeomapApp.prototype.popup = function (place) {
    var self = this, d = this.data, day = this.day, root = el("div", "geomap-pop");
    root.setAttribute("data-place", place.id);
    root.appendChild(el("div", "geomap-pop-title", place.name));
    if (place.spellings) { root.appendChild(el("div", "geomap-pop-alt", "Also: " + place.spellings.split("|").join(", "))); }
    var st = this.describe(place, day);
    var now = el("div", "geomap-pop-now");
    var text = st.controller ? "Held by " + this.label(st.controller) : (st.former ? "No longer held by " + this.label(st.former) : "No information");
    if (st.status === "contested" || st.status === "besieged") { text += " \u2014 " + st.status + (st.challenger ? " by " + this.label(st.challenger) : ""); }
    if (st.since) { text += " (since " + st.since + (st.approximate ? ", approximate" : "") + ")"; }
    if (st.inferred) { text += " [inferred]"; }
    if (st.stale) { text += " \u2014 latest evidence " + st.lastEvidence + ", over " + this.meta.staleDays + " days old"; }
    now.textContent = "On " + isoOf(day) + ": " + text;
    root.appendChild(now);
    this.placeDetail(place);
    var first = place.ev[0], last = place.ev[place.ev.length - 1];
    if (last > first) {
      root.appendChild(el("div", "geomap-pop-head", "Control history"));
      var list = el("ol", "geomap-pop-history");
      for (var s = 0; s < place.days.length; s++) {
        for (var k = place.ev[s]; k < place.ev[s + 1]; k++) { list.appendChild(this.eventItem(k, place.days[s], day)); }
      }
      root.appendChild(list);
    }
    this.appendUnconfirmed(root, place, day);
    var mentions = (d.m && d.m[place.index]) || [];
    var shown = [];
    for (var i = 0; i < mentions.length; i += 4) {
      var art = d.a[mentions[i]];
      if (dayOf(art[2]) <= day) { shown.push(i); }
    }
    shown.sort(function (x, y) { return dayOf(d.a[mentions[y]][2]) - dayOf(d.a[mentions[x]][2]) || x - y; });
    if (shown.length) {
      root.appendChild(el("div", "geomap-pop-head", "What the articles report (to " + isoOf(day) + ")"));
      var ul = el("ul", "geomap-pop-mentions");
      shown.forEach(function (i) {
        var art = d.a[mentions[i]], li = el("li");
        var figs = mentions[i + 3] >= 0 ? self.str[mentions[i + 3]] : "";
        if (figs) { li.appendChild(el("div", "geomap-figures", figs)); }
        li.appendChild(el("q", null, self.str[mentions[i + 2]]));
        li.appendChild(el("div", "geomap-src", "\u2014 " + (art[1] || art[0]) + ", " + art[2]));
        ul.appendChild(li);
      });
      root.appendChild(ul);
    }
    return root;
  };

  // "2018-12-14 (day) captured by <side>": an event's code and date as a line of text.
  GeomapApp.prototype.eventHead = function (code, date) {
    var kind = this.meta.kinds[code & 7], precision = this.meta.precisions[(code >> 3) & 7];
    var actor = this.actors[(code >> 6) & 7], ctrl = this.actors[(code >> 9) & 7];
    var head = date + " (" + precision + ") " + kind;
    if (kind === "captured") { head += " by " + this.label(actor); }
    else if (kind === "held") { head += " by " + this.label(ctrl); }
    else if (kind === "withdrew") { head += ": " + this.label(actor) + " no longer holds it"; }
    else if (kind === "surrendered") { head += ": " + this.label(actor); }
    else { head += " (" + this.label(actor) + " against " + this.label(ctrl) + ")"; }
    if ((code >> 12) & 1) { head += " [inferred]"; }
    return head;
  };

  GeomapApp.prototype.eventItem = function (k, eventDay, day) {
    var d = this.data, c = this.cols, code = c.e_code[k];
    var li = el("li", "geomap-ev");
    var notes = this.eventNotes(), date = notes.date.has(k) ? this.str[notes.date.get(k)] : isoOf(eventDay);
    if (eventDay > day) { li.className += " geomap-future"; }
    li.appendChild(el("div", "geomap-ev-head", this.eventHead(code, date)));
    var conflict = notes.conflict.has(k);
    var quotes = el("div", "geomap-claims" + (conflict ? " geomap-conflict" : ""));
    if (conflict) { quotes.appendChild(el("div", "geomap-conflict-note", "Sources disagree: " + this.str[notes.conflict.get(k)])); }
    var claimStart = this.claims();
    for (var j = claimStart[k]; j < claimStart[k + 1]; j++) {
      var art = d.a[c.c_article[j]], block = el("div", "geomap-claim"), sentence = this.str[c.c_sentence[j]];
      if (sentence) { block.appendChild(el("q", null, sentence)); }
      var when = this.str[c.c_when[j]];
      if (art) { block.appendChild(el("div", "geomap-src", "\u2014 " + (art[1] || art[0]) + ", " + art[2] + (when ? " (\u201c" + when + "\u201d)" : ""))); }
      this.reviewMark(block, j);
      quotes.appendChild(block);
    }
    li.appendChild(quotes);
    return li;
  };

  // The popup's "Unconfirmed claims": what the articles claim below the threshold, quoted,
  // never drawn. Article text goes in with textContent only (el).
  GeomapApp.prototype.appendUnconfirmed = function (root, place, day) {
    var claims = this.unconfirmedAt(place, day);
    if (!claims.length) { return; }
    root.appendChild(el("div", "geomap-pop-head", "Unconfirmed claims (to " + isoOf(day) + ")"));
    root.appendChild(el("div", "geomap-unconfirmed-note", "Below confidence " + this.meta.minConfidence + ": listed here, not used for the place's colour."));
    var list = el("ul", "geomap-pop-unconfirmed");
    for (var i = 0; i < claims.length; i++) {
      var claim = this.unconfirmedClaim(claims[i]), li = el("li", "geomap-unconfirmed");
      li.appendChild(el("div", "geomap-ev-head", this.eventHead(claim.code, claim.date) + " \u2014 confidence " + claim.confidence.toFixed(2)));
      claim.quotes.forEach(function (quote) {
        var block = el("div", "geomap-claim");
        if (quote.sentence) { block.appendChild(el("q", null, quote.sentence)); }
        var source = [quote.outlet || quote.article, quote.published].filter(Boolean).join(", ");
        if (quote.when) { source += " (\u201c" + quote.when + "\u201d)"; }
        if (quote.article) { source += " \u00B7 " + quote.article; }
        if (source) { block.appendChild(el("div", "geomap-src", "\u2014 " + source)); }
        li.appendChild(block);
      });
      list.appendChild(li);
    }
    root.appendChild(list);
  };

  // --- Review marks (geomap review): data.review is null unless an analyst's reviews were read.
  GeomapApp.prototype.reviewMarks = function () {
    if (!this.reviewByClaim) { this.reviewByClaim = new Map((this.data.review && this.data.review.marks) || []); }
    return this.reviewByClaim;
  };
  // A popup's claim: "reviewed" or "corrected by an analyst".
  GeomapApp.prototype.reviewMark = function (block, claimIndex) {
    var code = this.reviewMarks().get(claimIndex);
    if (code) { block.appendChild(el("span", "geomap-review geomap-review-" + (code === 2 ? "corrected" : "accepted"), code === 2 ? "\u270E corrected by an analyst" : "\u2713 reviewed")); }
  };
  // The sources panel's article: how many of its claims behind the colours were reviewed.
  GeomapApp.prototype.sourceReview = function (item, articleIndex) {
    var r = this.data.review;
    if (!r) { return; }
    if (!this.reviewByArticle) { this.reviewByArticle = new Map(r.articles.map(function (a) { return [a[0], a]; })); }
    var a = this.reviewByArticle.get(articleIndex);
    if (a) { item.appendChild(el("div", "geomap-source-review", "Reviewed: " + a[1] + " of " + a[2] + " claims on the map")); }
  };
  // The legend's line: how much of what colours the map an analyst reviewed.
  GeomapApp.prototype.reviewLegendLine = function (box) {
    var r = this.data.review;
    if (!r) { return; }
    var share = r.claims ? Math.round(100 * r.reviewed / r.claims) : 0;
    box.appendChild(el("div", "geomap-legend-note geomap-legend-review", "Reviewed by an analyst: " + r.reviewed + " of " + r.claims + " claims behind the colours (" + share + " %" + (r.corrected ? ", " + r.corrected + " corrected" : "") + ")" + (r.reviewedOnly ? "; only reviewed claims colour." : ".")));
  };

  GeomapApp.prototype.setDay = function (day) {
    if (day === null || day === undefined || isNaN(day)) { return false; }
    this.day = day;
    var changed = this.restyle(day);
    if (this.needsRedraw) { this.redrawAll(); this.needsRedraw = false; }
    this.changed = changed;
    this.emit("day", day, changed);
    if (this.popupPlace && this.placePopup.isOpen()) { this.placePopup.setContent(this.popup(this.popupPlace)); }
    return true;
  };

  window.geomapInit = function (map, dataId, basemapId, legendId) {
    var t0 = performance.now();
    var data = JSON.parse(document.getElementById(dataId).textContent);
    var legendNode = legendId && document.getElementById(legendId);
    if (legendNode) { data.meta.legend = JSON.parse(legendNode.textContent); }
    var basemapNode = document.getElementById(basemapId);
    var basemap = basemapNode ? JSON.parse(basemapNode.textContent) : null;
    return inflateAll(data.cols).then(function (columns) {
      var app = new GeomapApp(map, data, basemap, columns);
      var handle = {
        version: data.meta.version,
        readyMs: 0,
        first: data.meta.axisStart,
        last: data.meta.axisEnd,
        setDate: function (iso) { var day = dayOf(iso); if (day === null) { throw new Error("setDate expects YYYY-MM-DD, got " + iso); } return app.setDay(day); },
        date: function () { return isoOf(app.day); },
        state: function (id) { var p = app.byId[id]; return p ? app.describe(p, app.day) : null; },
        select: function (id) { var p = app.byId[id]; if (!p) { return false; } app.openPlace(p); return true; },
        places: function () { return app.places.map(function (p) { return p.id; }); },
        placeLatLng: function (id) { var p = app.byId[id]; return p ? [p.lat, p.lon] : null; },
        unconfirmed: function (id) {
          var p = app.byId[id];
          if (!p) { return null; }
          return app.unconfirmedAt(p, app.day).map(function (k) {
            var c = app.unconfirmedClaim(k);
            return { date: c.date, kind: c.kind, actor: c.actor, controller: c.controller, confidence: c.confidence, sentence: c.sentence, outlet: c.outlet, article: c.article };
          });
        },
        review: function () { var r = data.review; return r ? { claims: r.claims, reviewed: r.reviewed, corrected: r.corrected, reviewedOnly: r.reviewedOnly } : null; },
        flush: function () { var r = app.renderer; if (r._redrawRequest) { L.Util.cancelAnimFrame(r._redrawRequest); r._redrawRequest = null; r._redraw(); } app.emit("flush"); },
        map: map
      };
      Object.keys(app.api).forEach(function (k) { handle[k] = app.api[k]; });
      handle.readyMs = performance.now() - t0;
      window.geomap = handle;
      document.dispatchEvent(new CustomEvent("geomap:ready"));
      return app;
    }).catch(function (error) {
      var box = document.createElement("div");
      box.className = "geomap-error";
      box.textContent = "This map could not start: " + error + " (it needs a browser from 2023 or later).";
      document.body.appendChild(box);
      throw error;
    });
  };
})();