"""Lists for forms: menus, staff, masters, reservation statuses and the postal-code lookup."""

from __future__ import annotations

import pytest

from models import FirstVisitMotive, StoreSetting

MENUS = """
query($all: Boolean!) {
  menus(includeInactive: $all) { totalCount edges { node { name price durationMinutes active } } }
}
"""
STAFF = "query { staff { edges { node { name nameKana } } } }"
MASTERS = """
query {
  inflowRoutes { edges { node { name sortOrder } } }
  occupations { edges { node { name } } }
  firstVisitMotives { edges { node { name } } }
  freeItems { edges { node { position name choices { name } } } }
}
"""
MENU_PAGE = """
query($first: Int, $after: String) {
  menus(first: $first, after: $after) {
    totalCount
    edges { node { name } cursor }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


def nodes(connection: dict) -> list[dict]:
    return [edge["node"] for edge in connection["edges"]]
STATUSES = "query { reservationStatuses { value label } }"
ADDRESS = (
    "query($code: String!) { addressByPostalCode(postalCode: $code) { postalCode prefecture city town } }"
)


async def test_menus_in_display_order_without_inactive_ones(gql, given):
    await given.menu("カラー", sort_order=2)
    await given.menu("カット", sort_order=1, price=4400, duration_minutes=45)
    await given.menu("旧パーマ", sort_order=0, active=False)

    menus = (await gql(MENUS, {"all": False}))["menus"]

    assert menus["totalCount"] == 2
    assert nodes(menus) == [
        {"name": "カット", "price": 4400, "durationMinutes": 45, "active": True},
        {"name": "カラー", "price": 5000, "durationMinutes": 60, "active": True},
    ]


async def test_inactive_entries_are_for_staff_only(gql, given, staff_token):
    await given.menu("カット")
    await given.menu("旧パーマ", active=False)

    as_staff = nodes((await gql(MENUS, {"all": True}, token=staff_token))["menus"])
    as_anyone = nodes((await gql(MENUS, {"all": True}))["menus"])

    assert [m["name"] for m in as_staff] == ["カット", "旧パーマ"]
    assert [m["name"] for m in as_anyone] == ["カット"]


async def test_staff_members(gql, given):
    await given.staff_member("鈴木", name_kana="スズキ", display_order=2)
    await given.staff_member("高橋", name_kana="タカハシ", display_order=1)
    await given.staff_member("退職者", active=False)

    assert nodes((await gql(STAFF))["staff"]) == [
        {"name": "高橋", "nameKana": "タカハシ"},
        {"name": "鈴木", "nameKana": "スズキ"},
    ]


async def test_master_lists(gql, given):
    await given.inflow_route("看板", sort_order=2)
    await given.inflow_route("Instagram", sort_order=1)
    await given.occupation("会社員")
    await given.rows(FirstVisitMotive(name="口コミ"))
    await given.free_item(2, "ご来店頻度", ["月1回", "2か月に1回"])
    await given.free_item(1, "髪質", ["普通"])

    data = await gql(MASTERS)

    assert nodes(data["inflowRoutes"]) == [{"name": "Instagram", "sortOrder": 1}, {"name": "看板", "sortOrder": 2}]
    assert nodes(data["occupations"]) == [{"name": "会社員"}]
    assert nodes(data["firstVisitMotives"]) == [{"name": "口コミ"}]
    assert nodes(data["freeItems"]) == [
        {"position": 1, "name": "髪質", "choices": [{"name": "普通"}]},
        {"position": 2, "name": "ご来店頻度", "choices": [{"name": "月1回"}, {"name": "2か月に1回"}]},
    ]


async def test_a_whole_master_list_fits_one_default_page(gql, given):
    for i in range(60):
        await given.menu(f"メニュー{i:02}", sort_order=i)

    menus = (await gql(MENU_PAGE, {}))["menus"]

    assert menus["totalCount"] == 60 and len(menus["edges"]) == 60
    assert menus["pageInfo"]["hasNextPage"] is False


async def test_master_lists_page_with_cursors(gql, given):
    for i, name in enumerate(["カット", "カラー", "パーマ"]):
        await given.menu(name, sort_order=i)

    first = (await gql(MENU_PAGE, {"first": 2}))["menus"]
    rest = (await gql(MENU_PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["menus"]

    assert [n["name"] for n in nodes(first)] == ["カット", "カラー"] and first["pageInfo"]["hasNextPage"]
    assert [n["name"] for n in nodes(rest)] == ["パーマ"]
    assert rest["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True,
                                "endCursor": rest["edges"][-1]["cursor"]}
    assert first["totalCount"] == rest["totalCount"] == 3


async def test_statuses_without_prepayment(gql, db):
    statuses = (await gql(STATUSES))["reservationStatuses"]

    assert statuses == [
        {"value": "TENTATIVE", "label": "仮予約中"},
        {"value": "BOOKED", "label": "予約中来店前"},
        {"value": "VISITED", "label": "来店済み"},
        {"value": "CANCEL_FEE_UNPAID", "label": "キャンセル料未払い"},
        {"value": "CANCELLED", "label": "キャンセル"},
    ]


async def test_statuses_with_prepayment(gql, given):
    await given.rows(StoreSetting(id=1, use_prepayment=True))

    values = [s["value"] for s in (await gql(STATUSES))["reservationStatuses"]]

    assert values == [
        "TENTATIVE",
        "PREPAYMENT_UNPAID",
        "BOOKED",
        "PREPAID",
        "VISITED",
        "CANCEL_FEE_UNPAID",
        "STORE_CANCELLED_PREPAID",
        "CANCELLED",
    ]


@pytest.mark.parametrize("code", ["100-0001", "〒1000001", "１００−０００１"])
async def test_address_by_postal_code(gql, db, code):
    address = (await gql(ADDRESS, {"code": code}))["addressByPostalCode"]

    assert address == {"postalCode": "1000001", "prefecture": "東京都", "city": "千代田区", "town": "千代田"}


async def test_an_unknown_postal_code_has_no_address(gql, db):
    assert (await gql(ADDRESS, {"code": "000-0000"}))["addressByPostalCode"] is None


async def test_a_malformed_postal_code_is_an_error(gql, db):
    body = await gql(ADDRESS, {"code": "12-34"}, expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "INVALID_POSTAL_CODE"
    assert body["errors"][0]["message"] == "郵便番号は7桁の数字で入力してください（例: 100-0001）。"
