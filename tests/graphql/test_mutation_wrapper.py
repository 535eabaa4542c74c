"""The mutation wrapper (resolvers/mutation.py): a constraint the database enforces comes back as a
payload UserError with nothing written, as a rule the service checks does.

The service checks uniqueness before it writes; a concurrent request can still take the number or
the e-mail between the check and the insert. The check is switched off here to stand for that
request, so the database's own constraint is what refuses.
"""

from __future__ import annotations

import pytest

from models import AuditLog, Customer
from services import customers as customer_service
from tests.graphql.conftest import count
from tests.graphql.test_customer_mutations import CREATE, DELETE, GOOD_INPUT, UPDATE


@pytest.fixture
def raced(monkeypatch):
    """The service's own uniqueness check passes, as it does when a concurrent request wins."""
    async def no_check(*_args, **_kwargs) -> None:
        return None

    monkeypatch.setattr(customer_service, "_check_unique", no_check)


@pytest.mark.parametrize(("fields", "field", "code", "message"), [
    ({"customerNo": "A100"}, "customerNo", "DUPLICATE_CUSTOMER_NO", "このお客様番号は既に使われています。"),
    ({"email": "TAKEN@example.jp"}, "email", "DUPLICATE_EMAIL", "このメールアドレスは既に他のお客様が登録しています。"),
], ids=["customer-no", "email"])
async def test_a_constraint_violation_is_a_payload_error_and_nothing_is_written(
        gql, given, staff_token, db, raced, fields, field, code, message):
    await given.customer(customer_no="A100", email="taken@example.jp")
    before = (await count(db), await count(db, AuditLog))

    result = (await gql(CREATE, {"input": {**GOOD_INPUT, "email": "new@example.jp", **fields}},
                        token=staff_token))["createCustomer"]

    assert result["customer"] is None
    assert result["errors"] == [{"field": field, "code": code, "message": message}]
    assert (await count(db), await count(db, AuditLog)) == before


async def test_an_update_refused_by_a_constraint_changes_nothing(gql, given, staff_token, db, raced):
    await given.customer(customer_no="A100", email="a100@example.jp")
    other = await given.customer(customer_no="B200", email="b200@example.jp", first_name="次郎")

    result = (await gql(UPDATE, {"input": {"id": str(other.id), "customerNo": "A100", "firstName": "三郎"}},
                        token=staff_token))["updateCustomer"]

    assert result["errors"] == [{"field": "customerNo", "code": "DUPLICATE_CUSTOMER_NO",
                                 "message": "このお客様番号は既に使われています。"}]
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, other.id)
    assert (stored.customer_no, stored.first_name) == ("B200", "次郎")


async def test_refusals_before_the_transaction_are_payload_errors_too(gql, given, staff_token):
    customer = await given.customer()
    anonymous = (await gql(CREATE, {"input": GOOD_INPUT}))["createCustomer"]
    assert anonymous["errors"][0]["code"] == "UNAUTHENTICATED"
    staff_delete = (await gql(DELETE, {"input": {"id": str(customer.id)}}, token=staff_token))["deleteCustomer"]
    assert staff_delete == {"deletedId": None, "errors": [
        {"field": None, "code": "PERMISSION_DENIED", "message": "店長・管理者のみが行える操作です。"}]}
