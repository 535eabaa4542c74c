"""The ❗ caution mark (and the blacklist note) on every admin list that shows a customer.

Whether a customer is a caution / blacklisted is its stored flag (``customers.is_caution`` /
``has_blacklist_entry``); the memos of the flagged customers of the page are fetched in one query
each and kept on ``request.state`` for the (synchronous) column formatters: no query per row,
none at all when nobody on the page is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup
from sqlalchemy import inspect, select
from starlette.requests import Request

from admin.csrf import FIELD_NAME, current_token
from admin.display import mark, wrapping
from models import BlacklistEntry, Caution, Customer
from services.flags import OWN_REASON, BlacklistMatch, find_blacklist_matches


async def remember_flags(session_maker: Any, request: Request, customers: Iterable[Customer | int | None], *,
                         blacklist: bool = False) -> None:
    """Memos of the page's caution (and, with ``blacklist``, blacklisted) customers, and their matches.

    ``customers`` are loaded customers (their stored flags are read as they are) or ids (their
    flags are read in one query).
    """
    given = list(customers)
    loaded = {c.id: c for c in given if isinstance(c, Customer)}
    ids = {c for c in given if isinstance(c, int)} - set(loaded)
    cautions: dict[int, str] = getattr(request.state, "caution_memos", {})
    blacklisted: dict[int, str] = getattr(request.state, "blacklist_memos", {})
    matches: dict[int, BlacklistMatch] = getattr(request.state, "blacklist_matches", {})
    if loaded or ids:
        async with session_maker() as session:
            flags = {c.id: (c.is_caution, c.has_blacklist_entry) for c in loaded.values()}
            if ids:
                flags.update({r.id: (r.is_caution, r.has_blacklist_entry) for r in await session.execute(
                    select(Customer.id, Customer.is_caution, Customer.has_blacklist_entry).where(Customer.id.in_(ids)))})
            flagged = [i for i, (caution, _) in flags.items() if caution]
            if flagged:
                rows = await session.execute(
                    select(Caution.customer_id, Caution.memo).where(Caution.customer_id.in_(flagged)))
                cautions.update({r.customer_id: r.memo for r in rows})
            listed = [i for i, (_, on_list) in flags.items() if on_list]
            if blacklist and listed:
                rows = await session.execute(
                    select(BlacklistEntry.customer_id, BlacklistEntry.memo)
                    .where(BlacklistEntry.customer_id.in_(listed)))
                blacklisted.update({r.customer_id: r.memo for r in rows})
            if blacklist:  # somebody else's entry matching (the blacklist follows the person)
                matches.update(await find_blacklist_matches(session, sorted(flags)))
    request.state.caution_memos = cautions
    request.state.blacklist_memos = blacklisted
    request.state.blacklist_matches = matches


def row_customer(row: Any) -> Customer | int | None:
    """A row's customer when it is loaded (its flags are on it), else its id."""
    state = inspect(row)
    if "customer" in state.mapper.relationships and "customer" not in state.unloaded:
        return row.customer
    return getattr(row, "customer_id", None)


def caution_memos(request: Request) -> dict[int, str]:
    return getattr(request.state, "caution_memos", {})


def blacklist_matches(request: Request) -> dict[int, BlacklistMatch]:
    return getattr(request.state, "blacklist_matches", {})


def blacklist_memos(request: Request) -> dict[int, str]:
    return getattr(request.state, "blacklist_memos", {})


def remember_unrecorded_match(request: Request, customer_id: int, match: BlacklistMatch) -> None:
    """A match the customer's own edit would make (``services.flags.unrecorded_match``), for the details."""
    request.state.unrecorded_matches = {**getattr(request.state, "unrecorded_matches", {}), customer_id: match}


def shows_blacklist(request: Request, customer_id: int | None) -> bool:
    """Whether a customer of the page gets ⛔: its own entry, or a match with somebody else's."""
    return customer_id in blacklist_memos(request) or customer_id in blacklist_matches(request)


def _is_other_person(match: BlacklistMatch) -> bool:
    return match.reasons != (OWN_REASON,)


def customer_name_cell(model: Any, attribute: str, request: Request) -> Markup:
    """The customer list's name: ❗ for a caution, ⛔ for the blacklist or a match with it."""
    cell = mark(model.full_name, caution_memos(request).get(model.id))
    blacklist = blacklist_memos(request).get(model.id)
    match = blacklist_matches(request).get(model.id)
    if blacklist is not None:
        cell = Markup('<span class="text-danger" title="ブラックリスト: {}">⛔</span> {}').format(blacklist, cell)
    elif match is not None:
        title = f"ブラックリスト一致（{match.customer_no}・{'、'.join(match.reasons)}）: {match.memo}"
        cell = Markup('<span class="text-danger" title="{}">⛔</span> {}').format(title, cell)
    return cell


def customer_flags_cell(model: Any, attribute: str, request: Request) -> Markup:
    """The details row 要注意・ブラックリスト: the memos, and a match with somebody else's entry."""
    caution = caution_memos(request).get(model.id)
    blacklist = blacklist_memos(request).get(model.id)
    match = blacklist_matches(request).get(model.id)
    parts = []
    if caution is not None:
        parts.append(Markup('<div class="text-danger">❗ 要注意人物: {}</div>').format(caution))
    if blacklist is not None:
        parts.append(Markup('<div class="text-danger">⛔ ブラックリスト: {}</div>').format(blacklist))
    if match is not None and _is_other_person(match):
        parts.append(_match_warning(model, match, request))
    possible = getattr(request.state, "unrecorded_matches", {}).get(model.id)
    if possible is not None:
        parts.append(Markup(
            '<div class="alert alert-warning mb-0 text-wrap" role="alert" data-testid="possible-blacklist-match">'
            '<div><strong>ブラックリストとの一致の可能性</strong><br>'
            'お客様ご自身が予約サイトで変更したカナ氏名・電話番号・メールアドレスが、ブラックリストのお客様'
            '（お客様番号 <a href="{url}">{no}</a>・{reasons}）と一致します。メモ: {memo}<br>'
            '同一人物かご確認ください。「編集」から保存すると今の内容で照合し、一致として記録します。</div></div>'
        ).format(url=request.url_for("admin:details", identity="customer", pk=possible.customer_id),
                 no=possible.customer_no, reasons="、".join(possible.reasons), memo=possible.memo))
    return Markup("").join(parts) if parts else Markup("なし")


def _match_warning(model: Any, match: BlacklistMatch, request: Request) -> Markup:
    warning = Markup(
        '<div class="alert alert-danger mb-0 text-wrap" role="alert" data-testid="blacklist-match">'
        '<div><strong>⛔ ブラックリストに登録されたお客様と一致します</strong><br>'
        'お客様番号 <a href="{url}">{no}</a>（{reasons}）<br>メモ: {memo}{form}</div></div>'
    )
    actor = getattr(request.state, "actor", None)
    form = Markup("")
    if actor is not None and actor.is_manager:
        form = Markup(
            '<form method="post" action="{action}" class="mt-2">'
            '<input type="hidden" name="{field}" value="{token}">'
            '<input type="hidden" name="entry_id" value="{entry}">'
            '<label class="form-label mb-1" for="clear-memo">別人の場合は一致を解除できます（店長のみ・記録されます）</label>'
            '<input id="clear-memo" class="form-control mb-2" name="memo" maxlength="2000" '
            'placeholder="解除の理由（例: 生年月日が違う別人）">'
            '<button type="submit" class="btn btn-outline-danger">別人として一致を解除する</button></form>'
        ).format(action=request.url_for("admin:view-blacklist-entry-clear_match", customer_id=model.id),
                 field=FIELD_NAME, token=current_token(), entry=match.entry_id)
    url = request.url_for("admin:details", identity="customer", pk=match.customer_id)
    return warning.format(url=url, no=match.customer_no, reasons="、".join(match.reasons), memo=match.memo,
                          form=form)


def customer_cell(model: Any, attribute: str, request: Request, *, with_memo: bool = True) -> Markup:
    """A row's customer with the ❗ mark, or the walk-in guest's name."""
    customer = getattr(model, attribute, None)
    if customer is None:
        guest = getattr(model, "guest_name", None)
        return Markup("{}（非会員）").format(guest) if guest else Markup("")
    # 「000734 山本 亜由美」 may break after the number in a narrow column, never inside the name.
    text = Markup('{} <span class="text-nowrap">{}</span>').format(customer.customer_no, customer.full_name)
    return mark(text, caution_memos(request).get(customer.id), with_memo=with_memo)


def list_customer_cell(model: Any, attribute: str, request: Request) -> Markup:
    """The customer column of a list: may break after the number when the table is short of room."""
    return wrapping(customer_cell(model, attribute, request))


class CautionMarkMixin:
    """For views whose rows have ``customer_id`` and a loaded ``customer``."""

    async def list(self, request: Request):
        pagination = await super().list(request)  # type: ignore[misc]
        await remember_flags(self.session_maker, request,  # type: ignore[attr-defined]
                             [row_customer(row) for row in pagination.rows])
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        obj = await super().get_object_for_details(request)  # type: ignore[misc]
        if obj is not None:
            await remember_flags(self.session_maker, request, [row_customer(obj)])  # type: ignore[attr-defined]
        return obj
