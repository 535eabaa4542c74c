"""The customer's page (顧客カルテ) in the admin: services.customer_page's figures as the rows and
cells the template writes (dates in Japan time with the weekday, prices with separators)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from admin.audit_log import FIELD_LABELS
from admin.display import format_date, format_day, format_yen
from models import Customer, ReservationStatus
from services import audit
from services.customer_page import CustomerPage, ReservationLine, customer_page
from services.japan_time import in_japan

#: The session key of the customer list last shown (its search and page), for 「戻る」.
LIST_URL_KEY = "customer_list_url"
LIST_URL_MAX = 1000


@dataclass(frozen=True)
class ReservationRow:
    id: int
    day: str
    time: str
    status: str
    menus: str
    staff: str
    price: str
    cancel_fee: str
    report: str


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


def _row(line: ReservationLine) -> ReservationRow:
    start = in_japan(line.start_at)
    return ReservationRow(
        id=line.id, day=format_day(start.date()), time=start.strftime("%H:%M"), status=line.status.label,
        menus="、".join(line.menus) or "—", staff=line.staff or "指名なし", price=format_yen(line.price_yen),
        cancel_fee=format_yen(line.cancel_fee_yen) if line.cancel_fee_yen else "",
        report="あり" if line.has_report else ("未作成" if line.status is ReservationStatus.VISITED else "—"))


def _figures(customer: Customer, page: CustomerPage) -> list[Figure]:
    def day(value: Any) -> str:
        return format_date(in_japan(value).date()) if value else "—"

    interval = customer.average_visit_interval_days
    return [
        Figure("来店回数", f"{customer.visit_count}回（うちシステム導入前 {customer.pre_system_visit_count}回）"),
        Figure("予約回数", f"{customer.reservation_count}回"),
        Figure("キャンセル回数", f"{customer.cancel_count}回"),
        Figure("直前キャンセル", f"{page.late_cancel_count}回"),
        Figure("初回来店日", day(customer.first_visit_at)),
        Figure("最終来店日", day(customer.last_visit_at)),
        Figure("平均来店間隔", "—" if interval is None else f"{interval:.1f}日"),
        Figure("最終利用メニュー", customer.last_menu or "—"),
    ]


def _karte_rows(lines: list[Any]) -> list[dict[str, Any]]:
    return [{"id": line.id, "day": format_date(line.visit_date), "heading": line.heading, "text": line.text,
             "staff": line.staff or "", "health": line.is_health_info} for line in lines]


async def customer_page_context(session_maker: Any, request: Request, customer: Customer) -> dict[str, Any]:
    """Everything the page shows beyond the customer's own row (``page.karte`` lists the health
    information it shows, for the view to record those reads)."""
    async with session_maker() as session:
        page = await customer_page(session, customer.id)
    return {
        "upcoming": [_row(line) for line in page.upcoming],
        "history": [_row(line) for line in page.history],
        "history_total": page.history_total,
        "figures": _figures(customer, page),
        "tickets": [{
            "name": t.name, "purchased": format_date(t.purchased_on), "expires": format_date(t.expires_on),
            "uses": f"{t.used} / {t.total}回", "remaining": f"残り{t.remaining}回",
            "state": "期限切れ" if t.expired else ("使用済み" if t.remaining <= 0 else "利用可"),
        } for t in page.tickets],
        "changes": [{
            "at": f"{format_day(in_japan(c.at).date())} {in_japan(c.at):%H:%M}",
            "action": audit.label_of(audit.AuditAction, c.action), "actor": c.actor or "—",
            "fields": "、".join(FIELD_LABELS.get(key, key) for key in c.changes) or "—",
        } for c in page.changes],
        "karte": {
            "entries": page.karte.entries, "memos": page.karte.memos, "images": page.karte.images,
            "last_entry": format_date(page.karte.last_entry_on) if page.karte.last_entry_on else "",
            "last_memo": format_date(page.karte.last_memo_on) if page.karte.last_memo_on else "",
            "latest_entries": _karte_rows(page.karte.latest_entries),
            "latest_memos": _karte_rows(page.karte.latest_memos),
            "image_ids": page.karte.image_ids,
            "shown": page.karte,
        },
        "back": request.session.get(LIST_URL_KEY) or str(request.url_for("admin:list", identity="customer")),
    }


def remember_list_url(request: Request) -> None:
    """The list as the receptionist left it (search, sort, page), so the customer page's 「戻る」 returns there."""
    url = str(request.url)
    if len(url) <= LIST_URL_MAX:
        request.session[LIST_URL_KEY] = url
