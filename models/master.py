"""Master lists staff maintain: inflow routes, occupations, first-visit motives, free items."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class MasterMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, comment="名称")
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")
    active: Mapped[bool] = mapped_column(default=True, server_default="1", comment="有効")

    def __str__(self) -> str:
        return self.name


class InflowRoute(MasterMixin, Base):
    """流入経路 (Instagram, ホットペッパー, 紹介, 看板 …)."""

    __tablename__ = "inflow_routes"


class Occupation(MasterMixin, Base):
    """職業."""

    __tablename__ = "occupations"


class FirstVisitMotive(MasterMixin, Base):
    """初回来店動機."""

    __tablename__ = "first_visit_motives"


class FreeItem(Base):
    """フリー項目: up to four store-defined items, each with its own choices."""

    __tablename__ = "free_items"
    __table_args__ = (CheckConstraint("position BETWEEN 1 AND 4", name="position_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(unique=True, comment="項目番号(1〜4)")
    name: Mapped[str] = mapped_column(String(100), comment="項目名")
    active: Mapped[bool] = mapped_column(default=True, server_default="1", comment="有効")

    choices: Mapped[list[FreeItemChoice]] = relationship(
        back_populates="free_item", lazy="raise", order_by="FreeItemChoice.sort_order",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return self.name


class FreeItemChoice(Base):
    """フリー項目の選択肢."""

    __tablename__ = "free_item_choices"
    __table_args__ = (UniqueConstraint("free_item_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    free_item_id: Mapped[int] = mapped_column(ForeignKey("free_items.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), comment="選択肢")
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0", comment="表示順")

    free_item: Mapped[FreeItem] = relationship(back_populates="choices", lazy="raise")

    def __str__(self) -> str:
        return self.name
