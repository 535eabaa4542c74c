"""Messages to staff after an action (保存しました, 削除できませんでした …).

They are kept in the session (a *flash*) by the server and shown once, at the top of the next
page. Nothing from the URL is ever shown as a message: sqladmin displays any ``?error=`` text
as a red alert, so a link carrying 「システムエラー：…にアクセスしてください」 could put words in
the back office's mouth. Here the list page drops that parameter, and deletions report through
the session instead of the URL.
"""

from __future__ import annotations

import logging
from typing import Any

from sqladmin import Admin
from sqladmin.authentication import login_required
from sqladmin.flash import flash
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from admin.errors import AdminError

log = logging.getLogger("salon.admin")

#: The one query parameter sqladmin reads as a message; never taken from a URL.
REFLECTED_PARAM = "error"
NOT_FOUND = "削除しようとしたデータが見つかりません（既に削除された可能性があります）。"
NOTHING_SELECTED = "削除するデータが選択されていません。"
FAILED = "削除できませんでした。時間をおいてもう一度お試しください。"


def notify(request: Request, message: str) -> None:
    """A success message (green) for the next page."""
    flash(request, message, "success")


def warn(request: Request, message: str, title: str = "") -> None:
    """A warning (yellow) for the next page: done, but staff should know (e.g. an unpaid fee)."""
    flash(request, message, "warning", title)


def refuse(request: Request, message: str) -> None:
    """A refusal (red) for the next page; ``message`` is Japanese and meant for staff."""
    flash(request, message, "danger")


def row_label(model_view: Any, obj: Any) -> str:
    """How a message names a row (「山田 花子 様（お客様番号 000629）」), whatever the view."""
    label = getattr(model_view, "row_label", None)
    return label(obj) if label else str(obj)


class SalonAdmin(Admin):
    """sqladmin's routes, with messages in the session instead of the URL."""

    async def list(self, request: Request) -> Response:
        if REFLECTED_PARAM in request.query_params:
            # Whatever the link says is not shown: the same list, without it.
            url = request.url.remove_query_params(REFLECTED_PARAM)
            return RedirectResponse(str(url), status_code=303)
        return await super().list(request)

    def get_save_redirect_url(self, request: Request, form: Any, model_view: Any, obj: Any) -> str | URL:
        """Called once a create or edit form is saved: tell staff so on the page it leads to."""
        created = "pk" not in request.path_params
        url = super().get_save_redirect_url(request=request, form=form, model_view=model_view, obj=obj)
        after_save = getattr(model_view, "after_save", None)
        if after_save is None:
            notify(request, f"{row_label(model_view, obj)}を{'登録' if created else '保存'}しました。")
            return url
        # The view words the message and says which list shows what was saved (a booking: its day).
        message, list_url = after_save(request, obj, created)
        notify(request, message)
        # A view whose save always leads on (新規電話予約 → the booking form) says so.
        always = getattr(model_view, "after_save_always", False)
        return list_url if always or URL(str(url)).path.endswith("/list") else url

    @login_required
    async def delete(self, request: Request) -> Response:
        """sqladmin's DELETE route (the modal's jQuery call), reporting through the session.

        The answer is the list URL the page goes to; the referer's filters and search are kept,
        any ``error`` parameter is not."""
        identity = request.path_params["identity"]
        model_view = self._find_model_view(identity)
        pks = [pk for pk in request.query_params.get("pks", "").split(",") if pk.strip()]
        if not pks:
            refuse(request, NOTHING_SELECTED)
            return self._back_to_list(request, identity)
        await self._delete(request)  # 403 unless the role may delete every selected row
        deleted: list[str] = []
        for pk in pks:
            try:
                label = await self._delete_one(request, model_view, pk)
            except AdminError as exc:
                refuse(request, str(exc))
                continue
            except HTTPException:
                refuse(request, NOT_FOUND)
                continue
            except Exception:  # noqa: BLE001 - staff get a Japanese sentence, the log the details
                log.exception("admin delete of %s %s failed", identity, pk)
                refuse(request, FAILED)
                continue
            deleted.append(label)
        if len(deleted) == 1:
            notify(request, f"{deleted[0]}を削除しました。")
        elif deleted:
            notify(request, f"{len(deleted)}件を削除しました。")
        return self._back_to_list(request, identity)

    async def _delete_one(self, request: Request, model_view: Any, pk: str) -> str:
        model = await model_view.get_object_for_delete(pk)
        if model is None:
            raise HTTPException(status_code=404)
        label = row_label(model_view, model)
        await model_view.delete_model(request, pk)
        return label

    def _back_to_list(self, request: Request, identity: str) -> PlainTextResponse:
        url = URL(str(request.url_for("admin:list", identity=identity)))
        referer = URL(request.headers.get("referer", ""))
        if referer.query and referer.path == url.path:
            url = url.replace(query=referer.query).remove_query_params(REFLECTED_PARAM)
        return PlainTextResponse(str(url))
