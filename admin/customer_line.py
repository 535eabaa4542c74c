"""The LINE link on a customer's page: the LINE id with 「LINE連携を解除」 (a POST with the CSRF token,
recorded by services.line_link, which checks who may)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from starlette.requests import Request
from starlette.responses import Response

from admin.base import path_id
from admin.csrf import FIELD_NAME, current_token
from admin.mutation import operate
from models import Customer
from services import line_link
from services.permissions import Action, can


def line_detail_cell(model: Customer, attribute: str, request: Request) -> Markup:
    if not model.line_user_id:
        return Markup('<span class="text-muted">未連携</span>')
    cell = Markup("<span>{}</span>").format(model.line_user_id)
    if not can(getattr(request.state, "actor", None), Action.UNLINK_LINE_ACCOUNT):
        return cell
    url = request.url_for("admin:view-customer-unlink_line", pk=model.id)
    return cell + Markup(
        '<form method="post" action="{url}" class="d-inline-block ms-2" data-confirm="{question}">'
        '<input type="hidden" name="{field}" value="{token}">'
        '<button type="submit" class="btn btn-sm btn-outline-danger">LINE連携を解除</button></form>'
    ).format(url=url, field=FIELD_NAME, token=current_token(),
             question=f"{model.full_name}様のLINE連携を解除します。予約サイトからのログインが切れ、"
                      "もう一度LINE連携するまで予約サイトを使えません。よろしいですか？")


class LineLinkMixin:
    """The customer view's 「LINE連携を解除」 (POST /admin/customer/{pk}/unlink-line)."""

    @expose("/{pk}/unlink-line", methods=["POST"])
    async def unlink_line(self, request: Request) -> Response:
        customer_id = path_id(request, "pk")

        async def perform(session: Any, actor: Any) -> None:
            await line_link.unlink_line_account(session, customer_id, actor)

        back = str(request.url_for("admin:details", identity="customer", pk=customer_id))
        return await operate(self, request, perform, title="LINE連携の解除", back=back,
                             back_label="お客様の詳細に戻る")
