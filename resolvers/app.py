"""The /graphql endpoint: POST (and GET queries) for clients, GraphiQL on GET for people.

GraphiQL's scripts are served from ``resolvers/static/graphiql`` (a salon's
offline network cannot reach a CDN); see the README there for their origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException as StrawberryHTTPException  # what Strawberry's HTTP view raises
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry import UNSET
from strawberry.asgi import GraphQL

from models.db import Database
from resolvers import karte_images, request_guard
from resolvers.runtime.context import Context
from resolvers.runtime.loaders import Loaders
from resolvers.runtime.reads import RequestReads
from resolvers.schema import schema
from services import api_clients, auth, token_cache
from services.config import Settings

HERE = Path(__file__).resolve().parent
ASSETS_URL = "/graphql/assets"
GRAPHIQL_HTML = (HERE / "graphiql.html").read_text(encoding="utf-8").replace("{{ASSETS}}", ASSETS_URL)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def site_secret(request: Request) -> str | None:
    """The reservation site's server's credential: ``Authorization: ApiClient <secret>``."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "apiclient" and secret else None


class SalonGraphQL(GraphQL[Context, None]):
    def __init__(self, db: Database, settings: Settings) -> None:
        # Multipart requests carry importCustomers' file (GraphQL multipart request spec).
        super().__init__(schema, graphql_ide="graphiql", multipart_uploads_enabled=True)
        self.db = db
        self.settings = settings
        token_cache.configure(settings.token_cache_seconds)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        token = bearer_token(request)
        reads = RequestReads(self.db)
        actor = None
        secret = site_secret(request)
        if secret is not None:
            actor = await api_clients.actor_for_secret(self.db, secret)
        elif token is not None:
            actor = token_cache.cache.get(token)
            if actor is token_cache.MISSING:
                generation = token_cache.cache.generation
                try:
                    async with reads.session() as session:
                        actor = await auth.actor_for_token(session, token)
                except BaseException:
                    await reads.close()
                    raise
                token_cache.cache.put(token, actor, generation)
        return Context(
            db=self.db,
            settings=self.settings,
            actor=actor,
            loaders=Loaders(reads),
            request=request,
            reads=reads,
            token=token,
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:  # type: ignore[override]
        return HTMLResponse(GRAPHIQL_HTML)

    def decode_json(self, data: str | bytes) -> object:
        return request_guard.decode_json(data)

    def encode_json(self, data: object) -> bytes:
        # orjson: several times faster than json.dumps for a page of rows, and UTF-8 as it is
        # (「山田」 is 6 bytes, not the 12 of "\u5c71\u7530").
        return orjson.dumps(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Handle the request, answer malformed bodies clearly, and always give the read connection back."""
        if context is UNSET:
            context = await self.get_context(request, response=None)  # type: ignore[arg-type]
        try:
            return await super().run(request, context, root_value)
        except request_guard.BadRequest as exc:
            return request_guard.response(exc)
        except (HTTPException, StrawberryHTTPException) as exc:
            # Starlette's form parser (a 5,000-character file name, a missing boundary) and
            # Strawberry's view (no query, a mutation by GET) refuse in plain English text: a client
            # reads the same JSON shape as for every other refusal.
            status = getattr(exc, "status_code", 400)
            reason = exc.reason if isinstance(exc, StrawberryHTTPException) else str(exc.detail)
            return request_guard.response(request_guard.refused(status, reason))
        except RecursionError:  # a document nested past the parser's stack
            return request_guard.response(request_guard.BadRequest(request_guard.TOO_DEEP))
        finally:
            await context.reads.close()


def with_cors(app: ASGIApp, settings: Settings) -> ASGIApp:
    """Let the frontends' own origins (CORS_ORIGINS) call /graphql from the browser.

    Only /graphql: the admin is same-origin and keeps its cookie to itself. Clients send
    a bearer token, not cookies, so credentials stay off.
    """
    origins = settings.cors_origin_list
    if not origins:
        return app
    return CORSMiddleware(app, allow_origins=origins, allow_methods=["GET", "POST"],
                          allow_headers=["Authorization", "Content-Type"], max_age=600)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes before anything parses it (HTTP 413).

    Content-Length is checked up front; a body without one (chunked) is counted as it arrives.
    A GraphQL document padded to megabytes with whitespace or a comment is refused, not parsed.
    """

    MESSAGE = "リクエストが大きすぎます。"

    def __init__(self, app: ASGIApp, limit: int, multipart_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.multipart_limit = multipart_limit or limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        # A multipart request (an upload to importCustomers) may be as large as an import file.
        limit = self.multipart_limit if headers.get(b"content-type", b"").startswith(b"multipart/") else self.limit
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        body = {"errors": [{"message": self.MESSAGE, "extensions": {"code": "PAYLOAD_TOO_LARGE",
                                                                    "limit": limit}}]}
        await JSONResponse(body, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


def routes(db: Database, settings: Settings) -> list[BaseRoute]:
    # Route, not Mount: a Mount at /graphql would answer /graphql with a 307 to /graphql/.
    return [
        Route("/graphql", with_cors(BodyLimit(SalonGraphQL(db, settings), settings.graphql_max_body_bytes,
                                              settings.import_max_bytes + 100_000), settings), name="graphql"),
        Mount(ASSETS_URL, app=StaticFiles(directory=HERE / "static" / "graphiql"), name="graphiql-assets"),
        Route("/karte-images/{id}", karte_images.image_route(db), methods=["GET"], name="karte-image"),
    ]
