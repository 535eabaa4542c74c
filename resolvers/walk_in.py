"""Walk-ins (非会員): recorded and registered as customers by staff, listed by day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.access import id_or_not_found, staff_reader, to_int
from resolvers.errors import graphql_error
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.inputs.walk_in import RecordWalkInInput, RegisterNonMemberInput
from schema.payloads.walk_in import RecordWalkInPayload, RegisterNonMemberPayload
from schema.types.reservation import Reservation
from services.actor import Actor
from services.booking import walk_in
from services.errors import DomainError
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")


@strawberry.type
class WalkInQuery:
    @strawberry.field(description="非会員一覧 (the walk-ins of one salon day, Japan time, by time; staff only)")
    async def non_members(self, info: Info,
                          date: Annotated[date, strawberry.argument(description="日付 (the day)")]) -> list[Reservation]:
        actor = staff_reader(info)
        try:
            async with info.context.reads.session() as session:
                return await walk_in.non_members(session, date, actor)
        except DomainError as exc:
            raise graphql_error(exc) from exc


@strawberry.type
class WalkInMutation:
    @strawberry.mutation(description="非会員の来店の記録 (staff: a guest without a customer record, 来店済み)")
    async def record_walk_in(self, info: Info, input: Annotated[RecordWalkInInput, INPUT]) -> RecordWalkInPayload:
        async def perform(session: AsyncSession, actor: Actor) -> RecordWalkInPayload:
            menu_ids = [id_or_not_found(m, "メニュー", "menuIds") for m in input.menu_ids]
            staff_id = None if input.staff_id is None else id_or_not_found(input.staff_id, "スタッフ", "staffId")
            visit = await walk_in.record_walk_in(session, walk_in.WalkIn(
                guest_name=input.guest_name, guest_phone=input.guest_phone, start_at=input.start_at,
                menu_ids=menu_ids, staff_member_id=staff_id, memo=input.memo), actor)
            return RecordWalkInPayload(reservation=visit)

        return await mutate(info, RecordWalkInPayload, perform, permission=Action.MANAGE_RESERVATIONS)

    @strawberry.mutation(description="非会員の会員登録 (staff: one or several visits of the same guest become a new "
                         "customer's, counted in its figures)")
    async def register_non_member(self, info: Info, input: Annotated[RegisterNonMemberInput, INPUT]
                                  ) -> RegisterNonMemberPayload:
        async def perform(session: AsyncSession, actor: Actor) -> RegisterNonMemberPayload:
            ids = [to_int(i) for i in input.reservation_ids]
            if any(i is None for i in ids):
                id_or_not_found(None, "来店", "reservationIds")
            data = {"last_name": input.last_name, "first_name": input.first_name,
                    "last_name_kana": input.last_name_kana, "first_name_kana": input.first_name_kana,
                    "phone": input.phone, "customer_no": input.customer_no}
            customer = await walk_in.register_non_member(session, [i for i in ids if i is not None], data, actor)
            return RegisterNonMemberPayload(customer=customer)

        return await mutate(info, RegisterNonMemberPayload, perform, permission=Action.CREATE_CUSTOMER)
