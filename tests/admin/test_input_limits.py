"""Admin forms refuse numbers and text the database cannot hold, in Japanese, and write nothing.

Before, a price of 99999999999999999999 showed 「Python int too large to convert to SQLite INTEGER」.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import AuditLog, Customer, InflowRoute, Menu, TicketMenu
from tests.admin.test_customers import FORM

HUGE = "99999999999999999999"


async def _count(db, model) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("url", "form", "field", "message"), [
    ("/admin/menu/create", {"name": "カット", "price": HUGE, "duration_minutes": "60", "sort_order": "0"},
     "price", "0〜10,000,000の範囲で入力してください。"),
    ("/admin/menu/create", {"name": "カット", "price": "5000", "duration_minutes": "60", "sort_order": HUGE},
     "sort_order", "2,147,483,647の範囲で入力してください。"),
    ("/admin/menu/create", {"name": "カット", "price": "5000", "duration_minutes": "100000", "sort_order": "0"},
     "duration_minutes", "1〜1,440の範囲で入力してください。"),
    ("/admin/ticket-menu/create", {"name": "カット回数券", "price": "10000", "validity_days": HUGE, "uses": "5"},
     "validity_days", "1〜3,650の範囲で入力してください。"),
    ("/admin/ticket-menu/create", {"name": "カット回数券", "price": "10000", "validity_days": "180",
                                   "uses": "2147483648"},
     "uses", "1〜1,000の範囲で入力してください。"),
])
async def test_master_numbers_are_bounded(manager, db, url, form, field, message):
    model = Menu if "/menu/" in url else TicketMenu
    response = await manager.submit(url, form)

    assert response.status_code == 400
    assert message in response.text
    assert "Python int" not in response.text and "INTEGER" not in response.text
    assert await _count(db, model) == 0


async def test_a_huge_pre_system_visit_count_on_the_customer_form_is_japanese(manager, db):
    response = await manager.submit("/admin/customer/create", {**FORM, "pre_system_visit_count": HUGE})

    assert response.status_code == 400
    assert "システム導入前来店回数は0〜10,000の整数で入力してください。" in response.text
    assert "Python int" not in response.text
    assert await _count(db, Customer) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("notes", "あ" * 2001, "備考は2000文字以内で入力してください。"),
    ("prefecture", "東京都" * 6, "都道府県は16文字以内で入力してください。"),
    ("last_name", "佐藤\x00", "姓に使用できない文字（制御文字など）が含まれています。"),
    ("first_name", "\u202e咲美", "名に使用できない文字（制御文字など）が含まれています。"),
])
async def test_customer_text_limits_on_the_admin_form(manager, db, field, value, message):
    response = await manager.submit("/admin/customer/create", {**FORM, field: value})

    assert response.status_code == 400
    assert message in response.text
    assert await _count(db, Customer) == 0


async def test_master_names_lose_invisible_characters_and_are_bounded(manager, db):
    too_long = await manager.submit("/admin/inflow-route/create", {"name": "あ" * 101, "sort_order": "0"})
    assert too_long.status_code == 400 and "100 文字を超えることはできません" in too_long.text
    assert await _count(db, InflowRoute) == 0

    created = await manager.submit("/admin/inflow-route/create", {"name": "看板\u202e\x00 ", "sort_order": "0"})
    assert created.status_code == 302, created.text
    async with db.sessionmaker() as session:
        assert await session.scalar(select(InflowRoute.name)) == "看板"


async def test_an_unexpected_failure_while_saving_is_japanese(manager, db, monkeypatch):
    """Whatever breaks inside a save, staff read Japanese (the traceback goes to the log)."""
    from services import masters

    async def broken(*_args, **_kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(masters, "save_master", broken)  # what master forms save through
    response = await manager.submit("/admin/inflow-route/create", {"name": "看板", "sort_order": "0"})

    assert response.status_code == 400
    assert "保存できませんでした。入力内容をご確認のうえ、もう一度お試しください。" in response.text
    assert "Python int" not in response.text
    assert await _count(db, InflowRoute) == 0
    async with db.sessionmaker() as session:
        assert await session.scalar(select(AuditLog.id).where(AuditLog.entity == "inflow_route")) is None


async def test_a_search_text_too_long_for_like_is_refused_in_japanese(manager):
    response = await manager.get("/admin/customer/list", params={"search": "a" * 60_000})

    assert response.status_code == 400
    assert "検索する文字は100文字以内で入力してください。" in response.text


@pytest.mark.parametrize("identity", ["customer", "menu", "staff-account", "reservation", "caution"])
async def test_a_search_text_with_a_nul_is_refused_in_japanese(manager, identity):
    # PostgreSQL refuses a NUL in a query parameter: it used to end as an internal error there,
    # from the customer list and from every list searched by sqladmin itself (menus, accounts).
    response = await manager.get(f"/admin/{identity}/list", params={"search": "山田\x00"})

    assert response.status_code == 400
    assert "検索する文字に使用できない文字が含まれています。" in response.text
