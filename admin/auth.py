"""Login to /admin with a staff account (argon2, services.auth) and a signed session cookie.

The session holds only the account id and role; every request re-reads the
account, so deactivating it or changing its role takes effect at once.  The
acting account and its :class:`~services.actor.Actor` are put on
``request.state.account`` / ``request.state.actor`` for the views.
"""

from __future__ import annotations

from typing import Any

from sqladmin.authentication import AuthenticationBackend
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from admin.csrf import CSRFMiddleware, rotate_token
from models import StaffAccount
from models.db import Database
from services import auth
from services.actor import Actor
from services.config import Settings, session_secret
from services.errors import DomainError, Unauthenticated

SESSION_COOKIE = "salon_admin_session"
LOGIN_TEMPLATE = "sqladmin/login.html"


def current_actor(request: Request) -> Actor:
    """The logged-in staff member as an Actor (set by :meth:`StaffAuthBackend.authenticate`)."""
    actor = getattr(request.state, "actor", None)
    if actor is None:
        raise Unauthenticated()
    return actor


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
            same_site="lax",
            https_only=settings.session_https_only,
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
            account = await auth.authenticate(self.db, login_id, password)
            account_id, role = account.id, account.role
        except DomainError as exc:
            return await self.templates.TemplateResponse(
                request, LOGIN_TEMPLATE, {"error": exc.message, "login_id": login_id}, status_code=400)
        request.session.clear()  # no data from before the login survives it
        request.session.update({"account_id": account_id, "role": role.value})
        rotate_token(request)
        return True

    async def logout(self, request: Request) -> Response | bool:
        request.session.clear()
        rotate_token(request)
        return False  # sqladmin then redirects to the login page

    async def authenticate(self, request: Request) -> Response | bool:
        account_id = request.session.get("account_id")
        if not isinstance(account_id, int):
            return False
        async with self.db.sessionmaker() as session:
            account = await session.get(StaffAccount, account_id)
        if account is None or not account.active:
            request.session.clear()
            return False
        request.state.account = account
        request.state.actor = auth.actor_for_account(account)
        return True

    async def get_user_id(self, request: Request) -> Any:
        return request.session.get("account_id")
