"""技術カルテ and 来店メモ over GraphQL: masters, 前回コピー, health information (staff only, every read
audited), and the customer's karte lists as connections without N+1."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditLog, KarteCategory, KarteDetail, KarteEntry, KartePhrase, VisitMemo
from tests.factories import count_rows
from tests.graphql.test_statement_count import counting

ADD = """
mutation($input: AddKarteEntryInput!) { addKarteEntry(input: $input) {
  karteEntry { id visitDate text isHealthInfo copiedFromId category { name } detail { name } staff { name } }
  errors { field code message } } }
"""
UPDATE = """
mutation($input: UpdateKarteEntryInput!) { updateKarteEntry(input: $input) {
  karteEntry { id visitDate text category { name } detail { name } } errors { field code message } } }
"""
REMOVE = """
mutation($input: RemoveKarteEntryInput!) { removeKarteEntry(input: $input) { removedId errors { code } } }
"""
ADD_MEMO = """
mutation($input: AddVisitMemoInput!) { addVisitMemo(input: $input) {
  visitMemo { id visitDate text isHealthInfo } errors { field code message } } }
"""
UPDATE_MEMO = """
mutation($input: UpdateVisitMemoInput!) { updateVisitMemo(input: $input) {
  visitMemo { id visitDate text isHealthInfo } errors { field code message } } }
"""
KARTE = """
query($id: ID!) { customer(id: $id) {
  karteEntries(first: 10) { totalCount edges { node { visitDate text isHealthInfo category { name } } } }
  visitMemos(first: 10) { totalCount edges { node { visitDate text isHealthInfo } } }
  salesReports(first: 10) { totalCount edges { node { treatment } } } } }
"""
MASTERS = """
{ karteCategories { edges { node { name details { name } phrases { text } } } } }
"""


@pytest.fixture
async def masters(given):
    color = KarteCategory(name="カラー", sort_order=1)
    perm = KarteCategory(name="パーマ", sort_order=2)
    await given.rows(color, perm)
    recipe = KarteDetail(category_id=color.id, name="薬剤", sort_order=1)
    curl = KarteDetail(category_id=perm.id, name="ロッド", sort_order=1)
    await given.rows(recipe, curl, KartePhrase(category_id=color.id, text="根元から塗布", sort_order=1))
    return {"color": color, "perm": perm, "recipe": recipe, "curl": curl}


async def _add(gql, token, customer, **fields):
    data = await gql(ADD, {"input": {"customerId": str(customer.id), **fields}}, token=token)
    return data["addKarteEntry"]


async def test_masters_are_listed_with_details_and_phrases(gql, masters, staff_token):
    data = await gql(MASTERS, token=staff_token)
    assert [e["node"] for e in data["karteCategories"]["edges"]] == [
        {"name": "カラー", "details": [{"name": "薬剤"}], "phrases": [{"text": "根元から塗布"}]},
        {"name": "パーマ", "details": [{"name": "ロッド"}], "phrases": []}]


async def test_add_copy_previous_change_and_remove(gql, given, masters, staff_token, db):
    customer = await given.customer()
    stylist = await given.staff_member("田中")
    first = await _add(gql, staff_token, customer, visitDate="2026-10-01", categoryId=str(masters["color"].id),
                       detailId=str(masters["recipe"].id), text="根元から塗布 6%", staffId=str(stylist.id))
    assert first["errors"] == []
    entry = first["karteEntry"]
    assert entry["category"] == {"name": "カラー"} and entry["detail"] == {"name": "薬剤"}
    assert entry["staff"] == {"name": "田中"} and entry["copiedFromId"] is None
    copy = await _add(gql, staff_token, customer, copyFromId=entry["id"], visitDate="2026-11-05")
    assert copy["errors"] == []
    copied = copy["karteEntry"]
    assert (copied["text"], copied["category"], copied["detail"], copied["copiedFromId"]) == (
        "根元から塗布 6%", {"name": "カラー"}, {"name": "薬剤"}, entry["id"])
    assert copied["visitDate"] == "2026-11-05"
    data = await gql(UPDATE, {"input": {"id": copied["id"], "text": "根元から塗布 9%"}}, token=staff_token)
    assert data["updateKarteEntry"]["karteEntry"]["text"] == "根元から塗布 9%"
    data = await gql(KARTE, {"id": str(customer.id)}, token=staff_token)
    entries = data["customer"]["karteEntries"]
    assert entries["totalCount"] == 2
    assert [e["node"]["text"] for e in entries["edges"]] == ["根元から塗布 9%", "根元から塗布 6%"]  # latest first
    data = await gql(REMOVE, {"input": {"id": copied["id"]}}, token=staff_token)
    assert data["removeKarteEntry"] == {"removedId": copied["id"], "errors": []}
    assert await count_rows(db, KarteEntry) == 1
    assert await count_rows(db, AuditLog, AuditLog.entity == "karte_entry") == 4


async def test_an_entry_starts_today_in_japan(gql, given, masters, staff_token):
    from services.karte import today

    customer = await given.customer()
    payload = await _add(gql, staff_token, customer, text="カット")
    assert payload["karteEntry"]["visitDate"] == today().isoformat()


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({}, "text", "REQUIRED"),
    ({"text": "あ" * 4001}, "text", "TOO_LONG"),
    ({"text": "x", "visitDate": "1800-01-01"}, "visitDate", "INVALID_DATE"),
    ({"text": "x", "categoryId": "99999"}, "categoryId", "NOT_FOUND"),
    ({"text": "x", "copyFromId": "99999"}, "copyFromId", "NOT_FOUND"),
    ({"text": "x", "reservationId": "99999"}, "reservationId", "NOT_FOUND"),
    ({"text": "x", "staffId": "abc"}, "staffId", "NOT_FOUND"),
])
async def test_bad_entries_are_refused(gql, given, masters, staff_token, db, fields, field, code):
    customer = await given.customer()
    payload = await _add(gql, staff_token, customer, **fields)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["errors"][0]["message"]
    assert await count_rows(db, KarteEntry) == 0


async def test_a_detail_of_another_category_is_refused(gql, given, masters, staff_token, db):
    customer = await given.customer()
    payload = await _add(gql, staff_token, customer, categoryId=str(masters["color"].id),
                         detailId=str(masters["curl"].id))
    assert payload["errors"][0]["message"] == "選択したカルテ詳細は、このカルテ分類のものではありません。"
    assert await count_rows(db, KarteEntry) == 0


async def test_another_customers_entry_is_not_copied(gql, given, masters, staff_token, db):
    owner, other = await given.customer(), await given.customer()
    entry = (await _add(gql, staff_token, owner, text="アレルギーあり"))["karteEntry"]
    payload = await _add(gql, staff_token, other, copyFromId=entry["id"])
    assert payload["errors"][0]["message"] == "コピー元のカルテが見つかりません。"
    assert await count_rows(db, KarteEntry) == 1


async def test_visit_memos_by_date(gql, given, staff_token, db):
    customer = await given.customer()
    for day, text in (("2026-09-01", "旅行の話"), ("2026-11-01", "転職された")):
        data = await gql(ADD_MEMO, {"input": {"customerId": str(customer.id), "visitDate": day, "text": text}},
                         token=staff_token)
        assert data["addVisitMemo"]["errors"] == []
    memo_id = data["addVisitMemo"]["visitMemo"]["id"]
    data = await gql(UPDATE_MEMO, {"input": {"id": memo_id, "text": "転職された（IT）"}}, token=staff_token)
    assert data["updateVisitMemo"]["visitMemo"]["text"] == "転職された（IT）"
    data = await gql(ADD_MEMO, {"input": {"customerId": str(customer.id), "text": "  "}}, token=staff_token)
    assert data["addVisitMemo"]["errors"] == [{"field": "text", "code": "REQUIRED",
                                               "message": "来店メモを入力してください。"}]
    data = await gql(KARTE, {"id": str(customer.id)}, token=staff_token)
    assert [(e["node"]["visitDate"], e["node"]["text"]) for e in data["customer"]["visitMemos"]["edges"]] == [
        ("2026-11-01", "転職された（IT）"), ("2026-09-01", "旅行の話")]
    assert await count_rows(db, VisitMemo) == 2


async def _health_reads(db):
    async with db.sessionmaker() as session:
        return list((await session.scalars(select(AuditLog).where(AuditLog.action == "read_health_info")
                                           .order_by(AuditLog.id))).all())


async def test_health_information_reads_are_logged_and_hidden_from_the_customer(
        gql, given, masters, staff_token, db):
    customer = await given.customer()
    await _add(gql, staff_token, customer, text="カット")
    health = (await _add(gql, staff_token, customer, text="ジアミンアレルギー", isHealthInfo=True))["karteEntry"]
    data = await gql(ADD_MEMO, {"input": {"customerId": str(customer.id), "text": "乾燥肌", "isHealthInfo": True}},
                     token=staff_token)
    memo = data["addVisitMemo"]["visitMemo"]
    assert await _health_reads(db) == []  # writing is not reading
    data = await gql(KARTE, {"id": str(customer.id)}, token=staff_token)
    assert "ジアミンアレルギー" in [e["node"]["text"] for e in data["customer"]["karteEntries"]["edges"]]
    reads = await _health_reads(db)
    assert sorted((r.entity, r.entity_id) for r in reads) == sorted(
        [("karte_entry", int(health["id"])), ("visit_memo", int(memo["id"]))])
    assert all(r.actor_account_id is not None and r.at is not None for r in reads)  # who and when
    assert all(r.changes == {"customer_id": customer.id} for r in reads)
    await gql(KARTE, {"id": str(customer.id)}, token=staff_token)
    assert len(await _health_reads(db)) == 4  # every read
    token = await given.customer_token(customer)
    data = await gql(KARTE, {"id": str(customer.id)}, token=token)
    assert data["customer"] == {"karteEntries": None, "visitMemos": None, "salesReports": None}
    assert len(await _health_reads(db)) == 4
    data = await gql(ADD, {"input": {"customerId": str(customer.id), "text": "自分で"}}, token=token)
    assert data["addKarteEntry"]["errors"][0]["code"] == "PERMISSION_DENIED"
    data = await gql(MASTERS, token=token, expect_errors=True)
    assert data["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


PAGE = """query { customers(first: 20) { edges { node { id fullName
  karteEntries(first: 5) { totalCount edges { node { text category { name } detail { name } staff { name } } } }
  visitMemos(first: 5) { totalCount edges { node { text staff { name } } } }
  salesReports(first: 5) { totalCount edges { node { treatment staff { name }
    reservation { startAt menus { menu { name } } } } } } } } } }"""


async def _page_statements(gql, given, masters, staff_token, db, customers: int) -> int:
    from datetime import UTC, datetime, timedelta

    from models import SalesReport

    cut = await given.menu(f"カット{customers}")
    stylist = await given.staff_member(f"田中{customers}")
    for n in range(customers):
        customer = await given.customer()
        for day in (1, 2):
            await given.rows(KarteEntry(customer_id=customer.id, visit_date=date(2026, 10, day), text="x",
                                        category_id=masters["color"].id, detail_id=masters["recipe"].id,
                                        staff_member_id=stylist.id),
                             VisitMemo(customer_id=customer.id, visit_date=date(2026, 10, day), text="m",
                                       staff_member_id=stylist.id))
            visit = await given.visit(customer, menu=cut, staff=stylist,
                                      start_at=datetime(2026, 10, day, 1, n, tzinfo=UTC) + timedelta(hours=n))
            await given.rows(SalesReport(reservation_id=visit.id, customer_id=customer.id, treatment="t",
                                         staff_member_id=stylist.id))
    await gql(PAGE, token=staff_token)  # who the token is: now known
    with counting(db) as counted:
        data = await gql(PAGE, token=staff_token)
    edges = data["customers"]["edges"]
    assert all(e["node"]["karteEntries"]["totalCount"] == 2 for e in edges)
    assert all(len(e["node"]["salesReports"]["edges"]) == 2 for e in edges)
    return counted.count


async def test_the_karte_lists_of_a_page_of_customers_cost_the_same_for_2_or_12(
        gql, given, masters, staff_token, db):
    few = await _page_statements(gql, given, masters, staff_token, db, 2)
    many = await _page_statements(gql, given, masters, staff_token, db, 10)
    assert few == many, (few, many)
    # customers, then per list its page, its count and its links (category, detail, stylists,
    # reservations, their menu lines and menus): one statement each whatever the number of customers
    assert many <= 16, many
