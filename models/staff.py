"""Staff members (who serve), staff accounts (who log in), API tokens and admin sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow
from models.types import LabeledEnum, enum_column


class StaffRole(LabeledEnum):
    MANAGER = ("MANAGER", "店長・管理者")
    STAFF = ("STAFF", "スタッフ")


class TokenKind(LabeledEnum):
    STAFF = ("STAFF", "スタッフ")
    CUSTOMER = ("CUSTOMER", "お客様")


class StaffMember(TimestampMixin, Base):
    """スタッフ: a stylist who can be assigned to reservations."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), comment="スタッフ名")
    name_kana: Mapped[str] = mapped_column(String(64), default="", server_default="", comment="フリガナ")
    display_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")
    active: Mapped[bool] = mapped_column(default=True, server_default="1", comment="在籍")

    def __str__(self) -> str:
        return self.name


class StaffAccount(TimestampMixin, Base):
    """ログインアカウント. ``password_hash`` is argon2 and never leaves the server."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_id: Mapped[str] = mapped_column(String(64), unique=True, comment="ログインID")
    display_name: Mapped[str] = mapped_column(String(64), comment="表示名")
    password_hash: Mapped[str] = mapped_column(String(255), comment="パスワードハッシュ")
    role: Mapped[StaffRole] = enum_column(StaffRole, default=StaffRole.STAFF, comment="権限")
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True, comment="スタッフ")
    active: Mapped[bool] = mapped_column(default=True, server_default="1", comment="有効")
    last_login_at: Mapped[datetime | None] = mapped_column(comment="最終ログイン")
    #: Set by a manager (ロック): the account cannot log in until a manager unlocks it. Failed logins
    #: never lock an account; they are slowed down instead (services.login_throttle).
    locked_at: Mapped[datetime | None] = mapped_column(comment="ロック日時")

    staff_member: Mapped[StaffMember | None] = relationship(lazy="raise")

    @property
    def is_manager(self) -> bool:
        return self.role == StaffRole.MANAGER

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def __str__(self) -> str:
        return self.display_name


class ApiToken(Base):
    """A bearer token for GraphQL; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(
            "(staff_account_id IS NOT NULL AND customer_id IS NULL)"
            " OR (staff_account_id IS NULL AND customer_id IS NOT NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[TokenKind] = enum_column(TokenKind)
    staff_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                                    index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column()


class AdminSession(Base):
    """A login to /admin. The signed cookie carries a random id whose SHA-256 is stored here.

    Every admin request looks the row up, so a session ends on the server (``revoked_at``) at
    logout, password change, lock, role change or deactivation, even if its cookie was copied.
    """

    __tablename__ = "admin_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_account_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column()


class LoginThrottle(Base):
    """Failed-login counter of one key: a client address, a login ID, or both (services.login_throttle).

    Login IDs are stored only as SHA-256 (``login_hash``): people type passwords into the ID field.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    login_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failure_at: Mapped[datetime | None] = mapped_column()
    blocked_until: Mapped[datetime | None] = mapped_column()
    #: For an address-and-ID key: the last successful login, which makes the address the owner's own.
    last_success_at: Mapped[datetime | None] = mapped_column()
