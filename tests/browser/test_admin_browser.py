"""A salon's day in Chromium: log in to /admin, find and register customers, then query GraphiQL.

The server is the real one (see conftest.py); one customer is registered through GraphQL
beforehand, as the staff app would. Each step leaves a screenshot in
test-artifacts/screenshots/. No request may leave 127.0.0.1 (checked by the ``page`` fixture).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page, expect

from services.errors import DomainError
from services.normalize import normalize_phone

CUSTOMERS = "/admin/customer/list"
NEW_CUSTOMER = "/admin/customer/create"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token errors { field code message } }
}
"""
CREATE_CUSTOMER = """
mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id customerNo fullName } errors { field code message } }
}
"""
GRAPHIQL_QUERY = """query FindSakura {
  customers(filter: {name: "さくら"}) {
    totalCount
    edges { node { customerNo fullName phone } }
  }
}"""

SEEDED = {
    "lastName": "佐倉", "firstName": "美咲", "lastNameKana": "サクラ", "firstNameKana": "ミサキ",
    "phone": "090-1111-2222", "email": "sakura.misaki@example.jp",
}
BAD_PHONE = "0120-12"


def _bad_phone_message() -> str:
    """The message the customer service gives for a malformed phone number."""
    with pytest.raises(DomainError) as caught:
        normalize_phone(BAD_PHONE)
    return caught.value.errors[0].message


@dataclass(frozen=True)
class Seeded:
    token: str
    customer_no: str


def _graphql(server, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{server.url}/graphql", json={"query": query, "variables": variables},
                          headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


@pytest.fixture(scope="module")
def seeded(server) -> Seeded:
    """A manager token and one customer registered through GraphQL (as the staff app would)."""
    login = _graphql(server, LOGIN, {"input": {"loginId": server.login_id, "password": server.password}})
    assert login["login"]["errors"] == [] and login["login"]["token"], login
    token = login["login"]["token"]
    created = _graphql(server, CREATE_CUSTOMER, {"input": SEEDED}, token)["createCustomer"]
    assert created["errors"] == [], created["errors"]
    return Seeded(token=token, customer_no=created["customer"]["customerNo"])


def _log_in(page: Page, server, shot=None) -> None:
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    page.fill("input[name=username]", server.login_id)
    page.fill("input[name=password]", server.password)
    if shot:
        shot(page, "01-login-form")
    page.get_by_role("button", name="ログイン").click()
    expect(page).not_to_have_url(re.compile(r"/admin/login"))


def _rows(page: Page):
    return page.locator("table tbody tr")


def test_wrong_password_is_refused_in_japanese(page: Page, server, shot) -> None:
    page.goto("/admin/login")
    page.fill("input[name=username]", server.login_id)
    page.fill("input[name=password]", "wrong-password")
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_text("ログインIDまたはパスワードが正しくありません。").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/login"))
    shot(page, "02-login-refused")


def test_staff_finds_and_registers_customers(page: Page, server, seeded: Seeded, shot) -> None:
    # Given a manager logged in to the back office
    _log_in(page, server, shot)
    expect(page.locator("body")).to_contain_text("サロン顧客管理")
    shot(page, "03-admin-home")

    # When she searches the customer list in hiragana for a customer registered in katakana
    page.goto(CUSTOMERS)
    page.fill("#search-input", "さくら")
    page.click("#search-button")

    # Then the customer is found (kana-insensitive search)
    expect(page).to_have_url(re.compile(r"search="))
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text("佐倉")
    expect(_rows(page).first).to_contain_text(seeded.customer_no)
    shot(page, "04-customer-search")

    # When she registers a customer with a malformed phone number
    page.goto(NEW_CUSTOMER)
    page.fill("#last_name", "山田")
    page.fill("#first_name", "花子")
    page.fill("#last_name_kana", "やまだ")  # hiragana: converted by the service
    page.fill("#first_name_kana", "ﾊﾅｺ")  # half-width: converted too
    page.fill("#phone", BAD_PHONE)
    page.fill("#email", "hanako.yamada@example.jp")
    page.locator("input[type=submit][name=save]").first.click()

    # Then the form comes back with the service's Japanese message, and nothing is saved
    expect(page.get_by_text(_bad_phone_message()).first).to_be_visible()
    expect(page.locator("#last_name")).to_have_value("山田")
    shot(page, "05-customer-bad-phone")

    # When she corrects the phone number (full-width digits are fine) and saves
    page.fill("#phone", "０８０−３３３３−４４４４")
    page.locator("input[type=submit][name=save]").first.click()
    expect(page).not_to_have_url(re.compile(r"/create"))

    # Then the customer is in the list, with normalised kana and phone
    page.goto(f"{CUSTOMERS}?search=やまだ")
    expect(_rows(page)).to_have_count(1)
    row = _rows(page).first
    expect(row).to_contain_text("山田")
    expect(row).to_contain_text("ヤマダ ハナコ")
    expect(row).to_contain_text("080-3333-4444")
    shot(page, "06-customer-created")

    page.goto(CUSTOMERS)
    expect(_rows(page)).to_have_count(2)
    shot(page, "07-customer-list")


def test_graphiql_runs_a_query_offline(page: Page, seeded: Seeded, shot) -> None:
    # Given GraphiQL opened in the browser (its scripts are served by the app)
    page.goto("/graphql")
    query_editor = page.locator(".graphiql-query-editor .CodeMirror").first
    expect(query_editor).to_be_visible()
    shot(page, "08-graphiql-opened")

    # When a frontend developer types a query and her token in the headers editor
    query_editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(GRAPHIQL_QUERY)
    headers_tab = page.get_by_role("button", name=re.compile("^Headers$"))
    if headers_tab.count():
        headers_tab.first.click()
    headers_editor = page.locator(".graphiql-editor-tool .CodeMirror").last
    headers_editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {seeded.token}"}, indent=2))
    shot(page, "09-graphiql-query")
    page.locator(".graphiql-execute-button").click()

    # Then the result pane shows the customer
    result = page.locator(".graphiql-response")
    expect(result).to_contain_text('"totalCount": 1', timeout=15_000)
    expect(result).to_contain_text("佐倉 美咲")
    expect(result).to_contain_text(seeded.customer_no)
    shot(page, "10-graphiql-result")
