"""The real server with two workers (PostgreSQL): a logged-out or deactivated token stops working
in every worker within TOKEN_CACHE_SECONDS, though only one worker saw the change happen."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from models import StaffAccount, StaffRole
from services import auth

ROOT = Path(__file__).resolve().parents[1]
BOUND = 1.0  # TOKEN_CACHE_SECONDS given to the server
LIST = {"query": "query { customers(first: 1) { totalCount } }"}
LOGOUT = {"query": "mutation { logout { revoked } }"}

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="several workers need PostgreSQL (SQLite runs one process)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_workers(db, tmp_path) -> Iterator[str]:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several workers need PostgreSQL")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "TOKEN_CACHE_SECONDS": str(BOUND),
           "SECRET_KEY_FILE": str(tmp_path / "secret"), "ACCESS_LOG": "false"}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port), "--workers", "2"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("server not healthy:\n" + (tmp_path / "server.log").read_text())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


async def _answers(url: str, token: str, times: int) -> list[bool]:
    """``times`` requests, each on a new connection so both workers take some: True = served."""
    results = []
    for _ in range(times):
        async with httpx.AsyncClient(base_url=url, trust_env=False) as http:
            body = (await http.post("/graphql", json=LIST, headers={"Authorization": f"Bearer {token}"})).json()
        results.append(not body.get("errors"))
    return results


async def _refused_everywhere_after_the_bound(url: str, token: str, changed_at: float) -> None:
    await asyncio.sleep(max(0.0, changed_at + BOUND + 0.2 - time.monotonic()))
    assert not any(await _answers(url, token, 12)), "the token still works after the bound"


async def test_logout_and_deactivation_reach_every_worker_within_the_bound(two_workers, db):
    async with db.transaction() as s:
        staff = await auth.create_staff_account(s, login_id="staff", password="password-123",
                                                display_name="staff")
        boss = await auth.create_staff_account(s, login_id="boss", password="password-123",
                                               display_name="boss", role=StaffRole.MANAGER)
        first, _ = await auth.issue_staff_token(s, staff)
        second, _ = await auth.issue_staff_token(s, staff)
    assert all(await _answers(two_workers, first, 12))  # both workers now remember both tokens
    assert all(await _answers(two_workers, second, 12))

    async with httpx.AsyncClient(base_url=two_workers, trust_env=False) as http:
        answer = await http.post("/graphql", json=LOGOUT, headers={"Authorization": f"Bearer {first}"})
    assert answer.json()["data"]["logout"]["revoked"] is True
    await _refused_everywhere_after_the_bound(two_workers, first, time.monotonic())
    assert all(await _answers(two_workers, second, 4))  # the other token of the account is unaffected

    # Deactivated by another process (here, the test's): no worker sees the write happen.
    async with db.transaction() as s:
        account = await s.scalar(select(StaffAccount).where(StaffAccount.login_id == "staff"))
        await auth.update_staff_account(s, account.id, display_name="staff", role=StaffRole.STAFF,
                                        staff_member_id=None, active=False, actor=auth.actor_for_account(boss))
    await _refused_everywhere_after_the_bound(two_workers, second, time.monotonic())
