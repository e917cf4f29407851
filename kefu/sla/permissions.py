"""Who may move a deadline or the calendar: the `can_*` predicates the actions enforce and
the console consults."""

from __future__ import annotations

from kefu.errors import Conflict, PermissionRefused
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import ALLOWED, Capability, Verdict, granted, refused
from kefu.sla.models import DeadlineExtension
from kefu.workorders.choices import Severity
from kefu.workorders.models import WorkOrder

C = Capability


def can_request_extension(actor: Actor, wo: WorkOrder) -> Verdict:
    """Only a major or urgent complaint's deadline is extended, and never one the regulator
    set."""
    verdict = granted(actor.role, C.REQUEST_EXTENSION, "您的角色不能申请延期",
                      "Your role may not request an extension")
    if not verdict:
        return verdict
    if wo.severity == Severity.NORMAL:
        return refused(Conflict("只有重大或紧急投诉可以延期",
                                "Only major or urgent complaints are extended"))
    if wo.deadline_cap is not None:
        return refused(Conflict("监管部门规定的期限不能延长",
                                "A deadline set by the regulator cannot be extended"))
    return ALLOWED


def can_decide_extension(actor: Actor, extension: DeadlineExtension | None = None) -> Verdict:
    verdict = granted(actor.role, C.DECIDE_EXTENSION, "只有管理层可以审批延期",
                      "Only management approves extensions")
    if verdict and extension is not None:
        requester = extension.requested_by_user_id
        if requester is not None and requester == actor.user_id:
            return refused(PermissionRefused("不能审批自己的申请",
                                             "You cannot approve your own request"))
    return verdict


def can_change_calendar(actor: Actor) -> Verdict:
    return granted(actor.role, C.CHANGE_CALENDAR, "只有系统管理员可以调整日历",
                   "Only administrators change the calendar")
