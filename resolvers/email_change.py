"""E-mail changes: started by the reservation site's server, confirmed from the new address."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.access import id_or_not_found
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.inputs.email_change import ConfirmEmailChangeInput, StartEmailChangeInput
from schema.payloads.email_change import ConfirmEmailChangePayload, StartEmailChangePayload
from services import email_change
from services.actor import Actor
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")


@strawberry.type
class EmailChangeMutation:
    @strawberry.mutation(
        description="メールアドレス変更の受付 (the reservation site's server: a token to mail to the new address, "
        "valid 24 hours; a customer token cannot set a new address through updateCustomer)")
    async def start_email_change(self, info: Info, input: Annotated[StartEmailChangeInput, INPUT]
                                 ) -> StartEmailChangePayload:
        async def perform(session: AsyncSession, actor: Actor) -> StartEmailChangePayload:
            customer_id = id_or_not_found(input.customer_id, "お客様", "customerId")
            token, expires_at = await email_change.start_email_change(session, customer_id, input.email, actor)
            return StartEmailChangePayload(token=token, expires_at=expires_at)

        return await mutate(info, StartEmailChangePayload, perform, permission=Action.START_EMAIL_CHANGE)

    @strawberry.mutation(
        description="メールアドレス変更の確認 (with the token from the mail: the address is checked and set now; "
        "a customer token confirms only its own change)")
    async def confirm_email_change(self, info: Info, input: Annotated[ConfirmEmailChangeInput, INPUT]
                                   ) -> ConfirmEmailChangePayload:
        async def perform(session: AsyncSession, actor: Actor) -> ConfirmEmailChangePayload:
            customer = await email_change.confirm_email_change(session, input.token, actor)
            return ConfirmEmailChangePayload(customer=customer)

        return await mutate(info, ConfirmEmailChangePayload, perform)
