"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import mapped_column


def enum_column(enum_cls: type[enum.Enum], **kwargs: Any):
    """Store an enum as its value in a VARCHAR (no native PG enum: migrations stay simple)."""
    return mapped_column(
        SAEnum(
            enum_cls,
            native_enum=False,
            length=32,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        **kwargs,
    )


def fk(target: str, *, ondelete: str | None = None, **kwargs: Any):
    return mapped_column(ForeignKey(target, ondelete=ondelete), **kwargs)


def name_column(length: int = 64, **kwargs: Any):
    return mapped_column(String(length), **kwargs)


class LabeledEnum(str, enum.Enum):
    """A str enum whose members carry a Japanese label (used by admin and GraphQL)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabeledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
