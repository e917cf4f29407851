"""Supervision progress reports fall due every 2 working days (SPEC §15), at 24:00 of the
working day; a report missed gets an overdue mark on the ledger and the supervisor is told
(001 §3.4.4)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.contrib.auth import get_user_model

from kefu.audit.models import AuditEntry
from kefu.escalation.actions import open_supervision, report_supervision_progress
from kefu.escalation.models import SupervisionEntry
from kefu.jobs import sweep
from kefu.notify.models import OutboxMessage
from kefu.sla.calendar import SHANGHAI
from kefu.sla.queries import current_calendar
from kefu.workorders import actions
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


def supervised(world: World) -> SupervisionEntry:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    return open_supervision(actor=world.manager, work_order_id=wo.pk, detail="限期办结",
                            working_days=10)


def test_reports_fall_due_at_midnight_of_the_second_working_day(world: World) -> None:
    entry = supervised(world)
    assert entry.report_every_working_days == 2
    assert entry.next_report_due_at == current_calendar().add_working_days(
        entry.opened_at, 2).at
    local = entry.next_report_due_at.astimezone(SHANGHAI)
    assert local.time() == time(0, 0)  # 24:00 of the working day before
    assert current_calendar().is_workday(local.date() - timedelta(days=1))


def test_a_missed_report_is_marked_counted_and_the_supervisor_told(world: World) -> None:
    get_user_model().objects.filter(username="manager").update(email="manager@example.com")
    entry = supervised(world)
    due = entry.next_report_due_at
    assert due is not None
    sweep(due + timedelta(seconds=1))
    entry.refresh_from_db()
    assert entry.report_overdue_at is not None and entry.missed_reports == 1
    assert entry.next_report_due_at == current_calendar().add_working_days(
        due + timedelta(seconds=1), 2).at
    told = OutboxMessage.objects.get(template="supervision_report_missed")
    assert told.recipient == "manager@example.com"
    assert AuditEntry.objects.filter(action="SUPERVISION_REPORT_MISSED").count() == 1
    ledger = world.client_for("manager").get("/console/supervision/").content.decode()
    assert "逾期未报 1 次" in ledger
    sweep(due + timedelta(seconds=2))  # once per missed report, not once per sweep
    entry.refresh_from_db()
    assert entry.missed_reports == 1

    report_supervision_progress(actor=world.handler, entry_id=entry.pk, progress="已上门处理")
    entry.refresh_from_db()
    assert entry.report_overdue_at is None and entry.missed_reports == 1
    last = entry.reports.get()
    assert entry.next_report_due_at == current_calendar().add_working_days(last.at, 2).at
