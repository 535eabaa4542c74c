"""Payload of importCustomers: the import's counts and its per-row results."""

from __future__ import annotations

import enum

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from services import customer_import as importer

MAX_ROWS_PER_PAGE = 1000


@strawberry.enum(description="行の取り込み結果 (how one row ended)")
class ImportOutcome(enum.Enum):
    SUCCESS = strawberry.enum_value(importer.SUCCESS, description="成功 (a customer was created)")
    DATA_ERROR = strawberry.enum_value(importer.ERROR, description="データエラー (row number, column, reason)")
    ALREADY_EXISTS = strawberry.enum_value(
        importer.EXISTING, description="すでに存在する顧客 (same phone or e-mail as a customer or an earlier row)")


@strawberry.type(description="1行の取り込み結果 (one row's result)")
class ImportRowResult:
    row: int = strawberry.field(description="行番号 (the spreadsheet row / CSV record number)")
    outcome: ImportOutcome = strawberry.field(description="結果 (outcome)")
    column: str = strawberry.field(description="列 (the column(s) at fault, as headed in the file)")
    message: str = strawberry.field(description="内容 (Japanese reason)")
    customer_no: str = strawberry.field(description="お客様番号 (created, or the existing customer's)")
    name: str = strawberry.field(description="氏名 (as cleaned; on a data error, as typed in the file)")


@strawberry.type(description="一括登録の結果 (result of an import or a dry run)")
class CustomerImportResult:
    id: strawberry.ID = strawberry.field(description="取り込みID (a dry run's id is the previewId to register it)")
    dry_run: bool = strawberry.field(description="確認のみ (nothing was written)")
    needs_mapping: bool = strawberry.field(
        description="列の対応が未確認 (a CSV layout seen for the first time: only a dry run was made)")
    file_name: str = strawberry.field(description="ファイル名")
    file_sha256: str = strawberry.field(description="ファイルのハッシュ (SHA-256)")
    encoding: str | None = strawberry.field(description="文字コード (CSV only)")
    headers: list[str] = strawberry.field(description="見出し (the file's header row)")
    column_mapping: list[str] = strawberry.field(description="列の対応 (target per column; empty = ignored)")
    success_count: int = strawberry.field(description="成功")
    error_count: int = strawberry.field(description="データエラー")
    existing_count: int = strawberry.field(description="すでに存在する顧客")
    report: strawberry.Private[importer.ImportReport]

    @strawberry.field(description="行ごとの結果 (per-row results, in file order; at most 1000 per call)")
    def rows(self, outcome: ImportOutcome | None = None, first: int = 200, offset: int = 0) -> list[ImportRowResult]:
        first = max(0, min(first, MAX_ROWS_PER_PAGE))
        offset = max(0, offset)
        selected = [r for r in self.report.results if outcome is None or r.outcome == outcome.value]
        return [ImportRowResult(row=r.row, outcome=ImportOutcome(r.outcome), column=r.column, message=r.message,
                                customer_no=r.customer_no, name=r.name)
                for r in selected[offset:offset + first]]

    @classmethod
    def of(cls, report: importer.ImportReport) -> CustomerImportResult:
        return cls(id=strawberry.ID(str(report.import_id)), dry_run=report.status.value == "PREVIEW",
                   needs_mapping=report.needs_mapping, file_name=report.file_name, file_sha256=report.sha256,
                   encoding=report.encoding, headers=report.headers, column_mapping=report.mapping,
                   success_count=report.success_count, error_count=report.error_count,
                   existing_count=report.existing_count, report=report)


@strawberry.type(description="顧客の一括登録の結果 (importCustomers result)")
class ImportCustomersPayload:
    result: CustomerImportResult | None = strawberry.field(default=None, description="結果 (null on a file error)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
