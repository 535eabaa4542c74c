"""Input of importCustomers (a multipart upload, SPEC §10)."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload


@strawberry.input(description="顧客の一括登録 (bulk registration from an .xlsx or .csv; managers only)")
class ImportCustomersInput:
    file: Upload | None = strawberry.field(
        default=None,
        description="ファイル (.xlsx or .csv, sent as a GraphQL multipart request; omit with previewId)",
    )
    dry_run: bool = strawberry.field(
        default=False, description="確認のみ (classify every row, write nothing; keeps the file for previewId)")
    preview_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="登録する: the id of a dry run; imports its file only if every row ends as it showed",
    )
    encoding: str | None = strawberry.field(
        default=None, description="CSVの文字コード: auto (default), utf-8 or shift_jis (CP932)")
    column_mapping: list[str] | None = strawberry.field(
        default=None,
        description="列の対応: one target per file column (customer field keys such as "
        "last_name, phone, full_name, free_item:<id>; empty string = not imported). Saved for files with "
        "the same headers; omitted = the saved or suggested mapping",
    )
