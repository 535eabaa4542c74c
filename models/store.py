"""Menus and the store settings that change how the product behaves."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin
from models.types import LabeledEnum, enum_column


class AssignRule(LabeledEnum):
    """How 指名なし picks a stylist on the customer channel."""

    FEWEST = ("FEWEST", "その日の予約が少ないスタッフ")
    ORDER = ("ORDER", "スタッフの表示順")


class Menu(TimestampMixin, Base):
    """メニュー."""

    __tablename__ = "menus"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, comment="メニュー名")
    category: Mapped[str | None] = mapped_column(String(50), comment="カテゴリ")
    price: Mapped[int] = mapped_column(default=0, server_default="0", comment="料金(税込・円)")
    duration_minutes: Mapped[int] = mapped_column(default=60, server_default="60", comment="所要時間(分)")
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")
    active: Mapped[bool] = mapped_column(default=True, server_default="1", comment="有効")

    def __str__(self) -> str:
        return self.name


class StoreSetting(TimestampMixin, Base):
    """店舗設定: one row (id = 1) that staff edit in the admin."""

    __tablename__ = "store_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("cancel_fee_percent BETWEEN 0 AND 100", name="fee_percent_range"),
        CheckConstraint("customer_no_digits BETWEEN 1 AND 12", name="no_digits_range"),
        CheckConstraint("slot_minutes IN (10, 15, 30, 60)", name="slot_minutes_values"),
        CheckConstraint("booking_horizon_days BETWEEN 1 AND 366", name="horizon_range"),
        CheckConstraint("booking_notice_minutes BETWEEN 0 AND 20160", name="notice_range"),
        CheckConstraint("hold_minutes BETWEEN 1 AND 60", name="hold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    store_name: Mapped[str] = mapped_column(String(100), default="", server_default="", comment="店舗名")
    use_prepayment: Mapped[bool] = mapped_column(default=False, server_default="0",
                                                 comment="事前決済機能を利用する")
    cancel_deadline_hours: Mapped[int] = mapped_column(default=24, server_default="24",
                                                       comment="キャンセル期限(予約開始の何時間前)")
    cancel_fee_percent: Mapped[int] = mapped_column(default=50, server_default="50",
                                                    comment="キャンセル料(メニュー料金の%)")
    cancel_fee_fixed_yen: Mapped[int] = mapped_column(default=0, server_default="0",
                                                      comment="キャンセル料(定額・円)")
    placeholder_email_domain: Mapped[str] = mapped_column(
        String(100), default="leporto.com", server_default="leporto.com", comment="仮メールアドレスのドメイン")
    customer_no_prefix: Mapped[str] = mapped_column(String(8), default="", server_default="",
                                                    comment="お客様番号の接頭辞")
    customer_no_digits: Mapped[int] = mapped_column(default=6, server_default="6",
                                                    comment="お客様番号の桁数")
    customer_no_next: Mapped[int] = mapped_column(default=1, server_default="1",
                                                  comment="次に採番する番号")
    slot_minutes: Mapped[int] = mapped_column(default=30, server_default="30", comment="予約枠の間隔(分)")
    booking_horizon_days: Mapped[int] = mapped_column(default=60, server_default="60",
                                                      comment="予約受付期間(何日先まで)")
    booking_notice_minutes: Mapped[int] = mapped_column(default=120, server_default="120",
                                                        comment="予約受付の締切(開始の何分前まで)")
    hold_minutes: Mapped[int] = mapped_column(default=10, server_default="10",
                                              comment="仮押さえの時間(分)")
    assign_rule: Mapped[AssignRule] = enum_column(AssignRule, default=AssignRule.FEWEST,
                                                  server_default=AssignRule.FEWEST.value,
                                                  comment="指名なしの担当の決め方")
