"""The reservation list in the admin: ❗ on caution customers, filters by day, status, stylist and channel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.admin.reservation_salon import TOMORROW, build_salon


@pytest.fixture
async def salon(db):
    return await build_salon(db)


def _rows(html: str) -> int:
    return len(re.findall(r"<tr[^>]*>\s*<td", html.split("<tbody>", 1)[-1]))


async def test_list_filters_and_caution_mark(staff, salon):
    page = await staff.get("/admin/reservation/list")
    assert page.status_code == 200
    assert "Reservation" not in page.text  # the view is called 予約 everywhere
    assert re.search(r'<span class="text-danger" title="遅刻が多い">❗</span> ' + salon["caution"].customer_no, page.text)
    for params, expected in [
        ({"date": TOMORROW.isoformat()}, 1), ({"date": (TOMORROW - timedelta(days=3)).isoformat()}, 1),
        ({"date": "2001-01-01"}, 0), ({"status": "CANCEL_FEE_UNPAID"}, 1), ({"staff": str(salon["takahashi"].id)}, 1),
        ({"channel": "SITE"}, 1), ({"channel": "PHONE", "staff": str(salon["sato"].id)}, 0),
    ]:
        page = await staff.get("/admin/reservation/list", params=params)
        assert page.status_code == 200, params
        assert _rows(page.text) == expected, params


@pytest.mark.parametrize("params", [{"date": "昨日"}, {"status": "NOPE"}, {"staff": "x" * 500},
                                    {"channel": "'; DROP"}, {"staff": "99999999999999999999999"}])
async def test_bad_filter_values_never_fail(staff, salon, params):
    page = await staff.get("/admin/reservation/list", params=params)
    assert page.status_code == 200
    assert _rows(page.text) == 2
    if "date" in params:
        assert "日付の形式が正しくありません" in page.text
