"""A bound on admin request bodies, checked before the CSRF check or any form parser reads them.

The largest admin body is an import upload; anything bigger (or a chunked body that keeps
coming) gets a Japanese 413 page instead of being buffered in memory or spooled to disk.
"""

from __future__ import annotations

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE_HTML = (
    "<!DOCTYPE html><html lang=\"ja\"><meta charset=\"utf-8\"><title>413</title>"
    "<p>送信されたデータが大きすぎます（上限 {limit_mb:g} MB）。ファイルを分けてもう一度お試しください。</p></html>"
)


class _TooLarge(Exception):
    pass


class AdminBodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        html = TOO_LARGE_HTML.format(limit_mb=self.limit / 1_000_000)
        await HTMLResponse(html, status_code=413)(scope, receive, send)
