"""Caution / blacklist queries and mutations: thin wrappers around services.flags.

Reading the lists is staff work (a customer token is refused); adding, changing and
removing cautions is staff work, the blacklist is the managers' (services.permissions).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from models import BlacklistEntry as BlacklistEntryModel
from models import Caution as CautionModel
from resolvers.access import acting, id_or_not_found, staff_reader
from resolvers.pagination import paginate
from schema.context import Info
from schema.errors import user_errors
from schema.inputs.flags import AddFlagInput, ClearBlacklistMatchInput, RemoveFlagInput, UpdateFlagInput
from schema.payloads.flags import (
    BlacklistEntryPayload,
    CautionPayload,
    ClearBlacklistMatchPayload,
    RemoveFlagPayload,
)
from schema.types.flags import BlacklistEntryConnection, CautionConnection
from services import flags as flag_service
from services.errors import DomainError

INPUT = strawberry.argument(description="入力 (input)")
First = Annotated[int | None, strawberry.argument(description="件数 (page size; default 50, capped)")]
After = Annotated[str | None, strawberry.argument(description="このカーソルの次から (previous endCursor)")]


async def _page(info: Info, connection: Any, model: Any, first: int | None, after: str | None) -> Any:
    staff_reader(info)
    return await paginate(info.context.reads, connection, select(model), [model.updated_at.desc(), model.id.desc()],
                          first=first, after=after, max_size=info.context.settings.graphql_max_page_size)


@strawberry.type
class FlagQuery:
    @strawberry.field(description="要注意人物一覧 (cautions, most recently changed first; staff only)")
    async def cautions(self, info: Info, first: First = None, after: After = None) -> CautionConnection:
        return await _page(info, CautionConnection, CautionModel, first, after)

    @strawberry.field(description="ブラックリスト一覧 (blacklist entries, most recently changed first; staff only)")
    async def blacklist(self, info: Info, first: First = None, after: After = None) -> BlacklistEntryConnection:
        return await _page(info, BlacklistEntryConnection, BlacklistEntryModel, first, after)


def _customer_id(value: strawberry.ID | None) -> int | None:
    return None if value is None else id_or_not_found(value, "お客様", "customer_id")


async def _add(info: Info, kind: flag_service.FlagKind, input: AddFlagInput) -> Any:
    actor = acting(info)
    async with info.context.db.transaction() as session:
        return await flag_service.add_flag(session, kind, _customer_id(input.customer_id), input.memo, actor)


async def _update(info: Info, kind: flag_service.FlagKind, input: UpdateFlagInput) -> Any:
    actor = acting(info)
    entry_id = id_or_not_found(input.id, f"{kind.label}の登録", "id")
    async with info.context.db.transaction() as session:
        return await flag_service.update_flag(session, kind, entry_id, input.memo, actor)


async def _remove(info: Info, kind: flag_service.FlagKind, input: RemoveFlagInput) -> RemoveFlagPayload:
    try:
        actor = acting(info)
        entry_id = id_or_not_found(input.id, f"{kind.label}の登録", "id")
        async with info.context.db.transaction() as session:
            customer_id = await flag_service.remove_flag(session, kind, entry_id, actor)
    except DomainError as exc:
        return RemoveFlagPayload(errors=user_errors(exc))
    return RemoveFlagPayload(removed_id=strawberry.ID(str(entry_id)),
                             customer=await info.context.loaders.customer.load(customer_id))


@strawberry.type
class FlagMutation:
    @strawberry.mutation(description="要注意人物に登録 (customer and memo required; one entry per customer; staff)")
    async def add_caution(self, info: Info, input: Annotated[AddFlagInput, INPUT]) -> CautionPayload:
        try:
            return CautionPayload(caution=await _add(info, flag_service.CAUTION, input))
        except DomainError as exc:
            return CautionPayload(errors=user_errors(exc))

    @strawberry.mutation(description="要注意人物のメモを変更 (staff)")
    async def update_caution(self, info: Info, input: Annotated[UpdateFlagInput, INPUT]) -> CautionPayload:
        try:
            return CautionPayload(caution=await _update(info, flag_service.CAUTION, input))
        except DomainError as exc:
            return CautionPayload(errors=user_errors(exc))

    @strawberry.mutation(description="要注意人物から削除 (the customer stays; staff)")
    async def remove_caution(self, info: Info, input: Annotated[RemoveFlagInput, INPUT]) -> RemoveFlagPayload:
        return await _remove(info, flag_service.CAUTION, input)

    @strawberry.mutation(description="ブラックリストに登録 (customer and memo required; one entry per customer; "
                                     "managers only)")
    async def add_to_blacklist(self, info: Info, input: Annotated[AddFlagInput, INPUT]) -> BlacklistEntryPayload:
        try:
            return BlacklistEntryPayload(blacklist_entry=await _add(info, flag_service.BLACKLIST, input))
        except DomainError as exc:
            return BlacklistEntryPayload(errors=user_errors(exc))

    @strawberry.mutation(description="ブラックリストのメモを変更 (managers only)")
    async def update_blacklist_entry(
        self, info: Info, input: Annotated[UpdateFlagInput, INPUT]
    ) -> BlacklistEntryPayload:
        try:
            return BlacklistEntryPayload(blacklist_entry=await _update(info, flag_service.BLACKLIST, input))
        except DomainError as exc:
            return BlacklistEntryPayload(errors=user_errors(exc))

    @strawberry.mutation(description="ブラックリストから削除 (the customer stays; managers only)")
    async def remove_from_blacklist(
        self, info: Info, input: Annotated[RemoveFlagInput, INPUT]
    ) -> RemoveFlagPayload:
        return await _remove(info, flag_service.BLACKLIST, input)

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
