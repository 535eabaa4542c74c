"""Master lists, menus, staff members, reservation statuses and postal addresses."""

from __future__ import annotations

import strawberry

import models
from resolvers.runtime.fields import link
from resolvers.runtime.loaders import Loaders
from schema.enums import ReservationStatus
from schema.generate import model_type
from schema.relay import Connection

MASTER_COLUMNS = {
    "id": "identifier",
    "name": "name",
    "sort_order": "display order",
    "active": "offered in forms",
}


@model_type(
    models.InflowRoute,
    include=MASTER_COLUMNS,
    description="流入経路 (inflow route: Instagram, ホットペッパー, 紹介, 看板 …)",
)
class InflowRoute:
    pass


@model_type(models.Occupation, include=MASTER_COLUMNS, description="職業 (occupation)")
class Occupation:
    pass


@model_type(models.FirstVisitMotive, include=MASTER_COLUMNS, description="初回来店動機 (first-visit motive)")
class FirstVisitMotive:
    pass


@model_type(
    models.FreeItemChoice,
    include={"id": "identifier", "name": "choice", "sort_order": "display order"},
    description="フリー項目の選択肢 (one choice of a free item)",
)
class FreeItemChoice:
    pass


@model_type(
    models.FreeItem,
    include={
        "id": "identifier",
        "position": "item number 1-4",
        "name": "item name",
        "active": "shown in forms",
    },
    description="フリー項目 (store-defined customer item, up to four, each with its own choices)",
)
class FreeItem:
    choices: list[FreeItemChoice] = link(Loaders.choices_by_free_item,
                                         description="選択肢 (the item's choices, in display order)")


@model_type(
    models.Menu,
    include={
        "id": "identifier",
        "name": "menu name",
        "category": "category",
        "price": "price in yen, tax included",
        "duration_minutes": "duration",
        "sort_order": "display order",
        "active": "bookable",
    },
    description="メニュー (menu)",
)
class Menu:
    pass


@model_type(
    models.StaffMember,
    include={
        "id": "identifier",
        "name": "stylist name",
        "name_kana": "name in katakana",
        "display_order": "display order",
        "active": "currently employed",
    },
    description="スタッフ (staff member who serves customers)",
)
class StaffMember:
    pass


@strawberry.type(name="MenuConnection", description="メニュー一覧 (a page of menus)")
class MenuConnection(Connection[Menu]):
    pass


@strawberry.type(name="StaffMemberConnection", description="スタッフ一覧 (a page of staff members)")
class StaffMemberConnection(Connection[StaffMember]):
    pass


@strawberry.type(name="InflowRouteConnection", description="流入経路一覧 (a page of inflow routes)")
class InflowRouteConnection(Connection[InflowRoute]):
    pass


@strawberry.type(name="OccupationConnection", description="職業一覧 (a page of occupations)")
class OccupationConnection(Connection[Occupation]):
    pass


@strawberry.type(name="FirstVisitMotiveConnection", description="初回来店動機一覧 (a page of first-visit motives)")
class FirstVisitMotiveConnection(Connection[FirstVisitMotive]):
    pass


@strawberry.type(name="FreeItemConnection", description="フリー項目一覧 (a page of free items)")
class FreeItemConnection(Connection[FreeItem]):
    pass


@strawberry.type(description="予約ステータスの選択肢 (a reservation status offered under the store settings)")
class ReservationStatusOption:
    value: ReservationStatus = strawberry.field(description="ステータス (status)")
    label: str = strawberry.field(description="表示名 (Japanese label, e.g. 仮予約中)")
    offered: bool = strawberry.field(
        default=True,
        description="今選べるステータスか (true: offered under the store's current prepayment setting; "
                    "false: only remains on reservations made before prepayment was switched off)")

    @strawberry.field(description="コード (the status; same as value)")
    def code(self) -> ReservationStatus:
        return self.value


@strawberry.type(description="郵便番号から引いた住所 (address of a postal code, from Japan Post data)")
class PostalAddress:
    postal_code: str = strawberry.field(description="郵便番号 (seven digits)")
    prefecture: str = strawberry.field(description="都道府県 (prefecture; empty when the code spans several)")
    city: str = strawberry.field(description="市区町村 (city; empty when the code spans several)")
    town: str = strawberry.field(description="町域 (town; empty when the code has none or several)")
