"""The supervision ledger (督办台账, 001 §3.4.4): entries with a supervisor and due date,
progress reports at set intervals, overdue marks and reminders, closure with an evaluation;
the ledger as a page and an export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.escalation.actions import (
    close_supervision,
    open_supervision,
    report_supervision_progress,
)
from kefu.escalation.models import SupervisionEntry
from kefu.jobs import sweep
from kefu.notify.models import OutboxMessage
from kefu.workorders import actions
from kefu.workorders.models import TimelineEvent
from tests.conftest import World, intake, make_staff

pytestmark = pytest.mark.django_db


def supervised(world: World) -> SupervisionEntry:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.assign_work_order(actor=world.supervisor, work_order_id=wo.pk,
                              handler_id=world.handler.staff_id)
    return open_supervision(actor=world.manager, work_order_id=wo.pk,
                            detail="媒体关注，限期办结", working_days=2,
                            report_every_working_days=1)


def test_reports_reminders_overdue_and_evaluation(world: World) -> None:
    get_user_model().objects.filter(username="handler").update(email="handler@example.com")
    entry = supervised(world)
    assert entry.supervising_unit_id == world.province.pk
    assert entry.supervisor_name == "manager" and entry.next_report_due_at is not None
    assert OutboxMessage.objects.filter(template="supervision_opened").count() == 1
    report_supervision_progress(actor=world.handler, entry_id=entry.pk,
                                progress="已联系客户，明天上门")
    entry.refresh_from_db()
    assert entry.reports.count() == 1
    # the next report falls due: one reminder per interval
    first = entry.next_report_due_at
    assert first is not None
    sweep(first + timedelta(seconds=1))
    assert OutboxMessage.objects.filter(template="supervision_reminder").count() == 1
    sweep(first + timedelta(seconds=2))
    assert OutboxMessage.objects.filter(template="supervision_reminder").count() == 1
    # past the due date: marked overdue once
    sweep(entry.due_at + timedelta(seconds=1))
    entry.refresh_from_db()
    assert entry.overdue_at is not None
    with pytest.raises(PermissionRefused):
        close_supervision(actor=world.handler, entry_id=entry.pk, evaluation="good")
    with pytest.raises(InvalidInput):
        close_supervision(actor=world.manager, entry_id=entry.pk, evaluation="excellent")
    with pytest.raises(InvalidInput):
        close_supervision(actor=world.manager, entry_id=entry.pk, evaluation="poor")
    with pytest.raises(PermissionRefused):  # the city supervisor is not the supervising unit
        close_supervision(actor=world.supervisor, entry_id=entry.pk, evaluation="good")
    close_supervision(actor=world.manager, entry_id=entry.pk, evaluation="poor",
                      note="逾期两天才办结")
    entry.refresh_from_db()
    assert entry.closed_at is not None and entry.evaluation == "poor"
    assert TimelineEvent.objects.filter(work_order_id=entry.work_order_id,
                                        event_type="supervision_closed").exists()
    with pytest.raises(Conflict):
        report_supervision_progress(actor=world.handler, entry_id=entry.pk, progress="晚了")


def test_bad_input_changes_nothing(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    with pytest.raises(PermissionRefused):
        open_supervision(actor=world.handler, work_order_id=wo.pk, detail="x", working_days=2)
    with pytest.raises(InvalidInput) as caught:
        open_supervision(actor=world.manager, work_order_id=wo.pk, detail=" ", working_days=0,
                         report_every_working_days=0)
    assert set(caught.value.fields) == {"detail", "working_days", "report_every_working_days"}
    outsider, _ = make_staff("sz_supervisor", "supervisor", world.sibling)
    with pytest.raises(NotFound):
        open_supervision(actor=outsider, work_order_id=wo.pk, detail="越权", working_days=2)
    assert not SupervisionEntry.objects.exists()
    open_supervision(actor=world.manager, work_order_id=wo.pk, detail="督办", working_days=2)
    with pytest.raises(Conflict):
        open_supervision(actor=world.supervisor, work_order_id=wo.pk, detail="再督办",
                         working_days=2)
    entry = SupervisionEntry.objects.get()
    with pytest.raises(InvalidInput):
        report_supervision_progress(actor=world.handler, entry_id=entry.pk, progress="")
    with pytest.raises(NotFound):
        report_supervision_progress(actor=outsider, entry_id=entry.pk, progress="越权")


def test_ledger_page_and_export(world: World) -> None:
    entry = supervised(world)
    manager = world.client_for("manager")
    page = manager.get("/console/supervision/").content.decode()
    assert entry.work_order.number in page and "媒体关注" in page
    SupervisionEntry.objects.filter(pk=entry.pk).update(
        overdue_at=timezone.now(), due_at=timezone.now() - timedelta(hours=1))
    assert entry.work_order.number in manager.get(
        "/console/supervision/?state=overdue").content.decode()
    assert entry.work_order.number not in manager.get(
        "/console/supervision/?state=closed").content.decode()
    assert manager.get("/console/supervision/?state=weird").status_code == 422
    export = manager.get("/console/supervision.csv?state=all")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert entry.work_order.number in body and "广东省公司" in body
    detail = world.client_for("handler")
    detail.post(f"/console/work-orders/{entry.work_order_id}/supervision/{entry.pk}/reports/",
                {"progress": "已处理一半"})
    assert entry.reports.count() == 1
    english = manager.get("/console/supervision/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Supervision ledger" in english


def test_api(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    manager = world.client_for("manager")
    created = manager.post(f"/api/work-orders/{wo.pk}/supervision",
                           {"detail": "限期办结", "working_days": 2},
                           content_type="application/json")
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    bad = manager.post(f"/api/work-orders/{wo.pk}/supervision",
                       {"detail": "", "working_days": 99}, content_type="application/json")
    assert bad.status_code == 422 and {"detail", "working_days"} <= set(bad.json()["errors"])
    handler = world.client_for("handler")
    reported = handler.post(f"/api/supervision/{entry_id}/reports", {"progress": "进行中"},
                            content_type="application/json")
    assert reported.status_code == 201
    ledger = manager.get("/api/supervision?state=open").json()
    assert [e["number"] for e in ledger] == [wo.number]
    closed = manager.post(f"/api/supervision/{entry_id}/close", {"evaluation": "good"},
                          content_type="application/json")
    assert closed.status_code == 200 and closed.json()["evaluation"] == "good"
    assert manager.get("/api/supervision?state=open").json() == []


def test_major_complaint_is_supervised_from_classification(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.supervisor, intake=intake(world))
    actions.classify_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="major"))
    entry = SupervisionEntry.objects.get(work_order=wo)
    assert entry.reason == "major_severity" and entry.supervising_unit_id == world.province.pk
    handling = wo.clocks.get(clock="handling_complete")
    assert entry.due_at == handling.deadline
    report_supervision_progress(actor=world.supervisor, entry_id=entry.pk, progress="已安排上门")
    customer = world.client_for("customer")
    assert "已安排上门" in customer.get(f"/portal/orders/{wo.pk}/").content.decode()
    normal, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="普通"))
    actions.classify_work_order(actor=world.agent, work_order_id=normal.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    assert not SupervisionEntry.objects.filter(work_order=normal).exists()
