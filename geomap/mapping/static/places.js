/* geomap part "places": every place within reach of the keyboard. Only the names with room
 * on the map are labels; this part adds the first stop of the map's Tab order, a button
 * hidden until it has the focus, that opens a list of every place shown, by name (a
 * listbox: arrows, Home/End, Page keys and typed letters move; Enter or Space opens the
 * place's popup with the focus inside it; Escape closes the popup back to the list, and the
 * list back to its button). The list is built when it opens, not with the page, and holds
 * a window of options around the selected one. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el;

  kit.define("places", function (app, options) {
    var map = app.map, container = map.getContainer(), page = options.page || 10, windowSize = options.window || 50;
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
    // (one collator: localeCompare with options makes one per call, ~0.8 s at 10,000 places)
    var collator = new Intl.Collator("en", { sensitivity: "base" }), entries = [], start = 0, current = -1, redrawing = false;
    function shown() {
      return app.places.filter(function (p) { return !p.hidden && (p.kind === "region" ? !!p.marker : !!p.style); })
        .sort(function (a, b) { return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1); });
    }
    // The list holds a window of the places around the selected one, each saying where it
    // stands in the whole (aria-posinset of aria-setsize): 10,000 options in the page cost
    // ~0.3 s of layout at the first focus. The window moves with the selection.
    function render(from) {
      var items = document.createDocumentFragment(), end = Math.min(entries.length, from + windowSize);
      for (var i = from; i < end; i++) {
        var p = entries[i], item = el("li", "geomap-places-item", p.name);
        item.setAttribute("role", "option"); item.setAttribute("aria-selected", "false");
        item.setAttribute("aria-posinset", String(i + 1)); item.setAttribute("aria-setsize", String(entries.length));
        item.tabIndex = -1; item.dataset.place = p.id; item.geomapIndex = i;
        items.appendChild(item);
      }
      redrawing = true;
      list.textContent = ""; list.appendChild(items); start = from; current = -1;
      redrawing = false;
    }
    function fill() { entries = shown(); render(0); }
    // the place at index to (kept within the list) becomes the selected one, with the focus
    function move(to) {
      if (!entries.length) { return; }
      to = Math.max(0, Math.min(entries.length - 1, to));
      if (to < start || to >= start + windowSize) { render(Math.max(0, Math.min(entries.length - windowSize, to - (windowSize >> 1)))); }
      var all = list.children;
      if (current >= 0 && current !== to && all[current - start]) { all[current - start].setAttribute("aria-selected", "false"); all[current - start].tabIndex = -1; }
      var item = all[to - start];
      item.setAttribute("aria-selected", "true"); item.tabIndex = 0;
      current = to;
      redrawing = true; item.focus(); redrawing = false;
    }
    function at() { return current; }
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

    // a place's popup, with the focus inside; the list steps aside (it would cover the
    // popup) until the popup closes, when the focus comes back to the place's option
    function show(place) {
      app.openPlace(place, null, false, true);
      list.classList.add("geomap-places-resting");
      map.once("popupclose", function () { list.classList.remove("geomap-places-resting"); });
    }

    // typed letters find the next place whose name starts with them
    var typed = "", typedAt = 0;
    function find(letter) {
      var now = Date.now();
      typed = now - typedAt < 700 ? typed + letter : letter; typedAt = now;
      var from = at(), first = typed.length > 1 ? from : from + 1;
      for (var k = 0; k < entries.length; k++) {
        var i = (Math.max(first, 0) + k) % entries.length;
        if (entries[i].name.toLowerCase().indexOf(typed) === 0) { move(i); return; }
      }
    }
    L.DomEvent.on(list, "keydown", function (ev) {
      var i = at(), key = ev.key;
      if (key === "ArrowDown") { move(i + 1); }
      else if (key === "ArrowUp") { move(i - 1); }
      else if (key === "Home") { move(0); }
      else if (key === "End") { move(entries.length - 1); }
      else if (key === "PageDown") { move(i + page); }
      else if (key === "PageUp") { move(i - page); }
      else if (key === "Enter" || key === " ") {
        if (entries[current]) { show(entries[current]); }
      } else if (key === "Escape") { close(true); }
      else if (key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) { find(key.toLowerCase()); }
      else { return; }
      ev.preventDefault(); ev.stopPropagation();
    });
    L.DomEvent.on(list, "click", function (ev) {
      var item = ev.target.closest && ev.target.closest(".geomap-places-item");
      if (item) { move(item.geomapIndex); show(entries[item.geomapIndex]); }
    });
    // the list closes when the focus leaves it for anything but its button or the popup
    L.DomEvent.on(list, "focusout", function (ev) {
      var next = ev.relatedTarget;
      if (redrawing || !next || list.contains(next) || next === toggle || (next.closest && next.closest(".geomap-popup"))) { return; }
      close(false);
    });
    function reselect(id) {
      for (var i = 0; i < entries.length; i++) { if (entries[i].id === id) { move(i); return; } }
      move(0);
    }
    return {
      // the filters or the date changed what is shown: an open list is built again
      day: function () { if (!list.hidden) { var was = entries[current]; fill(); reselect(was ? was.id : null); } }
    };
  });
})();
