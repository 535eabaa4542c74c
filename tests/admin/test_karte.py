"""技術カルテ / 来店メモ screens: from the masters, 前回コピー, the visit-date picker, health reads audited."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from models import AuditLog, KarteCategory, KarteDetail, KarteEntry, KartePhrase, VisitMemo
from services import karte as karte_service
from tests import factories
from tests.factories import count_rows

LIST = "/admin/karte-entry/list"


@pytest.fixture
async def world(db):
    customer = await factories.add_customer(db, last_name="山田", first_name="花子")
    async with db.transaction() as session:
        color = KarteCategory(name="カラー", sort_order=1)
        session.add(color)
        await session.flush()
        recipe = KarteDetail(category_id=color.id, name="薬剤")
        session.add_all([recipe, KartePhrase(category_id=color.id, text="根元から塗布")])
        await session.flush()
        first = await karte_service.add_karte_entry(
            session, customer.id, {"visit_date": date(2026, 10, 1), "category_id": color.id,
                                   "detail_id": recipe.id, "text": "6%"}, factories.SYSTEM)
        second = await karte_service.add_karte_entry(
            session, customer.id, {"visit_date": date(2026, 11, 1), "category_id": color.id,
                                   "detail_id": recipe.id, "text": "9%"}, factories.SYSTEM)
    return customer, color, recipe, first, second


async def test_the_customers_karte_with_the_visit_date_picker(staff, world):
    customer, _, _, first, second = world
    page = await staff.get(LIST, params={"customer_id": customer.id})
    assert page.status_code == 200
    assert "山田 花子" in page.text and "2026/11/01" in page.text and "2026/10/01" in page.text
    assert page.text.index("9%") < page.text.index("6%")  # the latest visit first
    copy = f"/admin/karte-entry/create?customer_id={customer.id}&amp;copy_from={second.id}"
    previous = page.text[page.text.index('data-testid="copy-previous"'):]
    assert previous[previous.index("href="):].startswith(f'href="http://testserver{copy}"')  # from the latest
    one_day = await staff.get(LIST, params={"customer_id": customer.id, "visit_date": "2026-10-01"})
    assert "6%" in one_day.text and "9%" not in one_day.text


async def test_copy_previous_fills_the_form_and_writes_a_new_entry(staff, db, world):
    customer, color, recipe, _, second = world
    url = f"/admin/karte-entry/create?customer_id={customer.id}&copy_from={second.id}"
    form = await staff.get(url)
    assert form.status_code == 200
    assert "9%" in form.text and f'value="{second.id}"' in form.text
    assert "2026/11/01（日）の技術カルテ（No. " in form.text  # what was copied, said above the form
    assert await count_rows(db, KarteEntry) == 2  # nothing written on a GET
    response = await staff.submit(url, {
        "customer": str(customer.id), "copy_from": str(second.id), "visit_date": "2026-12-01",
        "category_id": str(color.id), "detail_id": str(recipe.id), "phrase": "根元から塗布",
        "text": "9%（前回と同じ）", "staff_member_id": "__None"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        entry = await session.scalar(select(KarteEntry).order_by(KarteEntry.id.desc()))
    assert (entry.visit_date, entry.copied_from_id, entry.text) == (date(2026, 12, 1), second.id,
                                                                    "9%（前回と同じ）\n根元から塗布")
    assert (entry.category_id, entry.detail_id) == (color.id, recipe.id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"text": "", "category_id": "__None", "detail_id": "__None"},
     "カルテの内容を入力するか、分類・詳細を選択してください。"),
    ({"visit_date": "2026-02-30"}, "来店日の形式が正しくありません（例: 2026-04-01）。"),
    ({"text": "あ" * 4001}, "カルテの内容は4000文字以内で入力してください。"),
    ({"customer": ""}, "お客様を選択してください。"),
])
async def test_bad_entries_are_refused_on_the_form(staff, db, world, fields, message):
    customer, color, _, _, _ = world
    data = {"customer": str(customer.id), "visit_date": "2026-12-01", "category_id": str(color.id),
            "detail_id": "__None", "phrase": "__None", "text": "x", "staff_member_id": "__None", **fields}
    response = await staff.submit("/admin/karte-entry/create", data)
    assert response.status_code == 400, response.text
    assert message in html.unescape(response.text)
    assert await count_rows(db, KarteEntry) == 2


async def test_edit_and_delete_an_entry(staff, db, world):
    _, color, _, first, _ = world
    response = await staff.submit(f"/admin/karte-entry/edit/{first.id}", {
        "visit_date": "2026-10-02", "category_id": str(color.id), "detail_id": "__None", "phrase": "__None",
        "text": "6%（修正）", "staff_member_id": "__None"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        entry = await session.get(KarteEntry, first.id)
    assert (entry.visit_date, entry.text, entry.detail_id) == (date(2026, 10, 2), "6%（修正）", None)
    response = await staff.delete("karte-entry", first.id)
    assert response.status_code == 200, response.text
    assert await count_rows(db, KarteEntry) == 1


async def test_visit_memos_by_date_and_health_reads_audited(staff, db, world):
    customer = world[0]
    for day, text, health in (("2026-09-01", "旅行の話", False), ("2026-11-01", "乾燥肌", True)):
        response = await staff.submit(f"/admin/visit-memo/create?customer_id={customer.id}", {
            "customer": str(customer.id), "visit_date": day, "text": text, "staff_member_id": "__None",
            **({"is_health_info": "y"} if health else {})})
        assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        memos = list((await session.scalars(select(VisitMemo).order_by(VisitMemo.id))).all())
    assert [m.is_health_info for m in memos] == [False, True]
    assert await count_rows(db, AuditLog, AuditLog.action == "read_health_info") == 0
    page = await staff.get("/admin/visit-memo/list", params={"customer_id": customer.id})
    assert page.text.index("乾燥肌") < page.text.index("旅行の話") and "健康情報" in page.text
    assert await count_rows(db, AuditLog, AuditLog.action == "read_health_info",
                            AuditLog.entity == "visit_memo", AuditLog.entity_id == memos[1].id) == 1
    await staff.get(f"/admin/visit-memo/details/{memos[1].id}")
    await staff.get(f"/admin/visit-memo/details/{memos[0].id}")  # not health information: not logged
    assert await count_rows(db, AuditLog, AuditLog.action == "read_health_info") == 2
    response = await staff.submit(f"/admin/visit-memo/edit/{memos[0].id}", {
        "visit_date": "2026-09-02", "text": "", "staff_member_id": "__None"})
    assert response.status_code == 400 and "来店メモを入力してください。" in html.unescape(response.text)
