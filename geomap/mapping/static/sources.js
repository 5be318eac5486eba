/* geomap part "sources": the articles the map rests on, each with its outlet, date, title and
 * address as text (a link only when the page was built with --links: a click leaves the
 * offline page), filtered by the place they mention. Filled when first opened: with 10,000
 * places its filter lists every place named in an article, which took ~30 ms of the start. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;

  // an article's address: a link when links are on and the address is http(s), else text
  function address(url, links) {
    if (!url) { return null; }
    if (links && /^https?:\/\//i.test(url)) {
      var a = el("a", "geomap-source-url", url); a.href = url; a.rel = "noopener noreferrer"; a.target = "_blank";
      return a;
    }
    return el("div", "geomap-source-url", url);
  }

  kit.define("sources", function (app, options) {
    var d = app.data, links = !!options.links;
    if (!links && app.map.attributionControl) { app.map.attributionControl.setPrefix("Leaflet"); }

    function article(art) {
      var item = el("div", "geomap-source");
      item.appendChild(el("div", "geomap-source-outlet", (art[1] || art[0]) + " \u2014 " + art[2]));
      if (art[3]) { item.appendChild(el("div", "geomap-source-title", art[3])); }
      var url = address(art[4], links); if (url) { item.appendChild(url); }
      item.appendChild(el("div", "geomap-source-file", art[0]));
      return item;
    }
    function fill(list, placeId) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      if (!placeId) {
        d.a.forEach(function (art, index) { var item = article(art); app.sourceReview(item, index); list.appendChild(item); });
        return;
      }
      var place = app.byId[placeId], m = d.m[place.index];
      for (var i = 0; i < m.length; i += 4) {
        var item = article(d.a[m[i]]);
        app.sourceReview(item, m[i]);
        item.appendChild(el("q", null, app.str[m[i + 2]]));
        list.appendChild(item);
      }
    }
    function fillPanel(body) {
      var m = d.m;
      var select = el("select", "geomap-sources-filter"); select.setAttribute("aria-label", "Show mentions of a place");
      var opt = el("option", null, "All articles"); opt.value = ""; select.appendChild(opt);
      app.places.slice().sort(function (a, b) { return a.name < b.name ? -1 : 1; }).forEach(function (p) {
        if (m && m[p.index] && m[p.index].length) { var o = el("option", null, p.name); o.value = p.id; select.appendChild(o); }
      });
      var list = el("div", "geomap-sources-list");
      L.DomEvent.on(select, "change", function () { fill(list, select.value); });
      body.appendChild(select); body.appendChild(list);
      fill(list, "");
    }

    var Sources = L.Control.extend({ options: { position: "topright" }, onAdd: function () {
      var box = el("div", "geomap-sources");
      var toggle = el("button", "geomap-sources-toggle", "Sources (" + d.a.length + ")"); toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      var body = el("div", "geomap-sources-body"); body.style.display = "none";
      L.DomEvent.on(toggle, "click", function () {
        if (!body.firstChild) { fillPanel(body); }
        var open = body.style.display === "none";
        body.style.display = open ? "block" : "none";
        toggle.setAttribute("aria-expanded", String(open));
        box.classList.toggle("geomap-open", open);
      });
      L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
      box.appendChild(toggle); box.appendChild(body);
      return box;
    } });
    new Sources().addTo(app.map);
    return {};
  });
})();
