"""Return visits (回访) after closure: sampled, assigned a deadline, their outcome recorded;
a customer who is not satisfied gets the work order reopened."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from kefu.audit.actions import record_audit
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.orgs.actors import Actor
from kefu.orgs.choices import Role
from kefu.sla.queries import current_calendar
from kefu.surveys.models import ReturnVisit, ReturnVisitPolicy, VisitStatus
from kefu.workorders.choices import Severity
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders

MAX_ATTEMPTS = 3
VISITORS = frozenset({Role.AGENT, Role.SUPERVISOR})


def _policy(wo: WorkOrder) -> ReturnVisitPolicy:
    """The most specific sampling rule for the work order (unit and category beat blanks)."""
    best, score = ReturnVisitPolicy(normal_share=30), -1
    for policy in ReturnVisitPolicy.objects.all():
        if policy.unit_id not in (None, wo.unit_id) or policy.category_id not in (
                None, wo.category_id):
            continue
        points = (policy.unit_id is not None) + (policy.category_id is not None)
        if points > score:
            best, score = policy, points
    return best


def is_sampled(wo: WorkOrder, share: int) -> bool:
    """Reproducible sampling: the same work order is always in or out of a given share."""
    digest = hashlib.sha256(f"visit:{wo.number}".encode()).digest()
    return int.from_bytes(digest[:2], "big") % 100 < share


def schedule_return_visit(wo: WorkOrder) -> ReturnVisit | None:
    """Called by the close action inside its transaction."""
    policy = _policy(wo)
    if wo.severity == Severity.NORMAL and not is_sampled(wo, policy.normal_share):
        return None
    due = current_calendar().add_working_days(timezone.now(), policy.working_days).at
    visit, _ = ReturnVisit.objects.update_or_create(
        work_order=wo, defaults={"due_at": due, "status": VisitStatus.PENDING, "attempts": 0,
                                 "is_satisfied": None, "is_resolved": None,
                                 "completed_at": None})
    return visit


@transaction.atomic(durable=True)
def _record(*, actor: Actor, work_order_id: int, reached: bool, satisfied: bool | None,
            resolved: bool | None, comment: str) -> ReturnVisit:
    if actor.role not in VISITORS:
        raise PermissionRefused("您的角色不能登记回访", "Your role may not record visits")
    wo = scoped_work_orders(actor).filter(pk=work_order_id).first()
    visit = (ReturnVisit.objects.select_for_update().filter(work_order=wo).first()
             if wo else None)
    if visit is None:
        raise NotFound("该工单没有回访任务", "No return visit for this work order")
    if visit.status != VisitStatus.PENDING:
        raise Conflict("该回访已完成", "The visit is already recorded")
    now = timezone.now()
    visit.attempts += 1
    if not reached:
        if visit.attempts >= MAX_ATTEMPTS:
            visit.status, visit.completed_at = VisitStatus.UNREACHABLE, now
    else:
        if satisfied is None or resolved is None:
            raise InvalidInput("请填写是否满意、是否解决", "Record satisfied and resolved",
                               fields={"satisfied": ["必填 / required"]})
        visit.status, visit.completed_at = VisitStatus.DONE, now
        visit.is_satisfied, visit.is_resolved = satisfied, resolved
    visit.comment = comment.strip()
    visit.completed_by_name = actor.name
    visit.save()
    record_audit(actor=actor, action="RETURN_VISIT_RECORDED", object_type="work_order",
                 object_id=work_order_id,
                 data={"reached": reached, "satisfied": satisfied, "resolved": resolved,
                       "attempts": visit.attempts})
    return visit


def record_return_visit(*, actor: Actor, work_order_id: int, reached: bool,
                        satisfied: bool | None = None, resolved: bool | None = None,
                        comment: str = "") -> ReturnVisit:
    """Record one call. Not satisfied or not resolved reopens the work order (001 §4.2.1)."""
    from kefu.workorders.actions import reopen_work_order

    visit = _record(actor=actor, work_order_id=work_order_id, reached=reached,
                    satisfied=satisfied, resolved=resolved, comment=comment)
    if visit.status == VisitStatus.DONE and not (visit.is_satisfied and visit.is_resolved):
        reopen_work_order(actor=actor, work_order_id=work_order_id,
                          reason=f"回访不满意：{comment.strip() or '客户表示未解决'}")
    return visit
