/* geomap part "slider": the campaign's time axis. The date in large type with its weekday,
 * the slider with a tick on each day with events, previous/next event, play at a choice of
 * speeds (skipping quiet days unless asked), the keyboard, and the address: the URL's hash
 * follows the view (#date=2019-01-23&place=<id>&z=11&ll=34.6,40.8), so a copied link opens
 * the same view and back/forward walk through the dates and places seen. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el, isoOf = kit.isoOf, dayOf = kit.dayOf, bisect = kit.bisect, DAY_MS = kit.DAY_MS;
  var WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  var HASH_DELAY_MS = 300; // the address is written once a burst of changes settles

  function weekday(day) { return WEEKDAYS[new Date(day * DAY_MS).getUTCDay()]; }
  // "Wednesday 23 January 2019": what a screen reader says for the slider
  function spoken(day) {
    var d = new Date(day * DAY_MS);
    return weekday(day) + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  // The slider's stops: every day (or week, or month) from the axis' start to its end.
  function stops(step, first, last) {
    var out = [], day = first;
    if (step === "week") { for (; day <= last; day += 7) { out.push(day); } }
    else if (step === "month") {
      var dt = new Date(first * DAY_MS);
      while (Math.round(dt.getTime() / DAY_MS) <= last) { out.push(Math.round(dt.getTime() / DAY_MS)); dt.setUTCMonth(dt.getUTCMonth() + 1); }
    } else { for (; day <= last; day++) { out.push(day); } }
    if (out[out.length - 1] !== last) { out.push(last); }
    return out;
  }

  function parseHash(hash) {
    var out = {};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) { try { out[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); } catch (e) { /* a broken escape: ignored */ } }
    });
    var view = { day: dayOf(out.date), place: out.place || null, zoom: null, center: null };
    if (/^\d{1,2}$/.test(out.z || "")) { view.zoom = +out.z; }
    var ll = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(out.ll || "");
    if (ll && Math.abs(+ll[1]) <= 90 && Math.abs(+ll[2]) <= 180) { view.center = [+ll[1], +ll[2]]; }
    return view;
  }

  kit.define("slider", function (app, options) {
    var map = app.map, meta = app.meta;
    var first = dayOf(meta.axisStart), last = dayOf(meta.axisEnd);
    var stepDays = stops(options.step || "day", first, last);
    // a stop is busy when some place has evidence in the days it stands for
    var busy = new Uint8Array(stepDays.length), events = app.eventDays, i, k;
    for (k = 0; k < events.length; k++) {
      i = bisect(stepDays, events[k] - 1) + 1; // the first stop on or after the event
      if (events[k] >= first && i < stepDays.length) { busy[i] = 1; }
    }
    var speeds = options.speeds || [1, 2, 4, 8], state = { speed: 1, quiet: !options.skipQuiet, timer: null };
    var ui = {};

    var Panel = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "geomap-slider leaflet-bar");
        L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
        var top = el("div", "geomap-slider-top");
        ui.date = el("div", "geomap-date");
        ui.weekday = el("span", "geomap-weekday"); ui.iso = el("span", "geomap-iso");
        ui.date.appendChild(ui.weekday); ui.date.appendChild(ui.iso);
        top.appendChild(ui.date);
        box.appendChild(top); ui.top = top;
        var row = el("div", "geomap-slider-row");
        function button(cls, label, title, fn) { var b = el("button", cls, label); b.type = "button"; b.title = title; b.setAttribute("aria-label", title); L.DomEvent.on(b, "click", fn); row.appendChild(b); return b; }
        button("geomap-prev", "\u00AB", "Previous event (PageUp)", function () { jump(-1); });
        ui.play = button("geomap-play", "\u25B6", "Play / pause (space)", function () { toggle(); });
        ui.play.setAttribute("aria-pressed", "false");
        button("geomap-next", "\u00BB", "Next event (PageDown)", function () { jump(1); });
        var track = el("div", "geomap-track");
        var range = el("input", "geomap-range");
        range.type = "range"; range.min = 0; range.max = stepDays.length - 1; range.step = 1;
        range.setAttribute("aria-label", "Date");
        L.DomEvent.on(range, "input", function () { app.setDay(stepDays[+range.value]); });
        track.appendChild(range); track.appendChild(ticks());
        row.appendChild(track); ui.range = range;
        box.appendChild(row);
        var settings = el("div", "geomap-slider-settings");
        var speed = el("select", "geomap-speed"); speed.setAttribute("aria-label", "Play speed");
        speeds.forEach(function (s) { var o = el("option", null, s + "\u00D7"); o.value = s; speed.appendChild(o); });
        L.DomEvent.on(speed, "change", function () { state.speed = +speed.value; if (state.timer) { toggle(); toggle(); } });
        var quietLabel = el("label", "geomap-quiet"), quiet = el("input");
        quiet.type = "checkbox"; quiet.checked = state.quiet;
        L.DomEvent.on(quiet, "change", function () { state.quiet = quiet.checked; });
        quietLabel.appendChild(quiet); quietLabel.appendChild(document.createTextNode(" play quiet days"));
        settings.appendChild(speed); settings.appendChild(quietLabel);
        settings.appendChild(el("span", "geomap-axis", meta.axisStart + " \u2013 " + meta.axisEnd));
        box.appendChild(settings); ui.settings = settings;
        ui.changes = el("div", "geomap-changes", "");
        ui.changes.setAttribute("aria-live", "polite");
        box.appendChild(ui.changes);
        return box;
      }
    });

    // one tick per busy stop, as one SVG path stretched under the slider
    function ticks() {
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg"), d = [];
      var n = Math.max(stepDays.length - 1, 1);
      svg.setAttribute("class", "geomap-ticks"); svg.setAttribute("viewBox", "0 0 " + n + " 1");
      svg.setAttribute("preserveAspectRatio", "none"); svg.setAttribute("aria-hidden", "true");
      for (var j = 0; j < busy.length; j++) { if (busy[j]) { d.push("M" + j + " 0V1"); } }
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", d.join("")); path.setAttribute("vector-effect", "non-scaling-stroke");
      svg.appendChild(path);
      return svg;
    }

    function stepBy(n) {
      var at = bisect(stepDays, app.day), j = at + n;
      if (at < 0 && n > 0) { j = 0; }
      if (j < 0 || j >= stepDays.length) { return false; }
      app.setDay(stepDays[j]); return true;
    }
    // the next stop with events, or -1
    function nextBusy() {
      for (var j = bisect(stepDays, app.day) + 1; j < stepDays.length; j++) { if (busy[j]) { return j; } }
      return -1;
    }
    function jump(n) {
      var days = app.eventDays, j;
      if (n > 0) { j = bisect(days, app.day) + 1; } else { j = bisect(days, app.day - 1); }
      if (j >= 0 && j < days.length && days[j] >= first && days[j] <= last) { app.setDay(days[j]); }
    }
    function tick() {
      if (state.quiet) { return stepBy(1); }
      var j = nextBusy();
      if (j < 0) { return false; }
      app.setDay(stepDays[j]); return true;
    }
    function toggle() {
      if (state.timer) {
        clearInterval(state.timer); state.timer = null;
        ui.play.textContent = "\u25B6"; ui.play.setAttribute("aria-pressed", "false"); return;
      }
      if (bisect(stepDays, app.day) >= stepDays.length - 1) { app.setDay(stepDays[0]); }
      ui.play.textContent = "\u2759\u2759"; ui.play.setAttribute("aria-pressed", "true");
      state.timer = setInterval(function () { if (!tick()) { toggle(); } }, Math.max(16, (options.playMs || 250) / state.speed));
    }

    // The address: written (debounced) after a date, place or view change; a new date or
    // place is a new history entry, a pan or zoom replaces the current one.
    var link = { timer: null, pushed: null, applying: false };
    function hashOf() {
      var c = map.getCenter(), place = app.popupPlace && app.placePopup.isOpen() ? app.popupPlace.id : null;
      return "#date=" + isoOf(app.day) + (place ? "&place=" + encodeURIComponent(place) : "") +
        "&z=" + map.getZoom() + "&ll=" + +c.lat.toFixed(4) + "," + +c.lng.toFixed(4);
    }
    function writeHash() {
      link.timer = null;
      var hash = hashOf(), key = hash.replace(/&z=.*$/, "");
      if (hash === window.location.hash) { return; }
      try {
        if (link.pushed !== null && key !== link.pushed && !state.timer) { history.pushState(null, "", hash); }
        else { history.replaceState(null, "", hash); }
      } catch (e) { return; } // a sandboxed frame without history: the address stays
      link.pushed = key;
    }
    function scheduleHash() {
      if (link.applying) { return; }
      if (link.timer) { clearTimeout(link.timer); }
      link.timer = setTimeout(writeHash, HASH_DELAY_MS);
    }
    function applyHash() {
      var view = parseHash(window.location.hash);
      link.applying = true;
      if (view.day !== null && view.day !== app.day) { app.setDay(view.day); }
      if (view.zoom !== null || view.center) { map.setView(view.center || map.getCenter(), view.zoom !== null ? view.zoom : map.getZoom(), { animate: false }); }
      var place = view.place && app.byId[view.place];
      if (place) { app.openPlace(place, null, true); } else if (app.placePopup.isOpen()) { map.closePopup(); }
      link.applying = false;
      link.pushed = hashOf().replace(/&z=.*$/, "");
    }

    new Panel().addTo(map);
    // on a narrow screen the slider spans the bottom: the bottom-right corner (legend, scale,
    // credits) sits above it
    var narrow = window.matchMedia("(max-width: 600px)");
    function layout() {
      var corner = map._controlCorners.bottomright, box = ui.range.closest(".geomap-slider");
      corner.style.bottom = narrow.matches ? Math.ceil(box.getBoundingClientRect().height) + "px" : "";
    }
    layout();
    map.on("resize", layout);
    if (window.ResizeObserver) { new ResizeObserver(layout).observe(ui.range.closest(".geomap-slider")); }
    if (narrow.addEventListener) { narrow.addEventListener("change", layout); }
    var opened = parseHash(window.location.hash);
    if (opened.day !== null) { app.initialDay = opened.day; }
    else { app.initialDay = dayOf(meta.start); }
    if (opened.zoom !== null || opened.center) { map.setView(opened.center || map.getCenter(), opened.zoom !== null ? opened.zoom : map.getZoom(), { animate: false }); }
    setTimeout(function () {
      var place = opened.place && app.byId[opened.place];
      if (place) { link.applying = true; app.openPlace(place, null, true); link.applying = false; }
      link.pushed = hashOf().replace(/&z=.*$/, "");
    }, 0);
    map.on("popupopen popupclose", scheduleHash);
    window.addEventListener("popstate", applyHash);
    window.addEventListener("hashchange", applyHash);

    L.DomEvent.on(document, "keydown", function (ev) {
      var tag = (ev.target && ev.target.tagName) || "";
      if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && ev.target.type !== "range")) { return; }
      if (ev.target && ev.target.closest && ev.target.closest(".leaflet-popup")) { return; }
      if (ev.key === "ArrowRight") { stepBy(1); ev.preventDefault(); }
      else if (ev.key === "ArrowLeft") { stepBy(-1); ev.preventDefault(); }
      else if (ev.key === "PageDown") { jump(1); ev.preventDefault(); }
      else if (ev.key === "PageUp") { jump(-1); ev.preventDefault(); }
      else if (ev.key === " " && tag !== "BUTTON") { toggle(); ev.preventDefault(); }
    });

    return {
      top: function () { return ui.top; },
      settings: function () { return ui.settings; },
      day: function (day, changed) {
        ui.weekday.textContent = weekday(day).slice(0, 3) + " ";
        ui.iso.textContent = isoOf(day);
        var names = changed.slice(0, 12).map(function (id) { return app.byId[id].name; });
        if (changed.length > 12) { names.push("and " + (changed.length - 12).toLocaleString("en-US") + " more"); }
        ui.changes.textContent = changed.length ? "Changed on this date: " + names.join(", ") : "";
        ui.range.value = Math.max(0, bisect(stepDays, day));
        ui.range.setAttribute("aria-valuetext", spoken(day));
        scheduleHash();
      },
      view: scheduleHash,
      api: {
        play: function () { if (!state.timer) { toggle(); } },
        pause: function () { if (state.timer) { toggle(); } },
        playing: function () { return !!state.timer; },
        setSpeed: function (s) { state.speed = s; },
        ticks: function () { var out = []; for (var j = 0; j < busy.length; j++) { if (busy[j]) { out.push(isoOf(stepDays[j])); } } return out; },
        view: function () { return parseHash(hashOf()); },
        hash: hashOf
      }
    };
  });
})();
