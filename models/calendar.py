"""営業カレンダー: the store's opening hours per weekday, its dated exceptions and the stylists' shifts.

Times are wall-clock times in Japan (``services.japan_time``); a day is a Japanese calendar day.
A store with no opening hours at all has not set its calendar up and is open around the clock;
a stylist with no weekly pattern works whenever the store is open (``services.calendar``).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin
from models.types import LabeledEnum, enum_column

#: Opening and closing both given and in order, or neither (a closed day).
_HOURS = "(opens_at IS NULL AND closes_at IS NULL) OR (opens_at IS NOT NULL AND closes_at IS NOT NULL " \
         "AND closes_at > opens_at)"
_SHIFT = "(starts_at IS NULL AND ends_at IS NULL) OR (starts_at IS NOT NULL AND ends_at IS NOT NULL " \
         "AND ends_at > starts_at)"


class CalendarDayKind(LabeledEnum):
    CLOSED = ("CLOSED", "臨時休業")
    SPECIAL = ("SPECIAL", "特別営業")


class BusinessHours(TimestampMixin, Base):
    """営業時間: one row per weekday (0 = Monday); no hours = 定休日."""

    __tablename__ = "business_hours"
    __table_args__ = (
        UniqueConstraint("weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(_HOURS, name="hours_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(comment="曜日")
    opens_at: Mapped[time | None] = mapped_column(comment="開店")
    closes_at: Mapped[time | None] = mapped_column(comment="閉店")

    @property
    def closed(self) -> bool:
        return self.opens_at is None


class CalendarException(TimestampMixin, Base):
    """臨時休業 or 特別営業 (with its own hours) on one day."""

    __tablename__ = "calendar_exceptions"
    __table_args__ = (
        UniqueConstraint("day"),
        CheckConstraint(_HOURS, name="hours_order"),
        CheckConstraint("kind = 'CLOSED' OR opens_at IS NOT NULL", name="special_has_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(comment="日付")
    kind: Mapped[CalendarDayKind] = enum_column(CalendarDayKind, comment="種類")
    opens_at: Mapped[time | None] = mapped_column(comment="開店")
    closes_at: Mapped[time | None] = mapped_column(comment="閉店")
    note: Mapped[str] = mapped_column(String(100), default="", server_default="", comment="メモ")


class StaffShift(TimestampMixin, Base):
    """出勤パターン: the hours a stylist works on a weekday, every week."""

    __tablename__ = "staff_shifts"
    __table_args__ = (
        UniqueConstraint("staff_member_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("ends_at > starts_at", name="shift_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"),
                                                 comment="スタッフ")
    weekday: Mapped[int] = mapped_column(comment="曜日")
    starts_at: Mapped[time] = mapped_column(comment="出勤")
    ends_at: Mapped[time] = mapped_column(comment="退勤")


class StaffShiftException(TimestampMixin, Base):
    """One day that differs from the pattern: 休み (no hours) or a different shift."""

    __tablename__ = "staff_shift_exceptions"
    __table_args__ = (
        UniqueConstraint("staff_member_id", "day"),
        CheckConstraint(_SHIFT, name="shift_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_member_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"),
                                                 comment="スタッフ")
    day: Mapped[date] = mapped_column(index=True, comment="日付")
    starts_at: Mapped[time | None] = mapped_column(comment="出勤")
    ends_at: Mapped[time | None] = mapped_column(comment="退勤")

    @property
    def off(self) -> bool:
        return self.starts_at is None


class SlotHold(Base):
    """仮押さえ: a slot kept for a customer for a few minutes while the booking site finishes the booking.

    Only the SHA-256 of its token is stored; the booking that presents the token takes the slot and
    the hold goes. An expired hold keeps nothing (every reader compares ``expires_at`` with now)."""

    __tablename__ = "slot_holds"
    __table_args__ = (CheckConstraint("end_at > start_at", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"),
                                                        comment="スタッフ")
    start_at: Mapped[datetime] = mapped_column(index=True, comment="開始日時")
    end_at: Mapped[datetime] = mapped_column(comment="終了日時")
    expires_at: Mapped[datetime] = mapped_column(index=True, comment="期限")
