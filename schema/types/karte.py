"""カルテ: 営業報告 (sales reports), 技術カルテ (karte entries) and their masters, 来店メモ (visit memos).

Staff only: a customer token never reaches these types (``CUSTOMER_READS``), and the customer's
``salesReports`` / ``karteEntries`` / ``visitMemos`` read null for it. A karte entry or memo marked
as health information (要配慮個人情報) is written to the audit log each time it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import GraphQLError

import models
from resolvers.runtime import selection
from resolvers.runtime.context import Info
from resolvers.runtime.fields import derived, link
from resolvers.runtime.loaders import Loaders
from resolvers.runtime.prefetch import prefetch_together
from resolvers.runtime.rows import ColumnMap
from schema.generate import model_type
from schema.relay import Connection, Edge, PageInfo, decode_cursor, encode_cursor
from schema.types.catalog import StaffMember
from services.audit import AuditEntity
from services.karte import record_health_reads
from services.permissions import Action

if TYPE_CHECKING:
    from schema.types.customer import Customer
    from schema.types.reservation import Reservation

CustomerType = Annotated["Customer", strawberry.lazy("schema.types.customer")]
ReservationType = Annotated["Reservation", strawberry.lazy("schema.types.reservation")]

SALES_REPORT_COLUMNS = {
    "id": "identifier",
    "treatment": "what was done",
    "customer_request": "what the customer asked for",
    "next_proposal": "what to propose next time",
    "products_sold": "products sold",
    "amount_yen": "amount, yen",
    "created_at": "written at",
    "updated_at": "last changed at",
}
VISIT_COLUMNS = {
    "id": "identifier",
    "visit_date": "visit date",
    "text": "the text",
    "is_health_info": "health information (要配慮個人情報): staff only, every read audited",
    "created_at": "written at",
    "updated_at": "last changed at",
}

#: Columns each field reads besides ``id`` (a list reads only these, as Core rows).
SALES_REPORT_MAP = ColumnMap(models.SalesReport, {key: (key,) for key in SALES_REPORT_COLUMNS}, "SalesReport")
KARTE_ENTRY_MAP = ColumnMap(models.KarteEntry, {key: (key,) for key in VISIT_COLUMNS}, "KarteEntry")
VISIT_MEMO_MAP = ColumnMap(models.VisitMemo, {key: (key,) for key in VISIT_COLUMNS}, "VisitMemo")


@model_type(models.SalesReport, include=SALES_REPORT_COLUMNS,
            description="営業報告 (sales report: one per reservation, written by staff; staff only)")
class SalesReport:
    reservation: ReservationType = link(Loaders.reservation, "reservation_id", description="予約 (the reservation)")
    customer: CustomerType | None = link(Loaders.customer, "customer_id",
                                         description="お客様 (the customer; null for a walk-in guest)")
    staff: StaffMember | None = link(Loaders.staff_member, "staff_member_id",
                                     description="担当スタッフ (the stylist)")


@strawberry.type(name="SalesReportConnection", description="営業報告一覧 (a page of sales reports)")
class SalesReportConnection(Connection[SalesReport]):
    pass


@model_type(models.KarteDetail, include={"id": "identifier", "name": "name", "sort_order": "display order"},
            description="カルテ詳細 (a detail of a karte category, from the master)")
class KarteDetail:
    pass


@model_type(models.KartePhrase, include={"id": "identifier", "text": "the phrase", "sort_order": "display order"},
            description="カルテ参照項目 (a phrase staff start a karte text from, then edit)")
class KartePhrase:
    pass


@model_type(models.KarteCategory, include={"id": "identifier", "name": "name", "sort_order": "display order"},
            description="カルテ分類 (karte category, from the master)")
class KarteCategory:
    details: list[KarteDetail] = link(Loaders.details_by_karte_category,
                                      description="カルテ詳細 (its details, in display order)")
    phrases: list[KartePhrase] = link(Loaders.phrases_by_karte_category,
                                      description="カルテ参照項目 (its phrases, in display order)")


@strawberry.type(name="KarteCategoryConnection", description="カルテ分類一覧 (a page of karte categories)")
class KarteCategoryConnection(Connection[KarteCategory]):
    pass


def _id_of(column: str) -> Callable[[Any], strawberry.ID | None]:
    def value(row: Any) -> strawberry.ID | None:
        found = getattr(row, column)
        return None if found is None else strawberry.ID(str(found))

    return value


@model_type(models.KarteEntry, include=VISIT_COLUMNS,
            description="技術カルテ (karte entry of a visit date; staff only)")
class KarteEntry:
    category: KarteCategory | None = link(Loaders.karte_category, "category_id", description="カルテ分類 (category)")
    detail: KarteDetail | None = link(Loaders.karte_detail, "detail_id", description="カルテ詳細 (detail)")
    staff: StaffMember | None = link(Loaders.staff_member, "staff_member_id", description="担当スタッフ (stylist)")
    reservation: ReservationType | None = link(Loaders.reservation, "reservation_id",
                                               description="予約 (the visit's reservation, when chosen)")
    copied_from_id: strawberry.ID | None = derived(
        _id_of("copied_from_id"), columns=("copied_from_id",),
        description="コピー元 (the entry this one started as a copy of: 前回コピー)")


@strawberry.type(name="KarteEntryConnection", description="技術カルテ一覧 (a page of karte entries)")
class KarteEntryConnection(Connection[KarteEntry]):
    pass


@model_type(models.VisitMemo, include=VISIT_COLUMNS, description="来店メモ (visit memo; staff only)")
class VisitMemo:
    staff: StaffMember | None = link(Loaders.staff_member, "staff_member_id", description="担当スタッフ (stylist)")
    reservation: ReservationType | None = link(Loaders.reservation, "reservation_id",
                                               description="予約 (the visit's reservation, when chosen)")


@strawberry.type(name="VisitMemoConnection", description="来店メモ一覧 (a page of visit memos)")
class VisitMemoConnection(Connection[VisitMemo]):
    pass


#: Where signed-in staff fetch an image's JPEG (resolvers/karte_images.py; the admin serves it too).
IMAGE_PATH = "/karte-images/{id}"


@model_type(models.KarteImage, include={"id": "identifier", "width": "width, pixels", "height": "height, pixels",
                                        "byte_size": "size, bytes", "caption": "caption",
                                        "uploaded_at": "uploaded at"},
            description="画像カルテ (a customer's JPEG, at most three; staff only)")
class KarteImage:
    url: str = derived(lambda row: IMAGE_PATH.format(id=row.id), columns=(),
                       description="画像のURL (path of the JPEG; answered to signed-in staff only: a staff "
                                   "token as Bearer, or the admin's session)")


#: Per karte list of a customer: (page loader, count loader, GraphQL node type, the audit entity of
#: its health information, None when it has none).
PAGES: dict[str, tuple[str, str, str, AuditEntity | None]] = {
    "SalesReport": ("sales_report_page_by_customer", "sales_report_count_by_customer", "SalesReport", None),
    "KarteEntry": ("karte_entry_page_by_customer", "karte_entry_count_by_customer", "KarteEntry",
                   AuditEntity.KARTE_ENTRY),
    "VisitMemo": ("visit_memo_page_by_customer", "visit_memo_count_by_customer", "VisitMemo",
                  AuditEntity.VISIT_MEMO),
}


async def customer_page(info: Info, customer_id: int, kind: str, connection: type, first: int | None,
                        after: str | None) -> Any:
    """One page of a customer's karte list (newest first) for staff, null for anyone else: the
    rows of every customer of a list in one statement, the links below them prefetched together,
    and each health-information row read written to the audit log."""
    if not info.context.may(Action.READ_STAFF_FIELDS):
        return None
    position = None if after is None else decode_cursor(after)
    if (after is not None and position is None) or (first is not None and first < 0):
        raise GraphQLError("first または after の指定が正しくありません。", extensions={"code": "INVALID"})
    size = min(first if first is not None else 20, info.context.settings.graphql_max_page_size)
    offset = 0 if position is None else position + 1
    page_loader, count_loader, node_type, entity = PAGES[kind]
    loaders = info.context.loaders
    rows = await getattr(loaders, page_loader).load((customer_id, offset, size + 1))
    below = selection.path(selection.selected(info), "edges", "node")
    await prefetch_together(info, node_type, rows[:size], below)
    if entity is not None and any(row.is_health_info for row in rows[:size]):
        async with info.context.db.transaction() as session:
            await record_health_reads(session, info.context.actor, entity, rows[:size])
    edges = [Edge(node=r, cursor=encode_cursor(offset + i)) for i, r in enumerate(rows[:size])]

    async def total() -> int:
        return await getattr(loaders, count_loader).load(customer_id)

    return connection(edges=edges, count_total=total, page_info=PageInfo(
        has_next_page=len(rows) > size, has_previous_page=offset > 0,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))
