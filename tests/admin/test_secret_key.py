"""No start signs admin sessions with a key the world knows (the old shipped default included)."""

from __future__ import annotations

import base64
import json
import stat

import httpx
import pytest
from itsdangerous import TimestampSigner

from admin.auth import SESSION_COOKIE
from models import StaffRole
from services.config import InsecureSecretKey, Settings, session_secret
from tests.admin.helpers import create_account

OLD_DEFAULT = "dev-secret-change-me"


def _forged_cookie(key: str, data: dict) -> str:
    payload = base64.b64encode(json.dumps(data).encode())
    return TimestampSigner(key).sign(payload).decode()


@pytest.mark.parametrize("key", [OLD_DEFAULT, "changeme", "secret"])
async def test_a_session_signed_with_a_published_key_is_refused(app, db, key):
    account_id = await create_account(db, "tencho", StaffRole.MANAGER)
    cookies = {SESSION_COOKIE: _forged_cookie(key, {"account_id": account_id, "role": "MANAGER"})}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                 cookies=cookies) as http:
        response = await http.get("/admin/staff-account/list")
    assert response.status_code in (302, 303)
    assert "/admin/login" in response.headers["location"]


def test_without_secret_key_a_random_one_is_generated_once_and_kept_private(tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'salon.db'}", secret_key="")
    key = session_secret(settings)
    path = tmp_path / ".secret_key"
    assert path.read_text().strip() == key
    assert len(key) >= 48 and key != OLD_DEFAULT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session_secret(settings) == key  # the next start (or another worker) reuses it


def test_two_salons_get_different_keys(tmp_path):
    keys = {session_secret(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / name / 'salon.db'}"))
            for name in ("a", "b")}
    assert len(keys) == 2


@pytest.mark.parametrize("key", [OLD_DEFAULT, "changeme", "short-key"])
def test_a_published_or_short_secret_key_stops_the_start(key):
    with pytest.raises(InsecureSecretKey):
        session_secret(Settings(secret_key=key))


def test_a_long_secret_key_of_ones_own_is_used(tmp_path):
    key = "k" * 40
    assert session_secret(Settings(secret_key=key, secret_key_file=str(tmp_path / "unused"))) == key
    assert not (tmp_path / "unused").exists()
