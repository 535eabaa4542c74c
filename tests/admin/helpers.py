"""Driving /admin over HTTP as a browser would: log in, then post forms with their CSRF token."""

from __future__ import annotations

import re

import httpx

from models import StaffRole
from models.db import Database
from services import auth

PASSWORD = "password-123"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LABEL_RE = re.compile(r'<label class="([^"]*)" for="([a-z_]+)"[^>]*>([^<]*)</label>')


def form_labels(html: str) -> dict[str, tuple[str, bool]]:
    """Each form field's label: its text, and whether it carries the red required mark."""
    return {field: (text.strip(), "required-label" in classes.split())
            for classes, field, text in LABEL_RE.findall(html)}


def csrf_from(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


class AdminClient:
    """One browser session (its own cookie jar) on the admin."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def login(self, login_id: str, password: str = PASSWORD) -> httpx.Response:
        page = await self.http.get("/admin/login")
        return await self.http.post("/admin/login", data={
            "username": login_id, "password": password, "csrf_token": csrf_from(page.text)})

    async def get(self, url: str, **kwargs) -> httpx.Response:
        return await self.http.get(url, **kwargs)

    async def submit(self, url: str, data: dict) -> httpx.Response:
        """GET the form page, then POST ``data`` with its token (and sqladmin's save button)."""
        page = await self.http.get(url)
        assert page.status_code == 200, page.text
        return await self.http.post(url, data={"save": "保存", **data, "csrf_token": csrf_from(page.text)})

    async def delete(self, identity: str, pk: int) -> httpx.Response:
        """What the delete modal's jQuery call does: DELETE with the token header."""
        page = await self.http.get(f"/admin/{identity}/list")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
        return await self.http.delete(f"/admin/{identity}/delete", params={"pks": str(pk)},
                                      headers={"X-CSRF-Token": token, "Accept": "text/html"})


async def create_account(db: Database, login_id: str, role: StaffRole, *, active: bool = True) -> int:
    async with db.transaction() as session:
        account = await auth.create_staff_account(
            session, login_id=login_id, password=PASSWORD, display_name=f"{login_id}さん", role=role)
        account.active = active
        return account.id
