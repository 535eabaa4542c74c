"""退会者 in Chromium at 1366 and 820 px, with a customer who really withdrew: a manager issues a site
credential in the admin (サイト連携キー, the secret shown once), the site links a LINE account, gets
the customer's token, and the customer withdraws; the 退会者 list then shows the number, name, LINE
name, e-mail, phone, inflow routes, reason and date, the reason and the date in view at 1366 px.

Screenshots: test-artifacts/screenshots/withdrawal-<width>-NN-*.png (look at them).
"""

from __future__ import annotations


from playwright.sync_api import expect

from tests.browser.conftest import log_in

REASON = "引っ越しで通えなくなったため。長い間ありがとうございました。スタッフの皆さんによろしくお伝えください。"


def _graphql(page, server, query: str, variables: dict, authorization: str) -> dict:
    response = page.request.post(f"{server.url}/graphql", data={"query": query, "variables": variables},
                                 headers={"Authorization": authorization})
    assert response.ok, response.text()
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def test_a_withdrawn_customer_on_the_list(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"withdrawal-{width}-{name}"  # noqa: E731
    log_in(page, server)

    page.goto("/admin/api-client/list")
    page.get_by_test_id("new-api-client").click()
    page.fill("[name=name]", f"予約サイト {width}")
    page.get_by_role("button", name="発行する").click()
    secret = page.get_by_test_id("api-client-secret").input_value()
    assert secret.startswith("slk_")
    shot(page, n("01-key-shown-once"))
    page.goto("/admin/api-client/list")
    expect(page.locator("tbody tr", has_text=f"予約サイト {width}")).to_contain_text("有効")
    shot(page, n("02-keys"))

    site = f"ApiClient {secret}"
    line_id = "U" + f"{width:032x}"
    linked = _graphql(page, server, """mutation($input: LinkLineAccountInput!) { linkLineAccount(input: $input) {
        customer { id customerNo } errors { message } } }""",
                      {"input": {"lineUserId": line_id, "displayName": "はなこ🌸", "lastName": "退会",
                                 "firstName": f"花子{width}", "email": f"taikai{width}@example.jp"}}, site)
    customer = linked["linkLineAccount"]["customer"]
    token = _graphql(page, server, "mutation($id: ID!) { issueCustomerToken(input: {customerId: $id}) { token } }",
                     {"id": customer["id"]}, site)["issueCustomerToken"]["token"]
    done = _graphql(page, server, """mutation($input: WithdrawInput!) { withdraw(input: $input) {
        withdrawnAt errors { message } } }""", {"input": {"reason": REASON}}, f"Bearer {token}")
    assert done["withdraw"]["errors"] == []

    page.goto("/admin/withdrawal/list")
    expect(page.get_by_role("heading", name="退会者").first).to_be_visible()
    row = page.locator("tbody tr", has_text=customer["customerNo"])
    expect(row).to_contain_text(f"退会 花子{width}")
    expect(row).to_contain_text("はなこ🌸")
    expect(row).to_contain_text(REASON)
    for label in ("お客様番号", "姓名", "LINE名", "メールアドレス", "電話番号", "流入経路", "退会理由", "退会日"):
        expect(page.locator("thead")).to_contain_text(label)
    shot(page, n("03-withdrawn-list"))

    # The page never scrolls sideways; at the desk's 1366 px the reason and the date are in view.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if width == 1366:
        for cell in (row.get_by_text(REASON), row.locator("td").last):
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box

    # The customer is gone from the customer list and its search.
    page.goto(f"/admin/customer/list?search={customer['customerNo']}")
    expect(page.locator("tbody tr", has_text=f"退会 花子{width}")).to_have_count(0)
    shot(page, n("04-customer-search-empty"))
