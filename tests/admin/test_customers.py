"""顧客 in the admin: list, search, details, and create / edit / delete through services.customers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select

from models import (
    AuditLog,
    Caution,
    Customer,
    Reservation,
    ReservationChannel,
    ReservationStatus,
    StaffAccount,
)
from services import flags
from services.customer_stats import refresh_customer_flags
from tests.factories import SYSTEM, add_customer, count_rows

HANAKO = {
    "last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
    "phone": "09012345678", "email": "hanako@example.jp",
}
#: The create form as a browser posts it (unchecked boxes are simply absent).
FORM = {
    "customer_no": "", "last_name": "佐藤", "first_name": "美咲", "last_name_kana": "さとう",
    "first_name_kana": "ﾐｻｷ", "phone": "080-9876-5432", "email": "misaki@example.jp", "birth_date": "平成2年4月1日",
    "gender": "FEMALE", "postal_code": "", "prefecture": "", "city": "", "address_line": "",
    "occupation_id": "__None", "first_visit_motive_id": "__None", "attributes": "車椅子の方\nお子様と一緒にご来店",
    "notes": "コーヒー好き", "mail_ok": "y", "phone_ok": "y", "pre_system_visit_count": "2",
}


async def account_id(db, login_id: str) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(StaffAccount.id).where(StaffAccount.login_id == login_id))


async def page_after(client, response) -> str:
    """A DELETE answers with the list URL to go to; its messages come on that page (from the session)."""
    assert "error=" not in response.text
    return (await client.get(response.text)).text


# ----------------------------------------------------------------------------- list and search


async def test_list_shows_customers_with_japanese_columns(manager, db):
    customer = await add_customer(db, **HANAKO)
    response = await manager.get("/admin/customer/list")
    assert response.status_code == 200
    header = response.text.split("<thead>")[1].split("</thead>")[0]
    for label in ("お客様番号", "氏名", "セイメイ", "電話番号", "メールアドレス", "最終来店日", "来店回数", "LINE"):
        assert label in header, label
    assert customer.customer_no in response.text
    assert "山田 花子" in response.text and "ヤマダ ハナコ" in response.text
    assert "090-1234-5678" in response.text  # stored as digits, shown with hyphens
    # Internal keys are never listed.
    assert "検索用テキスト" not in response.text and "氏名キー" not in response.text


async def test_list_marks_cautions_with_their_memo(manager, db):
    customer = await add_customer(db, **HANAKO)
    await add_customer(db, **HANAKO | dict(last_name="鈴木", first_name="一郎", phone="09011112222", email="ichiro@example.jp"))
    async with db.transaction() as session:
        session.add(Caution(customer_id=customer.id, memo="施術中の私語が多い"))
        await refresh_customer_flags(session, [customer.id])  # stored flags, as their writer keeps them
    response = await manager.get("/admin/customer/list")
    row = next(r for r in response.text.split("<tr>") if "山田 花子" in r)
    assert "❗" in row and "施術中の私語が多い" in row
    other = next(r for r in response.text.split("<tr>") if "鈴木 一郎" in r)
    assert "❗" not in other


@pytest.mark.parametrize("term", ["ヤマダ", "やまだ", "ﾔﾏﾀﾞ ﾊﾅｺ", "山田", "花子", "090-1234-5678",
                                  "０９０１２３４", "1234-5678"])
async def test_search_finds_by_name_kana_or_phone(manager, db, term):
    await add_customer(db, **HANAKO)
    await add_customer(db, **HANAKO | dict(last_name="鈴木", first_name="一郎", last_name_kana="スズキ", first_name_kana="イチロウ",
                       phone="0311112222", email="ichiro@example.jp"))
    response = await manager.get("/admin/customer/list", params={"search": term})
    assert response.status_code == 200
    assert "山田 花子" in response.text
    assert "鈴木 一郎" not in response.text


async def test_search_by_customer_number(manager, db):
    await add_customer(db, **HANAKO | dict(customer_no="A131"))
    await add_customer(db, **HANAKO | dict(customer_no="G511", last_name="鈴木", phone="09011112222", email="i@example.jp"))
    response = await manager.get("/admin/customer/list", params={"search": "a13"})
    assert "A131" in response.text and "G511" not in response.text


async def test_list_sorts_by_kana(manager, db):
    await add_customer(db, **HANAKO)
    await add_customer(db, **HANAKO | dict(last_name="阿部", first_name="一郎", last_name_kana="アベ", first_name_kana="イチロウ",
                       phone="09011112222", email="ichiro@example.jp"))
    asc = (await manager.get("/admin/customer/list", params={"sortBy": "full_name_kana", "sort": "asc"})).text
    desc = (await manager.get("/admin/customer/list", params={"sortBy": "full_name_kana", "sort": "desc"})).text
    assert asc.index("阿部") < asc.index("山田")
    assert desc.index("山田") < desc.index("阿部")


async def test_details_show_derived_stats_read_only(manager, db):
    customer = await add_customer(db, **HANAKO | dict(pre_system_visit_count=3))
    response = await manager.get(f"/admin/customer/details/{customer.id}")
    assert response.status_code == 200
    for label in ("来店回数", "予約回数", "キャンセル回数", "最終来店日", "平均来店間隔", "性別", "未回答"):
        assert label in response.text, label
    assert "3回（うちシステム導入前 3回）" in response.text  # the pre-system visits count as visits
    assert "検索用テキスト" not in response.text and "氏名キー" not in response.text


async def test_forms_offer_only_editable_fields(manager, db):
    customer = await add_customer(db, **HANAKO)
    for url in ("/admin/customer/create", f"/admin/customer/edit/{customer.id}"):
        html = (await manager.get(url)).text
        for field in ("last_name", "last_name_kana", "phone", "email", "birth_date", "gender", "inflow_route_ids",
                      "attributes", "mail_ok", "pre_system_visit_count"):
            assert f'name="{field}"' in html, (url, field)
        for field in ("visit_count", "cancel_count", "last_visit_at", "name_key", "search_text", "email_key",
                      "email_is_placeholder", "registration_path", "line_user_id"):
            assert f'name="{field}"' not in html, (url, field)
        assert '<option selected value="FEMALE">' in html or ">女性<" in html


# ----------------------------------------------------------------------------- create


async def test_create_with_a_bad_phone_shows_the_japanese_error_and_writes_nothing(manager, db):
    before = await count_rows(db), await count_rows(db, AuditLog)
    response = await manager.submit("/admin/customer/create", {**FORM, "phone": "12-34"})
    assert response.status_code == 400
    assert "電話番号の形式が正しくありません。" in response.text
    assert 'value="12-34"' in response.text and 'value="佐藤"' in response.text  # values kept
    assert re.search(r'name="phone"[^>]*is-invalid|is-invalid[^>]*name="phone"', response.text)
    assert (await count_rows(db), await count_rows(db, AuditLog)) == before


async def test_create_reports_every_bad_field(manager, db):
    response = await manager.submit("/admin/customer/create",
                                    {**FORM, "last_name_kana": "佐藤", "email": "not-an-address",
                                     "birth_date": "平成31年5月1日"})
    assert response.status_code == 400
    assert "セイは全角カタカナで入力してください。" in response.text
    assert "メールアドレスの形式が正しくありません。" in response.text
    assert await count_rows(db) == 0


async def test_create_goes_through_the_service_and_is_audited(manager, db):
    response = await manager.submit("/admin/customer/create", FORM)
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        customer = await session.scalar(select(Customer))
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "customer"))
    assert customer.customer_no == "000001"  # auto-numbered
    assert customer.last_name_kana == "サトウ" and customer.first_name_kana == "ミサキ"
    assert customer.phone == "08098765432"
    assert customer.birth_date.isoformat() == "1990-04-01"
    assert customer.mail_ok and customer.phone_ok and not customer.dm_ok
    assert customer.visit_count == 2
    assert log.action == "create" and log.entity_id == customer.id
    assert log.actor_account_id == await account_id(db, "tencho")


async def test_duplicate_email_is_refused(manager, db):
    await add_customer(db, **HANAKO | dict(email="misaki@example.jp"))
    response = await manager.submit("/admin/customer/create", FORM)
    assert response.status_code == 400
    assert "このメールアドレスは既に他のお客様が登録しています。" in response.text
    assert await count_rows(db) == 1


# ----------------------------------------------------------------------------- edit


async def test_edit_goes_through_the_service(staff, db):
    customer = await add_customer(db, **HANAKO)
    url = f"/admin/customer/edit/{customer.id}"
    page = await staff.get(url)
    assert 'value="090-1234-5678"' in page.text  # as the list writes it, not the stored digits
    form = {**FORM, "customer_no": customer.customer_no, "last_name": "山田", "first_name": "花子",
            "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ", "email": "hanako@example.jp",
            "phone": "０９０−１１１１−２２２２"}
    response = await staff.submit(url, form)
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, customer.id)
        log = await session.scalar(select(AuditLog).where(AuditLog.action == "update"))
    assert stored.phone == "09011112222"
    assert log.changes["phone"] == ["09012345678", "09011112222"]
    assert log.actor_account_id == await account_id(db, "stylist")


async def test_a_new_postal_code_on_the_edit_form_replaces_prefecture_and_city_but_keeps_the_street(staff, db):
    customer = await add_customer(db, **HANAKO, postal_code="1500041", prefecture="東京都", city="渋谷区",
                                  address_line="神南1-2-3 サロンビル5F")
    url = f"/admin/customer/edit/{customer.id}"
    form = {**FORM, "customer_no": customer.customer_no, "last_name": "山田", "first_name": "花子",
            "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ", "email": "hanako@example.jp",
            "phone": "09012345678", "postal_code": "530-0001", "prefecture": "東京都", "city": "渋谷区",
            "address_line": "神南1-2-3 サロンビル5F"}
    response = await staff.submit(url, form)
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, customer.id)
    assert (stored.postal_code, stored.prefecture, stored.city, stored.address_line) == (
        "5300001", "大阪府", "大阪市北区", "神南1-2-3 サロンビル5F")


async def test_edit_with_a_bad_value_keeps_the_record(staff, db):
    customer = await add_customer(db, **HANAKO)
    url = f"/admin/customer/edit/{customer.id}"
    response = await staff.submit(url, {**FORM, "customer_no": customer.customer_no, "phone": ""})
    assert response.status_code == 400
    assert "電話番号を入力してください。" in response.text
    async with db.sessionmaker() as session:
        assert (await session.get(Customer, customer.id)).last_name == "山田"


# ----------------------------------------------------------------------------- delete


async def test_staff_cannot_delete_customers(staff, db):
    customer = await add_customer(db, **HANAKO)
    response = await staff.delete("customer", customer.id)
    assert response.status_code == 403
    assert await count_rows(db) == 1
    details = await staff.get(f"/admin/customer/details/{customer.id}")
    assert "delete?pks" not in details.text
    assert "fa-trash" not in (await staff.get("/admin/customer/list")).text


async def test_manager_sees_the_delete_action(manager, db):
    customer = await add_customer(db, **HANAKO)
    assert "fa-trash" in (await manager.get("/admin/customer/list")).text
    assert "delete?pks" in (await manager.get(f"/admin/customer/details/{customer.id}")).text


async def test_customer_with_a_reservation_is_not_deleted(manager, db):
    customer = await add_customer(db, **HANAKO)
    start = datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    async with db.transaction() as session:
        session.add(Reservation(customer_id=customer.id, start_at=start, end_at=start + timedelta(hours=1),
                                channel=ReservationChannel.PHONE, status=ReservationStatus.BOOKED))
    response = await manager.delete("customer", customer.id)
    assert "来店・予約履歴があるお客様は削除できません。" in await page_after(manager, response)
    assert await count_rows(db) == 1


async def test_manager_deletes_a_customer_without_history(manager, db):
    customer = await add_customer(db, **HANAKO)
    response = await manager.delete("customer", customer.id)
    assert f"山田 花子 様（お客様番号 {customer.customer_no}）を削除しました。" in await page_after(manager, response)
    assert await count_rows(db) == 0
    async with db.sessionmaker() as session:
        assert await session.scalar(select(AuditLog.action).where(AuditLog.action == "delete")) == "delete"


async def test_form_level_checks_are_japanese_too(manager, db):
    response = await manager.submit("/admin/customer/create", {**FORM, "pre_system_visit_count": "abc",
                                                               "gender": "ROBOT"})
    assert response.status_code == 400
    assert "無効な整数です。" in response.text and "選択肢が正しくありません。" in response.text
    assert await count_rows(db) == 0


def _memo_read(statement: str) -> bool:
    """A read of caution or blacklist memos for the marks (the blacklist-match lookup is another query)."""
    return "FROM cautions" in statement or statement.startswith(
        "SELECT blacklist_entries.customer_id, blacklist_entries.memo")


async def test_the_list_marks_by_the_stored_flag_and_reads_memos_only_for_flagged_customers(manager, db):
    """❗ and ⛔ come from the customer's stored flags; a page without flagged customers reads no memo,
    one with some reads each kind of memo once (for those customers only)."""
    customers = [await add_customer(db) for _ in range(3)]
    await manager.get("/admin/customer/list")
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await manager.get("/admin/customer/list")
        assert not any(_memo_read(s) for s in statements), statements
        async with db.transaction() as session:
            await flags.add_caution(session, customers[0].id, "施術中の私語が多い", SYSTEM)
            await flags.add_to_blacklist(session, customers[1].id, "無断キャンセル3回", SYSTEM)
        statements.clear()
        response = await manager.get("/admin/customer/list")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)

    memo_reads = [s for s in statements if _memo_read(s)]
    assert len(memo_reads) == 2, memo_reads
    rows = {c.customer_no: next(r for r in response.text.split("<tr>") if c.customer_no in r) for c in customers}
    first, second, third = (rows[c.customer_no] for c in customers)
    assert "❗" in first and "施術中の私語が多い" in first and "⛔" not in first
    assert "⛔" in second and "無断キャンセル3回" in second and "❗" not in second
    assert "❗" not in third and "⛔" not in third


async def test_the_customer_form_has_every_settable_field_with_the_registrys_label(db):
    """A field added to services.customer_fields is on the admin form and reaches the service."""
    from admin.customers import FREE_ITEM_PREFIX, build_customer_form, service_data
    from models import FreeItem, FreeItemChoice
    from services.customer_fields import FIELDS, SETTABLE

    async with db.transaction() as session:
        session.add(FreeItem(position=1, name="髪質", choices=[FreeItemChoice(name="普通")]))
    form_class, free_item_ids = await build_customer_form(db.sessionmaker)
    form = form_class()
    on_form = [f.name for f in form if not f.name.startswith(FREE_ITEM_PREFIX)]
    assert on_form == [n for n in SETTABLE if n != "free_item_choice_ids"]
    assert [f.name for f in form if f.name.startswith(FREE_ITEM_PREFIX)] == [
        f"{FREE_ITEM_PREFIX}{i}" for i in free_item_ids]
    for name in on_form:
        assert form[name].label.text.startswith(FIELDS[name].label)
    assert list(service_data({})) == list(SETTABLE)


async def test_withdrawn_customers_leave_the_list_and_its_search_and_a_toggle_shows_them(staff, db):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from models import Customer
    from tests.factories import add_customer

    staying = await add_customer(db, last_name="在籍")
    gone = await add_customer(db, last_name="退会済")
    async with db.transaction() as s:
        await s.execute(update(Customer).where(Customer.id == gone.id).values(withdrawn_at=datetime.now(UTC)))

    listed = await staff.get("/admin/customer/list")
    assert staying.customer_no in listed.text and gone.customer_no not in listed.text
    assert "退会者を表示" in listed.text
    searched = await staff.get("/admin/customer/list?search=退会済")
    assert gone.customer_no not in searched.text
    shown = await staff.get("/admin/customer/list?withdrawn=1")
    assert gone.customer_no in shown.text and staying.customer_no not in shown.text and "会員を表示" in shown.text
    assert gone.customer_no in (await staff.get("/admin/customer/list?withdrawn=1&search=退会済")).text
