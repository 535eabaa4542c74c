"""Headers every answer carries, and the admin session cookie's ``Secure`` flag over HTTPS.

- No page may be framed (``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``): a framed admin
  page could be clicked through by a page on another site.
- The admin's pages get a Content-Security-Policy that its own files satisfy: scripts only from the
  app itself (``admin/static/salon.js`` holds what used to be inline), no plugins, forms posting
  only to the app. Inline ``style`` stays allowed: select2, flatpickr and tabler set styles from
  their scripts.
- ``Secure`` on the session cookie: ``SESSION_HTTPS_ONLY`` true always, false never, unset (the
  default) whenever the request came over HTTPS — directly, or through a proxy that says so
  (``X-Forwarded-Proto: https`` from an address in ``FORWARDED_ALLOW_IPS``, which uvicorn turns
  into the request's scheme).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ADMIN_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
#: Elsewhere (GraphiQL, JSON answers): only the framing rule; GraphiQL's page has its own scripts.
OTHER_CSP = "frame-ancestors 'none'"


class SecurityHeaders:
    """Pure ASGI middleware for the whole app."""

    def __init__(self, app: ASGIApp, *, session_cookie: str, secure_cookie: bool | None) -> None:
        self.app = app
        self.session_cookie = session_cookie.encode("latin-1") + b"="
        self.secure_cookie = secure_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        admin = scope["path"] == "/admin" or scope["path"].startswith("/admin/")
        secure = self.secure_cookie is None and scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers["Content-Security-Policy"] = ADMIN_CSP if admin else OTHER_CSP
                if secure:
                    message["headers"] = [self._secured(name, value) for name, value in message["headers"]]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _secured(self, name: bytes, value: bytes) -> tuple[bytes, bytes]:
        if name.lower() == b"set-cookie" and value.startswith(self.session_cookie) \
                and b"; secure" not in value.lower():
            value += b"; secure"
        return name, value
