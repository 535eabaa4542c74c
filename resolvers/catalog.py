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
from resolvers.pagination import C, list_page
from resolvers.runtime.context import Info
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
from services.permissions import Action
from services.store import status_options

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


def _master_list(connection: type[C], model: Any, *order: Any, description: str) -> Any:
    """A root field listing one master as a connection, active entries first in display order.

    A whole list fits one default page (the server maximum); inactive entries are for staff.
    """

    async def resolve(
        info: Info, include_inactive: IncludeInactive = False, first: First = None, after: After = None
    ) -> C:
        active_only = not (include_inactive and info.context.may(Action.EDIT_MASTERS))

        def build() -> tuple[Any, list[Any]]:
            query = select(model)
            return (query.where(model.active.is_(True)) if active_only else query), [*order, model.id]

        max_size = info.context.settings.graphql_max_page_size
        return await list_page(info, connection, model.__name__, active_only, build,
                               first=max_size if first is None else first, after=after)

    # Real types, not this module's postponed strings: Strawberry reads them to build the field.
    resolve.__annotations__ = {"info": Info, "include_inactive": IncludeInactive, "first": First,
                               "after": After, "return": connection}
    return strawberry.field(resolver=resolve, description=description)


@strawberry.type
class CatalogQuery:
    menus = _master_list(MenuConnection, models.Menu, models.Menu.sort_order,
                         description="メニュー一覧 (menus, in display order)")
    staff = _master_list(StaffMemberConnection, models.StaffMember, models.StaffMember.display_order,
                         description="スタッフ一覧 (staff members, in display order)")
    inflow_routes = _master_list(InflowRouteConnection, models.InflowRoute, models.InflowRoute.sort_order,
                                 description="流入経路一覧 (inflow routes)")
    occupations = _master_list(OccupationConnection, models.Occupation, models.Occupation.sort_order,
                               description="職業一覧 (occupations)")
    first_visit_motives = _master_list(FirstVisitMotiveConnection, models.FirstVisitMotive,
                                       models.FirstVisitMotive.sort_order,
                                       description="初回来店動機一覧 (first-visit motives)")
    free_items = _master_list(FreeItemConnection, models.FreeItem, models.FreeItem.position,
                              description="フリー項目一覧 (free items with their choices, by item number)")

    @strawberry.field(
        description="予約ステータス一覧 (the statuses offered under the store's prepayment setting, then "
                    "those that only remain on older reservations, with offered: false)"
    )
    async def reservation_statuses(self, info: Info) -> list[ReservationStatusOption]:
        # get_store_settings creates the settings row on first use, hence a transaction.
        async with info.context.db.transaction() as session:
            statuses = await status_options(session)
        return [ReservationStatusOption(value=status, label=status.label, offered=offered)
                for status, offered in statuses]

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
