"""A staff token ends when a manager changes its account's password or role, locks or deactivates it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import ApiToken, StaffAccount, StaffRole
from services import auth
from services.actor import Actor

ME = "{ me { ... on StaffAccount { loginId role } } }"
CUSTOMERS = "{ customers { totalCount } }"
LOGIN = """
mutation { login(input: {loginId: "staff", password: "password-123"}) { token errors { code } } }
"""


async def change_staff(db, **changes) -> None:
    async with db.transaction() as session:
        account = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == "staff"))
        fields = {"display_name": account.display_name, "role": account.role,
                  "staff_member_id": account.staff_member_id, "active": account.active, **changes}
        await auth.update_staff_account(session, account.id, actor=Actor.system("test"), **fields)


@pytest.mark.parametrize("changes", [
    pytest.param({"new_password": "a-new-password-456"}, id="password"),
    pytest.param({"role": StaffRole.MANAGER}, id="role"),
    pytest.param({"active": False}, id="deactivated"),
    pytest.param({"locked": True}, id="locked"),
])
async def test_a_token_stops_working_when_the_account_changes(gql, db, staff_token, manager_token, changes):
    assert (await gql(ME, token=staff_token))["me"] == {"loginId": "staff", "role": "STAFF"}

    await change_staff(db, **changes)

    assert (await gql(ME, token=staff_token))["me"] is None
    refused = await gql(CUSTOMERS, token=staff_token, expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with db.sessionmaker() as session:
        token = await session.scalar(select(ApiToken).join(StaffAccount).where(StaffAccount.login_id == "staff"))
    assert token.revoked_at is not None  # a fact in the database, for every worker and cache
    assert (await gql(ME, token=manager_token))["me"]["loginId"] == "manager"


async def test_a_display_name_change_keeps_the_token(gql, db, staff_token):
    await change_staff(db, display_name="新しい名前")
    assert (await gql(ME, token=staff_token))["me"] == {"loginId": "staff", "role": "STAFF"}


async def test_a_new_login_after_a_password_change_gets_a_working_token(gql, db, staff_token):
    await change_staff(db, new_password="a-new-password-456")

    result = await gql(LOGIN.replace("password-123", "a-new-password-456"))

    assert (await gql(ME, token=result["login"]["token"]))["me"]["loginId"] == "staff"
