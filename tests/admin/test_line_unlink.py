"""「LINE連携を解除」 on a customer's page: a POST with the CSRF token, recorded by the service."""

from __future__ import annotations

from models import Customer
from tests.admin.helpers import csrf_from
from tests.graphql.test_line_link import LINE_A, LINK, profile


async def _customer(db, customer_id) -> Customer:
    async with db.sessionmaker() as s:
        return await s.get(Customer, int(customer_id))


async def test_the_customer_page_unlinks_with_a_post(staff, gql, db, site_secret):
    linked = (await gql(LINK, {"input": profile()}, site=site_secret))["linkLineAccount"]["customer"]
    page = await staff.get(f"/admin/customer/details/{linked['id']}")
    assert page.status_code == 200 and "LINE連携を解除" in page.text and LINE_A in page.text

    assert (await staff.get(f"/admin/customer/{linked['id']}/unlink-line")).status_code == 405
    response = await staff.http.post(f"/admin/customer/{linked['id']}/unlink-line",
                                     data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert (await _customer(db, linked["id"])).line_user_id is None
    after = await staff.get(f"/admin/customer/details/{linked['id']}")
    assert "未連携" in after.text and "LINE連携を解除" not in after.text
    again = await staff.http.post(f"/admin/customer/{linked['id']}/unlink-line",
                                  data={"csrf_token": csrf_from(after.text)})
    assert again.status_code == 400 and "LINE連携していません" in again.text
