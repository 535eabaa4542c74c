"""LINE linking (the reservation site's server, site credential) and unlinking (staff)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.access import id_or_not_found
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.inputs.line import LinkLineAccountInput, UnlinkLineAccountInput
from schema.payloads.line import LinkLineAccountPayload, UnlinkLineAccountPayload
from services import line_link
from services.actor import Actor
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")


@strawberry.type
class LineMutation:
    @strawberry.mutation(
        description="LINE連携 (site credential only: the customer with the same full name and e-mail is linked, "
        "otherwise a new customer is registered with path LINE; then issueCustomerToken)")
    async def link_line_account(self, info: Info, input: Annotated[LinkLineAccountInput, INPUT]
                                ) -> LinkLineAccountPayload:
        async def perform(session: AsyncSession, actor: Actor) -> LinkLineAccountPayload:
            profile = line_link.LineProfile(
                line_user_id=input.line_user_id, display_name=input.display_name, picture_url=input.picture_url,
                last_name=input.last_name, first_name=input.first_name, email=input.email)
            result = await line_link.link_line_account(session, profile, actor)
            return LinkLineAccountPayload(customer=result.customer, created=result.created, linked=result.linked)

        return await mutate(info, LinkLineAccountPayload, perform, permission=Action.LINK_LINE_ACCOUNT)

    @strawberry.mutation(description="LINE連携の解除 (staff; recorded; the customer's tokens stop working)")
    async def unlink_line_account(self, info: Info, input: Annotated[UnlinkLineAccountInput, INPUT]
                                  ) -> UnlinkLineAccountPayload:
        async def perform(session: AsyncSession, actor: Actor) -> UnlinkLineAccountPayload:
            customer_id = id_or_not_found(input.customer_id, "お客様", "customerId")
            customer = await line_link.unlink_line_account(session, customer_id, actor)
            return UnlinkLineAccountPayload(customer=customer)

        return await mutate(info, UnlinkLineAccountPayload, perform, permission=Action.UNLINK_LINE_ACCOUNT)
