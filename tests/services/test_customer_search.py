"""services.customer_search: the basic search of SPEC §2."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models import Reservation, ReservationChannel, ReservationMenu, ReservationStatus
from services import customers as svc
from services.actor import Actor
from services.customer_search import CustomerFilter, customer_search_query, free_text_clause
from services.customer_stats import refresh_customer_stats
from tests.factories import add_menu, add_staff_member

ACTOR = Actor.system("test")


@pytest.fixture
async def salon(session):
    yamada = await svc.create_customer(session, {
        "last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ",
        "phone": "090-1234-5678", "email": "taro@example.jp", "customer_no": "A131"}, ACTOR)
    sato = await svc.create_customer(session, {
        "last_name": "佐藤", "first_name": "花子", "last_name_kana": "サトウ", "first_name_kana": "ハナコ",
        "phone": "03-9876-5432", "email": "hanako@example.jp", "customer_no": "G511"}, ACTOR)
    sato.line_name = "はなちゃん"
    cut, color = await add_menu(session, "カット"), await add_menu(session, "カラー", price=8000)
    stylist = await add_staff_member(session, "鈴木")
    start = datetime(2026, 3, 1, 1, tzinfo=timezone.utc)
    visit = Reservation(customer_id=yamada.id, staff_member_id=stylist.id, start_at=start,
                        end_at=start + timedelta(hours=1), channel=ReservationChannel.ADMIN,
                        status=ReservationStatus.VISITED)
    booked = Reservation(customer_id=sato.id, start_at=start + timedelta(days=40),
                         end_at=start + timedelta(days=40, hours=1), channel=ReservationChannel.SITE,
                         status=ReservationStatus.BOOKED)
    session.add_all([visit, booked])
    await session.flush()
    session.add_all([ReservationMenu(reservation_id=visit.id, menu_id=cut.id, price=5000),
                     ReservationMenu(reservation_id=booked.id, menu_id=color.id, price=8000)])
    await session.flush()
    await svc.update_customer(session, sato.id, {"notes": "LINE名あり"}, ACTOR)  # refresh search_text
    await refresh_customer_stats(session, [yamada.id, sato.id])
    return {"yamada": yamada, "sato": sato, "cut": cut, "color": color, "stylist": stylist}


async def _names(session, f: CustomerFilter) -> set[str]:
    rows = (await session.scalars(customer_search_query(f))).all()
    return {c.last_name for c in rows}


@pytest.mark.parametrize("text", ["山田", "太郎", "山田 太郎", "山田　太郎", "やまだ", "ﾔﾏﾀﾞ", "ヤマダタロウ", "たろう"])
async def test_name_matches_kanji_kana_any_width(session, salon, text):
    assert await _names(session, CustomerFilter(name=text)) == {"山田"}


async def test_line_name_is_searched(session, salon):
    assert await _names(session, CustomerFilter(name="ハナちゃん")) == {"佐藤"}


@pytest.mark.parametrize("text,expected", [("090-1234", {"山田"}), ("９８７６", {"佐藤"}), ("5", {"山田", "佐藤"}),
                                           ("abc", set())])
async def test_phone_matches_partially_in_any_format(session, salon, text, expected):
    assert await _names(session, CustomerFilter(phone=text)) == expected


async def test_number_staff_menu_and_last_menu(session, salon):
    assert await _names(session, CustomerFilter(customer_no="a13")) == {"山田"}
    assert await _names(session, CustomerFilter(staff_member_id=salon["stylist"].id)) == {"山田"}
    assert await _names(session, CustomerFilter(menu_id=salon["color"].id)) == {"佐藤"}
    assert await _names(session, CustomerFilter(last_menu_id=salon["cut"].id)) == {"山田"}
    assert await _names(session, CustomerFilter(name="山田", menu_id=salon["color"].id)) == set()


async def test_withdrawn_customers_are_left_out(session, salon):
    salon["yamada"].withdrawn_at = datetime.now(timezone.utc)
    await session.flush()
    assert await _names(session, CustomerFilter(name="山田")) == set()
    assert await _names(session, CustomerFilter(name="山田", include_withdrawn=True)) == {"山田"}


@pytest.mark.parametrize("text,expected", [("やまだ", {"山田"}), ("G511", {"佐藤"}), ("03-9876", {"佐藤"})])
async def test_free_text_box(session, salon, text, expected):
    from models import Customer

    rows = (await session.scalars(select(Customer).where(free_text_clause(text)))).all()
    assert {c.last_name for c in rows} == expected
