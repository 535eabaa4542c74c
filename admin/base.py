"""The base of every admin view: Japanese labels from the columns' ``comment`` (the term staff know),
Japanese enum labels and yen, the permission table for menus, pages and buttons, and generic CRUD
through services.masters in one write transaction.

Display helpers live in :mod:`admin.display`, forms in :mod:`admin.forms`, errors in :mod:`admin.errors`.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from sqladmin import ModelView
from sqladmin._queries import Query
from sqladmin.helpers import get_object_identifier
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request

from admin.display import DETAIL_TYPE_FORMATTERS, TYPE_FORMATTERS, enum_label_formatter, yen_formatter
from admin.errors import japanese_errors
from admin.forms import JapaneseConverter, JapaneseForm
from admin.mutation import mutate
from admin.names import remember_staff_names, staff_columns, staff_name_cell
from models.types import LabeledEnum
from services import masters
from services.actor import Actor
from services.customer_search import check_free_text
from services.errors import DomainError
from services.ids import parse_id
from services.permissions import Action, check

def path_id(request: Request, name: str) -> int:
    """The path's id, or a 404 page (「データが見つかりません。」) for anything no row can have."""
    number = parse_id(request.path_params.get(name))
    if number is None:
        raise HTTPException(status_code=404, detail="データが見つかりません。")
    return number


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
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    form_excluded_columns = ["created_at", "updated_at"]
    search_auto_submit = False
    show_compact_lists = False  # related rows one per line, not "(a) (b)"
    icon = "fa-solid fa-table-list"
    #: The list's 「+ …」 button when sqladmin's 「…を新規作成」 does not read well (新規電話予約: 新規登録).
    create_button_label: str | None = None

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
            # Every list's search box, sqladmin's own search included: one rule for its text (a NUL
            # reached PostgreSQL from a master list's search, which refuses it).
            check_free_text(request.query_params.get("search"))
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
                if parse_id(identifier) is None:
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
    async def insert_model(self, request: Request, data: dict) -> Any:
        query = Query(self)
        obj = query._get_model_object(data)
        # Hooks run before the write lock is taken (they may read in sessions of their own).
        await self.on_model_change(data, obj, True, request)

        async def perform(session: AsyncSession, actor: Actor) -> Any:
            saved = await query._set_attributes_async(session, obj, data)
            await masters.save_master(session, actor, saved, created=True, changes=data)
            return saved

        obj = await mutate(self, request, perform)
        query._store_after_change_response(request, await self.after_model_change(data, obj, True, request))
        return obj

    @japanese_errors
    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        query = Query(self)
        stmt = self._stmt_by_identifier(pk)
        for relation in self._form_relations:
            stmt = stmt.options(selectinload(relation))
        # Hooks (on_model_change) may read in sessions of their own, which SQLite's write lock
        # would block: they see the row as it is, before the write transaction, and may refuse.
        async with self.session_maker() as session:
            current = (await session.scalars(stmt)).first()
        if current is None:
            raise HTTPException(status_code=404, detail="データが見つかりません。")
        await self.on_model_change(data, current, False, request)

        async def perform(session: AsyncSession, actor: Actor) -> Any:
            obj = (await session.scalars(stmt)).first()
            if obj is None:
                raise HTTPException(status_code=404, detail="データが見つかりません。")
            obj = await query._set_attributes_async(session, obj, data)
            await masters.save_master(session, actor, obj, created=False, changes=data)
            return obj

        obj = await mutate(self, request, perform)
        query._store_after_change_response(request, await self.after_model_change(data, obj, False, request))
        return obj

    @japanese_errors
    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> Any:
            obj = (await session.scalars(self._stmt_by_identifier(str(pk)))).first()
            if obj is not None:
                await self.on_model_delete(obj, request)
                await masters.delete_master(session, actor, obj)
            return obj

        obj = await mutate(self, request, perform)
        if obj is not None:
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
