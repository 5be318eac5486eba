"""geomap review in a real headless Chromium: decisions by keyboard, saved after each one,
applied by the next build; the server answers this machine only."""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DATA, small_data
from geomap.app import prepare
from geomap.app.queue import ReviewQueue
from geomap.app.server import create_app
from geomap.campaign import load_campaign
from geomap.pipeline import build
from geomap.reviews import ReviewStore, read_reviews

HOSTILE = '<img src=x onerror="window.pwned=1">'


def _rows(data_dir: Path) -> dict[str, dict]:
    with open(data_dir / "reviews.csv", newline="", encoding="utf-8") as handle:
        return {row["event_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture()
def served(data_copy):
    """The review app of a copy of data/, served from a thread; stopped after the test."""
    servers = []

    def _serve(data_dir: Path = data_copy):
        server = prepare(data_dir, reviewer="tester", jobs=1)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server._server.started:
            assert time.monotonic() < deadline, "the review server did not start"
            time.sleep(0.05)
        servers.append((server, thread))
        return server

    yield _serve
    for server, thread in servers:
        server.stop()
        thread.join(10)


@pytest.fixture()
def open_app(browser):
    """open_app(url) -> a page of the review app, loaded; any other request is refused."""
    contexts = []

    def _open(url: str):
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: r.url.startswith((url, "data:")) or outside.append(r.url))
        page.route(
            "http*://**",
            lambda route: route.continue_() if route.request.url.startswith(url) else route.abort(),
        )
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.outside = outside
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']")
        page.errors = errors
        return page

    yield _open
    for context in contexts:
        context.close()


def _current(page) -> str:
    return page.get_attribute(".rv-claim.rv-current", "data-id")


def _wait_status(page, claim_id: str, status: str) -> None:
    page.wait_for_selector(f"article[data-id='{claim_id}'][data-status='{status}']")


def _only(page, place_id: str) -> str:
    """Filter the queue to one place and put the cursor on its first claim."""
    page.select_option("#rv-f-place", place_id)
    page.locator(".rv-claim").first.click()
    return _current(page)


@pytest.mark.browser
def test_accept_reject_correct_undo_with_the_keyboard_and_reload(served, open_app, data_copy):
    (data_copy / "articles" / "zz_hostile.txt").write_text(
        "---\ntitle: test\noutlet: Test Wire\npublished: 2018-12-20\n---\n"
        f"Kurdish-led fighters captured Hajin {HOSTILE} on Friday.\n"
    )
    page = open_app(served().url)
    first = _current(page)
    page.keyboard.press("a")
    _wait_status(page, first, "accepted")
    second = _current(page)
    assert second != first  # the cursor moved on
    page.keyboard.press("r")
    page.keyboard.press("3")  # wrong date
    _wait_status(page, second, "rejected")
    third = _current(page)
    page.keyboard.press("e")
    page.fill("#rv-c-date", "2018-12-10")
    page.keyboard.press("Enter")
    _wait_status(page, third, "corrected")
    page.keyboard.press("u")  # undo the correction
    _wait_status(page, third, "unreviewed")
    assert third not in _rows(data_copy)
    page.keyboard.press("k")
    page.keyboard.press("j")
    assert _current(page) == third
    page.keyboard.press("e")
    page.select_option("#rv-c-kind", "held")
    page.focus("#rv-c-date")
    page.keyboard.press("Enter")
    _wait_status(page, third, "corrected")
    rows = _rows(data_copy)
    assert rows[first]["decision"] == "accept" and rows[first]["reviewer"] == "tester"
    assert (rows[second]["decision"], rows[second]["reason"]) == ("reject", "wrong_date")
    assert rows[third]["decision"] == "correct"
    assert (
        rows[third]["corrected_fields"].startswith("kind=held")
        or "kind=held" in (rows[third]["corrected_fields"])
    )
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    for claim_id, status in ((first, "accepted"), (second, "rejected"), (third, "corrected")):
        _wait_status(page, claim_id, status)
    assert "3 of" in page.inner_text("#rv-progress")
    # the article's markup is text in the page, never markup
    hostile = page.locator(".rv-sentence", has_text="<img src=x")
    assert hostile.count() >= 1
    assert page.locator(".rv-list img").count() == 0
    assert page.evaluate("() => window.pwned === undefined")
    assert page.errors == []
    assert page.outside == []  # the page loads nothing from the network


@pytest.mark.browser
def test_a_build_after_review_changes_the_map(served, open_app, open_map, data_copy, built):
    before = open_map(built.map_path).page
    before.evaluate("window.geomap.setDate('2018-12-14')")
    assert before.evaluate("window.geomap.state('buqaan')")["controller"] == "ISIS"
    assert before.evaluate("window.geomap.state('shajla')")["controller"] == "ISIS"
    assert before.evaluate("window.geomap.review()") is None  # no review read: no mark

    page = open_app(served().url)
    buqaan = _only(page, "buqaan")
    page.keyboard.press("r")
    page.keyboard.press("1")  # not a control change
    _wait_status(page, buqaan, "rejected")
    shajla = _only(page, "shajla")
    page.keyboard.press("e")
    page.select_option("#rv-c-kind", "captured")
    page.select_option("#rv-c-actor", "SDF")
    page.select_option("#rv-c-controller", "SDF")
    page.focus("#rv-c-date")
    page.keyboard.press("Enter")
    _wait_status(page, shajla, "corrected")
    susah = _only(page, "al_susah")
    page.keyboard.press("a")
    _wait_status(page, susah, "accepted")

    result = build(data_copy, data_copy.parent / "out", jobs=1)
    after = open_map(result.map_path).page
    after.evaluate("window.geomap.setDate('2018-12-14')")
    assert after.evaluate("window.geomap.state('buqaan')")["controller"] != "ISIS"
    assert after.evaluate("window.geomap.state('shajla')")["controller"] == "SDF"
    review = after.evaluate("window.geomap.review()")
    assert review["reviewed"] == 2 and review["corrected"] == 1
    legend = after.inner_text(".geomap-legend")
    assert f"Reviewed by an analyst: 2 of {review['claims']} claims" in legend
    after.evaluate("window.geomap.select('shajla')")
    after.wait_for_selector(".geomap-pop[data-place='shajla']")
    assert "corrected by an analyst" in after.inner_text(".geomap-pop")
    after.evaluate("window.geomap.select('al_susah')")
    after.wait_for_selector(".geomap-pop[data-place='al_susah']")
    assert "\u2713 reviewed" in after.inner_text(".geomap-pop")
    after.click(".geomap-sources-toggle")
    assert "Reviewed: " in after.inner_text(".geomap-sources-body")


def _start_cli(data_dir: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "geomap.cli", "review", "--data", str(data_dir), "--no-browser"]
        + ["--jobs", "1", "--reviewer", "tester"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = process.stdout.readline()
    assert "http://127.0.0.1:" in line, line
    url = line.split()[2]
    deadline = time.monotonic() + 20
    while True:  # the port is bound before uvicorn serves it
        try:
            socket.create_connection(
                ("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))), 1
            ).close()
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    return process, url


@pytest.mark.browser
def test_a_killed_server_loses_no_saved_decision(open_app, data_copy):
    process, url = _start_cli(data_copy)
    try:
        page = open_app(url)
        first = _current(page)
        page.keyboard.press("a")
        _wait_status(page, first, "accepted")
        second = _current(page)
        page.keyboard.press("r")
        page.keyboard.press("6")  # duplicate
        _wait_status(page, second, "rejected")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    rows = _rows(data_copy)
    assert rows[first]["decision"] == "accept"
    assert (rows[second]["decision"], rows[second]["reason"]) == ("reject", "duplicate")
    assert not [p for p in os.listdir(data_copy) if p.endswith(".tmp")]
    process, url = _start_cli(data_copy)  # a new server shows what the killed one saved
    try:
        page = open_app(url)
        _wait_status(page, first, "accepted")
        _wait_status(page, second, "rejected")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def _asgi_get(app, path: str, client: str, host: str = "127.0.0.1") -> int:
    """The status an ASGI app answers a GET from ``client`` with."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host.encode())],
        "client": (client, 40000),
        "server": ("127.0.0.1", 8000),
    }
    # in a thread of its own: Playwright's sync API keeps an event loop in this one
    worker = threading.Thread(target=asyncio.run, args=(app(scope, receive, send),))
    worker.start()
    worker.join(10)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def _local_address() -> str | None:
    """This machine's address on its network (no packet is sent), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_requests_from_outside_loopback_are_not_served_by_default(tmp_path, served, data_copy):
    campaign = load_campaign(DATA)
    queue = ReviewQueue([], campaign, tmp_path)
    app = create_app(queue, ReviewStore(tmp_path / "reviews.csv"))
    assert _asgi_get(app, "/api/queue", "127.0.0.1") == 200
    assert _asgi_get(app, "/api/queue", "192.0.2.7") == 403
    assert _asgi_get(app, "/", "10.1.2.3") == 403
    assert _asgi_get(app, "/api/queue", "127.0.0.1", host="attacker.example") == 400
    assert _asgi_get(app, "/api/queue", "127.0.0.1", host="attacker.example:80") == 400
    assert _asgi_get(app, "/api/queue", "::1", host="[::1]:8000") == 200
    assert _asgi_get(app, "/api/queue", "127.0.0.1", host="localhost:8000") == 200
    open_to_all = create_app(queue, ReviewStore(tmp_path / "reviews.csv"), allow_remote=True)
    assert _asgi_get(open_to_all, "/api/queue", "192.0.2.7") == 200
    # the server listens on loopback only: this machine's network address is refused
    server = served(data_copy)
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    socket.create_connection(("127.0.0.1", port), 2).close()
    address = _local_address()
    if address is not None:
        with pytest.raises(OSError):
            socket.create_connection((address, port), 2).close()


def test_a_decision_needs_the_page_token(served, data_copy):
    import json
    import urllib.error
    import urllib.request

    server = served(data_copy)
    claim = server.queue.claims[0].id
    request = urllib.request.Request(
        server.url + "api/decide",
        data=json.dumps({"event_id": claim, "decision": "accept"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert error.value.code == 403
    assert read_reviews(data_copy / "reviews.csv") == {}


def test_review_warns_when_listening_beyond_loopback(cli, monkeypatch, data_copy):
    calls = []
    monkeypatch.setattr("geomap.app.review", lambda data_dir, **kw: calls.append(kw))
    result = cli("review", "--data", data_copy, "--host", "0.0.0.0", "--no-browser")
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.output
    assert calls[0]["host"] == "0.0.0.0" and calls[0]["open_browser"] is False
    result = cli("review", "--data", data_copy, "--no-browser", "--port", "8765")
    assert "warning" not in result.output
    assert calls[1]["host"] == "127.0.0.1" and calls[1]["port"] == 8765


@pytest.mark.browser
def test_two_tabs_lose_no_decision_and_a_stale_tab_cannot_overwrite(served, open_app, data_copy):
    url = served().url
    first_tab, second_tab = open_app(url), open_app(url)
    claim = _current(first_tab)
    first_tab.keyboard.press("a")
    _wait_status(first_tab, claim, "accepted")
    assert _current(second_tab) == claim  # this tab has not seen the decision
    second_tab.keyboard.press("r")
    second_tab.keyboard.press("4")
    _wait_status(second_tab, claim, "accepted")  # refused; shown as it is now
    assert "Another tab or reviewer" in second_tab.inner_text("#rv-message")
    assert _rows(data_copy)[claim]["decision"] == "accept"
    # each tab decides another claim: both are kept
    first_tab.keyboard.press("a")
    second_tab.keyboard.press("j")
    second_tab.keyboard.press("j")
    other = _current(second_tab)
    second_tab.keyboard.press("r")
    second_tab.keyboard.press("2")
    _wait_status(second_tab, other, "rejected")
    first_next = first_tab.get_attribute(".rv-claim[data-status='accepted'] >> nth=1", "data-id")
    rows = _rows(data_copy)
    assert {claim, first_next, other} <= set(rows)
    assert rows[other]["reason"] == "wrong_place"


@pytest.mark.browser
def test_a_correction_finds_the_place_by_any_spelling(served, open_app, data_copy):
    page = open_app(served().url)
    claim = _only(page, "hajin")
    page.keyboard.press("e")
    page.fill("#rv-c-place", "الباغوز")  # Arabic script, as some outlets write it
    page.dispatch_event("#rv-c-place", "change")
    page.wait_for_selector("#rv-c-place-found:has-text('baghuz_fawqani')")
    page.focus("#rv-c-date")
    page.keyboard.press("Enter")
    _wait_status(page, claim, "corrected")
    assert _rows(data_copy)[claim]["corrected_fields"] == "place_id=baghuz_fawqani"
    assert "place_id \u2192 al-Baghuz Fawqani" in page.inner_text(f"article[data-id='{claim}']")
    page.keyboard.press("k")  # back to it: a spelling the gazetteer lacks is not accepted
    page.keyboard.press("e")
    page.fill("#rv-c-place", "Atlantis")
    page.dispatch_event("#rv-c-place", "change")
    page.wait_for_selector("#rv-c-place-found:has-text('no such place')")
    before = _rows(data_copy)
    page.focus("#rv-c-date")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rv-message:has-text('Pick a place the gazetteer knows')")
    assert _rows(data_copy) == before


def test_a_date_filter_keeps_a_month_claim_it_overlaps(served, open_app, tmp_path):
    """A claim dated 'in December' (a month) lies inside 5-10 December: the filter keeps it."""
    article = (
        "---\ntitle: T\noutlet: Test Wire\npublished: 2018-12-20\n---\n"
        "SDF fighters captured Hajin in December.\n"
    )
    data = small_data(tmp_path / "month", {"a.txt": article})
    page = open_app(served(data).url)
    page.fill("#rv-f-from", "2018-12-05")
    page.fill("#rv-f-to", "2018-12-10")
    page.dispatch_event("#rv-f-to", "change")
    assert "showing 1" in page.inner_text("#rv-progress")
    page.fill("#rv-f-from", "2019-01-01")
    page.fill("#rv-f-to", "2019-01-31")
    page.dispatch_event("#rv-f-to", "change")
    assert "showing 0" in page.inner_text("#rv-progress")
