"""A login's argon2 work never stalls the server, and one request buys at most one of it."""

from __future__ import annotations

import asyncio
import time

import httpx

from services import auth

MANY_LOGINS = "mutation {\n" + "\n".join(
    f'  l{i}: login(input: {{loginId: "manager", password: "wrong-{i}"}}) {{ token errors {{ code message }} }}'
    for i in range(30)) + "\n}"

LOGIN = """
mutation { login(input: {loginId: "manager", password: "password-123"}) { token errors { code } } }
"""


async def test_thirty_aliased_logins_in_one_request_cost_one_password_check(gql, manager_token, monkeypatch):
    checks = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checks.append(p) or real(h, p))
    payloads = list((await gql(MANY_LOGINS)).values())
    assert len(payloads) == 30
    assert [e["code"] for e in payloads[0]["errors"]] == ["INVALID_CREDENTIALS"]
    for payload in payloads[1:]:
        assert payload["token"] is None
        assert payload["errors"] == [{"code": "TOO_MANY_REQUESTS",
                                      "message": "ログインは1回のリクエストにつき1回までです。"}]
    assert len(checks) == 1


async def test_healthz_answers_while_a_password_is_being_checked(app, manager_token, monkeypatch):
    real = auth.verify_password

    def slow_verify(password_hash: str, password: str) -> bool:
        time.sleep(0.5)  # as a costly hash would hold the CPU
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    finished: dict[str, float] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        async def login() -> None:
            response = await http.post("/graphql", json={"query": LOGIN})
            assert response.json()["data"]["login"]["token"]
            finished["login"] = time.monotonic()

        async def health() -> None:
            await asyncio.sleep(0.1)
            assert (await http.get("/healthz")).status_code == 200
            finished["healthz"] = time.monotonic()

        await asyncio.gather(login(), health())
    assert finished["healthz"] < finished["login"]
