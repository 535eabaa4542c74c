"""顧客: the Customer type, its referrals and free-item values.

Columns come from the model (``schema.generate``); relationships and derived
fields are resolved through the request's dataloaders.  Flags that must not
reach the customer-facing site (caution, blacklist, referrals of other people)
are null unless a staff token asks.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

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
from schema.types.catalog import FirstVisitMotive, FreeItem, FreeItemChoice, InflowRoute, Menu, Occupation
from schema.types.flags import BlacklistMatch
from services.normalize import format_phone, format_wareki
from services.permissions import Action

if TYPE_CHECKING:
    from schema.types.karte import KarteEntryConnection, KarteImage, SalesReportConnection, VisitMemoConnection
    from schema.types.reservation import ReservationConnection
    from schema.types.ticket import TicketPurchase

TicketPurchaseType = Annotated["TicketPurchase", strawberry.lazy("schema.types.ticket")]

_KARTE = "schema.types.karte"
_FIRST = Annotated[int | None, strawberry.argument(description="件数 (page size; default 20)")]
_AFTER = Annotated[str | None, strawberry.argument(description="このカーソルの次から (endCursor)")]

Parent = strawberry.Parent[models.Customer]

CUSTOMER_COLUMNS = {
    "id": "identifier",
    "customer_no": "customer number: letters and digits, unique",
    "last_name": "family name",
    "first_name": "given name",
    "last_name_kana": "family name in full-width katakana",
    "first_name_kana": "given name in full-width katakana",
    "phone": "phone number, digits only",
    "email": "e-mail address",
    "birth_date": "birth date",
    "gender": "gender",
    "postal_code": "postal code, seven digits",
    "prefecture": "prefecture",
    "city": "city",
    "address_line": "rest of the address",
    "line_user_id": "LINE user id; set by LINE linking",
    "line_name": "LINE display name",
    "line_picture_url": "LINE profile picture",
    "notes": "notes: hobbies, drink preference …",
    "mail_ok": "e-mail allowed",
    "phone_ok": "phone calls allowed",
    "dm_ok": "direct mail allowed",
    "pre_system_visit_count": "visits before the system was introduced",
    "registered_at": "first registration",
    "registration_path": "registration path",
    "withdrawn_at": "withdrawal date; null while a member",
    "visit_count": "visited reservations + visits before the system; derived",
    "reservation_count": "all reservations; derived",
    "cancel_count": "cancellations by the customer incl. late and no-show; derived",
    "has_late_cancel": "has a last-minute cancellation; derived",
    "first_visit_at": "first visit; derived",
    "last_visit_at": "last visit; derived",
    "average_visit_interval_days": "(last − first visit) / (visits − 1), with two visits or more; derived",
    "has_unpaid_cancel_fee": "owes a cancellation fee; derived",
}


#: Columns each field of Customer reads besides ``id`` (lookups and list pages read only what the
#: selection needs, as Core rows: resolvers.runtime.rows).
COLUMNS = ColumnMap(models.Customer, {
    **{key: (key,) for key in CUSTOMER_COLUMNS},
    "full_name": ("last_name", "first_name"),
    "full_name_kana": ("last_name_kana", "first_name_kana"),
    "is_line_registered": ("line_user_id",),
    "is_phone_only": ("email_is_placeholder",),
    "reservations": (),
    "sales_reports": (),
    "karte_entries": (),
    "visit_memos": (),
}, "Customer")  # links and derived fields declare their own columns (resolvers.runtime.fields)


@strawberry.type(description="紹介 (a referral link: the other customer and the memo)")
class CustomerReferral:
    customer_id: strawberry.Private[int]
    id: strawberry.ID = strawberry.field(description="紹介ID (the link, for updateReferral / removeReferral)")
    memo: str | None = strawberry.field(description="メモ (memo, e.g. the discount given)")
    created_at: datetime = strawberry.field(description="登録日時 (when the link was recorded)")

    customer: Customer = link(Loaders.customer, "customer_id",
                              description="お客様 (the other customer of the link)")

    @classmethod
    def of(cls, referral: models.Referral, other_id: int) -> CustomerReferral:
        return cls(customer_id=other_id, id=strawberry.ID(str(referral.id)), memo=referral.memo,
                   created_at=referral.created_at)


@strawberry.type(description="フリー項目の回答 (the customer's choice for one free item)")
class CustomerFreeItemValue:
    free_item: FreeItem = link(Loaders.free_item, "free_item_id", description="フリー項目 (the item)")
    choice: FreeItemChoice = link(Loaders.free_item_choice, "choice_id", description="選択肢 (the chosen value)")


@model_type(models.Customer, include=CUSTOMER_COLUMNS, description="顧客 (customer, SPEC §1)")
class Customer:
    # Read straight from the model (its properties), so lists write them out as plain attributes.
    full_name: str = strawberry.field(description="氏名 (full name: 姓 名)")
    full_name_kana: str = strawberry.field(description="フリガナ (full name in katakana: セイ メイ)")
    is_line_registered: bool = strawberry.field(
        description="LINE登録済み (LINE registered: a LINE user id is linked)")
    email_is_placeholder: bool = strawberry.field(
        name="isPhoneOnly", description="電話番号のみ登録 (phone-only: the e-mail is still the placeholder)")

    birth_date_wareki: str | None = derived(
        lambda c: format_wareki(c.birth_date) if c.birth_date else None, columns=("birth_date",),
        description="生年月日(和暦) (birth date in the Japanese era, e.g. 平成2年4月1日)")
    phone_display: str | None = derived(
        lambda c: format_phone(c.phone) if c.phone else None, columns=("phone",),
        description="電話番号(表示用) (phone number with hyphens, e.g. 090-1234-5678)")
    occupation: Occupation | None = link(Loaders.occupation, "occupation_id", description="職業 (occupation)")
    first_visit_motive: FirstVisitMotive | None = link(
        Loaders.first_visit_motive, "first_visit_motive_id", description="初回来店動機 (first-visit motive)")
    last_menu: Menu | None = link(Loaders.menu, "last_menu_id",
                                  description="最終利用メニュー (menu of the last visit; derived)")
    attributes: list[str] = link(Loaders.attributes_by_customer, description="顧客属性 (attributes, e.g. 車椅子の方)")
    inflow_routes: list[InflowRoute] = link(Loaders.inflow_routes_by_customer,
                                            description="流入経路 (inflow routes)")
    free_item_values: list[CustomerFreeItemValue] = link(
        Loaders.free_item_values_by_customer, description="フリー項目 (free item values, by item number)")
    ticket_purchases: list[TicketPurchaseType] = link(
        Loaders.ticket_purchases_by_customer,
        description="回数券 (tickets held, the latest expiry first; the customer sees their own)")
    # The stored flags (services.customer_stats keeps them with the entries): no lookup per customer.
    is_caution: bool | None = derived(
        lambda c: bool(c.is_caution), columns=("is_caution",), visible=Action.READ_STAFF_FIELDS,
        description="要注意人物 (caution: shown with ❗; staff only, null otherwise)")
    # The memo is loaded (batched) for caution customers only: the key of any other customer is None.
    caution_memo: str | None = link(
        Loaders.caution_by_customer, lambda c: c.id if c.is_caution else None, columns=("is_caution",),
        then=lambda caution: caution.memo if caution is not None else None, visible=Action.READ_STAFF_FIELDS,
        description="要注意人物メモ (caution memo; staff only, null otherwise)")
    is_blacklisted: bool | None = derived(
        lambda c: bool(c.has_blacklist_entry), columns=("has_blacklist_entry",), visible=Action.READ_STAFF_FIELDS,
        description="ブラックリスト登録あり (this customer has a blacklist entry of its own: shown with ⛔. A "
                    "customer matching a listed person by kana and phone, e-mail or LINE is refused all the "
                    "same but reads false here: see blacklistMatch, and refusedOnSite for whether the "
                    "reservation site books them; staff only, null otherwise)")
    blacklist_match: BlacklistMatch | None = link(
        Loaders.blacklist_match_by_customer, visible=Action.READ_STAFF_FIELDS,
        then=lambda match: BlacklistMatch(match=match) if match is not None else None,
        description="ブラックリスト一致 (why the blacklist refuses this customer: its own entry, or the listed "
                    "person it matches, with the grounds; null when neither; staff only, null otherwise)")
    refused_on_site: bool | None = link(
        Loaders.site_refusal_by_customer, visible=Action.READ_STAFF_FIELDS,
        description="予約サイトでお断り (true whenever the reservation site refuses this customer's bookings — "
                    "blacklisted or matching a listed person, an unpaid cancellation fee, or withdrawn — with "
                    "the same answer as a full slot; staff only, null otherwise)")
    referred_by: list[CustomerReferral] | None = link(
        Loaders.referrals_by_referred, visible=Action.READ_STAFF_FIELDS,
        then=lambda rows: [CustomerReferral.of(r, r.referrer_id) for r in rows],
        description="紹介者 (customers who referred this customer; staff only, null otherwise)")
    referred: list[CustomerReferral] | None = link(
        Loaders.referrals_by_referrer, visible=Action.READ_STAFF_FIELDS,
        then=lambda rows: [CustomerReferral.of(r, r.referred_id) for r in rows],
        description="紹介したお客様 (customers this customer referred; staff only, null otherwise)")

    @strawberry.field(description="予約 (the customer's reservations, newest first; cursor pages)")
    async def reservations(
        self, root: Parent, info: Info,
        first: Annotated[int | None, strawberry.argument(description="件数 (page size; default 20)")] = None,
        after: Annotated[str | None, strawberry.argument(description="このカーソルの次から (endCursor)")] = None,
    ) -> Annotated[ReservationConnection, strawberry.lazy("schema.types.reservation")]:
        from schema.types.reservation import ReservationConnection as Page

        position = None if after is None else decode_cursor(after)
        if (after is not None and position is None) or (first is not None and first < 0):
            raise GraphQLError("first または after の指定が正しくありません。", extensions={"code": "INVALID"})
        size = min(first if first is not None else 20, info.context.settings.graphql_max_page_size)
        offset = 0 if position is None else position + 1
        loaders = info.context.loaders
        rows = await loaders.reservation_page_by_customer.load((root.id, offset, size + 1))
        # The links below, with the other customers' of a list: the page is then written whole.
        below = selection.path(selection.selected(info), "edges", "node")
        await prefetch_together(info, "Reservation", rows[:size], below)
        edges = [Edge(node=r, cursor=encode_cursor(offset + i)) for i, r in enumerate(rows[:size])]

        async def total() -> int:
            return await loaders.reservation_count_by_customer.load(root.id)

        return Page(edges=edges, count_total=total, page_info=PageInfo(
            has_next_page=len(rows) > size, has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


    images: list[Annotated[KarteImage, strawberry.lazy(_KARTE)]] | None = link(
        Loaders.images_by_customer, visible=Action.READ_STAFF_FIELDS,
        description="画像カルテ (the customer's images, at most three, oldest first; staff only, null otherwise)")

    @strawberry.field(description="営業報告 (the customer's sales reports, newest first; staff only, null otherwise)")
    async def sales_reports(self, root: Parent, info: Info, first: _FIRST = None, after: _AFTER = None
                            ) -> Annotated[SalesReportConnection, strawberry.lazy(_KARTE)] | None:
        from schema.types.karte import SalesReportConnection as Page
        from schema.types.karte import customer_page

        return await customer_page(info, root.id, "SalesReport", Page, first, after)

    @strawberry.field(description="技術カルテ (the customer's karte entries, latest visit first; staff only, null "
                                  "otherwise; reading health information is written to the audit log)")
    async def karte_entries(self, root: Parent, info: Info, first: _FIRST = None, after: _AFTER = None
                            ) -> Annotated[KarteEntryConnection, strawberry.lazy(_KARTE)] | None:
        from schema.types.karte import KarteEntryConnection as Page
        from schema.types.karte import customer_page

        return await customer_page(info, root.id, "KarteEntry", Page, first, after)

    @strawberry.field(description="来店メモ (the customer's visit memos, latest visit first; staff only, null "
                                  "otherwise; reading health information is written to the audit log)")
    async def visit_memos(self, root: Parent, info: Info, first: _FIRST = None, after: _AFTER = None
                          ) -> Annotated[VisitMemoConnection, strawberry.lazy(_KARTE)] | None:
        from schema.types.karte import VisitMemoConnection as Page
        from schema.types.karte import customer_page

        return await customer_page(info, root.id, "VisitMemo", Page, first, after)


@strawberry.type(name="CustomerConnection", description="顧客一覧 (a page of customers)")
class CustomerConnection(Connection[Customer]):
    pass
