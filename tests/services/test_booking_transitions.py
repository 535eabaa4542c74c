"""The transition table, exhaustively: every operation from every status, with and without prepayment.

The moves the service actually makes must be exactly the (from, to) pairs of the table;
every other attempt is INVALID_TRANSITION naming the operation asked for and the current status.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from models import Reservation, ReservationChannel, ReservationStatus
from services import booking
from services.booking.transitions import allowed_pairs, offered_statuses
from services.errors import DomainError, ErrorCode
from tests.booking_world import World
from tests.factories import booked_on

S = ReservationStatus

#: (name, service call, hours from now to the start, channel, menu index)
VARIANTS = [
    ("confirm admin", booking.confirm_reservation, 72, ReservationChannel.ADMIN, 0),
    ("confirm site", booking.confirm_reservation, 72, ReservationChannel.SITE, 0),
    ("prepayment", booking.record_prepayment, 72, ReservationChannel.ADMIN, 0),
    ("visited", booking.mark_visited, -1, ReservationChannel.ADMIN, 0),
    ("no-show", booking.mark_no_show, -1, ReservationChannel.ADMIN, 0),
    ("no-show free menu", booking.mark_no_show, -1, ReservationChannel.ADMIN, 3),
    ("cancel early", booking.cancel_by_customer, 72, ReservationChannel.ADMIN, 0),
    ("cancel late", booking.cancel_by_customer, 2, ReservationChannel.ADMIN, 0),
    ("store cancel", booking.cancel_by_store, 2, ReservationChannel.ADMIN, 0),
    ("pay fee", booking.pay_cancellation_fee, 2, ReservationChannel.ADMIN, 0),
    ("waive fee", booking.waive_cancellation_fee, 2, ReservationChannel.ADMIN, 0),
]


@pytest.mark.parametrize("prepayment", [True, False], ids=["prepayment", "no-prepayment"])
async def test_every_operation_from_every_status(db, prepayment):
    world = await World(db).build(use_prepayment=prepayment)
    customer = await world.customer()
    statuses = offered_statuses(prepayment)
    assert len(statuses) == (8 if prepayment else 5)
    observed: set[tuple[ReservationStatus, ReservationStatus]] = set()
    for source in statuses:
        async with db.transaction() as s:
            requests = [world.request(customer, hours=hours, stylist=None, menus=(menu,), channel=channel)
                        for _, _, hours, channel, menu in VARIANTS]
            ids = [(await booking.create_reservation(s, request, world.staff, now=booked_on(request.start_at))
                    ).reservation.id for request in requests]
            await s.execute(update(Reservation).where(Reservation.id.in_(ids)).values(status=source))
        for rid, (name, op, *_) in zip(ids, VARIANTS, strict=True):
            r = await world.get(Reservation, rid)
            try:
                after = await world.run(op, r.id, world.manager)
            except DomainError as err:
                assert err.code == ErrorCode.INVALID_TRANSITION, (name, source, err.message)
                assert err.message.startswith(f"「{op_label(op)}」はできません。"), err.message
                assert f"「{source.label}」" in err.message or source == ReservationStatus.VISITED, err.message
                assert (await world.get(Reservation, r.id)).status == source
                continue
            observed.add((source, after.status))
    expected = allowed_pairs(prepayment)
    for a in ReservationStatus:
        for b in ReservationStatus:
            assert ((a, b) in observed) == ((a, b) in expected), (a.label, b.label)


def op_label(op) -> str:
    return {booking.confirm_reservation: "予約確定", booking.record_prepayment: "事前決済の入金",
            booking.mark_visited: "来店", booking.mark_no_show: "無断キャンセル",
            booking.cancel_by_customer: "お客様都合キャンセル", booking.cancel_by_store: "店舗都合キャンセル",
            booking.pay_cancellation_fee: "キャンセル料の支払い",
            booking.waive_cancellation_fee: "キャンセル料の取り消し"}[op]


def test_readme_carries_the_table():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert booking.transition_table_markdown() in readme
