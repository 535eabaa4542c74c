"""Lists the forms need: menus, staff, master lists, reservation statuses, postal-code lookup.

None of it is customer data, so the customer-facing site may read it without a
token; inactive entries are for staff only.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select

import models
from resolvers.errors import graphql_error
from schema.context import Info
from schema.types.catalog import (
    FirstVisitMotive,
    FreeItem,
    InflowRoute,
    Menu,
    Occupation,
    PostalAddress,
    ReservationStatusOption,
    StaffMember,
)
from services import normalize
from services.errors import DomainError, ErrorCode
from services.store import offered_statuses

IncludeInactive = Annotated[
    bool,
    strawberry.argument(
        description="無効なものも含める (include inactive entries; staff only, ignored otherwise)"
    ),
]


async def _listing(info: Info, model: Any, order: tuple[Any, ...], include_inactive: bool) -> list[Any]:
    query = select(model).order_by(*order)
    if not (include_inactive and info.context.is_staff):
        query = query.where(model.active.is_(True))
    async with info.context.db.sessionmaker() as session:
        return list((await session.scalars(query)).all())


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="メニュー一覧 (menus, in display order)")
    async def menus(self, info: Info, include_inactive: IncludeInactive = False) -> list[Menu]:
        return await _listing(info, models.Menu, (models.Menu.sort_order, models.Menu.id), include_inactive)

    @strawberry.field(description="スタッフ一覧 (staff members, in display order)")
    async def staff(self, info: Info, include_inactive: IncludeInactive = False) -> list[StaffMember]:
        order = (models.StaffMember.display_order, models.StaffMember.id)
        return await _listing(info, models.StaffMember, order, include_inactive)

    @strawberry.field(description="流入経路一覧 (inflow routes)")
    async def inflow_routes(self, info: Info, include_inactive: IncludeInactive = False) -> list[InflowRoute]:
        order = (models.InflowRoute.sort_order, models.InflowRoute.id)
        return await _listing(info, models.InflowRoute, order, include_inactive)

    @strawberry.field(description="職業一覧 (occupations)")
    async def occupations(self, info: Info, include_inactive: IncludeInactive = False) -> list[Occupation]:
        order = (models.Occupation.sort_order, models.Occupation.id)
        return await _listing(info, models.Occupation, order, include_inactive)

    @strawberry.field(description="初回来店動機一覧 (first-visit motives)")
    async def first_visit_motives(
        self, info: Info, include_inactive: IncludeInactive = False
    ) -> list[FirstVisitMotive]:
        order = (models.FirstVisitMotive.sort_order, models.FirstVisitMotive.id)
        return await _listing(info, models.FirstVisitMotive, order, include_inactive)

    @strawberry.field(description="フリー項目一覧 (free items with their choices, by item number)")
    async def free_items(self, info: Info, include_inactive: IncludeInactive = False) -> list[FreeItem]:
        return await _listing(info, models.FreeItem, (models.FreeItem.position,), include_inactive)

    @strawberry.field(
        description="予約ステータス一覧 (statuses offered under the store's prepayment setting)"
    )
    async def reservation_statuses(self, info: Info) -> list[ReservationStatusOption]:
        # get_store_settings creates the settings row on first use, hence a transaction.
        async with info.context.db.transaction() as session:
            statuses = await offered_statuses(session)
        return [ReservationStatusOption(value=status, label=status.label) for status in statuses]

    @strawberry.field(
        description="郵便番号から住所 (address of a postal code; null when Japan Post has none)"
    )
    def address_by_postal_code(
        self,
        postal_code: Annotated[
            str, strawberry.argument(description="郵便番号 (7 digits: 1000001, 〒100-0001)")
        ],
    ) -> PostalAddress | None:
        try:
            found = normalize.lookup_postal_code(postal_code)
        except DomainError as exc:
            if exc.code == ErrorCode.UNKNOWN_POSTAL_CODE:
                return None
            raise graphql_error(exc) from None
        return PostalAddress(
            postal_code=found.postal_code, prefecture=found.prefecture, city=found.city, town=found.town
        )
