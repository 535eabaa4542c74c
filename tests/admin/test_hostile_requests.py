"""Every admin list, details page and form, fed hostile values: an answer (a page, a 400, a 404),
never a 500.

The views are found from the admin's own menu (a view added later is covered without touching
this file), and every route with a path parameter from the app's own routes. Values are drawn, with a fixed seed, from what broke real servers: NUL (PostgreSQL
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


#: Ids that overflow PostgreSQL's INTEGER, SQLite's INTEGER and 64 bits; and ids that are not ids.
HOSTILE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999", "0", "-1", "abc", "x" * 500]


def _admin_routes(app) -> list[tuple[str, set[str]]]:
    """Every route the admin serves (sqladmin's generic ones and each view's own @expose pages),
    read from the app itself rather than from the menu: a page no menu links to is covered too."""
    from starlette.routing import Mount

    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/admin")
    return [(r.path, set(getattr(r, "methods", None) or {"GET"})) for r in mount.routes if hasattr(r, "path")]


async def test_every_admin_route_answers_hostile_path_values(manager, db, app):
    """Each path parameter of each route (/admin/customer-import/{id}/confirm, /reservation/status/{pk} …)
    gets ids past every integer type and non-ids, by GET and by POST with the CSRF token: never a 500."""
    await build_salon(db)
    token = csrf_from((await manager.get("/admin/reservation/create")).text)
    routes = _admin_routes(app)
    with_params = [(path, methods) for path, methods in routes if "{" in path]
    assert any("customer-import" in path for path, _ in with_params), routes
    tried = 0
    for path, methods in with_params:
        for value in HOSTILE_IDS:
            url = "/admin" + re.sub(r"\{[^}]+\}", value, path)
            if "GET" in methods:
                _answered(await manager.get(url), ("GET", url))
            if "POST" in methods:
                _answered(await manager.http.post(url, data={"csrf_token": token, "operation": "cancel_by_customer"}),
                          ("POST", url))
            tried += 1
    assert tried >= 10 * len(HOSTILE_IDS), tried


async def test_import_routes_answer_404_for_ids_past_the_column(manager, db):
    for value in ("2147483648", "9223372036854775808"):
        for url in (f"/admin/customer-import/{value}", f"/admin/customer-import/{value}/results.xlsx"):
            response = await manager.get(url)
            assert response.status_code == 404, (url, response.status_code)
            assert "見つかりません" in response.text
        page = await manager.get("/admin/customer-import")
        for url in (f"/admin/customer-import/{value}/confirm", f"/admin/customer-import/{value}/remap"):
            response = await manager.http.post(url, data={"csrf_token": csrf_from(page.text)})
            assert response.status_code == 404, (url, response.status_code, response.text[-300:])
