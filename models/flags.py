"""要注意人物 and ブラックリスト: one entry per customer, each with a memo."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from models.base import Base, TimestampMixin
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
