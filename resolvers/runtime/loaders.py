"""Per-request dataloaders: every relationship and derived list is one query per field, not per row.

Each batch runs on the request's one read connection (:mod:`resolvers.runtime.reads`), in turn with
the other batches and root resolvers of the request. Rows come back as Core views of all their
columns (:mod:`resolvers.runtime.rows`), not ORM instances; relationships are only reached through here.
A list's prefetch (:mod:`resolvers.runtime.prefetch`) fills a loader's plain value map ahead, in one batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from functools import cache, cached_property, lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from strawberry.dataloader import DataLoader

from models import (
    Caution,
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    KarteDetail,
    KarteEntry,
    KarteImage,
    KartePhrase,
    Menu,
    Occupation,
    Referral,
    Reservation,
    ReservationMenu,
    SalesReport,
    StaffAccount,
    StaffMember,
    TicketExpiryChange,
    TicketMenu,
    TicketPurchase,
    VisitMemo,
    customer_inflow_routes,
)
from models.ticket import ticket_menu_menus, ticket_menu_staff
from resolvers.runtime.prefetch import MISSING, loaded
from resolvers.runtime.reads import RequestReads
from resolvers.runtime.rows import column_keys, view
from services.booking.rules import site_refusals
from services.flags import find_blacklist_matches

M = TypeVar("M")


#: The grouped lists, built once: (key column, value) in the order a list shows them.
ATTRIBUTES_BY_CUSTOMER = select(CustomerAttribute.customer_id, CustomerAttribute.value).order_by(
    CustomerAttribute.id
)
FREE_ITEM_VALUES_BY_CUSTOMER = (
    select(CustomerFreeItemValue.customer_id, CustomerFreeItemValue)
    .join(FreeItem, FreeItem.id == CustomerFreeItemValue.free_item_id)
    .order_by(FreeItem.position)
)
INFLOW_ROUTES_BY_CUSTOMER = (
    select(customer_inflow_routes.c.customer_id, InflowRoute)
    .join(InflowRoute, InflowRoute.id == customer_inflow_routes.c.inflow_route_id)
    .order_by(InflowRoute.sort_order, InflowRoute.id)
)
CHOICES_BY_FREE_ITEM = select(FreeItemChoice.free_item_id, FreeItemChoice).order_by(
    FreeItemChoice.sort_order, FreeItemChoice.id
)
REFERRALS_BY_REFERRED = select(Referral.referred_id, Referral).order_by(Referral.created_at, Referral.id)
REFERRALS_BY_REFERRER = select(Referral.referrer_id, Referral).order_by(Referral.created_at, Referral.id)
MENUS_BY_TICKET_MENU = (
    select(ticket_menu_menus.c.ticket_menu_id, Menu).join(Menu, Menu.id == ticket_menu_menus.c.menu_id)
    .order_by(Menu.sort_order, Menu.id)
)
STAFF_BY_TICKET_MENU = (
    select(ticket_menu_staff.c.ticket_menu_id, StaffMember)
    .join(StaffMember, StaffMember.id == ticket_menu_staff.c.staff_member_id)
    .order_by(StaffMember.display_order, StaffMember.id)
)
EXPIRY_CHANGES_BY_PURCHASE = select(TicketExpiryChange.purchase_id, TicketExpiryChange).order_by(
    TicketExpiryChange.changed_at, TicketExpiryChange.id)
PURCHASES_BY_CUSTOMER = select(TicketPurchase.customer_id, TicketPurchase).order_by(
    TicketPurchase.expires_on.desc(), TicketPurchase.id.desc())
MENU_LINES_BY_RESERVATION = select(ReservationMenu.reservation_id, ReservationMenu).order_by(ReservationMenu.id)
DETAILS_BY_KARTE_CATEGORY = select(KarteDetail.category_id, KarteDetail).order_by(KarteDetail.sort_order,
                                                                                  KarteDetail.id)
PHRASES_BY_KARTE_CATEGORY = select(KartePhrase.category_id, KartePhrase).order_by(KartePhrase.sort_order,
                                                                                  KartePhrase.id)
IMAGES_BY_CUSTOMER = select(KarteImage.customer_id, KarteImage).order_by(KarteImage.id)
#: The karte lists of a customer's page, each newest first: (model, its order, newest first).
SALES_REPORT_ORDER = ("created_at", "id")
VISIT_ORDER = ("visit_date", "id")


class Loaders:
    """The dataloaders of one request (created in ``get_context``; caches live as long as it).

    Each loader is made on first use: most requests touch one or two of them, and building
    all of them for every request was a fifth of a trivial request's time.
    """

    def __init__(self, reads: RequestReads) -> None:
        self._reads = reads
        self._db = reads.db
        self._narrowed: dict[tuple[str, tuple[str, ...]], Loader] = {}
        self._together: dict[Any, Loader] = {}

    @cached_property
    def customer(self) -> Loader:
        return self._by_id(Customer)

    @cached_property
    def occupation(self) -> Loader:
        return self._by_id(Occupation)

    @cached_property
    def first_visit_motive(self) -> Loader:
        return self._by_id(FirstVisitMotive)

    @cached_property
    def menu(self) -> Loader:
        return self._by_id(Menu)

    @cached_property
    def reservation(self) -> Loader:
        return self._by_id(Reservation)

    @cached_property
    def sales_report_by_reservation(self) -> Loader:
        return self._one_by(SalesReport, "reservation_id")

    @cached_property
    def staff_member(self) -> Loader:
        return self._by_id(StaffMember)

    @cached_property
    def staff_account_name(self) -> Loader:
        """``load(account id)`` → the account's id and display name only (never its password hash)."""
        return self._one_by(StaffAccount, "id", ("display_name",))

    @cached_property
    def free_item(self) -> Loader:
        return self._by_id(FreeItem)

    @cached_property
    def free_item_choice(self) -> Loader:
        return self._by_id(FreeItemChoice)

    @cached_property
    def caution_by_customer(self) -> Loader:
        return self._one_by(Caution, "customer_id")

    @cached_property
    def blacklist_match_by_customer(self) -> Loader:
        return self._loader(self._blacklist_matches)

    @cached_property
    def site_refusal_by_customer(self) -> Loader:
        """``load(customer id)`` → whether the customer channel refuses the customer's bookings."""
        return self._loader(self._site_refusals)

    @cached_property
    def attributes_by_customer(self) -> Loader:
        return self._many_by(ATTRIBUTES_BY_CUSTOMER)

    @cached_property
    def free_item_values_by_customer(self) -> Loader:
        return self._many_by(FREE_ITEM_VALUES_BY_CUSTOMER)

    @cached_property
    def inflow_routes_by_customer(self) -> Loader:
        return self._many_by(INFLOW_ROUTES_BY_CUSTOMER)

    @cached_property
    def choices_by_free_item(self) -> Loader:
        return self._many_by(CHOICES_BY_FREE_ITEM)

    @cached_property
    def referrals_by_referred(self) -> Loader:
        return self._many_by(REFERRALS_BY_REFERRED)

    @cached_property
    def referrals_by_referrer(self) -> Loader:
        return self._many_by(REFERRALS_BY_REFERRER)

    @cached_property
    def menu_lines_by_reservation(self) -> Loader:
        return self._many_by(MENU_LINES_BY_RESERVATION)

    @cached_property
    def ticket_menu(self) -> Loader:
        return self._by_id(TicketMenu)

    @cached_property
    def menus_by_ticket_menu(self) -> Loader:
        return self._many_by(MENUS_BY_TICKET_MENU)

    @cached_property
    def staff_by_ticket_menu(self) -> Loader:
        return self._many_by(STAFF_BY_TICKET_MENU)

    @cached_property
    def expiry_changes_by_purchase(self) -> Loader:
        return self._many_by(EXPIRY_CHANGES_BY_PURCHASE)

    @cached_property
    def ticket_purchases_by_customer(self) -> Loader:
        return self._many_by(PURCHASES_BY_CUSTOMER)

    @cached_property
    def reservation_count_by_customer(self) -> Loader:
        return self._count_by(Reservation.customer_id)

    @cached_property
    def reservation_page_by_customer(self) -> Loader:
        return self._page_by_customer()

    @cached_property
    def karte_category(self) -> Loader:
        return self._by_id(KarteCategory)

    @cached_property
    def karte_detail(self) -> Loader:
        return self._by_id(KarteDetail)

    @cached_property
    def details_by_karte_category(self) -> Loader:
        return self._many_by(DETAILS_BY_KARTE_CATEGORY)

    @cached_property
    def phrases_by_karte_category(self) -> Loader:
        return self._many_by(PHRASES_BY_KARTE_CATEGORY)

    @cached_property
    def images_by_customer(self) -> Loader:
        """A customer's images (at most three), without their bytes (deferred on the model)."""
        return self._many_by(IMAGES_BY_CUSTOMER)

    @cached_property
    def sales_report_page_by_customer(self) -> Loader:
        return self._page_of(SalesReport, SALES_REPORT_ORDER)

    @cached_property
    def sales_report_count_by_customer(self) -> Loader:
        return self._count_by(SalesReport.customer_id)

    @cached_property
    def karte_entry_page_by_customer(self) -> Loader:
        return self._page_of(KarteEntry, VISIT_ORDER)

    @cached_property
    def karte_entry_count_by_customer(self) -> Loader:
        return self._count_by(KarteEntry.customer_id)

    @cached_property
    def visit_memo_page_by_customer(self) -> Loader:
        return self._page_of(VisitMemo, VISIT_ORDER)

    @cached_property
    def visit_memo_count_by_customer(self) -> Loader:
        return self._count_by(VisitMemo.customer_id)

    async def _site_refusals(self, keys: Sequence[int]) -> list[Any]:
        async with self._reads.session() as session:
            found = await site_refusals(session, keys)
        return [found.get(key) for key in keys]

    async def _blacklist_matches(self, keys: Sequence[int]) -> list[Any]:
        async with self._reads.session() as session:
            found = await find_blacklist_matches(session, keys)
        return [found.get(key) for key in keys]

    def together(self, key: Any, run: Callable[[list[Any]], Awaitable[None]]) -> Loader:
        """A loader whose batch is ``run(objects)`` over every object loaded in one go, keyed by
        ``key`` (``resolvers.runtime.prefetch.prefetch_together``); made on first use."""
        loader = self._together.get(key)
        if loader is None:
            async def batch(objects: Sequence[Any]) -> list[None]:
                await run(list(objects))
                return [None] * len(objects)

            loader = self._together[key] = self._loader(batch)
        return loader

    def narrow(self, name: str, columns: tuple[str, ...]) -> Loader | None:
        """A loader like ``name`` whose rows carry only ``columns`` (a list's links read a few columns
        of each row, not all 47 of a customer), made on first use; None when ``name`` cannot narrow."""
        loader = getattr(self, name)
        if loader.rows is None:
            return None
        narrowed = self._narrowed.get((name, columns))
        if narrowed is None:
            model, key = loader.rows
            narrowed = self._narrowed[(name, columns)] = self._one_by(model, key, columns)
        return narrowed

    def _loader(self, batch: Callable[[Sequence[int]], Awaitable[list[Any]]]) -> Loader:
        return Loader(load_fn=batch)

    def _by_id(self, model: type[M]) -> Loader:
        """``load(id)`` → the row (a view of all its columns, resolvers.runtime.rows) or None."""
        return self._one_by(model, "id")

    def _one_by(self, model: type[M], key: str, columns: tuple[str, ...] | None = None) -> Loader:
        """``load(value)`` → the one row whose column ``key`` equals value (a view of ``columns``,
        by default all of them), or None."""
        columns = column_keys(model) if columns is None else tuple(dict.fromkeys((key, *columns)))
        make = view(model, columns)._make  # type: ignore[attr-defined]
        position = columns.index(key)

        async def batch(keys: Sequence[int]) -> list[Any]:
            rows = await self._reads.rows(*_keyed_by(model, key, keys, columns))
            found = {row[position]: make(row) for row in rows}
            return [found.get(key) for key in keys]

        loader = self._loader(batch)
        loader.rows = (model, key)
        return loader

    def _count_by(self, column: Any) -> Loader:
        """``load(key)`` → how many rows have ``column`` equal to key."""

        async def batch(keys: Sequence[int]) -> list[int]:
            async with self._reads.session() as session:
                rows = (await session.execute(
                    select(column, func.count()).where(column.in_(keys)).group_by(column))).all()
            found = dict(rows)
            return [int(found.get(key, 0)) for key in keys]

        return self._loader(batch)

    def _page_by_customer(self) -> Loader:
        """``load((customer_id, offset, limit))`` → that page of the customer's reservations, newest first.

        One query per distinct (offset, limit) for all customers of a list (a window per customer);
        rows as views of all their columns (``resolvers.runtime.rows``).
        """
        keys_of = column_keys(Reservation)
        make = view(Reservation, keys_of)._make  # type: ignore[attr-defined]
        customer_at = keys_of.index("customer_id")

        async def batch(keys: Sequence[tuple[int, int, int]]) -> list[list[Any]]:
            pages: dict[tuple[int, int], list[int]] = defaultdict(list)
            for customer_id, offset, limit in keys:
                pages[(offset, limit)].append(customer_id)
            found: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
            for (offset, limit), ids in pages.items():
                size, parameters = _padded(ids)
                parameters.update(low=offset, high=offset + limit)
                for row in await self._reads.rows(_ranked_reservations(size), parameters):
                    found[(row[customer_at], offset, limit)].append(make(row))
            return [found.get(key, []) for key in keys]

        return self._loader(batch)

    def _page_of(self, model: type, order: tuple[str, ...]) -> Loader:
        """``load((customer_id, offset, limit))`` → that page of the customer's rows of ``model``, in
        ``order`` descending; one query per distinct (offset, limit) for all customers of a list."""
        keys_of = column_keys(model)
        make = view(model, keys_of)._make  # type: ignore[attr-defined]
        customer_at = keys_of.index("customer_id")

        async def batch(keys: Sequence[tuple[int, int, int]]) -> list[list[Any]]:
            pages: dict[tuple[int, int], list[int]] = defaultdict(list)
            for customer_id, offset, limit in keys:
                pages[(offset, limit)].append(customer_id)
            found: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
            for (offset, limit), ids in pages.items():
                size, parameters = _padded(ids)
                parameters.update(low=offset, high=offset + limit)
                for row in await self._reads.rows(_ranked_rows(model, order, size), parameters):
                    found[(row[customer_at], offset, limit)].append(make(row))
            return [found.get(key, []) for key in keys]

        return self._loader(batch)

    def _many_by(self, query: Select[Any]) -> Loader:
        """``load(key)`` → the second column of every row whose first column equals key, in query order
        (an entity there comes as a view of its row, resolvers.runtime.rows)."""
        rows_query, make = _as_rows(query)

        async def batch(keys: Sequence[int]) -> list[list[Any]]:
            rows = await self._reads.rows(*_keyed_by(rows_query, None, keys))
            grouped: dict[int, list[Any]] = defaultdict(list)
            if make is None:
                for key, value in rows:
                    grouped[key].append(value)
            else:
                for row in rows:
                    grouped[row[0]].append(make(row[1:]))
            return [grouped.get(key, []) for key in keys]

        return self._loader(batch)


@lru_cache(maxsize=64)
def _ranked_reservations(size: int) -> Select[Any]:
    """The reservations of ``size`` customers (``_padded``'s parameters), each customer's newest first,
    numbered and cut to ``low < rank <= high``, every column of a reservation; built once per size."""
    rank = func.row_number().over(partition_by=Reservation.customer_id,
                                  order_by=(Reservation.start_at.desc(), Reservation.id.desc()))
    keys = column_keys(Reservation)
    ranked = (select(*(getattr(Reservation, key) for key in keys), rank.label("rank"))
              .where(_keys_in(Reservation.customer_id, size)).subquery())
    return (select(*(ranked.c[key] for key in keys))
            .where(ranked.c.rank > bindparam("low"), ranked.c.rank <= bindparam("high")).order_by(ranked.c.rank))


@lru_cache(maxsize=64)
def _ranked_rows(model: Any, order: tuple[str, ...], size: int) -> Select[Any]:
    """:func:`_ranked_reservations` for another model with a ``customer_id``: ``order`` descending."""
    rank = func.row_number().over(partition_by=model.customer_id,
                                  order_by=[getattr(model, key).desc() for key in order])
    keys = column_keys(model)
    ranked = (select(*(getattr(model, key) for key in keys), rank.label("rank"))
              .where(_keys_in(model.customer_id, size)).subquery())
    return (select(*(ranked.c[key] for key in keys))
            .where(ranked.c.rank > bindparam("low"), ranked.c.rank <= bindparam("high")).order_by(ranked.c.rank))


class Loader(DataLoader[Any, Any]):
    """A dataloader that also holds the values loaded ahead by a list's prefetch (:meth:`fill`):
    a plain map read without a future per value, answered by ``load`` too."""

    def __init__(self, load_fn: Callable[[list[Any]], Awaitable[Sequence[Any]]]) -> None:
        super().__init__(load_fn=load_fn)
        self.values: dict[Any, Any] = {}
        #: (model, key column) of a loader of single rows, which ``Loaders.narrow`` can narrow.
        self.rows: tuple[type, str] | None = None

    def load(self, key: Any) -> Awaitable[Any]:
        try:
            value = self.values[key]
        except KeyError:
            return super().load(key)
        future = self.loop.create_future()
        future.set_result(value)
        return future

    async def fill(self, keys: Sequence[Any]) -> None:
        """Load the ``keys`` not held yet in one batch, into :attr:`values`."""
        missing = [key for key in keys if loaded(self, key) is MISSING]
        if not missing:
            return
        for key, value in zip(missing, await self.load_fn(missing), strict=True):
            if not isinstance(value, BaseException):  # an error per key: left to ``load``, which raises it
                self.values[key] = value


@cache
def _as_rows(query: Select[Any]) -> tuple[Select[Any], Callable[[Any], Any] | None]:
    """A grouped-list query whose second column is an entity, as Core columns with a view maker."""
    entity = query.column_descriptions[1]["expr"]
    if not isinstance(entity, type):
        return query, None
    keys = column_keys(entity)
    columns = (query.selected_columns[0], *(getattr(entity, key) for key in keys))
    return query.with_only_columns(*columns, maintain_column_froms=True), view(entity, keys)._make


KEYS = "keys"
#: Batches up to this many keys are padded to a power of two, each key a parameter of its own:
#: about ten statements per loader, each compiled once (SQLAlchemy's compiled cache) and prepared
#: once by the driver. Larger batches use one expanding ``IN``, rendered per execution.
MAX_PADDED = 1024


def _keyed_by(source: Any, attribute: str | None, keys: Sequence[int], columns: tuple[str, ...] | None = None
              ) -> tuple[Select[Any], dict[str, Any]]:
    """The statement and parameters of one batch: ``= :k0`` for one key (the common lookup),
    ``IN (:k0, …, :kN)`` with the key list padded (with its last key) to a power of two for more."""
    size, parameters = _padded(keys)
    return _keyed(source, attribute, size, columns), parameters


def _padded(keys: Sequence[Any]) -> tuple[int, dict[str, Any]]:
    """The key list's size as a statement takes it (0: an expanding list) and its parameters."""
    if len(keys) > MAX_PADDED:
        return 0, {KEYS: list(keys)}
    size = 1 << (len(keys) - 1).bit_length()
    padded = [*keys, *(keys[-1],) * (size - len(keys))]
    return size, {f"k{n}": key for n, key in enumerate(padded)}


def _keys_in(column: Any, size: int) -> Any:
    """``column`` among ``size`` key parameters (0: one expanding list)."""
    if size == 0:
        return column.in_(bindparam(KEYS, expanding=True))
    if size == 1:
        return column == bindparam("k0")
    return column.in_([bindparam(f"k{n}") for n in range(size)])


@lru_cache(maxsize=1024)
def _keyed(source: Any, attribute: str | None, size: int, columns: tuple[str, ...] | None) -> Select[Any]:
    """A model's ``columns`` narrowed on ``model.<attribute>``, or a grouped-list query (one of this
    module's constants) narrowed on its first column, for ``size`` keys (0: an expanding list);
    built once per process, reused by every batch."""
    if isinstance(source, Select):
        query, column = source, source.selected_columns[0]
    else:  # a model: the columns of its rows (views), as Core
        query = select(*(getattr(source, key) for key in columns or column_keys(source)))
        column = getattr(source, attribute or "id")
    return query.where(_keys_in(column, size))
