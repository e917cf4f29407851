"""Working time on the official calendar: pure functions over a precomputed day index.

Every day from FIRST_DAY to LAST_DAY is either a working day (it counts 24 hours) or not. The
index keeps, for each day, how many working days come before it, so "N working days after",
"working time between two instants" and "the instant when W working seconds have passed" are
binary searches, never loops over days. Asia/Shanghai has had no daylight saving since 1991,
so local midnight is a fixed offset from UTC and the arithmetic stays in integers.

Counting follows the Civil Code: the day of receipt does not count; a period of N working days
ends at 24:00 of the Nth working day after it; a period of N calendar days whose last day is not
a working day ends at 24:00 of the next working day. Hours and minutes are elapsed time."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

import chinese_calendar

from kefu.sla.fallback import is_fallback_workday, statutory_holidays

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
FIRST_DAY = date(2004, 1, 1)  # the official data begins in 2004
LAST_DAY = date(2060, 12, 31)
DAY = 86_400
_EPOCH_LOCAL = int(datetime(FIRST_DAY.year, 1, 1, tzinfo=SHANGHAI).timestamp())


class DayKind(StrEnum):
    WORKDAY = "workday"
    HOLIDAY = "holiday"          # an official public holiday or bridging day
    WEEKEND = "weekend"
    MAKEUP_WORKDAY = "makeup"    # 调休: a weekend day worked instead


class CalendarError(ValueError):
    """A date or instant outside the calendar, or a request that makes no sense."""


@dataclass(frozen=True)
class Deadline:
    at: datetime
    is_provisional: bool


def has_official_data(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _kind(day: date, works: bool, is_named_holiday: bool) -> DayKind:
    weekend = day.weekday() >= 5
    if works:
        return DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
    return DayKind.WEEKEND if weekend and not is_named_holiday else DayKind.HOLIDAY


class WorkCalendar:
    """The day index: the official schedule, the fallback where it has no data, and the
    administrator's overrides on top (date → is working day)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None,
                 published_years: Iterable[int] = ()) -> None:
        """`published_years`: years whose State Council schedule was loaded as overrides; in
        them a day not listed follows the plain week (Monday to Friday work)."""
        self.overrides = dict(overrides or {})
        published = frozenset(published_years)
        days = (LAST_DAY - FIRST_DAY).days + 1
        self._is_work = bytearray(days)
        self._provisional = bytearray(days)
        # _before[i]: working days strictly before day i; one extra entry at the end.
        self._before = [0] * (days + 1)
        official_years = {y: has_official_data(y) for y in range(FIRST_DAY.year,
                                                                   LAST_DAY.year + 1)}
        count = 0
        for i in range(days):
            day = FIRST_DAY + timedelta(days=i)
            if day in self.overrides:
                works = self.overrides[day]
            elif official_years[day.year]:
                works = bool(chinese_calendar.is_workday(day))
            elif day.year in published:
                works = day.weekday() < 5
            else:
                works = is_fallback_workday(day)
                self._provisional[i] = 1
            self._is_work[i] = works
            self._before[i] = count
            count += works
        self._before[days] = count
        self._days = days
        # Provisional days before each index, to tell whether a span touched the fallback.
        self._provisional_before = [0] * (days + 1)
        running = 0
        for i in range(days):
            self._provisional_before[i] = running
            running += self._provisional[i]
        self._provisional_before[days] = running
        self.official_years = frozenset(y for y, known in official_years.items() if known)
        self.published_years = published

    # --- days ---------------------------------------------------------------------------

    def _index(self, day: date) -> int:
        i = (day - FIRST_DAY).days
        if not 0 <= i < self._days:
            raise CalendarError(f"{day} is outside the calendar ({FIRST_DAY}–{LAST_DAY})")
        return i

    def is_workday(self, day: date) -> bool:
        return bool(self._is_work[self._index(day)])

    def is_provisional(self, day: date) -> bool:
        return bool(self._provisional[self._index(day)]) and day not in self.overrides

    def day_kind(self, day: date) -> DayKind:
        """Working day, make-up working day, weekend or holiday, as this calendar has it."""
        if day in self.overrides:
            named = not self.overrides[day]
        elif day.year in self.official_years:
            named = chinese_calendar.get_holiday_detail(day)[1] is not None
        elif day.year in self.published_years:
            named = False
        else:
            named = day in statutory_holidays(day.year)
        return _kind(day, self.is_workday(day), named)

    def _span_provisional(self, first: int, last: int) -> bool:
        """Whether any day in [first, last] came from the fallback (and not an override)."""
        if self._provisional_before[last + 1] - self._provisional_before[first] == 0:
            return False
        return any(self._provisional[i] and (FIRST_DAY + timedelta(days=i)) not in
                   self.overrides for i in range(first, last + 1))

    # --- instants -----------------------------------------------------------------------

    def _local(self, at: datetime) -> tuple[int, int]:
        """(day index, seconds since local midnight) of an aware instant."""
        if at.tzinfo is None:
            raise CalendarError("an instant needs a time zone")
        local = int(at.timestamp()) - _EPOCH_LOCAL
        index, second = divmod(local, DAY)
        if not 0 <= index < self._days:
            raise CalendarError(f"{at.isoformat()} is outside the calendar")
        return index, second

    def _instant(self, index: int, second: int = 0) -> datetime:
        return datetime.fromtimestamp(_EPOCH_LOCAL + index * DAY + second, SHANGHAI)

    def working_seconds_until(self, at: datetime) -> int:
        """Working seconds from the start of the calendar to `at`."""
        index, second = self._local(at)
        return self._before[index] * DAY + (second if self._is_work[index] else 0)

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Working time from `start` to `end` (negative if end comes first)."""
        return self.working_seconds_until(end) - self.working_seconds_until(start)

    def instant_after_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The first instant by which `seconds` of working time have passed since `start`."""
        target = self.working_seconds_until(start) + seconds
        full_days, rest = divmod(target, DAY)
        if rest == 0:
            # The end of the full_days-th working day: 24:00 of that day.
            index = bisect_left(self._before, full_days) - 1
            return self._instant(index + 1)
        index = bisect_right(self._before, full_days) - 1
        if index >= self._days:
            raise CalendarError("the period runs past the end of the calendar")
        return self._instant(index, rest)

    # --- periods ------------------------------------------------------------------------

    def add_working_days(self, start: datetime, days: int) -> Deadline:
        """24:00 of the `days`-th working day after the day of `start`."""
        if days < 0:
            raise CalendarError("a period cannot be negative")
        first, _ = self._local(start)
        if days == 0:
            return Deadline(self._instant(first + 1), self._span_provisional(first, first))
        wanted = self._before[first + 1] + days
        # The last day is the one before which `wanted - 1` working days lie and which works.
        last = bisect_left(self._before, wanted) - 1
        if last >= self._days - 1:
            raise CalendarError("the period runs past the end of the calendar")
        return Deadline(self._instant(last + 1), self._span_provisional(first, last))

    def add_calendar_days(self, start: datetime, days: int) -> Deadline:
        """24:00 of the `days`-th day after the day of `start`, moved to the next working day
        when that day does not work."""
        if days < 0:
            raise CalendarError("a period cannot be negative")
        first, _ = self._local(start)
        last = first + days
        if last >= self._days:
            raise CalendarError("the period runs past the end of the calendar")
        if not self._is_work[last]:
            last = bisect_left(self._before, self._before[last] + 1) - 1
        return Deadline(self._instant(last + 1), self._span_provisional(last, last))

    def add_elapsed(self, start: datetime, delta: timedelta) -> Deadline:
        """Hours and minutes run on the clock, holidays or not."""
        if delta < timedelta(0):
            raise CalendarError("a period cannot be negative")
        end = start + delta
        self._local(end)  # inside the calendar
        return Deadline(end.astimezone(SHANGHAI), False)

    def month(self, year: int, month: int) -> list[tuple[date, DayKind, bool]]:
        """Each day of a month with its kind and whether it is provisional."""
        day = date(year, month, 1)
        days = []
        while day.month == month:
            days.append((day, self.day_kind(day), self.is_provisional(day)))
            day += timedelta(days=1)
        return days


def as_shanghai(at: datetime) -> tuple[datetime, bool]:
    """An aware instant; a naive one is read as Asia/Shanghai, and the flag says so."""
    if at.tzinfo is None:
        return at.replace(tzinfo=SHANGHAI), True
    return at, False


