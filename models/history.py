"""Merge log (統合履歴) and the audit log of every change to customer data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow
from models.types import LabeledEnum, enum_column


class ActorKind(LabeledEnum):
    STAFF = ("STAFF", "スタッフ")
    CUSTOMER = ("CUSTOMER", "お客様")
    SYSTEM = ("SYSTEM", "システム")
    API_CLIENT = ("API_CLIENT", "予約サイト連携")


class MergeLog(Base):
    """統合履歴: the source is gone, so its identity is kept as a snapshot."""

    __tablename__ = "merge_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_customer_id: Mapped[int] = mapped_column(comment="統合元ID")
    source_customer_no: Mapped[str] = mapped_column(String(32), comment="統合元お客様番号")
    source_name: Mapped[str] = mapped_column(String(130), comment="統合元氏名")
    source_email: Mapped[str | None] = mapped_column(String(254), comment="統合元メールアドレス")
    source_phone: Mapped[str | None] = mapped_column(String(20), comment="統合元電話番号")
    target_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True, comment="統合先")
    target_customer_no: Mapped[str] = mapped_column(String(32), comment="統合先お客様番号")
    moved_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, comment="移動件数")
    actor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="実行者")
    merged_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, comment="統合日時")


class AuditLog(Base):
    """変更履歴: who changed what, when (one row per change)."""

    __tablename__ = "audit_logs"
    __table_args__ = (Index("ix_audit_logs_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_kind: Mapped[ActorKind] = enum_column(ActorKind, comment="実行者種別")
    actor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True, comment="実行者(スタッフ)")
    actor_customer_id: Mapped[int | None] = mapped_column(comment="実行者(お客様)")
    actor_api_client_id: Mapped[int | None] = mapped_column(comment="実行者(サイト連携キー)")
    entity: Mapped[str] = mapped_column(String(50), comment="対象")
    entity_id: Mapped[int | None] = mapped_column(comment="対象ID")
    action: Mapped[str] = mapped_column(String(30), comment="操作")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, comment="変更内容")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True, comment="日時")
