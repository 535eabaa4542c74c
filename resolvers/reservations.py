"""Reservation queries and mutations: thin wrappers around services.booking.

A customer token sees and changes only its own reservations (others simply do not
exist for it); staff tokens see all. Every mutation runs in one transaction and
returns the service's refusals as ``errors`` (``resolvers.mutation.mutate``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Reservation as ReservationModel
from models import ReservationChannel
from resolvers.access import id_or_not_found, reader, to_int
from resolvers.errors import graphql_error, invalid_argument
from resolvers.mutation import mutate
from resolvers.pagination import list_page, lookup
from resolvers.runtime.context import Info
from schema.inputs import (
    CreateReservationInput,
    HoldSlotInput,
    RescheduleReservationInput,
    ReservationFilterInput,
    ReservationIdInput,
)
from schema.payloads import BookReservationPayload, ReservationPayload
from schema.payloads.reservation import HoldSlotPayload
from schema.types.reservation import Reservation, ReservationConnection
from services import booking
from services.booking import holds as booking_holds
from services.actor import Actor
from services.booking.listing import ORDER, ReservationFilter, reservation_list_shape
from services.booking.rules import MAX_MENUS
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Role, can, role_of

INPUT = strawberry.argument(description="入力 (input)")


def _ref(value: strawberry.ID | None, argument: str) -> int | None:
    if value is None:
        return None
    parsed = to_int(value)
    if parsed is None:
        raise invalid_argument(f"{argument} の形式が正しくありません。")
    return parsed


def _list_filter(f: ReservationFilterInput, actor: Actor) -> ReservationFilter:
    customer_id = _ref(f.customer_id, "customerId")
    if role_of(actor) == Role.CUSTOMER:
        if customer_id not in (None, actor.customer_id):
            customer_id = -1  # another customer's reservations do not exist for this token
        else:
            customer_id = actor.customer_id
    return ReservationFilter(
        date_from=f.date_from, date_to=f.date_to, statuses=tuple(f.statuses or ()),
        staff_member_id=_ref(f.staff_id, "staffId"), customer_id=customer_id, channel=f.channel)


@strawberry.type
class ReservationQuery:
    @strawberry.field(description="予約一覧 (reservations by day range, status, stylist, customer, channel; "
                                  "a customer token sees only its own)")
    async def reservations(
        self, info: Info,
        filter: Annotated[ReservationFilterInput | None, strawberry.argument(description="絞り込み (filter)")] = None,
        first: Annotated[int | None, strawberry.argument(description="件数 (page size; default 50)")] = None,
        after: Annotated[str | None, strawberry.argument(description="このカーソルの次から (endCursor)")] = None,
    ) -> ReservationConnection:
        actor = reader(info)
        if not can(actor, Action.READ_RESERVATIONS, actor.customer_id):
            raise graphql_error(DomainError(ErrorCode.PERMISSION_DENIED, "予約を参照する権限がありません。"))
        try:
            query, parameters = reservation_list_shape(_list_filter(filter or ReservationFilterInput(), actor))
        except DomainError as exc:
            raise graphql_error(exc) from None
        return await list_page(info, ReservationConnection, "Reservation", query, lambda: (query, ORDER),
                               first=first, after=after, parameters=parameters)

    @strawberry.field(description="予約 (a reservation by id; null when absent or not the token's own)")
    async def reservation(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="予約ID")]
    ) -> Reservation | None:
        actor = reader(info)
        reservation_id = to_int(id)
        if reservation_id is None:
            return None
        return await lookup(info, "Reservation", ReservationModel.id, reservation_id,
                            lambda row: can(actor, Action.READ_RESERVATIONS, row.customer_id),
                            sees=("customer_id",))


def _status_change(operation: Callable[..., Awaitable[Any]], input: ReservationIdInput
                   ) -> Callable[[AsyncSession, Actor], Awaitable[ReservationPayload]]:
    async def perform(session: AsyncSession, actor: Actor) -> ReservationPayload:
        reservation_id = id_or_not_found(input.id, "予約", "id")
        return ReservationPayload(reservation=await operation(session, reservation_id, actor))

    return perform


def _ids(values: list[strawberry.ID], what: str, field: str) -> list[int]:
    if len(values) > MAX_MENUS:
        raise DomainError(ErrorCode.INVALID, f"{what}は{MAX_MENUS}個までです。", field)
    return [id_or_not_found(v, what, field) for v in values]


def _booking_request(input: CreateReservationInput, actor: Actor) -> booking.BookingRequest:
    customer_id = actor.customer_id if input.customer_id is None and not actor.is_staff else None
    if input.customer_id is not None:
        customer_id = id_or_not_found(input.customer_id, "お客様", "customerId")
    staff_id = None if input.staff_id is None else id_or_not_found(input.staff_id, "スタッフ", "staffId")
    return booking.BookingRequest(
        customer_id=customer_id, start_at=input.start_at, end_at=input.end_at,
        menu_ids=_ids(input.menu_ids, "メニュー", "menuIds"), staff_member_id=staff_id,
        channel=input.channel or ReservationChannel.STAFF_APP, memo=input.memo, tentative=input.tentative,
        hold_token=input.hold_token, idempotency_key=input.idempotency_key)


def _reschedule(input: RescheduleReservationInput) -> booking.Reschedule:
    def given(value: Any, convert: Callable[[Any], Any] = lambda v: v) -> Any:
        return booking.KEEP if value is strawberry.UNSET else convert(value)

    return booking.Reschedule(
        start_at=given(input.start_at), end_at=given(input.end_at),
        staff_member_id=given(input.staff_id,
                              lambda v: None if v is None else id_or_not_found(v, "スタッフ", "staffId")),
        menu_ids=given(input.menu_ids, lambda v: _ids(v or [], "メニュー", "menuIds")))


@strawberry.type
class ReservationMutation:
    @strawberry.mutation(description="予約の登録 (book; the rules of SPEC §3 for every channel)")
    async def create_reservation(
        self, info: Info, input: Annotated[CreateReservationInput, INPUT]
    ) -> BookReservationPayload:
        async def perform(session: AsyncSession, actor: Actor) -> BookReservationPayload:
            # Who may book for whom depends on the customer (a customer token: only itself):
            # the service checks.
            booked = await booking.create_reservation(session, _booking_request(input, actor), actor)
            return BookReservationPayload(reservation=booked.reservation, warnings=list(booked.warnings))

        return await mutate(info, BookReservationPayload, perform)

    @strawberry.mutation(description="仮押さえ (keep a free slot for the store's hold time; createReservation "
                                     "with the token cannot lose it to anyone else while the hold lasts)")
    async def hold_slot(self, info: Info, input: Annotated[HoldSlotInput, INPUT]) -> HoldSlotPayload:
        async def perform(session: AsyncSession, actor: Actor) -> HoldSlotPayload:
            staff_id = None if input.staff_id is None else id_or_not_found(input.staff_id, "スタッフ", "staffId")
            hold = await booking_holds.hold_slot(session, booking_holds.HoldRequest(
                start_at=input.start_at, menu_ids=_ids(input.menu_ids, "メニュー", "menuIds"),
                staff_member_id=staff_id), actor)
            return HoldSlotPayload(token=hold.token, start_at=hold.start_at, end_at=hold.end_at,
                                   expires_at=hold.expires_at)

        return await mutate(info, HoldSlotPayload, perform)

    @strawberry.mutation(description="来店済みで登録 (record a visit that already happened as 来店済み, the "
                                     "customer's figures updated; staff; the start must be past)")
    async def record_visit(
        self, info: Info, input: Annotated[CreateReservationInput, INPUT]
    ) -> BookReservationPayload:
        async def perform(session: AsyncSession, actor: Actor) -> BookReservationPayload:
            request = dataclasses.replace(_booking_request(input, actor), visited=True, tentative=False)
            booked = await booking.create_reservation(session, request, actor)
            return BookReservationPayload(reservation=booked.reservation, warnings=list(booked.warnings))

        return await mutate(info, BookReservationPayload, perform, permission=Action.MANAGE_RESERVATIONS)

    @strawberry.mutation(description="予約の変更 (time, stylist, menus; the same rules as booking)")
    async def reschedule_reservation(
        self, info: Info, input: Annotated[RescheduleReservationInput, INPUT]
    ) -> BookReservationPayload:
        async def perform(session: AsyncSession, actor: Actor) -> BookReservationPayload:
            reservation_id = id_or_not_found(input.id, "予約", "id")
            booked = await booking.reschedule_reservation(session, reservation_id, _reschedule(input), actor)
            return BookReservationPayload(reservation=booked.reservation, warnings=list(booked.warnings))

        return await mutate(info, BookReservationPayload, perform)

    @strawberry.mutation(description="お客様都合のキャンセル (before the deadline キャンセル; after it "
                                     "キャンセル料未払い, a 直前キャンセル; a customer token cancels its own)")
    async def cancel_reservation(self, info: Info, input: Annotated[ReservationIdInput, INPUT]) -> ReservationPayload:
        return await mutate(info, ReservationPayload, _status_change(booking.cancel_by_customer, input))

    @strawberry.mutation(description="店舗都合のキャンセル (staff; never counts against the customer)")
    async def cancel_reservation_by_store(
        self, info: Info, input: Annotated[ReservationIdInput, INPUT]
    ) -> ReservationPayload:
        return await _staff_change(info, booking.cancel_by_store, input)

    @strawberry.mutation(description="予約確定 (仮予約中 → 予約中来店前 or 事前決済未払い; staff)")
    async def confirm_reservation(self, info: Info, input: Annotated[ReservationIdInput, INPUT]) -> ReservationPayload:
        return await _staff_change(info, booking.confirm_reservation, input)

    @strawberry.mutation(description="事前決済の入金 (→ 事前決済支払い済み; staff)")
    async def record_prepayment(self, info: Info, input: Annotated[ReservationIdInput, INPUT]) -> ReservationPayload:
        return await _staff_change(info, booking.record_prepayment, input)

    @strawberry.mutation(description="来店 (→ 来店済み; staff)")
    async def mark_visited(self, info: Info, input: Annotated[ReservationIdInput, INPUT]) -> ReservationPayload:
        return await _staff_change(info, booking.mark_visited, input)

    @strawberry.mutation(description="無断キャンセル (no-show: → キャンセル料未払い, a 直前キャンセル; staff)")
    async def mark_no_show(self, info: Info, input: Annotated[ReservationIdInput, INPUT]) -> ReservationPayload:
        return await _staff_change(info, booking.mark_no_show, input)

    @strawberry.mutation(description="キャンセル料の支払い (→ キャンセル, with who and when; staff)")
    async def pay_cancellation_fee(
        self, info: Info, input: Annotated[ReservationIdInput, INPUT]
    ) -> ReservationPayload:
        return await _staff_change(info, booking.pay_cancellation_fee, input)

    @strawberry.mutation(description="キャンセル料の取り消し (waive: → キャンセル, with who and when; staff)")
    async def waive_cancellation_fee(
        self, info: Info, input: Annotated[ReservationIdInput, INPUT]
    ) -> ReservationPayload:
        return await _staff_change(info, booking.waive_cancellation_fee, input)


async def _staff_change(info: Info, operation: Callable[..., Awaitable[Any]],
                        input: ReservationIdInput) -> ReservationPayload:
    return await mutate(info, ReservationPayload, _status_change(operation, input),
                        permission=Action.MANAGE_RESERVATIONS)
