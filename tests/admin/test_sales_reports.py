"""営業報告 screens: search by name part and reservation days, create / edit, the reservation's page."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import SalesReport
from services import sales_reports
from tests import factories
from tests.factories import count_rows

JST = ZoneInfo("Asia/Tokyo")
LIST = "/admin/sales-report/list"


@pytest.fixture
async def salon(db):
    cut = await factories.add_menu(db, "カット")
    stylist = await factories.add_staff_member(db, "佐藤")
    people = [("山田", "太郎", "ヤマダ", "タロウ", datetime(2026, 11, 30, 23, 30, tzinfo=JST)),
              ("佐藤", "花子", "サトウ", "ハナコ", datetime(2026, 12, 1, 0, 30, tzinfo=JST)),
              ("山本", "太一", "ヤマモト", "タイチ", datetime(2026, 12, 3, 10, 0, tzinfo=JST))]
    visits = []
    for last, first, last_kana, first_kana, start in people:
        customer = await factories.add_customer(db, last_name=last, first_name=first, last_name_kana=last_kana,
                                                first_name_kana=first_kana)
        visits.append(await factories.add_reservation(db, customer, start, [cut], staff_member=stylist))
    return visits, stylist


async def _report(db, reservation, treatment):
    async with db.transaction() as session:
        return await sales_reports.create_sales_report(session, reservation.id, {"treatment": treatment},
                                                       factories.SYSTEM)


def _rows(text: str) -> list[str]:
    return sorted(t for t in ("報告-山田", "報告-佐藤", "報告-山本") if t in text)


@pytest.mark.parametrize(("query", "found"), [
    ({"name": "山田"}, ["報告-山田"]),
    ({"name": "太郎"}, ["報告-山田"]),
    ({"name": "やまだ"}, ["報告-山田"]),
    ({"name": "ﾀﾛｳ"}, ["報告-山田"]),
    ({"name": "山"}, ["報告-山本", "報告-山田"]),
    ({"date_from": "2026-11-30", "date_to": "2026-11-30"}, ["報告-山田"]),
    ({"date_from": "2026-12-01"}, ["報告-佐藤", "報告-山本"]),
    ({"date_to": "2026-12-01"}, ["報告-佐藤", "報告-山田"]),
    ({"name": "山", "date_from": "2026-12-02"}, ["報告-山本"]),
    ({}, ["報告-佐藤", "報告-山本", "報告-山田"]),
])
async def test_search_by_name_part_and_days(staff, db, salon, query, found):
    visits, _ = salon
    for visit, who in zip(visits, ("山田", "佐藤", "山本"), strict=True):
        await _report(db, visit, f"報告-{who}")
    page = await staff.get(LIST, params=query)
    assert page.status_code == 200
    assert _rows(page.text) == found
    assert "リセット" in page.text and 'name="date_from"' in page.text


@pytest.mark.parametrize(("query", "message"), [
    ({"date_from": "2026-13-01"}, "予約日（開始）の形式が正しくありません（例: 2026-04-01）。"),
    ({"date_from": "2026-12-05", "date_to": "2026-12-01"}, "予約日の終了日は開始日以降の日付にしてください。"),
    ({"name": "あ" * 101}, "検索する氏名・フリガナは100文字以内で入力してください。"),
])
async def test_a_bad_search_says_why(staff, db, salon, query, message):
    visits, _ = salon
    await _report(db, visits[0], "報告-山田")
    page = await staff.get(LIST, params=query)
    assert page.status_code == 200
    assert message in html.unescape(page.text)
    assert _rows(page.text) == []


async def test_the_reservation_page_without_and_with_a_report(staff, db, salon):
    visits, stylist = salon
    page = await staff.get(f"/admin/sales-report/reservation/{visits[1].id}")
    assert page.status_code == 200
    assert "営業報告は未作成です" in page.text and "佐藤 花子" in page.text and "カット" in page.text
    assert f"/admin/sales-report/create?reservation_id={visits[1].id}" in page.text
    create = await staff.get(f"/admin/sales-report/create?reservation_id={visits[1].id}")
    assert f'value="{visits[1].id}"' in create.text
    response = await staff.submit(f"/admin/sales-report/create?reservation_id={visits[1].id}", {
        "reservation_id": str(visits[1].id), "treatment": "カット\n前髪短め", "customer_request": "軽く",
        "next_proposal": "カラー", "products_sold": "オイル", "amount_yen": "6,600", "staff_member_id": "__None"})
    assert response.status_code == 302, response.text
    assert response.headers["location"].endswith(f"/admin/sales-report/reservation/{visits[1].id}")
    page = await staff.get(f"/admin/sales-report/reservation/{visits[1].id}")
    assert "営業報告は未作成です" not in page.text
    assert "前髪短め" in page.text and "6,600円" in page.text and "オイル" in page.text
    async with db.sessionmaker() as session:
        report = await session.scalar(select(SalesReport))
    assert report.staff_member_id == stylist.id  # the reservation's stylist
    response = await staff.submit(f"/admin/sales-report/edit/{report.id}", {
        "treatment": "カット", "amount_yen": "7000", "staff_member_id": str(stylist.id)})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        report = await session.get(SalesReport, report.id)
    assert (report.treatment, report.amount_yen, report.next_proposal) == ("カット", 7000, None)
    details = await staff.get(f"/admin/reservation/details/{visits[1].id}")
    assert f"/admin/sales-report/reservation/{visits[1].id}" in details.text


async def test_a_second_report_is_refused_on_the_form(staff, db, salon):
    visits, _ = salon
    await _report(db, visits[0], "報告-山田")
    response = await staff.submit("/admin/sales-report/create", {
        "reservation_id": str(visits[0].id), "treatment": "二回目", "amount_yen": "0"})
    assert response.status_code == 400
    assert "この予約の営業報告はすでに作成されています。" in html.unescape(response.text)
    assert await count_rows(db, SalesReport) == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"treatment": ""}, "施術内容を入力してください。"),
    ({"amount_yen": "-5"}, "売上金額は0〜10,000,000の整数で入力してください。"),
    ({"amount_yen": "たくさん"}, "売上金額は0〜10,000,000の整数で入力してください。"),
    ({"reservation_id": "abc"}, "予約が見つかりません。"),
    ({"reservation_id": "99999999"}, "予約が見つかりません。"),
    ({"reservation_id": ""}, "予約を選択してください。"),
    ({"treatment": "あ" * 2001}, "施術内容は2000文字以内で入力してください。"),
])
async def test_bad_form_input_is_refused(staff, db, salon, fields, message):
    visits, _ = salon
    data = {"reservation_id": str(visits[0].id), "treatment": "カット", "amount_yen": "100", **fields}
    response = await staff.submit("/admin/sales-report/create", data)
    assert response.status_code == 400, response.text
    assert message in html.unescape(response.text)
    assert await count_rows(db, SalesReport) == 0


async def test_an_unknown_reservation_page_is_a_404(staff):
    assert (await staff.get("/admin/sales-report/reservation/99999999")).status_code == 404
    assert (await staff.get("/admin/sales-report/reservation/abc")).status_code == 404
