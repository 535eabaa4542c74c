"""Customer queries and mutations: thin wrappers around services.customers and services.customer_search."""

from __future__ import annotations

from dataclasses import astuple, replace
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer as CustomerModel
from resolvers.access import id_or_not_found, may_read_customer, reader, staff_reader, to_int
from resolvers.errors import graphql_error, invalid_argument
from resolvers.mutation import mutate
from resolvers.pagination import list_page, lookup
from resolvers.runtime.context import Info
from schema.enums import CustomerOrderField, OrderDirection
from schema.inputs import (
    CreateCustomerInput,
    CustomerFilterInput,
    CustomerOrder,
    DeleteCustomerInput,
    RegisterPhoneCustomerInput,
    UpdateCustomerInput,
)
from schema.payloads.customer import (
    CreateCustomerPayload,
    DeleteCustomerPayload,
    RegisterPhoneCustomerPayload,
    UpdateCustomerPayload,
)
from schema.types.customer import Customer, CustomerConnection
from services import customers as customer_service
from services.actor import Actor
from services.customer_search import CustomerFilter, customer_no_key, customer_search_query, order_columns
from services.errors import Collector, DomainError
from services.permissions import Action

CustomerId = Annotated[strawberry.ID, strawberry.argument(description="顧客ID (customer id)")]
INPUT = strawberry.argument(description="入力 (input)")
DEFAULT_ORDER = CustomerOrder(field=CustomerOrderField.CUSTOMER_NO, direction=OrderDirection.ASC)
#: The arguments of every customer list (customers, phoneOnlyCustomers).
FilterArg = Annotated[CustomerFilterInput | None, strawberry.argument(description="検索条件 (search filter)")]
OrderArg = Annotated[CustomerOrder | None,
                     strawberry.argument(description="並び順 (sort order; default customerNo ascending)")]
FirstArg = Annotated[int | None,
                     strawberry.argument(description="件数 (page size; default 50, capped by the server maximum)")]
AfterArg = Annotated[str | None,
                     strawberry.argument(description="このカーソルの次から (pass the previous page's endCursor)")]
#: Input fields that hold ids of other records, with the label used when one does not exist.
ID_FIELDS = {"occupation_id": "職業", "first_visit_motive_id": "初回来店動機"}
ID_LIST_FIELDS = {"inflow_route_ids": "流入経路", "free_item_choice_ids": "フリー項目の選択肢"}


@strawberry.type
class CustomerQuery:
    @strawberry.field(
        description="顧客 (a customer by id; null when absent, or not the token's own customer)"
    )
    async def customer(self, info: Info, id: CustomerId) -> Customer | None:
        actor = reader(info)
        customer_id = to_int(id)
        if customer_id is None or not may_read_customer(actor, customer_id):
            return None
        return await lookup(info, "Customer", CustomerModel.id, customer_id)

    @strawberry.field(description="顧客 (a customer by お客様番号; null when absent, or not the token's own)")
    async def customer_by_no(
        self,
        info: Info,
        customer_no: Annotated[str, strawberry.argument(description="お客様番号 (customer number, exact)")],
    ) -> Customer | None:
        actor = reader(info)
        try:
            number = customer_no_key(customer_no)
        except DomainError as exc:
            raise graphql_error(exc) from None
        return await lookup(info, "Customer", CustomerModel.customer_no, number,
                            lambda customer: may_read_customer(actor, customer.id))

    @strawberry.field(description="顧客一覧 (customer list: basic search, sort, cursor pages; staff only)")
    async def customers(
        self,
        info: Info,
        filter: FilterArg = None,
        order_by: OrderArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> CustomerConnection:
        return await _customer_list(info, filter, order_by, first, after, phone_only=False)

    @strawberry.field(
        description="新規電話予約の一覧 (customers registered by phone whose e-mail is still the placeholder; "
        "they leave it once a real address is saved; search, sort and cursor pages as customers; staff only)")
    async def phone_only_customers(
        self,
        info: Info,
        filter: FilterArg = None,
        order_by: OrderArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> CustomerConnection:
        return await _customer_list(info, filter, order_by, first, after, phone_only=True)


async def _customer_list(info: Info, filter: CustomerFilterInput | None, order_by: CustomerOrder | None,
                         first: int | None, after: str | None, *, phone_only: bool) -> CustomerConnection:
    staff_reader(info)
    try:
        search = replace(_search_filter(filter or CustomerFilterInput()), phone_only=phone_only)
        return await _customer_page(info, search, order_by or DEFAULT_ORDER, first, after)
    except DomainError as exc:
        raise graphql_error(exc) from None


async def _customer_page(
    info: Info, search: CustomerFilter, order: CustomerOrder, first: int | None, after: str | None
) -> CustomerConnection:
    def build() -> tuple[Select[Any], list[Any]]:
        query = customer_search_query(search)  # may refuse the filter (DomainError): nothing kept then
        return query, order_columns(order.field.value, order.direction == OrderDirection.DESC)

    shape = (astuple(search), order.field, order.direction)
    return await list_page(info, CustomerConnection, "Customer", shape, build, first=first, after=after)


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(description="顧客登録 (register a customer; staff only)")
    async def create_customer(
        self, info: Info, input: Annotated[CreateCustomerInput, INPUT]
    ) -> CreateCustomerPayload:
        async def perform(session: AsyncSession, actor: Actor) -> CreateCustomerPayload:
            customer = await customer_service.create_customer(session, _customer_data(input), actor)
            return CreateCustomerPayload(customer=customer)

        return await mutate(info, CreateCustomerPayload, perform, permission=Action.CREATE_CUSTOMER)

    @strawberry.mutation(
        description="新規電話予約 (register a customer taken over the phone: names and phone; the e-mail is "
        "the placeholder <phone>@<domain>; a phone of an active customer is DUPLICATE_PHONE; staff only)")
    async def register_phone_customer(
        self, info: Info, input: Annotated[RegisterPhoneCustomerInput, INPUT]
    ) -> RegisterPhoneCustomerPayload:
        async def perform(session: AsyncSession, actor: Actor) -> RegisterPhoneCustomerPayload:
            customer = await customer_service.register_phone_customer(session, _customer_data(input), actor)
            return RegisterPhoneCustomerPayload(customer=customer)

        return await mutate(info, RegisterPhoneCustomerPayload, perform, permission=Action.CREATE_CUSTOMER)

    @strawberry.mutation(description="顧客情報の変更 (change the given fields of a customer; staff only)")
    async def update_customer(
        self, info: Info, input: Annotated[UpdateCustomerInput, INPUT]
    ) -> UpdateCustomerPayload:
        async def perform(session: AsyncSession, actor: Actor) -> UpdateCustomerPayload:
            # Who may edit depends on the record (a customer token: only its own): the service checks.
            customer_id = id_or_not_found(input.id, "お客様", "id")
            customer = await customer_service.update_customer(session, customer_id, _customer_data(input), actor)
            return UpdateCustomerPayload(customer=customer)

        return await mutate(info, UpdateCustomerPayload, perform)

    @strawberry.mutation(
        description="顧客の削除 (managers only; refused with the reasons while it has "
        "visit history, a LINE link or referrals)"
    )
    async def delete_customer(
        self, info: Info, input: Annotated[DeleteCustomerInput, INPUT]
    ) -> DeleteCustomerPayload:
        async def perform(session: AsyncSession, actor: Actor) -> DeleteCustomerPayload:
            customer_id = id_or_not_found(input.id, "お客様", "id")
            await customer_service.delete_customer(session, customer_id, actor)
            return DeleteCustomerPayload(deleted_id=strawberry.ID(str(customer_id)))

        return await mutate(info, DeleteCustomerPayload, perform, permission=Action.DELETE_CUSTOMER)


def _search_filter(f: CustomerFilterInput) -> CustomerFilter:
    def ref(value: strawberry.ID | None, argument: str) -> int | None:
        if value is None:
            return None
        parsed = to_int(value)
        if parsed is None:
            raise invalid_argument(f"{argument} の形式が正しくありません。")
        return parsed

    return CustomerFilter(
        name=f.name,
        customer_no=f.customer_no,
        phone=f.phone,
        last_menu_id=ref(f.last_menu_id, "lastMenuId"),
        staff_member_id=ref(f.staff_id, "staffId"),
        menu_id=ref(f.menu_id, "menuId"),
        include_withdrawn=f.include_withdrawn,
    )


def _customer_data(input: CreateCustomerInput | UpdateCustomerInput) -> dict[str, Any]:
    """The service's ``data`` dict: the fields given (UNSET = leave as is), ids parsed."""
    data: dict[str, Any] = {}
    errors = Collector()  # every bad id reported at once
    for key in (*customer_service.FIELD_LABELS, *customer_service.COLLECTION_FIELDS):
        value = getattr(input, key, strawberry.UNSET)
        if value is not strawberry.UNSET:
            data[key] = errors.run(_field_value, key, value)
    errors.raise_if_any()
    return data


def _field_value(key: str, value: Any) -> Any:
    if key in ID_FIELDS and value is not None:
        return id_or_not_found(value, ID_FIELDS[key], key)
    if key in ID_LIST_FIELDS:
        return [id_or_not_found(v, ID_LIST_FIELDS[key], key) for v in value or []]
    if key == "attributes":
        return list(value or [])
    return value
