"""Forms in Japanese: wtforms' Japanese catalog, enum selects with Japanese labels, datetimes in
Japan time, numbers bounded with the range in the message, free text cleaned (services.text_rules)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from sqladmin.fields import SelectField
from sqladmin.forms import ModelConverter, converts
from sqlalchemy import BigInteger, select
from sqlalchemy.orm import ColumnProperty
from wtforms import Form
from wtforms import validators as v

from admin.display import JST
from models.types import LabeledEnum
from services import text_rules

BLANK_CHOICE = "（未選択）"
INT32 = (-(2**31), 2**31 - 1)  # INTEGER on PostgreSQL, and GraphQL's Int
INT64 = (-(2**63), 2**63 - 1)
TEXT_MAX = 2000  # Text columns of masters and records edited through generic forms


def in_range(low: int, high: int) -> v.NumberRange:
    """A number range with a Japanese message that states the range."""
    return v.NumberRange(min=low, max=high, message=f"{low:,}〜{high:,}の範囲で入力してください。")


class _JapaneseTranslations:
    """wtforms' Japanese catalog, plus the messages sqladmin's own fields add."""

    EXTRA = {
        "Invalid Choice: could not coerce": "選択肢が正しくありません。",
        "Invalid choice(s): one or more data inputs could not be coerced.": "選択肢が正しくありません。",
        "'%(value)s' is not a valid choice for this field.": "選択肢が正しくありません。",
    }

    def __init__(self, base: Any) -> None:
        self.base = base

    def gettext(self, string: str) -> str:
        return self.EXTRA.get(string) or self.base.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.EXTRA.get(singular) or self.base.ngettext(singular, plural, n)


class JapaneseForm(Form):
    class Meta:
        locales = ("ja_JP", "ja")

        def get_translations(self, form: Form) -> Any:
            return _JapaneseTranslations(super().get_translations(form))


def enum_coerce(enum_cls: type[enum.Enum]) -> Callable[[Any], Any]:
    def coerce(value: Any) -> Any:
        if value is None or isinstance(value, enum_cls):
            return value
        return enum_cls(value)

    return coerce


class JapaneseConverter(ModelConverter):
    """Enum selects show the Japanese label; datetimes are edited in Japan time."""

    @converts("Enum")
    def conv_enum(self, model: type, prop: ColumnProperty, kwargs: dict[str, Any]):
        column = prop.columns[0]
        enum_cls = getattr(column.type, "enum_class", None)
        if enum_cls is None or not issubclass(enum_cls, LabeledEnum):
            return super().conv_enum(model, prop, kwargs)
        kwargs["choices"] = enum_cls.choices()
        kwargs["coerce"] = enum_coerce(enum_cls)
        if column.nullable:
            kwargs.setdefault("allow_blank", True)
            kwargs.setdefault("blank_text", BLANK_CHOICE)
        return SelectField(**kwargs)

    @converts("DateTime")
    def conv_datetime(self, model: type, prop: ColumnProperty, kwargs: dict[str, Any]):
        kwargs.setdefault("display_timezone", JST)
        kwargs.setdefault("description", "日本時間")
        return super().conv_datetime(model, prop, kwargs)

    @converts("Integer")
    def conv_integer(self, model: type, prop: ColumnProperty, kwargs: dict[str, Any]):
        # Without a bound a 20-digit number reaches the driver (and its English error).
        low, high = INT64 if isinstance(prop.columns[0].type, BigInteger) else INT32
        kwargs.setdefault("validators", []).append(in_range(low, high))
        return super().conv_integer(model, prop, kwargs)

    @converts("String", "CHAR")
    def conv_string(self, model: type, prop: ColumnProperty, kwargs: dict[str, Any]):
        kwargs.setdefault("filters", []).append(_one_line_text)
        return super().conv_string(model, prop, kwargs)

    @converts("Text")
    def conv_text(self, model: type, prop: ColumnProperty, kwargs: dict[str, Any]):
        kwargs.setdefault("filters", []).append(_multi_line_text)
        kwargs.setdefault("validators", []).append(
            v.Length(max=TEXT_MAX, message=f"{TEXT_MAX}文字以内で入力してください。"))
        return super().conv_text(model, prop, kwargs)

    async def _prepare_relationship(self, prop, kwargs, session_maker, loader=None):
        kwargs.setdefault("blank_text", BLANK_CHOICE)
        return await super()._prepare_relationship(prop, kwargs, session_maker, loader)


def _form_text(value: Any, multiline: bool) -> Any:
    """Free text of a master form: control and bidi characters dropped; a lone surrogate refused
    (a ValueError in a wtforms filter becomes the field's error message)."""
    if not isinstance(value, str):
        return value
    if text_rules.has_surrogate(value):
        raise ValueError("使用できない文字が含まれています。")
    return text_rules.free_text(value, "", None, None, multiline=multiline) or ""


def _one_line_text(value: Any) -> Any:
    return _form_text(value, multiline=False)


def _multi_line_text(value: Any) -> Any:
    return _form_text(value, multiline=True)


async def choices_of(session_maker: Any, model: type, *order_by: Any) -> list[tuple[str, str]]:
    """``(id, str(row))`` of every row of a master, for a select box."""
    async with session_maker() as session:
        rows = (await session.scalars(select(model).order_by(*order_by, model.id))).all()
    return [(str(row.id), str(row)) for row in rows]
