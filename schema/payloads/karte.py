"""Payloads of the karte mutations: the result (null on failure) and ``errors``."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.karte import KarteEntry, SalesReport, VisitMemo


@strawberry.type(description="営業報告の作成・変更の結果 (createSalesReport / updateSalesReport result)")
class SalesReportPayload:
    sales_report: SalesReport | None = strawberry.field(default=None, description="営業報告 (the report)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="技術カルテの追加・変更の結果 (addKarteEntry / updateKarteEntry result)")
class KarteEntryPayload:
    karte_entry: KarteEntry | None = strawberry.field(default=None, description="技術カルテ (the entry)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="技術カルテの削除の結果 (removeKarteEntry result)")
class RemoveKarteEntryPayload:
    removed_id: strawberry.ID | None = strawberry.field(default=None, description="削除したカルテのID")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="来店メモの追加・変更の結果 (addVisitMemo / updateVisitMemo result)")
class VisitMemoPayload:
    visit_memo: VisitMemo | None = strawberry.field(default=None, description="来店メモ (the memo)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
