"""The work order kernel: what feature apps declare, the order a change writes in, deadline
extensions as changes, and the periodic jobs' table."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.errors import StaleVersion
from kefu.escalation.models import SupervisionEntry, SupervisionReason
from kefu.jobs import JOBS, sweep
from kefu.sla.calendar import SHANGHAI
from kefu.sla.extensions import decide_deadline_extension, request_deadline_extension
from kefu.workorders import actions, reactions
from kefu.workorders.models import Category, TimelineEvent, WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_feature_apps_declare_what_they_add_to_the_lifecycle(world: World) -> None:
    assert reactions.registered() == {
        "after:breaches": ["kefu.escalation.actions.supervision.open_breach_supervision"],
        "after:classify": ["kefu.escalation.reactions.supervise_when_serious"],
        "after:close": ["kefu.surveys.reactions.follow_up_closure"],
        "after:reopen": ["kefu.surveys.reactions.lapse_on_reopen"],
        "guard:archive": ["kefu.escalation.reactions.keep_while_appealed",
                          "kefu.surveys.reactions.wait_for_the_supervisor"],
        "guard:reply": ["kefu.escalation.reactions.wait_for_co_handling"],
        "takes:appeals": ["kefu.escalation.actions.appeals.take_appeal"],
        "widens:scope": ["kefu.escalation.reactions.co_handled_by"],
        "holds:record_content": ["kefu.surveys.reactions.feedback_after_closure"],
        "adds:search_text": ["kefu.escalation.reactions.appeal_case_numbers"],
        "widens:scope_of": ["kefu.escalation.reactions.co_handling_units"],
    }


def test_a_reaction_to_a_transition_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="no such transition"):
        reactions.after("approve_everything")(lambda wo, actor: None)
    with pytest.raises(ValueError, match="no such transition"):
        reactions.guard()(lambda wo, actor: None)


def test_a_change_appends_to_the_audit_chain_as_its_last_statements(world: World) -> None:
    """Decision 0005: the chain head is locked last, so it is held only until the commit."""
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    category = Category.objects.filter(is_active=True).first()
    assert category is not None
    with CaptureQueriesContext(connection) as captured:
        actions.classify_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                    inputs=actions.ClassifyInput(
                                        category_id=category.pk, severity="major"))
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
              or "FOR UPDATE" in q["sql"].upper()]
    first_audit = next(i for i, sql in enumerate(writes) if "audit_" in sql)
    # The classification also opened supervision and told people: all of it came before.
    assert any("escalation_supervisionentry" in sql for sql in writes[:first_audit])
    assert all("audit_" in sql for sql in writes[first_audit:]), writes[first_audit:]


def test_a_deadline_extension_is_a_change_of_the_work_order(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.supervisor, intake=intake(
        world, severity="major", received_at=at("2025-11-03T10:00")))
    with pytest.raises(StaleVersion):
        request_deadline_extension(actor=world.handler, work_order_id=wo.pk,
                                   clock="handling_complete", working_days=5,
                                   reason="需第三方机构检测", expected_version=wo.version + 7)
    extension = request_deadline_extension(
        actor=world.handler, work_order_id=wo.pk, clock="handling_complete", working_days=5,
        reason="需第三方机构检测", expected_version=wo.version)
    requested = WorkOrder.objects.get(pk=wo.pk).version
    assert requested == wo.version + 1
    decide_deadline_extension(actor=world.manager, extension_id=extension.pk,
                              is_approved=True, expected_version=requested)
    assert WorkOrder.objects.get(pk=wo.pk).version == requested + 1
    kinds = list(TimelineEvent.objects.filter(work_order=wo).order_by("id")
                 .values_list("event_type", flat=True))
    assert kinds[-2:] == ["extension_requested", "deadline_extended"]


def test_the_supervision_opened_at_a_breach_is_due_in_working_days(world: World) -> None:
    # Received Thursday 6 November 2025 at 09:00; its 24-hour clocks have breached when the
    # sweep runs on Friday at 10:00.
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=at("2025-11-06T09:00")))
    sweep(at("2025-11-07T10:00"))
    entry = SupervisionEntry.objects.get(work_order=wo, reason=SupervisionReason.SLA_BREACH)
    # Two working days after Friday: Monday and Tuesday, ending at 24:00 on Tuesday 11th
    # (two calendar days would have ended on Sunday).
    assert entry.due_at == at("2025-11-12T00:00")
    assert entry.supervising_unit_id == world.province.pk


def test_celery_beat_runs_the_jobs_table() -> None:
    from kefu.celery import app

    schedule = {name: (entry["task"], entry["schedule"])
                for name, entry in app.conf.beat_schedule.items()}
    assert sorted(schedule.values()) == sorted((job.task, job.every) for job in JOBS)
    assert set(app.conf.include) >= {"kefu.jobs"}
