"""Referrals (紹介): staff add a link, change its memo and remove it; both customers show it."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer as CustomerModel
from models import Referral as ReferralModel
from resolvers.access import id_or_not_found, to_int
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.inputs.referral import AddReferralInput, RemoveReferralInput, UpdateReferralInput
from schema.payloads.referral import ReferralPayload
from services import referrals
from services.actor import Actor
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")


async def _payload(session: AsyncSession, row: ReferralModel) -> ReferralPayload:
    return ReferralPayload(id=strawberry.ID(str(row.id)), memo=row.memo,
                           referrer=await session.get(CustomerModel, row.referrer_id),
                           referred=await session.get(CustomerModel, row.referred_id))


@strawberry.type
class ReferralMutation:
    @strawberry.mutation(description="紹介の登録 (staff; self-referral and a pair already linked either way refused)")
    async def add_referral(self, info: Info, input: Annotated[AddReferralInput, INPUT]) -> ReferralPayload:
        async def perform(session: AsyncSession, actor: Actor) -> ReferralPayload:
            row = await referrals.add_referral(session, to_int(input.referrer_id), to_int(input.referred_id),
                                               input.memo, actor)
            return await _payload(session, row)

        return await mutate(info, ReferralPayload, perform, permission=Action.MANAGE_REFERRALS)

    @strawberry.mutation(description="紹介のメモの変更 (staff)")
    async def update_referral(self, info: Info, input: Annotated[UpdateReferralInput, INPUT]) -> ReferralPayload:
        async def perform(session: AsyncSession, actor: Actor) -> ReferralPayload:
            referral_id = id_or_not_found(input.id, "紹介", "id")
            return await _payload(session, await referrals.update_referral_memo(session, referral_id, input.memo,
                                                                                actor))

        return await mutate(info, ReferralPayload, perform, permission=Action.MANAGE_REFERRALS)

    @strawberry.mutation(description="紹介の削除 (staff)")
    async def remove_referral(self, info: Info, input: Annotated[RemoveReferralInput, INPUT]) -> ReferralPayload:
        async def perform(session: AsyncSession, actor: Actor) -> ReferralPayload:
            referral_id = id_or_not_found(input.id, "紹介", "id")
            row = await referrals.remove_referral(session, referral_id, actor)
            payload = await _payload(session, row)
            payload.id = None  # the link is gone
            return payload

        return await mutate(info, ReferralPayload, perform, permission=Action.MANAGE_REFERRALS)
