"""Escalation requests (001 §3.4.2) and co-handling sub-tasks (§3.4.3): applied for with a
condition and a reason, approved or rejected by a superior; one sub-task per department, each
with its own handler, deadline and result; the work order waits for all of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.escalation.actions import (
    EscalationApplication,
    assign_subtask,
    complete_subtask,
    decide_escalation,
    request_escalation,
)
from kefu.escalation.models import CoHandlingTask, EscalationRequest
from kefu.jobs import sweep
from kefu.notify.models import OutboxMessage
from kefu.orgs.choices import DepartmentKind, Role
from kefu.orgs.models import Department, Staff
from kefu.workorders import actions
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.queries import scoped_work_orders
from tests.conftest import World, intake, make_staff
from tests.test_return_visits import REPLY

pytestmark = pytest.mark.django_db


def in_processing(world: World) -> WorkOrder:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    i = wo.pk
    actions.classify_work_order(actor=world.agent, work_order_id=i,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal",
                                                             handler_id=world.handler.staff_id))
    actions.start_investigation(actor=world.handler, work_order_id=i,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=i,
                             inputs=actions.StartProcessingInput(
                                 findings="多部门问题", evidence_summary="记录",
                                 responsible_party="company", plan_type="repair",
                                 plan_description="协同整改"))
    return WorkOrder.objects.get(pk=i)


def departments(world: World) -> tuple[Department, Department]:
    network = Department.objects.create(unit=world.city, kind=DepartmentKind.NETWORK,
                                        name="网络运维部")
    billing = Department.objects.create(unit=world.district, kind=DepartmentKind.BILLING,
                                        name="计费账务部")
    return network, billing


def engineer(world: World, name: str, department: Department) -> tuple[object, Staff]:
    actor, _ = make_staff(name, Role.HANDLER, department.unit)
    Staff.objects.filter(pk=actor.staff_id).update(department=department)
    return actor, Staff.objects.get(pk=actor.staff_id)


def apply(world: World, wo: WorkOrder, *ids: int, **overrides: object) -> EscalationRequest:
    values: dict[str, object] = {"condition": "multi_department",
                                 "reason": "涉及网络和计费，需要协同", "department_ids": ids}
    values.update(overrides)
    return request_escalation(actor=world.handler, work_order_id=wo.pk,
                              application=EscalationApplication(**values))  # type: ignore[arg-type]


def test_approved_request_opens_sub_tasks_and_the_parent_waits(world: World) -> None:
    network, billing = departments(world)
    wo = in_processing(world)
    request = apply(world, wo, network.pk, billing.pk)
    assert request.status == "pending"
    with pytest.raises(PermissionRefused):  # never one's own request
        decide_escalation(actor=world.handler, request_id=request.pk, is_approved=True)
    # 001 §3.4.3: the superior approves; the applying city's own supervisor is not above it.
    with pytest.raises(PermissionRefused, match="above the applying unit"):
        decide_escalation(actor=world.supervisor, request_id=request.pk, is_approved=True)
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True,
                      note="同意协办")
    tasks = list(CoHandlingTask.objects.filter(work_order=wo).order_by("id"))
    assert [t.department_id for t in tasks] == [network.pk, billing.pk]
    assert all(t.due_at > timezone.now() for t in tasks)
    wo.refresh_from_db()
    assert wo.is_escalated
    with pytest.raises(Conflict) as caught:
        actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    assert caught.value.detail["open_subtasks"] == 2
    net_actor, net_staff = engineer(world, "net_engineer", network)
    bill_actor, bill_staff = engineer(world, "bill_clerk", billing)
    # the district clerk sees the city work order through the sub-task
    assert scoped_work_orders(bill_actor).filter(pk=wo.pk).exists()
    with pytest.raises(InvalidInput):  # a handler from another department
        assign_subtask(actor=world.supervisor, task_id=tasks[0].pk, handler_id=bill_staff.pk)
    assign_subtask(actor=world.supervisor, task_id=tasks[0].pk, handler_id=net_staff.pk)
    assign_subtask(actor=world.supervisor, task_id=tasks[1].pk, handler_id=bill_staff.pk)
    with pytest.raises(PermissionRefused):
        complete_subtask(actor=bill_actor, task_id=tasks[0].pk, result="越权")
    with pytest.raises(InvalidInput):
        complete_subtask(actor=net_actor, task_id=tasks[0].pk, result=" ")
    complete_subtask(actor=net_actor, task_id=tasks[0].pk, result="已扩容基站")
    assert not TimelineEvent.objects.filter(work_order=wo, event_type="co_handling_done").exists()
    complete_subtask(actor=bill_actor, task_id=tasks[1].pk, result="已退还多收费用")
    assert TimelineEvent.objects.filter(work_order=wo, event_type="co_handling_done").exists()
    with pytest.raises(Conflict):
        complete_subtask(actor=bill_actor, task_id=tasks[1].pk, result="再次")
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)


def test_rejected_request_changes_nothing_but_tells_the_applicant(world: World) -> None:
    network, billing = departments(world)
    wo = in_processing(world)
    request = apply(world, wo, network.pk, billing.pk, tier=2)
    with pytest.raises(InvalidInput):
        decide_escalation(actor=world.manager, request_id=request.pk, is_approved=False)
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=False,
                      note="本单位可以处理")
    request.refresh_from_db()
    wo.refresh_from_db()
    assert request.status == "rejected" and request.decision_note == "本单位可以处理"
    assert (wo.tier, wo.unit_id, wo.is_escalated) == (3, world.city.pk, False)
    assert not CoHandlingTask.objects.exists()
    assert TimelineEvent.objects.filter(work_order=wo, event_type="escalation_rejected").exists()
    with pytest.raises(Conflict):
        decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)


def test_approved_with_a_tier_moves_the_work_order(world: World) -> None:
    wo = in_processing(world)
    request = apply(world, wo, condition="major_failure", reason="全市断网", tier=2)
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)
    wo.refresh_from_db()
    assert (wo.tier, wo.unit_id) == (2, world.province.pk)


def test_sub_task_that_breaches_its_own_deadline(world: World) -> None:
    network, billing = departments(world)
    net_actor, net_staff = engineer(world, "net_engineer", network)
    wo = in_processing(world)
    request = apply(world, wo, network.pk, billing.pk, working_days=1)
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)
    task = CoHandlingTask.objects.get(department=network)
    assign_subtask(actor=world.supervisor, task_id=task.pk, handler_id=net_staff.pk)
    assert sweep(task.due_at - timedelta(seconds=1)).subtasks_overdue == 0
    stats = sweep(task.due_at + timedelta(seconds=1))
    assert stats.subtasks_overdue == 2
    assert sweep(task.due_at + timedelta(seconds=2)).subtasks_overdue == 0  # once only
    task.refresh_from_db()
    assert task.breached_at is not None and task.status == "open"
    assert TimelineEvent.objects.filter(work_order=wo, event_type="subtask_overdue").count() == 2
    complete_subtask(actor=net_actor, task_id=task.pk, result="晚了一天完成")
    done = TimelineEvent.objects.filter(work_order=wo, event_type="subtask_done").get()
    assert done.data["late"] is True


def test_bad_requests_change_nothing(world: World) -> None:
    network, _ = departments(world)
    elsewhere = Department.objects.create(unit=world.sibling, kind=DepartmentKind.NETWORK,
                                          name="深圳网络部")
    wo = in_processing(world)
    before = WorkOrder.objects.get(pk=wo.pk).version
    for overrides, field in [
        ({"condition": "boredom"}, "condition"),
        ({"reason": ""}, "reason"),
        ({"tier": 3}, "tier"),
        ({"tier": 7}, "tier"),
        ({"department_ids": (network.pk,)}, "department_ids"),
        ({"department_ids": (network.pk, elsewhere.pk)}, "department_ids"),
        ({"condition": "sla_breach", "department_ids": ()}, "condition"),
        ({"working_days": 0}, "working_days"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            apply(world, wo, **overrides)
        assert field in caught.value.fields, (overrides, caught.value.fields)
    with pytest.raises(PermissionRefused):
        request_escalation(actor=world.archivist, work_order_id=wo.pk,
                           application=EscalationApplication("major_failure", "原因"))
    outsider, _ = make_staff("sz_agent", "agent", world.sibling)
    with pytest.raises(NotFound):
        request_escalation(actor=outsider, work_order_id=wo.pk,
                           application=EscalationApplication("major_failure", "原因"))
    assert WorkOrder.objects.get(pk=wo.pk).version == before
    assert not EscalationRequest.objects.exists()
    apply(world, wo, condition="major_failure", department_ids=())
    with pytest.raises(Conflict):  # one pending request at a time
        apply(world, wo, condition="major_failure", department_ids=())


def test_applicant_hears_back_by_email(world: World) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="handler").update(email="handler@example.com")
    wo = in_processing(world)
    request = apply(world, wo, condition="major_failure", department_ids=())
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)
    message = OutboxMessage.objects.get(template="escalation_decided")
    assert wo.number in message.body and "批准" in message.body


def test_console_and_api(world: World) -> None:
    network, billing = departments(world)
    _, net_staff = engineer(world, "net_engineer", network)
    wo = in_processing(world)
    handler = world.client_for("handler")
    page = handler.get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "申请升级 / 协办" in page and "网络运维部" in page
    bad = handler.post(f"/console/work-orders/{wo.pk}/escalation-requests/",
                       {"condition": "multi_department", "reason": "协同",
                        "department_ids": [str(network.pk)], "working_days": "3"})
    assert bad.status_code == 422 and not EscalationRequest.objects.exists()
    handler.post(f"/console/work-orders/{wo.pk}/escalation-requests/",
                 {"condition": "multi_department", "reason": "协同",
                  "department_ids": [str(network.pk), str(billing.pk)], "working_days": "3"})
    request = EscalationRequest.objects.get()
    assert "批准" not in world.client_for("supervisor").get(
        f"/console/work-orders/{wo.pk}/").content.decode()  # the city decides nothing of its own
    supervisor = world.client_for("manager")
    assert "批准" in supervisor.get(f"/console/work-orders/{wo.pk}/").content.decode()
    supervisor.post(f"/console/work-orders/{wo.pk}/escalation-requests/{request.pk}/decision/",
                    {"decision": "approve", "note": "同意"})
    task = CoHandlingTask.objects.get(department=network)
    supervisor.post(f"/console/work-orders/{wo.pk}/subtasks/{task.pk}/assign/",
                    {"handler_id": str(net_staff.pk)})
    task.refresh_from_db()
    assert task.handler_id == net_staff.pk
    english = supervisor.get(f"/console/work-orders/{wo.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Co-handling" in english.content.decode()

    api = world.client_for("manager")
    listed = api.get(f"/api/work-orders/{wo.pk}/subtasks").json()
    assert {t["department"] for t in listed} == {"网络运维部", "计费账务部"}
    other = CoHandlingTask.objects.get(department=billing)
    done = api.post(f"/api/subtasks/{other.pk}/complete", {"result": "已核对账单"},
                    content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    empty = api.post(f"/api/subtasks/{task.pk}/complete", {"result": ""},
                     content_type="application/json")
    assert empty.status_code == 422, empty.content.decode()
    created = handler.post(f"/api/work-orders/{wo.pk}/escalation-requests",
                       {"condition": "major_failure", "reason": "全市故障", "tier": 9},
                       content_type="application/json")
    assert created.status_code == 422 and "tier" in created.json()["errors"]
    assert api.post(f"/api/work-orders/{wo.pk}/escalation-requests",
                    {"condition": "major_failure", "reason": "全市故障"},
                    content_type="application/json").status_code == 403  # managers decide


def test_board_lists_requests_and_sub_tasks(world: World) -> None:
    network, billing = departments(world)
    wo = in_processing(world)
    apply(world, wo, network.pk, billing.pk)
    # Waiting for the superior unit: on the province's board, not on the applying city's.
    assert wo.number not in world.client_for("supervisor").get("/console/board/").content.decode()
    board = world.client_for("manager").get("/console/board/").content.decode()
    assert wo.number in board and "需多个部门协同处理" in board
    request = EscalationRequest.objects.get()
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)
    board = world.client_for("supervisor").get("/console/board/").content.decode()
    assert "网络运维部" in board and "计费账务部" in board
