"""``geomap review``: the analyst's review app, a local web page over every extracted claim.

    import geomap.app
    geomap.app.review("data", open_browser=False)   # serves until interrupted

Decisions go to ``data/reviews.csv`` (:mod:`geomap.reviews`); ``geomap build`` applies them.
"""

from __future__ import annotations

import getpass
import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geomap.app.queue import ReviewQueue, load_queue
from geomap.app.server import create_app, is_loopback
from geomap.campaign import Campaign, load_campaign
from geomap.exc import UsageError
from geomap.records import MIN_CONFIDENCE
from geomap.reviews import REVIEWS_NAME, ReviewStore


@dataclass
class ReviewServer:
    """A bound (not yet serving) review app: its URL, and ``run()`` to serve until stopped."""

    url: str
    queue: ReviewQueue
    store: ReviewStore
    _server: object
    _sock: socket.socket

    def run(self, on_start: Callable[[], None] | None = None) -> None:
        """Serve until interrupted (Ctrl+C) or ``should_exit`` is set; ``on_start`` is called
        once the server accepts connections."""
        server = self._server
        if on_start is not None:

            def wait_then_call() -> None:
                while not server.started and not server.should_exit:
                    threading.Event().wait(0.05)
                if server.started:
                    on_start()

            threading.Thread(target=wait_then_call, daemon=True).start()
        server.run(sockets=[self._sock])

    def stop(self) -> None:
        self._server.should_exit = True


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def prepare(
    data_dir: str | Path = "data",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    reviewer: str | None = None,
    campaign: Campaign | None = None,
    jobs: int | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> ReviewServer:
    """Extract the claims, bind the port (0: a free one) and make the app, ready to run."""
    import uvicorn

    data_dir = Path(data_dir)
    campaign = campaign or load_campaign(data_dir)
    queue = load_queue(data_dir, campaign=campaign, jobs=jobs, min_confidence=min_confidence)
    store = ReviewStore(
        data_dir / REVIEWS_NAME,
        place_ids={p.id for p in campaign.gazetteer},
        sides=campaign.profile.side_ids,
    )
    store.load()  # a bad reviews file is reported now, not on the first decision
    remote = not is_loopback(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {error.strerror or error}",
            hint="choose another --port (or leave it out for a free one)",
        ) from None
    bound_port = sock.getsockname()[1]
    name = f"[{host.strip('[]')}]" if ":" in host else host
    app = create_app(
        queue,
        store,
        reviewer=default_reviewer() if reviewer is None else reviewer,
        allow_remote=remote,
        hosts=(host.strip("[]"),),
    )
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    return ReviewServer(f"http://{name}:{bound_port}/", queue, store, server, sock)


def review(
    data_dir: str | Path = "data",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    reviewer: str | None = None,
    announce: Callable[[str], None] = print,
    jobs: int | None = None,
    min_confidence: float = MIN_CONFIDENCE,
) -> None:
    """Serve the review app for the data folder's claims until interrupted, announcing its URL
    (and opening it in the browser, unless told not to)."""
    server = prepare(
        data_dir,
        host=host,
        port=port,
        reviewer=reviewer,
        jobs=jobs,
        min_confidence=min_confidence,
    )
    announce(f"geomap review: {server.url}  ({len(server.queue.claims)} claims; Ctrl+C stops)")
    on_start = (lambda: webbrowser.open(server.url)) if open_browser else None
    server.run(on_start)


__all__ = ["ReviewServer", "prepare", "review"]
