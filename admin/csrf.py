"""CSRF defence for /admin (sqladmin has none).

Two checks on every unsafe request (POST, DELETE …):

- **Origin**: when the browser sends an ``Origin`` header it must be this host.
- **Token**: a random per-session token, sent back either as the ``csrf_token``
  form field (rendered into every admin form by the template overrides) or as
  the ``X-CSRF-Token`` header (set by ``base.html`` on jQuery's DELETE calls).

The middleware sits inside the session middleware, so the token lives in the
signed session cookie; templates read it through :func:`current_token`.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FIELD_NAME = "csrf_token"
HEADER_NAME = "x-csrf-token"
SESSION_KEY = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_current: ContextVar[str] = ContextVar("admin_csrf_token", default="")

REFUSED_HTML = (
    "<!DOCTYPE html><html lang=\"ja\"><meta charset=\"utf-8\"><title>403</title>"
    "<p>不正なリクエストのため処理を中止しました（CSRFトークンが無効です）。"
    "ページを再読み込みしてから、もう一度操作してください。</p></html>"
)


def current_token() -> str:
    """The token of the request being handled (for templates and macros)."""
    return _current.get()


def rotate_token(request: Request) -> str:
    """A fresh token (after login, so a token seen before login is worthless)."""
    token = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = token
    _current.set(token)
    return token


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope["session"]
        token = session.get(SESSION_KEY)
        if not token:
            token = session[SESSION_KEY] = secrets.token_urlsafe(32)
        _current.set(token)

        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return

        request = Request(scope)
        if not _same_origin(request):
            await HTMLResponse(REFUSED_HTML, status_code=403)(scope, receive, send)
            return
        sent = request.headers.get(HEADER_NAME)
        if sent is None:
            body, receive = await _buffer(receive)
            sent = await _form_token(scope, body)
        if not (sent and secrets.compare_digest(sent, token)):
            await HTMLResponse(REFUSED_HTML, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # non-browser clients; the token still has to match
        return True
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body and hand back a ``receive`` that replays it downstream."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    sent = False

    async def once() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request(scope, once)
    try:
        form = await request.form()
    except Exception:  # noqa: BLE001 - a malformed body simply carries no token
        return None
    value = form.get(FIELD_NAME)
    await form.close()
    return value if isinstance(value, str) else None
