"""The reservation status transition table: which operation moves a reservation from which status to which.

One table for every door (admin, staff app, customer site, import, merge). The README
carries a copy rendered by :func:`transition_table_markdown` (a test keeps them in step).
A refusal names the operation asked for and the reservation's current status (:func:`impossible`).
Statuses that exist only with prepayment (事前決済) are neither a source nor a target
while the store does not use it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from models import PREPAYMENT_ONLY_STATUSES, Reservation, ReservationStatus
from models.types import LabeledEnum
from services.errors import DomainError, ErrorCode

S = ReservationStatus


class Operation(LabeledEnum):
    CONFIRM = ("CONFIRM", "予約確定")
    RECORD_PREPAYMENT = ("RECORD_PREPAYMENT", "事前決済の入金")
    MARK_VISITED = ("MARK_VISITED", "来店")
    MARK_NO_SHOW = ("MARK_NO_SHOW", "無断キャンセル")
    CANCEL_BY_CUSTOMER = ("CANCEL_BY_CUSTOMER", "お客様都合キャンセル")
    CANCEL_BY_STORE = ("CANCEL_BY_STORE", "店舗都合キャンセル")
    PAY_CANCEL_FEE = ("PAY_CANCEL_FEE", "キャンセル料の支払い")
    WAIVE_CANCEL_FEE = ("WAIVE_CANCEL_FEE", "キャンセル料の取り消し")


#: Reservations that still hold their slot and may be rescheduled or cancelled.
ACTIVE_STATUSES = frozenset({S.TENTATIVE, S.PREPAYMENT_UNPAID, S.BOOKED, S.PREPAID})
#: Prepayment-only statuses of a reservation still to come (事前決済未払い, 事前決済支払い済み before the
#: visit): while any remain, prepayment cannot be switched off. 事前決済店舗都合キャンセル is final and
#: stays on its reservations, with its label, after the switch.
OPEN_PREPAYMENT_STATUSES = PREPAYMENT_ONLY_STATUSES & ACTIVE_STATUSES
#: Statuses that occupy the stylist's time (a new booking may not overlap them).
OCCUPYING_STATUSES = ACTIVE_STATUSES | {S.VISITED}

#: operation → (from statuses, to statuses, when the target is which).
TABLE: dict[Operation, tuple[frozenset[ReservationStatus], tuple[ReservationStatus, ...], str]] = {
    Operation.CONFIRM: (frozenset({S.TENTATIVE}), (S.BOOKED, S.PREPAYMENT_UNPAID),
                        "予約中来店前; 事前決済未払い for a site booking when prepayment is used"),
    Operation.RECORD_PREPAYMENT: (frozenset({S.PREPAYMENT_UNPAID, S.BOOKED}), (S.PREPAID,), ""),
    Operation.MARK_VISITED: (ACTIVE_STATUSES, (S.VISITED,), ""),
    Operation.MARK_NO_SHOW: (ACTIVE_STATUSES, (S.CANCEL_FEE_UNPAID, S.CANCELLED),
                             "after the start only; a 直前キャンセル with the fee owed (キャンセル when the fee is 0 円)"),
    Operation.CANCEL_BY_CUSTOMER: (ACTIVE_STATUSES, (S.CANCELLED, S.CANCEL_FEE_UNPAID),
                                   "キャンセル before the deadline; after it キャンセル料未払い (直前キャンセル)"),
    Operation.CANCEL_BY_STORE: (ACTIVE_STATUSES, (S.STORE_CANCELLED_PREPAID, S.CANCELLED),
                                "事前決済店舗都合キャンセル with prepayment; キャンセル (kind STORE) without"),
    Operation.PAY_CANCEL_FEE: (frozenset({S.CANCEL_FEE_UNPAID}), (S.CANCELLED,), "who and when recorded"),
    Operation.WAIVE_CANCEL_FEE: (frozenset({S.CANCEL_FEE_UNPAID}), (S.CANCELLED,), "who and when recorded"),
}


def offered(status: ReservationStatus, use_prepayment: bool) -> bool:
    return use_prepayment or status not in PREPAYMENT_ONLY_STATUSES


def offered_statuses(use_prepayment: bool) -> list[ReservationStatus]:
    """The statuses of the store's setting: 8 with prepayment, 5 without (SPEC §3)."""
    return [s for s in ReservationStatus if offered(s, use_prepayment)]


def allowed(operation: Operation, source: ReservationStatus, target: ReservationStatus,
            use_prepayment: bool) -> bool:
    sources, targets, _ = TABLE[operation]
    return (source in sources and target in targets
            and offered(source, use_prepayment) and offered(target, use_prepayment))


def allowed_pairs(use_prepayment: bool) -> set[tuple[ReservationStatus, ReservationStatus]]:
    """Every (from, to) some operation allows under the setting."""
    return {(a, b) for op in Operation for a in ReservationStatus for b in ReservationStatus
            if allowed(op, a, b, use_prepayment)}


SALON_TZ = ZoneInfo("Asia/Tokyo")
CANCELLED_STATUSES = frozenset({S.CANCEL_FEE_UNPAID, S.STORE_CANCELLED_PREPAID, S.CANCELLED})


def japan_time(value: datetime) -> str:
    """2026/12/05 14:00, Japan time, as staff and customers read it."""
    return value.astimezone(SALON_TZ).strftime("%Y/%m/%d %H:%M")


def current_state(r: Reservation) -> str:
    """Where the reservation stands, and since when: 「この予約は2026/12/05 14:00にキャンセルされています…」."""
    if r.status == S.VISITED and r.visited_at is not None:
        return f"この予約は{japan_time(r.visited_at)}に来店済みです。"
    if r.status in CANCELLED_STATUSES:
        since = f"{japan_time(r.cancelled_at)}に" if r.cancelled_at is not None else ""
        text = f"この予約は{since}すでにキャンセルされています（ステータス「{r.status.label}」）。"
        if r.cancel_fee_paid_at is not None:
            text += f"キャンセル料は{japan_time(r.cancel_fee_paid_at)}に支払い済みです。"
        elif r.cancel_fee_waived_at is not None:
            text += f"キャンセル料は{japan_time(r.cancel_fee_waived_at)}に取り消されています。"
        return text
    return f"この予約のステータスは「{r.status.label}」です。"


def impossible(asked: str, r: Reservation) -> DomainError:
    """An operation the reservation's status does not allow: what was asked, and where it stands
    (never the status the operation would have produced, which nobody asked for)."""
    return DomainError(ErrorCode.INVALID_TRANSITION, f"「{asked}」はできません。{current_state(r)}", "status")


def check_transition(operation: Operation, r: Reservation, target: ReservationStatus,
                     use_prepayment: bool) -> None:
    if not allowed(operation, r.status, target, use_prepayment):
        raise impossible(operation.label, r)


def check_active(r: Reservation, asked: str = "予約の変更") -> None:
    """Reschedules keep the status; they are possible only while the reservation holds its slot."""
    if r.status not in ACTIVE_STATUSES:
        raise impossible(asked, r)


def transition_table_markdown() -> str:
    """The README's copy of :data:`TABLE`."""
    def names(statuses) -> str:
        return "、".join(s.label for s in ReservationStatus if s in statuses)

    lines = ["| operation | from | to | note |", "|---|---|---|---|"]
    for op, (sources, targets, note) in TABLE.items():
        lines.append(f"| {op.label} | {names(sources)} | {names(targets)} | {note} |")
    return "\n".join(lines) + "\n"
