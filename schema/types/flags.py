"""要注意人物 / ブラックリスト types: the blacklist match staff see on a customer (SPEC §3, §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.context import Info
from services.flags import BlacklistMatch as Match

if TYPE_CHECKING:
    from schema.types.customer import Customer

CustomerType = Annotated["Customer", strawberry.lazy("schema.types.customer")]


@strawberry.type(description="ブラックリスト一致 (why a customer counts as blacklisted: its own entry, or "
                             "another customer's entry it matches by kana name + phone, e-mail or LINE id)")
class BlacklistMatch:
    match: strawberry.Private[Match]

    @strawberry.field(description="一致したブラックリスト登録のID (the matched blacklist entry)")
    def entry_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.match.entry_id))

    @strawberry.field(description="ブラックリストに登録されたお客様番号 (customer number of the listed customer)")
    def customer_no(self) -> str:
        return self.match.customer_no

    @strawberry.field(description="一致の理由 (grounds, in Japanese, e.g. カナ氏名と電話番号が一致)")
    def reasons(self) -> list[str]:
        return list(self.match.reasons)

    @strawberry.field(description="ブラックリストのメモ (the entry's memo)")
    def memo(self) -> str:
        return self.match.memo

    @strawberry.field(description="ブラックリストに登録されたお客様 (the listed customer)")
    async def customer(self, info: Info) -> CustomerType | None:
        return await info.context.loaders.customer.load(self.match.customer_id)
