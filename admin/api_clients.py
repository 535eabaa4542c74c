"""サイト連携キー (managers only): the reservation site's server's credential.

Listed with who issued it, when it was last used and whether it was revoked; 「+ 新規発行」 asks
for a name and shows the secret on the answer to that POST, once (only its SHA-256 is stored:
nobody can see it again); 無効化 is a POST with the CSRF token. Every rule is services.api_clients'.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from starlette.requests import Request
from starlette.responses import Response

from admin.base import ReadOnlyView, path_id
from admin.csrf import FIELD_NAME, current_token
from admin.display import format_datetime
from admin.errors import AdminError
from admin.mutation import mutate, operate
from models import ApiClient
from services import api_clients
from services.permissions import Action

NEW_TEMPLATE = "salon/api_client_new.html"


def _state_cell(model: ApiClient, attribute: str, request: Request) -> Markup:
    if model.revoked_at is not None:
        return Markup("<span class=\"text-muted\">無効（{}）</span>").format(format_datetime(model.revoked_at))
    url = request.url_for("admin:view-api-client-revoke", pk=model.id)
    return Markup(
        '<div class="d-flex flex-wrap align-items-center gap-1"><span class="text-success me-1">有効</span>'
        '<form method="post" action="{url}" class="d-inline-block" data-confirm="{question}">'
        '<input type="hidden" name="{field}" value="{token}">'
        '<button type="submit" class="btn btn-sm btn-outline-danger">無効化</button></form></div>'
    ).format(url=url, field=FIELD_NAME, token=current_token(),
             question=f"サイト連携キー「{model.name}」を無効にします。このキーを使う予約サイトは、"
                      "新しいキーを設定するまでLINE連携やお客様トークンの発行ができなくなります。よろしいですか？")


def _last_used_cell(model: ApiClient, attribute: str) -> str:
    return format_datetime(model.last_used_at) if model.last_used_at is not None else "未使用"


def _prefix_cell(model: ApiClient, attribute: str) -> str:
    return f"{model.secret_prefix}…"


class ApiClientAdmin(ReadOnlyView, model=ApiClient):
    name = name_plural = "サイト連携キー"
    category = "設定"
    icon = "fa-solid fa-key"
    column_list = [ApiClient.name, ApiClient.secret_prefix, ApiClient.created_by_id, ApiClient.created_at,
                   ApiClient.last_used_at, "state"]
    column_labels = {"state": "状態・操作"}
    column_formatters = {"state": _state_cell, ApiClient.secret_prefix: _prefix_cell,
                         ApiClient.last_used_at: _last_used_cell}
    column_sortable_list = [ApiClient.name, ApiClient.created_at, ApiClient.last_used_at]
    column_default_sort = [("created_at", True)]
    can_view_details = False
    list_template = "salon/api_client_list.html"
    access_action = Action.MANAGE_API_CLIENTS

    async def _new_page(self, request: Request, status: int = 200, **context: Any) -> Response:
        context = {"title": "サイト連携キーの発行", "error": None, "secret": None, "client": None,
                   "name": "", **context}
        response = await self.templates.TemplateResponse(request, NEW_TEMPLATE, context, status_code=status)
        response.headers["Cache-Control"] = "no-store"  # the page with the secret is not kept anywhere
        return response

    @expose("/new", methods=["GET"])
    async def new(self, request: Request) -> Response:
        return await self._new_page(request)

    @expose("/new", methods=["POST"])
    async def create_key(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        name = str(form.get("name") or "")

        async def perform(session: Any, actor: Any) -> tuple[ApiClient, str]:
            return await api_clients.create_api_client(session, name, actor)

        try:
            client, secret = await mutate(self, request, perform)
        except AdminError as exc:
            return await self._new_page(request, 400, error=str(exc), name=name[:200])
        return await self._new_page(request, client=client, secret=secret)

    @expose("/{pk}/revoke", methods=["POST"])
    async def revoke(self, request: Request) -> Response:
        client_id = path_id(request, "pk")

        async def perform(session: Any, actor: Any) -> None:
            await api_clients.revoke_api_client(session, client_id, actor)

        back = str(request.url_for("admin:list", identity=self.identity))
        return await operate(self, request, perform, title="サイト連携キー", back=back,
                             back_label="サイト連携キーに戻る")
