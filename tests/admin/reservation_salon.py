"""The small salon the admin reservation tests share: two menus, two stylists, three customers
(山田 on the caution list, 黒田 on the blacklist, 青木 plain), a booking tomorrow at 10:00 and a late
cancellation three days before it with 2,750円 unpaid."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from admin.display import JST
from models import BlacklistEntry, CancelKind, Caution, Menu, Reservation, ReservationChannel
from models import ReservationMenu, ReservationStatus, StaffMember
from models.db import Database
from services import customers as customer_service
from services.actor import Actor
from services.customer_stats import refresh_customer_flags

TOMORROW = (datetime.now(JST) + timedelta(days=1)).date()


def person(n: int, last: str, kana: str) -> dict:
    return {"last_name": last, "first_name": "花子", "last_name_kana": kana, "first_name_kana": "ハナコ",
            "phone": f"0901234{n:04d}", "email": f"p{n}@example.jp"}


async def build_salon(db: Database) -> dict:
    async with db.transaction() as s:
        cut = Menu(name="カット", price=5500, duration_minutes=60)
        color = Menu(name="カラー", price=8000, duration_minutes=90)
        takahashi = StaffMember(name="高橋", display_order=1)
        sato = StaffMember(name="佐藤", display_order=2)
        s.add_all([cut, color, takahashi, sato])
        await s.flush()
        system = Actor.system()
        caution = await customer_service.create_customer(s, person(1, "山田", "ヤマダ"), system)
        listed = await customer_service.create_customer(s, person(2, "黒田", "クロダ"), system)
        plain = await customer_service.create_customer(s, person(3, "青木", "アオキ"), system)
        s.add_all([Caution(customer_id=caution.id, memo="遅刻が多い"),
                   BlacklistEntry(customer_id=listed.id, memo="無断キャンセル3回")])
        await refresh_customer_flags(s, [caution.id, listed.id])  # stored flags, as their writer keeps them
        start = datetime.combine(TOMORROW, datetime.min.time(), JST) + timedelta(hours=10)
        booked = Reservation(customer_id=caution.id, staff_member_id=takahashi.id, start_at=start,
                             end_at=start + timedelta(hours=1), channel=ReservationChannel.PHONE,
                             status=ReservationStatus.BOOKED, items=[ReservationMenu(menu_id=cut.id, price=5500)])
        owing = Reservation(customer_id=plain.id, staff_member_id=sato.id, start_at=start - timedelta(days=3),
                            end_at=start - timedelta(days=3, hours=-1), channel=ReservationChannel.SITE,
                            status=ReservationStatus.CANCEL_FEE_UNPAID, cancel_kind=CancelKind.LATE,
                            is_late_cancel=True, cancel_fee_yen=2750,
                            cancelled_at=start - timedelta(days=4),
                            items=[ReservationMenu(menu_id=cut.id, price=5500)])
        s.add_all([booked, owing])
    return {"cut": cut, "color": color, "takahashi": takahashi, "sato": sato, "caution": caution,
            "listed": listed, "plain": plain, "booked": booked, "owing": owing}


async def count_rows(db: Database, model: type, *where) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))
