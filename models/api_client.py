"""サイト連携キー: the credential of the reservation site's server (an API client).

A manager issues it in the admin; the secret is shown once and only its SHA-256 is stored. It
stands for no person: its only powers are the customer channel's (services.permissions, role
``site``), and it works until a manager revokes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class ApiClient(Base):
    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), comment="名称")
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="キー(SHA-256)")
    #: The secret's first characters, shown in the list so that staff can tell keys apart.
    secret_prefix: Mapped[str] = mapped_column(String(16), comment="キーの先頭")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True, comment="発行者")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="発行日時")
    last_used_at: Mapped[datetime | None] = mapped_column(comment="最終利用日時")
    revoked_at: Mapped[datetime | None] = mapped_column(comment="無効化日時")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __str__(self) -> str:
        return self.name
