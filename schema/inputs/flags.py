"""Inputs of the caution / blacklist mutations (SPEC §7). The service checks memo and ids."""

from __future__ import annotations

import strawberry


@strawberry.input(description="ブラックリスト一致の解除 (a manager clears a false match for one customer)")
class ClearBlacklistMatchInput:
    customer_id: strawberry.ID = strawberry.field(description="顧客ID (the customer wrongly matched)")
    entry_id: strawberry.ID = strawberry.field(description="一致したブラックリスト登録のID (blacklistMatch.entryId)")
    memo: str | None = strawberry.field(default=None, description="解除理由 (why it is not the same person)")


@strawberry.input(description="要注意人物・ブラックリストへの登録 (one entry per customer)")
class AddFlagInput:
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="顧客ID (customer id; required)")
    memo: str | None = strawberry.field(
        default=None, description="メモ (required: behaviour, past trouble, how to handle; up to 2000 characters)")


@strawberry.input(description="メモの変更 (change the memo of an entry)")
class UpdateFlagInput:
    id: strawberry.ID = strawberry.field(description="登録のID (entry id)")
    memo: str | None = strawberry.field(default=None, description="メモ (required; up to 2000 characters)")


@strawberry.input(description="登録の削除 (the customer itself is never deleted)")
class RemoveFlagInput:
    id: strawberry.ID = strawberry.field(description="登録のID (entry id)")
