"""営業報告 over GraphQL: written by staff, one per reservation, searched by name part and day range."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from models import AuditLog, SalesReport
from tests.factories import count_rows

JST = ZoneInfo("Asia/Tokyo")

CREATE = """
mutation($input: CreateSalesReportInput!) { createSalesReport(input: $input) {
  salesReport { id treatment customerRequest nextProposal productsSold amountYen staff { name }
                reservation { id } customer { customerNo } }
  errors { field code message } } }
"""
UPDATE = """
mutation($input: UpdateSalesReportInput!) { updateSalesReport(input: $input) {
  salesReport { id treatment nextProposal amountYen staff { name } } errors { field code message } } }
"""
SEARCH = """
query($filter: SalesReportFilter) { salesReports(filter: $filter, first: 20) {
  totalCount edges { node { treatment customer { lastName firstName } reservation { startAt } } } } }
"""
RESERVATION = """
query($id: ID!) { reservation(id: $id) { id salesReport { treatment amountYen } } }
"""


@pytest.fixture
async def salon(given):
    """Three customers, each with a visit on a day of its own (Japan time), near midnight."""
    cut = await given.menu("カット")
    stylist = await given.staff_member("佐藤")
    people = {
        "yamada": await given.customer(last_name="山田", first_name="太郎", last_name_kana="ヤマダ",
                                       first_name_kana="タロウ"),
        "sato": await given.customer(last_name="佐藤", first_name="花子", last_name_kana="サトウ",
                                     first_name_kana="ハナコ"),
        "yamamoto": await given.customer(last_name="山本", first_name="太一", last_name_kana="ヤマモト",
                                         first_name_kana="タイチ"),
    }
    days = {"yamada": datetime(2026, 11, 30, 23, 30, tzinfo=JST),   # 14:30 UTC on the 30th
            "sato": datetime(2026, 12, 1, 0, 30, tzinfo=JST),       # 15:30 UTC on the 30th
            "yamamoto": datetime(2026, 12, 3, 10, 0, tzinfo=JST)}
    visits = {key: await given.visit(person, menu=cut, staff=stylist, start_at=days[key])
              for key, person in people.items()}
    return people, visits, stylist


async def _write(gql, token, visit, treatment="カット", **fields):
    data = await gql(CREATE, {"input": {"reservationId": str(visit.id), "treatment": treatment, **fields}},
                     token=token)
    return data["createSalesReport"]


async def test_staff_write_a_report_and_change_it(gql, salon, staff_token, db):
    people, visits, stylist = salon
    payload = await _write(gql, staff_token, visits["yamada"], "カット・カラー", customerRequest="短めに",
                           nextProposal="トリートメント", productsSold="シャンプー 1本", amountYen=12100)
    assert payload["errors"] == []
    report = payload["salesReport"]
    assert report["treatment"] == "カット・カラー" and report["productsSold"] == "シャンプー 1本"
    assert report["amountYen"] == 12100 and report["staff"] == {"name": "佐藤"}  # the reservation's stylist
    assert report["customer"] == {"customerNo": people["yamada"].customer_no}
    data = await gql(UPDATE, {"input": {"id": report["id"], "nextProposal": "パーマ", "amountYen": 13000}},
                     token=staff_token)
    assert data["updateSalesReport"]["errors"] == []
    assert data["updateSalesReport"]["salesReport"]["treatment"] == "カット・カラー"  # left out: kept
    assert data["updateSalesReport"]["salesReport"]["nextProposal"] == "パーマ"
    data = await gql(RESERVATION, {"id": str(visits["yamada"].id)}, token=staff_token)
    assert data["reservation"]["salesReport"] == {"treatment": "カット・カラー", "amountYen": 13000}
    data = await gql(RESERVATION, {"id": str(visits["sato"].id)}, token=staff_token)
    assert data["reservation"]["salesReport"] is None  # none written yet
    assert await count_rows(db, AuditLog, AuditLog.entity == "sales_report") == 2


async def test_a_second_report_of_a_reservation_is_refused(gql, salon, staff_token, db):
    _, visits, _ = salon
    assert (await _write(gql, staff_token, visits["sato"]))["errors"] == []
    payload = await _write(gql, staff_token, visits["sato"], "二回目")
    assert payload["salesReport"] is None
    assert payload["errors"] == [{"field": "reservationId", "code": "DUPLICATE",
                                  "message": "この予約の営業報告はすでに作成されています。作成済みの営業報告を編集してください。"}]
    assert await count_rows(db, SalesReport) == 1


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({"treatment": ""}, "treatment", "REQUIRED"),
    ({"treatment": "あ" * 2001}, "treatment", "TOO_LONG"),
    ({"amountYen": -1}, "amountYen", "INVALID"),
    ({"amountYen": 10_000_001}, "amountYen", "INVALID"),
    ({"staffId": "999999"}, "staffId", "NOT_FOUND"),
    ({"staffId": "x"}, "staffId", "NOT_FOUND"),
])
async def test_bad_input_is_refused_and_nothing_written(gql, salon, staff_token, db, fields, field, code):
    _, visits, _ = salon
    payload = await _write(gql, staff_token, visits["sato"], **{"treatment": "カット", **fields})
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["errors"][0]["message"]  # Japanese, for the screen
    assert await count_rows(db, SalesReport) == 0


async def test_a_missing_or_unknown_reservation_is_refused(gql, salon, staff_token, db):
    data = await gql(CREATE, {"input": {"treatment": "カット"}}, token=staff_token)
    assert data["createSalesReport"]["errors"][0]["code"] == "REQUIRED"
    data = await gql(CREATE, {"input": {"reservationId": "99999999", "treatment": "カット"}}, token=staff_token)
    assert data["createSalesReport"]["errors"][0]["message"] == "予約が見つかりません。"
    assert await count_rows(db, SalesReport) == 0


async def test_a_customer_token_neither_writes_nor_reads_reports(gql, given, salon, staff_token, db):
    people, visits, _ = salon
    await _write(gql, staff_token, visits["yamada"])
    token = await given.customer_token(people["yamada"])
    payload = await _write(gql, token, visits["yamada"], "自分で")
    assert payload["errors"][0]["code"] == "PERMISSION_DENIED"
    data = await gql(RESERVATION, {"id": str(visits["yamada"].id)}, token=token)
    assert data["reservation"] == {"id": str(visits["yamada"].id), "salesReport": None}
    data = await gql(SEARCH, {}, token=token, expect_errors=True)
    assert data["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def _names(data):
    return sorted(e["node"]["customer"]["lastName"] + e["node"]["customer"]["firstName"]
                  for e in data["salesReports"]["edges"])


@pytest.mark.parametrize(("name", "found"), [
    ("山田", ["山田太郎"]),
    ("太郎", ["山田太郎"]),
    ("やまだ", ["山田太郎"]),
    ("ﾀﾛｳ", ["山田太郎"]),
    ("ヤマダ　タロウ", ["山田太郎"]),
    ("山", ["山本太一", "山田太郎"]),
    ("はなこ", ["佐藤花子"]),
    ("鈴木", []),
    ("100%", []),
])
async def test_search_by_any_part_of_the_name(gql, salon, staff_token, name, found):
    _, visits, _ = salon
    for visit in visits.values():
        await _write(gql, staff_token, visit)
    data = await gql(SEARCH, {"filter": {"name": name}}, token=staff_token)
    assert _names(data) == sorted(found)


@pytest.mark.parametrize(("dates", "found"), [
    ({"dateFrom": "2026-11-30", "dateTo": "2026-11-30"}, ["山田太郎"]),  # 23:30 JST is still the 30th
    ({"dateFrom": "2026-12-01", "dateTo": "2026-12-01"}, ["佐藤花子"]),  # 00:30 JST is the 1st
    ({"dateFrom": "2026-12-01"}, ["佐藤花子", "山本太一"]),
    ({"dateTo": "2026-12-01"}, ["佐藤花子", "山田太郎"]),
    ({"dateFrom": "2026-12-04"}, []),
    ({}, ["佐藤花子", "山本太一", "山田太郎"]),
])
async def test_search_by_reservation_days_in_japan_time(gql, salon, staff_token, dates, found):
    _, visits, _ = salon
    for visit in visits.values():
        await _write(gql, staff_token, visit)
    data = await gql(SEARCH, {"filter": dates}, token=staff_token)
    assert _names(data) == sorted(found)
    assert data["salesReports"]["totalCount"] == len(found)


async def test_name_and_days_together(gql, salon, staff_token):
    _, visits, _ = salon
    for visit in visits.values():
        await _write(gql, staff_token, visit)
    data = await gql(SEARCH, {"filter": {"name": "山", "dateFrom": "2026-12-02", "dateTo": "2026-12-31"}},
                     token=staff_token)
    assert _names(data) == ["山本太一"]


@pytest.mark.parametrize(("filter", "message"), [
    ({"dateFrom": "2026-12-05", "dateTo": "2026-12-01"}, "予約日の終了日は開始日以降の日付にしてください。"),
    ({"name": "あ" * 101}, "検索する氏名・フリガナは100文字以内で入力してください。"),
    ({"name": "山\u0000"}, "検索する氏名・フリガナに使用できない文字が含まれています。"),
])
async def test_bad_searches_are_refused(gql, salon, staff_token, filter, message):
    data = await gql(SEARCH, {"filter": filter}, token=staff_token, expect_errors=True)
    assert data["errors"][0]["message"] == message
    assert data["errors"][0]["extensions"]["code"] == "INVALID"
