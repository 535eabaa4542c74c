"""Caution / blacklist queries and mutations: thin wrappers around services.flags."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.access import acting, id_or_not_found
from schema.context import Info
from schema.errors import user_errors
from schema.inputs.flags import ClearBlacklistMatchInput
from schema.payloads.flags import ClearBlacklistMatchPayload
from services import flags as flag_service
from services.errors import DomainError

INPUT = strawberry.argument(description="入力 (input)")


@strawberry.type
class FlagMutation:
    @strawberry.mutation(description="ブラックリスト一致の解除 (record that a customer is not the listed "
                                     "person of a matched entry; managers only, audited)")
    async def clear_blacklist_match(
        self, info: Info, input: Annotated[ClearBlacklistMatchInput, INPUT]
    ) -> ClearBlacklistMatchPayload:
        try:
            actor = acting(info)
            customer_id = id_or_not_found(input.customer_id, "お客様", "customer_id")
            entry_id = id_or_not_found(input.entry_id, "ブラックリスト登録", "entry_id")
            async with info.context.db.transaction() as session:
                await flag_service.clear_blacklist_match(session, customer_id, entry_id, actor, input.memo)
        except DomainError as exc:
            return ClearBlacklistMatchPayload(errors=user_errors(exc))
        return ClearBlacklistMatchPayload(customer=await info.context.loaders.customer.load(customer_id))
