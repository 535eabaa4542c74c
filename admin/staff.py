"""スタッフアカウント (managers only): list, create with a password, edit, delete.

Passwords go through services.auth (argon2); the hash is never listed, shown,
exported or written to the audit log.
"""

from __future__ import annotations

from typing import Any

from sqladmin.fields import BooleanField, SelectField
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from wtforms import PasswordField, StringField
from wtforms import validators as v

from admin.base import JapaneseModelView
from admin.display import format_datetime
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of, enum_coerce
from admin.mutation import mutate
from models import StaffAccount, StaffMember, StaffRole
from services import auth, login_throttle
from services.actor import Actor
from services.ids import require_id
from services.permissions import Action

CREATE_FIELDS = ["login_id", "display_name", "password", "role", "staff_member_id", "active"]
EDIT_FIELDS = ["display_name", "role", "staff_member_id", "active", "locked", "new_password",
               "clear_login_limits"]


async def build_account_form(session_maker: Any, fields: list[str]) -> type[JapaneseForm]:
    css = {"class": "form-control"}
    available: dict[str, Any] = {
        "login_id": StringField("ログインID", [v.InputRequired()], render_kw=css),
        "display_name": StringField("表示名", description="空欄のときはログインIDを使います。", render_kw=css),
        "password": PasswordField("パスワード", [v.InputRequired()],
                                  description=f"{auth.MIN_PASSWORD_LENGTH}文字以上", render_kw=css),
        "role": SelectField("権限", choices=StaffRole.choices(), coerce=enum_coerce(StaffRole),
                            default=StaffRole.STAFF, render_kw=css),
        "staff_member_id": SelectField(
            "スタッフ", choices=await choices_of(session_maker, StaffMember, StaffMember.display_order),
            coerce=int, allow_blank=True, blank_text=BLANK_CHOICE, render_kw=css,
            description="施術を担当するスタッフと結びつける場合に選びます。"),
        "active": BooleanField("有効", default=True, render_kw={"class": "form-check-input"}),
        "new_password": PasswordField(
            "新しいパスワード", description=f"変更するときだけ入力（{auth.MIN_PASSWORD_LENGTH}文字以上）",
            render_kw=css),
        "locked": BooleanField(
            "ロック", default=False, render_kw={"class": "form-check-input"},
            description="チェックすると、店長が解除するまでこのアカウントではログインできません（ログイン中の画面やトークンも無効になります）。"),
        "clear_login_limits": BooleanField(
            "ログイン制限を解除する", default=False, render_kw={"class": "form-check-input"},
            description="ログインの失敗が続いて待ち時間がかかっているとき、このログインIDと、それが試された端末の制限をすぐに解除します。"),
    }
    return type("StaffAccountForm", (JapaneseForm,), {name: available[name] for name in fields})


def _lock_cell(model: StaffAccount, attribute: str, request: Request) -> str:
    """A manager's lock, and a wait after failed logins on the ID (which ログイン制限を解除する lifts)."""
    parts = []
    if model.locked_at is not None:
        parts.append(f"ロック中（{format_datetime(model.locked_at)}から）")
    waiting = getattr(request.state, "login_waits", {}).get(model.login_id)
    if waiting is not None:
        parts.append(f"ログイン制限中（{format_datetime(waiting)}まで）")
    return " ".join(parts)


class StaffAccountAdmin(JapaneseModelView, model=StaffAccount):
    name = name_plural = "スタッフアカウント"
    category = "設定"
    icon = "fa-solid fa-id-badge"
    column_list = [StaffAccount.login_id, StaffAccount.display_name, StaffAccount.role,
                   StaffAccount.staff_member, StaffAccount.active, StaffAccount.locked_at,
                   StaffAccount.last_login_at]
    column_details_list = [*column_list, StaffAccount.created_at, StaffAccount.updated_at]
    column_labels = {StaffAccount.staff_member: "スタッフ", StaffAccount.locked_at: "ロック"}
    column_formatters = {StaffAccount.locked_at: _lock_cell}
    column_formatters_detail = column_formatters
    column_searchable_list = [StaffAccount.login_id, StaffAccount.display_name]
    column_sortable_list = [StaffAccount.login_id, StaffAccount.display_name, StaffAccount.role,
                            StaffAccount.last_login_at]
    column_default_sort = [("login_id", False)]
    form_columns = [StaffAccount.login_id, StaffAccount.display_name, StaffAccount.role,
                    StaffAccount.staff_member, StaffAccount.active]
    form_create_rules = CREATE_FIELDS
    form_edit_rules = EDIT_FIELDS

    access_action = create_action = edit_action = delete_action = Action.MANAGE_STAFF

    async def _remember_waits(self, request: Request, rows: list[StaffAccount]) -> None:
        async with self.session_maker() as session:
            request.state.login_waits = await login_throttle.waiting_until(
                session, [row.login_id for row in rows], login_throttle.now())

    async def list(self, request: Request):
        pagination = await super().list(request)
        await self._remember_waits(request, pagination.rows)
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        row = await super().get_object_for_details(request)
        await self._remember_waits(request, [row] if row is not None else [])
        return row

    async def scaffold_form(self, rules: list[str] | None = None):
        return await build_account_form(self.session_maker, list(rules or EDIT_FIELDS))

    async def get_form_data_for_edit(self, obj: StaffAccount) -> dict[str, Any]:
        return {"display_name": obj.display_name, "role": obj.role, "staff_member_id": obj.staff_member_id,
                "active": obj.active, "locked": obj.is_locked}

    async def insert_model(self, request: Request, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> StaffAccount:
            return await auth.create_staff_account(
                session, login_id=data["login_id"] or "", password=data["password"] or "",
                display_name=data.get("display_name") or "", role=data["role"],
                staff_member_id=data.get("staff_member_id"), active=bool(data.get("active")),
                actor=actor)

        return await mutate(self, request, perform)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> StaffAccount:
            return await auth.update_staff_account(
                session, require_id(pk, "スタッフアカウント"), display_name=data.get("display_name") or "", role=data["role"],
                staff_member_id=data.get("staff_member_id"), active=bool(data.get("active")),
                locked=bool(data.get("locked")), new_password=data.get("new_password") or "",
                clear_login_limits=bool(data.get("clear_login_limits")), actor=actor)

        return await mutate(self, request, perform)

    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> None:
            await auth.delete_staff_account(session, require_id(pk, "スタッフアカウント"), actor)

        await mutate(self, request, perform)
