/* geomap part "places": every place within reach of the keyboard. Only the names with room
 * on the map are labels; this part adds the first stop of the map's Tab order, a button
 * hidden until it has the focus, that opens a list of every place shown, by name (a
 * listbox: arrows, Home/End, Page keys and typed letters move; Enter or Space opens the
 * place's popup with the focus inside it; Escape closes the popup back to the list, and the
 * list back to its button). The list is built when it opens, not with the page. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;

  kit.define("places", function (app, options) {
    var map = app.map, container = map.getContainer(), page = options.page || 10;
    var toggle = el("button", "geomap-places-toggle", "Places: list every place on the map");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    var list = el("ul", "geomap-places"); list.id = "geomap-places";
    list.setAttribute("role", "listbox"); list.setAttribute("aria-label", "Places, by name");
    list.hidden = true;
    toggle.setAttribute("aria-controls", list.id);
    container.insertBefore(list, container.firstChild);
    container.insertBefore(toggle, list);
    [toggle, list].forEach(function (node) { L.DomEvent.disableClickPropagation(node); L.DomEvent.disableScrollPropagation(node); });

    // the places a popup can be opened for on the shown date: drawn and not filtered out
    function shown() {
      return app.places.filter(function (p) { return !p.hidden && (p.kind === "region" ? !!p.marker : !!p.style); })
        .sort(function (a, b) { return a.name.localeCompare(b.name, "en", { sensitivity: "base" }) || (a.id < b.id ? -1 : 1); });
    }
    function fill() {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      shown().forEach(function (p) {
        var item = el("li", "geomap-places-item", p.name);
        item.setAttribute("role", "option"); item.setAttribute("aria-selected", "false");
        item.tabIndex = -1; item.dataset.place = p.id; item.geomapPlace = p;
        list.appendChild(item);
      });
    }
    function items() { return list.children; }
    function move(to) {
      var all = items();
      if (!all.length) { return; }
      to = Math.max(0, Math.min(all.length - 1, to));
      for (var i = 0; i < all.length; i++) {
        var on = i === to;
        if (on !== (all[i].getAttribute("aria-selected") === "true")) { all[i].setAttribute("aria-selected", String(on)); all[i].tabIndex = on ? 0 : -1; }
      }
      all[to].focus();
    }
    function at() { return Array.prototype.indexOf.call(items(), document.activeElement); }
    function open() {
      fill();
      list.hidden = false; toggle.setAttribute("aria-expanded", "true");
      move(0);
    }
    function close(refocus) {
      if (list.hidden) { return; }
      list.hidden = true; toggle.setAttribute("aria-expanded", "false");
      if (refocus) { toggle.focus(); }
    }
    L.DomEvent.on(toggle, "click", function () { if (list.hidden) { open(); } else { close(false); } });

    // typed letters find the next place whose name starts with them
    var typed = "", typedAt = 0;
    function find(letter) {
      var now = Date.now();
      typed = now - typedAt < 700 ? typed + letter : letter; typedAt = now;
      var all = items(), from = at(), start = typed.length > 1 ? from : from + 1;
      for (var k = 0; k < all.length; k++) {
        var i = (Math.max(start, 0) + k) % all.length;
        if (all[i].textContent.toLowerCase().indexOf(typed) === 0) { move(i); return; }
      }
    }
    L.DomEvent.on(list, "keydown", function (ev) {
      var i = at(), key = ev.key;
      if (key === "ArrowDown") { move(i + 1); }
      else if (key === "ArrowUp") { move(i - 1); }
      else if (key === "Home") { move(0); }
      else if (key === "End") { move(items().length - 1); }
      else if (key === "PageDown") { move(i + page); }
      else if (key === "PageUp") { move(i - page); }
      else if (key === "Enter" || key === " ") {
        var item = document.activeElement;
        if (item && item.geomapPlace) { app.openPlace(item.geomapPlace, null, false, true); }
      } else if (key === "Escape") { close(true); }
      else if (key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) { find(key.toLowerCase()); }
      else { return; }
      ev.preventDefault(); ev.stopPropagation();
    });
    L.DomEvent.on(list, "click", function (ev) {
      var item = ev.target.closest && ev.target.closest(".geomap-places-item");
      if (item && item.geomapPlace) { move(Array.prototype.indexOf.call(items(), item)); app.openPlace(item.geomapPlace, null, false, true); }
    });
    // the list closes when the focus leaves it for anything but its button or the popup
    L.DomEvent.on(list, "focusout", function (ev) {
      var next = ev.relatedTarget;
      if (!next || list.contains(next) || next === toggle || (next.closest && next.closest(".geomap-popup"))) { return; }
      close(false);
    });
    function reselect(id) {
      var all = items();
      for (var i = 0; i < all.length; i++) { if (all[i].dataset.place === id) { move(i); return; } }
      move(0);
    }
    return {
      // the filters or the date changed what is shown: an open list is built again
      day: function () { if (!list.hidden) { var id = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.place : null; fill(); reselect(id); } }
    };
  });
})();
