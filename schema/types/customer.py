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
from schema.context import Context, Info
from schema.generate import model_type
from schema.prefetch import derived, link
from schema.relay import Connection, Edge, PageInfo, decode_cursor, encode_cursor
from schema.rows import ColumnMap
from schema.types.catalog import FirstVisitMotive, FreeItem, FreeItemChoice, InflowRoute, Menu, Occupation
from schema.types.flags import BlacklistMatch
from services.normalize import format_phone, format_wareki

if TYPE_CHECKING:
    from schema.types.reservation import ReservationConnection

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
#: selection needs, as Core rows: schema.rows).
COLUMNS = ColumnMap(models.Customer, {
    **{key: (key,) for key in CUSTOMER_COLUMNS},
    "full_name": ("last_name", "first_name"),
    "full_name_kana": ("last_name_kana", "first_name_kana"),
    "birth_date_wareki": ("birth_date",),
    "phone_display": ("phone",),
    "is_line_registered": ("line_user_id",),
    "is_phone_only": ("email_is_placeholder",),
    "occupation": ("occupation_id",),
    "first_visit_motive": ("first_visit_motive_id",),
    "last_menu": ("last_menu_id",),
    "is_caution": ("is_caution",),
    "caution_memo": ("is_caution",),  # the memo is loaded only for a caution customer
    "is_blacklisted": ("has_blacklist_entry",),
    **dict.fromkeys(("attributes", "inflow_routes", "free_item_values", "blacklist_match", "referred_by",
                     "referred", "reservations"), ()),
}, "Customer")


@strawberry.type(description="紹介 (a referral link: the other customer and the memo)")
class CustomerReferral:
    customer_id: strawberry.Private[int]
    memo: str | None = strawberry.field(description="メモ (memo, e.g. the discount given)")
    created_at: datetime = strawberry.field(description="登録日時 (when the link was recorded)")

    @strawberry.field(description="お客様 (the other customer of the link)")
    def customer(self, info: Info) -> Customer:
        return REFERRAL_CUSTOMER.resolve(info, self)

    @classmethod
    def of(cls, referral: models.Referral, other_id: int) -> CustomerReferral:
        return cls(customer_id=other_id, memo=referral.memo, created_at=referral.created_at)


@strawberry.type(description="フリー項目の回答 (the customer's choice for one free item)")
class CustomerFreeItemValue:
    @strawberry.field(description="フリー項目 (the item)")
    def free_item(self, root: strawberry.Parent[models.CustomerFreeItemValue], info: Info) -> FreeItem:
        return FREE_ITEM.resolve(info, root)

    @strawberry.field(description="選択肢 (the chosen value)")
    def choice(self, root: strawberry.Parent[models.CustomerFreeItemValue], info: Info) -> FreeItemChoice:
        return FREE_ITEM_CHOICE.resolve(info, root)


@derived("Customer", "birthDateWareki")
def birth_date_wareki(root: models.Customer, context: Context) -> str | None:
    return format_wareki(root.birth_date) if root.birth_date else None


@derived("Customer", "phoneDisplay")
def phone_display(root: models.Customer, context: Context) -> str | None:
    return format_phone(root.phone) if root.phone else None


# The stored flags (services.customer_stats keeps them with the entries): no lookup per customer.
@derived("Customer", "isCaution")
def is_caution(root: models.Customer, context: Context) -> bool | None:
    return bool(root.is_caution) if context.is_staff else None


@derived("Customer", "isBlacklisted")
def is_blacklisted(root: models.Customer, context: Context) -> bool | None:
    return bool(root.has_blacklist_entry) if context.is_staff else None


@model_type(models.Customer, include=CUSTOMER_COLUMNS, description="顧客 (customer, SPEC §1)")
class Customer:
    # Read straight from the model (its properties), so lists write them out as plain attributes.
    full_name: str = strawberry.field(description="氏名 (full name: 姓 名)")
    full_name_kana: str = strawberry.field(description="フリガナ (full name in katakana: セイ メイ)")
    is_line_registered: bool = strawberry.field(
        description="LINE登録済み (LINE registered: a LINE user id is linked)")
    email_is_placeholder: bool = strawberry.field(
        name="isPhoneOnly", description="電話番号のみ登録 (phone-only: the e-mail is still the placeholder)")

    @strawberry.field(description="生年月日(和暦) (birth date in the Japanese era, e.g. 平成2年4月1日)")
    def birth_date_wareki(self, root: Parent, info: Info) -> str | None:
        return birth_date_wareki(root, info.context)

    @strawberry.field(description="電話番号(表示用) (phone number with hyphens, e.g. 090-1234-5678)")
    def phone_display(self, root: Parent, info: Info) -> str | None:
        return phone_display(root, info.context)

    @strawberry.field(description="職業 (occupation)")
    def occupation(self, root: Parent, info: Info) -> Occupation | None:
        return OCCUPATION.resolve(info, root)

    @strawberry.field(description="初回来店動機 (first-visit motive)")
    def first_visit_motive(self, root: Parent, info: Info) -> FirstVisitMotive | None:
        return FIRST_VISIT_MOTIVE.resolve(info, root)

    @strawberry.field(description="最終利用メニュー (menu of the last visit; derived)")
    def last_menu(self, root: Parent, info: Info) -> Menu | None:
        return LAST_MENU.resolve(info, root)

    @strawberry.field(description="顧客属性 (attributes, e.g. 車椅子の方)")
    def attributes(self, root: Parent, info: Info) -> list[str]:
        return ATTRIBUTES.resolve(info, root)

    @strawberry.field(description="流入経路 (inflow routes)")
    def inflow_routes(self, root: Parent, info: Info) -> list[InflowRoute]:
        return INFLOW_ROUTES.resolve(info, root)

    @strawberry.field(description="フリー項目 (free item values, by item number)")
    def free_item_values(self, root: Parent, info: Info) -> list[CustomerFreeItemValue]:
        return FREE_ITEM_VALUES.resolve(info, root)

    @strawberry.field(description="要注意人物 (caution: shown with ❗; staff only, null otherwise)")
    def is_caution(self, root: Parent, info: Info) -> bool | None:
        return is_caution(root, info.context)

    @strawberry.field(description="要注意人物メモ (caution memo; staff only, null otherwise)")
    def caution_memo(self, root: Parent, info: Info) -> str | None:
        return CAUTION_MEMO.resolve(info, root)

    @strawberry.field(description="ブラックリスト (blacklisted; staff only, null otherwise)")
    def is_blacklisted(self, root: Parent, info: Info) -> bool | None:
        return is_blacklisted(root, info.context)

    @strawberry.field(description="ブラックリスト一致 (own entry or a matching listed person, with the "
                                 "grounds; null when none; staff only, null otherwise)")
    def blacklist_match(self, root: Parent, info: Info) -> BlacklistMatch | None:
        return BLACKLIST_MATCH.resolve(info, root)

    @strawberry.field(description="紹介者 (customers who referred this customer; staff only, null otherwise)")
    def referred_by(self, root: Parent, info: Info) -> list[CustomerReferral] | None:
        return REFERRED_BY.resolve(info, root)

    @strawberry.field(
        description="紹介したお客様 (customers this customer referred; staff only, null otherwise)"
    )
    def referred(self, root: Parent, info: Info) -> list[CustomerReferral] | None:
        return REFERRED.resolve(info, root)

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
        edges = [Edge(node=r, cursor=encode_cursor(offset + i)) for i, r in enumerate(rows[:size])]

        async def total() -> int:
            return await loaders.reservation_count_by_customer.load(root.id)

        return Page(edges=edges, count_total=total, page_info=PageInfo(
            has_next_page=len(rows) > size, has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


@strawberry.type(name="CustomerConnection", description="顧客一覧 (a page of customers)")
class CustomerConnection(Connection[Customer]):
    pass



#: Links (schema.prefetch): fields read through the request's dataloaders, which a list loads
#: for all its rows before it is written out.
OCCUPATION = link("Customer", "occupation", "occupation", "occupation_id", target="Occupation")
FIRST_VISIT_MOTIVE = link("Customer", "firstVisitMotive", "first_visit_motive", "first_visit_motive_id",
                          target="FirstVisitMotive")
LAST_MENU = link("Customer", "lastMenu", "menu", "last_menu_id", target="Menu")
ATTRIBUTES = link("Customer", "attributes", "attributes_by_customer", "id")
INFLOW_ROUTES = link("Customer", "inflowRoutes", "inflow_routes_by_customer", "id", target="InflowRoute",
                     many=True)
FREE_ITEM_VALUES = link("Customer", "freeItemValues", "free_item_values_by_customer", "id",
                        target="CustomerFreeItemValue", many=True)
# The memo is loaded (batched) for caution customers only: the key of any other customer is None.
CAUTION_MEMO = link("Customer", "cautionMemo", "caution_by_customer",
                    lambda customer: customer.id if customer.is_caution else None, staff_only=True,
                    then=lambda caution: caution.memo if caution is not None else None)
BLACKLIST_MATCH = link("Customer", "blacklistMatch", "blacklist_match_by_customer", "id", staff_only=True,
                       then=lambda match: BlacklistMatch(match=match) if match is not None else None)
REFERRED_BY = link("Customer", "referredBy", "referrals_by_referred", "id", staff_only=True,
                   then=lambda rows: [CustomerReferral.of(r, r.referrer_id) for r in rows])
REFERRED = link("Customer", "referred", "referrals_by_referrer", "id", staff_only=True,
                then=lambda rows: [CustomerReferral.of(r, r.referred_id) for r in rows])
REFERRAL_CUSTOMER = link("CustomerReferral", "customer", "customer", "customer_id", target="Customer")
FREE_ITEM = link("CustomerFreeItemValue", "freeItem", "free_item", "free_item_id", target="FreeItem")
FREE_ITEM_CHOICE = link("CustomerFreeItemValue", "choice", "free_item_choice", "choice_id",
                        target="FreeItemChoice")
