/* geomap part "png": a "Save as PNG" button that draws the current view into one image, with
 * the title, the date, the held area, the legend and a source line, from the page's own
 * canvases and data (no network, no screenshot API): the basemap's lines drawn again, the
 * held area's and the places' canvases copied, the names and the provinces' tags written. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;
  var FONT = "system-ui, sans-serif";

  function rectIn(frame, node) {
    var r = node.getBoundingClientRect();
    return { x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height };
  }
  // the basemap's rivers, borders and user layers, as drawBasemap styles them
  function drawBasemap(ctx, map, basemap) {
    if (!basemap || !basemap.features) { return; }
    basemap.features.forEach(function (f) {
      var layer = f.properties.layer, g = f.geometry;
      if (!g || layer === "region") { return; }
      if (g.type === "Point") {
        var at = map.latLngToContainerPoint([g.coordinates[1], g.coordinates[0]]);
        ctx.beginPath(); ctx.arc(at.x, at.y, 2, 0, Math.PI * 2); ctx.fillStyle = "#555"; ctx.fill();
        return;
      }
      var lines = g.type === "LineString" ? [g.coordinates] : g.type === "MultiLineString" || g.type === "Polygon" ? g.coordinates :
        g.type === "MultiPolygon" ? [].concat.apply([], g.coordinates) : [];
      ctx.beginPath();
      lines.forEach(function (line) {
        line.forEach(function (c, i) { var p = map.latLngToContainerPoint([c[1], c[0]]); if (i) { ctx.lineTo(p.x, p.y); } else { ctx.moveTo(p.x, p.y); } });
      });
      ctx.setLineDash(layer === "border" ? [6, 4] : []);
      ctx.strokeStyle = layer === "river" ? "#4a90c8" : layer === "border" ? "#666" : "#8a6d3b";
      ctx.lineWidth = layer === "river" ? (f.properties.main ? 2.5 : 1.6) : 1.2;
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }
  // the provinces' outlines as the page draws them (SVG paths, styled by the date's state)
  function drawRegions(ctx, container, frame) {
    container.querySelectorAll(".leaflet-geomap-regions-pane svg").forEach(function (svg) {
      var box = svg.getBoundingClientRect(), view = svg.viewBox && svg.viewBox.baseVal;
      var dx = box.left - frame.left - (view ? view.x : 0), dy = box.top - frame.top - (view ? view.y : 0);
      svg.querySelectorAll("path").forEach(function (path) {
        var d = path.getAttribute("d"), css = getComputedStyle(path);
        if (!d || css.display === "none" || css.visibility === "hidden") { return; }
        var shape = new Path2D(d);
        ctx.save(); ctx.translate(dx, dy);
        if (css.fill && css.fill !== "none") { ctx.globalAlpha = parseFloat(css.fillOpacity) || 0; ctx.fillStyle = css.fill; ctx.fill(shape); }
        if (css.stroke && css.stroke !== "none") {
          ctx.globalAlpha = parseFloat(css.strokeOpacity) || 1; ctx.strokeStyle = css.stroke;
          ctx.lineWidth = parseFloat(css.strokeWidth) || 1;
          var dash = css.strokeDasharray && css.strokeDasharray !== "none" ? css.strokeDasharray.split(/[ ,]+/).map(parseFloat) : [];
          ctx.setLineDash(dash); ctx.stroke(shape);
        }
        ctx.restore();
      });
    });
  }

  function haloText(ctx, text, x, y) {
    ctx.lineWidth = 3; ctx.strokeStyle = "#fff"; ctx.lineJoin = "round"; ctx.strokeText(text, x, y); ctx.fillText(text, x, y);
  }
  // a province's name tag as the page styles it: its box, dashed border and (capital) name
  function drawTag(ctx, node, r) {
    var css = getComputedStyle(node), text = node.textContent;
    if (!text || !r.w || css.display === "none" || css.visibility === "hidden") { return; }
    var pad = parseFloat(css.paddingLeft) || 0, top = parseFloat(css.paddingTop) || 0, border = parseFloat(css.borderLeftWidth) || 0;
    ctx.save();
    ctx.fillStyle = css.backgroundColor; ctx.fillRect(r.x, r.y, r.w, r.h);
    if (border) {
      ctx.lineWidth = border; ctx.strokeStyle = css.borderLeftColor;
      ctx.setLineDash(css.borderLeftStyle === "dashed" ? [3 * border, 3 * border] : []);
      ctx.strokeRect(r.x + border / 2, r.y + border / 2, r.w - border, r.h - border);
      ctx.setLineDash([]);
    }
    ctx.font = css.fontWeight + " " + css.fontSize + " " + FONT; ctx.fillStyle = css.color; ctx.textBaseline = "top";
    if ("letterSpacing" in ctx) { ctx.letterSpacing = css.letterSpacing === "normal" ? "0px" : css.letterSpacing; }
    ctx.fillText(css.textTransform === "uppercase" ? text.toUpperCase() : text, r.x + border + pad, r.y + border + top + 1);
    ctx.restore();
  }
  // the lines of a text wrapped to a width
  function wrap(ctx, text, width) {
    var words = String(text).split(/\s+/), lines = [], line = "";
    words.forEach(function (w) { var next = line ? line + " " + w : w; if (line && ctx.measureText(next).width > width) { lines.push(line); line = w; } else { line = next; } });
    if (line) { lines.push(line); }
    return lines;
  }

  kit.define("png", function (app, options) {
    var map = app.map, meta = app.meta;

    function render() {
      var size = map.getSize(), container = map.getContainer(), frame = container.getBoundingClientRect();
      var legend = meta.legend || [], legendW = 250, rowH = 18;
      var head = 64, foot = 40, canvas = document.createElement("canvas");
      canvas.width = size.x; canvas.height = head + size.y + foot;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      // the map
      ctx.save(); ctx.translate(0, head);
      ctx.beginPath(); ctx.rect(0, 0, size.x, size.y); ctx.clip();
      ctx.fillStyle = getComputedStyle(container).backgroundColor || "#ddd"; ctx.fillRect(0, 0, size.x, size.y);
      drawBasemap(ctx, map, app.basemap);
      drawRegions(ctx, container, frame);
      app.renderer._redraw();
      container.querySelectorAll(".leaflet-geomap-areas-pane canvas, .leaflet-overlay-pane canvas").forEach(function (c) {
        var r = rectIn(frame, c); ctx.drawImage(c, r.x, r.y, r.w, r.h);
      });
      ctx.font = "600 12px " + FONT; ctx.textBaseline = "top"; ctx.fillStyle = "#111";
      container.querySelectorAll(".geomap-label").forEach(function (node) {
        if (node.style.display === "none") { return; }
        var r = rectIn(frame, node);
        ctx.font = (node.classList.contains("geomap-city-label") ? "400 12px " : "600 12px ") + FONT;
        ctx.fillStyle = node.classList.contains("geomap-city-label") ? "#444" : "#111";
        haloText(ctx, node.textContent, r.x + 2, r.y + 1);
      });
      container.querySelectorAll(".geomap-region-label").forEach(function (node) { drawTag(ctx, node, rectIn(frame, node)); });
      // the legend, bottom right of the map
      var lx = size.x - legendW - 10, ly = size.y - 10 - (legend.length + 1) * rowH - 8;
      ctx.globalAlpha = 0.95; ctx.fillStyle = "#fff"; ctx.fillRect(lx, ly, legendW, (legend.length + 1) * rowH + 8); ctx.globalAlpha = 1;
      ctx.fillStyle = "#111"; ctx.font = "700 12px " + FONT; ctx.fillText("Held by", lx + 8, ly + 6);
      legend.forEach(function (item, i) {
        var y = ly + 6 + (i + 1) * rowH, cx = lx + 16, cy = y + 6;
        ctx.beginPath(); kit.shapePath(ctx, item.shape, cx, cy, 5);
        if (item.fill !== "none") { ctx.globalAlpha = 0.9; ctx.fillStyle = item.fill; ctx.fill(); ctx.globalAlpha = 1; }
        ctx.lineWidth = 1.2; ctx.strokeStyle = item.stroke || "#222"; ctx.setLineDash(item.dash || []); ctx.stroke(); ctx.setLineDash([]);
        if (item.ring) { ctx.beginPath(); ctx.arc(cx, cy, 8, 0, Math.PI * 2); ctx.lineWidth = 2; ctx.strokeStyle = item.ring; ctx.setLineDash(item.ringDash || []); ctx.stroke(); ctx.setLineDash([]); }
        ctx.fillStyle = "#111"; ctx.font = "400 11px " + FONT;
        ctx.fillText(wrap(ctx, item.label, legendW - 40)[0], lx + 30, y);
      });
      ctx.restore();
      // the title, the date and the held area above the map
      var day = app.day, weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][new Date(day * kit.DAY_MS).getUTCDay()];
      ctx.fillStyle = "#111"; ctx.textBaseline = "top";
      ctx.font = "700 18px " + FONT; ctx.fillText(meta.title, 10, 8);
      ctx.font = "400 12px " + FONT; ctx.fillStyle = "#333"; ctx.fillText(meta.subtitle || "", 10, 32);
      ctx.font = "700 22px " + FONT; ctx.fillStyle = "#111";
      var date = weekday + " " + kit.isoOf(day), dw = ctx.measureText(date).width;
      ctx.fillText(date, size.x - dw - 10, 8);
      var area = container.querySelector(".geomap-area");
      if (area && area.textContent) { ctx.font = "400 12px " + FONT; ctx.fillStyle = "#333"; var aw = ctx.measureText(area.textContent).width; ctx.fillText(area.textContent, size.x - aw - 10, 38); }
      // the source line
      var outlets = [];
      app.data.a.forEach(function (a) { var o = a[1] || a[0]; if (outlets.indexOf(o) < 0) { outlets.push(o); } });
      var credits = ((app.basemap && app.basemap.properties) || {}).credits || [];
      var line = "Sources: " + app.data.a.length + " articles (" + outlets.slice(0, 6).join(", ") + (outlets.length > 6 ? ", \u2026" : "") + ")" +
        (credits.length ? ". Basemap: " + credits.join("; ") : "") + ". Map: geomap, Leaflet.";
      ctx.font = "400 11px " + FONT; ctx.fillStyle = "#333";
      wrap(ctx, line, size.x - 20).slice(0, 2).forEach(function (text, i) { ctx.fillText(text, 10, head + size.y + 6 + i * 15); });
      return canvas;
    }
    function save() {
      var a = document.createElement("a");
      a.href = render().toDataURL("image/png");
      a.download = (options.fileName || "map") + "-" + kit.isoOf(app.day) + ".png";
      document.body.appendChild(a); a.click(); a.remove();
    }

    var slider = app.part("slider");
    if (slider) {
      var button = el("button", "geomap-save", "Save as PNG"); button.type = "button";
      button.title = "Save the current view as an image, with its title, date, legend and sources";
      L.DomEvent.on(button, "click", save);
      slider.settings().appendChild(button);
    }
    return { api: { png: function () { return render().toDataURL("image/png"); } } };
  });
})();
