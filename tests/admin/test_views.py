"""Every master and list view opens (with rows, so eager loads are exercised), in Japanese."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models import (
    AuditLog,
    BlacklistEntry,
    Caution,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    KarteDetail,
    KartePhrase,
    Menu,
    MergeLog,
    Occupation,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    SalesReport,
    StaffAccount,
    StaffMember,
    StoreSetting,
    TicketMenu,
    TicketPurchase,
    Withdrawal,
)
from services import customers as svc
from services.actor import Actor
from services.customer_stats import refresh_customer_flags

#: identity → (menu name, a model whose first row has a details page)
VIEWS = {
    "customer": ("顧客", None),
    "caution": ("要注意人物", Caution),
    "blacklist-entry": ("ブラックリスト", BlacklistEntry),
    "ticket-purchase": ("回数券", TicketPurchase),
    "merge-log": ("統合履歴", MergeLog),
    "withdrawal": ("退会者", Withdrawal),
    "reservation": ("予約", Reservation),
    "sales-report": ("営業報告", SalesReport),
    "inflow-route": ("流入経路", InflowRoute),
    "occupation": ("職業", Occupation),
    "first-visit-motive": ("初回来店動機", FirstVisitMotive),
    "free-item": ("フリー項目", FreeItem),
    "free-item-choice": ("フリー項目の選択肢", FreeItemChoice),
    "menu": ("メニュー", Menu),
    "staff-member": ("スタッフ", StaffMember),
    "karte-category": ("カルテ分類", KarteCategory),
    "karte-detail": ("カルテ詳細", KarteDetail),
    "karte-phrase": ("カルテ参照項目", KartePhrase),
    "ticket-menu": ("回数券メニュー", TicketMenu),
    "store-setting": ("店舗設定", StoreSetting),
    "staff-account": ("スタッフアカウント", StaffAccount),
    "audit-log": ("変更履歴", AuditLog),
}
#: Views with create forms, and the form's page title.
CREATABLE = ["customer", "inflow-route", "occupation", "first-visit-motive", "free-item", "free-item-choice",
             "menu", "staff-member", "karte-category", "karte-detail", "karte-phrase", "ticket-menu",
             "staff-account"]


@pytest.fixture
async def salon(db):
    """One row of everything the lists show."""
    actor = Actor.system("test")
    start = datetime(2024, 5, 1, 1, tzinfo=timezone.utc)
    async with db.transaction() as s:
        route = InflowRoute(name="Instagram")
        occupation = Occupation(name="会社員")
        motive = FirstVisitMotive(name="口コミ")
        item = FreeItem(position=1, name="髪質", choices=[FreeItemChoice(name="くせ毛")])
        menu = Menu(name="カット", price=5500)
        stylist = StaffMember(name="高橋 美香", name_kana="タカハシ ミカ")
        category = KarteCategory(name="カラー")
        s.add_all([route, occupation, motive, item, menu, stylist, category])
        await s.flush()
        s.add_all([KarteDetail(category_id=category.id, name="ブリーチ"),
                   KartePhrase(category_id=category.id, text="根元から5cm")])
        customer = await svc.create_customer(s, {
            "last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
            "phone": "09012345678", "email": "hanako@example.jp", "inflow_route_ids": [route.id],
            "occupation_id": occupation.id, "first_visit_motive_id": motive.id,
            "free_item_choice_ids": [item.choices[0].id], "attributes": ["車椅子の方"]}, actor)
        gone = await svc.create_customer(s, {
            "last_name": "鈴木", "first_name": "一郎", "last_name_kana": "スズキ", "first_name_kana": "イチロウ",
            "phone": "09011112222", "email": "ichiro@example.jp", "inflow_route_ids": [route.id]}, actor)
        gone.withdrawn_at = start
        reservation = Reservation(customer_id=customer.id, staff_member_id=stylist.id, start_at=start,
                                  end_at=start + timedelta(hours=1), channel=ReservationChannel.SITE,
                                  status=ReservationStatus.VISITED,
                                  items=[ReservationMenu(menu_id=menu.id, price=5500)])
        walk_in = Reservation(guest_name="飛び込みのお客様", start_at=start, end_at=start + timedelta(hours=1),
                              channel=ReservationChannel.WALK_IN, status=ReservationStatus.BOOKED)
        ticket = TicketMenu(name="カット3回券", price=15000, validity_days=180, uses=3, menus=[menu],
                            staff_members=[stylist])
        s.add_all([reservation, walk_in, ticket])
        await s.flush()
        s.add_all([
            SalesReport(reservation_id=reservation.id, customer_id=customer.id, staff_member_id=stylist.id,
                        treatment="カット", amount_yen=5500),
            Caution(customer_id=customer.id, memo="遅刻が多い"),
            BlacklistEntry(customer_id=gone.id, memo="無断キャンセル3回"),
            TicketPurchase(customer_id=customer.id, ticket_menu_id=ticket.id, purchased_on=date(2024, 5, 1),
                           expires_on=date(2024, 10, 28), total_uses=3, used_count=1, price_paid=15000),
            MergeLog(source_customer_id=999, source_customer_no="000999", source_name="山田 花子",
                     source_phone="09012345678", target_customer_id=customer.id,
                     target_customer_no=customer.customer_no, moved_counts={"reservations": 2}),
            Withdrawal(customer_id=gone.id, reason="引っ越しのため"),
        ])
        await refresh_customer_flags(s, [customer.id, gone.id])  # stored flags, as their writer keeps them
    return {"customer": customer}


@pytest.mark.parametrize("identity", list(VIEWS))
async def test_every_view_lists_and_shows_details(manager, salon, db, identity):
    title, model = VIEWS[identity]
    response = await manager.get(f"/admin/{identity}/list")
    assert response.status_code == 200, response.text
    assert title in response.text
    assert "Traceback" not in response.text
    row_model = model or type(salon["customer"])
    async with db.sessionmaker() as session:
        pk = await session.scalar(select(row_model.id).order_by(row_model.id).limit(1))
    details = await manager.get(f"/admin/{identity}/details/{pk}")
    assert details.status_code == 200, details.text
    heading = details.text.split('<h3 class="card-title">')[1].split("</h3>")[0]
    assert "Id:" not in heading and " object at " not in heading, heading


@pytest.mark.parametrize("identity", CREATABLE)
async def test_create_forms_open(manager, salon, identity):
    response = await manager.get(f"/admin/{identity}/create")
    assert response.status_code == 200, response.text
    assert 'name="csrf_token"' in response.text
    assert "を新規作成" in response.text


def rows(html: str) -> str:
    return html.split("<tbody>")[1].split("</tbody>")[0]


async def test_reservations_show_japanese_status_menus_and_caution(manager, salon):
    html = rows((await manager.get("/admin/reservation/list", params={"date": "__all"})).text)
    assert "来店済み" in html and "予約サイト・LINE" in html and "VISITED" not in html
    assert "カット" in html and "❗" in html and "遅刻が多い" in html
    assert "飛び込みのお客様（非会員）" in html
    filtered = rows((await manager.get("/admin/reservation/list", params={"status": "BOOKED", "date": "__all"})).text)
    assert "飛び込みのお客様" in filtered and "山田 花子" not in filtered
    found = rows((await manager.get("/admin/reservation/list", params={"search": "やまだ", "date": "__all"})).text)
    assert "山田 花子" in found and "飛び込み" not in found


async def test_withdrawn_customers_list_their_data_and_leave_the_customer_list(manager, salon):
    html = (await manager.get("/admin/withdrawal/list")).text
    for text in ("鈴木 一郎", "090-1111-2222", "ichiro@example.jp", "Instagram", "引っ越しのため"):
        assert text in html, text
    assert "鈴木 一郎" not in (await manager.get("/admin/customer/list")).text


async def test_customer_details_show_masters_and_flags(manager, salon):
    customer = salon["customer"]
    html = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    for text in ("Instagram", "会社員", "口コミ", "髪質: くせ毛", "車椅子の方", "遅刻が多い", "来店回数"):
        assert text in html, text
    assert "(Instagram)" not in html  # related rows one per line, not sqladmin's "(a) (b)"
    # The customer's page opens with the number and the name (and ❗ for this caution customer).
    assert f'<span data-testid="customer-no">{customer.customer_no}</span>' in html
    heading = html.split('data-testid="customer-name">')[1].split("</h2>")[0]
    assert "❗" in heading and heading.endswith("山田 花子 様"), heading


async def test_reservation_details_are_titled_by_time_and_customer(manager, salon, db):
    async with db.sessionmaker() as session:
        walk_in = await session.scalar(select(Reservation).where(Reservation.guest_name.is_not(None)))
    html = (await manager.get(f"/admin/reservation/details/{walk_in.id}")).text
    heading = html.split('<h3 class="card-title">')[1].split("</h3>")[0]
    assert heading.startswith("予約: ") and heading.endswith("飛び込みのお客様（非会員）"), heading


async def test_master_create_edit_and_duplicate(manager, staff, db):
    created = await manager.submit("/admin/inflow-route/create", {"name": "ホットペッパー", "sort_order": "1",
                                                                  "active": "y"})
    assert created.status_code == 302, created.text
    duplicate = await manager.submit("/admin/inflow-route/create", {"name": "ホットペッパー", "sort_order": "2"})
    assert duplicate.status_code == 400
    assert "同じ内容が既に登録されています" in duplicate.text
    async with db.sessionmaker() as session:
        route = await session.scalar(select(InflowRoute))
    edited = await staff.submit(f"/admin/inflow-route/edit/{route.id}", {"name": "HotPepper", "sort_order": "1"})
    assert edited.status_code == 302
    async with db.sessionmaker() as session:
        assert (await session.get(InflowRoute, route.id)).name == "HotPepper"
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "inflow_route",
                                                          AuditLog.action == "update"))
    assert log.changes["name"] == "HotPepper"


async def test_master_in_use_is_not_deleted_and_staff_cannot_delete(manager, staff, salon, db):
    async with db.sessionmaker() as session:
        route_id = await session.scalar(select(InflowRoute.id))
    refused = await staff.delete("inflow-route", route_id)
    assert refused.status_code == 403  # and staff are shown no trash icon for it (test_notices)
    in_use = await manager.delete("inflow-route", route_id)
    assert "error=" not in in_use.text  # the refusal travels in the session, not the URL
    page = await manager.get(in_use.text)
    assert "他のデータから使われているため" in page.text
    async with db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(InflowRoute)) == 1


async def test_karte_phrase_category_select(manager, salon, db):
    async with db.sessionmaker() as session:
        category_id = await session.scalar(select(KarteCategory.id))
    response = await manager.submit("/admin/karte-phrase/create",
                                    {"text": "毛先を軽く", "sort_order": "0", "category_id": str(category_id)})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        phrase = await session.scalar(select(KartePhrase).where(KartePhrase.text == "毛先を軽く"))
    assert phrase.category_id == category_id
    assert "カラー" in (await manager.get("/admin/karte-phrase/list")).text


async def test_store_settings_one_row_edited_by_managers(manager, staff, db):
    html = (await staff.get("/admin/store-setting/list")).text
    assert "leporto.com" in html and "/admin/store-setting/create" not in html
    assert (await staff.get("/admin/store-setting/edit/1")).status_code == 403
    form = (await manager.get("/admin/store-setting/edit/1")).text
    assert "事前決済機能を利用する" in form
    bad = await manager.submit("/admin/store-setting/edit/1", {
        "store_name": "サロン", "cancel_deadline_hours": "24", "cancel_fee_percent": "150",
        "cancel_fee_fixed_yen": "0", "placeholder_email_domain": "leporto.com", "customer_no_prefix": "",
        "customer_no_digits": "6", "customer_no_next": "1"})
    assert bad.status_code == 400
    ok = await manager.submit("/admin/store-setting/edit/1", {
        "store_name": "サロン", "use_prepayment": "y", "cancel_deadline_hours": "48", "cancel_fee_percent": "50",
        "cancel_fee_fixed_yen": "0", "placeholder_email_domain": "leporto.com", "customer_no_prefix": "A",
        "customer_no_digits": "5", "customer_no_next": "1", "slot_minutes": "15", "booking_horizon_days": "90",
        "booking_notice_minutes": "60", "hold_minutes": "15"})
    assert ok.status_code == 302, ok.text
    async with db.sessionmaker() as session:
        settings = await session.get(StoreSetting, 1)
    assert settings.use_prepayment and settings.cancel_deadline_hours == 48 and settings.customer_no_prefix == "A"
    assert (settings.slot_minutes, settings.booking_horizon_days, settings.booking_notice_minutes) == (15, 90, 60)
    odd = await manager.submit("/admin/store-setting/edit/1", {
        "store_name": "サロン", "cancel_deadline_hours": "24", "cancel_fee_percent": "50", "cancel_fee_fixed_yen": "0",
        "placeholder_email_domain": "leporto.com", "customer_no_prefix": "", "customer_no_digits": "6",
        "customer_no_next": "1", "slot_minutes": "20", "booking_horizon_days": "400", "booking_notice_minutes": "60",
        "hold_minutes": "10"})
    assert odd.status_code == 400 and "選択肢が正しくありません。" in odd.text and "1〜366の範囲で入力してください。" in odd.text


async def test_staff_accounts_hash_the_password_and_never_show_it(manager, db):
    response = await manager.submit("/admin/staff-account/create", {
        "login_id": "newbie", "display_name": "新人", "password": "secret-pass-1", "role": "STAFF",
        "staff_member_id": "__None", "active": "y"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        account = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == "newbie"))
    assert account.password_hash.startswith("$argon2") and account.role.value == "STAFF"
    for url in ("/admin/staff-account/list", f"/admin/staff-account/details/{account.id}",
                f"/admin/staff-account/edit/{account.id}", "/admin/audit-log/list"):
        html = (await manager.get(url)).text
        assert "$argon2" not in html and "secret-pass-1" not in html and "パスワードハッシュ" not in html, url
    assert "店長・管理者" in (await manager.get("/admin/staff-account/list")).text
    short = await manager.submit("/admin/staff-account/create", {
        "login_id": "shorty", "display_name": "", "password": "short", "role": "STAFF", "active": "y"})
    assert short.status_code == 400 and "パスワードは8文字以上にしてください。" in short.text


async def test_manager_cannot_demote_or_delete_themselves(manager, db):
    async with db.sessionmaker() as session:
        me = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == "tencho"))
    response = await manager.submit(f"/admin/staff-account/edit/{me.id}",
                                    {"display_name": "店長", "role": "STAFF", "active": "y"})
    assert response.status_code == 400
    assert "自分自身のアカウントの権限を外したり無効にしたりすることはできません。" in response.text
    deleted = await manager.delete("staff-account", me.id)
    assert "ログイン中の自分のアカウントは削除できません。" in (await manager.get(deleted.text)).text
    async with db.sessionmaker() as session:
        assert await session.get(StaffAccount, me.id) is not None


async def test_scaffolded_enum_selects_offer_japanese_labels(db):
    from sqladmin.forms import get_model_form

    from admin.forms import JapaneseConverter, JapaneseForm

    form_class = await get_model_form(model=Reservation, session_maker=db.sessionmaker,
                                      only=["status", "cancel_kind"], form_converter=JapaneseConverter,
                                      form_class=JapaneseForm)
    form = form_class(data={"status": ReservationStatus.VISITED})
    status = str(form.status)
    assert '<option selected value="VISITED">来店済み</option>' in status
    assert ">仮予約中<" in status
    assert "（未選択）" in str(form.cancel_kind)  # nullable: a blank choice


BAD_IDS = ["abc", "99999999999999999999", "-1"]


@pytest.mark.parametrize("identity", list(VIEWS))
async def test_bad_ids_are_404_not_500(manager, identity):
    for bad in BAD_IDS:
        for page in ("details", "edit"):
            response = await manager.get(f"/admin/{identity}/{page}/{bad}")
            assert response.status_code in (400, 403, 404), (page, bad, response.status_code)
            assert "Traceback" not in response.text
        if "データが見つかりません" not in response.text and response.status_code == 404:
            raise AssertionError(response.text)
        page = await manager.get(f"/admin/{identity}/list")
        token = page.text.split('<meta name="csrf-token" content="')[1].split('"')[0]
        for pks in (bad, ""):
            response = await manager.http.delete(f"/admin/{identity}/delete", params={"pks": pks},
                                                 headers={"X-CSRF-Token": token})
            assert response.status_code < 500, (pks, response.status_code)
        response = await manager.http.post(f"/admin/{identity}/edit/{bad}", data={"csrf_token": token})
        assert response.status_code in (400, 403, 404), (bad, response.status_code)


async def test_customer_list_marks_blacklisted_customers(manager, salon, db):
    async with db.transaction() as s:
        s.add(BlacklistEntry(customer_id=salon["customer"].id, memo="暴言"))
        await refresh_customer_flags(s, [salon["customer"].id])  # stored flags, as their writer keeps them
    response = await manager.get("/admin/customer/list")
    assert response.status_code == 200
    assert "⛔" in response.text
    assert "ブラックリスト: 暴言" in response.text


async def test_details_speak_to_staff_and_mark_empty_values(manager, salon):
    """The details table is headed 項目 / 内容 (not カラム / 値), and a field left empty reads 「—」."""
    customer = salon["customer"]
    html = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    assert "<th class=\"w-1\">項目</th>" in html and "<th class=\"w-1\">内容</th>" in html
    assert "カラム" not in html
    assert '<td class="text-secondary">—</td>' in html  # e.g. no LINE link, no withdrawal date


@pytest.mark.parametrize("search, says", [
    ("該当なしの名前", "「該当なしの名前」に該当するデータはありません。"),
    ("<script>alert(1)</script>", "「&lt;script&gt;alert(1)&lt;/script&gt;」に該当するデータはありません。"),
])
async def test_an_empty_list_says_so(manager, search, says):
    page = await manager.get("/admin/customer/list", params={"search": search})
    assert page.status_code == 200
    assert says in page.text and "<script>alert(1)" not in page.text
    assert "0件" in page.text and "1〜0件" not in page.text


async def test_an_empty_list_without_a_search(manager):
    page = await manager.get("/admin/merge-log/list")
    assert page.status_code == 200
    assert "該当するデータはありません。" in page.text and "1〜0件" not in page.text
