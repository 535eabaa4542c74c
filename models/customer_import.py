"""顧客の一括登録: the log of every import (and dry run), and saved column mappings of other systems' files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from models.base import Base, utcnow
from models.types import LabeledEnum, enum_column


class ImportStatus(LabeledEnum):
    PREVIEW = ("PREVIEW", "確認のみ")
    DONE = ("DONE", "登録済み")


class CustomerImport(Base):
    """One upload: who, when, which file (name and SHA-256), the counts, and every row's result."""

    __tablename__ = "customer_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ImportStatus] = enum_column(ImportStatus, index=True, comment="状態")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, comment="実行日時")
    actor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True, comment="実行者")
    actor_name: Mapped[str] = mapped_column(String(100), default="", server_default="", comment="実行者名")
    file_name: Mapped[str] = mapped_column(String(255), comment="ファイル名")
    file_sha256: Mapped[str] = mapped_column(String(64), index=True, comment="ファイルのハッシュ(SHA-256)")
    file_size: Mapped[int] = mapped_column(comment="ファイルサイズ(バイト)")
    file_kind: Mapped[str] = mapped_column(String(8), comment="形式")
    encoding: Mapped[str | None] = mapped_column(String(16), comment="文字コード")
    headers: Mapped[list[str]] = mapped_column(JSON, default=list, comment="見出し")
    column_mapping: Mapped[list[Any]] = mapped_column(JSON, default=list, comment="列の対応")
    total_rows: Mapped[int] = mapped_column(default=0, server_default="0", comment="行数")
    success_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="成功")
    error_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="データエラー")
    existing_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="すでに存在する顧客")
    #: Every row's result, gzip-compressed JSON (a 100,000-row import stays a few hundred kB).
    results_gz: Mapped[bytes] = deferred(mapped_column(LargeBinary, comment="行ごとの結果"))
    #: The uploaded file, kept only while a dry run waits for 「登録する」.
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, comment="ファイル(確認中のみ)"))

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status.label})"


class ImportColumnMapping(Base):
    """How the columns of one file layout (another system's export) map to customer fields."""

    __tablename__ = "import_column_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), unique=True, comment="見出しの署名")
    headers: Mapped[list[str]] = mapped_column(JSON, comment="見出し")
    mapping: Mapped[list[str]] = mapped_column(JSON, comment="列の対応")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, comment="更新日時")
