"""画像カルテ in the admin: a customer's images (at most three) with upload, replace and delete.

Upload and replace are multipart POSTs of their own page (sqladmin's forms keep no file), through
services.karte_images; the JPEG is served by ``/admin/karte-image/file/{pk}`` to signed-in staff only,
with a cache header that keeps it in the staff member's browser alone.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from admin.base import JapaneseModelView, path_id
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell
from admin.mutation import message_page, mutate, operate
from models import Customer, KarteImage
from services import karte_images
from services.karte_images import IMAGE_HEADERS
from services.actor import Actor
from services.customer_search import free_text_clause
from services.errors import DomainError, ErrorCode
from services.ids import parse_id
from services.permissions import Action

CUSTOMERS = "顧客管理"
TITLE = "画像カルテ"


def _thumbnail_cell(model: KarteImage, attribute: str, request: Request) -> Markup:
    url = request.url_for("admin:view-karte-image-file", pk=model.id)
    return Markup('<img src="{}" alt="画像 No. {}" loading="lazy" style="max-width: 160px; max-height: 120px">'
                  ).format(url, model.id)


def _size_cell(model: KarteImage, attribute: str) -> str:
    return f"{model.width}×{model.height}・{model.byte_size / 1000:,.0f}KB"


class KarteImageAdmin(CautionMarkMixin, JapaneseModelView, model=KarteImage):
    name = name_plural = TITLE
    category = CUSTOMERS
    icon = "fa-solid fa-image"
    list_template = "salon/karte_image_list.html"
    details_template = "salon/karte_image_details.html"
    column_list = ["thumbnail", KarteImage.customer, KarteImage.caption, "size", KarteImage.uploaded_at]
    column_labels = {"thumbnail": "画像", KarteImage.customer: "お客様", "size": "大きさ"}
    column_formatters = {"thumbnail": _thumbnail_cell, KarteImage.customer: list_customer_cell, "size": _size_cell}
    column_formatters_detail = {"thumbnail": _thumbnail_cell, KarteImage.customer: customer_cell, "size": _size_cell}
    column_details_list = ["thumbnail", KarteImage.customer, KarteImage.caption, "size", KarteImage.uploaded_at,
                           KarteImage.uploaded_by_id]
    column_sortable_list = [KarteImage.uploaded_at]
    column_default_sort = [("uploaded_at", True)]
    column_searchable_list = [KarteImage.caption]
    can_create = False  # the upload page below: sqladmin's forms keep no file
    can_edit = False
    delete_action = Action.WRITE_KARTE

    def search_placeholder(self) -> str:
        return "お客様の氏名・フリガナ・お客様番号・電話番号"

    def search_query(self, stmt: Select, term: str) -> Select:
        clause = free_text_clause(term)
        return stmt if clause is None else stmt.join(KarteImage.customer).where(clause)

    def list_query(self, request: Request) -> Select:
        query = select(KarteImage)
        customer_id = parse_id(request.query_params.get("customer_id"))
        return query if customer_id is None else query.where(KarteImage.customer_id == customer_id)

    async def list(self, request: Request) -> Any:
        pagination = await super().list(request)
        customer_id = parse_id(request.query_params.get("customer_id"))
        request.state.image_customer = None
        if customer_id is not None:
            async with self.session_maker() as session:
                request.state.image_customer = await session.get(Customer, customer_id)
        request.state.may_write = self._table_allows(request, Action.WRITE_KARTE)
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        request.state.may_write = self._table_allows(request, Action.WRITE_KARTE)
        return await super().get_object_for_details(request)

    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> None:
            image_id = parse_id(pk)
            if image_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "画像が見つかりません。")
            await karte_images.remove_karte_image(session, image_id, actor)

        await mutate(self, request, perform)

    @expose("/file/{pk}", methods=["GET"])
    async def file(self, request: Request) -> Response:
        """The JPEG, to signed-in staff (this route is behind the admin's login)."""
        image_id = path_id(request, "pk")
        async with self.session_maker() as session:
            data = await karte_images.image_bytes(session, image_id)
        if data is None:
            raise HTTPException(status_code=404, detail="データが見つかりません。")
        return Response(data, media_type="image/jpeg", headers=IMAGE_HEADERS)

    def _list_url(self, request: Request, customer_id: int | None) -> str:
        url = request.url_for("admin:list", identity=self.identity)
        return str(url if customer_id is None else url.include_query_params(customer_id=customer_id))

    async def _file_of(self, request: Request) -> tuple[bytes | None, dict[str, str]]:
        limit = request.app.state.settings.karte_image_max_bytes + 1
        async with request.form(max_files=1, max_fields=10) as form:
            file = form.get("file")
            fields = {key: str(form.get(key) or "") for key in ("customer_id", "caption")}
            data = await file.read(limit) if isinstance(file, UploadFile) else None
        return data, fields

    @expose("/upload", methods=["GET"])
    async def upload_page(self, request: Request) -> Response:
        customer_id = parse_id(request.query_params.get("customer_id"))
        customer = None
        if customer_id is not None:
            async with self.session_maker() as session:
                customer = await session.get(Customer, customer_id)
        if customer is None:
            return await message_page(self, request, TITLE, ["お客様を選んでから画像を登録してください。"],
                                      self._list_url(request, None), 404)
        return await self.templates.TemplateResponse(request, "salon/karte_image_upload.html", {
            "model_view": self, "customer": customer, "replace": None,
            "settings": request.app.state.settings})

    @expose("/upload", methods=["POST"])
    async def upload(self, request: Request) -> Response:
        data, fields = await self._file_of(request)
        customer_id = parse_id(fields["customer_id"])
        settings = request.app.state.settings

        async def perform(session: AsyncSession, actor: Actor) -> None:
            if customer_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "お客様が見つかりません。", "customer_id")
            await karte_images.upload_karte_image(session, customer_id, data or b"", actor, settings,
                                                  fields["caption"] or None)

        return await operate(self, request, perform, title=TITLE, back=self._list_url(request, customer_id),
                             back_label="画像カルテに戻る")

    @expose("/replace/{pk}", methods=["POST"])
    async def replace(self, request: Request) -> Response:
        image_id = path_id(request, "pk")
        data, _ = await self._file_of(request)
        settings = request.app.state.settings

        async def perform(session: AsyncSession, actor: Actor) -> None:
            await karte_images.replace_karte_image(session, image_id, data or b"", actor, settings)

        back = str(request.url_for("admin:details", identity=self.identity, pk=image_id))
        return await operate(self, request, perform, title=TITLE, back=back, back_label="画像に戻る")
