"""Working time on the official calendar (SPEC §4): holidays, make-up working days, the Civil
Code's counting rule, years without official data, and overrides."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kefu.errors import InvalidInput, PermissionRefused
from kefu.orgs.actors import SYSTEM
from kefu.sla.actions import import_schedule, parse_schedule, set_calendar_override
from kefu.sla.calendar import SHANGHAI, CalendarError, DayKind, WorkCalendar
from kefu.sla.errors import ScheduleFileInvalid
from kefu.sla.fallback import statutory_holidays
from kefu.sla.queries import current_calendar
from tests.conftest import World

CAL = WorkCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# Every holiday period of 2025 and 2026 with its make-up working days (国办发明电).
@pytest.mark.parametrize(("day", "kind"), [
    ("2025-01-01", DayKind.HOLIDAY), ("2025-01-26", DayKind.MAKEUP_WORKDAY),
    ("2025-01-28", DayKind.HOLIDAY), ("2025-02-04", DayKind.HOLIDAY),
    ("2025-02-08", DayKind.MAKEUP_WORKDAY), ("2025-04-04", DayKind.HOLIDAY),
    ("2025-04-27", DayKind.MAKEUP_WORKDAY), ("2025-05-05", DayKind.HOLIDAY),
    ("2025-06-02", DayKind.HOLIDAY), ("2025-09-28", DayKind.MAKEUP_WORKDAY),
    ("2025-10-08", DayKind.HOLIDAY), ("2025-10-11", DayKind.MAKEUP_WORKDAY),
    ("2025-10-12", DayKind.WEEKEND), ("2025-10-09", DayKind.WORKDAY),
    ("2026-01-02", DayKind.HOLIDAY), ("2026-01-04", DayKind.MAKEUP_WORKDAY),
    ("2026-02-14", DayKind.MAKEUP_WORKDAY), ("2026-02-23", DayKind.HOLIDAY),
    ("2026-02-28", DayKind.MAKEUP_WORKDAY), ("2026-04-06", DayKind.HOLIDAY),
    ("2026-05-05", DayKind.HOLIDAY), ("2026-05-09", DayKind.MAKEUP_WORKDAY),
    ("2026-06-19", DayKind.HOLIDAY), ("2026-09-20", DayKind.MAKEUP_WORKDAY),
    ("2026-09-25", DayKind.HOLIDAY), ("2026-10-07", DayKind.HOLIDAY),
    ("2026-10-10", DayKind.MAKEUP_WORKDAY), ("2026-10-03", DayKind.HOLIDAY),
])
def test_official_days(day: str, kind: DayKind) -> None:
    assert CAL.day_kind(date.fromisoformat(day)) == kind
    assert not CAL.is_provisional(date.fromisoformat(day))


@pytest.mark.parametrize(("start", "days", "deadline"), [
    # SPEC §15's worked example: Monday 10:00, 7 working days → 00:00 of the 13th.
    ("2025-11-03T10:00", 7, "2025-11-13T00:00"),
    # The receipt day never counts, however early it is.
    ("2025-11-03T00:00", 1, "2025-11-05T00:00"),
    # Across National Day 2025 (Oct 1–8 off) with the Saturday make-up day Oct 11 counted.
    ("2025-09-30T16:00", 7, "2025-10-17T00:00"),
    # Received on a holiday: the first working day after it is day one.
    ("2025-10-03T09:00", 1, "2025-10-10T00:00"),
    # Across the 2026 Spring Festival (Feb 15–23) with make-up days Feb 14 and Feb 28.
    ("2026-02-13T18:00", 3, "2026-02-26T00:00"),
    ("2026-02-13T18:00", 1, "2026-02-15T00:00"),
    # Across the year boundary, 2025 → 2026 (Jan 1–3 off, Jan 4 worked).
    ("2025-12-30T12:00", 3, "2026-01-06T00:00"),
    # 15 working days over 2026's Labour Day (May 1–5 off, May 9 worked).
    ("2026-04-28T08:00", 15, "2026-05-22T00:00"),
])
def test_working_days(start: str, days: int, deadline: str) -> None:
    result = CAL.add_working_days(at(start), days)
    assert result.at == at(deadline) and not result.is_provisional


def test_warning_at_eighty_percent_of_the_allowance() -> None:
    start = at("2025-11-03T10:00")
    deadline = CAL.add_working_days(start, 7).at
    allowance = CAL.working_seconds_between(start, deadline)
    assert allowance == 182 * 3600
    assert CAL.instant_after_working_seconds(start, int(allowance * 0.8)) == \
        at("2025-11-11T11:36")


@pytest.mark.parametrize(("start", "days", "deadline"), [
    ("2025-09-24T16:00", 7, "2025-10-10T00:00"),  # Oct 1 is a holiday → Oct 9
    ("2025-09-24T16:00", 6, "2025-10-01T00:00"),  # Sep 30 works
    ("2026-01-28T09:00", 3, "2026-02-03T00:00"),  # Sat Jan 31 → 24:00 of Mon Feb 2
    ("2026-02-10T09:00", 4, "2026-02-15T00:00"),  # Sat Feb 14 is a make-up working day
])
def test_calendar_days(start: str, days: int, deadline: str) -> None:
    assert CAL.add_calendar_days(at(start), days).at == at(deadline)


def test_hours_are_elapsed_time_even_on_holidays() -> None:
    assert CAL.add_elapsed(at("2025-10-01T08:00"), timedelta(hours=24)).at == \
        at("2025-10-02T08:00")
    assert CAL.add_elapsed(at("2025-10-01T08:00"), timedelta(minutes=10)).at == \
        at("2025-10-01T08:10")


def test_working_time_between_skips_holidays() -> None:
    assert CAL.working_seconds_between(at("2025-09-30T12:00"), at("2025-10-09T12:00")) == \
        24 * 3600
    assert CAL.working_seconds_between(at("2025-10-02T00:00"), at("2025-10-05T00:00")) == 0


def test_year_without_official_data_falls_back_and_is_provisional() -> None:
    day = date(2027, 2, 6)  # 2027 Spring Festival, from the lunar calendar
    assert CAL.is_provisional(day)
    assert CAL.day_kind(day) == DayKind.HOLIDAY
    assert statutory_holidays(2027) >= {date(2027, 1, 1), date(2027, 2, 5), date(2027, 6, 9),
                                        date(2027, 9, 15), date(2027, 10, 1)}
    result = CAL.add_working_days(at("2027-02-01T09:00"), 7)
    assert result.is_provisional and result.at == at("2027-02-13T00:00")
    # A period that stays in 2026 is not provisional even though 2027 is.
    assert not CAL.add_working_days(at("2026-11-02T09:00"), 5).is_provisional


def test_overrides_move_deadlines_and_drop_the_provisional_mark() -> None:
    # February 2027 as a schedule might publish it: Feb 5 and 8–11 off, Saturday 13th worked.
    overrides = {date(2027, 2, d): False for d in (5, 8, 9, 10, 11)}
    overrides.update({date(2027, 2, 13): True})  # a make-up Saturday
    for d in range(1, 29):
        overrides.setdefault(date(2027, 2, d), date(2027, 2, d).weekday() < 5)
    cal = WorkCalendar(overrides)
    result = cal.add_working_days(at("2027-02-01T09:00"), 7)
    assert not result.is_provisional
    assert result.at == at("2027-02-17T00:00")


def test_bad_input() -> None:
    with pytest.raises(CalendarError):
        CAL.add_working_days(at("2025-01-01T00:00"), -1)
    with pytest.raises(CalendarError):
        CAL.add_working_days(datetime(2025, 1, 1), 1)  # naive
    with pytest.raises(CalendarError):
        CAL.add_working_days(at("2060-12-20T00:00"), 100)


@pytest.mark.django_db
def test_override_action_and_cache(world: World) -> None:
    before = current_calendar().add_working_days(at("2026-11-02T09:00"), 1).at
    assert before == at("2026-11-04T00:00")
    with pytest.raises(PermissionRefused):
        set_calendar_override(actor=world.agent, day=date(2026, 11, 3), is_workday=False,
                              notice="测试")
    with pytest.raises(InvalidInput):
        set_calendar_override(actor=world.admin, day=date(2026, 11, 3), is_workday=False,
                              notice="")
    with pytest.raises(InvalidInput):
        set_calendar_override(actor=world.admin, day=date(1999, 1, 1), is_workday=False,
                              notice="x")
    set_calendar_override(actor=world.admin, day=date(2026, 11, 3), is_workday=False,
                          notice="台风停工通知")
    assert current_calendar().add_working_days(at("2026-11-02T09:00"), 1).at == \
        at("2026-11-05T00:00")


SCHEDULE = """day,type,name,notice
2027-01-01,holiday,元旦,国办发明电〔2026〕7号
2027-02-05,holiday,春节,国办发明电〔2026〕7号
2027-02-20,workday,春节调休,国办发明电〔2026〕7号
"""


@pytest.mark.django_db
def test_schedule_import_whole_or_nothing(world: World, tmp_path: object) -> None:
    lines = parse_schedule(SCHEDULE, "2027.csv")
    assert [(str(line.day), line.is_workday) for line in lines] == [
        ("2027-01-01", False), ("2027-02-05", False), ("2027-02-20", True)]
    with pytest.raises(ScheduleFileInvalid) as bad:
        parse_schedule(SCHEDULE + "2027-02-30,holiday,x,y\n", "2027.csv")
    assert bad.value.detail["line"] == 5 and "Line 5" in bad.value.message_en
    with pytest.raises(ScheduleFileInvalid):
        parse_schedule('[{"day": "2027-01-01", "type": "holiday"}]', "2027.json")
    with pytest.raises(ScheduleFileInvalid):
        parse_schedule(SCHEDULE + "2027-01-01,holiday,元旦,x\n")  # twice
    assert import_schedule(actor=SYSTEM, lines=lines) == 3
    cal = current_calendar()
    assert cal.day_kind(date(2027, 2, 20)) == DayKind.MAKEUP_WORKDAY
    assert not cal.is_provisional(date(2027, 2, 20))


@pytest.mark.django_db
def test_commands(world: World, capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    call_command("sla", "deadline", "--start", "2025-09-30T16:00:00+08:00", "--working-days",
                 "7")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "2025-10-17T00:00:00+08:00"
    call_command("sla", "deadline", "--start", "2027-02-01T09:00", "--working-days", "7")
    out = capsys.readouterr().out.strip().splitlines()
    assert "Asia/Shanghai" in out[0] and out[-1] == "2027-02-13T00:00:00+08:00 provisional"
    call_command("sla", "deadline", "--start", "2025-10-01T08:00+08:00", "--hours", "24")
    assert capsys.readouterr().out.strip() == "2025-10-02T08:00:00+08:00"
    with pytest.raises(CommandError):
        call_command("sla", "deadline", "--start", "yesterday", "--hours", "1")
    with pytest.raises(CommandError):
        call_command("sla", "deadline", "--start", "2025-01-01T00:00+08:00", "--hours", "-3")
    call_command("calendar", "show", "2026-10")
    shown = capsys.readouterr().out
    assert " 1休" in shown and "10班" in shown and "?" not in shown.splitlines()[2]
    call_command("calendar", "show", "2027-02")
    assert "provisional" in capsys.readouterr().out
    path = tmp_path / "bad.csv"  # type: ignore[operator]
    path.write_text(SCHEDULE + "2027-13-01,holiday,x,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 5"):
        call_command("calendar", "import", str(path))


@pytest.mark.django_db
def test_loading_a_schedule_recomputes_open_clocks(world: World) -> None:
    from kefu.sla.models import SlaClock
    from kefu.workorders import actions
    from tests.conftest import intake

    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=at("2026-11-20T10:00")))
    closed_loop = SlaClock.objects.get(work_order=wo, clock="closed_loop")
    # 30 working days from Nov 20 reach into 2027, which has no official data yet.
    assert closed_loop.is_provisional
    assert closed_loop.deadline == at("2027-01-05T00:00")  # fallback: only Jan 1 off
    import_schedule(actor=SYSTEM, lines=parse_schedule(
        "day,type,name,notice\n"
        "2027-01-01,holiday,元旦,国办发明电〔2026〕7号\n"
        "2027-01-04,holiday,元旦调休,国办发明电〔2026〕7号\n"
        "2027-01-09,workday,元旦补班,国办发明电〔2026〕7号\n"))
    closed_loop.refresh_from_db()
    assert not closed_loop.is_provisional
    # Dec 28–31 are working days 26–29; Jan 4 is now off, so Jan 5 is the 30th.
    assert closed_loop.deadline == at("2027-01-06T00:00")
    wo.refresh_from_db()
    assert wo.next_due_at is not None
    cal = current_calendar()
    assert not cal.is_provisional(date(2027, 3, 3)) and cal.is_workday(date(2027, 3, 3))
    assert cal.day_kind(date(2027, 1, 9)) == DayKind.MAKEUP_WORKDAY
