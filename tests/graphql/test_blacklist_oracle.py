"""A customer token cannot learn whether a third person is blacklisted, nor type its way out of a match.

The probe: a customer changes its own kana and phone to someone else's and books; the answer
used to be the masked SLOT_FULL when that person was blacklisted and a booking when not. The
person match now compares who each customer is as registered or as staff last set it
(``services.flags.record_person``), so a customer's own edit changes no answer; staff are shown
the possible match and decide.
"""

from __future__ import annotations

from sqlalchemy import func, select

from models import BlacklistEntry, Reservation
from services import auth, flags
from tests.booking_world import World, later

UPDATE = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { id } errors { field code message } } }"""
BOOK = """mutation($input: CreateReservationInput!) { createReservation(input: $input) {
  reservation { status } errors { field code message } } }"""
MASKED = [{"field": None, "code": "SLOT_FULL",
           "message": "申し訳ございませんが、ご希望の時間帯は予約がいっぱいとなっております。"}]


async def _token(world: World, customer) -> str:
    async with world.db.transaction() as s:
        token, _ = await auth.issue_customer_token(s, customer)
    return token


async def _become(gql, token: str, me, other) -> None:
    """``me`` types ``other``'s kana and phone into its own profile on the reservation site."""
    out = (await gql(UPDATE, {"input": {"id": str(me.id), "lastNameKana": other.last_name_kana,
                                             "firstNameKana": other.first_name_kana, "phone": other.phone}},
                     token=token))["updateCustomer"]
    assert out["errors"] == []


async def _book(gql, world: World, token: str, hours: float) -> dict:
    booking = {"startAt": later(hours).isoformat(), "menuIds": [str(world.menus[0].id)]}
    return (await gql(BOOK, {"input": booking}, token=token))["createReservation"]


async def test_typing_a_third_persons_details_gives_the_same_answer_whether_or_not_they_are_listed(gql, db):
    world = await World(db).build()
    listed = await world.customer(last_name_kana="クロダ", first_name_kana="ユウコ", phone="09011112222")
    await world.flag(listed, BlacklistEntry, "暴言あり")
    ordinary = await world.customer(last_name_kana="シロタ", first_name_kana="ミキ", phone="09033334444")
    probe_a = await world.customer(last_name_kana="アオキ", first_name_kana="ケン", phone="09055556666")
    probe_b = await world.customer(last_name_kana="アオヤマ", first_name_kana="ジュン", phone="09077778888")

    token_a, token_b = await _token(world, probe_a), await _token(world, probe_b)
    await _become(gql, token_a, probe_a, listed)
    await _become(gql, token_b, probe_b, ordinary)
    answers = [await _book(gql, world, token_a, 72), await _book(gql, world, token_b, 96)]

    assert answers[0] == answers[1] == {"reservation": {"status": "BOOKED"}, "errors": []}
    # Staff see what the edit would match and decide; the customer's answer did not change.
    async with db.sessionmaker() as s:
        possible = await flags.unrecorded_match(s, probe_a.id)
        assert possible is not None and possible.customer_id == listed.id
        assert await flags.find_blacklist_match(s, probe_a.id) is None
        assert await flags.unrecorded_match(s, probe_b.id) is None


async def test_a_matched_customer_cannot_edit_its_way_out_of_the_match(gql, db):
    world = await World(db).build()
    listed = await world.customer(last_name_kana="クロダ", first_name_kana="ユウコ", phone="09011112222")
    await world.flag(listed, BlacklistEntry, "暴言あり")
    again = await world.customer(last_name_kana="クロダ", first_name_kana="ユウコ", phone="090-1111-2222",
                                 email="other@example.jp")  # registered anew: the match is decided here
    stranger = await world.customer(last_name_kana="ハヤシ", first_name_kana="リョウ", phone="09099990000")
    token = await _token(world, again)

    assert await _book(gql, world, token, 72) == {"reservation": None, "errors": MASKED}
    await _become(gql, token, again, stranger)
    assert await _book(gql, world, token, 96) == {"reservation": None, "errors": MASKED}
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Reservation)) == 0


async def test_a_staff_edit_records_the_customers_details_and_so_the_match(gql, db, staff_token):
    world = await World(db).build()
    listed = await world.customer(last_name_kana="クロダ", first_name_kana="ユウコ", phone="09011112222")
    await world.flag(listed, BlacklistEntry, "暴言あり")
    probe = await world.customer(last_name_kana="アオキ", first_name_kana="ケン", phone="09055556666")
    token = await _token(world, probe)
    await _become(gql, token, probe, listed)

    # Staff open the profile and save it: the details as they now stand are the customer's.
    out = (await gql(UPDATE, {"input": {"id": str(probe.id), "notes": "電話で確認済み"}},
                     token=staff_token))["updateCustomer"]
    assert out["errors"] == []
    async with db.sessionmaker() as s:
        assert (await flags.find_blacklist_match(s, probe.id)).customer_id == listed.id
        assert await flags.unrecorded_match(s, probe.id) is None
    assert await _book(gql, world, token, 72) == {"reservation": None, "errors": MASKED}
