"""Login to /admin with a staff account (argon2, services.auth) and a server-side session.

The signed cookie holds only a random session id (and the CSRF token); every request
looks the session up in the database (services.sessions), so logout, a password or role
change, a lock or deactivation ends it at once, even for a saved copy of the cookie.
Logout is a POST with the CSRF token; a GET of /admin/logout only asks for confirmation.
The acting account and its :class:`~services.actor.Actor` are put on
``request.state.account`` / ``request.state.actor`` for the views.
"""

from __future__ import annotations

from typing import Any

from sqladmin.authentication import AuthenticationBackend
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.csrf import CSRFMiddleware, rotate_token
from models.db import Database
from services import auth, sessions
from services.actor import Actor
from services.config import Settings, session_secret
from services.errors import DomainError, ErrorCode, Unauthenticated

SESSION_COOKIE = "salon_admin_session"
LOGIN_TEMPLATE = "sqladmin/login.html"
LOGOUT_TEMPLATE = "sqladmin/logout.html"
SESSION_ID = "sid"


def current_actor(request: Request) -> Actor:
    """The logged-in staff member as an Actor (set by :meth:`StaffAuthBackend.authenticate`)."""
    actor = getattr(request.state, "actor", None)
    if actor is None:
        raise Unauthenticated()
    return actor


def client_address(request: Request) -> str | None:
    """The address failed logins are counted by (behind a proxy, uvicorn's --forwarded-allow-ips makes
    it the real client's)."""
    return request.client.host if request.client else None


def is_manager(request: Request) -> bool:
    actor = getattr(request.state, "actor", None)
    return actor is not None and actor.is_manager


class StaffAuthBackend(AuthenticationBackend):
    """Login form fields: ``username`` (login id), ``password``, ``csrf_token``."""

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(
            secret_key=session_secret(settings),
            session_cookie=SESSION_COOKIE,
            max_age=settings.staff_token_hours * 3600,
            # Strict: the admin is never entered from a link on another site with its session.
            same_site="strict",
            https_only=bool(settings.session_https_only),
        )
        # Inside the session middleware: the CSRF token lives in the session.
        self.middlewares.append(Middleware(CSRFMiddleware))
        self.db = db
        self.templates: Any = None  # the admin's Jinja templates, set by build_admin

    async def login(self, request: Request) -> Response | bool:
        form = await request.form()
        login_id = str(form.get("username") or "")
        password = str(form.get("password") or "")
        try:
            account = await auth.authenticate(self.db, login_id, password, client_address(request))
            async with self.db.transaction() as session:
                session_id = await sessions.open_admin_session(session, account)
        except DomainError as exc:
            status = 429 if exc.code == ErrorCode.TOO_MANY_REQUESTS else 400
            return await self.templates.TemplateResponse(
                request, LOGIN_TEMPLATE, {"error": exc.message, "login_id": login_id}, status_code=status)
        request.session.clear()  # no data from before the login survives it
        request.session[SESSION_ID] = session_id
        rotate_token(request)
        return True

    async def logout(self, request: Request) -> Response | bool:
        """Only reached by POST (with a valid CSRF token, checked by the middleware)."""
        async with self.db.transaction() as session:
            await sessions.end_admin_session(session, request.session.get(SESSION_ID))
        request.session.clear()
        rotate_token(request)
        return False  # sqladmin then redirects to the login page

    async def logout_page(self, request: Request) -> Response:
        """/admin/logout: POST logs out; GET (a link, a prefetch, another site's <img>) only asks."""
        if request.method == "POST":
            await self.logout(request)
            return RedirectResponse(request.url_for("admin:login"), status_code=302)
        if not await self.authenticate(request):
            return RedirectResponse(request.url_for("admin:login"), status_code=302)
        return await self.templates.TemplateResponse(request, LOGOUT_TEMPLATE)

    async def authenticate(self, request: Request) -> Response | bool:
        async with self.db.sessionmaker() as session:
            account = await sessions.account_for_admin_session(session, request.session.get(SESSION_ID))
        if account is None:
            if SESSION_ID in request.session:
                request.session.clear()
            return False
        request.state.account = account
        request.state.actor = auth.actor_for_account(account)
        return True

    async def get_user_id(self, request: Request) -> Any:
        account = getattr(request.state, "account", None)
        return account.id if account is not None else None
