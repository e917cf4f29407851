"""The sweeper: warnings at 80 %, breach with escalation and supervision, auto-closure, and
exactly one of each with two sweepers at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.escalation.models import SupervisionEntry
from kefu.jobs import sweep
from kefu.sla.models import SlaClock
from kefu.workorders import actions
from kefu.workorders.models import TimelineEvent, WorkOrder
from tests.conftest import World, intake


def received(hours_ago: float) -> datetime:
    return timezone.now() - timedelta(hours=hours_ago)


def events(wo: WorkOrder, kind: str) -> int:
    return TimelineEvent.objects.filter(work_order=wo, event_type=kind).count()


@pytest.mark.django_db
def test_warning_then_breach_then_nothing_more(world: World) -> None:
    # 20 hours ago: the 24-hour clocks have passed 80 % but not their deadline.
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=received(20)))
    stats = sweep()
    assert (stats.warnings, stats.breaches) == (2, 0)  # start handling, initial investigation
    assert events(wo, "sla_warned") == 2
    assert sweep().work_orders == 0  # nothing due again until the deadline
    wo.refresh_from_db()
    start = SlaClock.objects.get(work_order=wo, clock="start_handling")
    assert wo.next_due_at == start.deadline
    stats = sweep(start.deadline + timedelta(seconds=1))
    assert stats.breaches == 2
    wo.refresh_from_db()
    assert wo.is_overdue and wo.is_escalated and wo.tier == 2
    # tier and unit move together; the province is responsible now
    assert wo.unit_id == world.province.pk
    entry = SupervisionEntry.objects.get(work_order=wo)
    assert entry.supervising_unit_id == world.city.parent_id and entry.reason == "sla_breach"
    assert events(wo, "sla_breached") == 2
    assert AuditEntry.objects.filter(action="SLA_BREACHED", object_id=str(wo.pk)).count() == 1
    assert sweep(start.deadline + timedelta(seconds=2)).breaches == 0  # idempotent
    assert SupervisionEntry.objects.count() == 1


@pytest.mark.django_db
def test_meeting_a_breached_clock_clears_overdue(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=received(30)))
    actions.assign_work_order(actor=world.supervisor, work_order_id=wo.pk,
                              handler_id=world.handler.staff_id)
    sweep()
    wo.refresh_from_db()
    assert wo.is_overdue
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="记录",
                                 responsible_party="company", plan_type="explanation",
                                 plan_description="说明"))
    wo.refresh_from_db()
    assert not wo.is_overdue
    assert SlaClock.objects.get(work_order=wo, clock="start_handling").state == "breached"


@pytest.mark.django_db
def test_unanswered_reply_closes_itself(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="已解答", reply_channel="phone"))
    clock = SlaClock.objects.get(work_order=wo, clock="auto_close")
    assert sweep(clock.deadline - timedelta(seconds=1)).closed == 0
    stats = sweep(clock.deadline + timedelta(seconds=1))
    assert stats.closed == 1 and stats.breaches == 0
    wo.refresh_from_db()
    assert wo.status == "closed" and wo.closing_note == "auto"
    assert TimelineEvent.objects.filter(work_order=wo, transition="close",
                                        actor_role="system").exists()


@pytest.mark.django_db
def test_auto_close_skipped_when_the_customer_answered(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="已解答", reply_channel="phone"))
    deadline = SlaClock.objects.get(work_order=wo, clock="auto_close").deadline
    actions.reopen_work_order(actor=world.customer_actor, work_order_id=wo.pk,
                              inputs=actions.ReopenInput(reason="没解决"))
    assert sweep(deadline + timedelta(seconds=1)).closed == 0
    wo.refresh_from_db()
    assert wo.status == "reopened"


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_warn_and_escalate_once(world: World) -> None:
    orders = [actions.create_work_order(actor=world.agent, intake=intake(
        world, title=f"{n}", received_at=received(20)))[0] for n in range(12)]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    barrier = threading.Barrier(2)

    def run(_: int) -> object:
        try:
            barrier.wait(timeout=10)
            return sweep(batch=5)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, range(2)))
    assert TimelineEvent.objects.filter(event_type="sla_warned").count() == 24
    later = SlaClock.objects.filter(clock="start_handling").order_by("-deadline")[0].deadline
    with ThreadPoolExecutor(2) as pool:
        barrier = threading.Barrier(2)
        list(pool.map(lambda _: (barrier.wait(10), sweep(later + timedelta(seconds=1),
                                                         batch=5),
                                 connections.close_all()), range(2)))
    assert TimelineEvent.objects.filter(event_type="sla_breached").count() == 24
    assert SupervisionEntry.objects.count() == len(orders)
    assert AuditEntry.objects.filter(action="SLA_BREACHED").count() == len(orders)


@pytest.mark.django_db
def test_overdue_in_api_and_console(world: World) -> None:
    from kefu.api.tokens import issue_api_token
    from kefu.orgs.actors import SYSTEM

    late, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="超时的", received_at=received(30)))
    fresh, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="新的"))
    sweep()
    _, token = issue_api_token(actor=SYSTEM, user=world.users["agent"], name="t")
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    overdue = api.get("/api/work-orders?is_overdue=true").json()["items"]
    assert [i["id"] for i in overdue] == [late.pk]
    clocks = {c["clock"]: c for c in api.get(f"/api/work-orders/{late.pk}/clocks").json()}
    assert clocks["start_handling"]["state"] == "breached"
    assert clocks["start_handling"]["seconds_left"] < 0
    assert clocks["first_reply"]["state"] == "running" and clocks["first_reply"]["seconds_left"] > 0
    assert "001 §4.1" in clocks["first_reply"]["source"]
    console = world.client_for("agent")
    page = console.get("/console/?view=overdue").content.decode()
    assert late.number in page and fresh.number not in page
    due = console.get("/console/?view=due").content.decode()
    assert fresh.number in due  # its 24-hour clocks are due within a day
    detail = console.get(f"/console/work-orders/{late.pk}/").content.decode()
    assert "clock-breached" in detail and "超时" in detail and "首次答复" in detail


@pytest.mark.django_db
def test_large_batches_keep_the_audit_chain_intact(world: World) -> None:
    from kefu.audit.queries import verify_audit_chain

    for n in range(60):
        actions.create_work_order(actor=world.agent, intake=intake(
            world, title=f"批量{n}", received_at=received(30)))
    stats = sweep()
    assert stats.breaches == 120 and stats.work_orders == 60
    assert AuditEntry.objects.filter(action="SLA_BREACHED").count() == 60
    assert verify_audit_chain().ok


def clock_updates() -> tuple[int, int]:
    """Clock rows updated by committed transactions so far: (all, heap-only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
                       "WHERE relname = 'sla_slaclock'")
        updated, hot = cursor.fetchone()
    return updated, hot


@pytest.mark.django_db(transaction=True)
def test_sweep_rewrites_clocks_without_touching_their_indexes(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("heap-only updates and fill factors are PostgreSQL's")
    for n in range(100):
        actions.create_work_order(actor=world.agent, intake=intake(
            world, title=f"批量{n}", received_at=received(20)))
    before = clock_updates()
    assert sweep().warnings == 200
    updated, hot = (a - b for a, b in zip(clock_updates(), before, strict=True))
    # The room left on each clock page (sla 0008) takes the new row versions: with full
    # pages, none of these updates was heap-only.
    assert (updated, hot) == (200, 200)


@pytest.mark.django_db
def test_owner_and_supervisor_are_warned(world: World) -> None:
    from kefu.notify.models import OutboxMessage

    world.users["agent"].email = "agent@example.com"
    world.users["agent"].save(update_fields=["email"])
    world.users["supervisor"].email = "lead@example.com"
    world.users["supervisor"].save(update_fields=["email"])
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=received(20)))
    sweep()
    warned = OutboxMessage.objects.filter(work_order_id=wo.pk, template="sla_warned")
    assert sorted(set(m.recipient for m in warned)) == ["agent@example.com", "lead@example.com"]
    assert warned.count() == 4  # two clocks, two people
    assert all(wo.number in m.body for m in warned)


@pytest.mark.django_db
def test_compliance_report(world: World) -> None:
    from django.test import Client

    from kefu.api.tokens import issue_api_token
    from kefu.orgs.actors import SYSTEM

    late, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=received(30)))
    sweep()
    actions.classify_work_order(actor=world.agent, work_order_id=late.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=late.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    on_time, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    actions.classify_work_order(actor=world.agent, work_order_id=on_time.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=on_time.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    _, token = issue_api_token(actor=SYSTEM, user=world.users["supervisor"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = {r["key"]: r for r in api.get("/api/sla/compliance?group=clock").json()}
    assert rows["start_handling"]["met"] == 1 and rows["start_handling"]["breached"] == 1
    assert rows["start_handling"]["rate"] == 0.5
    assert rows["initial_investigation"]["running_late"] == 1
    assert rows["confirm"]["rate"] == 1.0
    by_unit = api.get("/api/sla/compliance?group=unit").json()
    # the late one went up to the province with its breach; the city still sees it (its owner)
    assert [r["label"] for r in by_unit] == ["广东省公司", "广州市分公司"]
    assert api.get("/api/sla/compliance?group=weather").status_code == 422
    sibling = Client(HTTP_AUTHORIZATION="Bearer " + issue_api_token(
        actor=SYSTEM, user=world.users["sibling_handler"], name="s")[1])
    assert sibling.get("/api/sla/compliance?group=clock").json() == []
    page = world.client_for("supervisor").get("/console/sla/").content.decode()
    assert "开始处理" in page and "50%" in page and "广州市分公司" in page


@pytest.mark.django_db
def test_auto_close_is_not_a_breach(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from kefu.sla import clocks as clock_module

    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="已解答", reply_channel="phone"))
    deadline = SlaClock.objects.get(work_order=wo, clock="auto_close").deadline
    later = deadline + timedelta(seconds=1)
    # The close runs after the deadline, as a real sweep would.
    monkeypatch.setattr(clock_module, "timezone", SimpleNamespace(now=lambda: later))
    sweep(later)
    assert SlaClock.objects.get(work_order=wo, clock="auto_close").state == "met"
