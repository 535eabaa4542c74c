"""Who a token stands for is remembered a few seconds; what ends its rights still ends them.

In the process that writes the change it takes effect at once; a change written elsewhere
(another worker, another process) within ``TOKEN_CACHE_SECONDS``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text, update

from models import ApiToken, StaffAccount, StaffRole
from services import auth, token_cache
from services.actor import Actor

LIST = "query { customers(first: 1) { totalCount } }"
LOGOUT = "mutation { logout { revoked errors { code } } }"


async def refused(gql, token: str) -> bool:
    body = await gql(LIST, token=token, expect_errors=True)
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
        return True
    return False


async def manager_actor(db) -> Actor:
    async with db.transaction() as s:
        manager = await auth.create_staff_account(s, login_id="boss", password="password-123",
                                                  display_name="boss", role=StaffRole.MANAGER)
    return auth.actor_for_account(manager)


async def test_a_token_is_looked_up_once_then_remembered(gql, staff_token, db):
    assert not await refused(gql, staff_token)

    assert token_cache.cache.get(staff_token) is not token_cache.MISSING
    assert token_cache.cache.get(staff_token).role == StaffRole.STAFF


async def _logout(gql, db, token: str, boss: Actor) -> None:
    assert (await gql(LOGOUT, token=token))["logout"]["revoked"] is True


async def _change_account(db, boss: Actor, *, role: StaffRole, active: bool) -> None:
    async with db.transaction() as s:
        staff = await s.scalar(select(StaffAccount).where(StaffAccount.login_id == "staff"))
        await auth.update_staff_account(s, staff.id, display_name="staff", role=role,
                                        staff_member_id=None, active=active, actor=boss)


async def _deactivate(gql, db, token: str, boss: Actor) -> None:
    await _change_account(db, boss, role=StaffRole.STAFF, active=False)


async def _change_role(gql, db, token: str, boss: Actor) -> None:
    # The account's tokens end with the role change; the remembered staff actor must not outlive them.
    await _change_account(db, boss, role=StaffRole.MANAGER, active=True)


async def _revoke_by_statement(gql, db, token: str, boss: Actor) -> None:
    async with db.transaction() as s:
        await s.execute(update(ApiToken).values(revoked_at=datetime.now(UTC)))


@pytest.mark.parametrize("change", [_logout, _deactivate, _change_role, _revoke_by_statement],
                         ids=["logout", "deactivated", "role-changed", "revoked-by-statement"])
async def test_what_ends_a_tokens_rights_takes_effect_at_once(gql, staff_token, db, change):
    boss = await manager_actor(db)  # written before the token is remembered
    assert not await refused(gql, staff_token)

    await change(gql, db, staff_token, boss)

    assert await refused(gql, staff_token)


async def test_a_revocation_written_by_another_process_takes_effect_within_the_bound(
    gql, staff_token, db, monkeypatch
):
    monkeypatch.setattr(token_cache.cache, "seconds", 0.5)
    assert not await refused(gql, staff_token)

    # Plain SQL, as another worker's write looks from here: no event of this process sees it.
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE api_tokens SET revoked_at = created_at"))
    assert not await refused(gql, staff_token)  # still remembered …
    await asyncio.sleep(0.6)

    assert await refused(gql, staff_token)  # … for at most TOKEN_CACHE_SECONDS


async def test_an_unknown_token_is_remembered_as_nobody(gql, db):
    assert await refused(gql, "not-a-token")
    assert token_cache.cache.get("not-a-token") is None


def test_an_answer_read_before_a_change_is_not_kept_after_it():
    cache = token_cache.TokenCache(seconds=60)
    generation = cache.generation  # a lookup starts …
    cache.clear()  # … a logout commits meanwhile …
    cache.put("t", Actor.system("stale"), generation)  # … the lookup's answer comes back

    assert cache.get("t") is token_cache.MISSING


def test_the_cache_is_bounded_and_can_be_turned_off():
    cache = token_cache.TokenCache(seconds=60, max_entries=3)
    for n in range(5):
        cache.put(f"t{n}", None)
    assert len(cache) == 3 and cache.get("t0") is token_cache.MISSING and cache.get("t4") is None

    off = token_cache.TokenCache(seconds=0)
    off.put("t", None)
    assert off.get("t") is token_cache.MISSING and len(off) == 0
