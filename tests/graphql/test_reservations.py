"""Reservations over GraphQL: every booking rule through the customer token and the staff token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from models import AuditLog, BlacklistEntry, Caution, Reservation
from services import auth, booking, token_cache
from services.booking.listing import SALON_TZ
from tests.booking_world import World, later

CREATE = """
mutation($input: CreateReservationInput!) {
  createReservation(input: $input) {
    reservation { id status statusLabel channel startAt endAt totalPrice isLateCancel cancelFeeYen memo
                  customer { id isCaution cautionMemo } staff { name } menus { price menu { name } } }
    warnings
    errors { field code message }
  }
}"""
CANCEL = """mutation($id: ID!) { cancelReservation(input: {id: $id}) {
  reservation { status statusLabel isLateCancel cancelKind cancelFeeYen } errors { field code message } } }"""
STATUS_OPS = {name: f"""mutation($id: ID!) {{ {name}(input: {{id: $id}}) {{
  reservation {{ id status cancelFeeYen cancelFeePaidAt cancelFeeWaivedAt }} errors {{ field code message }} }} }}"""
              for name in ("markVisited", "markNoShow", "waiveCancellationFee", "payCancellationFee",
                           "confirmReservation", "recordPrepayment", "cancelReservationByStore")}
RESCHEDULE = """mutation($input: RescheduleReservationInput!) { rescheduleReservation(input: $input) {
  reservation { startAt endAt staff { name } menus { menu { name } } } warnings errors { field code message } } }"""
LIST = """query($filter: ReservationFilter, $first: Int) { reservations(filter: $filter, first: $first) {
  totalCount edges { node { id status customer { id } staff { name } channel } } } }"""
ONE = "query($id: ID!) { reservation(id: $id) { id status memo } }"
MASKED = {"field": None, "code": "SLOT_FULL",
          "message": "申し訳ございませんが、ご希望の時間帯は予約がいっぱいとなっております。"}


@pytest.fixture
async def world(db) -> World:
    return await World(db).build()


async def token_of(db, customer) -> str:
    async with db.transaction() as s:
        token, _ = await auth.issue_customer_token(s, customer)
    return token


def booking_input(world: World, customer=None, *, hours: float = 72, stylist: int | None = 0,
                  menus=(0,), **extra) -> dict:
    data = {"startAt": later(hours).isoformat(), "menuIds": [str(world.menus[i].id) for i in menus], **extra}
    if customer is not None:
        data["customerId"] = str(customer.id)
    if stylist is not None:
        data["staffId"] = str(world.stylists[stylist].id)
    return data


async def reservation_count(db) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(Reservation)))


async def test_staff_books_and_sees_everything_on_the_reservation(gql, world, staff_token):
    customer = await world.customer()
    await world.flag(customer, Caution, "大声で話される")
    out = (await gql(CREATE, {"input": booking_input(world, customer, menus=(0, 1), memo="指名あり")},
                     token=staff_token))["createReservation"]
    assert out["errors"] == [] and out["warnings"] == []
    r = out["reservation"]
    assert (r["status"], r["statusLabel"], r["channel"], r["totalPrice"], r["memo"]) == (
        "BOOKED", "予約中来店前", "STAFF_APP", 13000, "指名あり")
    assert r["customer"] == {"id": str(customer.id), "isCaution": True, "cautionMemo": "大声で話される"}
    assert r["staff"] == {"name": "佐藤"}
    assert [(m["menu"]["name"], m["price"]) for m in r["menus"]] == [("カット", 5000), ("カラー", 8000)]


async def test_a_reservation_memo_loses_control_and_bidi_characters_and_nothing_else(gql, world, db,
                                                                                       staff_token):
    customer = await world.customer()
    out = (await gql(CREATE, {"input": booking_input(world, customer, memo="\u202e指名\x00あり\x07\n前回の  カラー剤")},
                     token=staff_token))["createReservation"]
    assert out["errors"] == [] and out["reservation"]["memo"] == "指名あり\n前回の  カラー剤"
    async with db.sessionmaker() as s:
        assert await s.scalar(select(Reservation.memo)) == "指名あり\n前回の  カラー剤"


async def test_customer_token_books_and_reads_only_its_own(gql, world, db, staff_token):
    me, other = await world.customer(), await world.customer()
    token = await token_of(db, me)
    out = (await gql(CREATE, {"input": booking_input(world, memo="x")}, token=token))["createReservation"]
    mine = out["reservation"]
    assert out["errors"] == [] and mine["channel"] == "SITE" and mine["memo"] is None
    assert mine["customer"]["isCaution"] is None  # flags are for staff
    out = (await gql(CREATE, {"input": booking_input(world, other, hours=90)}, token=token))["createReservation"]
    assert out["reservation"] is None and out["errors"][0]["code"] == "NOT_FOUND"
    theirs = await world.book(other, hours=150)
    listed = (await gql(LIST, {}, token=token))["reservations"]
    assert [e["node"]["id"] for e in listed["edges"]] == [mine["id"]] and listed["totalCount"] == 1
    asked = (await gql(LIST, {"filter": {"customerId": str(other.id)}}, token=token))["reservations"]
    assert asked["edges"] == [] and asked["totalCount"] == 0
    assert (await gql(ONE, {"id": str(theirs.id)}, token=token))["reservation"] is None
    assert (await gql(ONE, {"id": str(theirs.id)}, token=staff_token))["reservation"]["id"] == str(theirs.id)
    out = (await gql(CANCEL, {"id": str(theirs.id)}, token=token))["cancelReservation"]
    assert out["errors"][0]["code"] == "NOT_FOUND" and out["reservation"] is None
    for name in ("markVisited", "waiveCancellationFee", "cancelReservationByStore"):
        out = (await gql(STATUS_OPS[name], {"id": mine["id"]}, token=token))[name]
        assert out["errors"][0]["code"] in ("PERMISSION_DENIED", "NOT_FOUND")
    assert await reservation_count(db) == 2


async def test_customer_site_answer_is_byte_for_byte_the_same(client, world, db):
    """Full slot, blacklist and unpaid fee: the customer site gets identical response bodies."""
    full, listed, owing = await world.customer(), await world.customer(), await world.customer()
    await world.book(owing, hours=500)  # takes the slot the three ask for
    await world.flag(listed, BlacklistEntry, "出入り禁止")
    late = await world.book(owing, hours=2, stylist=1)
    await world.run(booking.cancel_by_customer, late.id, world.staff)
    bodies = []
    for customer in (full, listed, owing):
        token = await token_of(db, customer)
        free = booking_input(world, hours=500)  # same variables for all three
        response = await client.post("/graphql", json={"query": CREATE, "variables": {"input": free}},
                                     headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        bodies.append(response.content)
    assert bodies[0] == bodies[1] == bodies[2]
    assert MASKED in response.json()["data"]["createReservation"]["errors"]
    assert await reservation_count(db) == 2


async def test_staff_channels_get_the_real_reasons(gql, world, staff_token):
    listed, owing, busy = await world.customer(), await world.customer(), await world.customer()
    await world.flag(listed, BlacklistEntry, "出入り禁止")
    out = (await gql(CREATE, {"input": booking_input(world, listed)}, token=staff_token))["createReservation"]
    assert out["errors"][0]["code"] == "BLACKLISTED" and "出入り禁止" in out["errors"][0]["message"]
    late = await world.book(owing, hours=2, stylist=1)
    await world.run(booking.cancel_by_customer, late.id, world.staff)
    out = (await gql(CREATE, {"input": booking_input(world, owing)}, token=staff_token))["createReservation"]
    assert out["errors"] == [] and out["warnings"] == ["このお客様には未払いのキャンセル料があります。"]
    out = (await gql(CREATE, {"input": booking_input(world, busy)}, token=staff_token))["createReservation"]
    assert out["errors"][0]["code"] == "STAFF_BUSY"


async def test_cancellation_fee_cycle(gql, world, db, staff_token, manager_token):
    customer = await world.customer()
    token = await token_of(db, customer)
    r = await world.book(customer, hours=3)
    out = (await gql(CANCEL, {"id": str(r.id)}, token=token))["cancelReservation"]
    assert out["reservation"] == {"status": "CANCEL_FEE_UNPAID", "statusLabel": "キャンセル料未払い",
                                  "isLateCancel": True, "cancelKind": "LATE", "cancelFeeYen": 2500}
    out = (await gql(STATUS_OPS["waiveCancellationFee"], {"id": str(r.id)}, token=manager_token))
    assert out["waiveCancellationFee"]["reservation"]["status"] == "CANCELLED"
    assert out["waiveCancellationFee"]["reservation"]["cancelFeeWaivedAt"]
    again = (await gql(STATUS_OPS["payCancellationFee"], {"id": str(r.id)}, token=staff_token))
    error = again["payCancellationFee"]["errors"][0]
    assert error["code"] == "INVALID_TRANSITION" and error["field"] == "status"
    assert error["message"].startswith("「キャンセル料の支払い」はできません。この予約は")
    assert re.search(r"キャンセル料は\d{4}/\d\d/\d\d \d\d:\d\dに取り消されています。$", error["message"])


async def test_visit_no_show_confirm_prepayment_store_cancel(gql, db, staff_token):
    world = await World(db).build(use_prepayment=True)
    customer = await world.customer()
    past = await world.book(customer, hours=-3)
    out = (await gql(STATUS_OPS["markNoShow"], {"id": str(past.id)}, token=staff_token))["markNoShow"]
    assert out["reservation"]["status"] == "CANCEL_FEE_UNPAID"
    paid = (await gql(STATUS_OPS["payCancellationFee"], {"id": str(past.id)}, token=staff_token))
    assert paid["payCancellationFee"]["reservation"]["cancelFeePaidAt"]
    tentative = (await gql(CREATE, {"input": booking_input(world, customer, tentative=True)},
                           token=staff_token))["createReservation"]["reservation"]
    assert tentative["status"] == "TENTATIVE"
    for name, status in (("confirmReservation", "BOOKED"), ("recordPrepayment", "PREPAID"),
                         ("cancelReservationByStore", "STORE_CANCELLED_PREPAID")):
        out = (await gql(STATUS_OPS[name], {"id": tentative["id"]}, token=staff_token))[name]
        assert out["errors"] == [] and out["reservation"]["status"] == status
    visit = await world.book(customer, hours=-30)
    out = (await gql(STATUS_OPS["markVisited"], {"id": str(visit.id)}, token=staff_token))["markVisited"]
    assert out["reservation"]["status"] == "VISITED"
    statuses = await gql("{ reservationStatuses { code label } }")
    assert len(statuses["reservationStatuses"]) == 8


async def test_reschedule_over_graphql(gql, world, db, staff_token):
    customer = await world.customer()
    r = await world.book(customer, hours=100)
    token = await token_of(db, customer)
    out = (await gql(RESCHEDULE, {"input": {"id": str(r.id), "startAt": later(120).isoformat(),
                                            "staffId": str(world.stylists[1].id),
                                            "menuIds": [str(world.menus[1].id)]}}, token=token))
    moved = out["rescheduleReservation"]
    assert moved["errors"] == [] and moved["reservation"]["staff"] == {"name": "鈴木"}
    assert moved["reservation"]["menus"] == [{"menu": {"name": "カラー"}}]
    out = (await gql(RESCHEDULE, {"input": {"id": str(r.id), "startAt": later(-10).isoformat()}}, token=token))
    assert out["rescheduleReservation"]["errors"][0]["field"] == "startAt"


@pytest.mark.parametrize("bad,field,code", [
    ({"menuIds": []}, "menuIds", "REQUIRED"),
    ({"menuIds": ["abc"]}, "menuIds", "NOT_FOUND"),
    ({"menuIds": [str(i) for i in range(11)]}, "menuIds", "INVALID"),
    ({"staffId": "99999"}, "staffId", "NOT_FOUND"),
    ({"customerId": "1" * 30}, "customerId", "NOT_FOUND"),
    ({"memo": "あ" * 1001}, "memo", "TOO_LONG"),
    ({"startAt": None}, "startAt", "REQUIRED"),
    ({"endAt": later(71).isoformat()}, "endAt", "INVALID"),
    ({"startAt": "1800-01-01T00:00:00+09:00"}, "startAt", "INVALID"),
])
async def test_bad_inputs_write_nothing(gql, world, db, staff_token, bad, field, code):
    customer = await world.customer()
    data = {**booking_input(world, customer), **bad}
    out = (await gql(CREATE, {"input": data}, token=staff_token))["createReservation"]
    assert out["reservation"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in out["errors"]]
    assert await reservation_count(db) == 0


@pytest.mark.parametrize("dates", [
    {"dateFrom": "0001-01-01"}, {"dateTo": "9999-12-31"}, {"dateFrom": "1899-12-31", "dateTo": "1900-01-01"},
    {"dateFrom": "2101-01-01"},
])
async def test_list_days_beyond_the_supported_years_are_refused_clearly(gql, world, staff_token, dates):
    out = await gql(LIST, {"filter": dates}, token=staff_token, expect_errors=True)
    error = out["errors"][0]
    assert error["extensions"]["code"] == "INVALID_DATE", error
    assert error["message"] == "予約日は1900年1月1日から2100年12月31日までの日付で指定してください。"
    assert error["extensions"]["field"] in dates


@pytest.mark.parametrize("day", ["2026-02-30", "2026-1-1", "令和8年1月1日", "2026-01-01T00:00:00"])
async def test_list_day_that_is_not_a_date_says_so_in_japanese(gql, world, staff_token, day):
    out = await gql(LIST, {"filter": {"dateFrom": day}}, token=staff_token, expect_errors=True)
    assert "Date は YYYY-MM-DD の形式の、実在する日付で指定してください（例: 2026-04-01）。" in out["errors"][0]["message"]


async def test_list_filters(gql, world, staff_token):
    a, b = await world.customer(), await world.customer()
    first = await world.book(a, hours=24 * 3)
    await world.book(b, hours=24 * 3 + 2, stylist=1)
    await world.book(b, hours=24 * 10)
    days = [later(h).astimezone(SALON_TZ).date() for h in (24 * 3, 24 * 3 + 2, 24 * 10)]
    one_day = {"dateFrom": days[0].isoformat(), "dateTo": days[0].isoformat()}
    got = (await gql(LIST, {"filter": one_day}, token=staff_token))["reservations"]
    assert got["totalCount"] == days.count(days[0]) and len(got["edges"]) == days.count(days[0])
    got = (await gql(LIST, {"filter": {"staffId": str(world.stylists[0].id), "customerId": str(a.id),
                                       "statuses": ["BOOKED"], "channel": "ADMIN"}}, token=staff_token))
    assert [e["node"]["id"] for e in got["reservations"]["edges"]] == [str(first.id)]
    bad = await gql(LIST, {"filter": {"dateFrom": "2026-01-01", "dateTo": "2028-01-01"}}, token=staff_token,
                    expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID"
    assert (await gql(LIST, {}, expect_errors=True))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


CUSTOMERS_WITH_RESERVATIONS = """{ customers(first: 50) { edges { node { id
  reservations(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id status } } } } } } }"""


async def test_customer_reservations_connection_without_n_plus_one(gql, world, db, staff_token):
    async def statements_for_listing() -> tuple[int, dict]:
        seen = []
        listener = lambda *args: seen.append(1)
        token_cache.cache.clear()  # both listings look the token up (it is otherwise remembered)
        event.listen(db.engine.sync_engine, "before_cursor_execute", listener)
        try:
            data = await gql(CUSTOMERS_WITH_RESERVATIONS, token=staff_token)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", listener)
        return len(seen), data

    for i in range(2):
        c = await world.customer()
        for h in range(3):
            await world.book(c, hours=50 + 10 * h + 100 * i, stylist=None)
    small, data = await statements_for_listing()
    node = data["customers"]["edges"][0]["node"]["reservations"]
    assert node["totalCount"] == 3 and len(node["edges"]) == 2 and node["pageInfo"]["hasNextPage"]
    for i in range(4):
        c = await world.customer()
        await world.book(c, hours=700 + 10 * i, stylist=None)
    large, _ = await statements_for_listing()
    assert large == small and small > 3


@pytest.mark.parametrize("start", ["2026-13-01T10:00:00+09:00", "明日の10時", "2026-12-06T10:00:00+09:00" + " " * 40])
async def test_a_start_that_is_not_a_datetime_says_so_in_japanese(gql, world, db, staff_token, start):
    customer = await world.customer()
    out = await gql(CREATE, {"input": {**booking_input(world, customer), "startAt": start}}, token=staff_token,
                    expect_errors=True)
    assert "DateTime は ISO 8601 の形式の、実在する日時で指定してください" in out["errors"][0]["message"]
    assert await reservation_count(db) == 0


async def test_cancelling_twice_says_it_is_already_cancelled_and_since_when(gql, world, db, staff_token):
    customer = await world.customer()
    token = await token_of(db, customer)
    r = await world.book(customer, hours=3)
    first = (await gql(CANCEL, {"id": str(r.id)}, token=token))["cancelReservation"]
    assert first["errors"] == [] and first["reservation"]["status"] == "CANCEL_FEE_UNPAID"
    cancelled = await world.get(Reservation, r.id)
    since = cancelled.cancelled_at.astimezone(SALON_TZ).strftime("%Y/%m/%d %H:%M")
    for who in (token, staff_token):
        again = (await gql(CANCEL, {"id": str(r.id)}, token=who))["cancelReservation"]
        assert again == {"reservation": None, "errors": [{
            "field": "status", "code": "INVALID_TRANSITION",
            "message": f"「お客様都合キャンセル」はできません。この予約は{since}にすでにキャンセルされています"
                       f"（ステータス「キャンセル料未払い」）。"}]}
    after = await world.get(Reservation, r.id)
    assert (after.status, after.cancelled_at, after.cancel_fee_yen) == (
        cancelled.status, cancelled.cancelled_at, cancelled.cancel_fee_yen)
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "reservation", AuditLog.entity_id == r.id)) == 2  # booked, cancelled once


async def test_rescheduling_a_visited_booking_names_the_change_and_the_visit(gql, world, db, staff_token):
    r = await world.book(await world.customer(), hours=-3)
    visited = await world.run(booking.mark_visited, r.id, world.staff)
    at = visited.visited_at.astimezone(SALON_TZ).strftime("%Y/%m/%d %H:%M")
    out = (await gql(RESCHEDULE, {"input": {"id": str(r.id), "startAt": later(50).isoformat()}},
                     token=staff_token))["rescheduleReservation"]
    assert out["errors"] == [{"field": "status", "code": "INVALID_TRANSITION",
                              "message": f"「予約の変更」はできません。この予約は{at}に来店済みです。"}]
    assert (await world.get(Reservation, r.id)).start_at == visited.start_at


async def test_every_problem_of_a_booking_at_once_each_on_its_field(gql, world, db, staff_token):
    """A blacklisted customer, a stylist already booked then and a memo too long: one answer with the
    three, the clash on staffId naming the reservation it clashes with (customer, number, time)."""
    holder, listed = await world.customer(last_name="佐々木"), await world.customer()
    held = await world.book(holder, hours=100)
    await world.flag(listed, BlacklistEntry, "出入り禁止")
    data = booking_input(world, listed, hours=100.5, memo="あ" * 1001)
    out = (await gql(CREATE, {"input": data}, token=staff_token))["createReservation"]
    start = held.start_at.astimezone(SALON_TZ)
    assert [(e["field"], e["code"]) for e in out["errors"]] == [
        ("memo", "TOO_LONG"), ("customerId", "BLACKLISTED"), ("staffId", "STAFF_BUSY")]
    assert out["errors"][2]["message"] == (
        f"担当スタッフはこの時間帯に別の予約があります（佐々木 花子様・お客様番号 {holder.customer_no}、"
        f"{start:%Y/%m/%d %H:%M}〜{start + timedelta(hours=1):%H:%M}）。")
    assert out["reservation"] is None and await reservation_count(db) == 1


async def test_without_a_stylist_a_full_salon_is_full_for_everyone(client, gql, world, db, staff_token):
    """Both active stylists are booked at that time: an ordinary customer asking without a stylist
    gets SLOT_FULL, byte for byte what a blacklisted customer gets; staff are warned and may book."""
    for stylist in (0, 1):
        await world.book(await world.customer(), hours=400, stylist=stylist)
    ordinary, listed = await world.customer(), await world.customer()
    await world.flag(listed, BlacklistEntry, "出入り禁止")
    bodies = []
    for customer in (ordinary, listed):
        response = await client.post(
            "/graphql", json={"query": CREATE, "variables": {"input": booking_input(world, hours=400, stylist=None)}},
            headers={"Authorization": f"Bearer {await token_of(db, customer)}"})
        bodies.append(response.content)
    assert bodies[0] == bodies[1]
    assert response.json()["data"]["createReservation"]["errors"] == [MASKED]
    assert await reservation_count(db) == 2
    # An hour later both stylists are free: the ordinary customer books, the listed one still cannot.
    out = (await gql(CREATE, {"input": booking_input(world, hours=402, stylist=None)},
                     token=await token_of(db, ordinary)))["createReservation"]
    assert out["errors"] == []
    out = (await gql(CREATE, {"input": booking_input(world, ordinary, hours=400, stylist=None)},
                     token=staff_token))["createReservation"]
    assert out["errors"] == [] and out["warnings"] == [
        "この時間帯は空いている担当スタッフがいません。担当スタッフを決めてください。"]
    assert await reservation_count(db) == 4


@pytest.mark.parametrize("stylist", [0, None], ids=["stylist", "any-stylist"])
async def test_a_blocked_customer_is_refused_by_the_same_statements_as_a_full_slot(client, world, db, stylist):
    """The answer is the same byte for byte, and so is the work: the customer's standing and the slot
    are both checked, by the same statements in the same order, before either refusal (the blacklisted
    refusal skipped the slot's query, and answered measurably faster). Timings: bench/booking_oracle.py."""
    for n in (0, 1):
        await world.book(await world.customer(), hours=300, stylist=n)
    full, listed, owing = await world.customer(), await world.customer(), await world.customer()
    await world.flag(listed, BlacklistEntry, "出入り禁止")
    late = await world.book(owing, hours=2, stylist=1)
    await world.run(booking.cancel_by_customer, late.id, world.staff)
    busy = booking_input(world, hours=300, stylist=stylist)
    free = booking_input(world, hours=310, stylist=stylist)
    runs = []
    for customer, data in ((full, busy), (listed, free), (owing, free)):
        token = await token_of(db, customer)
        await client.post("/graphql", json={"query": "{ reservationStatuses { value } }"},
                          headers={"Authorization": f"Bearer {token}"})  # the token is looked up once, here
        statements: list[str] = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
        try:
            response = await client.post("/graphql", json={"query": CREATE, "variables": {"input": data}},
                                         headers={"Authorization": f"Bearer {token}"})
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
        runs.append((response.content, statements))
    assert runs[0][0] == runs[1][0] == runs[2][0]
    assert MASKED in response.json()["data"]["createReservation"]["errors"]
    assert runs[0][1] == runs[1][1] == runs[2][1]
    assert await reservation_count(db) == 3


async def test_the_late_cancellation_fee_cannot_be_dodged_by_a_reschedule(gql, world, db, staff_token):
    """Three hours ahead (the deadline is 24 h): the customer site may not move the booking a month on
    and then cancel it for free; staff may move it, and it keeps its deadline, so the customer's
    cancellation afterwards is still a 直前キャンセル with the fee."""
    customer = await world.customer()
    token = await token_of(db, customer)
    r = await world.book(customer, hours=3)
    deadline = r.start_at - timedelta(hours=24)
    month_on = {"input": {"id": str(r.id), "startAt": later(3 + 24 * 30).isoformat()}}
    out = (await gql(RESCHEDULE, month_on, token=token))["rescheduleReservation"]
    assert out["errors"] == [{"field": None, "code": "PAST_DEADLINE", "message":
                              f"キャンセル期限（{deadline.astimezone(SALON_TZ):%Y/%m/%d %H:%M}）を過ぎたご予約は"
                              f"変更できません。お手数ですが、お店にご連絡ください。"}]
    assert (await world.get(Reservation, r.id)).start_at == r.start_at
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "reservation", AuditLog.action == "update")) == 0

    out = (await gql(RESCHEDULE, month_on, token=staff_token))["rescheduleReservation"]
    assert out["errors"] == []
    moved = await world.get(Reservation, r.id)
    assert moved.cancel_deadline_at == deadline
    out = (await gql(CANCEL, {"id": str(r.id)}, token=token))["cancelReservation"]
    assert out["errors"] == [] and out["reservation"] == {
        "status": "CANCEL_FEE_UNPAID", "statusLabel": "キャンセル料未払い", "isLateCancel": True,
        "cancelKind": "LATE", "cancelFeeYen": 2500}


async def test_a_reschedule_before_the_deadline_moves_the_deadline_with_it(gql, world, db):
    customer = await world.customer()
    token = await token_of(db, customer)
    r = await world.book(customer, hours=30)
    out = (await gql(RESCHEDULE, {"input": {"id": str(r.id), "startAt": later(24 * 30).isoformat()}},
                     token=token))["rescheduleReservation"]
    assert out["errors"] == []
    assert (await world.get(Reservation, r.id)).cancel_deadline_at is None
    out = (await gql(CANCEL, {"id": str(r.id)}, token=token))["cancelReservation"]
    assert out["reservation"]["status"] == "CANCELLED" and out["reservation"]["cancelFeeYen"] == 0
