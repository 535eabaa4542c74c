"""The customer details warn about a blacklist match; a manager clears a false one with a CSRF POST."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from models import AuditLog, BlacklistEntry, BlacklistMatchClearance, Customer
from services import customers as customer_service
from services.actor import Actor
from services.customer_stats import refresh_customer_flags
from tests.admin.helpers import csrf_from

LISTED = {"last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ",
          "phone": "090-1234-5678", "email": "taro@example.jp"}


@pytest.fixture
async def pair(db):
    async with db.transaction() as session:
        listed = await customer_service.create_customer(session, LISTED, Actor.system())
        entry = BlacklistEntry(customer_id=listed.id, memo="スタッフへの暴言")
        session.add(entry)
        await refresh_customer_flags(session, [listed.id])  # stored flags, as their writer keeps them
        await session.execute(update(Customer).where(Customer.id == listed.id).values(
            withdrawn_at=func.current_timestamp()))
        newcomer = await customer_service.create_customer(
            session, {**LISTED, "first_name": "太朗", "email": "new@example.jp"}, Actor.system())
    return listed, entry, newcomer


async def _count(db, model) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_details_and_list_warn_staff_about_the_match(staff, pair):
    listed, entry, newcomer = pair
    page = await staff.get(f"/admin/customer/details/{newcomer.id}")
    assert page.status_code == 200
    assert "ブラックリストに登録されたお客様と一致します" in page.text
    assert listed.customer_no in page.text and "カナ氏名と電話番号が一致" in page.text
    assert "スタッフへの暴言" in page.text
    assert "一致を解除する" not in page.text  # managers only
    listing = await staff.get("/admin/customer/list")
    assert re.search(r'title="ブラックリスト一致（' + listed.customer_no + r'・カナ氏名と電話番号が一致）', listing.text)


async def test_manager_clears_the_match_with_a_post(manager, pair, db):
    listed, entry, newcomer = pair
    page = await manager.get(f"/admin/customer/details/{newcomer.id}")
    assert "別人として一致を解除する" in page.text
    url = f"/admin/blacklist-entry/clear-match/{newcomer.id}"
    assert f'action="http://testserver{url}"' in page.text
    response = await manager.http.post(url, data={"entry_id": str(entry.id), "memo": "生年月日が違う",
                                                  "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/admin/customer/details/{newcomer.id}")
    page = await manager.get(f"/admin/customer/details/{newcomer.id}")
    assert "ブラックリストに登録されたお客様と一致します" not in page.text
    async with db.sessionmaker() as session:
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "blacklist_match_clearance"))
    assert log.changes["memo"] == "生年月日が違う"


async def test_clearing_is_never_a_get_and_needs_the_token(manager, pair, db):
    listed, entry, newcomer = pair
    url = f"/admin/blacklist-entry/clear-match/{newcomer.id}"
    assert (await manager.get(url)).status_code == 405
    response = await manager.http.post(url, data={"entry_id": str(entry.id)})
    assert response.status_code == 403
    assert await _count(db, BlacklistMatchClearance) == 0


@pytest.mark.parametrize(("form", "status", "message"), [
    ({"entry_id": "x"}, 404, "このお客様に一致するブラックリスト登録が見つかりません。"),
    ({"entry_id": "99999"}, 404, "このお客様に一致するブラックリスト登録が見つかりません。"),
    ({"memo": "あ" * 2001}, 400, "メモは2000文字以内で入力してください。"),
])
async def test_bad_input_is_refused_on_the_page(manager, pair, db, form, status, message):
    listed, entry, newcomer = pair
    page = await manager.get(f"/admin/customer/details/{newcomer.id}")
    data = {"entry_id": str(entry.id), **form, "csrf_token": csrf_from(page.text)}
    response = await manager.http.post(f"/admin/blacklist-entry/clear-match/{newcomer.id}", data=data)
    assert response.status_code == status
    assert message in response.text
    assert await _count(db, BlacklistMatchClearance) == 0


async def test_staff_cannot_clear_and_nothing_is_written(staff, pair, db):
    listed, entry, newcomer = pair
    page = await staff.get(f"/admin/customer/details/{newcomer.id}")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    response = await staff.http.post(f"/admin/blacklist-entry/clear-match/{newcomer.id}",
                                     data={"entry_id": str(entry.id), "csrf_token": token})
    assert response.status_code == 403
    assert "店長・管理者のみが行える操作です。" in response.text
    assert await _count(db, BlacklistMatchClearance) == 0


async def test_details_show_staff_a_match_that_a_customers_own_edit_would_make(staff, db):
    """A customer's own edit on the reservation site is not matched (it could be a probe); staff
    are shown the possible match on the customer's page and decide by saving the profile."""
    async with db.transaction() as session:
        listed = await customer_service.create_customer(session, LISTED, Actor.system())
        session.add(BlacklistEntry(customer_id=listed.id, memo="スタッフへの暴言"))
        await refresh_customer_flags(session, [listed.id])
        other = await customer_service.create_customer(session, {
            **LISTED, "last_name_kana": "サトウ", "phone": "080-5555-6666", "email": "sato@example.jp"},
            Actor.system())
    async with db.transaction() as session:
        await customer_service.update_customer(session, other.id, {"last_name_kana": "ヤマダ",
                                                                   "phone": "090-1234-5678"},
                                               Actor.customer(other.id))
    page = await staff.get(f"/admin/customer/details/{other.id}")
    assert page.status_code == 200
    assert page.text.count("ブラックリストとの一致の可能性") == 1
    assert f"{listed.customer_no}</a>・カナ氏名と電話番号が一致）と一致します" in page.text
    assert "ブラックリストに登録されたお客様と一致します" not in page.text  # not recorded as a match
