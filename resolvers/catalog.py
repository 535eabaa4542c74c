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
from resolvers.pagination import C, paginate
from schema.context import Info
from schema.types.catalog import (
    FirstVisitMotiveConnection,
    FreeItemConnection,
    InflowRouteConnection,
    MenuConnection,
    OccupationConnection,
    PostalAddress,
    ReservationStatusOption,
    StaffMemberConnection,
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


First = Annotated[
    int | None,
    strawberry.argument(description="件数 (page size; default and cap: the server maximum, 200)"),
]
After = Annotated[
    str | None,
    strawberry.argument(description="このカーソルの次から (pass the previous page's endCursor)"),
]


async def _listing(
    info: Info,
    connection: type[C],
    model: Any,
    order: tuple[Any, ...],
    *,
    include_inactive: bool,
    first: int | None,
    after: str | None,
) -> C:
    """A master list as a connection; a whole list fits one default page (the server maximum)."""
    query = select(model)
    if not (include_inactive and info.context.is_staff):
        query = query.where(model.active.is_(True))
    max_size = info.context.settings.graphql_max_page_size
    return await paginate(info.context.db, connection, query, [*order, model.id],
                          first=max_size if first is None else first, after=after, max_size=max_size)


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="メニュー一覧 (menus, in display order)")
    async def menus(
        self, info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> MenuConnection:
        return await _listing(info, MenuConnection, models.Menu, (models.Menu.sort_order,),
                              include_inactive=include_inactive, first=first, after=after)

    @strawberry.field(description="スタッフ一覧 (staff members, in display order)")
    async def staff(
        self, info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> StaffMemberConnection:
        return await _listing(info, StaffMemberConnection, models.StaffMember,
                              (models.StaffMember.display_order,),
                              include_inactive=include_inactive, first=first, after=after)

    @strawberry.field(description="流入経路一覧 (inflow routes)")
    async def inflow_routes(
        self, info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> InflowRouteConnection:
        return await _listing(info, InflowRouteConnection, models.InflowRoute, (models.InflowRoute.sort_order,),
                              include_inactive=include_inactive, first=first, after=after)

    @strawberry.field(description="職業一覧 (occupations)")
    async def occupations(
        self, info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> OccupationConnection:
        return await _listing(info, OccupationConnection, models.Occupation, (models.Occupation.sort_order,),
                              include_inactive=include_inactive, first=first, after=after)

    @strawberry.field(description="初回来店動機一覧 (first-visit motives)")
    async def first_visit_motives(
        self, info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> FirstVisitMotiveConnection:
        return await _listing(info, FirstVisitMotiveConnection, models.FirstVisitMotive,
                              (models.FirstVisitMotive.sort_order,),
                              include_inactive=include_inactive, first=first, after=after)

    @strawberry.field(description="フリー項目一覧 (free items with their choices, by item number)")
    async def free_items(
        self, info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> FreeItemConnection:
        return await _listing(info, FreeItemConnection, models.FreeItem, (models.FreeItem.position,),
                              include_inactive=include_inactive, first=first, after=after)

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
