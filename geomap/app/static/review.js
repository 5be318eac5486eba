// geomap review: the analyst's queue. Article text is untrusted: it enters the page only as
// text nodes (textContent), never as HTML.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="geomap-token"]').content;
  var state = { meta: null, claims: [], byId: {}, visible: [], cursor: 0, undo: [], busy: false, placeId: "" };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function message(text, bad) { var m = $("rv-message"); m.textContent = text || ""; m.className = "rv-message" + (bad ? " rv-bad" : ""); }

  function api(path, body) {
    var init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json", "X-Geomap-Token": token }, body: JSON.stringify(body) };
    return fetch(path, init).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    });
  }

  function sideLabel(id) {
    if (!id) { return "unknown"; }
    var side = state.meta.sides.filter(function (s) { return s.id === id; })[0];
    return side ? side.label : id;
  }
  function reasonLabel(code) {
    var r = state.meta.reasons.filter(function (x) { return x.code === code; })[0];
    return r ? r.label : code;
  }
  function placeName(id) {
    var p = state.meta.places.filter(function (x) { return x.id === id; })[0];
    return p ? p.name : id;
  }

  function load(keepId) {
    return api("/api/queue").then(function (res) {
      state.meta = res.data.meta;
      state.claims = res.data.claims;
      state.byId = {};
      state.claims.forEach(function (c) { state.byId[c.id] = c; });
      if (!state.filled) { fillFilters(); state.filled = true; }
      applyFilters(keepId);
      document.body.setAttribute("data-ready", "1");
    });
  }

  function option(select, value, text) { var o = el("option", null, text); o.value = value; select.appendChild(o); }

  function fillFilters() {
    $("rv-title").textContent = "Review: " + state.meta.title;
    var places = {}, articles = {};
    state.claims.forEach(function (c) { places[c.place_id] = c.place; articles[c.article] = c.outlet + " \u2014 " + c.published + " (" + c.article + ")"; });
    Object.keys(places).sort(function (a, b) { return places[a] < places[b] ? -1 : 1; }).forEach(function (id) { option($("rv-f-place"), id, places[id]); });
    state.meta.kinds.forEach(function (k) { option($("rv-f-kind"), k, k); option($("rv-c-kind"), k, k); });
    Object.keys(articles).sort().forEach(function (a) { option($("rv-f-article"), a, articles[a]); });
    state.meta.precisions.forEach(function (p) { option($("rv-c-precision"), p, p); });
    ["rv-c-actor", "rv-c-controller"].forEach(function (id) {
      option($(id), "", "unknown");
      state.meta.sides.forEach(function (s) { option($(id), s.id, s.label); });
    });
    var reasons = $("rv-reasons");
    state.meta.reasons.forEach(function (r, i) {
      var li = el("li"), b = el("button", "rv-reason", (i + 1) + " " + r.label);
      b.type = "button"; b.setAttribute("data-reason", r.code);
      b.addEventListener("click", function () { closeDialogs(); decide("reject", { reason: r.code }); });
      li.appendChild(b); reasons.appendChild(li);
    });
    ["rv-f-place", "rv-f-from", "rv-f-to", "rv-f-kind", "rv-f-article", "rv-f-status"].forEach(function (id) {
      $(id).addEventListener("change", function () { applyFilters(); });
    });
  }

  // A claim's first and last day as YYYY-MM-DD strings (a month or a year covers all its
  // days, a range its two ends), so that a date filter keeps every claim it overlaps.
  function daySpan(date) {
    var parts = String(date).split("/"), first = parts[0], last = parts[parts.length - 1];
    var pad = { 4: ["-01-01", "-12-31"], 7: ["-01", "-31"] };
    return [first + ((pad[first.length] || [""])[0]), last + ((pad[last.length] || ["", ""])[1])];
  }

  function matches(c) {
    var place = $("rv-f-place").value, from = $("rv-f-from").value, to = $("rv-f-to").value;
    var kind = $("rv-f-kind").value, article = $("rv-f-article").value, status = $("rv-f-status").value;
    var span = daySpan(c.date);
    if (place && c.place_id !== place) { return false; }
    if (from && span[1] < from) { return false; }
    if (to && span[0] > to) { return false; }
    if (kind && c.kind !== kind) { return false; }
    if (article && c.article !== article) { return false; }
    if (status === "todo") { return c.status === "unreviewed" || c.status === "changed"; }
    return !status || c.status === status;
  }

  function applyFilters(keepId) {
    var current = keepId || (state.visible[state.cursor] || {}).id;
    state.visible = state.claims.filter(matches);
    var at = state.visible.map(function (c) { return c.id; }).indexOf(current);
    state.cursor = at >= 0 ? at : 0;
    render();
  }

  function progress() {
    var done = 0, changed = 0;
    state.claims.forEach(function (c) { if (c.status === "changed") { changed++; } else if (c.status !== "unreviewed") { done++; } });
    $("rv-progress").textContent = done + " of " + state.claims.length + " claims decided" + (changed ? "; " + changed + " changed since their review" : "") + " \u00B7 showing " + state.visible.length;
  }

  function sentenceNode(c) {
    var p = el("p", "rv-sentence"), at = 0, text = c.sentence;
    c.marks.forEach(function (m) {
      if (m[0] > at) { p.appendChild(document.createTextNode(text.slice(at, m[0]))); }
      var mark = el("mark", "rv-m-" + m[2], text.slice(m[0], m[1])); mark.title = m[2]; p.appendChild(mark);
      at = m[1];
    });
    if (at < text.length) { p.appendChild(document.createTextNode(text.slice(at))); }
    return p;
  }

  function reviewText(c) {
    var r = c.review;
    if (!r) { return ""; }
    var text = r.status;
    if (r.decision === "reject") { text += ": " + reasonLabel(r.reason); }
    if (r.decision === "correct") {
      text += ": " + Object.keys(r.corrected).map(function (k) { return k + " \u2192 " + (k === "place_id" ? placeName(r.corrected[k]) : r.corrected[k]); }).join(", ");
    }
    text += " (" + (r.reviewer || "someone") + ", " + r.time + ")";
    if (c.status === "changed") { text = "Its sentence changed since it was " + text + ": review it again."; }
    return text;
  }

  function card(c, index) {
    var box = el("article", "rv-claim rv-" + c.status + (index === state.cursor ? " rv-current" : ""));
    box.setAttribute("data-id", c.id); box.setAttribute("data-status", c.status); box.tabIndex = -1;
    var head = el("div", "rv-claim-head");
    head.appendChild(el("span", "rv-impact rv-impact-" + c.impact_rank, c.impact));
    head.appendChild(el("span", "rv-status", c.status));
    head.appendChild(el("strong", "rv-place", c.place));
    head.appendChild(el("span", "rv-what", c.kind + " \u2192 " + c.state));
    box.appendChild(head);
    box.appendChild(sentenceNode(c));
    var when = c.date + " (" + c.date_precision + ")" + (c.date_text ? " \u201c" + c.date_text + "\u201d" : " the day of publication");
    box.appendChild(el("div", "rv-facts", when + " \u00B7 actor " + sideLabel(c.actor) + " \u00B7 holder after " + sideLabel(c.controller) + " \u00B7 confidence " + c.confidence.toFixed(2) + (c.inferred ? " \u00B7 inferred" : "")));
    box.appendChild(el("div", "rv-source", "\u2014 " + (c.outlet || c.article) + ", " + c.published + (c.title ? ": " + c.title : "") + " \u00B7 " + c.article));
    if (c.conflicts.length) {
      var list = el("ul", "rv-conflicts");
      list.appendChild(el("li", "rv-conflicts-head", "Conflicts with:"));
      c.conflicts.forEach(function (id) {
        var o = state.byId[id];
        if (o) { list.appendChild(el("li", null, o.date + " " + o.kind + " \u2192 " + o.state + " \u2014 " + (o.outlet || o.article) + ": \u201c" + o.sentence + "\u201d")); }
      });
      box.appendChild(list);
    }
    var rt = reviewText(c);
    if (rt) { box.appendChild(el("div", "rv-review", rt)); }
    box.addEventListener("click", function () { select(index); });
    return box;
  }

  function render() {
    var list = $("rv-list");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    state.visible.forEach(function (c, i) { list.appendChild(card(c, i)); });
    if (!state.visible.length) { list.appendChild(el("p", "rv-empty", "No claim matches the filters.")); }
    progress();
  }

  function select(index) {
    if (!state.visible.length) { return; }
    state.cursor = Math.max(0, Math.min(state.visible.length - 1, index));
    var nodes = $("rv-list").querySelectorAll(".rv-claim");
    for (var i = 0; i < nodes.length; i++) { nodes[i].classList.toggle("rv-current", i === state.cursor); }
    var node = nodes[state.cursor];
    if (node) { node.scrollIntoView({ block: "nearest" }); }
  }

  function current() { return state.visible[state.cursor]; }

  // The version of the row a decision on c replaces (the row may bear the id the claim had on
  // an earlier text of its article).
  function ownVersion(c) { return c.review ? c.review.version : ""; }

  function decide(decision, extra) {
    var c = current();
    if (!c || state.busy) { return; }
    state.busy = true;
    var body = { event_id: c.id, decision: decision, expected: ownVersion(c), reason: (extra && extra.reason) || "", corrected: (extra && extra.corrected) || {} };
    var previous = c.review;
    api("/api/decide", body).then(function (res) {
      state.busy = false;
      if (res.status === 409) {
        message("Another tab or reviewer decided this claim meanwhile; it is shown as it is now. Decide again if you disagree.", true);
        return load(c.id);
      }
      if (!res.ok) { message(res.data.error || "not saved", true); return; }
      state.undo.push({ id: c.id, previous: previous, version: res.data.review.version });
      c.review = res.data.review; c.status = res.data.status;
      message("Saved: " + c.place + " " + c.status + ". u undoes.");
      var index = state.cursor;
      if (!matches(c)) { applyFilters(); select(index); return; }
      render(); select(index + 1);
    }, function () { state.busy = false; message("The review server does not answer; the decision was not saved.", true); });
  }

  function undo() {
    var last = state.undo.pop();
    if (!last || state.busy) { if (!last) { message("Nothing to undo."); } return; }
    state.busy = true;
    api("/api/undo", { event_id: last.id, previous: last.previous, expected: last.version }).then(function (res) {
      state.busy = false;
      if (res.status === 409) { message("Not undone: another tab or reviewer changed this claim since.", true); return load(last.id); }
      if (!res.ok) { message(res.data.error || "not undone", true); return; }
      message("Undone.");
      return load(last.id);
    }, function () { state.busy = false; state.undo.push(last); message("The review server does not answer; nothing was undone.", true); });
  }

  function closeDialogs() { $("rv-reject").hidden = true; $("rv-correct").hidden = true; }
  function dialogOpen() { return !$("rv-reject").hidden || !$("rv-correct").hidden; }

  function openCorrect() {
    var c = current();
    if (!c) { return; }
    state.placeId = c.place_id;
    $("rv-c-place").value = c.place;
    $("rv-c-place-found").textContent = c.place + " (" + c.place_id + ")";
    $("rv-c-date").value = c.date;
    $("rv-c-precision").value = c.date_precision;
    $("rv-c-kind").value = c.kind;
    $("rv-c-actor").value = c.actor;
    $("rv-c-controller").value = c.controller;
    $("rv-correct").hidden = false;
    $("rv-c-date").focus();
  }

  function findPlace() {
    var q = $("rv-c-place").value;
    return api("/api/places?q=" + encodeURIComponent(q)).then(function (res) {
      var found = res.data.found, near = res.data.suggestions;
      state.placeId = found ? found.id : "";
      $("rv-c-place-found").textContent = found ? found.name + " (" + found.id + ")" : "no such place in the gazetteer" + (near.length ? "; did you mean: " + near.join(", ") : "");
    });
  }

  function saveCorrection(ev) {
    ev.preventDefault();
    var c = current();
    if (!c) { return; }
    var pending = $("rv-c-place").value === c.place ? Promise.resolve() : findPlace();
    pending.then(function () {
      if (!state.placeId) { message("Pick a place the gazetteer knows (any spelling).", true); return; }
      var now = { place_id: state.placeId, date: $("rv-c-date").value.trim(), date_precision: $("rv-c-precision").value, kind: $("rv-c-kind").value, actor: $("rv-c-actor").value, controller: $("rv-c-controller").value };
      var changed = {};
      Object.keys(now).forEach(function (k) { if (now[k] !== c[k] && !(now[k] === "" && (k === "actor" || k === "controller"))) { changed[k] = now[k]; } });
      if ((changed.date || changed.date_precision) && !changed.date) { changed.date = now.date; }
      if (!Object.keys(changed).length) { message("Nothing changed: press a to accept the claim as it is.", true); return; }
      closeDialogs();
      decide("correct", { corrected: changed });
    });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey && ev.key === "z") { undo(); ev.preventDefault(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "Escape") { if (dialogOpen()) { closeDialogs(); ev.preventDefault(); } return; }
    if (!$("rv-reject").hidden) {
      var n = parseInt(ev.key, 10);
      if (n >= 1 && n <= state.meta.reasons.length) { closeDialogs(); decide("reject", { reason: state.meta.reasons[n - 1].code }); ev.preventDefault(); }
      return;
    }
    var tag = (ev.target && ev.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || dialogOpen()) { return; }
    if (ev.key === "j" || ev.key === "ArrowDown") { select(state.cursor + 1); }
    else if (ev.key === "k" || ev.key === "ArrowUp") { select(state.cursor - 1); }
    else if (ev.key === "a") { decide("accept"); }
    else if (ev.key === "r") { if (current()) { $("rv-reject").hidden = false; } }
    else if (ev.key === "e") { openCorrect(); }
    else if (ev.key === "u") { undo(); }
    else { return; }
    ev.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    $("rv-correct").addEventListener("submit", saveCorrection);
    $("rv-c-place").addEventListener("change", findPlace);
    load();
  });
})();
