"""The reservation status transition table: which operation moves a reservation from which status to which.

One table for every door (admin, staff app, customer site, import, merge). The README
carries a copy rendered by :func:`transition_table_markdown` (a test keeps them in step).
Statuses that exist only with prepayment (事前決済) are neither a source nor a target
while the store does not use it.
"""

from __future__ import annotations

from models import PREPAYMENT_ONLY_STATUSES, ReservationStatus
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


def transition_error(source: ReservationStatus, target: ReservationStatus) -> DomainError:
    return DomainError(ErrorCode.INVALID_TRANSITION,
                       f"予約ステータスを「{source.label}」から「{target.label}」には変更できません。", "status")


def check_transition(operation: Operation, source: ReservationStatus, target: ReservationStatus,
                     use_prepayment: bool) -> None:
    if not allowed(operation, source, target, use_prepayment):
        raise transition_error(source, target)


def check_active(status: ReservationStatus, what: str = "変更") -> None:
    """Reschedules keep the status; they are possible only while the reservation holds its slot."""
    if status not in ACTIVE_STATUSES:
        raise DomainError(ErrorCode.INVALID_TRANSITION,
                          f"予約ステータスが「{status.label}」の予約は{what}できません。", "status")


def transition_table_markdown() -> str:
    """The README's copy of :data:`TABLE`."""
    def names(statuses) -> str:
        return "、".join(s.label for s in ReservationStatus if s in statuses)

    lines = ["| operation | from | to | note |", "|---|---|---|---|"]
    for op, (sources, targets, note) in TABLE.items():
        lines.append(f"| {op.label} | {names(sources)} | {names(targets)} | {note} |")
    return "\n".join(lines) + "\n"
