"""サイト連携キー in the admin: a manager issues one (the secret shown once, only its hash kept),
sees it listed with its last use, and revokes it; staff see none of it."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import ApiClient, AuditLog
from tests.admin.helpers import csrf_from
from tests.factories import count_rows

SECRET = re.compile(r'data-testid="api-client-secret"[^>]*|value="(slk_[^"]+)"')


def _secret(page: str) -> str:
    found = re.search(r'value="(slk_[A-Za-z0-9_-]+)"', page)
    assert found, page
    return found.group(1)


async def test_a_manager_issues_a_key_shown_once_and_listed_with_its_last_use(manager, db, gql):
    created = await manager.submit("/admin/api-client/new", {"name": "予約サイト 本番"})
    assert created.status_code == 200 and "この画面でしか表示されません" in created.text
    assert created.headers["cache-control"] == "no-store"
    secret = _secret(created.text)
    async with db.sessionmaker() as s:
        client = await s.scalar(select(ApiClient))
    assert client.name == "予約サイト 本番" and client.secret_hash != secret and client.last_used_at is None

    listed = await manager.get("/admin/api-client/list")
    assert "予約サイト 本番" in listed.text and secret not in listed.text and f"{secret[:12]}…" in listed.text
    await gql("{ menus { totalCount } }", site=secret)
    async with db.sessionmaker() as s:
        assert (await s.scalar(select(ApiClient))).last_used_at is not None

    revoked = await manager.http.post(f"/admin/api-client/{client.id}/revoke",
                                      data={"csrf_token": csrf_from(listed.text)})
    assert revoked.status_code == 303
    assert "無効（" in (await manager.get("/admin/api-client/list")).text
    body = await gql("{ customers { totalCount } }", site=secret, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with db.sessionmaker() as s:
        actions = (await s.scalars(select(AuditLog.action).where(AuditLog.entity == "api_client")
                                   .order_by(AuditLog.id))).all()
    assert actions == ["create", "revoke"]


async def test_a_bad_name_is_said_and_nothing_is_written(manager, db):
    for name, message in (("", "名称を入力してください"), ("x" * 65, "64文字")):
        page = await manager.submit("/admin/api-client/new", {"name": name})
        assert page.status_code == 400 and message in page.text, page.text
    assert await count_rows(db, ApiClient) == 0


async def test_staff_neither_see_nor_issue_nor_revoke_keys(staff, manager, db):
    created = await manager.submit("/admin/api-client/new", {"name": "予約サイト"})
    assert created.status_code == 200
    async with db.sessionmaker() as s:
        client_id = await s.scalar(select(ApiClient.id))
    assert "サイト連携キー" not in (await staff.get("/admin/")).text
    assert (await staff.get("/admin/api-client/list")).status_code == 403
    assert (await staff.get("/admin/api-client/new")).status_code == 403
    page = await staff.get("/admin/")
    refused = await staff.http.post(f"/admin/api-client/{client_id}/revoke", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403
    async with db.sessionmaker() as s:
        assert (await s.scalar(select(ApiClient))).revoked_at is None
