from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.jobs import sweep
from kefu.sla.calendar import SHANGHAI, CalendarError, as_shanghai
from kefu.sla.queries import current_calendar


class Command(BaseCommand):
    help = ("`sla deadline --start ISO --working-days N` (or --calendar-days/--hours/--minutes); "
            "`sla sweep` warns, marks breaches and closes what is due now.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["deadline", "sweep"])
        parser.add_argument("--start", help="ISO 8601, e.g. 2025-09-30T16:00+08:00")
        period = parser.add_mutually_exclusive_group()
        for name in ("working-days", "calendar-days", "hours", "minutes"):
            period.add_argument(f"--{name}", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "sweep":
            stats = sweep()
            self.stdout.write(f"{stats.work_orders} due, {stats.warnings} warnings, "
                              f"{stats.breaches} breaches, {stats.closed} closed; incident "
                              f"notices: {stats.incident_warnings} warnings, "
                              f"{stats.incident_breaches} breaches")
            return
        if not options["start"]:
            raise CommandError("deadline needs --start")
        if all(options[k] is None for k in ("working_days", "calendar_days", "hours", "minutes")):
            raise CommandError("give one of --working-days, --calendar-days, --hours, --minutes")
        try:
            start, assumed = as_shanghai(datetime.fromisoformat(options["start"]))
        except ValueError as exc:
            raise CommandError(f"--start is not an ISO 8601 instant: {exc}") from exc
        if assumed:
            self.stdout.write("no time zone given: read as Asia/Shanghai (+08:00)")
        calendar = current_calendar()
        amount = next(options[k] for k in ("working_days", "calendar_days", "hours", "minutes")
                      if options[k] is not None)
        if amount < 0 or amount > 100_000:
            raise CommandError("the period must be between 0 and 100000")
        try:
            if options["working_days"] is not None:
                deadline = calendar.add_working_days(start, amount)
            elif options["calendar_days"] is not None:
                deadline = calendar.add_calendar_days(start, amount)
            elif options["hours"] is not None:
                deadline = calendar.add_elapsed(start, timedelta(hours=amount))
            else:
                deadline = calendar.add_elapsed(start, timedelta(minutes=amount))
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        line = deadline.at.astimezone(SHANGHAI).isoformat()
        self.stdout.write(line + (" provisional" if deadline.is_provisional else ""))
