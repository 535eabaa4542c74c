"""Password hashing keeps argon2's production parameters (the suite hashes cheaply elsewhere)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from services import auth

pytestmark = pytest.mark.real_password_hashing


def test_hashes_use_argon2id_at_the_library_default_cost():
    defaults = PasswordHasher()
    hashed = auth.hash_password("password-123")
    assert hashed.startswith("$argon2id$")
    assert f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}" in hashed
    assert auth.verify_password(hashed, "password-123")
    assert not auth.verify_password(hashed, "password-124")


def test_the_unknown_login_dummy_costs_as_much_as_a_real_hash():
    defaults = PasswordHasher()
    assert f"m={defaults.memory_cost},t={defaults.time_cost}," in auth._DUMMY_HASH
