/* geomap part "legend": who holds what and how each state is drawn (items are data from the
 * campaign profile, drawn here with the map's own shapes), with the notes on fading, the
 * held area and confidence. On a narrow screen it folds into a button. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;

  // a legend item's symbol, drawn on a small canvas as the map draws the marker
  function symbol(item) {
    var c = document.createElement("canvas");
    c.width = 26; c.height = 22; c.setAttribute("aria-hidden", "true");
    var ctx = c.getContext("2d");
    ctx.beginPath(); kit.shapePath(ctx, item.shape, 13, 11, 6);
    ctx.fillStyle = item.fill; ctx.globalAlpha = item.fill === "none" ? 0 : (item.alpha || 0.9);
    if (item.fill !== "none") { ctx.fill(); }
    ctx.globalAlpha = 1; ctx.lineWidth = kit.outlineWidth(item.fill !== "none", !!item.dash);
    ctx.strokeStyle = item.stroke || "#222"; if (item.dash) { ctx.setLineDash(item.dash); }
    ctx.stroke(); ctx.setLineDash([]);
    if (item.ring) { ctx.beginPath(); ctx.arc(13, 11, 9.5, 0, Math.PI * 2); ctx.lineWidth = 3; ctx.strokeStyle = item.ring; ctx.setLineDash(item.ringDash || []); ctx.stroke(); }
    if (item.halo) { ctx.beginPath(); ctx.arc(13, 11, 10, 0, Math.PI * 2); ctx.lineWidth = 2; ctx.strokeStyle = item.halo; ctx.setLineDash([]); ctx.stroke(); }
    return c;
  }

  kit.define("legend", function (app) {
    var meta = app.meta, box, body, toggle;
    var Legend = L.Control.extend({ options: { position: "bottomright" }, onAdd: function () {
      box = el("div", "geomap-legend geomap-fold");
      toggle = el("button", "geomap-fold-toggle geomap-legend-toggle", "Legend"); toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      body = el("div", "geomap-fold-body geomap-legend-body"); body.id = "geomap-legend-body";
      toggle.setAttribute("aria-controls", body.id);
      L.DomEvent.on(toggle, "click", function () {
        var open = !box.classList.contains("geomap-open");
        box.classList.toggle("geomap-open", open); toggle.setAttribute("aria-expanded", String(open));
      });
      L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
      body.appendChild(el("div", "geomap-legend-head", "Held by"));
      meta.legend.forEach(function (item) {
        var row = el("div", "geomap-legend-row");
        row.appendChild(symbol(item)); row.appendChild(el("span", null, item.label)); body.appendChild(row);
      });
      body.appendChild(el("div", "geomap-legend-note", "Faded: latest evidence over " + meta.staleDays + " days old. Blue ring: changed on the shown date." + (meta.areaNote ? " " + meta.areaNote : "")));
      body.appendChild(el("div", "geomap-legend-note geomap-legend-confidence", "Colours come from claims at confidence >= " + meta.minConfidence + "; others are listed in popups as unconfirmed."));
      app.reviewLegendLine(body);
      box.appendChild(toggle); box.appendChild(body);
      return box;
    } });
    new Legend().addTo(app.map);
    L.control.scale({ imperial: false, position: "bottomright" }).addTo(app.map);
    return { items: function () { return meta.legend; } };
  });
})();
