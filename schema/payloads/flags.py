"""Payloads of the caution / blacklist mutations: the result (null on failure) and ``errors``."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer
from schema.types.flags import BlacklistEntry, Caution


@strawberry.type(description="ブラックリスト一致の解除の結果 (clearBlacklistMatch result)")
class ClearBlacklistMatchPayload:
    customer: Customer | None = strawberry.field(default=None, description="顧客 (the customer, re-checked)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="要注意人物の登録・変更の結果 (addCaution / updateCaution result)")
class CautionPayload:
    caution: Caution | None = strawberry.field(default=None, description="要注意人物 (the entry)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="ブラックリストの登録・変更の結果 (addToBlacklist / updateBlacklistEntry result)")
class BlacklistEntryPayload:
    blacklist_entry: BlacklistEntry | None = strawberry.field(default=None, description="ブラックリスト (the entry)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="登録の削除の結果 (removeCaution / removeFromBlacklist result)")
class RemoveFlagPayload:
    removed_id: strawberry.ID | None = strawberry.field(default=None, description="削除した登録のID (entry id)")
    customer: Customer | None = strawberry.field(default=None, description="お客様 (the customer, untouched)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
