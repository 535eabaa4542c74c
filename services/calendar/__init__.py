"""The store's calendar: opening hours, closed days, dated exceptions and the stylists' shifts.

- :mod:`.hours`: one range of days read in a few statements (:func:`load_calendar`) and asked
  per day: when the store is open, when a stylist works
- :mod:`.rules`: what a booking's time breaks (closed day, outside hours, notice, horizon, a
  stylist's day off), refused on the customer channel and a warning for staff
"""

from services.calendar.hours import (
    WEEKDAYS,
    Calendar,
    DayHours,
    load_calendar,
)

__all__ = ["WEEKDAYS", "Calendar", "DayHours", "load_calendar"]
