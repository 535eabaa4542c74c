"""カルテ: sales reports, technical karte (with its masters), images and visit memos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow
from models.customer import Customer
from models.reservation import Reservation
from models.staff import StaffMember


class SalesReport(TimestampMixin, Base):
    """営業報告: written by staff after service, one per reservation."""

    __tablename__ = "sales_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id", ondelete="CASCADE"),
                                                unique=True, comment="予約")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"),
                                                    index=True, comment="顧客")
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True, comment="担当スタッフ")
    treatment: Mapped[str] = mapped_column(Text, default="", server_default="", comment="施術内容")
    customer_request: Mapped[str | None] = mapped_column(Text, comment="お客様のご要望")
    next_proposal: Mapped[str | None] = mapped_column(Text, comment="次回提案")
    products_sold: Mapped[str | None] = mapped_column(Text, comment="販売商品")
    amount_yen: Mapped[int] = mapped_column(default=0, server_default="0", comment="売上金額(円)")

    reservation: Mapped[Reservation] = relationship(lazy="raise")
    customer: Mapped[Customer | None] = relationship(lazy="raise")
    staff_member: Mapped[StaffMember | None] = relationship(lazy="raise")


class KarteCategory(Base):
    """カルテ分類."""

    __tablename__ = "karte_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, comment="分類名")
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")

    def __str__(self) -> str:
        return self.name


class KarteDetail(Base):
    """カルテ詳細 (belongs to a category)."""

    __tablename__ = "karte_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("karte_categories.id", ondelete="CASCADE"),
                                             index=True, comment="カルテ分類")
    name: Mapped[str] = mapped_column(String(100), comment="詳細名")
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")

    category: Mapped[KarteCategory] = relationship(lazy="raise")

    def __str__(self) -> str:
        return self.name


class KartePhrase(Base):
    """カルテ参照項目: reusable phrases staff insert into karte text."""

    __tablename__ = "karte_phrases"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("karte_categories.id", ondelete="SET NULL"), index=True, comment="カルテ分類")
    text: Mapped[str] = mapped_column(Text, comment="参照項目")
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")

    def __str__(self) -> str:
        return self.text[:30]


class KarteEntry(TimestampMixin, Base):
    """技術カルテ: one entry per visit date and category."""

    __tablename__ = "karte_entries"
    __table_args__ = (Index("ix_karte_entries_customer_date", "customer_id", "visit_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), comment="顧客")
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="SET NULL"), index=True, comment="予約")
    visit_date: Mapped[date] = mapped_column(comment="来店日")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("karte_categories.id", ondelete="SET NULL"), index=True, comment="カルテ分類")
    detail_id: Mapped[int | None] = mapped_column(
        ForeignKey("karte_details.id", ondelete="SET NULL"), index=True, comment="カルテ詳細")
    text: Mapped[str] = mapped_column(Text, default="", server_default="", comment="内容")
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True, comment="担当スタッフ")
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("karte_entries.id", ondelete="SET NULL"), comment="コピー元")
    #: 要配慮個人情報 (APPI): staff only, and every read of it is written to the audit log.
    is_health_info: Mapped[bool] = mapped_column(default=False, server_default="0", comment="健康情報")

    customer: Mapped[Customer] = relationship(lazy="raise")
    category: Mapped[KarteCategory | None] = relationship(lazy="raise")
    detail: Mapped[KarteDetail | None] = relationship(lazy="raise")
    staff_member: Mapped[StaffMember | None] = relationship(lazy="raise")


class KarteImage(Base):
    """カルテ画像: at most three JPEGs per customer, stored re-compressed."""

    __tablename__ = "karte_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), index=True,
                                             comment="顧客")
    # Deferred, raising: a list of images never drags the JPEG bytes along; ask for them explicitly.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True,
                                        comment="画像データ(JPEG)")
    width: Mapped[int] = mapped_column(comment="幅")
    height: Mapped[int] = mapped_column(comment="高さ")
    byte_size: Mapped[int] = mapped_column(comment="サイズ(バイト)")
    caption: Mapped[str | None] = mapped_column(String(255), comment="説明")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="登録日時")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), comment="登録者")

    customer: Mapped[Customer] = relationship(lazy="raise")


class VisitMemo(TimestampMixin, Base):
    """来店メモ per visit date."""

    __tablename__ = "visit_memos"
    __table_args__ = (Index("ix_visit_memos_customer_date", "customer_id", "visit_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), comment="顧客")
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservations.id", ondelete="SET NULL"), index=True, comment="予約")
    visit_date: Mapped[date] = mapped_column(comment="来店日")
    text: Mapped[str] = mapped_column(Text, comment="メモ")
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), comment="担当スタッフ")
    #: 要配慮個人情報 (APPI): staff only, and every read of it is written to the audit log.
    is_health_info: Mapped[bool] = mapped_column(default=False, server_default="0", comment="健康情報")

    customer: Mapped[Customer] = relationship(lazy="raise")
    staff_member: Mapped[StaffMember | None] = relationship(lazy="raise")
