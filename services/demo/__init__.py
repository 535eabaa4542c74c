"""Demo salon: fills an empty database with a believable Japanese salon (``python -m cli demo``).

Deterministic: every choice comes from one ``random.Random(seed)`` and dates are
offsets from ``now``, so a seed and a day give the same salon; built on another day, the
same seed gives the same customers, reservations and statuses (only which stylist takes a
visit, and so a few ticket uses, follow the calendar).

Customers are registered through ``services.customers.create_customer`` (the one
place that validates and normalises). ``bulk=True``, for benchmarks with tens of
thousands of customers, inserts the rows directly instead, normalised by the same
``services.normalize`` functions and keyed by ``services.customers.derive_keys``
(no audit log rows). Reservations and their details are always bulk-inserted; the
derived statistics come from ``services.customer_stats.refresh_customer_stats``.
What the salon contains is drawn by ``services.demo.data.Planner``; ``services.demo.masters``
creates the masters it refers to; ``services.demo.loader`` writes it.
"""

from services.demo.loader import DemoSummary, load_demo_salon, print_summary

__all__ = ["DemoSummary", "load_demo_salon", "print_summary"]
