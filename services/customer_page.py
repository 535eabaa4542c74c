"""The customer's page (顧客カルテ): what the front desk reads about one customer, top to bottom.

Upcoming reservations, the history (newest first, the latest ``HISTORY_SHOWN``), the figures that are
not stored on the customer (late cancels), how much karte there is, the tickets held and the latest
changes of the profile,
read in a fixed handful of statements whatever the customer's history (a regular with hundreds of
visits costs what a new customer does). The stored figures (visits, cancels, first / last visit,
average interval, last menu) are the customer's own columns, written by services.customer_stats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, case, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AuditLog,
    KarteCategory,
    KarteDetail,
    KarteEntry,
    KarteImage,
    Menu,
    Reservation,
    ReservationMenu,
    ReservationStatus,
    SalesReport,
    StaffAccount,
    StaffMember,
    TicketMenu,
    TicketPurchase,
    VisitMemo,
)
from models.base import utcnow
from services.audit import AuditEntity
from services.booking import ACTIVE_STATUSES
from services.japan_time import JAPAN, in_japan

HISTORY_SHOWN = 20
UPCOMING_SHOWN = 20
AUDIT_SHOWN = 10


@dataclass(frozen=True)
class ReservationLine:
    id: int
    start_at: datetime
    status: ReservationStatus
    menus: tuple[str, ...]
    staff: str | None
    price_yen: int
    cancel_fee_yen: int
    has_report: bool


@dataclass(frozen=True)
class TicketLine:
    id: int
    name: str
    purchased_on: date
    expires_on: date
    used: int
    total: int
    expired: bool

    @property
    def remaining(self) -> int:
        return self.total - self.used


@dataclass(frozen=True)
class ChangeLine:
    at: datetime
    action: str
    actor: str | None
    changes: dict


@dataclass(frozen=True)
class KarteLine:
    """A karte entry or visit memo as the page shows it. ``is_health_info``: 要配慮個人情報, whose every
    read the caller records (services.karte.record_health_reads reads ``id`` and ``customer_id``)."""

    id: int
    customer_id: int
    visit_date: date
    heading: str
    text: str
    staff: str | None
    is_health_info: bool


@dataclass(frozen=True)
class KarteSummary:
    """How much karte the customer has, the last visit each kind was written for, and the latest
    entries, memos and images themselves."""

    entries: int
    last_entry_on: date | None
    memos: int
    last_memo_on: date | None
    images: int
    latest_entries: list[KarteLine]
    latest_memos: list[KarteLine]
    image_ids: list[int]


@dataclass(frozen=True)
class CustomerPage:
    upcoming: list[ReservationLine]
    history: list[ReservationLine]
    history_total: int
    late_cancel_count: int
    tickets: list[TicketLine]
    changes: list[ChangeLine]
    karte: KarteSummary


def start_of_today(now: datetime | None = None) -> datetime:
    """Midnight of today in Japan: a reservation from then on is upcoming until it is closed."""
    today = in_japan(now or utcnow()).date()
    return datetime.combine(today, time.min, tzinfo=JAPAN)


async def customer_page(session: AsyncSession, customer_id: int, *, now: datetime | None = None) -> CustomerPage:
    since = start_of_today(now)
    upcoming_clause = and_(Reservation.status.in_(ACTIVE_STATUSES), Reservation.start_at >= since)
    upcoming = await _reservations(session, customer_id, upcoming_clause, Reservation.start_at.asc(),
                                   UPCOMING_SHOWN)
    history = await _reservations(session, customer_id, not_(upcoming_clause), Reservation.start_at.desc(),
                                  HISTORY_SHOWN)
    counted = (await session.execute(
        select(func.count(), func.coalesce(func.sum(case((Reservation.is_late_cancel, 1), else_=0)), 0))
        .where(Reservation.customer_id == customer_id, not_(upcoming_clause))
    )).one()
    return CustomerPage(
        upcoming=upcoming, history=history, history_total=counted[0], late_cancel_count=int(counted[1]),
        tickets=await _tickets(session, customer_id, in_japan(now or utcnow()).date()),
        changes=await _changes(session, customer_id),
        karte=await _karte(session, customer_id),
    )


async def _reservations(session: AsyncSession, customer_id: int, clause, order, limit: int
                        ) -> list[ReservationLine]:
    has_report = exists().where(SalesReport.reservation_id == Reservation.id)
    price = (select(func.coalesce(func.sum(ReservationMenu.price), 0))
             .where(ReservationMenu.reservation_id == Reservation.id).scalar_subquery())
    rows = (await session.execute(
        select(Reservation.id, Reservation.start_at, Reservation.status, StaffMember.name,
               price, Reservation.cancel_fee_yen, has_report)
        .outerjoin(StaffMember, StaffMember.id == Reservation.staff_member_id)
        .where(Reservation.customer_id == customer_id, clause)
        .order_by(order, Reservation.id.desc()).limit(limit)
    )).all()
    menus = await _menu_names(session, [row[0] for row in rows])
    return [ReservationLine(id=row[0], start_at=row[1], status=row[2], menus=menus.get(row[0], ()),
                            staff=row[3], price_yen=int(row[4]), cancel_fee_yen=row[5], has_report=bool(row[6]))
            for row in rows]


async def _menu_names(session: AsyncSession, reservation_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not reservation_ids:
        return {}
    names: dict[int, list[str]] = {}
    for reservation_id, name in (await session.execute(
        select(ReservationMenu.reservation_id, Menu.name).join(Menu, Menu.id == ReservationMenu.menu_id)
        .where(ReservationMenu.reservation_id.in_(reservation_ids)).order_by(ReservationMenu.id)
    )).all():
        names.setdefault(reservation_id, []).append(name)
    return {key: tuple(value) for key, value in names.items()}


async def _tickets(session: AsyncSession, customer_id: int, today: date) -> list[TicketLine]:
    rows = (await session.execute(
        select(TicketPurchase.id, TicketMenu.name, TicketPurchase.purchased_on, TicketPurchase.expires_on,
               TicketPurchase.used_count, TicketPurchase.total_uses)
        .join(TicketMenu, TicketMenu.id == TicketPurchase.ticket_menu_id)
        .where(TicketPurchase.customer_id == customer_id)
        # Usable ones first (uses left, not expired), then the newest.
        .order_by(or_(TicketPurchase.expires_on < today, TicketPurchase.used_count >= TicketPurchase.total_uses),
                  TicketPurchase.expires_on.desc(), TicketPurchase.id.desc())
    )).all()
    return [TicketLine(id=r[0], name=r[1], purchased_on=r[2], expires_on=r[3], used=r[4], total=r[5],
                       expired=r[3] < today) for r in rows]


LATEST_ENTRIES = 5
LATEST_MEMOS = 3


async def _karte(session: AsyncSession, customer_id: int) -> KarteSummary:
    """Counts, latest days, the latest entries and memos (health information among them is marked:
    the caller records its reading) and the images' ids."""
    def count(model: Any) -> Any:
        return select(func.count()).where(model.customer_id == customer_id).scalar_subquery()

    def latest(model: Any) -> Any:
        return select(func.max(model.visit_date)).where(model.customer_id == customer_id).scalar_subquery()

    row = (await session.execute(select(count(KarteEntry), latest(KarteEntry), count(VisitMemo), latest(VisitMemo),
                                        count(KarteImage)))).one()
    entries = (await session.execute(
        select(KarteEntry.id, KarteEntry.visit_date, KarteCategory.name, KarteDetail.name, KarteEntry.text,
               StaffMember.name, KarteEntry.is_health_info)
        .outerjoin(KarteCategory, KarteCategory.id == KarteEntry.category_id)
        .outerjoin(KarteDetail, KarteDetail.id == KarteEntry.detail_id)
        .outerjoin(StaffMember, StaffMember.id == KarteEntry.staff_member_id)
        .where(KarteEntry.customer_id == customer_id)
        .order_by(KarteEntry.visit_date.desc(), KarteEntry.id.desc()).limit(LATEST_ENTRIES))).all()
    memos = (await session.execute(
        select(VisitMemo.id, VisitMemo.visit_date, VisitMemo.text, StaffMember.name, VisitMemo.is_health_info)
        .outerjoin(StaffMember, StaffMember.id == VisitMemo.staff_member_id)
        .where(VisitMemo.customer_id == customer_id)
        .order_by(VisitMemo.visit_date.desc(), VisitMemo.id.desc()).limit(LATEST_MEMOS))).all()
    images = (await session.scalars(select(KarteImage.id).where(KarteImage.customer_id == customer_id)
                                    .order_by(KarteImage.uploaded_at.desc(), KarteImage.id.desc()))).all()
    return KarteSummary(
        entries=row[0], last_entry_on=row[1], memos=row[2], last_memo_on=row[3], images=row[4],
        latest_entries=[KarteLine(id=e[0], customer_id=customer_id, visit_date=e[1],
                                  heading=" / ".join(part for part in (e[2], e[3]) if part), text=e[4],
                                  staff=e[5], is_health_info=bool(e[6])) for e in entries],
        latest_memos=[KarteLine(id=m[0], customer_id=customer_id, visit_date=m[1], heading="", text=m[2],
                                staff=m[3], is_health_info=bool(m[4])) for m in memos],
        image_ids=list(images))


async def _changes(session: AsyncSession, customer_id: int) -> list[ChangeLine]:
    rows = (await session.execute(
        select(AuditLog.at, AuditLog.action, StaffAccount.display_name, AuditLog.actor_kind, AuditLog.changes)
        .outerjoin(StaffAccount, StaffAccount.id == AuditLog.actor_account_id)
        .where(AuditLog.entity == AuditEntity.CUSTOMER.value, AuditLog.entity_id == customer_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(AUDIT_SHOWN)
    )).all()
    return [ChangeLine(at=r[0], action=r[1], actor=r[2] or (r[3].label if r[3] else None), changes=r[4] or {})
            for r in rows]
