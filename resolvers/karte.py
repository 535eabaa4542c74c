"""カルテ queries and mutations: 営業報告 (services.sales_reports), 技術カルテ (services.karte) and
来店メモ (services.visit_memos), thin wrappers.

Staff only: a customer token is refused the lists and the mutations, and reads null for
``Reservation.salesReport`` and the customer's karte lists.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import KarteCategory as KarteCategoryModel
from models import SalesReport as SalesReportModel
from resolvers.access import id_or_not_found, staff_reader, to_int
from resolvers.errors import graphql_error, invalid_argument
from resolvers.mutation import mutate
from resolvers.pagination import list_page, lookup
from resolvers.runtime.context import Info
from schema.inputs.karte import (
    AddKarteEntryInput,
    AddVisitMemoInput,
    CreateSalesReportInput,
    RemoveKarteEntryInput,
    SalesReportFilterInput,
    UpdateKarteEntryInput,
    UpdateSalesReportInput,
    UpdateVisitMemoInput,
)
from schema.payloads.karte import KarteEntryPayload, RemoveKarteEntryPayload, SalesReportPayload, VisitMemoPayload
from schema.types.karte import KarteCategoryConnection, SalesReport, SalesReportConnection
from services import karte, sales_reports, visit_memos
from services.actor import Actor
from services.errors import DomainError
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")
_TEXTS = ("treatment", "customer_request", "next_proposal", "products_sold", "amount_yen")


def _report_data(input: Any) -> dict[str, Any]:
    """The fields the input gives (an update leaves out what it does not name)."""
    data = {key: getattr(input, key) for key in _TEXTS if getattr(input, key) is not strawberry.UNSET}
    if input.staff_id is not strawberry.UNSET:
        data["staff_member_id"] = (None if input.staff_id is None
                                   else id_or_not_found(input.staff_id, "スタッフ", "staff_id"))
    return data


#: Id fields of the karte inputs: (input attribute, service key, what, error field).
_VISIT_IDS = (("staff_id", "staff_member_id", "スタッフ", "staff_id"),
              ("reservation_id", "reservation_id", "予約", "reservation_id"),
              ("category_id", "category_id", "カルテ分類", "category_id"),
              ("detail_id", "detail_id", "カルテ詳細", "detail_id"))


def _visit_data(input: Any) -> dict[str, Any]:
    """The fields a karte entry or memo input gives (UNSET: left out), ids parsed."""
    data: dict[str, Any] = {}
    for key in ("visit_date", "text", "is_health_info"):
        value = getattr(input, key, strawberry.UNSET)
        if value is not strawberry.UNSET:
            data[key] = value
    for attribute, key, what, field in _VISIT_IDS:
        value = getattr(input, attribute, strawberry.UNSET)
        if value is not strawberry.UNSET:
            data[key] = None if value is None else id_or_not_found(value, what, field)
    return data


def _customer_id(value: strawberry.ID | None) -> int | None:
    return None if value is None else id_or_not_found(value, "お客様", "customer_id")


def _filter(f: SalesReportFilterInput) -> sales_reports.SalesReportFilter:
    customer_id = None
    if f.customer_id is not None:
        customer_id = to_int(f.customer_id)
        if customer_id is None:
            raise invalid_argument("customerId の形式が正しくありません。")
    return sales_reports.SalesReportFilter(name=f.name, date_from=f.date_from, date_to=f.date_to,
                                           customer_id=customer_id)


@strawberry.type
class KarteQuery:
    @strawberry.field(description="営業報告一覧 (sales reports by any part of the customer's name and/or a range "
                                  "of reservation days, newest reservation first; staff only)")
    async def sales_reports(
        self, info: Info,
        filter: Annotated[SalesReportFilterInput | None, strawberry.argument(description="絞り込み (filter)")] = None,
        first: Annotated[int | None, strawberry.argument(description="件数 (page size; default 50)")] = None,
        after: Annotated[str | None, strawberry.argument(description="このカーソルの次から (endCursor)")] = None,
    ) -> SalesReportConnection:
        staff_reader(info)
        try:
            query, parameters = sales_reports.sales_report_search(_filter(filter or SalesReportFilterInput()))
        except DomainError as exc:
            raise graphql_error(exc) from None
        return await list_page(info, SalesReportConnection, "SalesReport", query,
                               lambda: (query, sales_reports.ORDER), first=first, after=after,
                               parameters=parameters)

    @strawberry.field(description="営業報告 (a sales report by id; null when absent; staff only)")
    async def sales_report(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="営業報告ID")]
    ) -> SalesReport | None:
        staff_reader(info)
        report_id = to_int(id)
        if report_id is None:
            return None
        return await lookup(info, "SalesReport", SalesReportModel.id, report_id)

    @strawberry.field(description="カルテ分類一覧 (karte categories with their details and phrases, in display "
                                  "order: the masters a karte entry is chosen from; staff only)")
    async def karte_categories(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description="件数 (page size; default 50)")] = None,
        after: Annotated[str | None, strawberry.argument(description="このカーソルの次から (endCursor)")] = None,
    ) -> KarteCategoryConnection:
        staff_reader(info)
        return await list_page(info, KarteCategoryConnection, "KarteCategory", None,
                               lambda: (select(KarteCategoryModel),
                                        [KarteCategoryModel.sort_order, KarteCategoryModel.id]),
                               first=first, after=after)


@strawberry.type
class KarteMutation:
    @strawberry.mutation(description="営業報告の作成 (one per reservation: a second is refused with DUPLICATE; staff)")
    async def create_sales_report(
        self, info: Info, input: Annotated[CreateSalesReportInput, INPUT]
    ) -> SalesReportPayload:
        async def perform(session: AsyncSession, actor: Actor) -> SalesReportPayload:
            reservation_id = (None if input.reservation_id is None
                              else id_or_not_found(input.reservation_id, "予約", "reservation_id"))
            report = await sales_reports.create_sales_report(session, reservation_id, _report_data(input), actor)
            return SalesReportPayload(sales_report=report)

        return await mutate(info, SalesReportPayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="営業報告の変更 (staff)")
    async def update_sales_report(
        self, info: Info, input: Annotated[UpdateSalesReportInput, INPUT]
    ) -> SalesReportPayload:
        async def perform(session: AsyncSession, actor: Actor) -> SalesReportPayload:
            report_id = id_or_not_found(input.id, "営業報告", "id")
            report = await sales_reports.update_sales_report(session, report_id, _report_data(input), actor)
            return SalesReportPayload(sales_report=report)

        return await mutate(info, SalesReportPayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="技術カルテの追加 (copyFromId: 前回コピー, a copy of an earlier entry of the "
                                     "same customer, then the fields given; staff)")
    async def add_karte_entry(self, info: Info, input: Annotated[AddKarteEntryInput, INPUT]) -> KarteEntryPayload:
        async def perform(session: AsyncSession, actor: Actor) -> KarteEntryPayload:
            copy_from = None if input.copy_from_id is None else id_or_not_found(
                input.copy_from_id, "コピー元のカルテ", "copy_from_id")
            entry = await karte.add_karte_entry(session, _customer_id(input.customer_id), _visit_data(input), actor,
                                                copy_from_id=copy_from)
            return KarteEntryPayload(karte_entry=entry)

        return await mutate(info, KarteEntryPayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="技術カルテの変更 (staff)")
    async def update_karte_entry(self, info: Info, input: Annotated[UpdateKarteEntryInput, INPUT]
                                 ) -> KarteEntryPayload:
        async def perform(session: AsyncSession, actor: Actor) -> KarteEntryPayload:
            entry_id = id_or_not_found(input.id, "カルテ", "id")
            return KarteEntryPayload(karte_entry=await karte.update_karte_entry(session, entry_id,
                                                                                _visit_data(input), actor))

        return await mutate(info, KarteEntryPayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="技術カルテの削除 (staff)")
    async def remove_karte_entry(self, info: Info, input: Annotated[RemoveKarteEntryInput, INPUT]
                                 ) -> RemoveKarteEntryPayload:
        async def perform(session: AsyncSession, actor: Actor) -> RemoveKarteEntryPayload:
            entry_id = id_or_not_found(input.id, "カルテ", "id")
            await karte.remove_karte_entry(session, entry_id, actor)
            return RemoveKarteEntryPayload(removed_id=strawberry.ID(str(entry_id)))

        return await mutate(info, RemoveKarteEntryPayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="来店メモの追加 (staff)")
    async def add_visit_memo(self, info: Info, input: Annotated[AddVisitMemoInput, INPUT]) -> VisitMemoPayload:
        async def perform(session: AsyncSession, actor: Actor) -> VisitMemoPayload:
            memo = await visit_memos.add_visit_memo(session, _customer_id(input.customer_id), _visit_data(input),
                                                    actor)
            return VisitMemoPayload(visit_memo=memo)

        return await mutate(info, VisitMemoPayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="来店メモの変更 (staff)")
    async def update_visit_memo(self, info: Info, input: Annotated[UpdateVisitMemoInput, INPUT]
                                ) -> VisitMemoPayload:
        async def perform(session: AsyncSession, actor: Actor) -> VisitMemoPayload:
            memo_id = id_or_not_found(input.id, "来店メモ", "id")
            return VisitMemoPayload(visit_memo=await visit_memos.update_visit_memo(session, memo_id,
                                                                                   _visit_data(input), actor))

        return await mutate(info, VisitMemoPayload, perform, permission=Action.WRITE_KARTE)
