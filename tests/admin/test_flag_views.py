"""要注意人物 / ブラックリスト screens: customer picker + memo, one entry per customer, through services.flags."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import AuditLog, BlacklistEntry, Caution, Customer
from services import customers as customer_service
from services.actor import Actor
from tests.admin.helpers import csrf_from, form_labels

DATA = {"last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
        "phone": "090-1111-2222", "email": "hanako@example.jp"}
IDENTITY = {"caution": "caution", "blacklist": "blacklist-entry"}
MODEL = {"caution": Caution, "blacklist": BlacklistEntry}


@pytest.fixture
async def customer(db):
    async with db.transaction() as session:
        return await customer_service.create_customer(session, DATA, Actor.system())


async def _count(db, model) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def _token(client) -> str:
    page = await client.get("/admin/customer/list")
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("kind", ["caution", "blacklist"])
async def test_manager_adds_edits_and_deletes(manager, customer, db, kind):
    identity = IDENTITY[kind]
    page = await manager.get(f"/admin/{identity}/create")
    assert page.status_code == 200
    assert form_labels(page.text) == {"customer": ("お客様", True), "memo": ("メモ", True)}
    response = await manager.submit(f"/admin/{identity}/create",
                                    {"customer": str(customer.id), "memo": "予約時間に毎回遅れる"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        row = await session.scalar(select(MODEL[kind]))
    assert (row.customer_id, row.memo) == (customer.id, "予約時間に毎回遅れる")
    listing = await manager.get(f"/admin/{identity}/list")
    assert "予約時間に毎回遅れる" in listing.text and "山田 花子" in listing.text
    # A manager may delete ticked rows: the 操作 menu and a checkbox on every row.
    assert 'id="action-delete"' in listing.text and 'id="select-all"' in listing.text
    assert listing.text.count('class="form-check-input m-0 align-middle select-box"') == 1
    edit = await manager.get(f"/admin/{identity}/edit/{row.id}")
    assert form_labels(edit.text) == {"memo": ("メモ", True)}
    assert "は必須項目です。" in edit.text
    response = await manager.submit(f"/admin/{identity}/edit/{row.id}", {"memo": "遅刻が多い（15分）"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        assert await session.scalar(select(MODEL[kind].memo)) == "遅刻が多い（15分）"
    response = await manager.http.delete(f"/admin/{identity}/delete", params={"pks": str(row.id)},
                                         headers={"X-CSRF-Token": await _token(manager), "Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert await _count(db, MODEL[kind]) == 0
    assert await _count(db, Customer) == 1
    async with db.sessionmaker() as session:
        actions = (await session.scalars(select(AuditLog.action).where(
            AuditLog.entity == ("caution" if kind == "caution" else "blacklist_entry")).order_by(AuditLog.id))).all()
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(("form", "messages"), [
    ({"customer": "", "memo": ""}, ["お客様を選択してください。", "メモを入力してください。"]),
    ({"customer": "999999", "memo": "メモ"}, ["お客様が見つかりません。"]),
    ({"customer": "abc", "memo": "メモ"}, ["お客様が見つかりません。"]),
    ({"customer": "{id}", "memo": "あ" * 2001}, ["メモは2000文字以内で入力してください。"]),
])
async def test_bad_forms_show_japanese_messages_and_write_nothing(staff, customer, db, form, messages):
    form = {k: v.replace("{id}", str(customer.id)) for k, v in form.items()}
    response = await staff.submit("/admin/caution/create", form)
    assert response.status_code == 400
    for message in messages:
        assert message in response.text
    assert await _count(db, Caution) == 0


async def test_a_memo_loses_control_and_bidi_characters_and_nothing_else(staff, customer, db):
    response = await staff.submit("/admin/caution/create", {
        "customer": str(customer.id), "memo": "\u202e大声で\x00話す\x07\r\n個室へ  ご案内"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        assert await session.scalar(select(Caution.memo)) == "大声で話す\n個室へ  ご案内"


async def test_a_memo_of_only_control_characters_is_required_and_writes_nothing(staff, customer, db):
    response = await staff.submit("/admin/caution/create",
                                  {"customer": str(customer.id), "memo": "\u202e\x00\x07"})
    assert response.status_code == 400
    assert "メモを入力してください。" in response.text
    assert await _count(db, Caution) == 0


async def test_one_entry_per_customer(staff, customer, db):
    assert (await staff.submit("/admin/caution/create", {"customer": str(customer.id), "memo": "一件目"})
            ).status_code == 302
    response = await staff.submit("/admin/caution/create", {"customer": str(customer.id), "memo": "二件目"})
    assert response.status_code == 400
    assert "このお客様はすでに要注意人物に登録されています。" in response.text
    assert await _count(db, Caution) == 1


async def test_staff_may_not_touch_the_blacklist(staff, manager, customer, db):
    refused = await staff.get("/admin/blacklist-entry/create")
    assert refused.status_code == 403 and "店長・管理者のみが行える操作です。" in refused.text
    page = await staff.get("/admin/caution/create")
    response = await staff.http.post("/admin/blacklist-entry/create", data={
        "customer": str(customer.id), "memo": "x", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 403
    await manager.submit("/admin/blacklist-entry/create", {"customer": str(customer.id), "memo": "暴言"})
    async with db.sessionmaker() as session:
        entry_id = await session.scalar(select(BlacklistEntry.id))
    listing = await staff.get("/admin/blacklist-entry/list")
    assert listing.status_code == 200 and "暴言" in listing.text  # staff may read it
    assert (await staff.get(f"/admin/blacklist-entry/edit/{entry_id}")).status_code == 403
    response = await staff.http.delete("/admin/blacklist-entry/delete", params={"pks": str(entry_id)},
                                       headers={"X-CSRF-Token": await _token(staff), "Accept": "text/html"})
    assert response.status_code in (400, 403)
    assert await _count(db, BlacklistEntry) == 1


async def test_customer_picker_searches_kana_in_hiragana(staff, customer):
    response = await staff.get("/admin/caution/ajax/lookup", params={"name": "customer", "term": "やまだ"})
    assert response.status_code == 200
    assert response.json() == {"results": [{"id": str(customer.id), "text": f"{customer.customer_no} 山田 花子"}]}
    response = await staff.get("/admin/caution/ajax/lookup", params={"name": "customer", "term": "  "})
    assert response.json() == {"results": []}


async def test_caution_mark_on_the_customer_list_and_details(staff, customer):
    await staff.submit("/admin/caution/create", {"customer": str(customer.id), "memo": "大声で話す"})
    listing = await staff.get("/admin/customer/list")
    assert re.search(r'<span class="text-danger" title="大声で話す">❗</span> 山田 花子', listing.text)
    details = await staff.get(f"/admin/customer/details/{customer.id}")
    assert "❗ 要注意人物: 大声で話す" in details.text
