"""Framing, the admin's Content-Security-Policy, and pages its policy does not break (no inline script)."""

from __future__ import annotations

import re

from tests.admin.reservation_salon import build_salon
from tests.admin.test_hostile_requests import _identities

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def _policy(response) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in response.headers["content-security-policy"].split(";")) if part}


async def test_no_page_may_be_framed(client):
    for url in ("/admin/login", "/graphql", "/healthz"):
        response = await client.get(url, headers={"Accept": "text/html"})
        assert response.headers["x-frame-options"] == "DENY", url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_admin_pages_allow_only_the_apps_own_scripts_and_have_none_inline(manager, db):
    salon = await build_salon(db)
    home = await manager.get("/admin/")
    policy = _policy(home)
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'" and policy["frame-ancestors"] == "'none'"
    urls = ["/admin/", "/admin/login", "/admin/customer-import", "/admin/day-sheet", "/admin/reservation/create",
            f"/admin/reservation/details/{salon['booked'].id}", f"/admin/reservation/edit/{salon['booked'].id}",
            f"/admin/customer/details/{salon['caution'].id}"]
    urls += [f"/admin/{identity}/list" for identity in _identities(home.text)]
    for url in urls:
        page = await manager.get(url)
        assert page.status_code == 200, url
        assert not INLINE_SCRIPT.search(page.text), (url, INLINE_SCRIPT.search(page.text))
        assert not INLINE_HANDLER.search(page.text), (url, INLINE_HANDLER.search(page.text))
        assert _policy(page)["script-src"] == "'self'", url
    script = await manager.get("/admin/salon-static/salon.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
