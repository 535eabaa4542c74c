"""Cursors that are not ours are a BAD_REQUEST-style INVALID error, never an internal one."""

import base64

import pytest

QUERY = "query($after: String) { customers(first: 1, after: $after) { totalCount } }"


@pytest.mark.parametrize("raw", ["o1:99999999999999999999999", "o1:²"])
async def test_odd_cursor_is_refused_in_japanese(gql, staff_token, raw):
    cursor = base64.urlsafe_b64encode(raw.encode()).decode()
    result = await gql(QUERY, {"after": cursor}, token=staff_token, expect_errors=True)
    errors = result["errors"]
    assert errors[0]["extensions"]["code"] == "INVALID"
    assert errors[0]["message"] == "カーソル(after)が正しくありません。"
