"""Who may change a work order beside its transitions: the `can_*` predicates the actions
enforce and the console consults. Transition rights are in the transition table."""

from __future__ import annotations

from kefu.errors import Conflict, PermissionRefused
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import ALLOWED, Capability, Verdict, granted, has_capability, refused
from kefu.workorders.choices import OPEN_STATUSES, ApprovalStatus, Severity
from kefu.workorders.models import HandlingPlan, WorkOrder

C = Capability

# A compensation plan names the approver's role (CompensationApprovalRule); this is the
# capability that role's decision takes.
APPROVAL_CAPABILITY = {"supervisor": C.APPROVE_COMPENSATION,
                       "manager": C.APPROVE_LARGE_COMPENSATION}


def _open(wo: WorkOrder, zh: str, en: str) -> Verdict:
    return ALLOWED if wo.status in OPEN_STATUSES else refused(Conflict(zh, en))


def can_create_work_order(actor: Actor) -> Verdict:
    return granted(actor.role, C.CREATE_WORK_ORDER, "您的角色不能受理工单",
                   "Your role may not create work orders")


def can_assign(actor: Actor, wo: WorkOrder) -> Verdict:
    return (granted(actor.role, C.ASSIGN_WORK_ORDER, "您的角色不能分派工单",
                    "Your role may not assign work orders")
            and _open(wo, "已结束的工单不能分派", "A finished work order cannot be assigned"))


def can_mark_escalated(actor: Actor, wo: WorkOrder) -> Verdict:
    verdict = (granted(actor.role, C.MARK_ESCALATED, "只有主管或管理层可以升级工单",
                       "Only supervisors or managers escalate")
               and _open(wo, "已结束的工单不能升级", "A finished work order cannot be escalated"))
    if verdict and wo.is_escalated and wo.tier == 1:
        return refused(Conflict("工单已在最高响应级别", "Already escalated to the highest tier"))
    return verdict


def can_set_severity(actor: Actor, severity: str) -> Verdict:
    # 001 §4.1: major (and, by SPEC §15, urgent) matters are set by supervisors or managers.
    if severity == Severity.NORMAL:
        return ALLOWED
    return granted(actor.role, C.SET_MAJOR_SEVERITY, "重大/紧急级别须由主管或管理层确定",
                   "Only supervisors or managers set major or urgent severity")


def can_link(actor: Actor) -> Verdict:
    return granted(actor.role, C.LINK_WORK_ORDERS, "只有员工可以关联工单",
                   "Only staff link work orders")


def can_split(actor: Actor, wo: WorkOrder) -> Verdict:
    return (granted(actor.role, C.SPLIT_WORK_ORDER, "您的角色不能拆分工单",
                    "Your role may not split work orders")
            and _open(wo, "已结束的工单不能拆分", "A finished work order cannot be split"))


def reveals_for_handling(actor: Actor, wo: WorkOrder) -> bool:
    """The owner and the current handler reveal an open work order's customer for it without
    a typed reason (001 §4.5.2: the work order is the reason); once it is finished, the
    permission and a reason are needed like for anyone else."""
    return (actor.staff_id is not None and actor.staff_id in (wo.owner_id, wo.handler_id)
            and wo.status in OPEN_STATUSES)


def approver_roles_of(actor: Actor) -> list[str]:
    """The approver roles of the compensation plans whose decision the actor may take."""
    return [role for role, c in APPROVAL_CAPABILITY.items() if has_capability(actor.role, c)]


def can_decide_plan(actor: Actor, plan: HandlingPlan) -> Verdict:
    if plan.approval_status != ApprovalStatus.PENDING:
        return refused(Conflict("该方案不在待审批状态", "The plan is not awaiting approval"))
    if plan.approver_role not in approver_roles_of(actor):
        return refused(PermissionRefused("您无权审批该金额的补偿",
                                         "You may not approve a compensation this large"))
    if plan.created_by_user_id is not None and plan.created_by_user_id == actor.user_id:
        return refused(PermissionRefused("不能审批自己提交的方案",
                                         "You cannot approve your own plan"))
    return ALLOWED
