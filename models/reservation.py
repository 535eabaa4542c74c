"""予約: reservations, their menus, statuses and cancellation data.

A reservation without a customer is a walk-in (非会員) visit identified by
``guest_name`` until it is turned into a customer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin
from models.customer import Customer
from models.staff import StaffAccount, StaffMember
from models.store import Menu
from models.types import LabeledEnum, enum_column


class ReservationStatus(LabeledEnum):
    TENTATIVE = ("TENTATIVE", "仮予約中")
    PREPAYMENT_UNPAID = ("PREPAYMENT_UNPAID", "事前決済未払い")
    BOOKED = ("BOOKED", "予約中来店前")
    PREPAID = ("PREPAID", "事前決済支払い済み")
    VISITED = ("VISITED", "来店済み")
    CANCEL_FEE_UNPAID = ("CANCEL_FEE_UNPAID", "キャンセル料未払い")
    STORE_CANCELLED_PREPAID = ("STORE_CANCELLED_PREPAID", "事前決済店舗都合キャンセル")
    CANCELLED = ("CANCELLED", "キャンセル")


#: Statuses that exist only when the store uses prepayment (事前決済機能を利用する).
PREPAYMENT_ONLY_STATUSES = frozenset(
    {
        ReservationStatus.PREPAYMENT_UNPAID,
        ReservationStatus.PREPAID,
        ReservationStatus.STORE_CANCELLED_PREPAID,
    }
)


class ReservationChannel(LabeledEnum):
    SITE = ("SITE", "予約サイト・LINE")
    ADMIN = ("ADMIN", "管理画面")
    STAFF_APP = ("STAFF_APP", "スタッフアプリ")
    PHONE = ("PHONE", "電話")
    WALK_IN = ("WALK_IN", "来店(飛び込み)")


class CancelKind(LabeledEnum):
    CUSTOMER = ("CUSTOMER", "お客様都合(期限前)")
    LATE = ("LATE", "直前キャンセル")
    NO_SHOW = ("NO_SHOW", "無断キャンセル")
    STORE = ("STORE", "店舗都合")


class Reservation(TimestampMixin, Base):
    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("customer_id IS NOT NULL OR guest_name IS NOT NULL", name="customer_or_guest"),
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("cancel_fee_yen >= 0", name="fee_nonneg"),
        Index("ix_reservations_customer_start", "customer_id", "start_at"),
        Index("ix_reservations_staff_start", "staff_member_id", "start_at"),
        Index("ix_reservations_staff_customer", "staff_member_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), comment="顧客")
    guest_name: Mapped[str | None] = mapped_column(String(100), comment="非会員名")
    guest_phone: Mapped[str | None] = mapped_column(String(20), comment="非会員電話番号")
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), comment="担当スタッフ")
    start_at: Mapped[datetime] = mapped_column(index=True, comment="開始日時")
    end_at: Mapped[datetime] = mapped_column(comment="終了日時")
    channel: Mapped[ReservationChannel] = enum_column(ReservationChannel, comment="予約経路")
    status: Mapped[ReservationStatus] = enum_column(ReservationStatus, index=True, comment="予約ステータス")
    memo: Mapped[str | None] = mapped_column(Text, comment="メモ")
    visited_at: Mapped[datetime | None] = mapped_column(comment="来店日時")
    cancelled_at: Mapped[datetime | None] = mapped_column(comment="キャンセル日時")
    cancel_kind: Mapped[CancelKind | None] = enum_column(CancelKind, nullable=True, comment="キャンセル区分")
    is_late_cancel: Mapped[bool] = mapped_column(default=False, server_default="0", comment="直前キャンセル")
    cancel_fee_yen: Mapped[int] = mapped_column(default=0, server_default="0", comment="キャンセル料(円)")
    #: Set when staff move a reservation after its cancellation deadline: the moved reservation keeps
    #: that deadline, so a reschedule cannot turn a late cancellation into a free one.
    cancel_deadline_at: Mapped[datetime | None] = mapped_column(comment="キャンセル期限（変更前の予約から引き継ぎ）")
    cancel_fee_paid_at: Mapped[datetime | None] = mapped_column(comment="キャンセル料支払日時")
    cancel_fee_paid_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="キャンセル料受領者")
    cancel_fee_waived_at: Mapped[datetime | None] = mapped_column(comment="キャンセル料取消日時")
    cancel_fee_waived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="キャンセル料取消者")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="登録者")
    #: The client's key for retrying a booking safely (createReservation's idempotencyKey) and a hash
    #: of the request it came with: a retry returns this reservation, another request is refused.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, comment="冪等キー")
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64), comment="冪等キーの要求内容")
    #: 指名なし: the customer chose no stylist and the store's rule picked ``staff_member_id``.
    auto_assigned: Mapped[bool] = mapped_column(server_default="0", comment="指名なし（自動割当）")

    customer: Mapped[Customer | None] = relationship(lazy="raise")
    staff_member: Mapped[StaffMember | None] = relationship(lazy="raise")
    cancel_fee_waived_by: Mapped[StaffAccount | None] = relationship(
        foreign_keys=[cancel_fee_waived_by_id], lazy="raise")
    cancel_fee_paid_by: Mapped[StaffAccount | None] = relationship(
        foreign_keys=[cancel_fee_paid_by_id], lazy="raise")
    items: Mapped[list[ReservationMenu]] = relationship(
        back_populates="reservation", lazy="raise", cascade="all, delete-orphan",
        order_by="ReservationMenu.id")


class ReservationMenu(Base):
    """One menu of a reservation, with the price charged."""

    __tablename__ = "reservation_menus"
    __table_args__ = (
        UniqueConstraint("reservation_id", "menu_id"),
        Index("ix_reservation_menus_menu_reservation", "menu_id", "reservation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id", ondelete="CASCADE"),
                                                index=True)
    menu_id: Mapped[int] = mapped_column(ForeignKey("menus.id", ondelete="RESTRICT"), comment="メニュー")
    price: Mapped[int] = mapped_column(default=0, server_default="0", comment="料金(円)")

    reservation: Mapped[Reservation] = relationship(back_populates="items", lazy="raise")
    menu: Mapped[Menu] = relationship(lazy="raise")
