"""A customer's new e-mail address is set only from that address: no answer to a customer token tells
whether an address belongs to somebody else (SPEC §12).

The probe: ``updateCustomer(own, email: <someone's>)`` answered DUPLICATE_EMAIL with a customer
token. Now a customer token gets one refusal for any new address, the site's server mails a token
to the new address (``startEmailChange``, the same answer whatever the address) and the address
is checked and set when the token comes back (``confirmEmailChange``).
"""

from __future__ import annotations

from sqlalchemy import select, update

from models import AuditLog, Customer, EmailChange
from tests.factories import count_rows as count

UPDATE = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { email phone } errors { field code message } } }"""
START = """mutation($input: StartEmailChangeInput!) { startEmailChange(input: $input) {
  token expiresAt errors { field code message } } }"""
CONFIRM = """mutation($input: ConfirmEmailChangeInput!) { confirmEmailChange(input: $input) {
  customer { id email } errors { field code message } } }"""
REFUSED = {"updateCustomer": {"customer": None, "errors": [{
    "field": "email", "code": "EMAIL_CONFIRMATION_REQUIRED",
    "message": "メールアドレスの変更には、新しいアドレスに届く確認メールでの手続きが必要です。"
               "予約サイトの「メールアドレスの変更」からお手続きください。"}]}}
INVALID_TOKEN = [{"field": "token", "code": "INVALID_TOKEN",
                  "message": "メールアドレス確認のリンクが無効か、有効期限が切れています。"
                             "お手数ですが、もう一度メールアドレスの変更をお申し込みください。"}]


async def _email_of(db, customer) -> str:
    async with db.sessionmaker() as s:
        return await s.scalar(select(Customer.email).where(Customer.id == customer.id))


async def test_a_customer_token_gets_one_answer_for_a_taken_and_a_free_address(gql, given, db):
    me = await given.customer(email="me@example.jp")
    await given.customer(email="taken@example.jp")
    token = await given.customer_token(me)

    taken = await gql(UPDATE, {"input": {"id": str(me.id), "email": "TAKEN@example.jp", "phone": "09012340000"}},
                      token=token)
    free = await gql(UPDATE, {"input": {"id": str(me.id), "email": "free@example.jp", "phone": "09012340000"}},
                     token=token)

    assert taken == free == REFUSED
    assert await _email_of(db, me) == "me@example.jp"
    async with db.sessionmaker() as s:  # nothing of the request was written, the phone included
        assert await s.scalar(select(Customer.phone).where(Customer.id == me.id)) != "09012340000"


async def test_a_customer_form_sending_its_own_address_back_saves(gql, given):
    me = await given.customer(email="me@example.jp")
    token = await given.customer_token(me)
    out = await gql(UPDATE, {"input": {"id": str(me.id), "email": "ME@example.jp", "phone": "09012340000"}},
                    token=token)
    assert out["updateCustomer"]["errors"] == []
    assert out["updateCustomer"]["customer"]["phone"] == "09012340000"


async def test_staff_keep_the_clear_duplicate_error(gql, given, staff_token):
    me = await given.customer(email="me@example.jp")
    await given.customer(email="taken@example.jp")
    out = await gql(UPDATE, {"input": {"id": str(me.id), "email": "taken@example.jp"}}, token=staff_token)
    assert [e["code"] for e in out["updateCustomer"]["errors"]] == ["DUPLICATE_EMAIL"]


async def test_the_new_address_is_set_with_the_token_mailed_to_it(gql, given, db, manager_token, site_secret):
    me = await given.customer(email="me@example.jp")
    token = await given.customer_token(me)

    started = (await gql(START, {"input": {"customerId": str(me.id), "email": "New@Example.JP"}},
                         site=site_secret))["startEmailChange"]
    assert started["errors"] == [] and len(started["token"]) > 30 and started["expiresAt"].endswith("+09:00")
    assert await _email_of(db, me) == "me@example.jp"  # nothing changes until it is confirmed
    async with db.sessionmaker() as s:  # only a digest of the token is kept
        assert started["token"] not in str((await s.scalars(select(EmailChange.token_hash))).all())

    done = (await gql(CONFIRM, {"input": {"token": started["token"]}}, token=token))["confirmEmailChange"]
    assert done == {"customer": {"id": str(me.id), "email": "New@example.jp"}, "errors": []}
    again = (await gql(CONFIRM, {"input": {"token": started["token"]}}, token=token))["confirmEmailChange"]
    assert again == {"customer": None, "errors": INVALID_TOKEN}
    async with db.sessionmaker() as s:
        actions = (await s.scalars(select(AuditLog.action).where(AuditLog.entity_id == me.id)
                                   .order_by(AuditLog.id))).all()
    assert actions[-2:] == ["email_change_requested", "update"]


async def test_starting_answers_alike_whether_or_not_the_address_is_in_use(gql, given, manager_token, site_secret):
    me = await given.customer(email="me@example.jp")
    await given.customer(email="taken@example.jp")
    answers = [(await gql(START, {"input": {"customerId": str(me.id), "email": address}},
                          site=site_secret))["startEmailChange"] for address in ("taken@example.jp", "free@example.jp")]
    assert [sorted(a) for a in answers] == [["errors", "expiresAt", "token"]] * 2
    assert all(a["errors"] == [] and a["token"] for a in answers)


async def test_a_taken_address_is_told_to_the_mailbox_owner_at_confirmation(gql, given, db, manager_token, site_secret):
    me = await given.customer(email="me@example.jp")
    await given.customer(email="taken@example.jp")
    started = (await gql(START, {"input": {"customerId": str(me.id), "email": "taken@example.jp"}},
                         site=site_secret))["startEmailChange"]
    out = (await gql(CONFIRM, {"input": {"token": started["token"]}}, token=manager_token))["confirmEmailChange"]
    assert out["customer"] is None and [e["code"] for e in out["errors"]] == ["DUPLICATE_EMAIL"]
    assert await _email_of(db, me) == "me@example.jp"


async def test_a_token_that_is_wrong_expired_replaced_or_someone_elses_is_refused_alike(gql, given, db,
                                                                                         manager_token, site_secret):
    me, other = await given.customer(email="me@example.jp"), await given.customer(email="other@example.jp")
    other_token = await given.customer_token(other)

    async def start(address: str) -> str:
        return (await gql(START, {"input": {"customerId": str(me.id), "email": address}},
                          site=site_secret))["startEmailChange"]["token"]

    replaced = await start("first@example.jp")
    current = await start("second@example.jp")
    for token, caller in (("x" * 43, manager_token), ("", manager_token), ("y" * 5000, manager_token),
                          (replaced, manager_token), (current, other_token)):
        out = (await gql(CONFIRM, {"input": {"token": token}}, token=caller))["confirmEmailChange"]
        assert out == {"customer": None, "errors": INVALID_TOKEN}
    async with db.transaction() as s:
        await s.execute(update(EmailChange).values(expires_at=EmailChange.requested_at))
    out = (await gql(CONFIRM, {"input": {"token": current}}, token=manager_token))["confirmEmailChange"]
    assert out == {"customer": None, "errors": INVALID_TOKEN}
    assert await _email_of(db, me) == "me@example.jp"


async def test_only_the_sites_server_starts_a_change(gql, given, db, staff_token):
    me = await given.customer(email="me@example.jp")
    for token in (staff_token, await given.customer_token(me)):
        out = (await gql(START, {"input": {"customerId": str(me.id), "email": "new@example.jp"}},
                         token=token))["startEmailChange"]
        assert out["token"] is None and [e["code"] for e in out["errors"]] == ["PERMISSION_DENIED"]
    assert await count(db, EmailChange) == 0


async def test_a_bad_address_is_refused_in_japanese_and_nothing_is_written(gql, given, db, manager_token, site_secret):
    me = await given.customer(email="me@example.jp")
    for address, code in (("not an address", "INVALID_EMAIL"), ("", "REQUIRED"), ("a" * 300 + "@example.jp",
                                                                                   "INVALID_EMAIL")):
        out = (await gql(START, {"input": {"customerId": str(me.id), "email": address}},
                         site=site_secret))["startEmailChange"]
        assert out["token"] is None and [e["code"] for e in out["errors"]] == [code], out
    assert await count(db, EmailChange) == 0
