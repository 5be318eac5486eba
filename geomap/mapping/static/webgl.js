/* geomap part "webgl": the places drawn by WebGL, for maps of many places (the page holds
 * this part only above a number of places: `geomap build --webgl-above N`). Each place is
 * one point sprite in one buffer, drawn by one call. The sprites come from an atlas in which
 * the canvas layer's own drawing (geomap.js batchDraw) drew each look once: the same shapes,
 * colours, outlines, dashes and rings, pixel for pixel. Places are grouped by look in the
 * canvas layer's order, and the blue rings of the places that changed on the date come last,
 * so markers stack as they do there. Projecting, picking (click, pointer) and popups stay the
 * canvas layer's. Where the browser has no WebGL (or loses its context), the canvas layer
 * draws. The places' state lives in typed arrays (typedPlaces) and a slider step of a few
 * days visits only the places it can change (typedRestyle). In software rendering a WebGL
 * frame of 100,000 places is fill-bound: its cost is the sprites' pixels (BENCHMARKS.md). */
(function () {
  "use strict";
  var kit = window.geomapKit;

  var VERTEX = [
    "attribute vec4 aPlace;", // layer x, y (px), the sprite's cell in the atlas, half its side (px)
    "uniform vec2 uOrigin;", // the canvas's top left, in layer px
    "uniform vec2 uSize;", // the canvas's size, in CSS px
    "uniform float uRatio;", // device pixels per CSS pixel
    "uniform float uColumns;", // the atlas's cells per row
    "uniform float uCell;", // a cell's side, in CSS px
    "varying vec2 vCorner;", // the sprite's top left in the atlas, in CSS px
    "varying float vSide;", // the sprite's side, in CSS px
    "void main() {",
    "  vec2 px = aPlace.xy - uOrigin;",
    "  gl_Position = vec4(px.x / uSize.x * 2.0 - 1.0, 1.0 - px.y / uSize.y * 2.0, 0.0, 1.0);",
    "  gl_PointSize = 2.0 * aPlace.w * uRatio;",
    "  float row = floor(aPlace.z / uColumns), column = aPlace.z - row * uColumns;",
    "  vCorner = (vec2(column, row) + 0.5) * uCell - aPlace.w;",
    "  vSide = 2.0 * aPlace.w;",
    "}"
  ].join("\n");

  // Each fragment is one texel of the sprite's cell: the marker as the canvas layer drew it.
  var FRAGMENT = [
    "precision mediump float;",
    "uniform sampler2D uAtlas;",
    "uniform vec2 uAtlasSize;", // in CSS px
    "varying vec2 vCorner;",
    "varying float vSide;",
    "void main() { gl_FragColor = texture2D(uAtlas, (vCorner + gl_PointCoord * vSide) / uAtlasSize); }"
  ].join("\n");

  // how far each shape reaches from its centre, in sizes (a square's corner, a tent's foot)
  var REACH = { circle: 1, square: 1.28, diamond: 1.25, triangle: 1.37, hexagon: 1.1, tent: 1.59 };
  var COLUMNS = 32;
  // Half a sprite's side: the marker, its outline and its ring, and their antialiased edge.
  // In software rendering a frame of many places costs its sprites' pixels: no more.
  function extentOf(look) {
    var reach = (REACH[look.shape] || 1.6) * look.size + (look.weight || 1) / 2;
    return Math.ceil(Math.max(reach, look.ring ? look.size + 5 : 0) + 0.5);
  }
  // Half the side of a changed place's blue ring (drawn at size + 8, 2 px wide).
  function haloExtentOf(size) { return Math.ceil(size + 9.5); }

  function compile(gl, type, source) {
    var shader = gl.createShader(type);
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) { throw new Error(gl.getShaderInfoLog(shader)); }
    return shader;
  }

  // A WebGL context and the program, or null where the browser has none.
  function makeGL(canvas) {
    var gl = null;
    try {
      gl = canvas.getContext("webgl", { alpha: true, premultipliedAlpha: true, antialias: false, depth: false, stencil: false, preserveDrawingBuffer: false });
    } catch (error) { gl = null; }
    if (!gl) { return null; }
    // a changed city's ring needs sprites of ~40 CSS px; a GPU whose points are smaller
    // would cut them off: the canvas layer draws there
    if (gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE)[1] < 48 * (window.devicePixelRatio || 1)) { return null; }
    var program = gl.createProgram();
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) { throw new Error(gl.getProgramInfoLog(program)); }
    gl.useProgram(program);
    var at = {};
    ["uOrigin", "uSize", "uRatio", "uColumns", "uCell", "uAtlas", "uAtlasSize"].forEach(function (name) { at[name] = gl.getUniformLocation(program, name); });
    at.aPlace = gl.getAttribLocation(program, "aPlace");
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.enableVertexAttribArray(at.aPlace);
    gl.vertexAttribPointer(at.aPlace, 4, gl.FLOAT, false, 0, 0);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER].forEach(function (k) { gl.texParameteri(gl.TEXTURE_2D, k, gl.NEAREST); });
    [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T].forEach(function (k) { gl.texParameteri(gl.TEXTURE_2D, k, gl.CLAMP_TO_EDGE); });
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
    gl.uniform1i(at.uAtlas, 0);
    gl.uniform1f(at.uColumns, COLUMNS);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA); // premultiplied colours, painted over
    gl.clearColor(0, 0, 0, 0);
    return { gl: gl, at: at };
  }

  // The methods that make the canvas layer (PlacesCanvas in geomap.js) draw with WebGL.
  var GLDrawing = {
    initialize: function (app, options, canvas, context, drawCanvas) {
      this.constructor.__super__.initialize.call(this, app, options);
      this._glCanvas = canvas;
      this._glContext = context;
      this._drawCanvas = drawCanvas; // the canvas layer's batchDraw: it draws the atlas
      this._atlasLooks = -1; this._extent = []; this._cellOf = []; this._haloCell = Object.create(null);
    },
    _initContainer: function () {
      var container = this._container = this._glCanvas;
      L.DomUtil.addClass(container, "geomap-webgl");
      L.DomEvent.on(container, "mousemove", this._onMouseMove, this);
      L.DomEvent.on(container, "click dblclick mousedown mouseup contextmenu", this._onClick, this);
      L.DomEvent.on(container, "mouseout", this._handleMouseOut, this);
      container._leaflet_disable_events = true;
    },
    _destroyContainer: function () {
      L.Util.cancelAnimFrame(this._redrawRequest);
      L.DomUtil.remove(this._container);
      L.DomEvent.off(this._container);
      delete this._container;
    },
    _ratio: function () { return window.devicePixelRatio || 1; },
    _update: function () {
      if (this._map._animatingZoom && this._bounds) { return; }
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), ratio = this._ratio(), container = this._container;
      L.DomUtil.setPosition(container, b.min);
      container.width = Math.round(ratio * size.x); container.height = Math.round(ratio * size.y);
      container.style.width = size.x + "px"; container.style.height = size.y + "px";
      var gl = this._glContext.gl, at = this._glContext.at;
      gl.viewport(0, 0, container.width, container.height);
      gl.uniform2f(at.uOrigin, b.min.x, b.min.y);
      gl.uniform2f(at.uSize, size.x, size.y);
      gl.uniform1f(at.uRatio, container.width / size.x);
      if (this._atlasRatio !== ratio) { this._atlasLooks = -1; } // a screen of another density
      this.fire("update");
    },
    _clear: function () {
      var gl = this._glContext.gl;
      gl.clear(gl.COLOR_BUFFER_BIT);
    },
    // The atlas: every look drawn once, each in its cell, by the canvas layer's own drawing
    // (so the sprites are its markers, pixel for pixel), and one cell per size of the blue
    // 'changed' ring. Restyling makes new looks as new dates are shown: only those are drawn,
    // in the next free cells, and only their rows are sent to the texture (drawing and
    // sending the whole atlas again took 10-25 ms of each such step at 100,000 places). The
    // whole atlas is drawn again when a look needs a bigger cell, the free cells run out, or
    // the screen's density changes.
    _drawAtlas: function () {
      var looks = this._geomapApp.looks, ratio = this._ratio(), i, k;
      if (this._atlasLooks === looks.length && this._atlasRatio === ratio) { return; }
      var whole = this._atlasRatio !== ratio || this._atlasLooks < 0, from = whole ? 0 : this._atlasLooks;
      var cell = this._cell || 0, sizes = [], size;
      for (i = from; i < looks.length; i++) {
        this._extent[i] = extentOf(looks[i]);
        cell = Math.max(cell, 2 * Math.max(this._extent[i], haloExtentOf(looks[i].size)) + 2);
        size = looks[i].size;
        if ((whole || this._haloCell[size] === undefined) && sizes.indexOf(size) < 0) { sizes.push(size); }
      }
      var needed = (whole ? 0 : this._cells) + (looks.length - from) + sizes.length;
      if (!whole && (cell > this._cell || needed > this._rows * COLUMNS)) { this._atlasLooks = -1; this._drawAtlas(); return; }
      var atlas = this._atlas || (this._atlas = document.createElement("canvas")), ctx;
      if (whole) {
        this._cell = cell; this._cells = 0; this._cellOf = []; this._haloCell = Object.create(null);
        this._rows = Math.ceil(needed / COLUMNS) + 4; // room for the looks of later dates
        atlas.width = Math.ceil(COLUMNS * cell * ratio); atlas.height = Math.ceil(this._rows * cell * ratio);
      }
      ctx = atlas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var fake = { looks: looks.concat([{ shape: "circle", size: 0, fillOpacity: 0, opacity: 0, weight: 1, color: "#000" }]), places: [] };
      var firstCell = this._cells, self = this;
      function next() {
        var c = self._cells++;
        return [c, (c % COLUMNS + 0.5) * cell, (Math.floor(c / COLUMNS) + 0.5) * cell];
      }
      for (i = from; i < looks.length; i++) {
        var at = next();
        this._cellOf[i] = at[0];
        fake.places.push({ style: { look: i, halo: false }, hidden: false, x: at[1], y: at[2] });
      }
      // a ring alone: a place of the invisible last look, with the halo of a size
      for (k = 0; k < sizes.length; k++) {
        var where = next();
        this._haloCell[sizes[k]] = where[0];
        fake.places.push({ style: { look: looks.length, halo: true, size: sizes[k] }, hidden: false, x: where[1], y: where[2] });
      }
      this._drawCanvas.call({ _ctx: ctx, _geomapApp: fake });
      var gl = this._glContext.gl, uniforms = this._glContext.at;
      if (whole) {
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, atlas);
        gl.uniform1f(uniforms.uCell, cell);
        gl.uniform2f(uniforms.uAtlasSize, atlas.width / ratio, atlas.height / ratio);
      } else {
        var top = Math.floor(Math.floor(firstCell / COLUMNS) * cell * ratio);
        var bottom = Math.min(atlas.height, Math.ceil((Math.floor((this._cells - 1) / COLUMNS) + 1) * cell * ratio));
        gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, top, gl.RGBA, gl.UNSIGNED_BYTE, ctx.getImageData(0, top, atlas.width, bottom - top));
      }
      this._atlasLooks = looks.length; this._atlasRatio = ratio;
    },
    // Each place's layer position, also into typed arrays the draw reads (after a zoom).
    _project: function () {
      var before = this._projectedFor;
      this.constructor.__super__._project.call(this);
      var places = this._geomapApp.places, n = places.length;
      if (this._projectedFor === before && this._xs) { return; }
      if (!this._xs || this._xs.length < n) { this._xs = new Float32Array(n); this._ys = new Float32Array(n); }
      for (var i = 0; i < n; i++) { this._xs[i] = places[i].x; this._ys[i] = places[i].y; }
    },
    // One sprite per place shown, grouped by look in the canvas layer's order (the looks'
    // numbers), then a ring sprite for each place that changed on the date, drawn last as
    // the canvas layer draws them: one buffer, one draw call. Each place's look comes from
    // the restyle's typed array (look x 2, +1 with the ring; -1 none); whether it is hidden
    // (search filters), from typedPlaces's. Sprites off the canvas are left out.
    _draw: function () {
      var app = this._geomapApp, n = app.places.length, looks = app.looks;
      var gl = this._glContext.gl, lookOf = this._lookOf, hidden = this._hidden, i, code;
      if (!this._container || !this._xs) { return; }
      this._drawAtlas();
      var count = this._counts || (this._counts = new Int32Array(64)), ids = this._ids;
      if (count.length < looks.length) { count = this._counts = new Int32Array(2 * looks.length); }
      if (!ids || ids.length < n) { ids = this._ids = new Int32Array(n); }
      count.fill(0);
      var xs = this._xs, ys = this._ys, extent = this._extent, cellOf = this._cellOf, b = this._bounds, shown = 0, halos = 0;
      var x0 = b.min.x, y0 = b.min.y, x1 = b.max.x, y1 = b.max.y;
      for (i = 0; i < n; i++) {
        code = lookOf[i];
        if (code < 0 || hidden[i] === 1) { ids[i] = -1; continue; }
        // off the canvas: not drawn (a changed place's ring reaches further than its marker)
        var w = (code & 1) ? haloExtentOf(looks[code >> 1].size) : extent[code >> 1];
        if (xs[i] + w < x0 || xs[i] - w > x1 || ys[i] + w < y0 || ys[i] - w > y1) { ids[i] = -1; continue; }
        ids[i] = code; count[code >> 1]++; shown++; halos += code & 1;
      }
      var total = (shown + halos) * 4, data = this._data;
      if (!data || data.length < total) { data = this._data = new Float32Array(Math.max(total, 4 * n)); }
      for (var from = 0, k = 0; k < looks.length; k++) { var c = count[k]; count[k] = from; from += c * 4; }
      var h = shown * 4;
      for (i = 0; i < n; i++) {
        code = ids[i];
        if (code < 0) { continue; }
        var look = code >> 1, slot = count[look];
        count[look] = slot + 4;
        data[slot] = xs[i]; data[slot + 1] = ys[i]; data[slot + 2] = cellOf[look]; data[slot + 3] = extent[look];
        if (code & 1) {
          var size = looks[look].size;
          data[h] = xs[i]; data[h + 1] = ys[i]; data[h + 2] = this._haloCell[size]; data[h + 3] = haloExtentOf(size);
          h += 4;
        }
      }
      this._drawn = shown + halos;
      gl.bufferData(gl.ARRAY_BUFFER, data.subarray(0, total), gl.DYNAMIC_DRAW);
      if (total) { gl.drawArrays(gl.POINTS, 0, this._drawn); }
    }
  };

  var FIELDS = ["index", "id", "name", "lat", "lon", "kind", "kindIndex", "s0", "n", "e0", "spellings", "days", "codes", "since", "ev", "marker", "x", "y", "radius"];
  // The places' state in typed arrays, read through the place objects. Each place object is
  // made again (its fields copied) with `style`, `last` and `hidden` as accessors over these
  // arrays: the labels, picking, search and the places list read and write the same state as
  // before, and a slider step writes no object (at 100,000 places, writing two fields into
  // each object was most of a step: the objects are spread over the heap). Made before the
  // other parts start; the provinces' outlines and labels are pointed at the new objects.
  function typedPlaces(app) {
    var n = app.places.length, styles = app.styles;
    var state = { styleId: new Int32Array(n).fill(-1), last: new Int32Array(n).fill(-2), hidden: new Uint8Array(n) };
    var styleId = state.styleId, last = state.last, hidden = state.hidden;
    // the fields GeomapApp.decode gives a place, copied by name (copying by key took ~0.2 s
    // at 100,000 places); a place with other fields (a province's outline) has them copied
    // by key too
    var known = { style: 1, last: 1, hidden: 1 };
    FIELDS.forEach(function (key) { known[key] = 1; });
    function Place(from) {
      this.index = from.index; this.id = from.id; this.name = from.name; this.lat = from.lat; this.lon = from.lon;
      this.kind = from.kind; this.kindIndex = from.kindIndex; this.s0 = from.s0; this.n = from.n; this.e0 = from.e0;
      this.spellings = from.spellings; this.days = from.days; this.codes = from.codes; this.since = from.since;
      this.ev = from.ev; this.marker = from.marker; this.x = from.x; this.y = from.y; this.radius = from.radius;
    }
    function extras(from, to) {
      Object.keys(from).forEach(function (key) { if (!known[key]) { to[key] = from[key]; } });
    }
    var uniform = app.places.length > 0 && Object.keys(app.places[0]).every(function (key) { return known[key]; });
    Object.defineProperties(Place.prototype, {
      style: {
        get: function () { var id = styleId[this.index]; return id < 0 ? null : styles[id]; },
        set: function (s) { styleId[this.index] = s ? s.id : -1; }
      },
      last: { get: function () { return last[this.index]; }, set: function (k) { last[this.index] = k; } },
      hidden: { get: function () { return hidden[this.index] === 1; }, set: function (h) { hidden[this.index] = h ? 1 : 0; } }
    });
    var places = new Array(n), byId = Object.create(null);
    for (var i = 0; i < n; i++) {
      var old = app.places[i], place = places[i] = new Place(old);
      if (!uniform || old.kind === "region") { extras(old, place); }
      place.last = old.last; place.style = old.style; place.hidden = !!old.hidden;
      byId[place.id] = place;
      if (old.marker) { old.marker._geomapPlace = place; }
      if (old.outline) { old.outline.eachLayer(function (layer) { layer._geomapPlace = place; }); }
    }
    app.places = places; app.byId = byId;
    return state;
  }

  // Each evidence day's places, in the places' order (a counting sort of every place's
  // evidence days), so that a step of a few days visits only the places it can change. Made
  // in slices of at most ~8 ms while the page is idle (at 100,000 places x 50 it is 0.1-0.3
  // s of work: made at once, it held up the page's first answers); done(index) at the end.
  function makeDayIndex(app, first, count, done) {
    var days = app.eventDays, all = app.allDays, n = first.length;
    if (!days.length) { return; }
    var d0 = days[0], span = days[days.length - 1] - d0 + 1;
    var start = new Int32Array(span + 1), list = new Int32Array(all.length), at = null, k = 0, i = 0;
    var later = window.requestIdleCallback ? function (f) { window.requestIdleCallback(f, { timeout: 200 }); } : function (f) { setTimeout(f, 16); };
    function slice() {
      var until = performance.now() + 8, end;
      while (performance.now() < until) {
        if (k < all.length) { // count each day's entries
          for (end = Math.min(all.length, k + 100000); k < end; k++) { start[all[k] - d0 + 1]++; }
          continue;
        }
        if (!at) { for (var d = 0; d < span; d++) { start[d + 1] += start[d]; } at = start.slice(0, span); }
        if (i >= n) { done({ d0: d0, span: span, start: start, list: list }); return; }
        for (end = Math.min(n, i + 2000); i < end; i++) { // then place them, place by place
          for (var e = first[i]; e < first[i] + count[i]; e++) { list[at[all[e] - d0]++] = i; }
        }
      }
      later(slice);
    }
    later(slice);
  }

  // The app's restyle (geomap.js GeomapApp.restyle): the same rules over typed copies of the
  // columns, writing each place's state into the typed arrays of typedPlaces and its look
  // (and whether it changed on the date) into lookOf, for the draw. A place's restyle key
  // (which state, faded, changed on the date) can only differ between two dates lo < hi if
  // it has evidence in [lo, hi] (a new state, or the 'changed' ring on or off) or in
  // [lo - staleDays, hi - staleDays - 1] (it fades): a step visits those places only, found
  // in the day index; a long jump, which changes most places, walks them all.
  function typedRestyle(app, state, lookOf) {
    var places = app.places, n = places.length, i;
    var first = new Int32Array(n), count = new Int32Array(n), kind = new Int32Array(n), region = new Uint8Array(n);
    for (i = 0; i < n; i++) {
      var p = places[i];
      first[i] = p.s0; count[i] = p.n; kind[i] = p.kindIndex; region[i] = p.kind === "region" ? 1 : 0;
    }
    var last = state.last, styleId = state.styleId, staleDays = app.meta.staleDays, all = app.allDays;
    var codes = app.cols.s_code, styleIds = app.styleIds, styles = app.styles;
    var index = null, previous = null, dirty = false;
    // until the day index is made, every step walks all places
    makeDayIndex(app, first, count, function (made) { index = made; });
    // one place's state on day; true when it changed on that day
    function update(i, day) {
      var s0 = first[i], lo = s0, hi = s0 + count[i];
      while (lo < hi) { var mid = (lo + hi) >> 1; if (all[mid] <= day) { lo = mid + 1; } else { hi = mid; } }
      var idx = lo - 1 - s0, evidence = lo > s0 ? all[lo - 1] : 0;
      var stale = idx >= 0 && day - evidence > staleDays;
      var today = idx >= 0 && evidence === day;
      var key = idx * 4 + (stale ? 1 : 0) + (today ? 2 : 0);
      if (key === last[i]) { return today; }
      last[i] = key;
      if (region[i]) { app.styleRegion(places[i], app.stateCode(places[i], day)); return today; }
      // GeomapApp.styleOf's shared style, looked up here when it exists already
      var code = idx >= 0 ? codes[s0 + idx] & 16383 : 16384;
      var id = styleIds[((code * 8 + kind[i]) * 2 + (stale ? 1 : 0)) * 2 + (today ? 1 : 0)];
      var s = id >= 0 ? styles[id] : app.styleOf(places[i], idx, stale, today, day);
      lookOf[i] = s.look * 2 + (s.halo ? 1 : 0);
      if (s.id !== styleId[i]) { styleId[i] = s.id; dirty = true; }
      return today;
    }
    // the entries of the day index from day a to day b (both included), and visiting them
    function from(a) { return index.start[Math.max(0, Math.min(index.span, a - index.d0))]; }
    function visit(a, b, day) { for (var k = from(a), end = from(b + 1); k < end; k++) { update(index.list[k], day); } }
    return function (day) {
      var changed = [], lo = Math.min(previous, day), hi = Math.max(previous, day), k;
      dirty = false;
      var windows = index && previous !== null && typeof staleDays === "number";
      var near = windows && hi - lo <= staleDays;
      // the places to visit: evidence in [lo, hi] and in [lo - staleDays, hi - staleDays - 1]
      var visits = !windows ? n : near ? from(hi + 1) - from(lo) + from(hi - staleDays) - from(lo - staleDays) : from(hi + 1) - from(lo - staleDays);
      if (visits < n / 2) {
        if (near) { visit(lo, hi, day); visit(lo - staleDays, hi - staleDays - 1, day); } else { visit(lo - staleDays, hi, day); }
        for (k = from(day); k < from(day + 1); k++) {
          var at = index.list[k];
          if (k === from(day) || index.list[k - 1] !== at) { changed.push(places[at].id); }
        }
      } else {
        for (i = 0; i < n; i++) { if (update(i, day)) { changed.push(places[i].id); } }
      }
      previous = day;
      app.needsRedraw = app.needsRedraw || dirty;
      return changed;
    };
  }

  kit.define("webgl", function (app) {
    var canvasLayer = app.renderer, canvas = document.createElement("canvas"), context = null;
    try { context = makeGL(canvas); } catch (error) { context = null; }
    if (!context) { return { api: { markerLayer: function () { return "canvas"; }, spritesDrawn: function () { return null; } } }; }
    var WebGLPlaces = canvasLayer.constructor.extend(GLDrawing);
    var layer = new WebGLPlaces(app, canvasLayer.options, canvas, context, canvasLayer._draw);
    var state = typedPlaces(app);
    layer._lookOf = new Int32Array(app.places.length).fill(-1);
    layer._hidden = state.hidden;
    app.restyle = typedRestyle(app, state, layer._lookOf);
    // the places are projected for the map's view already: not again (100,000: ~50-100 ms)
    layer._projectedFor = canvasLayer._projectedFor;
    app.map.removeLayer(canvasLayer);
    app.renderer = layer;
    layer.addTo(app.map);
    // a lost context (a driver reset, too many contexts): the canvas layer draws from then on
    canvas.addEventListener("webglcontextlost", function () {
      if (app.renderer !== layer) { return; }
      app.map.removeLayer(layer);
      app.renderer = canvasLayer;
      canvasLayer.addTo(app.map);
      canvasLayer._redraw();
    });
    return {
      api: {
        markerLayer: function () { return app.renderer === layer ? "webgl" : "canvas"; },
        // the sprites the last WebGL frame drew (markers and rings; null with the canvas layer)
        spritesDrawn: function () { return app.renderer === layer ? layer._drawn : null; }
      }
    };
  });
})();
