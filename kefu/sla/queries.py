"""The calendar in force: official schedule plus overrides, built once per change."""

from __future__ import annotations

import threading
from datetime import datetime

from django.db.models import Count, Max

from kefu.sla.calendar import WorkCalendar
from kefu.sla.models import CalendarOverride

_lock = threading.Lock()
_cached: tuple[tuple[int, datetime | None], WorkCalendar] | None = None


def current_calendar() -> WorkCalendar:
    """The calendar with today's overrides; rebuilt only when the overrides changed (one
    aggregate query per call, ~0.15 s per rebuild)."""
    global _cached
    stamp = CalendarOverride.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    version = (int(stamp["n"]), stamp["at"])
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        overrides = dict(CalendarOverride.objects.values_list("day", "is_workday"))
        calendar = WorkCalendar(overrides)
        _cached = (version, calendar)
        return calendar
