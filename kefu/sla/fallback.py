"""Public holidays for years the official schedule does not cover yet.

The statutory holidays (全国年节及纪念日放假办法, as revised in 2024) are known in advance; the
State Council's bridging days and make-up working days (调休) are not, so the fallback has the
statutory days and weekends only, and every result that relies on it is provisional."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from lunardate import LunarDate


def _lunar(year: int, month: int, day: int) -> date:
    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def _qingming(year: int) -> date:
    """清明 by the 21st-century solar-term formula: day = ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋."""
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory public holidays of `year` (no bridging days)."""
    spring = _lunar(year, 1, 1)
    days = {
        date(year, 1, 1),                                   # 元旦
        spring - timedelta(days=1),                         # 除夕
        spring, spring + timedelta(days=1), spring + timedelta(days=2),  # 春节
        _qingming(year),                                    # 清明节
        date(year, 5, 1), date(year, 5, 2),                 # 劳动节
        _lunar(year, 5, 5),                                 # 端午节
        _lunar(year, 8, 15),                                # 中秋节
        date(year, 10, 1), date(year, 10, 2), date(year, 10, 3),  # 国庆节
    }
    return frozenset(d for d in days if d.year == year)


def is_fallback_workday(day: date) -> bool:
    return day.weekday() < 5 and day not in statutory_holidays(day.year)
