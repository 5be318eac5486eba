/* geomap part "search": find a place by any spelling and zoom to it; filter the map by side
 * and by event kind; list the events of the chosen date with their sentences. Spellings are
 * compared as the gazetteer compares them (name_key in gazetteer.py): its rules arrive as
 * data (options.rules), applied here by the same steps. */
(function () {
  "use strict";
  var kit = window.geomapKit, el = kit.el, bisect = kit.bisect, isoOf = kit.isoOf;
  var KIND_RANK = { city: 0, town: 1, camp: 2, district: 3, village: 4, neighbourhood: 5, site: 6, region: 7 };

  function isAscii(text) {
    for (var i = 0; i < text.length; i++) { if (text.charCodeAt(i) > 127) { return false; } }
    return true;
  }
  function escapeClass(chars) { return chars.replace(/[\\\]^-]/g, "\\$&"); }

  // normalise_name and name_key of gazetteer.py, from their rules
  function Normaliser(rules) {
    var apos = escapeClass(rules.apostrophes);
    // the gazetteer's own patterns; Python's \b is Unicode-aware, JavaScript's is not
    this.possessive = new RegExp(rules.possessive.replace(/\\b$/, "(?![\\p{L}\\p{N}_])"), "gu");
    this.possessiveEnd = new RegExp(rules.possessiveEnd, "u");
    this.apostrophe = new RegExp("[" + apos + "]", "gu");
    this.numbers = rules.numberNames || {}; // 'three' is '3', where the gazetteer says so
    this.fold = rules.arabicFold;
    this.foldChars = new RegExp("[" + escapeClass(Object.keys(rules.arabicFold).join("")) + "]", "gu");
    this.articles = new Set(rules.articles);
    this.article = rules.arabicArticle;
    this.keyRules = rules.keyRules;
  }
  Normaliser.prototype.stripMarks = function (text) {
    if (isAscii(text)) { return text; }
    var fold = this.fold;
    return text.normalize("NFKD").replace(/\p{Mn}|\p{Me}|\p{Mc}/gu, "").replace(this.foldChars, function (c) { return fold[c]; });
  };
  Normaliser.prototype.token = function (token) {
    var t = this.stripMarks(token).toLowerCase().replace(this.possessiveEnd, "").replace(this.apostrophe, "");
    if (t.indexOf(this.article) === 0 && t.length > this.article.length + 1) { t = t.slice(this.article.length); }
    return Object.prototype.hasOwnProperty.call(this.numbers, t) ? this.numbers[t] : t;
  };
  Normaliser.prototype.name = function (name) {
    var text = this.stripMarks(String(name)).replace(this.possessive, "").replace(this.apostrophe, "");
    var self = this, tokens = (text.match(/[\p{L}\p{N}]+/gu) || []).map(function (t) { return self.token(t); }).filter(Boolean);
    var kept = tokens.filter(function (t) { return !self.articles.has(t); });
    if (kept.length > 1 && kept[0] === "the") { kept = kept.slice(1); }
    return (kept.length ? kept : tokens).join(" ");
  };
  Normaliser.prototype.tokenKey = function (token) {
    if (!isAscii(token)) { return token; }
    var k = token;
    for (var i = 0; i < this.keyRules.length; i++) { k = k.split(this.keyRules[i][0]).join(this.keyRules[i][1]); }
    k = k.replace(/(.)\1+/g, "$1");
    if (k.length > 3 && k.charAt(k.length - 1) === "h" && "aiu".indexOf(k.charAt(k.length - 2)) >= 0) { k = k.slice(0, -1); }
    return k;
  };
  Normaliser.prototype.key = function (name) {
    var self = this;
    return this.name(name).split(" ").map(function (t) { return self.tokenKey(t); }).join(" ");
  };

  kit.define("search", function (app, options) {
    var map = app.map, meta = app.meta, norm = new Normaliser(options.rules), keys = null;
    var sides = app.actors.slice(1), kinds = meta.kinds;
    var filter = { sides: new Set(sides.concat([""])), kinds: new Set(kinds) };
    var ui = {};

    // each place's spellings as keys, on the first search
    function placeKeys() {
      if (!keys) {
        keys = app.places.map(function (p) {
          var names = [p.name].concat(p.spellings ? p.spellings.split("|") : []);
          return names.map(function (n) { return norm.key(n); }).filter(Boolean);
        });
      }
      return keys;
    }
    // the places a query names, best first: the whole spelling, then its start, then a word's
    function find(query) {
      var q = norm.key(query), all = placeKeys(), found = [];
      if (!q) { return []; }
      for (var i = 0; i < all.length; i++) {
        var best = 9;
        for (var j = 0; j < all[i].length; j++) {
          var k = all[i][j];
          var score = k === q ? 0 : k.indexOf(q) === 0 ? 1 : k.indexOf(" " + q) >= 0 ? 2 : 9;
          if (score < best) { best = score; }
        }
        if (best < 9) { found.push([best, KIND_RANK[app.places[i].kind] || 8, app.places[i]]); }
      }
      found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2].name < b[2].name ? -1 : a[2].name > b[2].name ? 1 : 0); });
      return found.slice(0, 12).map(function (f) { return f[2]; });
    }
    function go(place) {
      map.setView([place.lat, place.lon], Math.max(map.getZoom(), place.kind === "region" ? 8 : 11), { animate: false });
      app.openPlace(place);
    }

    // the filters: a place is drawn when its holder's side and its latest event's kind are chosen
    function active() { return filter.sides.size < sides.length + 1 || filter.kinds.size < kinds.length; }
    function latestKind(place, day) {
      var st = app.stateCode(place, day);
      if (!st) { return null; }
      var last = place.ev[st.i + 1] - 1;
      return last >= place.ev[st.i] ? kinds[app.cols.e_code[last] & 7] : null;
    }
    function applyFilter() {
      var on = active(), day = app.day, places = app.places;
      for (var i = 0; i < places.length; i++) {
        var p = places[i], hide = false;
        if (on && p.kind !== "region") {
          var st = p.n ? app.stateCode(p, day) : null;
          hide = !filter.sides.has(st ? (app.actors[st.ctrl] || "") : "");
          if (!hide && filter.kinds.size < kinds.length) { var kind = p.n ? latestKind(p, day) : null; hide = !kind || !filter.kinds.has(kind); }
        }
        p.hidden = hide;
      }
      app.renderer._redraw();
      app.emit("view");
    }

    // the events whose evidence is of the chosen date, with their sentences
    function dayEvents(day) {
      var out = [];
      (app.changed || []).forEach(function (id) {
        var p = app.byId[id];
        app.placeDetail(p);
        var s = bisect(p.days, day);
        if (s < 0 || p.days[s] !== day) { return; }
        for (var k = p.ev[s]; k < p.ev[s + 1]; k++) {
          var code = app.cols.e_code[k], kind = kinds[code & 7];
          if (!filter.kinds.has(kind)) { continue; }
          var actor = app.actors[(code >> 6) & 7] || "", ctrl = app.actors[(code >> 9) & 7] || "";
          if (!filter.sides.has(actor) && !filter.sides.has(ctrl)) { continue; }
          out.push({ place: p, k: k, head: app.eventHead(code, isoOf(day)), kind: kind });
        }
      });
      return out;
    }
    // filled only while its panel is open: a day of a 10,000-place map may hold thousands
    function showEvents(day) {
      var list = ui.events;
      if (!list || !ui.more.open) { return; }
      while (list.firstChild) { list.removeChild(list.firstChild); }
      var events = dayEvents(day);
      ui.eventsHead.textContent = "Events on " + isoOf(day) + " (" + events.length + ")";
      var claimStart = app.claims();
      events.forEach(function (e) {
        var li = el("li", "geomap-day-event"), name = el("button", "geomap-day-place", e.place.name);
        name.type = "button";
        L.DomEvent.on(name, "click", function () { go(e.place); });
        li.appendChild(name); li.appendChild(el("span", "geomap-day-head", " " + e.head.replace(/^\S+ /, "")));
        for (var j = claimStart[e.k]; j < claimStart[e.k + 1]; j++) {
          var sentence = app.str[app.cols.c_sentence[j]], art = app.data.a[app.cols.c_article[j]];
          if (sentence) { li.appendChild(el("q", null, sentence)); }
          if (art) { li.appendChild(el("div", "geomap-src", "\u2014 " + (art[1] || art[0]) + ", " + art[2])); }
        }
        list.appendChild(li);
      });
    }

    function checkboxes(box, legend, values, labels, set) {
      var field = el("fieldset", "geomap-filter"); field.appendChild(el("legend", null, legend));
      values.forEach(function (v, i) {
        var label = el("label"), input = el("input");
        input.type = "checkbox"; input.checked = true; input.value = v;
        L.DomEvent.on(input, "change", function () { if (input.checked) { set.add(v); } else { set.delete(v); } applyFilter(); showEvents(app.day); });
        label.appendChild(input); label.appendChild(document.createTextNode(" " + labels[i])); field.appendChild(label);
      });
      box.appendChild(field);
    }

    var Search = L.Control.extend({ options: { position: "topright" }, onAdd: function () {
      var box = el("div", "geomap-search geomap-fold");
      var toggle = el("button", "geomap-fold-toggle geomap-search-toggle", "Find & filter"); toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      L.DomEvent.on(toggle, "click", function () {
        var open = !box.classList.contains("geomap-open");
        box.classList.toggle("geomap-open", open); toggle.setAttribute("aria-expanded", String(open));
      });
      var body = el("div", "geomap-fold-body");
      var input = el("input", "geomap-search-input"); input.type = "search"; input.placeholder = "Find a place";
      input.setAttribute("aria-label", "Find a place by any spelling"); input.setAttribute("autocomplete", "off");
      var results = el("ul", "geomap-search-results"); results.setAttribute("role", "listbox");
      L.DomEvent.on(input, "input", function () {
        while (results.firstChild) { results.removeChild(results.firstChild); }
        find(input.value).forEach(function (p) {
          var li = el("li"), b = el("button", "geomap-search-result", p.name); b.type = "button";
          if (p.spellings) { b.title = p.spellings.split("|").join(", "); }
          L.DomEvent.on(b, "click", function () { go(p); });
          li.appendChild(b); results.appendChild(li);
        });
      });
      L.DomEvent.on(input, "keydown", function (ev) {
        if (ev.key === "Enter") { var first = find(input.value)[0]; if (first) { go(first); } ev.preventDefault(); }
      });
      body.appendChild(input); body.appendChild(results);
      var more = el("details", "geomap-search-more"); ui.more = more;
      L.DomEvent.on(more, "toggle", function () { showEvents(app.day); });
      more.appendChild(el("summary", null, "Filters and the date's events"));
      checkboxes(more, "Held by", sides.concat([""]), sides.map(function (s) { return app.label(s); }).concat(["no information"]), filter.sides);
      checkboxes(more, "Latest event", kinds, kinds, filter.kinds);
      ui.eventsHead = el("div", "geomap-pop-head", "");
      ui.events = el("ul", "geomap-day-events");
      more.appendChild(ui.eventsHead); more.appendChild(ui.events);
      body.appendChild(more);
      box.appendChild(toggle); box.appendChild(body);
      L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
      return box;
    } });
    new Search().addTo(map);

    return {
      day: function (day) { if (active()) { applyFilter(); } showEvents(day); },
      api: {
        normalise: function (text) { return norm.key(text); },
        find: function (query) { return find(query).map(function (p) { return p.id; }); },
        goTo: function (id) { var p = app.byId[id]; if (!p) { return false; } go(p); return true; },
        dayEvents: function () { return dayEvents(app.day).map(function (e) { return { place: e.place.id, kind: e.kind }; }); }
      }
    };
  });
})();
