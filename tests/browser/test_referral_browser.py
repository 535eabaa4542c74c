"""紹介 on a customer's details page in Chromium at 1366 and 820 px: a link added from one customer's
page shows on the other's with its memo, and the memo is changed in place.

Screenshots: test-artifacts/screenshots/referral-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def _graphql(page, server, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = page.request.post(f"{server.url}/graphql", data={"query": query, "variables": variables},
                                 headers=headers)
    body = response.json()
    assert response.ok and not body.get("errors"), body
    return body["data"]


def test_a_referral_on_both_pages(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"referral-{width}-{name}"  # noqa: E731
    token = _graphql(page, server, "mutation($l: String!, $p: String!) { login(input: {loginId: $l, password: $p})"
                     " { token } }", {"l": server.login_id, "p": server.password})["login"]["token"]
    register = """mutation($input: RegisterPhoneCustomerInput!) { registerPhoneCustomer(input: $input) {
        customer { id customerNo } errors { message } } }"""
    referrer = _graphql(page, server, register, {"input": {"lastName": "紹介", "firstName": f"元{width}",
                                                           "phone": f"0907777{width:04d}"}}, token)
    referred = _graphql(page, server, register, {"input": {"lastName": "新規", "firstName": f"客{width}",
                                                           "phone": f"0908888{width:04d}"}}, token)
    a = referrer["registerPhoneCustomer"]["customer"]
    b = referred["registerPhoneCustomer"]["customer"]
    log_in(page, server)

    page.goto(f"/admin/customer/details/{b['id']}")
    form = page.get_by_test_id("referral-add")
    form.locator("select[name=direction]").select_option("referred_this")
    form.locator("input[name=customer_no]").fill(a["customerNo"])
    form.locator("input[name=memo]").fill("初回20%引き")
    form.get_by_role("button", name="紹介を登録").click()
    expect(page.get_by_text(f"{a['customerNo']} 紹介 元{width}")).to_be_visible()
    shot(page, n("01-referred-page"))

    page.goto(f"/admin/customer/details/{a['id']}")
    link = page.locator("[data-testid^=referral-]", has_text=b["customerNo"])
    expect(link.locator("input[name=memo]")).to_have_value("初回20%引き")
    link.locator("input[name=memo]").fill("紹介者にも10%引き")
    link.get_by_role("button", name="メモを保存").click()
    expect(page.locator("[data-testid^=referral-]", has_text=b["customerNo"]).locator("input[name=memo]")) \
        .to_have_value("紹介者にも10%引き")
    page.get_by_text("紹介者（このお客様を紹介した人）").scroll_into_view_if_needed()
    shot(page, n("02-referrer-page"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
