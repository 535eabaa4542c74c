"""Who took or waived a cancellation fee (キャンセル料受領者 / 取消者): staff see the account's id and
name, as the admin shows them; a customer token reads null. A day's list reads every account
in one statement per field, however many rows."""

from __future__ import annotations

import pytest

from services import auth
from services.booking import status as booking_status
from tests.booking_world import World
from tests.graphql.test_statement_count import counting

LIST = """query { reservations(first: 50) { edges { node { id status
  cancelFeePaidBy { id name } cancelFeeWaivedBy { id name } } } } }"""
ONE = """query($id: ID!) { reservation(id: $id) { status cancelFeePaidBy { id name } cancelFeeWaivedBy { id name } } }"""


@pytest.fixture
async def world(db) -> World:
    return await World(db).build()


async def _late_cancel(world: World, customer, hours: float):
    booked = await world.book(customer, hours=hours)
    await world.run(booking_status.cancel_by_customer, booked.id, world.staff)
    return booked


async def test_staff_see_who_took_or_waived_a_fee_and_a_customer_does_not(gql, db, world, staff_token):
    customer = await world.customer()
    paid = await _late_cancel(world, customer, 2)
    await world.run(booking_status.pay_cancellation_fee, paid.id, world.staff)
    waived = await _late_cancel(world, customer, 3)
    await world.run(booking_status.waive_cancellation_fee, waived.id, world.manager)
    open_fee = await _late_cancel(world, customer, 4)
    waived_too = await _late_cancel(world, customer, 5)
    await world.run(booking_status.waive_cancellation_fee, waived_too.id, world.staff)

    def row(paid_by, waived_by):
        return {"cancelFeePaidBy": paid_by, "cancelFeeWaivedBy": waived_by}

    staff = {"id": str(world.staff.account_id), "name": "staff"}
    manager = {"id": str(world.manager.account_id), "name": "manager"}
    with counting(db) as counted:
        listed = (await gql(LIST, token=staff_token))["reservations"]["edges"]
    got = {e["node"]["id"]: row(e["node"]["cancelFeePaidBy"], e["node"]["cancelFeeWaivedBy"]) for e in listed}
    assert got == {str(paid.id): row(staff, None), str(waived.id): row(None, manager),
                   str(open_fee.id): row(None, None), str(waived_too.id): row(None, staff)}
    names = [s for s in counted.statements if s.startswith("SELECT staff_accounts.id, staff_accounts.display_name")]
    assert len(names) == 2 and not any("password" in s for s in names)  # paid by, waived by

    async with db.transaction() as s:
        token, _ = await auth.issue_customer_token(s, customer)
    mine = (await gql(ONE, {"id": str(waived.id)}, token=token))["reservation"]
    assert mine == {"status": "CANCELLED", "cancelFeePaidBy": None, "cancelFeeWaivedBy": None}
