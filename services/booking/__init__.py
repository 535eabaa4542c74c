"""The booking service: every channel (customer site and LINE, staff app, admin, import, merge) books here.

- :mod:`.transitions`: the status transition table (README copy generated from it)
- :mod:`.rules`: who may book what, worded per channel (the customer site's masked answer)
- :mod:`.booking`: create and reschedule
- :mod:`.status`: confirm, prepayment, visit, no-show, cancellations, the cancellation fee

Every write locks (customers → stylists → reservation), refreshes the customer's figures
(``services.customer_stats``, which also holds their from-scratch check)
and records one audit row in the caller's transaction; nothing commits here.
"""

from services.booking.booking import (
    KEEP,
    Booked,
    BookingRequest,
    Reschedule,
    create_reservation,
    reschedule_reservation,
)
from services.booking.rules import SLOT_FULL_MESSAGE
from services.booking.status import (
    cancel_by_customer,
    cancel_by_store,
    confirm_reservation,
    deadline,
    fee_for,
    mark_no_show,
    mark_visited,
    pay_cancellation_fee,
    prepayment_off_allowed,
    record_prepayment,
    set_use_prepayment,
    waive_cancellation_fee,
)
from services.booking.transitions import (
    ACTIVE_STATUSES,
    Operation,
    offered_statuses,
    transition_table_markdown,
)

__all__ = [
    "ACTIVE_STATUSES", "KEEP", "SLOT_FULL_MESSAGE", "Booked", "BookingRequest", "Operation", "Reschedule",
    "cancel_by_customer", "cancel_by_store", "confirm_reservation", "create_reservation", "deadline",
    "fee_for", "mark_no_show", "mark_visited", "offered_statuses", "pay_cancellation_fee",
    "prepayment_off_allowed", "record_prepayment", "reschedule_reservation", "set_use_prepayment",
    "transition_table_markdown", "waive_cancellation_fee",
]
