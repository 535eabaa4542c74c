"""予約 forms in the admin: create / reschedule / status changes through the booking service, and the
cancellation-fee list's waive and payment as CSRF POSTs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from admin.display import JST
from models import AuditLog, Reservation, ReservationChannel, ReservationStatus
from services.customer_stats import refresh_customer_stats
from tests.admin.helpers import csrf_from, form_labels
from tests.admin.reservation_salon import TOMORROW, build_salon, count_rows


@pytest.fixture
async def salon(db):
    return await build_salon(db)


async def test_create_through_the_booking_service(staff, salon, db):
    page = await staff.get("/admin/reservation/create")
    assert page.status_code == 200
    labels = form_labels(page.text)
    assert {field: labels[field] for field in ("customer", "start_date", "start_time", "menu_ids", "memo")} == {
        "customer": ("お客様", True), "start_date": ("予約日", True), "start_time": ("開始時刻", True),
        "menu_ids": ("メニュー", True), "memo": ("メモ", False)}
    assert "予約を新規作成" in page.text
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["plain"].id), "start_date": TOMORROW.isoformat(), "start_time": "13:00",
        "staff_member_id": str(salon["sato"].id), "menu_ids": [str(salon["cut"].id), str(salon["color"].id)],
        "channel": "PHONE", "memo": "初めてのカラー"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        r = await session.scalar(select(Reservation).where(Reservation.customer_id == salon["plain"].id,
                                                           Reservation.status == ReservationStatus.BOOKED))
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "reservation",
                                                          AuditLog.entity_id == r.id))
    assert r.start_at.astimezone(JST).strftime("%H:%M") == "13:00"
    assert (r.end_at - r.start_at) == timedelta(minutes=150)
    assert r.channel == ReservationChannel.PHONE and log.action == "create"


async def test_a_memo_loses_control_and_bidi_characters_and_nothing_else(staff, salon, db):
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["plain"].id), "start_date": TOMORROW.isoformat(), "start_time": "13:00",
        "menu_ids": [str(salon["cut"].id)], "channel": "PHONE",
        "memo": "\u202e初めての\x00カラー\x07\r\n明るめ  希望"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        newest = await session.scalar(select(Reservation.memo).where(
            Reservation.customer_id == salon["plain"].id).order_by(Reservation.id.desc()).limit(1))
    assert newest == "初めてのカラー\n明るめ  希望"


async def test_blacklisted_customer_is_refused_on_the_page(staff, salon, db):
    before = await count_rows(db, Reservation)
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["listed"].id), "start_date": TOMORROW.isoformat(), "start_time": "15:00",
        "menu_ids": [str(salon["cut"].id)], "channel": "PHONE"})
    assert response.status_code == 400
    assert response.text.count("ブラックリストに登録されているため予約できません") == 1
    assert response.text.count("無断キャンセル3回") == 1
    assert await count_rows(db, Reservation) == before


async def test_an_unpaid_cancellation_fee_is_a_warning_on_the_next_page(staff, salon, db):
    async with db.transaction() as session:
        await refresh_customer_stats(session, [salon["plain"].id])  # 青木 owes 2,750円
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["plain"].id), "start_date": TOMORROW.isoformat(), "start_time": "13:00",
        "menu_ids": [str(salon["cut"].id)], "channel": "PHONE"})
    assert response.status_code == 302, response.text
    page = await staff.get(response.headers["location"])
    warning = re.search(r'<div class="alert alert-warning[^"]*"[^>]*>(.*?)</div>\s*<a', page.text, re.S)
    assert warning, page.text
    assert "ご確認ください" in warning.group(1)
    assert (f"青木 花子様の予約（{TOMORROW:%Y/%m/%d}（{'月火水木金土日'[TOMORROW.weekday()]}）13:00〜14:00）"
            f"を登録しました。") in page.text
    # The list it lands on is the booking's day, where the new booking is in sight.
    assert response.headers["location"].endswith(f"/admin/reservation/list?date={TOMORROW.isoformat()}")
    assert "青木 花子" in page.text.split("<tbody>")[1]
    assert "このお客様には未払いのキャンセル料があります。" in warning.group(1)
    assert (await staff.get(response.headers["location"])).text.count("未払いのキャンセル料") == 0  # shown once
    async with db.sessionmaker() as session:
        booked = await session.scalar(select(Reservation).where(Reservation.customer_id == salon["plain"].id,
                                                                Reservation.status == ReservationStatus.BOOKED))
    response = await staff.submit(f"/admin/reservation/edit/{booked.id}", {
        "start_date": TOMORROW.isoformat(), "start_time": "14:00", "menu_ids": [str(salon["cut"].id)]})
    assert response.status_code == 302, response.text
    page = await staff.get(response.headers["location"])
    assert page.text.count("このお客様には未払いのキャンセル料があります。") == 1
    # A customer who owes nothing is booked without one.
    response = await staff.submit(f"/admin/reservation/edit/{salon['booked'].id}", {
        "start_date": TOMORROW.isoformat(), "start_time": "11:00", "menu_ids": [str(salon["cut"].id)]})
    assert response.status_code == 302, response.text
    assert "alert-warning" not in (await staff.get(response.headers["location"])).text


@pytest.mark.parametrize(("form", "messages"), [
    ({}, ["お客様を選んでください。", "予約日を入力してください。", "開始時刻を入力してください。",
          "メニューを1つ以上選んでください。"]),
    ({"customer": "{plain}", "start_date": "", "start_time": ""}, ["予約日を入力してください。", "開始時刻を入力してください。"]),
    ({"customer": "{plain}", "start_date": "2026/13/01", "start_time": "25:00"},
     ["予約日の形式が正しくありません（例: 2026-04-01）。", "開始時刻の形式が正しくありません（例: 10:30）。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:00"}, ["メニューを1つ以上選んでください。"]),
    ({"customer": "abc", "start_date": "{tomorrow}", "start_time": "10:00", "menu_ids": ["{cut}"]},
     ["お客様が見つかりません。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:00", "menu_ids": ["x"]},
     ["指定されたメニューが見つかりません。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:00", "menu_ids": ["{cut}"],
      "channel": "SITE"}, ["選択肢が正しくありません。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:30", "menu_ids": ["{cut}"],
      "staff_member_id": "{takahashi}"}, ["担当スタッフはこの時間帯に別の予約があります（山田 花子様・お客様番号 "]),
])
async def test_bad_create_forms_show_the_message_and_write_nothing(staff, salon, db, form, messages):
    values = {"plain": str(salon["plain"].id), "tomorrow": TOMORROW.isoformat(), "cut": str(salon["cut"].id),
              "takahashi": str(salon["takahashi"].id)}

    def fill(value):
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value.format(**values) if "{" in value else value

    before = await count_rows(db, Reservation)
    response = await staff.submit("/admin/reservation/create", {k: fill(v) for k, v in form.items()})
    assert response.status_code == 400
    for message in messages:
        assert message in response.text
    assert await count_rows(db, Reservation) == before


def feedback_under(page: str, field: str) -> list[str]:
    """The error messages shown under one form field."""
    block = re.search(rf'id="{field}".*?(?=<div class="mb-3|<div class="form-group|$)', page, re.S)
    return re.findall(r'<div class="invalid-feedback">(.*?)</div>', block.group(0) if block else "", re.S)


async def test_every_problem_of_a_form_at_once_each_on_its_field(staff, salon, db):
    """A blacklisted customer, a stylist already booked then and no start time: three problems, one
    answer; the clash is under 担当スタッフ (not 予約日) and names the reservation it clashes with."""
    caution = salon["caution"]
    before = await count_rows(db, Reservation)
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["listed"].id), "start_date": TOMORROW.isoformat(), "start_time": "10:30",
        "staff_member_id": str(salon["takahashi"].id), "menu_ids": [str(salon["cut"].id)], "channel": "PHONE"})
    assert response.status_code == 400
    clash = (f"担当スタッフはこの時間帯に別の予約があります（山田 花子様・お客様番号 {caution.customer_no}、"
             f"{TOMORROW:%Y/%m/%d} 10:00〜11:00）。")
    assert feedback_under(response.text, "staff_member_id") == [clash]
    assert feedback_under(response.text, "start_date") == []
    assert response.text.count("ブラックリストに登録されているため予約できません") == 1
    assert await count_rows(db, Reservation) == before

    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["plain"].id), "start_date": TOMORROW.isoformat(), "start_time": "25:00",
        "staff_member_id": str(salon["takahashi"].id), "menu_ids": ["x"], "channel": "PHONE"})
    assert feedback_under(response.text, "start_time") == ["開始時刻の形式が正しくありません（例: 10:30）。"]
    assert feedback_under(response.text, "menu_ids") == ["指定されたメニューが見つかりません。"]
    assert await count_rows(db, Reservation) == before


async def test_a_reschedule_onto_a_busy_stylist_names_the_clash_under_the_stylist(staff, salon, db):
    async with db.transaction() as session:
        other = Reservation(customer_id=salon["plain"].id, staff_member_id=salon["sato"].id,
                            start_at=salon["booked"].start_at, end_at=salon["booked"].end_at,
                            channel=ReservationChannel.PHONE, status=ReservationStatus.BOOKED)
        session.add(other)
    response = await staff.submit(f"/admin/reservation/edit/{salon['booked'].id}", {
        "start_date": TOMORROW.isoformat(), "start_time": "10:00", "staff_member_id": str(salon["sato"].id),
        "menu_ids": [str(salon["cut"].id)]})
    assert response.status_code == 400
    assert feedback_under(response.text, "staff_member_id") == [
        f"担当スタッフはこの時間帯に別の予約があります（青木 花子様・お客様番号 {salon['plain'].customer_no}、"
        f"{TOMORROW:%Y/%m/%d} 10:00〜11:00）。"]
    async with db.sessionmaker() as session:
        assert (await session.get(Reservation, salon["booked"].id)).staff_member_id == salon["takahashi"].id


async def test_reschedule_through_the_service(staff, salon, db):
    booked = salon["booked"]
    page = await staff.get(f"/admin/reservation/edit/{booked.id}")
    assert page.status_code == 200 and 'value="10:00"' in page.text
    response = await staff.submit(f"/admin/reservation/edit/{booked.id}", {
        "start_date": TOMORROW.isoformat(), "start_time": "16:30", "staff_member_id": str(salon["sato"].id),
        "menu_ids": [str(salon["color"].id)]})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        r = await session.get(Reservation, booked.id)
    assert r.start_at.astimezone(JST).strftime("%H:%M") == "16:30" and r.staff_member_id == salon["sato"].id
    response = await staff.submit(f"/admin/reservation/edit/{booked.id}", {
        "start_date": "", "start_time": "16:30", "menu_ids": [str(salon["color"].id)]})
    assert response.status_code == 400 and "予約日を入力してください。" in response.text


async def test_details_read_in_front_desk_order_with_yes_no_in_words(staff, salon):
    page = await staff.get(f"/admin/reservation/details/{salon['booked'].id}")
    assert page.status_code == 200
    labels = re.findall(r"<tr>\s*<td>([^<]+)</td>", page.text)
    wanted = ["お客様", "開始日時", "終了日時", "担当スタッフ", "メニュー", "予約ステータス", "キャンセル区分",
              "直前キャンセル", "キャンセル料(円)", "キャンセル料支払日時", "キャンセル料受領者",
              "キャンセル料取消日時", "登録者", "ID"]
    assert [label for label in labels if label in wanted] == wanted, labels
    assert re.search(r"<td>直前キャンセル</td>\s*<td>\s*いいえ\s*</td>", page.text)
    assert "fa-times" not in page.text.split("<tbody>", 1)[1]


async def test_status_changes_are_csrf_posts(staff, salon, db):
    booked = salon["booked"]
    page = await staff.get(f"/admin/reservation/details/{booked.id}")
    assert "お客様都合でキャンセル" in page.text and "店舗都合でキャンセル" in page.text
    url = f"/admin/reservation/status/{booked.id}"
    assert (await staff.get(url)).status_code == 405
    assert (await staff.http.post(url, data={"operation": "cancel_by_store"})).status_code == 403
    response = await staff.http.post(url, data={"operation": "explode", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400 and "操作が正しくありません。" in response.text
    response = await staff.http.post(url, data={"operation": "cancel_by_store", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    async with db.sessionmaker() as session:
        assert (await session.get(Reservation, booked.id)).status == ReservationStatus.CANCELLED
    response = await staff.http.post(url, data={"operation": "visited", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400  # a cancelled reservation is not visited: the service's message
    assert "予約に戻る" in response.text


async def test_cancellation_fee_list_waives_by_post(manager, salon, db):
    owing = salon["owing"]
    page = await manager.get("/admin/cancellation-fee/list")
    assert page.status_code == 200
    assert "2,750円" in page.text and "取り消す" in page.text
    assert f'action="http://testserver/admin/cancellation-fee/fee/{owing.id}"' in page.text
    url = f"/admin/cancellation-fee/fee/{owing.id}"
    assert (await manager.get(url)).status_code == 405
    assert (await manager.http.post(url, data={"operation": "waive"})).status_code == 403
    response = await manager.http.post(url, data={"operation": "waive", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    async with db.sessionmaker() as session:
        r = await session.get(Reservation, owing.id)
    assert r.cancel_fee_waived_at is not None and r.status == ReservationStatus.CANCELLED
    page = await manager.get("/admin/cancellation-fee/list")
    assert "2,750円を取り消しました" in page.text  # the message, once
    assert "2,750円" not in page.text.split("<tbody>")[1]
    page = await manager.get("/admin/cancellation-fee/list", params={"state": "waived"})
    assert "2,750円" in page.text and "取り消し済み" in page.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    response = await manager.http.post(url, data={"operation": "waive", "csrf_token": token})
    assert response.status_code == 400  # already waived: the service refuses, the page says why


async def test_each_problem_is_shown_under_its_field(staff, salon):
    response = await staff.submit("/admin/reservation/create", {"customer": str(salon["plain"].id)})
    assert response.status_code == 400
    menus = response.text.split('for="menu_ids"')[1].split('<small class="text-muted">')[0]
    assert '<fieldset class="checkbox-list is-invalid"' in menus
    assert '<div class="invalid-feedback">メニューを1つ以上選んでください。</div>' in menus
    assert not re.search(r'<input[^>]*\brequired\b', response.text)  # no English browser bubble


async def _late_booking(db, salon) -> Reservation:
    """青木's cut, three hours from now: past the 24-hour deadline, a cancellation costs 50% of 5,500円."""
    from datetime import datetime

    from models import ReservationMenu

    start = datetime.now(JST).replace(second=0, microsecond=0) + timedelta(hours=3)
    async with db.transaction() as session:
        r = Reservation(customer_id=salon["plain"].id, start_at=start, end_at=start + timedelta(hours=1),
                        channel=ReservationChannel.PHONE, status=ReservationStatus.BOOKED,
                        items=[ReservationMenu(menu_id=salon["cut"].id, price=5500)])
        session.add(r)
    return r


def _booking_words(r: Reservation) -> str:
    start, end = r.start_at.astimezone(JST), r.end_at.astimezone(JST)
    return f"青木 花子様の予約（{start:%Y/%m/%d}（{'月火水木金土日'[start.weekday()]}）{start:%H:%M}〜{end:%H:%M}）"


async def test_a_late_cancellation_says_the_fee_before_and_what_happened_after(staff, salon, db):
    import html as html_lib

    r = await _late_booking(db, salon)
    details = html_lib.unescape((await staff.get(f"/admin/reservation/details/{r.id}")).text)
    question = re.search(r'data-confirm="([^"]*お客様都合でキャンセルします[^"]*)"', details).group(1)
    assert question.startswith(f"{_booking_words(r)}をお客様都合でキャンセルします。キャンセル期限（")
    assert question.endswith("を過ぎているため、キャンセル料 2,750円（直前キャンセル）が発生します。よろしいですか？")
    token = csrf_from(details)
    done = await staff.http.post(f"/admin/reservation/status/{r.id}",
                                 data={"csrf_token": token, "operation": "cancel_by_customer"})
    assert done.status_code == 303
    page = (await staff.get(done.headers["location"])).text
    assert f"{_booking_words(r)}をキャンセルしました。キャンセル料 2,750円が未払いです。" in page


async def test_waiving_and_taking_a_fee_name_the_customer_and_the_amount(manager, salon, db):
    import html as html_lib

    page = html_lib.unescape((await manager.get("/admin/cancellation-fee/list")).text)
    assert 'data-confirm="青木 花子様のキャンセル料 2,750円を取り消します。よろしいですか？"' in page
    assert 'data-confirm="青木 花子様のキャンセル料 2,750円を受領済みにします。よろしいですか？"' in page
    owing = salon["owing"]
    done = await manager.http.post(f"/admin/cancellation-fee/fee/{owing.id}",
                                   data={"csrf_token": csrf_from(page), "operation": "waive"})
    assert done.status_code == 303
    after = (await manager.get(done.headers["location"])).text
    assert f"青木 花子様のキャンセル料 2,750円を取り消しました（{_booking_words(owing)}）。" in after


async def test_the_reschedule_form_says_whose_booking_it_changes_and_offers_only_save(staff, salon):
    booked = salon["booked"]
    page = (await staff.get(f"/admin/reservation/edit/{booked.id}")).text
    start = booked.start_at.astimezone(JST)
    assert (f"山田 花子様（お客様番号 {salon['caution'].customer_no}）の予約 {start:%Y/%m/%d}"
            f"（{'月火水木金土日'[start.weekday()]}）10:00〜11:00 を変更します") in page
    assert "現在: 担当スタッフ 高橋・メニュー カット・予約中来店前" in page
    assert "保存してさらに追加" not in page and "Save and add another" not in page
    assert re.findall(r'<input type="submit" name="save" value="([^"]+)"', page) == ["保存"]


async def test_the_customer_picker_marks_caution_and_blacklisted_customers(staff, salon):
    """❗ with the memo (and as the tooltip), ⛔ for the blacklisted, each with the warning shown under
    the picker as soon as it is chosen; an ordinary customer carries neither."""
    found = {}
    for term in ("やまだ", "くろだ", "あおき"):
        response = await staff.get("/admin/reservation/ajax/lookup", params={"name": "customer", "term": term})
        assert response.status_code == 200
        (option,) = response.json()["results"]
        found[term] = option
    caution, listed, plain = found["やまだ"], found["くろだ"], found["あおき"]
    assert caution["text"] == f"❗ {salon['caution'].customer_no} 山田 花子（遅刻が多い）"
    assert caution["title"] == "遅刻が多い" and caution["warning"] == "❗ 要注意のお客様です。遅刻が多い"
    assert listed["text"] == f"⛔ {salon['listed'].customer_no} 黒田 花子" and listed["level"] == "danger"
    assert listed["warning"].startswith("⛔ このお客様はブラックリストに登録されているため予約できません")
    assert listed["warning"].endswith("メモ: 無断キャンセル3回")
    assert plain == {"id": str(salon["plain"].id), "text": f"{salon['plain'].customer_no} 青木 花子"}


async def test_a_tentative_booking_is_confirmed_from_its_page(staff, salon, db):
    """仮予約中 had no button on its page: the front desk could confirm it only through the API."""
    booked = salon["booked"]
    plain = await staff.get(f"/admin/reservation/details/{booked.id}")
    assert "仮予約を確定する" not in plain.text
    async with db.transaction() as session:
        (await session.get(Reservation, booked.id)).status = ReservationStatus.TENTATIVE
    page = await staff.get(f"/admin/reservation/details/{booked.id}")
    assert "仮予約を確定する" in page.text
    assert "を仮予約から確定します（予約中来店前になります）。よろしいですか？" in page.text
    response = await staff.http.post(f"/admin/reservation/status/{booked.id}",
                                     data={"operation": "confirm", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    async with db.sessionmaker() as session:
        assert (await session.get(Reservation, booked.id)).status == ReservationStatus.BOOKED
    after = await staff.get(response.headers["location"])
    assert "を確定しました（予約中来店前）。" in after.text
    again = await staff.http.post(f"/admin/reservation/status/{booked.id}",
                                  data={"operation": "confirm", "csrf_token": csrf_from(page.text)})
    assert again.status_code == 400 and "予約に戻る" in again.text  # the service's refusal, nothing written
    async with db.sessionmaker() as session:
        assert (await session.get(Reservation, booked.id)).status == ReservationStatus.BOOKED
