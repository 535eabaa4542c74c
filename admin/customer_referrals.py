"""紹介 on a customer's details page: who referred this customer and whom it referred, each link with
its memo (changed in place) and 削除, and a small form to add a link by the other お客様番号.
Every button is a POST with the CSRF token; every rule is services.referrals'."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqlalchemy import or_, select
from starlette.requests import Request
from starlette.responses import Response

from admin.base import path_id
from admin.csrf import FIELD_NAME, current_token
from admin.mutation import operate
from models import Customer, Referral
from services import referrals

_TOKEN = '<input type="hidden" name="{field}" value="{token}">'


def _link_row(request: Request, customer: Customer, referral: Referral, other: Customer) -> Markup:
    memo_url = request.url_for("admin:view-customer-referral_memo", pk=customer.id, rid=referral.id)
    remove_url = request.url_for("admin:view-customer-referral_remove", pk=customer.id, rid=referral.id)
    other_url = request.url_for("admin:details", identity="customer", pk=other.id)
    return Markup(
        '<li class="mb-2" data-testid="referral-{rid}"><a href="{other_url}">{other}</a>'
        '<form method="post" action="{memo_url}" class="d-flex flex-wrap gap-1 mt-1">' + _TOKEN +
        '<input name="memo" class="form-control form-control-sm referral-memo" maxlength="1000" value="{memo}" '
        'aria-label="メモ" placeholder="メモ（例: 初回20%引き）">'
        '<button type="submit" class="btn btn-sm btn-outline-primary">メモを保存</button></form>'
        '<form method="post" action="{remove_url}" class="d-inline-block mt-1" data-confirm="{question}">' + _TOKEN +
        '<button type="submit" class="btn btn-sm btn-outline-danger">削除</button></form></li>'
    ).format(rid=referral.id, other_url=other_url, other=f"{other.customer_no} {other.full_name}",
             memo_url=memo_url, remove_url=remove_url, memo=referral.memo or "", field=FIELD_NAME,
             token=current_token(), question=f"{other.full_name}様との紹介の記録を削除します。よろしいですか？")


def referral_detail_cell(model: Customer, attribute: str, request: Request) -> Markup:
    links = getattr(request.state, "referral_links", {}).get(model.id, [])
    parts = Markup("")
    for title, referred_this in (("紹介者（このお客様を紹介した人）", True), ("紹介した人", False)):
        rows = [_link_row(request, model, r, other) for r, other, by in links if by == referred_this]
        body = Markup("").join(rows) if rows else Markup('<li class="text-muted">なし</li>')
        parts += Markup('<div class="mb-2"><strong>{}</strong><ul class="list-unstyled ms-2 mb-0">{}</ul></div>'
                        ).format(title, body)
    add_url = request.url_for("admin:view-customer-referral_add", pk=model.id)
    parts += Markup(
        '<form method="post" action="{url}" class="d-flex flex-wrap gap-1 align-items-center" '
        'data-testid="referral-add">' + _TOKEN +
        '<select name="direction" class="form-select form-select-sm w-auto" aria-label="紹介の向き">'
        '<option value="referred_this">このお客様を紹介した人</option>'
        '<option value="referred_other">このお客様が紹介した人</option></select>'
        '<input name="customer_no" class="form-control form-control-sm w-auto" maxlength="32" '
        'placeholder="相手のお客様番号" aria-label="相手のお客様番号" required>'
        '<input name="memo" class="form-control form-control-sm w-auto" maxlength="1000" placeholder="メモ" '
        'aria-label="メモ"><button type="submit" class="btn btn-sm btn-primary">紹介を登録</button></form>'
    ).format(url=add_url, field=FIELD_NAME, token=current_token())
    return parts


class ReferralsMixin:
    """The customer view's 紹介 section: its links loaded with the page, its three POSTs."""

    async def get_object_for_details(self, request: Request) -> Any:
        customer = await super().get_object_for_details(request)  # type: ignore[misc]
        if customer is not None:
            async with self.session_maker() as session:  # type: ignore[attr-defined]
                rows = (await session.scalars(select(Referral).where(or_(
                    Referral.referrer_id == customer.id, Referral.referred_id == customer.id))
                    .order_by(Referral.created_at, Referral.id))).all()
                others = {c.id: c for c in (await session.scalars(select(Customer).where(Customer.id.in_(
                    {r.referrer_id for r in rows} | {r.referred_id for r in rows})))).all()}
            request.state.referral_links = {customer.id: [
                (r, others[r.referrer_id if r.referred_id == customer.id else r.referred_id],
                 r.referred_id == customer.id) for r in rows]}
        return customer

    def _back(self, request: Request, customer_id: int) -> str:
        return str(request.url_for("admin:details", identity="customer", pk=customer_id))

    async def _run(self, request: Request, customer_id: int, perform: Any) -> Response:
        return await operate(self, request, perform, title="紹介", back=self._back(request, customer_id),
                             back_label="お客様の詳細に戻る")

    @expose("/{pk}/referrals", methods=["POST"])
    async def referral_add(self, request: Request) -> Response:
        customer_id = path_id(request, "pk")
        form = await request.form(max_files=0, max_fields=10)

        async def perform(session: Any, actor: Any) -> None:
            await referrals.add_referral_by_number(
                session, customer_id, str(form.get("customer_no") or ""),
                form.get("direction") == "referred_this", str(form.get("memo") or ""), actor)

        return await self._run(request, customer_id, perform)

    @expose("/{pk}/referrals/{rid}/memo", methods=["POST"])
    async def referral_memo(self, request: Request) -> Response:
        customer_id, referral_id = path_id(request, "pk"), path_id(request, "rid")
        form = await request.form(max_files=0, max_fields=10)

        async def perform(session: Any, actor: Any) -> None:
            await referrals.update_referral_memo(session, referral_id, str(form.get("memo") or ""), actor)

        return await self._run(request, customer_id, perform)

    @expose("/{pk}/referrals/{rid}/remove", methods=["POST"])
    async def referral_remove(self, request: Request) -> Response:
        customer_id, referral_id = path_id(request, "pk"), path_id(request, "rid")

        async def perform(session: Any, actor: Any) -> None:
            await referrals.remove_referral(session, referral_id, actor)

        return await self._run(request, customer_id, perform)
