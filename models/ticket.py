"""回数券: ticket menus, purchases, uses and expiry changes.

Refund and transfer do not exist: a purchase's customer never changes except by
a merge, and there is no refund column.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow
from models.customer import Customer
from models.staff import StaffAccount, StaffMember
from models.store import Menu

ticket_menu_staff = Table(
    "ticket_menu_staff",
    Base.metadata,
    Column("ticket_menu_id", ForeignKey("ticket_menus.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_member_id", ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

ticket_menu_menus = Table(
    "ticket_menu_menus",
    Base.metadata,
    Column("ticket_menu_id", ForeignKey("ticket_menus.id", ondelete="CASCADE"), primary_key=True),
    Column("menu_id", ForeignKey("menus.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TicketMenu(TimestampMixin, Base):
    """回数券メニュー."""

    __tablename__ = "ticket_menus"
    __table_args__ = (
        CheckConstraint("uses > 0", name="uses_positive"),
        CheckConstraint("validity_days > 0", name="validity_positive"),
        CheckConstraint("price >= 0", name="price_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, comment="回数券名")
    price: Mapped[int] = mapped_column(comment="価格(円)")
    validity_days: Mapped[int] = mapped_column(comment="有効期間(日)")
    uses: Mapped[int] = mapped_column(comment="使用回数")
    active: Mapped[bool] = mapped_column(default=True, server_default="1", comment="販売中")

    staff_members: Mapped[list[StaffMember]] = relationship(secondary=ticket_menu_staff, lazy="raise")
    menus: Mapped[list[Menu]] = relationship(secondary=ticket_menu_menus, lazy="raise")

    def __str__(self) -> str:
        return self.name


class TicketPurchase(TimestampMixin, Base):
    """回数券の購入: belongs to its buyer for good."""

    __tablename__ = "ticket_purchases"
    __table_args__ = (
        CheckConstraint("total_uses > 0", name="total_positive"),
        CheckConstraint("used_count >= 0 AND used_count <= total_uses", name="used_in_range"),
        CheckConstraint("expires_on >= purchased_on", name="expiry_after_purchase"),
        Index("ix_ticket_purchases_customer_expiry", "customer_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), comment="顧客")
    ticket_menu_id: Mapped[int] = mapped_column(ForeignKey("ticket_menus.id", ondelete="RESTRICT"),
                                                index=True, comment="回数券")
    purchased_on: Mapped[date] = mapped_column(comment="購入日")
    expires_on: Mapped[date] = mapped_column(index=True, comment="有効期限")
    total_uses: Mapped[int] = mapped_column(comment="使用回数")
    used_count: Mapped[int] = mapped_column(default=0, server_default="0", comment="使用済み回数")
    price_paid: Mapped[int] = mapped_column(default=0, server_default="0", comment="購入金額(円)")

    customer: Mapped[Customer] = relationship(lazy="raise")
    ticket_menu: Mapped[TicketMenu] = relationship(lazy="raise")
    expiry_changes: Mapped[list[TicketExpiryChange]] = relationship(
        lazy="raise", order_by="TicketExpiryChange.changed_at", viewonly=True)

    @property
    def remaining(self) -> int:
        return self.total_uses - self.used_count


class TicketUse(Base):
    """A reservation consuming one or more uses of a purchase."""

    __tablename__ = "ticket_uses"
    __table_args__ = (
        UniqueConstraint("purchase_id", "reservation_id"),
        CheckConstraint("uses > 0", name="uses_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("ticket_purchases.id", ondelete="RESTRICT"),
                                             index=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id", ondelete="CASCADE"),
                                                index=True)
    uses: Mapped[int] = mapped_column(default=1, server_default="1", comment="使用回数")
    used_at: Mapped[datetime] = mapped_column(default=utcnow, comment="使用日時")


class TicketExpiryChange(Base):
    """有効期限変更の記録 (who, when, old, new)."""

    __tablename__ = "ticket_expiry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("ticket_purchases.id", ondelete="CASCADE"),
                                             index=True)
    old_expires_on: Mapped[date] = mapped_column(comment="変更前の有効期限")
    new_expires_on: Mapped[date] = mapped_column(comment="変更後の有効期限")
    reason: Mapped[str | None] = mapped_column(Text, comment="理由")
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="変更者")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, comment="変更日時")

    changed_by: Mapped[StaffAccount | None] = relationship(lazy="raise")
