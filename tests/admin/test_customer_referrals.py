"""紹介 on a customer's page: added by the other お客様番号 from either side, shown on both pages
with its memo, the memo changed and the link removed with POSTs; refusals said on the page."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, Referral
from tests.admin.helpers import csrf_from
from tests.factories import add_customer, count_rows


async def test_a_referral_from_one_page_shows_on_both(staff, db):
    a = await add_customer(db, last_name="紹介者", first_name="花子")
    b = await add_customer(db, last_name="新規", first_name="太郎")
    page = await staff.get(f"/admin/customer/details/{b.id}")
    assert page.status_code == 200 and "紹介を登録" in page.text

    added = await staff.http.post(f"/admin/customer/{b.id}/referrals", data={
        "csrf_token": csrf_from(page.text), "direction": "referred_this", "customer_no": a.customer_no,
        "memo": "初回20%引き"})
    assert added.status_code == 303
    async with db.sessionmaker() as s:
        link = await s.scalar(select(Referral))
    assert (link.referrer_id, link.referred_id, link.memo) == (a.id, b.id, "初回20%引き")
    for customer, other in ((a, b), (b, a)):
        shown = await staff.get(f"/admin/customer/details/{customer.id}")
        assert f"{other.customer_no} {other.full_name}" in shown.text and "初回20%引き" in shown.text

    shown = await staff.get(f"/admin/customer/details/{a.id}")
    memo = await staff.http.post(f"/admin/customer/{a.id}/referrals/{link.id}/memo",
                                 data={"csrf_token": csrf_from(shown.text), "memo": "紹介者にも10%引き"})
    assert memo.status_code == 303
    assert "紹介者にも10%引き" in (await staff.get(f"/admin/customer/details/{b.id}")).text

    removed = await staff.http.post(f"/admin/customer/{a.id}/referrals/{link.id}/remove",
                                    data={"csrf_token": csrf_from(shown.text)})
    assert removed.status_code == 303 and await count_rows(db, Referral) == 0
    assert await count_rows(db, AuditLog, AuditLog.entity == "referral") == 3


async def test_refusals_are_said_and_nothing_is_written(staff, db):
    a = await add_customer(db)
    b = await add_customer(db)
    page = await staff.get(f"/admin/customer/details/{a.id}")
    token = csrf_from(page.text)
    first = await staff.http.post(f"/admin/customer/{a.id}/referrals", data={
        "csrf_token": token, "direction": "referred_other", "customer_no": b.customer_no})
    assert first.status_code == 303
    before = await count_rows(db, Referral), await count_rows(db, AuditLog)
    for form, message in (({"customer_no": a.customer_no}, "ご本人を紹介者にはできません。"),
                          ({"customer_no": b.customer_no, "direction": "referred_this"}, "すでに登録されています"),
                          ({"customer_no": "NOPE999"}, "お客様番号「NOPE999」のお客様が見つかりません。"),
                          ({"customer_no": ""}, "相手のお客様番号を入力してください。"),
                          ({"customer_no": b.customer_no, "memo": "x" * 1001}, "1000文字以内")):
        refused = await staff.http.post(f"/admin/customer/{a.id}/referrals",
                                        data={"csrf_token": token, "direction": "referred_other", **form})
        assert refused.status_code in (400, 404) and message in refused.text, (form, refused.text[-2000:])
    assert (await count_rows(db, Referral), await count_rows(db, AuditLog)) == before
    assert (await staff.get(f"/admin/customer/{a.id}/referrals")).status_code == 405
