"""顧客の一括登録 in the admin: template download, upload (インポート / 確認のみ), column mapping,
登録する after a dry run, the result notice, and the import history with per-row results as .xlsx.

Thin: every decision is in ``services.customer_import``; this module reads forms and renders.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from sqladmin import BaseView, expose
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.auth import current_actor
from admin.base import ReadOnlyView, path_id
from models import CustomerImport, ImportStatus
from models.db import Database
from services import customer_import as importer
from services.config import Settings
from services.customer_import.reading import ENCODING_LABELS
from services.errors import DomainError
from services.permissions import Action, can

CATEGORY = "顧客管理"
TEMPLATE = "sqladmin/customer_import.html"
#: Rows of each kind shown on the page; the downloadable .xlsx has them all.
SHOWN_ROWS = 200
ENCODING_CHOICES = [("auto", "自動判定"), ("utf-8", "UTF-8"), ("shift_jis", "Shift_JIS (CP932)")]


def _download(data: bytes, file_name: str) -> Response:
    # RFC 5987: a Japanese file name survives in every browser.
    disposition = f"attachment; filename=\"download.xlsx\"; filename*=UTF-8''{quote(file_name)}"
    return Response(data, media_type=importer.CONTENT_TYPE, headers={"Content-Disposition": disposition})


def _state(request: Request) -> tuple[Database, Settings]:
    return request.app.state.db, request.app.state.settings


class CustomerImportPage(BaseView):
    name = "顧客の一括登録"
    identity = "customer-import"
    category = CATEGORY
    icon = "fa-solid fa-file-import"

    def is_visible(self, request: Request) -> bool:
        return can(getattr(request.state, "actor", None), Action.IMPORT)

    def is_accessible(self, request: Request) -> bool:
        return self.is_visible(request)

    async def _page(self, request: Request, status: int = 200, **context: Any) -> Response:
        context.setdefault("error", None)
        context.setdefault("report", None)
        context.setdefault("log", None)
        return await self.templates.TemplateResponse(
            request, TEMPLATE, {"title": self.name, "encodings": ENCODING_CHOICES, "shown": SHOWN_ROWS,
                                "labels": importer.OUTCOME_LABELS, "encoding_labels": ENCODING_LABELS,
                                **context}, status_code=status)

    @expose("/customer-import", methods=["GET"], identity="customer-import")
    async def upload_page(self, request: Request) -> Response:
        return await self._page(request)

    @expose("/customer-import/template", methods=["GET"], identity="customer-import-template")
    async def template(self, request: Request) -> Response:
        db, _ = _state(request)
        async with db.sessionmaker() as session:
            data = await importer.template_bytes(session, current_actor(request))
        return _download(data, importer.FILE_NAME)

    @expose("/customer-import/upload", methods=["POST"], identity="customer-import-upload")
    async def upload(self, request: Request) -> Response:
        db, settings = _state(request)
        form = await request.form(max_files=1, max_fields=20)
        file = form.get("file")
        dry_run = form.get("mode") == "dry_run"
        encoding = str(form.get("encoding") or "auto")
        if not isinstance(file, UploadFile) or not file.filename:
            return await self._page(request, 400, error="ファイルを選択してください。")
        data = await file.read(settings.import_max_bytes + 1)
        await form.close()
        upload = importer.Upload(file.filename, data)
        return await self._run(request, db, settings, upload=upload, dry_run=dry_run, encoding=encoding)

    @expose("/customer-import/{id:int}/confirm", methods=["POST"], identity="customer-import-confirm")
    async def confirm(self, request: Request) -> Response:
        db, settings = _state(request)
        preview_id = path_id(request, "id")
        return await self._run(request, db, settings, preview_id=preview_id, dry_run=False)

    @expose("/customer-import/{id:int}/remap", methods=["POST"], identity="customer-import-remap")
    async def remap(self, request: Request) -> Response:
        db, settings = _state(request)
        form = await request.form(max_files=0, max_fields=200)
        mapping = [str(form.get(f"map_{i}") or "") for i in range(100) if f"map_{i}" in form]
        return await self._run(request, db, settings, preview_id=path_id(request, "id"),
                               dry_run=True, mapping=mapping)

    async def _run(self, request: Request, db: Database, settings: Settings, **kwargs: Any) -> Response:
        actor = current_actor(request)
        preview_id = kwargs.get("preview_id")
        try:
            async with db.transaction() as session:
                report = await importer.import_customers(session, actor, kwargs.pop("upload", None),
                                                         settings=settings, **kwargs)
        except importer.ImportChanged as exc:
            # Show what the file gives now, as a new dry run to confirm again.
            async with db.transaction() as session:
                report = await importer.import_customers(session, actor, None, settings=settings,
                                                         preview_id=preview_id, dry_run=True)
            return await self._result(request, report.import_id, error=exc.message)
        except DomainError as exc:
            return await self._page(request, 400, error=" ".join(dict.fromkeys(e.message for e in exc.errors)))
        url = request.url_for("admin:view-customer-import-result", id=report.import_id)
        return RedirectResponse(url, status_code=303)

    @expose("/customer-import/{id:int}", methods=["GET"], identity="customer-import-result")
    async def result_page(self, request: Request) -> Response:
        return await self._result(request, path_id(request, "id"))

    async def _result(self, request: Request, import_id: int, error: str | None = None) -> Response:
        db, _ = _state(request)
        try:
            async with db.sessionmaker() as session:
                log, results = await importer.load_import(session, current_actor(request), import_id)
                _, columns = await importer.suggested_mapping(session, log.headers or [])
        except DomainError as exc:
            return await self._page(request, 404, error=exc.message)
        by_outcome = {k: [r for r in results if r.outcome == k] for k in importer.OUTCOME_LABELS}
        return await self._page(request, error=error, log=log, rows=by_outcome, columns=columns,
                                preview=log.status == ImportStatus.PREVIEW)

    @expose("/customer-import/{id:int}/results.xlsx", methods=["GET"], identity="customer-import-results")
    async def results(self, request: Request) -> Response:
        db, _ = _state(request)
        import_id = path_id(request, "id")
        try:
            async with db.sessionmaker() as session:
                _, results = await importer.load_import(session, current_actor(request), import_id)
        except DomainError as exc:
            return await self._page(request, 404, error=exc.message)
        return _download(importer.results_workbook(results), importer.results_file_name(import_id))


def _results_link(model: CustomerImport, attribute: str) -> Markup:
    return Markup('<a href="/admin/customer-import/{id}">結果を見る</a> ・ '
                  '<a href="/admin/customer-import/{id}/results.xlsx">Excel</a>').format(id=model.id)


class CustomerImportLogAdmin(ReadOnlyView, model=CustomerImport):
    """Who imported which file when, with its counts."""

    name = name_plural = "一括登録の履歴"  # at /admin/customer-import/list, beside the import pages
    category = CATEGORY
    icon = "fa-solid fa-clock-rotate-left"
    can_view_details = False
    column_list = ["created_at", "status", "actor_name", "file_name", "total_rows", "success_count",
                   "error_count", "existing_count", "file_sha256", "id"]
    column_labels = {"id": "行ごとの結果"}
    column_formatters = {"id": _results_link,
                         "file_sha256": lambda m, a: (m.file_sha256 or "")[:12]}
    column_default_sort = [("id", True)]
    column_sortable_list = ["created_at", "file_name"]

    def is_visible(self, request: Request) -> bool:
        return can(getattr(request.state, "actor", None), Action.IMPORT)

    def is_accessible(self, request: Request) -> bool:
        return self.is_visible(request)
