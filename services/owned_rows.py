"""Rows a customer owns: every foreign key to ``customers.id``, with what a merge and a delete do to it.

One list, checked against ``Base.metadata`` by a test: a new table that refers to customers fails
that test until it is classified here, so a merge never leaves rows behind on a deleted source and a
safe deletion never misses history. Safe deletion (``services.customers``) reads it; the merge
service moves rows by it.

- ``OnDelete.BLOCKS``: the customer may not be deleted while such a row exists (history: visits,
  karte, tickets, referrals); the foreign key is ``RESTRICT``, so the database refuses too.
- ``OnDelete.CASCADE``: the row goes with the customer (tokens, attributes, cautions …).
- ``OnDelete.KEEP``: the row stays and forgets the customer (``SET NULL``: the merge history).

- ``OnMerge.MOVE``: re-pointed to the target.
- ``OnMerge.MOVE_DISTINCT``: re-pointed unless the target already has the same value (set-like rows:
  attributes, inflow routes, free-item answers).
- ``OnMerge.MOVE_ONE``: one per customer (a caution, a blacklist entry): moved when the target has
  none, otherwise the source's memo is kept on the target's entry.
- ``OnMerge.DROP``: deleted with the source (its tokens stop working).
- ``OnMerge.KEEP``: left as it is (the merge history names both customers itself).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Base
from services.errors import ErrorCode


class OnDelete(enum.Enum):
    BLOCKS = "blocks"
    CASCADE = "cascade"
    KEEP = "keep"


class OnMerge(enum.Enum):
    MOVE = "move"
    MOVE_DISTINCT = "move distinct"
    MOVE_ONE = "move one"
    DROP = "drop"
    KEEP = "keep"


#: What the database does on delete, for each of our rules (a test keeps them in step).
FK_ONDELETE = {OnDelete.BLOCKS: "RESTRICT", OnDelete.CASCADE: "CASCADE", OnDelete.KEEP: "SET NULL"}


@dataclass(frozen=True)
class OwnedRows:
    table: str
    column: str
    label: str
    on_delete: OnDelete
    on_merge: OnMerge
    #: Why a delete is refused while such a row exists (BLOCKS only).
    blocks_with: ErrorCode | None = None


_H, _R = ErrorCode.HAS_VISIT_HISTORY, ErrorCode.HAS_REFERRALS
B, C, K = OnDelete.BLOCKS, OnDelete.CASCADE, OnDelete.KEEP

REGISTRY: tuple[OwnedRows, ...] = (
    OwnedRows("reservations", "customer_id", "予約", B, OnMerge.MOVE, _H),
    OwnedRows("sales_reports", "customer_id", "営業報告", B, OnMerge.MOVE, _H),
    OwnedRows("karte_entries", "customer_id", "カルテ", B, OnMerge.MOVE, _H),
    OwnedRows("karte_images", "customer_id", "カルテ画像", B, OnMerge.MOVE, _H),
    OwnedRows("visit_memos", "customer_id", "来店メモ", B, OnMerge.MOVE, _H),
    OwnedRows("ticket_purchases", "customer_id", "回数券", B, OnMerge.MOVE, _H),
    OwnedRows("referrals", "referrer_id", "紹介（紹介者として）", B, OnMerge.MOVE_DISTINCT, _R),
    OwnedRows("referrals", "referred_id", "紹介（紹介された人として）", B, OnMerge.MOVE_DISTINCT, _R),
    OwnedRows("customer_attributes", "customer_id", "顧客属性", C, OnMerge.MOVE_DISTINCT),
    OwnedRows("customer_inflow_routes", "customer_id", "流入経路", C, OnMerge.MOVE_DISTINCT),
    OwnedRows("customer_free_item_values", "customer_id", "フリー項目", C, OnMerge.MOVE_DISTINCT),
    OwnedRows("cautions", "customer_id", "要注意人物", C, OnMerge.MOVE_ONE),
    OwnedRows("blacklist_entries", "customer_id", "ブラックリスト", C, OnMerge.MOVE_ONE),
    OwnedRows("blacklist_match_clearances", "customer_id", "ブラックリスト一致の解除", C, OnMerge.MOVE_DISTINCT),
    OwnedRows("withdrawals", "customer_id", "退会", C, OnMerge.KEEP),
    OwnedRows("api_tokens", "customer_id", "お客様トークン", C, OnMerge.DROP),
    OwnedRows("email_changes", "customer_id", "メールアドレス変更の確認", C, OnMerge.DROP),
    OwnedRows("merge_logs", "target_customer_id", "統合履歴", K, OnMerge.KEEP),
)


def customer_foreign_keys(metadata: MetaData = Base.metadata) -> dict[tuple[str, str], str]:
    """Every ``(table, column)`` referring to ``customers.id`` → its ``ON DELETE`` rule."""
    found: dict[tuple[str, str], str] = {}
    for table in metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "customers" and fk.column.name == "id":
                found[(table.name, fk.parent.name)] = (fk.ondelete or "NO ACTION").upper()
    return found


def unclassified(metadata: MetaData = Base.metadata) -> set[tuple[str, str]]:
    """Foreign keys to customers that :data:`REGISTRY` does not say how to treat."""
    return set(customer_foreign_keys(metadata)) - {(r.table, r.column) for r in REGISTRY}


def _column(entry: OwnedRows):
    table: Table = Base.metadata.tables[entry.table]
    return table.c[entry.column]


async def deletion_blocks(session: AsyncSession, customer_id: int) -> set[ErrorCode]:
    """The reasons (codes) of the BLOCKS rows this customer has; empty when none exist."""
    by_code: dict[ErrorCode, list] = {}
    for entry in REGISTRY:
        if entry.on_delete is OnDelete.BLOCKS:
            assert entry.blocks_with is not None
            by_code.setdefault(entry.blocks_with, []).append(exists().where(_column(entry) == customer_id))
    found: set[ErrorCode] = set()
    for code, clauses in by_code.items():
        if await session.scalar(select(or_(*clauses))):
            found.add(code)
    return found
