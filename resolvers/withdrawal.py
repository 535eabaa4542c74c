"""退会: a customer withdraws (customer token only); staff read the withdrawals."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Withdrawal as WithdrawalModel
from resolvers.access import staff_reader
from resolvers.mutation import mutate
from resolvers.pagination import list_page
from resolvers.runtime.context import Info
from schema.inputs.withdrawal import WithdrawInput
from schema.payloads.withdrawal import WithdrawPayload
from schema.types.withdrawal import WithdrawalConnection
from services import withdrawal
from services.actor import Actor

INPUT = strawberry.argument(description="入力 (input)")
First = Annotated[int | None, strawberry.argument(description="件数 (page size; default 50, capped)")]
After = Annotated[str | None, strawberry.argument(description="このカーソルの次から (previous endCursor)")]


@strawberry.type
class WithdrawalQuery:
    @strawberry.field(description="退会者一覧 (withdrawals, the latest first; staff only)")
    async def withdrawn_customers(self, info: Info, first: First = None, after: After = None
                                  ) -> WithdrawalConnection:
        staff_reader(info)
        return await list_page(
            info, WithdrawalConnection, "Withdrawal", None,
            lambda: (select(WithdrawalModel), [WithdrawalModel.withdrawn_at.desc(), WithdrawalModel.id.desc()]),
            first=first, after=after)


@strawberry.type
class WithdrawalMutation:
    @strawberry.mutation(
        description="退会 (a customer token only: reason required, at most 255 characters; reservations still to "
        "come are cancelled without a fee; the customer leaves the lists and its tokens stop working)")
    async def withdraw(self, info: Info, input: Annotated[WithdrawInput, INPUT]) -> WithdrawPayload:
        async def perform(session: AsyncSession, actor: Actor) -> WithdrawPayload:
            done = await withdrawal.withdraw(session, input.reason, actor)
            return WithdrawPayload(withdrawn_at=done.withdrawal.withdrawn_at,
                                   cancelled_reservations=len(done.cancelled))

        return await mutate(info, WithdrawPayload, perform)
