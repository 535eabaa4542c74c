"""顧客: the customer record, its many-valued parts, referrals and withdrawals.

The statistic columns (visit_count … has_unpaid_cancel_fee) are derived from
reservations, and is_caution / has_blacklist_entry from the caution and blacklist entries, by
``services.customer_stats``; they are never edited by hand.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow
from models.master import FirstVisitMotive, FreeItem, FreeItemChoice, InflowRoute, Occupation
from models.types import LabeledEnum, enum_column


class Gender(LabeledEnum):
    FEMALE = ("FEMALE", "女性")
    MALE = ("MALE", "男性")
    OTHER = ("OTHER", "その他")
    UNANSWERED = ("UNANSWERED", "未回答")


class RegistrationPath(LabeledEnum):
    FULL = ("FULL", "新規登録")
    PHONE = ("PHONE", "新規電話予約")
    LINE = ("LINE", "LINE連携")
    IMPORT = ("IMPORT", "一括登録")
    NON_MEMBER = ("NON_MEMBER", "非会員から登録")


customer_inflow_routes = Table(
    "customer_inflow_routes",
    Base.metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("inflow_route_id", ForeignKey("inflow_routes.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class Customer(TimestampMixin, Base):
    __tablename__ = "customers"
    __table_args__ = (
        # E-mail is unique among active (not withdrawn) customers, case-insensitively.
        Index(
            "uq_customers_email_key_active",
            "email_key",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        CheckConstraint("pre_system_visit_count >= 0", name="pre_system_visit_count_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_no: Mapped[str] = mapped_column(String(32), unique=True, comment="お客様番号")
    last_name: Mapped[str] = mapped_column(String(64), comment="姓")
    first_name: Mapped[str] = mapped_column(String(64), comment="名")
    last_name_kana: Mapped[str] = mapped_column(String(64), default="", server_default="", comment="セイ")
    first_name_kana: Mapped[str] = mapped_column(String(64), default="", server_default="", comment="メイ")
    # Normalised keys, written by services.customers only.
    name_key: Mapped[str] = mapped_column(String(128), index=True, comment="氏名キー(統合判定用)")
    search_text: Mapped[str] = mapped_column(String(512), default="", server_default="",
                                             comment="検索用テキスト")
    phone: Mapped[str | None] = mapped_column(String(20), index=True, comment="電話番号")
    email: Mapped[str | None] = mapped_column(String(254), comment="メールアドレス")
    email_key: Mapped[str | None] = mapped_column(String(254), index=True, comment="メールアドレス(小文字)")
    email_is_placeholder: Mapped[bool] = mapped_column(default=False, server_default="0",
                                                       comment="仮メールアドレス")
    birth_date: Mapped[date | None] = mapped_column(comment="生年月日")
    gender: Mapped[Gender] = enum_column(Gender, default=Gender.UNANSWERED,
                                         server_default=Gender.UNANSWERED.value, comment="性別")
    postal_code: Mapped[str | None] = mapped_column(String(7), comment="郵便番号")
    prefecture: Mapped[str | None] = mapped_column(String(16), comment="都道府県")
    city: Mapped[str | None] = mapped_column(String(64), comment="市区町村")
    address_line: Mapped[str | None] = mapped_column(String(255), comment="住所")
    line_user_id: Mapped[str | None] = mapped_column(String(64), unique=True, comment="LINEユーザーID")
    line_name: Mapped[str | None] = mapped_column(String(100), comment="LINE名")
    line_picture_url: Mapped[str | None] = mapped_column(String(1024), comment="画像(LINE)")
    line_linked_at: Mapped[datetime | None] = mapped_column(comment="LINE連携日時")
    occupation_id: Mapped[int | None] = mapped_column(
        ForeignKey("occupations.id", ondelete="SET NULL"), index=True, comment="職業")
    first_visit_motive_id: Mapped[int | None] = mapped_column(
        ForeignKey("first_visit_motives.id", ondelete="SET NULL"), index=True, comment="初回来店動機")
    notes: Mapped[str | None] = mapped_column(Text, comment="備考")
    mail_ok: Mapped[bool] = mapped_column(default=True, server_default="1", comment="メール配信")
    phone_ok: Mapped[bool] = mapped_column(default=True, server_default="1", comment="電話連絡")
    dm_ok: Mapped[bool] = mapped_column(default=True, server_default="1", comment="DM配信")
    pre_system_visit_count: Mapped[int] = mapped_column(default=0, server_default="0",
                                                        comment="システム導入前来店回数")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, comment="初回登録日")
    registration_path: Mapped[RegistrationPath] = enum_column(
        RegistrationPath, default=RegistrationPath.FULL, server_default=RegistrationPath.FULL.value,
        comment="登録経路")
    withdrawn_at: Mapped[datetime | None] = mapped_column(index=True, comment="退会日時")

    # Derived from reservations (services.customer_stats); never edited by hand.
    visit_count: Mapped[int] = mapped_column(default=0, server_default="0", index=True, comment="来店回数")
    reservation_count: Mapped[int] = mapped_column(default=0, server_default="0", index=True,
                                                   comment="予約回数")
    cancel_count: Mapped[int] = mapped_column(default=0, server_default="0", index=True,
                                              comment="キャンセル回数")
    has_late_cancel: Mapped[bool] = mapped_column(default=False, server_default="0",
                                                  comment="直前キャンセルあり")
    has_unpaid_cancel_fee: Mapped[bool] = mapped_column(default=False, server_default="0",
                                                        comment="キャンセル料未払いあり")
    first_visit_at: Mapped[datetime | None] = mapped_column(comment="初回来店日")
    last_visit_at: Mapped[datetime | None] = mapped_column(index=True, comment="最終来店日")
    last_menu_id: Mapped[int | None] = mapped_column(
        ForeignKey("menus.id", ondelete="SET NULL"), index=True, comment="最終利用メニュー")
    average_visit_interval_days: Mapped[float | None] = mapped_column(comment="平均来店間隔(日)")
    # Derived from cautions / blacklist_entries (services.customer_stats.refresh_customer_flags), in the
    # transaction of every change: lists and searches read a column, not a join per customer.
    is_caution: Mapped[bool] = mapped_column(default=False, server_default="0", index=True,
                                             comment="要注意人物")
    # Its own entry only: whether booking refuses the customer (a match with a listed person counts
    # too) is services.flags.find_blacklist_match's answer, not this flag.
    has_blacklist_entry: Mapped[bool] = mapped_column(default=False, server_default="0", index=True,
                                                      comment="ブラックリスト登録あり")
    # Who this customer is for the blacklist's person match (services.flags): the normalised kana
    # name, phone digits and real e-mail as registered or as staff last set them. A customer's own
    # edit on the reservation site leaves them, so no customer can move in or out of a match by
    # typing someone else's details (services.customers.derive_keys).
    person_kana: Mapped[str | None] = mapped_column(String(128), comment="本人照合用カナ")
    person_phone: Mapped[str | None] = mapped_column(String(32), index=True, comment="本人照合用電話番号")
    person_email: Mapped[str | None] = mapped_column(String(254), index=True, comment="本人照合用メールアドレス")

    occupation: Mapped[Occupation | None] = relationship(lazy="raise")
    first_visit_motive: Mapped[FirstVisitMotive | None] = relationship(lazy="raise")
    last_menu: Mapped[Menu | None] = relationship(lazy="raise")  # noqa: F821
    inflow_routes: Mapped[list[InflowRoute]] = relationship(
        secondary=customer_inflow_routes, lazy="raise", order_by=InflowRoute.sort_order)
    attributes: Mapped[list[CustomerAttribute]] = relationship(
        back_populates="customer", lazy="raise", cascade="all, delete-orphan",
        order_by="CustomerAttribute.id")
    free_item_values: Mapped[list[CustomerFreeItemValue]] = relationship(
        back_populates="customer", lazy="raise", cascade="all, delete-orphan")

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def full_name_kana(self) -> str:
        return f"{self.last_name_kana} {self.first_name_kana}".strip()

    @property
    def is_line_registered(self) -> bool:
        return bool(self.line_user_id)

    def __str__(self) -> str:
        return f"{self.customer_no} {self.full_name}"


class CustomerAttribute(Base):
    """顧客属性: free-text tags such as 車椅子の方."""

    __tablename__ = "customer_attributes"
    __table_args__ = (UniqueConstraint("customer_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(100), comment="顧客属性")

    customer: Mapped[Customer] = relationship(back_populates="attributes", lazy="raise")

    def __str__(self) -> str:
        return self.value


class CustomerFreeItemValue(Base):
    """The choice a customer has for one free item."""

    __tablename__ = "customer_free_item_values"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                             primary_key=True)
    free_item_id: Mapped[int] = mapped_column(ForeignKey("free_items.id", ondelete="CASCADE"),
                                              primary_key=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("free_item_choices.id", ondelete="CASCADE"),
                                           index=True)

    customer: Mapped[Customer] = relationship(back_populates="free_item_values", lazy="raise")
    free_item: Mapped[FreeItem] = relationship(lazy="raise")
    choice: Mapped[FreeItemChoice] = relationship(lazy="raise")


class Referral(Base):
    """紹介: ``referrer`` introduced ``referred``; shown on both customers."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("referrer_id", "referred_id"),
        CheckConstraint("referrer_id <> referred_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True,
                                             comment="紹介者")
    referred_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True,
                                             comment="紹介した人")
    memo: Mapped[str | None] = mapped_column(Text, comment="メモ")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="登録日時")

    referrer: Mapped[Customer] = relationship(foreign_keys=[referrer_id], lazy="raise")
    referred: Mapped[Customer] = relationship(foreign_keys=[referred_id], lazy="raise")


class Withdrawal(Base):
    """退会: written only by the customer, from the site."""

    __tablename__ = "withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(String(255), comment="退会理由")
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, comment="退会日")

    customer: Mapped[Customer] = relationship(lazy="raise")


class EmailChange(Base):
    """メールアドレス変更の確認: a customer's new e-mail address, applied only with the one-time token
    that was sent to that address (services.email_change). Only its SHA-256 is stored."""

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    new_email: Mapped[str] = mapped_column(String(254), comment="新しいメールアドレス")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="確認トークン(SHA-256)")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, comment="受付日時")
    expires_at: Mapped[datetime] = mapped_column(comment="有効期限")
    confirmed_at: Mapped[datetime | None] = mapped_column(comment="確認日時")

    customer: Mapped[Customer] = relationship(lazy="raise")
