"""Changing the calendar: overrides one by one, or a whole schedule file at once."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import InvalidInput
from kefu.orgs.actors import Actor
from kefu.sla.calendar import FIRST_DAY, LAST_DAY
from kefu.sla.clocks import recompute_open_clocks
from kefu.sla.errors import ScheduleFileInvalid
from kefu.sla.models import CalendarOverride, PublishedSchedule
from kefu.sla.permissions import can_change_calendar

_TRUE = {"workday", "work", "班", "上班", "工作日", "true", "1"}
_FALSE = {"holiday", "off", "休", "放假", "节假日", "false", "0"}


@dataclass(frozen=True)
class ScheduleLine:
    day: date
    is_workday: bool
    name: str
    notice: str


def _check_actor(actor: Actor) -> None:
    can_change_calendar(actor).enforce()


def _check_day(value: date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidInput(f"日期 {value} 超出日历范围", f"{value} is outside the calendar",
                           fields={"day": [f"{FIRST_DAY}–{LAST_DAY}"]})


@audits_refusals
@transaction.atomic(durable=True)
def set_calendar_override(
    *, actor: Actor, day: date, is_workday: bool, notice: str, name: str = ""
) -> CalendarOverride:
    """Mark one date a holiday or a working day, citing the notice."""
    _check_actor(actor)
    _check_day(day)
    if not notice.strip():
        raise InvalidInput("请填写依据文件", "Cite the notice",
                           fields={"notice": ["必填 / required"]})
    override, _ = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_workday": is_workday, "notice": notice.strip(),
                           "name": name.strip(), "created_by_name": actor.name})
    kind = "工作日" if is_workday else "休息日"
    moved = recompute_open_clocks(day, day, actor=actor,
                                  reason=f"日历调整：{day} 改为{kind}（{notice.strip()}）")
    record_audit(actor=actor, action=AuditAction.CALENDAR_OVERRIDDEN, object_type="calendar",
                 object_id=day.isoformat(),
                 data={"is_workday": is_workday, "notice": notice, "clocks_moved": moved})
    return override


def parse_schedule(text: str, filename: str = "") -> list[ScheduleLine]:
    """Lines of a schedule file (CSV with day,type,name,notice or a JSON list of objects);
    ScheduleFileInvalid names the first bad line, and nothing is loaded."""
    stripped = text.lstrip("\ufeff").strip()
    if filename.endswith(".json") or stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ScheduleFileInvalid(f"JSON 格式错误（第 {exc.lineno} 行）",
                                      f"Malformed JSON at line {exc.lineno}") from exc
        if not isinstance(rows, list):
            raise ScheduleFileInvalid("JSON 须为列表", "The JSON must be a list")
        items = [(i + 1, row) for i, row in enumerate(rows)]
    else:
        reader = csv.DictReader(io.StringIO(stripped))
        items = [(reader.line_num, row) for row in reader]
    lines: list[ScheduleLine] = []
    seen: set[date] = set()
    for number, row in items:
        lines.append(_parse_row(number, row, seen))
    if not lines:
        raise ScheduleFileInvalid("文件中没有日期", "The file has no dates")
    return lines


def _parse_row(number: int, row: object, seen: set[date]) -> ScheduleLine:
    def bad(zh: str, en: str) -> ScheduleFileInvalid:
        return ScheduleFileInvalid(f"第 {number} 行：{zh}", f"Line {number}: {en}",
                                   detail={"line": number})

    if not isinstance(row, dict):
        raise bad("格式错误", "not a record")
    try:
        day = date.fromisoformat(str(row.get("day") or row.get("date") or "").strip())
    except ValueError:
        raise bad("日期无效", "invalid date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise bad("日期超出范围", "date outside the calendar")
    if day in seen:
        raise bad("日期重复", "date given twice")
    seen.add(day)
    kind = str(row.get("type") or row.get("kind") or "").strip().lower()
    if kind in _TRUE:
        works = True
    elif kind in _FALSE:
        works = False
    else:
        raise bad("类型须为 workday 或 holiday", "type must be workday or holiday")
    notice = str(row.get("notice") or "").strip()
    if not notice:
        raise bad("缺少依据文件", "the notice is missing")
    return ScheduleLine(day, works, str(row.get("name") or "").strip(), notice)


@audits_refusals
@transaction.atomic(durable=True)
def import_schedule(*, actor: Actor, lines: list[ScheduleLine]) -> int:
    """Load a parsed schedule whole: every date becomes an override."""
    _check_actor(actor)
    for line in lines:
        CalendarOverride.objects.update_or_create(
            day=line.day, defaults={"is_workday": line.is_workday, "name": line.name,
                                    "notice": line.notice, "created_by_name": actor.name})
    years = sorted({line.day.year for line in lines})
    notices = {line.day.year: line.notice for line in lines}
    for year in years:
        PublishedSchedule.objects.update_or_create(year=year,
                                                   defaults={"notice": notices[year]})
    # A year's schedule replaces the fallback for the whole year: recompute what spans it.
    moved = recompute_open_clocks(
        date(years[0], 1, 1), date(years[-1], 12, 31), actor=actor,
        reason=f"载入{'、'.join(map(str, years))}年放假安排（{notices[years[0]]}）")
    record_audit(actor=actor, action=AuditAction.CALENDAR_IMPORTED, object_type="calendar",
                 object_id=",".join(map(str, years)),
                 data={"dates": len(lines), "clocks_moved": moved})
    return len(lines)
