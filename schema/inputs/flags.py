"""Inputs of the caution / blacklist mutations (SPEC §7). The service checks memo and ids."""

from __future__ import annotations

import strawberry


@strawberry.input(description="ブラックリスト一致の解除 (a manager clears a false match for one customer)")
class ClearBlacklistMatchInput:
    customer_id: strawberry.ID = strawberry.field(description="顧客ID (the customer wrongly matched)")
    entry_id: strawberry.ID = strawberry.field(description="一致したブラックリスト登録のID (blacklistMatch.entryId)")
    memo: str | None = strawberry.field(default=None, description="解除理由 (why it is not the same person)")
