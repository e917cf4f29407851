"""SLA benchmark (calendar part): deadline computations per second on the working-time index.
Prints figures; asserts nothing. The sweep and breach figures come with the SLA clocks."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from kefu.sla.calendar import SHANGHAI, WorkCalendar


def main() -> None:
    started = time.perf_counter()
    calendar = WorkCalendar()
    print(f"calendar index built in {(time.perf_counter() - started) * 1000:.0f} ms "
          f"({calendar._days:,} days)")
    rng = random.Random(5)
    base = datetime(2024, 1, 1, tzinfo=SHANGHAI)
    starts = [base + timedelta(seconds=rng.randrange(3 * 365 * 86400)) for _ in range(50_000)]
    for name, compute in [
        ("N working days", lambda s: calendar.add_working_days(s, 7)),
        ("N calendar days", lambda s: calendar.add_calendar_days(s, 15)),
        ("N hours", lambda s: calendar.add_elapsed(s, timedelta(hours=24))),
        ("working time between", lambda s: calendar.working_seconds_between(
            s, s + timedelta(days=9))),
        ("80 % warning instant", lambda s: calendar.instant_after_working_seconds(
            s, 5 * 86400)),
    ]:
        best = 0.0
        for _ in range(3):
            t0 = time.perf_counter()
            for start in starts:
                compute(start)
            best = max(best, len(starts) / (time.perf_counter() - t0))
        print(f"{name}: {best:,.0f} computations/s (target ≥ 200,000/s for deadlines)")


if __name__ == "__main__":
    main()
