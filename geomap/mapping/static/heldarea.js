/* geomap part "heldarea": each shaded side's held area on the chosen date, drawn under the
 * places, and its size beside the date. The area counts only places whose evidence is
 * current (not faded); the figure says so: "at least N km2", and up to M km2 when places
 * last reported longer ago are counted too. Per side: {side, label, colour, days: [[day,
 * km2, polygons, km2 with faded places]]}. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el, bisect = kit.bisect;

  kit.define("heldarea", function (app) {
    var map = app.map;
    var sets = (app.data.areas || []).map(function (set) {
      return { label: set.label, colour: set.colour, areas: set.days, days: set.days.map(function (a) { return a[0]; }), layer: L.layerGroup().addTo(map), shown: -2 };
    });
    if (!sets.length) { return {}; }
    map.createPane("geomap-areas").style.zIndex = 390;
    var renderer = L.canvas({ pane: "geomap-areas", padding: 0.2 });
    var slider = app.part("slider"), label = el("div", "geomap-area", "");
    if (slider) { slider.top().appendChild(label); }
    var figures = [];

    function show(day) {
      figures = [];
      var texts = [];
      sets.forEach(function (set) {
        var i = bisect(set.days, day), row = i >= 0 ? set.areas[i] : null;
        var km2 = row ? row[1] : 0, most = row ? Math.max(row[3] || 0, km2) : 0;
        if (i !== set.shown) {
          set.layer.clearLayers();
          if (row && row[2].length) {
            var rings = row[2].map(function (poly) {
              return poly.map(function (ring) { var out = []; for (var k = 0; k < ring.length; k += 2) { out.push([ring[k + 1], ring[k]]); } return out; });
            });
            L.polygon(rings, { color: set.colour, weight: 1, fillColor: set.colour, fillOpacity: 0.12, dashArray: "4,3", interactive: false, renderer: renderer }).addTo(set.layer);
          }
          set.shown = i;
        }
        figures.push({ label: set.label, km2: km2, upTo: most });
        if (most > 0) {
          var text = set.label + (km2 > 0 ? ": at least " + km2.toLocaleString("en-US") + " km\u00B2" : ": no current evidence");
          if (most > km2) { text += " (up to " + most.toLocaleString("en-US") + (km2 > 0 ? "" : " km\u00B2") + " with faded places)"; }
          texts.push(text);
        }
      });
      label.textContent = texts.join("; ");
    }

    return {
      day: show,
      api: { heldArea: function () { return figures.map(function (f) { return { label: f.label, km2: f.km2, upTo: f.upTo }; }); } }
    };
  });
})();
