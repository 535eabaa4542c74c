"""importCustomers over HTTP: a GraphQL multipart upload, managers only, dry run then previewId."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import Customer, CustomerImport
from tests.import_files import hostile_files, xlsx
from tests.factories import count_rows

IMPORT = """
mutation Import($input: ImportCustomersInput!) {
  importCustomers(input: $input) {
    result { id dryRun needsMapping fileName successCount errorCount existingCount columnMapping
             rows { row outcome column message customerNo } }
    errors { field code message }
  }
}
"""
HEADERS = ["姓*", "名*", "電話番号", "メールアドレス"]
FILE = xlsx([HEADERS, ["山田", "花子", "090-1234-5678", ""], ["", "名だけ", "", ""],
             ["山田", "花子", "09012345678", ""]])


async def post_upload(client, token: str | None, data: bytes | None, name: str = "customers.xlsx", **fields):
    variables = {"input": {"file": None, **fields}}
    operations = {"query": IMPORT, "variables": variables}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if data is None:
        del variables["input"]["file"]
        return await client.post("/graphql", json=operations, headers=headers)
    return await client.post("/graphql", headers=headers, data={
        "operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, data, "application/octet-stream")})


async def test_manager_imports_a_file_and_every_row_is_classified(client, manager_token, db):
    response = await post_upload(client, manager_token, FILE)
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["importCustomers"]
    assert payload["errors"] == []
    result = payload["result"]
    assert (result["successCount"], result["errorCount"], result["existingCount"]) == (1, 1, 1)
    assert [(r["row"], r["outcome"]) for r in result["rows"]] == [
        (2, "SUCCESS"), (3, "DATA_ERROR"), (4, "ALREADY_EXISTS")]
    assert result["rows"][1]["column"] == "姓*" and result["rows"][1]["message"] == "姓を入力してください。"
    assert result["rows"][2]["customerNo"] == result["rows"][0]["customerNo"] != ""
    assert await count_rows(db) == 1


async def test_dry_run_then_preview_id_registers_it(client, manager_token, db):
    preview = (await post_upload(client, manager_token, FILE, dryRun=True)).json()["data"]["importCustomers"]
    assert preview["result"]["dryRun"] and await count_rows(db) == 0
    done = (await post_upload(client, manager_token, None, previewId=preview["result"]["id"])).json()
    result = done["data"]["importCustomers"]["result"]
    assert not result["dryRun"] and result["successCount"] == 1 and await count_rows(db) == 1
    again = (await post_upload(client, manager_token, None, previewId=preview["result"]["id"])).json()
    assert again["data"]["importCustomers"]["errors"][0]["code"] == "NOT_FOUND"


async def test_staff_and_anonymous_are_refused_and_nothing_is_written(client, staff_token, db):
    staff = (await post_upload(client, staff_token, FILE)).json()["data"]["importCustomers"]
    assert staff["errors"][0]["code"] == "PERMISSION_DENIED" and staff["result"] is None
    anonymous = (await post_upload(client, None, FILE)).json()["data"]["importCustomers"]
    assert anonymous["errors"][0]["code"] == "UNAUTHENTICATED"
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0


@pytest.mark.parametrize("kind", ["not a zip", "old xls", "csv renamed", "truncated", "zip bomb", "entities"])
async def test_hostile_files_are_user_errors_and_the_server_keeps_answering(client, manager_token, db, kind):
    name, data, fragment = hostile_files()[kind]
    response = await post_upload(client, manager_token, data, name)
    assert response.status_code == 200
    errors = response.json()["data"]["importCustomers"]["errors"]
    assert errors[0]["code"] in ("INVALID_FILE", "FILE_TOO_LARGE") and fragment in errors[0]["message"]
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0
    assert (await client.get("/healthz")).json()["status"] == "ok"


async def test_an_upload_over_the_limit_is_refused_before_parsing(client, manager_token, app):
    too_big = b"\0" * (app.state.settings.import_max_bytes + 200_000)
    response = await post_upload(client, manager_token, too_big)
    assert response.status_code == 413


async def test_a_plain_json_body_keeps_its_small_limit(client, manager_token):
    response = await client.post("/graphql", json={"query": "{ __typename }", "pad": "x" * 200_000})
    assert response.status_code == 413


@pytest.mark.parametrize("file", [1, "data.xlsx", {"name": "x"}])
async def test_a_file_sent_as_json_instead_of_an_upload_is_refused_clearly(client, manager_token, db, file):
    operations = {"query": IMPORT, "variables": {"input": {"file": file}}}
    response = await client.post("/graphql", json=operations, headers={"Authorization": f"Bearer {manager_token}"})

    assert response.status_code == 200
    assert response.json()["data"]["importCustomers"]["errors"] == [
        {"field": "file", "code": "INVALID", "message": "ファイルはmultipart形式のアップロードで送ってください。"}]
    assert await count_rows(db, CustomerImport) == 0


ROWS = """
mutation Import($input: ImportCustomersInput!) {
  importCustomers(input: $input) {
    result { successCount errorCount rows { row outcome column message name } }
    errors { field code message }
  }
}
"""
FORMULA = '=CONCATENATE("VIP","会員")'


async def test_a_formula_and_every_other_problem_of_a_row_come_back_with_its_name(client, manager_token, db):
    data = xlsx([["姓*", "名*", "電話番号", "性別", "備考"], ["山田", "花子", "12345", "不明な性", FORMULA],
                 ["佐藤", "一郎", "090-1111-2222", "男性", "メモ"]])
    operations = {"query": ROWS, "variables": {"input": {"file": None}}}
    response = await client.post("/graphql", headers={"Authorization": f"Bearer {manager_token}"}, data={
        "operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("customers.xlsx", data, "application/octet-stream")})
    payload = response.json()["data"]["importCustomers"]
    assert payload["errors"] == []
    bad = payload["result"]["rows"][0]
    assert (bad["row"], bad["outcome"], bad["name"]) == (2, "DATA_ERROR", "山田 花子")
    assert bad["column"] == "電話番号、性別、備考"
    assert "備考が数式のため取り込めません" in bad["message"] and "性別は" in bad["message"]
    assert "電話番号" in bad["message"]
    assert (payload["result"]["successCount"], payload["result"]["errorCount"]) == (1, 1)
    async with db.sessionmaker() as session:
        assert set((await session.scalars(select(Customer.last_name))).all()) == {"佐藤"}


@pytest.mark.parametrize("kind", ["random bytes", "one row over the limit"])
async def test_not_excel_and_too_many_rows_are_refused_in_japanese(client, manager_token, db, kind):
    from tests.import_files import NOT_EXCEL, RANDOM_BYTES, many_rows

    data, expected = {"random bytes": (RANDOM_BYTES, NOT_EXCEL),
                      "one row over the limit": (many_rows(100_001, declared=True), "行数が多すぎます（上限 100,000 行）。")}[kind]
    errors = (await post_upload(client, manager_token, data)).json()["data"]["importCustomers"]["errors"]
    assert errors[0]["code"] in ("INVALID_FILE", "FILE_TOO_LARGE") and errors[0]["message"].startswith(expected)
    assert "CSV" not in errors[0]["message"]
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0
