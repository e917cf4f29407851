"""Who may escalate, co-handle, supervise and take an appeal: the `can_*` predicates the
actions enforce and the console, portal and API consult."""

from __future__ import annotations

from kefu.errors import Conflict, PermissionRefused
from kefu.escalation.models import CoHandlingTask, EscalationRequest, SupervisionEntry
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import ALLOWED, Capability, Verdict, granted, refused
from kefu.workorders.choices import OPEN_STATUSES, WorkOrderKind, WorkOrderStatus
from kefu.workorders.models import WorkOrder

C = Capability
APPEALABLE_KINDS = frozenset({WorkOrderKind.COMPLAINT, WorkOrderKind.APPEAL})
# SPEC §15: a replied complaint may be appealed as well as a closed (or archived) one.
APPEALABLE_STATUSES = frozenset({WorkOrderStatus.REPLIED, WorkOrderStatus.CLOSED,
                                 WorkOrderStatus.ARCHIVED})


def can_request_escalation(actor: Actor, wo: WorkOrder) -> Verdict:
    verdict = granted(actor.role, C.REQUEST_ESCALATION, "您的角色不能申请升级",
                      "Your role may not apply to escalate")
    if verdict and wo.status not in OPEN_STATUSES:
        return refused(Conflict("已结束的工单不能升级",
                                "A finished work order cannot be escalated"))
    return verdict


def can_decide_escalation(actor: Actor, request: EscalationRequest | None = None) -> Verdict:
    """The superior decides (001 §3.4.3): someone of a unit above the applying unit, never
    of the applying unit itself, and never on a request of their own."""
    verdict = granted(actor.role, C.DECIDE_ESCALATION, "只有主管或管理层可以审批升级",
                      "Only supervisors or managers decide on escalation")
    if not verdict or request is None:
        return verdict
    if request.requested_by_user_id is not None and request.requested_by_user_id == actor.user_id:
        return refused(PermissionRefused("不能审批自己的升级申请",
                                         "You cannot decide your own request"))
    applying = request.applying_unit.path if request.applying_unit else ""
    if not actor.unit_path or applying == actor.unit_path \
            or not applying.startswith(actor.unit_path):
        return refused(PermissionRefused("升级申请须由申请单位的上级单位审批",
                                         "A unit above the applying unit decides on escalation"))
    return verdict


def can_assign_subtask(actor: Actor) -> Verdict:
    return granted(actor.role, C.DECIDE_ESCALATION, "只有主管或管理层可以分派协办任务",
                   "Only supervisors or managers assign co-handling tasks")


def can_complete_subtask(actor: Actor, task: CoHandlingTask) -> Verdict:
    if actor.staff_id is not None and actor.staff_id == task.handler_id:
        return ALLOWED
    return granted(actor.role, C.DECIDE_ESCALATION, "只有协办人或主管可以提交协办结果",
                   "Only the task's handler or a supervisor records its result")


def can_supervise(actor: Actor, wo: WorkOrder) -> Verdict:
    """A supervisor puts a work order under supervision by their own unit, so they need one."""
    verdict = granted(actor.role, C.SUPERVISE, "只有主管或管理层可以督办",
                      "Only supervisors or managers supervise")
    if verdict and actor.unit_id is None:
        return refused(PermissionRefused("只有主管或管理层可以督办",
                                         "Only supervisors or managers supervise"))
    if verdict and wo.status not in OPEN_STATUSES:
        return refused(Conflict("已结束的工单不能督办",
                                "A finished work order cannot be supervised"))
    return verdict


def can_configure_supervision(actor: Actor) -> Verdict:
    return granted(actor.role, C.CONFIGURE_SUPERVISION, "只有系统管理员可以设置值班主管",
                   "Only administrators set duty supervisors")


def can_report_supervision(actor: Actor) -> Verdict:
    return granted(actor.role, C.REPORT_SUPERVISION, "您的角色不能报告督办进展",
                   "Your role may not report on supervision")


def can_close_supervision(actor: Actor, entry: SupervisionEntry | None = None) -> Verdict:
    """Only the supervising unit (or one above it) closes its entry."""
    verdict = granted(actor.role, C.SUPERVISE, "只有主管或管理层可以结束督办",
                      "Only supervisors or managers close supervision")
    if verdict and entry is not None and not entry.supervising_unit.path.startswith(
            actor.unit_path):
        return refused(PermissionRefused("只有督办单位可以结束督办",
                                         "Only the supervising unit closes the entry"))
    return verdict


def can_take_appeal(actor: Actor, original: WorkOrder | None = None) -> Verdict:
    """Customers appeal their own complaints; front-line staff and their superiors take appeals
    in for them. Only a complaint (or appeal) that was answered is appealed."""
    verdict = granted(actor.role, C.TAKE_APPEAL, "您的角色不能受理申诉",
                      "Your role may not take in appeals")
    if verdict and original is not None and (original.kind not in APPEALABLE_KINDS
                                             or original.status not in APPEALABLE_STATUSES):
        return refused(Conflict("只能对已答复或已结案的投诉提出申诉",
                                "Only a replied or closed complaint can be appealed",
                                detail={"status": original.status, "kind": original.kind}))
    return verdict
