/* geomap part "layout": the top-right column (sources, find and filter) never runs under
 * another control. Its width is kept clear of the top-left column (title, zoom) and its
 * height ends above the bottom corners' controls (slider, legend, scale, credits) that
 * share its columns of pixels; what does not fit scrolls inside the panels. It is fitted
 * again whenever a corner changes size (a panel opened, a list filled, the window resized). */
(function () {
  "use strict";
  var kit = window.geomapKit;

  kit.define("layout", function (app, options) {
    var map = app.map, container = map.getContainer(), corners = map._controlCorners, gap = options.gap || 10;
    var column = corners.topright;

    function controls(corner) { return corner.querySelectorAll(".leaflet-control"); }
    function fit() {
      var frame = container.getBoundingClientRect(), leftEdge = 0, i, r;
      var left = controls(corners.topleft);
      for (i = 0; i < left.length; i++) {
        r = left[i].getBoundingClientRect();
        if (r.width && r.height) { leftEdge = Math.max(leftEdge, r.right - frame.left); }
      }
      // the room a panel has: the width beside the top-left column, less the margins
      var room = Math.max(120, Math.floor(frame.width - leftEdge - 2 * gap)) + "px";
      if (column.style.getPropertyValue("--geomap-room") !== room) { column.style.setProperty("--geomap-room", room); }
      var x0 = column.getBoundingClientRect().left, limit = frame.bottom;
      [corners.bottomleft, corners.bottomright].forEach(function (corner) {
        var below = controls(corner);
        for (var j = 0; j < below.length; j++) {
          var b = below[j].getBoundingClientRect();
          if (b.width && b.height && b.right > x0 && b.left < frame.right) { limit = Math.min(limit, b.top); }
        }
      });
      var height = Math.max(60, Math.floor(limit - frame.top - gap)) + "px";
      if (column.style.maxHeight !== height) { column.style.maxHeight = height; }
    }

    fit();
    map.on("resize", fit);
    if (window.ResizeObserver) {
      var watch = new ResizeObserver(fit);
      ["topleft", "topright", "bottomleft", "bottomright"].forEach(function (name) { watch.observe(corners[name]); });
    } else {
      ["click", "toggle"].forEach(function (type) { container.addEventListener(type, function () { setTimeout(fit, 0); }, true); });
    }
    return {};
  });
})();
