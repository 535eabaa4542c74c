"""Japanese defaults shared by every admin view.

- labels come from the columns' ``comment`` (the Japanese term staff know);
- ``LabeledEnum`` columns show and offer their Japanese ``.label``;
- datetimes are shown in Japan time; wtforms messages are Japanese;
- a failure of the database or of a service comes back as a Japanese message
  on the page (:class:`AdminError`), never as SQL text.
"""

from __future__ import annotations

import copy
import enum
import functools
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqladmin import ModelView
from sqladmin.fields import SelectField
from sqladmin.formatters import BASE_FORMATTERS
from sqladmin._queries import Query
from sqladmin.forms import ModelConverter, converts
from sqladmin.helpers import get_object_identifier
from sqlalchemy import BigInteger, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from wtforms import Form
from wtforms import validators as v

from admin.auth import current_actor
from admin.names import remember_staff_names, staff_columns, staff_name_cell
from models.db import WRITE_OPTION
from models.types import LabeledEnum
from services import masters, text_rules
from services.errors import DomainError, FieldError
from services.permissions import Action, check

logger = logging.getLogger(__name__)
JST = ZoneInfo("Asia/Tokyo")
BLANK_CHOICE = "（未選択）"
MAX_ID = 2**63 - 1
INT32 = (-(2**31), 2**31 - 1)  # INTEGER on PostgreSQL, and GraphQL's Int
INT64 = (-(2**63), 2**63 - 1)
TEXT_MAX = 2000  # Text columns of masters and records edited through generic forms
SAVE_FAILED = "保存できませんでした。入力内容をご確認のうえ、もう一度お試しください。"


# ----------------------------------------------------------------------------- errors


class AdminError(Exception):
    """A refusal to show on the page (its text is Japanese and meant for staff)."""

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []

    @classmethod
    def from_domain(cls, request: Request, exc: DomainError) -> AdminError:
        """Keep the field errors on ``request.state`` so the form template can show them per field."""
        request.state.domain_errors = list(exc.errors)
        return cls(" ".join(dict.fromkeys(e.message for e in exc.errors)), list(exc.errors))


def japanese_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Whatever goes wrong in a save or delete reaches staff as Japanese, never as driver text.

    sqladmin shows ``str(exc)`` on the page: an OverflowError or a driver error would show
    「Python int too large to convert to SQLite INTEGER」. Refusals (AdminError, HTTP errors)
    pass as they are; a DomainError shows its messages (services word constraint violations
    themselves, see services.constraints); anything else is a bug: logged and replaced.
    """
    if getattr(method, "_japanese_errors", False):
        return method

    @functools.wraps(method)
    async def guarded(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, request, *args, **kwargs)
        except (AdminError, HTTPException):
            raise
        except DomainError as exc:
            raise AdminError.from_domain(request, exc) from exc
        except Exception as exc:
            logger.exception("admin save failed")
            raise AdminError(SAVE_FAILED) from exc

    guarded._japanese_errors = True  # type: ignore[attr-defined]
    return guarded


def in_range(low: int, high: int) -> v.NumberRange:
    """A number range with a Japanese message that states the range."""
    return v.NumberRange(min=low, max=high, message=f"{low:,}〜{high:,}の範囲で入力してください。")


@asynccontextmanager
async def write_transaction(session_maker: Any) -> AsyncIterator[AsyncSession]:
    """A write transaction on sqladmin's session maker (BEGIN IMMEDIATE on SQLite, see models.db).

    sqladmin reads with deferred transactions; services that write (and lock customers) need this."""
    engine = session_maker.kw["bind"]
    async with session_maker(bind=engine.execution_options(**{WRITE_OPTION: True})) as session, \
            session.begin():
        yield session


# ----------------------------------------------------------------------------- display


def format_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(JST)
    return value.strftime("%Y/%m/%d %H:%M")


def format_date(value: date) -> str:
    return value.strftime("%Y/%m/%d")


def format_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


TYPE_FORMATTERS = {
    **BASE_FORMATTERS,
    datetime: format_datetime,
    date: format_date,
    dict: format_json,
}


def enum_label_formatter(model: Any, attribute: str) -> str:
    value = getattr(model, attribute, None)
    if value is None:
        return ""
    return getattr(value, "label", None) or str(getattr(value, "value", value))


def format_yen(value: int | None) -> str:
    """24750 → 「24,750円」, as prices are written in a Japanese salon."""
    return "" if value is None else f"{value:,}円"


def yen_formatter(model: Any, attribute: str) -> str:
    return format_yen(getattr(model, attribute, None))


def mark(text: str, memo: str | None, *, symbol: str = "❗") -> Markup:
    """A name with the caution mark and its memo (SPEC §3: every list shows both)."""
    if memo is None:
        return Markup("{}").format(text)
    short = memo if len(memo) <= 30 else memo[:30] + "…"
    return Markup(
        '<span class="text-danger" title="{memo}">{symbol}</span> {text}'
        ' <small class="text-danger d-block text-wrap" title="{memo}">{short}</small>'
    ).format(symbol=symbol, text=text, memo=memo, short=short)


# ----------------------------------------------------------------------------- forms


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


# ----------------------------------------------------------------------------- views


def _labels_from_comments(model: type) -> dict[str, str]:
    mapper = sa_inspect(model)
    labels: dict[str, str] = {"id": "ID"}
    for prop in mapper.attrs:
        if isinstance(prop, ColumnProperty) and prop.columns[0].comment:
            labels[prop.key] = prop.columns[0].comment
        elif isinstance(prop, RelationshipProperty) and not prop.uselist:
            comments = [c.comment for c, _ in prop.local_remote_pairs or [] if c.comment]
            if comments:
                labels[prop.key] = comments[0]
    return labels


def _enum_columns(model: type) -> list[str]:
    return [
        prop.key
        for prop in sa_inspect(model).column_attrs
        if isinstance(getattr(prop.columns[0].type, "enum_class", None), type)
        and issubclass(prop.columns[0].type.enum_class, LabeledEnum)
    ]


def _yen_columns(model: type) -> list[str]:
    """Integer columns holding an amount of money: their comment ends in 「円)」 (料金(税込・円))."""
    return [
        prop.key
        for prop in sa_inspect(model).column_attrs
        if (prop.columns[0].comment or "").endswith("円)")
        and getattr(prop.columns[0].type, "python_type", None) is int
    ]


class JapaneseModelView(ModelView):
    """Base of every view: Japanese labels and messages, page size 50, no CSV export."""

    page_size = 50
    page_size_options = [25, 50, 100, 200]
    can_export = False  # spreadsheets come from the xlsx export of SPEC §10, with formula guards
    can_view_details = True
    form_converter = JapaneseConverter
    form_base_class = JapaneseForm
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    form_excluded_columns = ["created_at", "updated_at"]
    search_auto_submit = False
    show_compact_lists = False  # related rows one per line, not "(a) (b)"
    icon = "fa-solid fa-table-list"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("insert_model", "update_model", "delete_model"):
            if name in cls.__dict__:
                setattr(cls, name, japanese_errors(cls.__dict__[name]))


    def detail_title(self, model: Any) -> str:
        """The heading of a details page: the row as staff call it (its ``__str__``), else 「No. 12」."""
        if type(model).__str__ is not object.__str__:
            return f"{self.name}: {model}"
        return f"{self.name} No. {get_object_identifier(model)}"

    def row_label(self, model: Any) -> str:
        """The row as messages and the delete dialog name it: 流入経路「HotPepper」."""
        if type(model).__str__ is not object.__str__:
            return f"{self.name}「{model}」"
        return f"{self.name} No. {get_object_identifier(model)}"

    def may_delete(self, request: Request) -> bool:
        """Whether this role deletes here at all: staff are not shown trash icons they cannot use."""
        return self._table_allows(request, self.delete_action)

    def _can_delete_any(self, request: Request) -> bool:  # the bulk 「選択した項目を削除」 menu
        return super()._can_delete_any(request) and self.may_delete(request)

    def __init__(self) -> None:
        cls = type(self)
        labels = _labels_from_comments(cls.model)
        labels.update({self._get_prop_name(k): v for k, v in cls.column_labels.items()})
        self.column_labels = labels
        enum_fmt = {name: enum_label_formatter for name in _enum_columns(cls.model)}
        self._staff_columns = staff_columns(cls.model)
        enum_fmt.update({name: staff_name_cell for name in self._staff_columns})
        enum_fmt.update({name: yen_formatter for name in _yen_columns(cls.model)})
        self.column_formatters = {**enum_fmt, **cls.column_formatters}
        self.column_formatters_detail = {**enum_fmt, **cls.column_formatters_detail}
        super().__init__()

    async def list(self, request: Request) -> Any:
        try:
            pagination = await super().list(request)
        except DomainError as exc:  # e.g. a search text over its limit
            request.state.error_detail = exc.message  # shown by error.html under the status line
            raise HTTPException(status_code=400, detail=exc.message) from exc
        await remember_staff_names(self.session_maker, request, pagination.rows, self._staff_columns)
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        row = await super().get_object_for_details(request)
        if row is not None:
            await remember_staff_names(self.session_maker, request, [row], self._staff_columns)
        return row

    async def scaffold_form(self, rules: list[str] | None = None):
        # sqladmin appends validators to the lists inside form_args on every call: hand it a copy.
        self.form_args = copy.deepcopy(type(self).form_args)
        return await super().scaffold_form(rules)

    def _stmt_by_identifier(self, identifier: str):
        """A 404 page, not a 500, for ids that are not integers or do not fit the column."""
        for column in sa_inspect(self.model).primary_key:
            try:
                python_type = column.type.python_type
            except NotImplementedError:
                continue
            if python_type is int:
                text = str(identifier).strip()
                if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
                    raise HTTPException(status_code=404, detail="データが見つかりません。")
        return super()._stmt_by_identifier(identifier)

    # Who may do what: the permission table (services.permissions), for the menu, the pages,
    # the buttons and the row actions alike. None: anyone logged in to the admin.
    access_action: ClassVar[Action | None] = None
    create_action: ClassVar[Action | None] = Action.EDIT_MASTERS
    edit_action: ClassVar[Action | None] = Action.EDIT_MASTERS
    delete_action: ClassVar[Action | None] = Action.MANAGE_MASTERS

    def _table_allows(self, request: Request, action: Action | None) -> bool:
        """Whether the table allows it; a refusal's Japanese reason is kept for the 403 page."""
        if action is None:
            return True
        try:
            check(getattr(request.state, "actor", None), action)
        except DomainError as exc:
            request.state.refusal = exc.message
            return False
        return True

    def is_accessible(self, request: Request) -> bool:
        return self._table_allows(request, self.access_action)

    def is_visible(self, request: Request) -> bool:
        return self._table_allows(request, self.access_action)

    async def check_can_create(self, request: Request) -> bool:
        return await super().check_can_create(request) and self._table_allows(request, self.create_action)

    async def check_can_edit(self, request: Request, model: Any) -> bool:
        return await super().check_can_edit(request, model) and self._table_allows(request, self.edit_action)

    async def check_can_delete(self, request: Request, model: Any) -> bool:
        return await super().check_can_delete(request, model) and self._table_allows(request, self.delete_action)

    # Generic CRUD (masters, store settings): the change and its audit row in one write
    # transaction through services.masters, which also words constraint violations.

    @japanese_errors
    @japanese_errors
    async def insert_model(self, request: Request, data: dict) -> Any:
        query = Query(self)
        obj = query._get_model_object(data)
        try:
            # Hooks run before the write lock is taken (they may read in sessions of their own).
            await self.on_model_change(data, obj, True, request)
            async with write_transaction(self.session_maker) as session:
                obj = await query._set_attributes_async(session, obj, data)
                await masters.save_master(session, current_actor(request), obj, created=True, changes=data)
        except DomainError as exc:
            raise AdminError.from_domain(request, exc) from exc
        query._store_after_change_response(request, await self.after_model_change(data, obj, True, request))
        return obj

    @japanese_errors
    @japanese_errors
    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        query = Query(self)
        stmt = self._stmt_by_identifier(pk)
        for relation in self._form_relations:
            stmt = stmt.options(selectinload(relation))
        try:
            # Hooks (on_model_change) may read in sessions of their own, which SQLite's write lock
            # would block: they see the row as it is, before the write transaction, and may refuse.
            async with self.session_maker() as session:
                current = (await session.scalars(stmt)).first()
            if current is None:
                raise HTTPException(status_code=404, detail="データが見つかりません。")
            await self.on_model_change(data, current, False, request)
            async with write_transaction(self.session_maker) as session:
                obj = (await session.scalars(stmt)).first()
                if obj is None:
                    raise HTTPException(status_code=404, detail="データが見つかりません。")
                obj = await query._set_attributes_async(session, obj, data)
                await masters.save_master(session, current_actor(request), obj, created=False, changes=data)
        except DomainError as exc:
            raise AdminError.from_domain(request, exc) from exc
        query._store_after_change_response(request, await self.after_model_change(data, obj, False, request))
        return obj

    @japanese_errors
    @japanese_errors
    async def delete_model(self, request: Request, pk: Any) -> None:
        try:
            async with write_transaction(self.session_maker) as session:
                obj = (await session.scalars(self._stmt_by_identifier(str(pk)))).first()
                if obj is None:
                    return
                await self.on_model_delete(obj, request)
                await masters.delete_master(session, current_actor(request), obj)
        except DomainError as exc:
            raise AdminError.from_domain(request, exc) from exc
        await self.after_model_delete(obj, request)


class ReadOnlyView(JapaneseModelView):
    """Lists that later issues give behaviour to; today they only show rows."""

    can_create = False
    can_edit = False
    can_delete = False


class ManagerEditMixin:
    """Everyone may look; only who may manage masters (managers) may change."""

    create_action = Action.MANAGE_MASTERS
    edit_action = Action.MANAGE_MASTERS
