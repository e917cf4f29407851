"""A complaint from intake to archive, and its side paths, through the actions."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused, StaleVersion
from kefu.notify.models import OutboxMessage
from kefu.orgs.actors import SYSTEM
from kefu.workorders import actions
from kefu.workorders.choices import ApprovalStatus, WorkOrderStatus
from kefu.workorders.errors import ArchivedRecord, MissingFields
from kefu.workorders.models import HandlingPlan, TimelineEvent, WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

S = WorkOrderStatus

REPLY = actions.ReplyInput(
    result="已恢复信号覆盖", process_summary="现场测试后调整天线", measures="调整基站天线下倾角",
    suggestions="如仍有问题请致电10000", cause_analysis="天线方位角偏移", reply_channel="sms",
)


def investigate(world: World, wo_id: int, **plan: Any) -> None:
    """Classify, investigate and start processing with `plan` (the plan fields), a repair by
    default."""
    actions.classify_work_order(actor=world.agent, work_order_id=wo_id,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal",
                                                             handler_id=world.handler.staff_id))
    actions.start_investigation(actor=world.handler, work_order_id=wo_id,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["on_site", "system_data"]))
    actions.start_processing(
        actor=world.handler, work_order_id=wo_id, inputs=actions.StartProcessingInput(
            findings="基站天线偏移导致室内覆盖弱", evidence_summary="现场测试报告",
            responsible_party="company",
            **(plan or {"plan_type": "repair", "plan_description": "调整天线"})),
    )


def test_intake_numbers_and_records(world: World) -> None:
    wo, created = actions.create_work_order(actor=world.agent, intake=intake(world))
    assert created
    assert wo.number.startswith("TS-") and len(wo.number) == len("TS-2026-00000001")
    assert wo.status == S.RECEIVED
    assert wo.owner_id == world.agent.staff_id  # 首问负责
    event = TimelineEvent.objects.get(work_order=wo)
    assert event.event_type == "created" and event.is_customer_visible
    assert AuditEntry.objects.filter(object_type="work_order", object_id=str(wo.pk),
                                     action="WORK_ORDER_CREATED").exists()
    message = OutboxMessage.objects.get(work_order_id=wo.pk)
    assert message.template == "work_order_received" and wo.number in message.body
    second, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    assert int(second.number[-8:]) == int(wo.number[-8:]) + 1


def test_full_lifecycle_to_archive(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk)
    actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    actions.close_work_order(actor=world.customer_actor, work_order_id=complaint.pk,
                             inputs=actions.CloseInput(satisfaction_score=5, feedback="满意"))
    wo = actions.archive_work_order(actor=world.archivist, work_order_id=complaint.pk,
                                    inputs=actions.ArchiveInput())
    assert wo.status == S.ARCHIVED
    assert re.fullmatch(r"GD-\d{4}-\d{8}", wo.archive_number)
    moves = list(TimelineEvent.objects.filter(work_order=wo, event_type="transitioned")
                 .values_list("to_status", flat=True).order_by("id"))
    assert moves == [S.CLASSIFIED, S.INVESTIGATING, S.PROCESSING, S.REPLIED, S.CLOSED,
                     S.ARCHIVED]
    assert wo.version == 7
    with pytest.raises(ArchivedRecord):
        actions.add_note(actor=world.supervisor, work_order_id=wo.pk, note="改一下")


def test_archive_refused_when_record_content_missing(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk)
    actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    actions.close_work_order(actor=world.agent, work_order_id=complaint.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True, satisfaction_score=5))
    WorkOrder.objects.filter(pk=complaint.pk).update(findings="")
    with pytest.raises(MissingFields) as refused:
        actions.archive_work_order(actor=world.archivist, work_order_id=complaint.pk,
                                   inputs=actions.ArchiveInput())
    assert refused.value.detail["missing"] == ["findings"]


def test_missing_fields_change_nothing(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(MissingFields) as refused:
        actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                    inputs=actions.ClassifyInput(
                                        category_id=None, severity="normal"))
    assert list(refused.value.fields) == ["category_id"]
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and complaint.version == 1


def test_unknown_category_rejected(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                    inputs=actions.ClassifyInput(
                                        category_id=999999, severity="normal"))
    assert "category_id" in refused.value.fields


def test_agent_cannot_set_major_severity(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(PermissionRefused):
        actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                    inputs=actions.ClassifyInput(
                                        category_id=world.category.pk, severity="major"))
    wo = actions.classify_work_order(actor=world.supervisor, work_order_id=complaint.pk,
                                     inputs=actions.ClassifyInput(
                                         category_id=world.category.pk, severity="major"))
    assert wo.severity == "major"


def test_pending_customer_returns_to_previous_state(world: World, complaint: WorkOrder) -> None:
    actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=complaint.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.request_customer_info(actor=world.handler, work_order_id=complaint.pk,
                                  inputs=actions.RequestInfoInput(
                                      question="请提供信号差的具体位置"))
    assert OutboxMessage.objects.filter(work_order_id=complaint.pk,
                                        template="info_requested").exists()
    wo = actions.resume_from_customer(actor=world.customer_actor, work_order_id=complaint.pk,
                                      inputs=actions.ResumeInput(note="在卧室靠窗位置"))
    assert wo.status == S.INVESTIGATING and wo.pending_return_status == ""


def test_reopen_is_counted(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk)
    actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    wo = actions.reopen_work_order(actor=world.customer_actor, work_order_id=complaint.pk,
                                   inputs=actions.ReopenInput(reason="信号仍然很差"))
    assert (wo.status, wo.reopen_count) == (S.REOPENED, 1)
    actions.handle_again(actor=world.handler, work_order_id=complaint.pk,
                         inputs=actions.HandleAgainInput())
    actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    actions.close_work_order(actor=world.agent, work_order_id=complaint.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True, satisfaction_score=5))
    wo = actions.reopen_work_order(actor=world.agent, work_order_id=complaint.pk,
                                   inputs=actions.ReopenInput(reason="客户回访表示问题复发"))
    assert wo.reopen_count == 2 and wo.closed_at is None


def test_reject_needs_reason_and_tells_customer(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(MissingFields):
        actions.reject_work_order(actor=world.agent, work_order_id=complaint.pk,
                                  inputs=actions.RejectInput(reject_reason="duplicate", note=""))
    wo = actions.reject_work_order(actor=world.agent, work_order_id=complaint.pk,
                                   inputs=actions.RejectInput(reject_reason="duplicate",
                                                              note="与TS单重复"))
    assert wo.status == S.REJECTED and wo.reject_reason == "duplicate"
    assert OutboxMessage.objects.filter(work_order_id=wo.pk,
                                        template="work_order_rejected").exists()


def test_withdraw_by_customer(world: World, complaint: WorkOrder) -> None:
    wo = actions.withdraw_work_order(actor=world.customer_actor, work_order_id=complaint.pk,
                                     inputs=actions.WithdrawInput(reason="问题已自行解决"))
    assert wo.status == S.WITHDRAWN


def test_merge_into_same_customer_only(world: World, complaint: WorkOrder) -> None:
    other, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="重复"))
    wo = actions.merge_work_order(actor=world.agent, work_order_id=other.pk,
                                  inputs=actions.MergeInput(target_number=complaint.number))
    assert wo.status == S.MERGED and wo.merged_into_id == complaint.pk
    assert TimelineEvent.objects.filter(work_order=complaint, event_type="merged_in").exists()
    third, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="三"))
    with pytest.raises(InvalidInput):
        actions.merge_work_order(actor=world.agent, work_order_id=third.pk,
                                 inputs=actions.MergeInput(target_number=third.number))


def test_consultation_answered_directly(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    wo = actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                     inputs=actions.AnswerInput(result="可发送CXLL到10001查询流量",
                                                                reply_channel="phone"))
    assert wo.status == S.REPLIED and wo.number.startswith("ZX-")


def test_auto_close_only_by_system(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk)
    actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    with pytest.raises(PermissionRefused):
        actions.close_work_order(actor=world.agent, work_order_id=complaint.pk,
                                 inputs=actions.CloseInput(), is_auto_close=True)
    with pytest.raises(MissingFields):
        actions.close_work_order(actor=world.agent, work_order_id=complaint.pk,
                                 inputs=actions.CloseInput())
    wo = actions.close_work_order(actor=SYSTEM, work_order_id=complaint.pk,
                                  inputs=actions.CloseInput(), is_auto_close=True)
    assert wo.status == S.CLOSED and wo.closing_note == "auto"


def test_compensation_above_threshold_needs_approval(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk, plan_type="compensation", plan_description="赠送话费",
                compensation_type="credit", amount=150)
    plan = HandlingPlan.objects.get(work_order=complaint)
    assert (plan.approval_status, plan.approver_role) == (ApprovalStatus.PENDING, "supervisor")
    with pytest.raises(Conflict):
        actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    with pytest.raises(PermissionRefused):
        actions.decide_handling_plan(actor=world.handler, plan_id=plan.pk, is_approved=True)
    actions.decide_handling_plan(actor=world.supervisor, plan_id=plan.pk, is_approved=True)
    plan.refresh_from_db()
    assert plan.approval_status == ApprovalStatus.APPROVED
    wo = actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    assert wo.status == S.REPLIED


def test_large_compensation_needs_manager(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk, plan_type="compensation", plan_description="退费",
                compensation_type="refund", amount=1500)
    plan = HandlingPlan.objects.get(work_order=complaint)
    assert plan.approver_role == "manager" and plan.amount == Decimal("1500.00")
    with pytest.raises(PermissionRefused):
        actions.decide_handling_plan(actor=world.supervisor, plan_id=plan.pk, is_approved=True)
    actions.decide_handling_plan(actor=world.manager, plan_id=plan.pk, is_approved=False,
                                 note="金额过高，请重新评估")
    plan.refresh_from_db()
    assert plan.approval_status == ApprovalStatus.REJECTED


def test_small_compensation_needs_no_approval(world: World, complaint: WorkOrder) -> None:
    investigate(world, complaint.pk, plan_type="compensation", plan_description="赠送话费",
                compensation_type="credit", amount=50)
    assert HandlingPlan.objects.get(work_order=complaint).approval_status == "not_needed"


def test_stale_version_refused(world: World, complaint: WorkOrder) -> None:
    actions.add_note(actor=world.agent, work_order_id=complaint.pk, note="客户再次来电")
    with pytest.raises(StaleVersion):
        actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                    inputs=actions.ClassifyInput(
                                        category_id=world.category.pk, severity="normal"),
                                    expected_version=1)


def test_sibling_unit_cannot_touch(world: World, complaint: WorkOrder) -> None:
    with pytest.raises(NotFound):
        actions.add_note(actor=world.sibling_handler, work_order_id=complaint.pk, note="x")


def test_assign_only_within_unit(world: World, complaint: WorkOrder) -> None:
    wo = actions.assign_work_order(actor=world.supervisor, work_order_id=complaint.pk,
                                   handler_id=world.handler.staff_id)
    assert wo.handler_id == world.handler.staff_id and wo.owner_id == world.agent.staff_id
    with pytest.raises(InvalidInput):
        actions.assign_work_order(actor=world.supervisor, work_order_id=complaint.pk,
                                  handler_id=world.sibling_handler.staff_id)


def test_failure_rolls_back_everything(world: World, complaint: WorkOrder) -> None:
    audit_before = AuditEntry.objects.count()
    outbox_before = OutboxMessage.objects.count()
    with pytest.raises(InvalidInput):
        actions.create_work_order(actor=world.agent, intake=intake(
            world, customer_id=None,
            customer=actions.CustomerDetails(name="李四", phone="12345")))
    assert AuditEntry.objects.count() == audit_before
    assert OutboxMessage.objects.count() == outbox_before
    assert WorkOrder.objects.count() == 1


def test_phone_intake_needs_call_id(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.create_work_order(actor=world.agent, intake=intake(world, call_id=""))
    assert "call_id" in refused.value.fields


def test_new_customer_created_or_found_by_phone(world: World) -> None:
    details = actions.CustomerDetails(name="李娜", phone="13900001111",
                                      address="广东省广州市越秀区北京路1号")
    first, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, customer_id=None, customer=details))
    second, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, customer_id=None, customer=details))
    assert first.customer_id == second.customer_id != world.customer.pk
