from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.errors import KefuError
from kefu.orgs.actors import SYSTEM
from kefu.sla.actions import import_schedule, parse_schedule
from kefu.sla.calendar import DayKind
from kefu.sla.queries import current_calendar

_MARK = {DayKind.WORKDAY: "  ", DayKind.WEEKEND: " ·", DayKind.HOLIDAY: "休",
         DayKind.MAKEUP_WORKDAY: "班"}


class Command(BaseCommand):
    help = ("`calendar show YYYY-MM` prints a month (休 holiday, 班 make-up working day, "
            "· weekend, ? provisional); `calendar import FILE` loads a schedule (CSV or JSON).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["show", "import"])
        parser.add_argument("target", help="YYYY-MM for show, a file for import")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "import":
            self._import(Path(options["target"]))
            return
        try:
            year, month = (int(part) for part in options["target"].split("-"))
            days = current_calendar().month(year, month)
        except (ValueError, KefuError) as exc:
            raise CommandError(f"give a month as YYYY-MM ({exc})") from exc
        self.stdout.write(f"{year}年{month}月\n" + "    ".join("一二三四五六日"))
        line = ["     "] * days[0][0].weekday()
        provisional = False
        for day, kind, is_provisional in days:
            provisional |= is_provisional
            line.append(f"{day.day:2d}{_MARK[kind]}{'?' if is_provisional else ' '}")
            if day.weekday() == 6:
                self.stdout.write(" ".join(line).rstrip())
                line = []
        if line:
            self.stdout.write(" ".join(line).rstrip())
        self.stdout.write("休 holiday  班 make-up working day  · weekend"
                          + ("  ? provisional (no official schedule yet)" if provisional else ""))

    def _import(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            count = import_schedule(actor=SYSTEM, lines=parse_schedule(text, path.name))
        except KefuError as exc:
            raise CommandError(exc.message_en + " / " + exc.message_zh) from exc
        self.stdout.write(f"loaded {count} dates from {path}")
