"""The review app's web server: a Starlette application over the queue and the reviews store.

It serves its page and assets from the package (no network), answers only loopback clients
unless told otherwise, and takes decisions only with the page's token (another site open in
the same browser cannot post one).
"""

from __future__ import annotations

import ipaddress
import secrets
from importlib import resources

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from geomap.app.queue import ReviewQueue
from geomap.exc import GeomapError, ReviewConflict
from geomap.periods import PRECISIONS
from geomap.records import KINDS
from geomap.reviews import REASONS, Review, ReviewStore, make_review, match_reviews

ASSETS = {"review.js": "text/javascript", "review.css": "text/css"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MAX_BODY = 64 * 1024


def is_loopback(host: str) -> bool:
    """Whether an address (or 'localhost') is this machine's loopback."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host of a Host header, without its port ('[::1]:8000' -> '::1')."""
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class LoopbackOnly:
    """ASGI middleware: unless remote clients are allowed, a client whose address is not
    loopback gets 403, and a request naming another host than ``hosts`` gets 400 (a web
    page elsewhere cannot reach the app through a name of its own: DNS rebinding)."""

    def __init__(
        self, app: ASGIApp, allow_remote: bool = False, hosts: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.allow_remote = allow_remote
        self.hosts = {"localhost", "127.0.0.1", "::1", *hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allow_remote:
            client = scope.get("client")
            headers = dict(scope.get("headers") or [])
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            response = None
            if not client or not is_loopback(client[0]):
                response = Response("geomap review serves this machine only\n", 403)
            elif host not in self.hosts:
                response = Response("unknown host\n", 400)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _asset(name: str) -> str:
    return resources.files("geomap.app").joinpath("static", name).read_text(encoding="utf-8")


def create_app(
    queue: ReviewQueue,
    store: ReviewStore,
    *,
    reviewer: str = "",
    allow_remote: bool = False,
    hosts: tuple[str, ...] = (),
    token: str | None = None,
) -> Starlette:
    """The review app for ``queue``, recording decisions in ``store`` as ``reviewer``.

    ``allow_remote``: serve clients beyond loopback (``--host``); ``hosts``: the host names
    the page may be reached by besides the loopback ones."""
    token = token or secrets.token_urlsafe(24)
    campaign = queue.campaign
    claims = queue.by_id()
    page = _asset("review.html").replace("{{token}}", token)
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}

    def meta() -> dict:
        profile = campaign.profile
        return {
            "title": profile.title or "geomap",
            "reviewer": reviewer,
            "sides": [{"id": s.id, "label": s.label} for s in profile.sides],
            "kinds": list(KINDS),
            "precisions": list(PRECISIONS),
            "reasons": [{"code": k, "label": v} for k, v in REASONS.items()],
            "places": [
                {"id": p.id, "name": p.name, "alt": list(p.alt_names)} for p in campaign.gazetteer
            ],
        }

    def status_list() -> list[dict]:
        reviews = store.load()
        ids = [c.id for c in queue.claims]
        out = []
        for claim, status in zip(queue.claims, match_reviews(ids, reviews), strict=True):
            out.append(
                {
                    **claim.as_dict(),
                    "status": status.status,
                    "review": status.review.as_dict() if status.review else None,
                }
            )
        return out

    async def index(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return Response("not found\n", 404)
        return Response(_asset(name), media_type=ASSETS[name], headers=headers)

    async def api_queue(request: Request) -> Response:
        return JSONResponse({"meta": meta(), "claims": status_list()}, headers=headers)

    async def api_places(request: Request) -> Response:
        """The place a spelling names (the gazetteer's lookup: case, diacritics, articles
        and scripts folded), and the nearest spellings when it names none."""
        text = request.query_params.get("q", "").strip()
        found = campaign.gazetteer.lookup(text) if text else None
        suggestions = [] if found or not text else campaign.gazetteer.suggest(text)
        return JSONResponse(
            {
                "found": {"id": found.id, "name": found.name} if found else None,
                "suggestions": suggestions,
            },
            headers=headers,
        )

    async def _body(request: Request) -> dict | Response:
        if request.headers.get("x-geomap-token") != token:
            return JSONResponse({"error": "missing or wrong page token"}, 403)
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return JSONResponse({"error": "request too large"}, 413)
        try:
            import json

            body = json.loads(raw)
        except ValueError:
            return JSONResponse({"error": "not JSON"}, 400)
        if not isinstance(body, dict) or body.get("event_id") not in claims:
            return JSONResponse({"error": "unknown claim"}, 404)
        return body

    def _replaces(event_id: str) -> str | None:
        """The row a decision replaces when it was made on an earlier text of the article."""
        ids = [c.id for c in queue.claims]
        status = match_reviews(ids, store.load())[ids.index(event_id)]
        if status.review is not None and status.review.event_id != event_id:
            return status.review.event_id
        return None

    def _conflict(error: ReviewConflict) -> Response:
        current = error.current.as_dict() if error.current else None
        return JSONResponse({"error": error.message, "current": current}, 409)

    async def api_decide(request: Request) -> Response:
        body = await _body(request)
        if isinstance(body, Response):
            return body
        try:
            review = make_review(
                body["event_id"],
                str(body.get("decision", "")),
                corrected={str(k): str(v) for k, v in (body.get("corrected") or {}).items()},
                reason=str(body.get("reason") or ""),
                reviewer=reviewer,
            )
            store.decide(review, expected=_expected(body), replaces=_replaces(review.event_id))
        except ReviewConflict as error:
            return _conflict(error)
        except GeomapError as error:
            return JSONResponse({"error": str(error)}, 422)
        return JSONResponse({"review": review.as_dict(), "status": review.status})

    async def api_undo(request: Request) -> Response:
        body = await _body(request)
        if isinstance(body, Response):
            return body
        previous = body.get("previous")
        try:
            restored = _review_of(previous) if previous else None
            if restored is not None and restored.event_id[:11] != body["event_id"][:11]:
                return JSONResponse({"error": "that row is another claim's"}, 422)
            store.restore(body["event_id"], restored, expected=_expected(body))
        except ReviewConflict as error:
            return _conflict(error)
        except (GeomapError, KeyError, TypeError) as error:
            return JSONResponse({"error": str(error)}, 422)
        return JSONResponse({"review": restored.as_dict() if restored else None})

    routes = [
        Route("/", index),
        Route("/static/{name}", asset),
        Route("/api/queue", api_queue),
        Route("/api/places", api_places),
        Route("/api/decide", api_decide, methods=["POST"]),
        Route("/api/undo", api_undo, methods=["POST"]),
    ]
    middleware = [Middleware(LoopbackOnly, allow_remote=allow_remote, hosts=hosts)]
    return Starlette(routes=routes, middleware=middleware)


def _expected(body: dict) -> str | None:
    value = body.get("expected")
    return None if value is None else str(value)


def _review_of(data: dict) -> Review:
    """A review the page sends back for an undo, checked as a new one."""
    corrected = data.get("corrected") or {}
    return make_review(
        str(data["event_id"]),
        str(data["decision"]),
        corrected={str(k): str(v) for k, v in corrected.items()},
        reason=str(data.get("reason") or ""),
        reviewer=str(data.get("reviewer") or ""),
        time=str(data.get("time") or "") or None,
    )
