/* geomap part "title": the map's title and subtitle, top left. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;
  kit.define("title", function (app) {
    var meta = app.meta;
    var Title = L.Control.extend({ options: { position: "topleft" }, onAdd: function () {
      var box = el("div", "geomap-title");
      box.appendChild(el("h1", "geomap-title-main", meta.title));
      if (meta.subtitle) { box.appendChild(el("div", "geomap-title-sub", meta.subtitle)); }
      return box;
    } });
    new Title().addTo(app.map);
    return {};
  });
})();
