"""The demo salon's store settings, masters, menus, staff, tickets, karte phrases and logins.

Each is matched by name and created only when missing, so loading twice adds customers, not masters.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BusinessHours,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    KarteDetail,
    KartePhrase,
    Menu,
    Occupation,
    StaffAccount,
    StaffMember,
    StaffRole,
    StaffShift,
    TicketMenu,
)
from models.ticket import ticket_menu_menus, ticket_menu_staff
from services import auth
from services.demo import data
from services.demo.data import Masters, MenuInfo, StaffInfo, TicketInfo
from services.store import get_store_settings


async def ensure_masters(session: AsyncSession) -> Masters:
    """Store settings and every master the demo refers to, created when missing (matched by name)."""
    settings = await get_store_settings(session)
    if not settings.store_name:
        settings.store_name, settings.use_prepayment = data.STORE_NAME, True
        settings.cancel_deadline_hours, settings.cancel_fee_percent = 24, 50
        settings.placeholder_email_domain = data.PLACEHOLDER_DOMAIN
    menus = await _menus(session)
    staff = await _staff(session)
    await _calendar(session, staff)
    masters = Masters(
        fee_percent=settings.cancel_fee_percent,
        routes=await _named(session, InflowRoute, [n for n, _ in data.INFLOW_ROUTES]),
        occupations=await _named(session, Occupation, data.OCCUPATIONS),
        motives=await _named(session, FirstVisitMotive, data.FIRST_VISIT_MOTIVES),
        choices=await _free_items(session), menus=menus, staff=staff,
        tickets=await _tickets(session, menus, staff), karte=await _karte(session),
        manager_id=None, staff_account_id=None,
    )
    return masters


async def ensure_accounts(session: AsyncSession, masters: Masters) -> list[str]:
    """The demo logins (skipped when the login exists); returns the ones created."""
    created = []
    staff_ids = {s.name: s.id for s in masters.staff}
    for login, password, display, is_manager, member in data.STAFF_ACCOUNTS:
        account_id = await session.scalar(select(StaffAccount.id).where(StaffAccount.login_id == login))
        if account_id is None:
            account = await auth.create_staff_account(
                session, login_id=login, password=password, display_name=display,
                role=StaffRole.MANAGER if is_manager else StaffRole.STAFF,
                staff_member_id=staff_ids.get(member))
            account_id = account.id
            created.append(login)
        if is_manager:
            masters.manager_id = account_id
        else:
            masters.staff_account_id = account_id
    return created


async def _named(session: AsyncSession, model, names) -> dict[str, int]:
    """``{name: id}`` for a master list, adding the missing names."""
    found = dict((await session.execute(select(model.name, model.id).where(model.name.in_(names)))).all())
    new = {name: model(name=name, sort_order=i) for i, name in enumerate(names) if name not in found}
    session.add_all(new.values())
    await session.flush()
    return found | {name: obj.id for name, obj in new.items()}


async def _free_items(session: AsyncSession) -> dict[str, list[tuple[int, int]]]:
    items = {i.name: i for i in (await session.scalars(select(FreeItem))).all()}
    free_positions = [p for p in range(1, 5) if p not in {i.position for i in items.values()}]
    result = {}
    for name, choices in data.FREE_ITEMS:
        item = items.get(name)
        if item is None:
            if not free_positions:
                continue  # the store already uses all four free items
            item = FreeItem(position=free_positions.pop(0), name=name)
            session.add(item)
            await session.flush()
        ids = await _named_choices(session, item.id, choices)
        result[name] = [(item.id, ids[c]) for c in choices]
    return result


async def _named_choices(session: AsyncSession, item_id: int, names) -> dict[str, int]:
    stmt = select(FreeItemChoice.name, FreeItemChoice.id).where(FreeItemChoice.free_item_id == item_id)
    found = dict((await session.execute(stmt)).all())
    new = {n: FreeItemChoice(free_item_id=item_id, name=n, sort_order=i) for i, n in enumerate(names)
           if n not in found}
    session.add_all(new.values())
    await session.flush()
    return found | {n: c.id for n, c in new.items()}


async def _calendar(session: AsyncSession, staff: list[StaffInfo]) -> None:
    """The hours the demo's reservations keep (data.OPEN_MINUTE for data.SLOTS half-hours, closed on
    data.CLOSED_WEEKDAY) as the store's calendar, and every working stylist's weekly pattern on them;
    left alone when the store has set its hours already."""
    if await session.scalar(select(BusinessHours.id).limit(1)) is not None:
        return
    opens = time(data.OPEN_MINUTE // 60, data.OPEN_MINUTE % 60)
    close_minute = data.OPEN_MINUTE + data.SLOTS * 30
    closes = time(close_minute // 60, close_minute % 60)
    open_days = [d for d in range(7) if d != data.CLOSED_WEEKDAY]
    session.add_all([BusinessHours(weekday=d, opens_at=opens, closes_at=closes) for d in open_days]
                    + [BusinessHours(weekday=data.CLOSED_WEEKDAY)])
    session.add_all([StaffShift(staff_member_id=s.id, weekday=d, starts_at=opens, ends_at=closes)
                     for s in staff if s.left is None for d in open_days])
    await session.flush()


async def _menus(session: AsyncSession) -> dict[str, MenuInfo]:
    found = {m.name: m for m in (await session.scalars(select(Menu))).all()}
    for order, (name, category, price, minutes) in enumerate(data.MENUS):
        if name not in found:
            found[name] = Menu(name=name, category=category, price=price, duration_minutes=minutes,
                               sort_order=order)
            session.add(found[name])
    await session.flush()
    return {name: MenuInfo(m.id, name, m.category or "", m.price, m.duration_minutes)
            for name, m in found.items() if name in {row[0] for row in data.MENUS}}


async def _staff(session: AsyncSession) -> list[StaffInfo]:
    names = [row[0] for row in data.STAFF]
    found = {s.name: s for s in await session.scalars(select(StaffMember).where(StaffMember.name.in_(names)))}
    for order, (name, kana, _, left, _) in enumerate(data.STAFF):
        if name not in found:
            found[name] = StaffMember(name=name, name_kana=kana, display_order=order, active=left is None)
            session.add(found[name])
    await session.flush()
    return [StaffInfo(found[name].id, name, joined, left, weight)
            for name, _, joined, left, weight in data.STAFF]


async def _tickets(session: AsyncSession, menus: dict[str, MenuInfo],
                   staff: list[StaffInfo]) -> list[TicketInfo]:
    staff_ids = {s.name: s.id for s in staff}
    result = []
    for name, price, days, uses, menu_names, staff_names in data.TICKET_MENUS:
        ticket = await session.scalar(select(TicketMenu).where(TicketMenu.name == name))
        if ticket is None:
            ticket = TicketMenu(name=name, price=price, validity_days=days, uses=uses, menus=[],
                                staff_members=[])
            ticket.menus = [await session.get(Menu, menus[m].id) for m in menu_names]
            ticket.staff_members = [await session.get(StaffMember, staff_ids[s]) for s in staff_names or ()]
            session.add(ticket)
            await session.flush()
        menu_ids = (await session.scalars(select(ticket_menu_menus.c.menu_id)
                                          .where(ticket_menu_menus.c.ticket_menu_id == ticket.id))).all()
        allowed = (await session.scalars(select(ticket_menu_staff.c.staff_member_id)
                                         .where(ticket_menu_staff.c.ticket_menu_id == ticket.id))).all()
        result.append(TicketInfo(ticket.id, ticket.price, ticket.validity_days, ticket.uses,
                                 frozenset(menu_ids), frozenset(allowed) or None))
    return result


async def _karte(session: AsyncSession) -> dict[str, tuple[int, dict[str, int]]]:
    categories = await _named(session, KarteCategory, [name for name, _ in data.KARTE_CATEGORIES])
    result = {}
    for name, details in data.KARTE_CATEGORIES:
        stmt = select(KarteDetail.name, KarteDetail.id).where(KarteDetail.category_id == categories[name])
        found = dict((await session.execute(stmt)).all())
        new = {d: KarteDetail(category_id=categories[name], name=d, sort_order=i)
               for i, d in enumerate(details) if d not in found}
        session.add_all(new.values())
        await session.flush()
        result[name] = (categories[name], found | {d: obj.id for d, obj in new.items()})
    texts = set((await session.scalars(select(KartePhrase.text))).all())
    session.add_all(KartePhrase(category_id=categories[c], text=t, sort_order=i)
                    for i, (c, t) in enumerate(data.KARTE_PHRASES) if t not in texts)
    await session.flush()
    return result
