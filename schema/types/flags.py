"""要注意人物 / ブラックリスト types, and the blacklist match staff see on a customer (SPEC §3, §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers.runtime.fields import link
from resolvers.runtime.loaders import Loaders
from schema.generate import model_type
from schema.relay import Connection
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

    customer: CustomerType | None = link(Loaders.customer, lambda wrapper: wrapper.match.customer_id,
                                         description="ブラックリストに登録されたお客様 (the listed customer)")


FLAG_COLUMNS = {
    "id": "identifier",
    "memo": "behaviour, past trouble, how to handle",
    "created_at": "registered at",
    "updated_at": "memo last changed at",
}


@model_type(models.Caution, include=FLAG_COLUMNS,
            description="要注意人物 (caution: booking allowed, shown with ❗ and the memo; SPEC §7)")
class Caution:
    customer: CustomerType = link(Loaders.customer, "customer_id", description="お客様 (the customer)")


@model_type(models.BlacklistEntry, include=FLAG_COLUMNS,
            description="ブラックリスト (blacklist entry: no reservation for the customer or a matching "
                        "person; SPEC §3, §7)")
class BlacklistEntry:
    customer: CustomerType = link(Loaders.customer, "customer_id", description="お客様 (the customer)")


@strawberry.type(name="CautionConnection", description="要注意人物一覧 (a page of cautions)")
class CautionConnection(Connection[Caution]):
    pass


@strawberry.type(name="BlacklistEntryConnection", description="ブラックリスト一覧 (a page of blacklist entries)")
class BlacklistEntryConnection(Connection[BlacklistEntry]):
    pass
