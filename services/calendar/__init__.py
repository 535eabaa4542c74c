"""The store's calendar: opening hours, closed days, dated exceptions and the stylists' shifts.

- :mod:`.hours`: one range of days read in a few statements (:func:`load_calendar`) and asked
  per day: when the store is open, when a stylist works
- :mod:`.shifts`: the weekly pattern and one week's shifts as the admin's grid writes them
- :mod:`.slots`: the free slots (availableSlots)
- :mod:`.settings`: the calendar's store settings as a manager writes them through GraphQL

What a booking's time breaks (closed day, outside hours, notice, horizon, a stylist's day off) is
the booking service's: ``services.booking.calendar_rules``.
"""

from services.calendar.hours import (
    WEEKDAYS,
    Calendar,
    DayHours,
    load_calendar,
)

__all__ = ["WEEKDAYS", "Calendar", "DayHours", "load_calendar"]
