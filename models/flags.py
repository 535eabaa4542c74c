"""要注意人物 and ブラックリスト: one entry per customer, each with a memo."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow
from models.customer import Customer


class _FlagMixin(TimestampMixin):
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), unique=True,
                                             comment="顧客")
    memo: Mapped[str] = mapped_column(Text, comment="メモ")

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="登録者")

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="更新者")

    @declared_attr
    def customer(cls) -> Mapped[Customer]:
        return relationship(Customer, lazy="raise")


class Caution(_FlagMixin, Base):
    """要注意人物: booking allowed, the customer is shown with ❗ and the memo."""

    __tablename__ = "cautions"


class BlacklistEntry(_FlagMixin, Base):
    """ブラックリスト: no reservation can be created for the customer."""

    __tablename__ = "blacklist_entries"

    # Kept from the customer when listed: a LINE id is unique among customers, so once the
    # listed account is unlinked or withdrawn only this copy lets a new account match it.
    line_user_id: Mapped[str | None] = mapped_column(String(64), index=True, comment="登録時のLINEユーザーID")


class BlacklistMatchClearance(Base):
    """ブラックリスト一致の解除: a manager decided this customer is not the blacklisted person.

    Kept per (customer, entry): a later blacklist entry that matches the same customer
    is a new question and warns again.
    """

    __tablename__ = "blacklist_match_clearances"
    __table_args__ = (UniqueConstraint("customer_id", "blacklist_entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True,
                                             comment="顧客")
    blacklist_entry_id: Mapped[int] = mapped_column(
        ForeignKey("blacklist_entries.id", ondelete="CASCADE"), index=True, comment="一致したブラックリスト")
    memo: Mapped[str] = mapped_column(Text, default="", server_default="", comment="解除理由")
    cleared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="解除者")
    cleared_at: Mapped[datetime] = mapped_column(default=utcnow, comment="解除日時")
