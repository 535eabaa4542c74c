"""Caution / blacklist queries and mutations: thin wrappers around services.flags.

Reading the lists is staff work (a customer token is refused); adding, changing and
removing cautions is staff work, the blacklist is the managers' (services.permissions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import BlacklistEntry as BlacklistEntryModel
from models import Caution as CautionModel
from models import Customer as CustomerModel
from resolvers.access import id_or_not_found, staff_reader
from resolvers.mutation import Perform, mutate
from resolvers.pagination import list_page
from resolvers.runtime.context import Info
from schema.inputs.flags import AddFlagInput, ClearBlacklistMatchInput, RemoveFlagInput, UpdateFlagInput
from schema.payloads.flags import (
    BlacklistEntryPayload,
    CautionPayload,
    ClearBlacklistMatchPayload,
    RemoveFlagPayload,
)
from schema.types.flags import BlacklistEntryConnection, CautionConnection
from services import flags as flag_service
from services.actor import Actor
from services.flags import BLACKLIST, CAUTION
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")
First = Annotated[int | None, strawberry.argument(description="件数 (page size; default 50, capped)")]
After = Annotated[str | None, strawberry.argument(description="このカーソルの次から (previous endCursor)")]
P = TypeVar("P")


async def _page(info: Info, connection: Any, model: Any, first: int | None, after: str | None) -> Any:
    staff_reader(info)
    return await list_page(info, connection, model.__name__, None,
                           lambda: (select(model), [model.updated_at.desc(), model.id.desc()]),
                           first=first, after=after)


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


def _add(kind: flag_service.FlagKind, input: AddFlagInput, payload: Callable[[Any], P]) -> Perform[P]:
    async def perform(session: AsyncSession, actor: Actor) -> P:
        customer_id = _customer_id(input.customer_id)
        return payload(await flag_service.add_flag(session, kind, customer_id, input.memo, actor))

    return perform


def _update(kind: flag_service.FlagKind, input: UpdateFlagInput, payload: Callable[[Any], P]) -> Perform[P]:
    async def perform(session: AsyncSession, actor: Actor) -> P:
        entry_id = id_or_not_found(input.id, f"{kind.label}の登録", "id")
        return payload(await flag_service.update_flag(session, kind, entry_id, input.memo, actor))

    return perform


async def _remove(info: Info, kind: flag_service.FlagKind, input: RemoveFlagInput) -> RemoveFlagPayload:
    async def perform(session: AsyncSession, actor: Actor) -> RemoveFlagPayload:
        entry_id = id_or_not_found(input.id, f"{kind.label}の登録", "id")
        customer_id = await flag_service.remove_flag(session, kind, entry_id, actor)
        return RemoveFlagPayload(removed_id=strawberry.ID(str(entry_id)),
                                 customer=await _fresh(session, customer_id))

    return await mutate(info, RemoveFlagPayload, perform, permission=kind.action)


async def _fresh(session: AsyncSession, customer_id: int) -> CustomerModel | None:
    """The customer as this transaction left it (its stored flags rewritten): from the write session,
    not the request's read session, which need not see an uncommitted change."""
    return await session.get(CustomerModel, customer_id, populate_existing=True)


def _caution(row: Any) -> CautionPayload:
    return CautionPayload(caution=row)


def _blacklist_entry(row: Any) -> BlacklistEntryPayload:
    return BlacklistEntryPayload(blacklist_entry=row)


@strawberry.type
class FlagMutation:
    @strawberry.mutation(description="要注意人物に登録 (customer and memo required; one entry per customer; staff)")
    async def add_caution(self, info: Info, input: Annotated[AddFlagInput, INPUT]) -> CautionPayload:
        return await mutate(info, CautionPayload, _add(CAUTION, input, _caution), permission=CAUTION.action)

    @strawberry.mutation(description="要注意人物のメモを変更 (staff)")
    async def update_caution(self, info: Info, input: Annotated[UpdateFlagInput, INPUT]) -> CautionPayload:
        return await mutate(info, CautionPayload, _update(CAUTION, input, _caution),
                            permission=CAUTION.action)

    @strawberry.mutation(description="要注意人物から削除 (the customer stays; staff)")
    async def remove_caution(self, info: Info, input: Annotated[RemoveFlagInput, INPUT]) -> RemoveFlagPayload:
        return await _remove(info, CAUTION, input)

    @strawberry.mutation(description="ブラックリストに登録 (customer and memo required; one entry per customer; "
                                     "managers only)")
    async def add_to_blacklist(self, info: Info, input: Annotated[AddFlagInput, INPUT]) -> BlacklistEntryPayload:
        return await mutate(info, BlacklistEntryPayload, _add(BLACKLIST, input, _blacklist_entry),
                            permission=BLACKLIST.action)

    @strawberry.mutation(description="ブラックリストのメモを変更 (managers only)")
    async def update_blacklist_entry(
        self, info: Info, input: Annotated[UpdateFlagInput, INPUT]
    ) -> BlacklistEntryPayload:
        return await mutate(info, BlacklistEntryPayload, _update(BLACKLIST, input, _blacklist_entry),
                            permission=BLACKLIST.action)

    @strawberry.mutation(description="ブラックリストから削除 (the customer stays; managers only)")
    async def remove_from_blacklist(
        self, info: Info, input: Annotated[RemoveFlagInput, INPUT]
    ) -> RemoveFlagPayload:
        return await _remove(info, BLACKLIST, input)

    @strawberry.mutation(description="ブラックリスト一致の解除 (record that a customer is not the listed "
                                     "person of a matched entry; managers only, audited)")
    async def clear_blacklist_match(
        self, info: Info, input: Annotated[ClearBlacklistMatchInput, INPUT]
    ) -> ClearBlacklistMatchPayload:
        async def perform(session: AsyncSession, actor: Actor) -> ClearBlacklistMatchPayload:
            customer_id = id_or_not_found(input.customer_id, "お客様", "customer_id")
            entry_id = id_or_not_found(input.entry_id, "ブラックリスト登録", "entry_id")
            await flag_service.clear_blacklist_match(session, customer_id, entry_id, actor, input.memo)
            return ClearBlacklistMatchPayload(customer=await _fresh(session, customer_id))

        return await mutate(info, ClearBlacklistMatchPayload, perform, permission=Action.BLACKLIST)
