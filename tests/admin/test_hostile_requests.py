"""Every admin list, details page and form, fed hostile values: an answer (a page, a 400, a 404),
never a 500.

The views are found from the admin's own menu (a view added later is covered without touching
this file). Values are drawn, with a fixed seed, from what broke real servers: NUL (PostgreSQL
refuses it), ids past 64 bits, impossible and far-off dates, 5,000 characters, markup.
"""

from __future__ import annotations

import random
import re

from tests.admin.helpers import csrf_from
from tests.admin.reservation_salon import build_salon

HOSTILE = ["", " ", "x" * 5000, "\x00", "山田\x00", "😀" * 200, "-1", "0", "99999999999999999999", "abc",
           "2026-02-30", "9999-12-31", "0001-01-01", "25:99", "<script>alert(1)</script>", "'; DROP TABLE x; --",
           "１２３", "1e308", "__all", "on", "desc"]
LIST_KEYS = ["search", "sortBy", "sort", "page", "pageSize", "date", "status", "staff", "channel", "cancelled"]
SAMPLES = 6
#: Tried on every list before the random draws: each once broke a list somewhere.
EVERY_LIST = [{"search": "山田\x00"}, {"search": "x" * 5000}, {"page": "99999999999999999999"},
              {"pageSize": "-1"}, {"sortBy": "\x00", "sort": "sideways"}, {"date": "9999-12-31"}]
BROKEN = "予期しないエラー"


def _identities(home: str) -> list[str]:
    return sorted(set(re.findall(r'/admin/([a-z-]+)/list', home)))


def _answered(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[-800:])
    assert BROKEN not in response.text, (what, response.text[-800:])


async def test_hostile_list_parameters_and_ids_get_answers(manager, db):
    await build_salon(db)
    rng = random.Random(20261204)
    identities = _identities((await manager.get("/admin/")).text)
    assert len(identities) >= 20, identities  # the menu was really read
    for identity in [*identities, "day-sheet"]:
        url = "/admin/day-sheet" if identity == "day-sheet" else f"/admin/{identity}/list"
        drawn = [{key: rng.choice(HOSTILE) for key in rng.sample(LIST_KEYS, 4)} for _ in range(SAMPLES)]
        for params in EVERY_LIST + drawn:
            _answered(await manager.get(url, params=params), (url, params))
        for pk in ("0", "-1", "99999999999999999999", "abc"):
            for page in ("details", "edit"):
                _answered(await manager.get(f"/admin/{identity}/{page}/{pk}"), (identity, page, pk))


async def test_hostile_form_values_get_answers(manager, db):
    await build_salon(db)
    rng = random.Random(20261205)
    identities = _identities((await manager.get("/admin/")).text)
    forms = 0
    for identity in identities:
        listing = (await manager.get(f"/admin/{identity}/list")).text
        edit = re.search(rf'/admin/{identity}/edit/(\d+)', listing)
        for url in [f"/admin/{identity}/create"] + ([f"/admin/{identity}/edit/{edit[1]}"] if edit else []):
            page = await manager.get(url)
            if page.status_code != 200:  # no such form here, or not for this role
                continue
            forms += 1
            names = sorted(set(re.findall(r'name="([A-Za-z_][\w-]*)"', page.text)) - {"csrf_token", "save"})
            for _ in range(SAMPLES):
                data = {name: rng.choice(HOSTILE) for name in names}
                response = await manager.http.post(url, data={**data, "save": "保存",
                                                              "csrf_token": csrf_from(page.text)})
                _answered(response, (url, data))
    assert forms >= 15, forms
