"""Every transition from every state, and every role for each transition, against the table."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kefu.errors import PermissionRefused
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.choices import Role
from kefu.workorders import actions
from kefu.workorders.choices import WorkOrderKind, WorkOrderStatus
from kefu.workorders.errors import ArchivedRecord
from kefu.workorders.models import Reply, TimelineEvent, WorkOrder
from kefu.workorders.perform import perform_transition
from kefu.workorders.transitions import TRANSITIONS, TransitionNotAllowed
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

FULL_VALUES: dict[str, Any] = {
    "severity": "normal", "investigation_methods": ["system_data"],
    "findings": "情况属实", "evidence_summary": "系统记录截图", "responsible_party": "company",
    "plan_type": "explanation", "plan_description": "书面解释并整改",
    "question": "请提供截图", "note": "客户已补充截图", "result": "已处理",
    "process_summary": "核实并处理", "measures": "调整基站参数", "suggestions": "如有问题请联系",
    "cause_analysis": "基站参数配置不当", "reply_channel": "sms",
    "is_confirmed_by_customer": True, "satisfaction_score": 5, "reason": "客户不满意",
    "reject_reason": "duplicate", "confirmation_call_id": "CALL-0099",
}


def actor_for(world: World, role: Role) -> Actor | None:
    return {
        Role.AGENT: world.agent, Role.HANDLER: world.handler, Role.SUPERVISOR: world.supervisor,
        Role.MANAGER: world.manager, Role.ARCHIVIST: world.archivist,
        Role.CUSTOMER: world.customer_actor, Role.SYSTEM: SYSTEM, Role.AUDITOR: world.auditor,
        Role.QA: world.qa, Role.EDITOR: world.editor, Role.REVIEWER: world.reviewer,
        Role.ADMIN: world.admin,
    }.get(role)


def work_order_in(world: World, kind: str, status: str) -> WorkOrder:
    """A work order forced into `status` (test set-up only; production moves go through
    actions), with what that state implies already recorded."""
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind=kind))
    fields: dict[str, Any] = {"status": status}
    if status == WorkOrderStatus.PENDING_CUSTOMER:
        fields["pending_return_status"] = WorkOrderStatus.INVESTIGATING
    if status == WorkOrderStatus.CLOSED:
        handler = world.handler.staff_id
        fields.update(handler_id=handler, findings="属实", closed_at=timezone.now(),
                      replied_at=timezone.now(), is_confirmed_by_customer=True,
                      satisfaction_score=5, category=world.category)
        Reply.objects.create(work_order=wo, result="r", process_summary="p", measures="m",
                             cause_analysis="c", channel="sms", replied_at=timezone.now(),
                             replied_by_name="h")
    WorkOrder.objects.filter(pk=wo.pk).update(**fields)
    return WorkOrder.objects.get(pk=wo.pk)


def values_for(world: World, wo: WorkOrder) -> dict[str, Any]:
    target, _ = actions.create_work_order(actor=world.agent,
                                          intake=intake(world, kind=wo.kind, title="另一条"))
    return {**FULL_VALUES, "category_id": world.category.pk, "target_number": target.number}


def kind_for(name: str) -> str:
    kinds = TRANSITIONS[name].kinds
    return WorkOrderKind.COMPLAINT if kinds is None else sorted(kinds)[0]


def allowed_actor(world: World, name: str) -> Actor:
    for role in TRANSITIONS[name].roles:
        if role != Role.SYSTEM and (actor := actor_for(world, role)) is not None:
            return actor
    raise AssertionError(name)


CASES = [(name, status) for name in TRANSITIONS for status in WorkOrderStatus.values]


@pytest.mark.parametrize(("name", "status"), CASES)
def test_transition_from_every_state(world: World, name: str, status: str) -> None:
    transition = TRANSITIONS[name]
    wo = work_order_in(world, kind_for(name), status)
    values = values_for(world, wo)
    actor = allowed_actor(world, name)
    events_before = TimelineEvent.objects.filter(work_order=wo).count()
    if status not in transition.sources or status == WorkOrderStatus.ARCHIVED:
        with pytest.raises((TransitionNotAllowed, ArchivedRecord)):
            perform_transition(actor=actor, work_order_id=wo.pk, name=name, values=values)
        wo.refresh_from_db()
        assert wo.status == status
        assert TimelineEvent.objects.filter(work_order=wo).count() == events_before
        return
    perform_transition(actor=actor, work_order_id=wo.pk, name=name, values=values)
    wo.refresh_from_db()
    expected = transition.target or WorkOrderStatus.INVESTIGATING
    assert wo.status == expected
    event = TimelineEvent.objects.filter(work_order=wo).latest("id")
    assert (event.transition, event.from_status, event.to_status) == (name, status, expected)


ROLE_CASES = [(name, role) for name in TRANSITIONS for role in Role]


@pytest.mark.parametrize(("name", "role"), ROLE_CASES)
def test_transition_for_every_role(world: World, name: str, role: Role) -> None:
    actor = actor_for(world, role)
    if actor is None:
        pytest.skip(f"no persona acts as {role}")
    transition = TRANSITIONS[name]
    status = sorted(transition.sources)[0]
    wo = work_order_in(world, kind_for(name), status)
    values = values_for(world, wo)
    if role not in transition.roles:
        with pytest.raises(PermissionRefused):
            perform_transition(actor=actor, work_order_id=wo.pk, name=name, values=values)
        wo.refresh_from_db()
        assert wo.status == status
        return
    if role == Role.SYSTEM and name == "close":
        actions.close_work_order(actor=actor, work_order_id=wo.pk, inputs=actions.CloseInput(),
                                 is_auto_close=True)
    else:
        perform_transition(actor=actor, work_order_id=wo.pk, name=name, values=values)
    wo.refresh_from_db()
    assert wo.status == (transition.target or WorkOrderStatus.INVESTIGATING)


@pytest.mark.parametrize("name", [n for n, t in TRANSITIONS.items() if t.kinds is not None])
def test_transition_refused_for_other_kinds(world: World, name: str) -> None:
    transition = TRANSITIONS[name]
    assert transition.kinds is not None
    other = next(k for k in WorkOrderKind.values if k not in transition.kinds)
    wo = work_order_in(world, other, sorted(transition.sources)[0])
    with pytest.raises(TransitionNotAllowed) as refused:
        perform_transition(actor=allowed_actor(world, name), work_order_id=wo.pk, name=name,
                           values=values_for(world, wo))
    assert name not in refused.value.detail["allowed"]
